local t = {}
t[1] = "lf"
return t[1]
