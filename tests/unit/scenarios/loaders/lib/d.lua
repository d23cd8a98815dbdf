local x = 2
return x * 21
