local LIMIT <const> = 10
local NAME <const> = "n"

local function closer(tag)
  return setmetatable({}, { __close = function(_, err)
    print("closed", tag, err)
  end })
end

local function use()
  local x <close> = closer("a")
  local y <close>
    = closer("b")
  local z <const> = LIMIT * 2
  return z
end

do
  local w <close> = closer("c")
  print(use(), NAME)
end
