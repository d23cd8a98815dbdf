-- A requires B requires A: B sees A's partial module table, as in plain Lua.
local a = require "a"
print(a.name, a.b.name, a.b.a == a, a.b.peer(), a.hello())
print(package.loaded.a == a, package.loaded.b == a.b)
