-- Errors far below the frame that counted ahead (a multi-line call whose
-- last argument recurses deep and fails), stack overflows, and loops
-- counting in registers interrupted by a deep error from a metamethod.
local function rec(n)
  if n == 0 then error("bottom") end
  return rec(n - 1) + 1
end
local function id(...) return ... end
local results = {}
for depth = 10, 1000, 330 do
  local ok = pcall(function()
    local v = id(depth,
      rec(depth))
    return v
  end)
  results[#results + 1] = tostring(ok)
end
local function forever(n) return 1 + forever(n + 1) end
for _ = 1, 2 do
  local ok, err = pcall(forever, 1)
  results[#results + 1] = tostring(ok) .. ":" .. tostring(err):match("stack overflow")
end
local t = setmetatable({}, { __index = function(_, k)
  if k == 3 then return rec(100) end
  return k
end })
local ok = pcall(function()
  local s = 0
  for i = 1, 5 do
    s = s + t[i]
  end
  return s
end)
results[#results + 1] = tostring(ok)
print(table.concat(results, " "))
