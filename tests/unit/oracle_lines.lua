-- oracle_lines.lua: Lua's own executable lines of a file, for test_lines.
-- usage: lua5.4 oracle_lines.lua FILE
-- Runs FILE under a call hook that collects every function reached (in
-- every coroutine too), then prints
--   lines <union of debug.getinfo(f, "L").activelines>
--   protos <linedefined-lastlinedefined of every function reached>
-- The corpus calls every function it defines; test_lines checks that by
-- comparing the protos line with the prototypes of the compiled chunk.
local path = assert(arg[1], "usage: oracle_lines.lua FILE")
local chunk = assert(loadfile(path))
local source = debug.getinfo(chunk, "S").source
local seen = { [chunk] = true }

local function hook()
  local info = debug.getinfo(2, "f")
  if info then seen[info.func] = true end
end

-- Hooks are per coroutine: set ours in each new one.
local create, wrap = coroutine.create, coroutine.wrap
function coroutine.create(f)
  local co = create(f)
  debug.sethook(co, hook, "c")
  return co
end
function coroutine.wrap(f)
  local co = coroutine.create(f)
  return function(...)
    local r = table.pack(coroutine.resume(co, ...))
    if not r[1] then error(r[2], 0) end
    return table.unpack(r, 2, r.n)
  end
end

local out = io.stdout
io.stdout = io.open("/dev/null", "w")
local saved_print = print
print = function() end
debug.sethook(hook, "c")
local ok, err = pcall(chunk)
debug.sethook()
print = saved_print
coroutine.create, coroutine.wrap = create, wrap
if not ok then
  io.stderr:write("oracle_lines: ", path, ": ", tostring(err), "\n")
  os.exit(1)
end

local lines, protos = {}, {}
for f in pairs(seen) do
  local info = debug.getinfo(f, "SL")
  if info.source == source then
    for l in pairs(info.activelines) do lines[#lines + 1] = l end
    protos[#protos + 1] = info.linedefined .. "-" .. info.lastlinedefined
  end
end
local function uniq_sorted(t, cmp)
  table.sort(t, cmp)
  local r = {}
  for _, v in ipairs(t) do if r[#r] ~= v then r[#r + 1] = v end end
  return r
end
lines = uniq_sorted(lines)
protos = uniq_sorted(protos)
out:write("lines ", table.concat(lines, " "), "\n")
out:write("protos ", table.concat(protos, " "), "\n")
