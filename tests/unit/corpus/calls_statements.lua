local t = { n = 0 }
function t.inc(self, k) self.n = self.n + (k or 1) return self end
t:inc()
 :inc(2)
 :inc(
   3
 )
local r = (t.n
  == 6)
local x; x = 1; local y = x
  +
  1
print(r, y)
local s = ("%d"):format(
  y
)
print(s)
