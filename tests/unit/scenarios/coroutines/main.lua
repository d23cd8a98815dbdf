-- coroutine.create/resume/yield/wrap/close: values in and out preserved.
local gen = require "gen"
local co = coroutine.create(function(a, b)
  local c, d = coroutine.yield(a + b, a * b)
  local e = coroutine.yield(c .. d)
  return e, "end", nil, 4
end)
print(coroutine.resume(co, 2, 3))
print(coroutine.resume(co, "x", "y"))
print(coroutine.resume(co, 99))
print(coroutine.resume(co))
print(coroutine.status(co))

local w = coroutine.wrap(function(...)
  local n = select("#", ...)
  while true do
    local x = coroutine.yield(n, ...)
    if x == nil then break end
    n = n + x
  end
  return "done", n
end)
print(w(1, nil, 3))
print(w(10))
print(w(5))
print(w())

for v in gen.range(4) do io.write(v, " ") end
print()
print(gen.sum(gen.range(100)))

-- yield across pcall, error inside a coroutine
local co2 = coroutine.create(function()
  local ok, err = pcall(function()
    coroutine.yield(1)
    error("inside")
  end)
  coroutine.yield(ok, err)
  error({ tag = "obj" })
end)
print(coroutine.resume(co2))
print(coroutine.resume(co2))
local ok, e = coroutine.resume(co2)
print(ok, type(e), e.tag, coroutine.status(co2))

-- nested coroutines, wrap errors, close
local outer = coroutine.wrap(function()
  local inner = coroutine.wrap(function()
    coroutine.yield("i1")
    coroutine.yield("i2")
  end)
  coroutine.yield(inner())
  coroutine.yield(inner())
end)
print(outer(), outer())
local bad = coroutine.wrap(function() error("wrapped failure") end)
print(pcall(bad))
local co3 = coroutine.create(function() coroutine.yield() end)
coroutine.resume(co3)
print(coroutine.close(co3), coroutine.status(co3))
print(coroutine.isyieldable(), select(2, coroutine.running()))
