return { f = function(x)
  return x + 1
end }
