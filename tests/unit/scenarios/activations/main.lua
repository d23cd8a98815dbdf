-- Functions of different files taking turns in the same activation record
-- (the same CallInfo slot): each line must count for its own file.
local a = require "fa"
local b = require "fb"
local s = 0
for i = 1, 50 do s = s + a.f(i) + b.g(i) end          -- f and g, one slot
for i = 1, 20 do s = s + a.tail(i) end                -- fa tail-calls fb
for i = 1, 20 do s = s + a.tail_c(i) end              -- a C function in tail position
local co = coroutine.wrap(function()
  for i = 1, 5 do coroutine.yield(a.f(i)) end
end)
for i = 1, 5 do s = s + co() + b.g(i) end             -- threads take turns
for i = 1, 10 do pcall(a.boom) s = s + b.g(i) end     -- unwinding, then fb
local t = { 3, 1, 2, 5, 4 }
table.sort(t, function(x, y) return a.lt(x, y) end)  -- called from C
local mt = setmetatable({}, { __index = function(_, k) return b.g(k) end,
                               __add = a.add })
for i = 1, 4 do s = s + mt[i] + (mt + i) end          -- metamethods
print(s, table.concat(t, ","), select("#", a.tail_c(1)))
print(a.deep(3))
