local M = {}
local handlers = {
  a = function(x) return x + 1 end,
  b = function(x) return M.dispatch("a", x * 2) end,
}
function M.dispatch(k, x)
  return handlers[k](x)
end
function M.multi()
  return table.unpack({ 1, 2, 3 })
end
return M
