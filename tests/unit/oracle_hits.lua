-- oracle_hits.lua: Lua's own line hook as the oracle for hit counts.
-- usage: lua5.4 oracle_hits.lua SCRIPT OUT
-- Runs SCRIPT (with pcall) under a Lua line hook and writes to OUT one line
--   <source> TAB <line> TAB <count>
-- per line event of a file-backed chunk ("@..."), this script excluded.
-- Hooks are per coroutine in Lua, so every new coroutine gets the hook too;
-- a debug.sethook by the script is chained behind the oracle's hook (with
-- a tail call, so the script's hook sees the same stack as in plain Lua).
local script, outpath = assert(arg[1]), assert(arg[2])
local self = debug.getinfo(1, "S").source
local getinfo, sethook, gethook = debug.getinfo, debug.sethook, debug.gethook
local running = coroutine.running
local counts = {}
local user = setmetatable({}, { __mode = "k" })   -- thread -> user hook

local function hook(ev, line)
  local src = getinfo(2, "S").source
  if src == self then return end                   -- the oracle's own code
  if ev == "line" and src:byte(1) == 64 then       -- '@'
    local t = counts[src]
    if not t then t = {}; counts[src] = t end
    if line then t[line] = (t[line] or 0) + 1 end
  end
  local u = user[running()]
  if u and (ev ~= "line" or u.line) then return u.fn(ev, line) end
end

local scratch = coroutine.create(function() end)

local function thread_arg(...)
  if type((...)) == "thread" then return ..., select(2, ...) end
  return running(), ...
end

function debug.sethook(...)
  local th, fn, mask, count = thread_arg(...)
  -- plain Lua's argument checks, on a thread that never runs
  if type((...)) == "thread" then sethook(scratch, select(2, ...))
  else sethook(scratch, ...) end
  mask = tostring(mask)
  if fn == nil then
    user[th] = nil
    return sethook(th, hook, "l")
  end
  local m = "l"
  if mask:find("c", 1, true) then m = m .. "c" end
  if mask:find("r", 1, true) then m = m .. "r" end
  user[th] = { fn = fn, mask = mask, line = mask:find("l", 1, true) ~= nil }
  return sethook(th, hook, m, count)
end

function debug.gethook(...)
  local th = thread_arg(...)
  local u = user[th]
  if not u then return nil end
  local _, _, count = gethook(th)
  local m = ""
  for _, c in ipairs({ "c", "r", "l" }) do
    if u.mask:find(c, 1, true) then m = m .. c end
  end
  return u.fn, m, count
end

local create, wrap = coroutine.create, coroutine.wrap
function coroutine.create(f)
  local co = create(f)
  sethook(co, hook, "l")
  return co
end
function coroutine.wrap(f)
  return wrap(function(...)
    sethook(hook, "l")
    return f(...)
  end)
end

local chunk, err = loadfile(script)
if not chunk then
  io.stderr:write("oracle_hits: ", err, "\n")
  os.exit(2)
end
sethook(hook, "l")
local ok
ok, err = pcall(chunk)
sethook()
io.stdout:flush()
local out = assert(io.open(outpath, "w"))
for src, t in pairs(counts) do
  for line, n in pairs(t) do out:write(src, "\t", line, "\t", n, "\n") end
end
out:close()
if not ok then io.stderr:write("oracle_hits: script error: ", tostring(err), "\n") end
