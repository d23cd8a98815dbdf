-- Deep (non-tail) recursion: 10000 Lua frames.
local function depth(n)
  if n == 0 then
    return 0
  end
  local r = depth(n - 1)
  return r + 1
end
print(depth(10000))
local rec = require "rec"
print(rec.fib(20), rec.ackermann(2, 300))
-- recursion through pcall and metamethods (C boundaries)
local function viapcall(n)
  if n == 0 then return 0 end
  local ok, v = pcall(viapcall, n - 1)
  return v + 1
end
print(viapcall(150))
