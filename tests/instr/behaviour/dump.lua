-- string.dump of covered functions: the same bytes as without coverage,
-- loadable, and what they load runs.
local function sum(t)
  local s = 0
  for _, v in ipairs(t) do s = s + v end
  return s
end
local function make(k)
  return function(x) return x * k end
end
local function checksum(s)
  local h = 0
  for i = 1, #s do h = (h * 31 + s:byte(i)) % 4294967296 end
  return #s .. ":" .. h
end
print(checksum(string.dump(sum)), checksum(string.dump(sum, true)))
print(checksum(string.dump(make)), checksum(string.dump(make(2))))
print(load(string.dump(sum))({ 1, 2, 3 }), load(string.dump(sum, true))({ 4 }))
local main = debug.getinfo(1, "f").func
print(checksum(string.dump(main)))
local g = load(string.dump(make))
print(g(3)(5))
print(pcall(string.dump, print))
print(pcall(string.dump))
local again = load(string.dump(load(string.dump(sum))))
print(again({ 10, 20 }), checksum(string.dump(again)) == checksum(string.dump(sum)))
