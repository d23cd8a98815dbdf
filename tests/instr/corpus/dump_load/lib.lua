local M = {}
function M.twice(x)
  local r = x * 2
  return r
end
function M.make(n)
  return function(y)
    return y + n
  end
end
function M.nested()
  local k = 10
  return function(z)
    if z > 1 then
      return z * k
    end
    return k
  end
end
return M
