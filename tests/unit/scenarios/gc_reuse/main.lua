-- Many chunks loaded from strings and from files, collected between runs:
-- freed source strings must never make one chunk count as another.
local code = io.open("g.lua"):read("a")
local long = "@" .. string.rep("./", 30) .. "g.lua"   -- a long chunk name
local total = 0
for i = 1, 200 do
  local f = load(string.rep(" ", 60) .. "return " .. i)       -- string chunk
  total = total + f()
  f = nil
  collectgarbage()
  local g = load(code, long)                                -- file chunk, new name
  total = total + g()(i)
  g = nil
  if i % 7 == 0 then collectgarbage() end
end
print(total)
