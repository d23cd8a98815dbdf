-- User code setting its own line, call and return hooks: it sees the same
-- events as in plain Lua, and the hook functions themselves (and what they
-- call) are not counted, as with Lua's own line hook.
local work = require "work"
local events = {}
local function helper(x)
  return x
end
local function rec(ev, line)
  local info = debug.getinfo(2, "S")
  if info.short_src:find("work.lua", 1, true) then
    events[#events + 1] = ev .. ":" .. tostring(helper(line))
  end
end
debug.sethook(rec, "l")
work.run(3)
debug.sethook()
print(table.concat(events, " "))
events = {}
debug.sethook(rec, "cr")
work.run(2)
debug.sethook()
print(table.concat(events, " "))
events = {}
local co = coroutine.create(function()
  work.run(1)
  coroutine.yield()
  debug.sethook(rec, "l")
  work.run(1)
  debug.sethook()
end)
debug.sethook(co, rec, "r")
coroutine.resume(co)
coroutine.resume(co)
print(table.concat(events, " "))
print(pcall(function()
  debug.sethook(function(ev, line)
    if line == 11 then
      debug.sethook()
      error("hook error at " .. line, 0)
    end
  end, "l")
  return work.fail()
end))
print(debug.gethook())
local n = 0
debug.sethook(function() n = n + 1 end, "l")
local v = work.run(4)
debug.sethook()
print(n, v)
