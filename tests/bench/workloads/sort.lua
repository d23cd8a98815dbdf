-- table.sort with a Lua comparator.
local scale = tonumber(os.getenv("LC_BENCH_SCALE")) or 1

local function records(n, seed)
  local t = {}
  for i = 1, n do
    seed = (seed * 1103515245 + 12345) % 2147483648
    t[i] = { key = seed % 1000, name = "n" .. (seed % 9973), id = i }
  end
  return t
end

local function by_key_then_name(a, b)
  if a.key ~= b.key then return a.key < b.key end
  if a.name ~= b.name then return a.name < b.name end
  return a.id < b.id
end

local function descending(a, b) return a > b end

local check = 0
for round = 1, math.max(1, math.floor(5 * scale)) do
  local t = records(40000, round)
  table.sort(t, by_key_then_name)
  check = check + t[1].id
  local nums = {}
  for i = 1, 40000 do nums[i] = (i * 7919) % 40009 end
  table.sort(nums, descending)
  check = check + nums[1]
end
return check
