-- Multi-line calls whose last argument is a call (open results, "chains"),
-- with errors in the inner call and in the outer one, in returns, table
-- constructors, method calls, varargs and coroutines.
local h = require "helper"
local r = {}
local function put(v) r[#r + 1] = tostring(v) end

put(h.check(1,
  h.id(2)))
put(select("#",
  h.many(300)))
put(h.check(h.id(1),
  h.id(
    h.id(2))))
put(pcall(function()
  return h.check(1,
    h.boom("inner"))
end))
put(pcall(function()
  return h.check(1,
    h.boom("inner2"))
end))
put(pcall(function()
  return h.check(1,
    h.id(2, "fail"))
end))
put(select(2, pcall(function()
  local x = h.check(1,
    h.id(2, "fail"))
  return x
end)))
local t = { 1, 2,
  h.many(3) }
put(#t)
local obj = { v = 5 }
function obj:add(a, b) return self.v + a + (b or 0) end
put(obj:add(1,
  h.id(2)))
local function va(...)
  return h.check(
    ...)
end
put(va(1, 2))
local function ret(...)
  return 1,
    h.id(...)
end
put(select("#", ret(1, 2, 3)))
local co = coroutine.wrap(function(a)
  local b = h.check(a,
    coroutine.yield(a))
  local c = h.check(b,
    coroutine.yield(b))
  return c
end)
put(co(1))
put(co(2))
put(co(3))
for k = 1, 3 do
  put(pcall(function()
    return h.check(k,
      k == 2 and h.boom("k2") or h.id(k))
  end))
end
local ok, e = pcall(function()
  return h.check(1, h.id(2,
    nil .. "x"))
end)
put(ok)
print(table.concat(r, " "))
