local M = {}
function M.id(...) return ... end
function M.boom(msg) error(msg or "boom", 2) end
function M.check(a, b, c)
  if c == "fail" then error("check failed", 0) end
  return (a or 0) + (b or 0)
end
function M.many(n)
  local t = {}
  for i = 1, n do t[i] = i end
  return table.unpack(t)
end
return M
