-- A user line hook sees the same events, lines and stack as in plain Lua.
local events = {}
local function work(n)
  local s = 0
  for i = 1, n do
    s = s + i
  end
  if s > 100 then
    s = 0
  end
  return s
end
local function hook(ev, line)
  local info = debug.getinfo(2, "Sl")
  if info.short_src:find("main.lua", 1, true) and line and line < 12 then
    events[#events + 1] = ev .. ":" .. line
  end
end
debug.sethook(hook, "l")
work(3)
work(20)
debug.sethook()
print(table.concat(events, " "))
print(debug.gethook())
events = {}
debug.sethook(function(ev)
  local i = debug.getinfo(2, "nS")
  if i.short_src:find("main.lua", 1, true) then events[#events + 1] = ev .. ":" .. tostring(i.name) end
end, "cr")
work(2)
debug.sethook()
print(table.concat(events, " "))
local h, m, c = debug.gethook()
print(h, m, c)
debug.sethook(hook, "l", 5)
print(select(2, debug.gethook()), select(3, debug.gethook()))
debug.sethook()
print(pcall(debug.sethook, 1, "l"))
