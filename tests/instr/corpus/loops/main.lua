-- Loops of every kind: numeric (integer, float, negative and zero steps,
-- no iteration), while, repeat, generic for over pairs/ipairs/closures,
-- break, one-line loops and loops whose header spans lines.
local out = {}
local function put(...) out[#out + 1] = table.concat({ ... }, " ") end

local s = 0
for i = 1, 10 do s = s + i end
for i = 10, 1, -2 do
  s = s + i
end
for i = 1, 0 do s = s + 1000 end
for x = 0.5, 3.0, 0.5 do
  s = s + x
end
for x = 1.0, 0.0, -0.25 do s = s + x end
for i = math.maxinteger - 2, math.maxinteger do s = s + 1 end
for i = 3, 1 do
  s = -1
end
for i = 1,
  3,
  1
do
  s = s + i
end
put("numeric", s)

local n, w = 0, 0
while n < 7 do
  n = n + 1
  if n % 3 == 0 then
    w = w + n
  end
end
while false do w = -1 end
repeat
  n = n - 2
until n < 0
repeat n = n + 1 until n >= 3
put("while", n, w)

local t = { 10, 20, 30, x = 1, y = 2 }
local keys = {}
for k in pairs(t) do keys[#keys + 1] = tostring(k) end
table.sort(keys)
for i, v in ipairs(t) do
  keys[#keys + 1] = i .. "=" .. v
end
local function range(a, b)
  return function(_, i)
    if i < b then return i + 1 end
  end, nil, a - 1
end
for i in range(1, 4) do keys[#keys + 1] = "r" .. i end
for i in range(1, 0) do keys[#keys + 1] = "never" end
put("generic", table.concat(keys, ","))

local found
for i = 1, 100 do
  for j = 1, 100 do
    if i * j == 42 then
      found = i .. "x" .. j
      break
    end
  end
  if found then break end
end
put("break", found)

local m = 0
for i = 1, 3 do for j = 1, 3 do for k = 1, 2 do m = m + i * j * k end end end
local i = 0
while true do
  i = i + 1
  if i > 5 then break end
  for j = i, 5 do
    m = m + j
  end
end
put("nested", m)
print(table.concat(out, "\n"))
