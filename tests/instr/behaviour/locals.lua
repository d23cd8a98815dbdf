-- debug.getlocal/setlocal and the upvalue functions see the user's own
-- locals and upvalues only, numbered as in plain Lua.
local function dump_locals(level)
  local out = {}
  for n = 1, 50 do
    local name, value = debug.getlocal(level + 1, n)
    if not name then break end
    if name:sub(1, 1) ~= "(" or name == "(for state)" or name == "(temporary)" then
      out[#out + 1] = n .. "=" .. name .. ":" .. type(value)
    end
  end
  return table.concat(out, " ")
end
local function f(a, b, ...)
  local c = a + b
  for i = 1, 2 do
    local d = i * 2
    print("loop", dump_locals(1))
  end
  local e = select("#", ...)
  print("after", dump_locals(1))
  print("vararg", debug.getlocal(1, -1), debug.getlocal(1, -2), debug.getlocal(1, -3))
  print("set", debug.setlocal(1, 3, 100), c)
  print("set temp", debug.getlocal(1, 4))
  return c
end
f(1, 2, "x", "y")
print(debug.getlocal(f, 1), debug.getlocal(f, 2), debug.getlocal(f, 3))
print(pcall(debug.getlocal, 100, 1))
local u1, u2 = 10, 20
local function g() return u1 + u2 end
local function h() return u1 end
print(debug.getupvalue(g, 1), debug.getupvalue(g, 2), debug.getupvalue(g, 3))
print(debug.setupvalue(g, 2, 5), g(), debug.setupvalue(g, 3, 1))
print(debug.upvalueid(g, 1) == debug.upvalueid(h, 1), debug.upvalueid(g, 3))
print(pcall(debug.upvalueid, g, 4))
debug.upvaluejoin(h, 1, g, 2)
print(h())
print(pcall(debug.upvaluejoin, h, 2, g, 1))
local main = debug.getinfo(1, "f").func
print(debug.getupvalue(main, 1), debug.getupvalue(main, 2))
local n = 0
for k = 1, 3 do
  for j = 1, 2 do
    n = n + debug.getinfo(1, "l").currentline
  end
end
print(n)
