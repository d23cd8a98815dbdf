local function gen(n)
  return coroutine.wrap(function()
    for i = 1, n do
      coroutine.yield(i)
    end
  end)
end

local co = coroutine.create(function(a)
  local b = coroutine.yield(a + 1)
  return b * 2
end)

for v in gen(3) do print(v) end
print(coroutine.resume(co, 1))
print(coroutine.resume(co, 5))
