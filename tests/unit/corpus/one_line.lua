local function sq(x) return x * x end
local function pair(a, b) local s = a + b; return s, a - b end
local t = {} function t.m(self) return self end
local f = function(...) return select('#', ...) end
print(sq(2), pair(1, 2), t.m(t), f(1, 2), (function() return 1 end)())
