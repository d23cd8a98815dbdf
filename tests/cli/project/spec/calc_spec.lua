-- a plain script: passes when it returns normally
package.path = "./src/?.lua;./src/?/?.lua;" .. package.path
local calc = require "calc"
local deep = require "sub.deep"
assert(calc.add(1, 2) == 3)
assert(calc.sum(4) == 10)
assert(deep.twice(5) == 10)
print("ok")
