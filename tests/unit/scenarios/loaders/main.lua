-- Every way of loading a file is covered; code from strings is not.
print(dofile("lib/d.lua"))
local lf = loadfile("lib/lf.lua")
print(lf(), lf())
local h = io.open("lib/l.lua")
local src = h:read("a")
h:close()
print(load(src, "@lib/l.lua")())
print(load(src, "=not a file")())           -- not a file: not reported
print(load("local a = 1\nreturn a + 1")())   -- a string chunk: not reported
-- a custom searcher: "custom.x" loads lib/x.lua
table.insert(package.searchers, 2, function(name)
  local file = name:match("^custom%.(.*)$")
  if not file then return "\n\tno custom module" end
  local path = "lib/" .. file .. ".lua"
  local f, err = loadfile(path)
  if not f then error(err) end
  return f, path
end)
print(require("custom.x").v)
-- package.path entries
package.path = "./lib/?.lua;" .. package.path
print(require("viapath").v)
-- loadstring-style reader function with a file chunkname
local parts = { "return ", "'read'" }
local i = 0
print(load(function() i = i + 1 return parts[i] end, "@lib/reader.lua")())
