local v = base * 2
return v,
  base
