-- String building: concatenation, format, table.concat, gsub, rep.
local scale = tonumber(os.getenv("LC_BENCH_SCALE")) or 1

local function build(n)
  local parts = {}
  for i = 1, n do
    parts[#parts + 1] = string.format("%d:%s;", i, tostring(i * 3))
  end
  return table.concat(parts)
end

local function transform(s)
  local up = s:gsub("%d+", function(d) return "<" .. #d .. ">" end)
  local n = 0
  for w in up:gmatch("<(%d)>") do n = n + tonumber(w) end
  return n + #up:upper():lower()
end

local function slow_concat(n)
  local s = ""
  for i = 1, n do
    s = s .. string.char(97 + i % 26)
    if #s > 200 then s = s:sub(100) end
  end
  return #s
end

local total = 0
for _ = 1, math.max(1, math.floor(23 * scale)) do
  local s = build(20000)
  total = total + transform(s) + slow_concat(60000)
  total = total + #string.rep("ab", 1000, ",")
end
return total
