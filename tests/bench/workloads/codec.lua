-- A small encoder/decoder: base64 and run-length coding, round trips.
local scale = tonumber(os.getenv("LC_BENCH_SCALE")) or 1

local alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
local enc, dec = {}, {}
for i = 1, 64 do
  local c = alphabet:sub(i, i)
  enc[i - 1] = c
  dec[c:byte()] = i - 1
end

local function b64encode(s)
  local out = {}
  for i = 1, #s - 2, 3 do
    local a, b, c = s:byte(i, i + 2)
    local n = a << 16 | b << 8 | c
    out[#out + 1] = enc[n >> 18 & 63] .. enc[n >> 12 & 63] .. enc[n >> 6 & 63] .. enc[n & 63]
  end
  return table.concat(out)
end

local function b64decode(s)
  local out = {}
  for i = 1, #s, 4 do
    local a, b, c, d = s:byte(i, i + 3)
    local n = dec[a] << 18 | dec[b] << 12 | dec[c] << 6 | dec[d]
    out[#out + 1] = string.char(n >> 16 & 255, n >> 8 & 255, n & 255)
  end
  return table.concat(out)
end

local function rle_encode(s)
  local out, i, n = {}, 1, #s
  while i <= n do
    local c, j = s:sub(i, i), i
    while j < n and s:sub(j + 1, j + 1) == c and j - i < 254 do j = j + 1 end
    out[#out + 1] = string.char(j - i + 1) .. c
    i = j + 1
  end
  return table.concat(out)
end

local function rle_decode(s)
  local out = {}
  for i = 1, #s, 2 do
    out[#out + 1] = s:sub(i + 1, i + 1):rep(s:byte(i))
  end
  return table.concat(out)
end

local parts = {}
for i = 1, 30000 do parts[i] = string.char(97 + (i // 7) % 26) end
local input = table.concat(parts)     -- 30000 bytes, runs of 7
local ok = 0
for _ = 1, math.max(1, math.floor(87 * scale)) do
  local e = b64encode(input)
  if b64decode(e) == input then ok = ok + 1 end
  local r = rle_encode(input)
  if rle_decode(r) == input then ok = ok + 1 end
end
return ok
