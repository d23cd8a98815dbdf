-- User code setting its own hooks: the script sees what plain Lua shows it,
-- and coverage goes on.
local events = {}
local function rec(ev, line)
  local info = debug.getinfo(2, "S")
  if info.short_src:find("work.lua", 1, true) then
    events[#events + 1] = ev .. ":" .. tostring(line)
  end
end
local work = require "work"
print(debug.gethook())
debug.sethook(rec, "l")
print(select(2, debug.gethook()), select(3, debug.gethook()), debug.gethook() == rec)
work.run(3)
debug.sethook()
print(debug.gethook())
print(table.concat(events, " "))

-- call and return events, with a count
events = {}
debug.sethook(rec, "cr", 1000)
print(select(2, debug.gethook()), select(3, debug.gethook()))
work.run(2)
debug.sethook()
print(table.concat(events, " "))

-- a count hook alone
local ticks = 0
debug.sethook(function(ev) if ev == "count" then ticks = ticks + 1 end end, "", 1)
work.run(1)
debug.sethook()
print(ticks > 10)

-- hooks on a coroutine, set from outside and inside
events = {}
local co = coroutine.create(function()
  work.run(1)
  coroutine.yield()
  debug.sethook(rec, "l")
  work.run(1)
  debug.sethook()
end)
debug.sethook(co, rec, "r")
print(select(2, debug.gethook(co)))
coroutine.resume(co)
coroutine.resume(co)
print(table.concat(events, " "))
print(debug.gethook(co))

-- a new coroutine inherits the mask but not the hook function
debug.sethook(rec, "l")
local co2 = coroutine.create(function() return 1 end)
local h, m, c = debug.gethook(co2)
debug.sethook()
print(h, m, c)

-- errors in a hook propagate as in plain Lua
local ok, err = pcall(function()
  debug.sethook(function() debug.sethook() error("hook error", 0) end, "l")
  return work.run(1)
end)
print(ok, err, debug.gethook())
print(pcall(debug.sethook, rec, 42))
print(debug.gethook())
print(pcall(debug.sethook, 1, "l"))
work.run(5)
