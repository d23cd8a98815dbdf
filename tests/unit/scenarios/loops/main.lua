-- Loops: every iteration counts (LuaCov's semantics: the line hook fires
-- on a new line or a backward jump).
local s = 0
for i = 1, 10 do
  s = s + i
end
for i = 1, 10 do s = s + i end
local t = { "a", "b", "c" }
for k, v in ipairs(t) do
  s = s + k + #v
end
for _ in pairs(t) do end
local n = 0
while n < 5 do
  n = n + 1
end
repeat
  n = n - 1
until n == 0
while true do n = n + 1 if n > 7 then break end end
for i = 1, 6 do
  if i % 2 == 0 then goto continue end
  s = s + i
  ::continue::
end
local i = 0
::again::
i = i + 1
if i < 4 then goto again end
for _ = 1, 0 do s = 0 end
print(s, n, i)
require "loop_mod".run(4)
