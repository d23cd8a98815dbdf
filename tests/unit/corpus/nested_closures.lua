local function counter()
  local n = 0
  return function()
    n = n + 1
    return function(k)
      return n + k
    end
  end
end

local c = counter()
local inner = c()
print(inner(1))

local function deep()
  return (function()
    return (function()
      return (function() return 42 end)()
    end)()
  end)()
end
print(deep())
