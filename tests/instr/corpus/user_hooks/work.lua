local M = {}
function M.run(n)
  local s = 0
  for i = 1, n do
    s = s + i
  end
  return s
end
function M.fail()
  local x = 1
  error("work failed")
end
return M
