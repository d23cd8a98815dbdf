-- Coroutines: generators, values in and out, yields inside multi-line
-- calls, yields across pcall, errors, close, wrap inside for-in, and a
-- suspended coroutine left alone.
local function gen(n)
  return coroutine.wrap(function()
    for i = 1, n do
      coroutine.yield(i)
    end
  end)
end
local s = 0
for v in gen(5) do s = s + v end
local function id(...) return ... end
local co = coroutine.create(function(a, b)
  local c = id(a,
    coroutine.yield(a + b))
  local d, e = coroutine.yield(c)
  return d, e, "end"
end)
print(coroutine.resume(co, 1, 2))
print(coroutine.resume(co, 10))
print(coroutine.resume(co, "x", "y"))
print(coroutine.resume(co))
print(coroutine.status(co))
local co2 = coroutine.create(function()
  local ok, err = pcall(function()
    coroutine.yield(1)
    error("inside", 0)
  end)
  coroutine.yield(ok, err)
  error({ tag = "obj" })
end)
print(coroutine.resume(co2))
print(coroutine.resume(co2))
local ok, e = coroutine.resume(co2)
print(ok, type(e), e.tag, coroutine.status(co2))
local co3 = coroutine.create(function()
  local c <close> = setmetatable({}, { __close = function() print("closed") end })
  coroutine.yield(1)
  print("never")
end)
coroutine.resume(co3)
print(coroutine.close(co3), coroutine.status(co3))
print((coroutine.close(co2)))
local co4 = coroutine.wrap(function()
  local x = 1
  coroutine.yield(x)
  x = x + 1
  return x
end)
print(co4(), co4(), pcall(co4))
local outer = coroutine.wrap(function()
  local inner = coroutine.wrap(function()
    coroutine.yield("i1")
    coroutine.yield("i2")
  end)
  coroutine.yield(inner())
  coroutine.yield(inner())
end)
print(outer(), outer())
print(coroutine.isyieldable(), select(2, coroutine.running()))
print(pcall(coroutine.resume, co))
print(select("#", coroutine.running()))
print(s)
