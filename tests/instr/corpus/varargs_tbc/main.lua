-- Varargs and to-be-closed variables, <const> locals.
local log = {}
local function closer(name)
  return setmetatable({}, { __close = function(_, err)
    log[#log + 1] = name .. (err and (":" .. tostring(err)) or "")
  end })
end
local function va(a, ...)
  local n = select("#", ...)
  local t = { ... }
  local packed = table.pack(...)
  return n, #t, packed.n, ...
end
print(va(1))
print(va(1, nil, 3, nil))
print(select(-1, va(1, 2, 3)))
local function sum(...)
  local s = 0
  for i = 1, select("#", ...) do
    s = s + (select(i, ...) or 0)
  end
  return s
end
print(sum(1, 2, 3, nil, 5))
local K <const> = 10
local function tbc(fail)
  local x <close> = closer("x")
  do
    local y <close> = closer("y")
    if fail then error("fail", 0) end
  end
  local z <close> = closer("z")
  return K + 1
end
print(tbc(false))
print(pcall(tbc, true))
for i = 1, 3 do
  local c <close> = closer("loop" .. i)
  if i == 2 then break end
end
local function gen()
  local c <close> = closer("gen")
  return coroutine.wrap(function()
    coroutine.yield(1)
    coroutine.yield(2)
  end)
end
for v in gen() do log[#log + 1] = "v" .. v end
print(table.concat(log, " "))
print(... == nil, select("#", ...))
