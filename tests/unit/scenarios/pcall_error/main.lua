-- pcall/xpcall/error unwinding through several frames and modules.
local lib = require "lib"
print(pcall(lib.fail, "plain"))
print(pcall(lib.fail_at_level, 2))
local ok, e = pcall(lib.fail_table)
print(ok, type(e), e.code)
print(xpcall(lib.deep, function(m) return "handled: " .. m end, 5))
print(pcall(error))
print(pcall(error, nil))
print(select("#", pcall(error, setmetatable({}, { __tostring = function() return "T" end }))))
local function nested(n)
  if n == 0 then error("bottom", 0) end
  local ok2, err = pcall(nested, n - 1)
  error(err .. "<" .. n, 0)
end
print(pcall(nested, 4))
-- error in a metamethod and in a for iterator
local mt = setmetatable({}, { __index = function(_, k) error("no field " .. k, 0) end })
print(pcall(function() return mt.zzz end))
print(pcall(function()
  for _ in function() error("iter", 0) end do end
end))
print(lib.count)
