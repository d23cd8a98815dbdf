-- Lua code run by metamethods, __close and finalizers is counted.
local V = require "vec"
local a, b = V.new(1, 2), V.new(3, 4)
local c = a + b
print(c.x, c.y, tostring(c), #c, c(10))
print(a == V.new(1, 2), a < b)
do
  local r <close> = V.resource("r1")
  print("using", r.name)
end
print(pcall(function()
  local r <close> = V.resource("r2")
  error("fail with r2", 0)
end))
for i = 1, 5 do V.garbage(i) end
collectgarbage()
collectgarbage()
print(V.finalized())
