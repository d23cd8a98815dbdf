-- benchlib.lua: what the benchmark drivers (bench.lua, instr_bench.lua)
-- share: their command line, shell calls, statistics, the machine's
-- description and the interleaved timing loop.
local M = {}

-- The CPU-bound workloads of workloads/, in report order.
M.workloads = { "numeric", "strings", "sort", "methods", "codec" }

-- The runner (lc_bench.c) of a build directory, and plain lua5.4's timer.
function M.runner(opts) return opts.build .. "/tests/bench/lc_bench" end
function M.lua54(here) return "lua5.4 " .. here .. "/timed.lua" end

-- The common options: --build DIR [--rounds N] [--scale S] [--out FILE|-]
-- [--callgrind]. 'defaults' gives rounds and out; exits 2 on a bad line.
function M.options(name, defaults)
  local opts = { rounds = defaults.rounds, scale = 1, out = defaults.out }
  local i = 1
  while i <= #arg do
    local a = arg[i]
    if a == "--build" then opts.build = arg[i + 1]; i = i + 1
    elseif a == "--rounds" then opts.rounds = tonumber(arg[i + 1]); i = i + 1
    elseif a == "--scale" then opts.scale = tonumber(arg[i + 1]); i = i + 1
    elseif a == "--out" then opts.out = arg[i + 1]; i = i + 1
    elseif a == "--callgrind" then opts.callgrind = true
    else io.stderr:write(name, ": unknown argument ", a, "\n"); os.exit(2) end
    i = i + 1
  end
  if not opts.build or not opts.rounds or not opts.scale then
    io.stderr:write("usage: lua5.4 ", name, " --build DIR [--rounds N] [--scale S] [--out FILE|-] [--callgrind]\n")
    os.exit(2)
  end
  return opts
end

function M.sh(cmd)
  local p = assert(io.popen(cmd))
  local out = p:read("a")
  local ok = p:close()
  return out, ok
end

function M.median(t)
  local c = { table.unpack(t) }
  table.sort(c)
  local n = #c
  if n % 2 == 1 then return c[(n + 1) // 2] end
  return (c[n // 2] + c[n // 2 + 1]) / 2
end

function M.geomean(t)
  local s = 0
  for _, v in ipairs(t) do s = s + math.log(v) end
  return math.exp(s / #t)
end

function M.loadavg()
  local f = io.open("/proc/loadavg")
  if not f then return "?" end
  local s = f:read("l")
  f:close()
  return s:match("^(%S+ %S+ %S+)")
end

function M.machine()
  return {
    uname = (M.sh("uname -srm"):gsub("%s+$", "")),
    cpu = M.sh("grep -m1 'model name' /proc/cpuinfo"):match(":%s*(.-)%s*$") or "?",
    ncores = (M.sh("nproc"):gsub("%s+$", "")),
    lua = M.sh("lua5.4 -v"):match("Lua (%S+)") or "?",
  }
end

-- Runs every workload under every mode, 'rounds' times, interleaved: round
-- by round, workload by workload, the order of the modes rotating, so that
-- a slow spell of the machine spreads over all modes. run(mode, workload)
-- returns the seconds and the line events; returns times[w][mode.name] =
-- { seconds... } and events[w][mode.name].
function M.interleave(workloads, modes, rounds, run, log)
  local times, events = {}, {}
  for _, w in ipairs(workloads) do
    times[w], events[w] = {}, {}
    for _, m in ipairs(modes) do times[w][m.name] = {} end
  end
  for round = 1, rounds do
    for wi, w in ipairs(workloads) do
      for k = 0, #modes - 1 do
        local m = modes[(k + round + wi - 2) % #modes + 1]
        local t, ev = run(m, w)
        table.insert(times[w][m.name], t)
        events[w][m.name] = ev
        if log then log(round, w, m, t) end
      end
    end
  end
  return times, events
end

return M
