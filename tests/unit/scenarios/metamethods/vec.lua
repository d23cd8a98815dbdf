local V = {}
V.__index = V
function V.new(x, y) return setmetatable({ x = x, y = y }, V) end
V.__add = function(p, q)
  return V.new(p.x + q.x, p.y + q.y)
end
V.__eq = function(p, q) return p.x == q.x and p.y == q.y end
V.__lt = function(p, q)
  return p.x < q.x
end
V.__tostring = function(p) return "(" .. p.x .. "," .. p.y .. ")" end
V.__len = function() return 2 end
V.__call = function(p, k)
  return p.x * k
end
local closed = {}
function V.resource(name)
  return setmetatable({ name = name }, { __close = function(r, err)
    closed[#closed + 1] = r.name .. ":" .. tostring(err)
  end })
end
local finalized = 0
function V.garbage(i)
  setmetatable({ i = i }, { __gc = function()
    finalized = finalized + 1
  end })
end
function V.finalized() return finalized, table.concat(closed, " ") end
return V
