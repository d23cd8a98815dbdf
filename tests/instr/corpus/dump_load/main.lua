-- string.dump of covered functions, loaded back (stripped and not), and
-- load/loadfile/dofile with environments and reader functions.
local lib = require "lib"
local f = lib.make(3)
local d = string.dump(lib.twice)
local g = load(d, "twice", "b")
print(g(4), lib.twice(4), type(d), #d > 0)
local ds = string.dump(lib.twice, true)
print(load(ds, "=s", "b")(5))
local dumped_main = string.dump(assert(loadfile("lib.lua")))
local m2 = load(dumped_main)()
print(m2.twice(6), m2 ~= lib)
print(pcall(string.dump, print))
local inner = lib.nested()
local di = string.dump(inner)
print(type(load(di)), #di > 0)
local env = { x = 42 }
print(load("return x", "=env", "t", env)())
local parts = { "return ", "1 +", " 2" }
local i = 0
print(load(function() i = i + 1 return parts[i] end)())
print(load("syntax error here"))
print(pcall(load, function() return {} end))
local cf = loadfile("cfg.lua", "t", { base = 5 })
print(cf())
print(dofile("cfg2.lua"))
print(load(io.open("lib.lua"):read("a"), "@lib.lua")().twice(10))
