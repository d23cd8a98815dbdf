local b = require "fb"
local M = {}
function M.f(i) return i * 2 end
function M.tail(i) return b.g(i) end
function M.tail_c(i) return math.max(i, 0) end
function M.boom() error("boom") end
function M.lt(x, y) return x < y end
function M.add(_, i) return b.g(i) end
function M.deep(n) if n == 0 then return b.g(0) end return M.deep(n - 1) end
return M
