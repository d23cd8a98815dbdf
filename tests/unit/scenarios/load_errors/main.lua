-- Modules that fail while loading.
for i = 1, 2 do
  local ok, err = pcall(require, "boom")
  print(i, ok, err)
end
print(package.loaded.boom)
local ok, err = pcall(require, "syntax")
print(ok, (err:gsub("\n.*", "")))
ok, err = pcall(require, "errtable")
print(ok, type(err), err.code)
ok, err = pcall(require, "missing_module")
print(ok, (err:match("module 'missing_module' not found")))
local fine = require "fine"
print(fine.x)
