local a = 40
local b = 2
return a + b
