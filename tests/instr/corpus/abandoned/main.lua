-- coroutines left suspended: inside a multi-line call (a chain) and inside
-- a loop counting in registers (yield from a metamethod)
local function id(...) return ... end
local co = coroutine.wrap(function()
  local v = id(1,
    coroutine.yield(1))
  return v
end)
co()
local gen = coroutine.create(function()
  local t = setmetatable({}, { __index = function(_, k) coroutine.yield(k) return k end })
  local s = 0
  for i = 1, 10 do
    s = s + t[i]
  end
  return s
end)
for _ = 1, 4 do coroutine.resume(gen) end
local dropped = coroutine.create(function()
  local x = id(2,
    coroutine.yield())
end)
coroutine.resume(dropped)
dropped = nil
collectgarbage()
collectgarbage()
print("done")
