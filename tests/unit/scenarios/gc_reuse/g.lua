return function(i)
  return i * 2
end
