-- Error messages: text, position and variable names, as plain Lua gives
-- them, from code in loops, multi-line expressions and calls.
local function try(f, ...)
  local ok, err = pcall(f, ...)
  print(ok, err)
end
local up = nil
local t = { sub = {} }
try(function() local x; return x.y end)
try(function() return up.y end)
try(function() return undefined_global.y end)
try(function() return t.sub.deep.y end)
try(function() return t:nomethod() end)
try(function()
  local acc = 0
  for i = 1, 3 do
    acc = acc + i
  end
  return acc + nil
end)
try(function()
  local s = 0
  local i = 0
  while i < 5 do
    i = i + 1
    if i == 3 then
      s = s + t.missing.field
    end
  end
end)
try(function()
  return 1 +
    t.sub +
    2
end)
try(function()
  local a = { 1, 2 }
  return a[1] ..
    a[3]
end)
try(function(...)
  local n = select("#", ...)
  return n < "x"
end, 1, 2)
try(error, "plain message")
try(error, "level two", 2)
try(function() error("level one") end)
print(select(2, pcall(function() error({ code = 42 }) end)).code)
try(function() error() end)
try(function()
  local f = nil
  f(1,
    2)
end)
try(function()
  for i = 1, 2 do
    local v <const> = i
    local w = v + { }
  end
end)
try(function() for i = 1, "x" do end end)
try(function() for i = 1, 10, 0 do end end)
try(function() for i = 1.5, 3, 0 do end end)
try(string.rep)
try(string.rep, "x", -1, {})
try(setmetatable, 1)
local ok, tb = xpcall(function()
  local function inner()
    error("deep", 1)
  end
  local function middle()
    inner()
  end
  middle()
end, debug.traceback)
-- the traceback down to the xpcall (frames below differ between hosts)
print(ok, (tb:gsub("\n%s*%[C%]: in function 'xpcall'.*$", "")))
local function cut(s) return (s:gsub("\n%s*%[C%]: in function 'xpcall'.*$", "")) end
print(xpcall(function() local x = nil; return x.y end, function(e) return cut(debug.traceback(e, 2)) end))
print(xpcall(function() error("lvl2") end, function(e)
  local i = debug.getinfo(2, "Sln")
  return e .. " @" .. i.short_src .. ":" .. tostring(i.currentline) .. " " .. tostring(i.name)
end))
print(xpcall(function() error("tb1") end, function(e) return cut(debug.traceback(e, 2)) end))
print(xpcall(function() error("in handler") end, function(e) error("again", 0) end))
print(xpcall(function() return 1, 2 end, print))
-- a handler's own frame (level 1): no tail call in plain Lua
print(xpcall(function() error("tb level 1") end, function(e) return cut(debug.traceback(e)) end))
print(xpcall(function() error("tail?") end, function(e)
  local i = debug.getinfo(1, "t")
  return e .. " " .. tostring(i.istailcall)
end))
-- a real tail call inside a handler keeps its marker
local function tb_tail(e) return cut(debug.traceback(e)) end
print(xpcall(function() error("tail in handler") end, function(e) return tb_tail(e) end))
-- a handler of a handler's own xpcall
print(xpcall(function() error("outer") end, function(e)
  local _, inner = xpcall(function() error("inner") end, function(e2) return cut(debug.traceback(e2)) end)
  return e .. " | " .. inner .. " | " .. cut(debug.traceback("after"))
end))
-- deep: luaL_traceback skips the middle levels (in a coroutine, whose
-- stack is the same under every host)
local function deep(n) if n == 0 then error("deep end") end return (deep(n - 1)) end
for _, depth in ipairs({ 3, 15, 40 }) do
  print(coroutine.resume(coroutine.create(function()
    return xpcall(deep, function(e) return debug.traceback(e) end, depth)
  end)))
end
-- after the handlers are gone, the same depth is a plain frame again
local function after() return debug.getinfo(1, "t").istailcall end
print(pcall(after))
