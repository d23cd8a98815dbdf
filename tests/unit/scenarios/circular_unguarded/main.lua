-- Without the guard, Lua 5.4 loops until the C stack overflows; livecov
-- must fail the same way (an error, no crash, no hang).
local ok, err = pcall(require, "x")
print(ok, (tostring(err):find("stack overflow", 1, true)) ~= nil)
print(package.loaded.x, package.loaded.y)
