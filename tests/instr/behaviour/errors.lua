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
