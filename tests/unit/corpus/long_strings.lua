--[[ A long comment
spanning
several lines ]]
local a = [[
line one
line two
]]

local b = [==[
]]
still the string
]==]

--[==[
local not_code = 1
]==]

local function f()
  return [[
x]] .. a
end

print(#a, #b, f())
