-- Coroutines, pcall/error, tail calls, goto, varargs, to-be-closed
-- variables, integer and float loops: the results plain Lua gives.
local log = {}
local function say(...)
  local t = table.pack(...)
  for i = 1, t.n do t[i] = tostring(t[i]) end
  log[#log + 1] = table.concat(t, ",", 1, t.n)
end
for i = 1, 3 do say("i", i, math.type(i)) end
for x = 1.0, 2.0, 0.5 do say("x", x, math.type(x)) end
for i = 3, 1, -1 do say("down", i) end
for i = math.maxinteger - 1, math.maxinteger do say("max", i) end
for i = 1, 3 do local j = i; i = 10; say("ctl", j, i) end
local k = 0
::again::
k = k + 1
if k < 3 then goto again end
say("goto", k)
local function va(...) return select("#", ...), ... end
say("va", va(nil, nil))
say("va0", va())
local function tailsum(n, acc)
  if n == 0 then return acc end
  return tailsum(n - 1, acc + n)
end
say("tail", tailsum(100000, 0))
local gen = coroutine.wrap(function(a)
  for i = 1, a do coroutine.yield(i * 10) end
  return "done"
end)
say("co", gen(2), gen(), gen())
say("co dead", pcall(gen))
local closed = {}
do
  local r <close> = setmetatable({}, { __close = function(_, e) closed[#closed + 1] = tostring(e) end })
  local q <close> = nil
end
say("tbc", table.concat(closed, ";"))
say("tbc err", pcall(function()
  local r <close> = setmetatable({}, { __close = function(_, e) closed[#closed + 1] = tostring(e) end })
  error("boom", 0)
end))
say("tbc2", table.concat(closed, ";"))
say("tbc bad", pcall(function() local x <close> = 42 end))
local ok, e = pcall(function() local t = setmetatable({}, { __index = function(t, key) return key .. key end }) return t.ab end)
say("mm", ok, e)
local co = coroutine.create(function(...)
  local a, b = coroutine.yield(...)
  error({ a = a, b = b })
end)
say("res", coroutine.resume(co, 1, 2))
local ok2, err2 = coroutine.resume(co, "x", "y")
say("res2", ok2, err2.a, err2.b, coroutine.status(co))
say("close", coroutine.close(coroutine.create(function() end)))
say("running", coroutine.isyieldable())
print(table.concat(log, "\n"))
