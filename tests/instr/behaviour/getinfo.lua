-- debug.getinfo as plain Lua reports it: lines, active lines, upvalue and
-- parameter counts, names, tail calls.
local function lines_of(f)
  local t = {}
  for l in pairs(debug.getinfo(f, "L").activelines or {}) do t[#t + 1] = l end
  table.sort(t)
  return table.concat(t, ",")
end
local function show(f)
  local i = debug.getinfo(f, "Su")
  print(i.what, i.short_src, i.linedefined, i.lastlinedefined, i.nups, i.nparams,
        i.isvararg, lines_of(f))
end
local up1, up2 = 1, 2
local function a(x, y)
  return x + y + up1
end
local function b(...)
  local n = select("#", ...)
  for i = 1, n do
    up2 = up2 + i
  end
  return n
end
local function c()
end
local function d(p)
  if p then
    return
      p
  end
  while p do
    p = false
  end
end
show(a); show(b); show(c); show(d); show(print)
show(debug.getinfo(1, "f").func)
local function where()
  local i = debug.getinfo(2, "Sln")
  return i.currentline, i.name, i.namewhat, i.short_src
end
print(where())
for k = 1, 2 do
  print(k, where())
end
local w = 0
while w < 2 do
  w = w + 1
  print(w,
    where())
end
local function tail(n)
  if n == 0 then
    local i = debug.getinfo(1, "t")
    local j = debug.getinfo(2, "Sl")
    return i.istailcall, j and j.currentline
  end
  return tail(n - 1)
end
print(tail(3))
local function named() return debug.getinfo(1, "n") end
local ni = named()
print(ni.name, ni.namewhat)
local obj = { m = function(self) return debug.getinfo(1, "n").name end }
print(obj:m(), obj.m(obj))
print(debug.getinfo(100))
print(pcall(debug.getinfo, 1, ">S"))
print(pcall(debug.getinfo, 1, "x"))
local co = coroutine.create(function()
  coroutine.yield(debug.getinfo(1, "l").currentline)
end)
print(coroutine.resume(co))
print(debug.getinfo(co, 1, "l").currentline)
local keys = {}
for k in pairs(debug.getinfo(1)) do keys[#keys + 1] = k end
table.sort(keys)
print(table.concat(keys, " "))
