local a = 7 // 2
local b = 7 / 2
local c = 2^10
local d = 1 << 4 | 3 & ~0 ~ 5 >> 1
local e = -a + #"abc" % 2
local function cmp(x, y) return x < y, x <= y, x == y, x ~= y end
print(a, b, c, d, e, cmp(a, b))
