-- string.dump + load: the loaded copy still counts for its file.
local m = require "dumped"
local bin = string.dump(m.square)
local copy = load(bin, "ignored", "b")
print(copy(7), m.square(3))
for i = 1, 3 do print(load(string.dump(m.sum))(i)) end
-- stripped: no line information, nothing to count (and no crash)
local stripped = load(string.dump(m.square, true), "@dumped.lua", "b")
print(stripped(5))
-- a dumped main chunk
local main_copy = load(string.dump(assert(loadfile("dumped.lua"))))
print(main_copy().square(2))
