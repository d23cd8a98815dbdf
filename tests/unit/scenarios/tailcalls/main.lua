-- Tail calls do not grow the stack; each hop still counts its lines.
local function loop(n, acc)
  if n == 0 then return acc end
  return loop(n - 1, acc + n)
end
print(loop(100000, 0))

local is_even, is_odd
function is_even(n)
  if n == 0 then return true end
  return is_odd(n - 1)
end
function is_odd(n)
  if n == 0 then return false end
  return is_even(n - 1)
end
print(is_even(1001), is_odd(77))

local m = require "tail_mod"
print(m.dispatch("a", 3), m.dispatch("b", 4))
print(select("#", m.multi()))
