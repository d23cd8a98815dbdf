-- Errors raised and caught in many ways; the lines reached before the
-- error count, the ones after it do not.
local out = {}
local function put(...)
  local t = table.pack(...)
  for i = 1, t.n do t[i] = tostring(t[i]) end
  out[#out + 1] = table.concat(t, "|", 1, t.n)
end
local function lvl(n)
  error("at level " .. n, n)
end
put(pcall(lvl, 1))
put(pcall(lvl, 2))
put(select(2, pcall(error, { code = 1 })).code)
put(xpcall(function()
  local a = nil
  return a.field
end, function(m) return "handled: " .. tostring(m) end))
put(xpcall(function()
    local x = 1
    x = x + nil
    return x
  end,
  function(m)
    local ok, inner = pcall(error, "in handler")
    return m .. " / " .. tostring(inner)
  end))
local mt = {
  __index = function(t, k)
    if k == "bad" then error("no " .. k) end
    return k .. "!"
  end,
  __add = function(a, b)
    error("cannot add")
  end,
  __call = function(self, x)
    if x > 2 then
      error("too big")
    end
    return x
  end,
}
local obj = setmetatable({}, mt)
put(obj.good, (pcall(function() return obj.bad end)))
put(pcall(function() return obj + 1 end))
put(pcall(obj, 1), pcall(obj, 5))
local function deep(n)
  if n == 0 then
    error("bottom")
  end
  local v = deep(n - 1)
  return v + 1
end
put((pcall(deep, 300)))
local function nested(n)
  if n == 0 then error("n0", 0) end
  local ok, err = pcall(nested, n - 1)
  error(err .. "<" .. n, 0)
end
put(pcall(nested, 5))
put(pcall(function()
  for _ in function() error("iter", 0) end do
    put("never")
  end
end))
put(pcall(string.rep))
put(pcall(function()
  local t = setmetatable({}, { __close = function() error("close err", 0) end })
  do
    local c <close> = t
    put("in block")
  end
end))
local co = coroutine.create(function()
  local x = 1
  error("in coroutine")
end)
put(coroutine.resume(co))
local w = coroutine.wrap(function() error("wrapped", 0) end)
put(pcall(w))
put(pcall(function() return #nil end))
put(pcall(function() local s = "a" .. {} end))
put(pcall(function() return 1 < "x" end))
print(table.concat(out, "\n"))
