local M = {}

function M.add(a, b)
  return a + b
end

function M.sum(n)
  local s = 0
  for i = 1, n do
    s = s + i
  end
  return s
end

function M.unused(x)
  if x then
    return "yes"
  end
  return "no"
end

return M
