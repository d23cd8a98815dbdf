-- A function long enough that Lua stores absolute line anchors
-- (abslineinfo): more than 128 instructions and a jump of lines > 127.
local function long(x)
  local a = x + 1
  local b = a + 1
  local c = b + 1
  local d = c + 1
  local e = d + 1
  local f = e + 1
  local g = f + 1
  local h = g + 1
  local i = h + 1
  local j = i + 1
  local k = j + 1
  local l = k + 1
  local m = l + 1
  local n = m + 1
  local o = n + 1
  local p = o + 1
  local q = p + 1
  local r = q + 1
  local s = r + 1
  local t = s + 1
  local u = t + 1
  local v = u + 1
  local w = v + 1
  local y = w + 1
  local z = y + 1
  local r1 = a + b + c + d + e + f + g + h + i + j + k + l + m
  local r2 = n + o + p + q + r + s + t + u + v + w + y + z
  local r3 = r1 * r2 - r1 / (r2 + 1) + r1 % 7 + r2 // 3
  local r4 = r3 + r1 + r2 + a * b * c * d * e * f * g * h
  local r5 = r4 - i * j * k * l * m * n * o * p * q * r * s
  local r6 = r5 + t * u * v * w * y * z
  local r7 = r6 + r5 + r4 + r3 + r2 + r1
  local r8 = r7 + r6 + r5 + r4 + r3 + r2 + r1
  local r9 = r8 + r7 + r6 + r5 + r4 + r3 + r2 + r1
  local s1 = tostring(r9) .. tostring(r8) .. tostring(r7)
  local s2 = s1 .. s1 .. s1
  local s3 = s2:sub(1, 3) .. s2:sub(4, 6) .. s2:sub(7, 9)
  return s3, r9
end

































































































































print(long(1))
local function after() return 1 end
print(after())
