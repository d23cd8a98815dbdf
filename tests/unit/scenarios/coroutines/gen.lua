local M = {}
function M.range(n)
  return coroutine.wrap(function()
    for i = 1, n do
      coroutine.yield(i)
    end
  end)
end
function M.sum(it)
  local s = 0
  for v in it do s = s + v end
  return s
end
return M
