local M = {}
function M.square(x)
  local y = x * x
  return y
end
function M.sum(n)
  local s = 0
  for i = 1, n do
    s = s + i
  end
  return s
end
function M.unused()
  return "never"
end
return M
