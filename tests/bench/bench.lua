-- bench.lua: the coverage overhead of livecov on CPU-bound Lua workloads.
-- usage: lua5.4 tests/bench/bench.lua --build DIR [--rounds N] [--scale S]
--                                      [--out FILE|-] [--callgrind]
-- Runs every workload of workloads/ under each mode, interleaved (round by
-- round, the order of modes rotating), takes the median CPU time of each,
-- and writes the ratios and their geometric means as markdown (RESULTS.md
-- by default). --callgrind adds instruction counts (valgrind), which no
-- other load on the machine can disturb.
local here = arg[0]:match("^(.*)/[^/]*$") or "."
local opts = { rounds = 3, scale = 1, out = here .. "/RESULTS.md" }
local i = 1
while i <= #arg do
  local a = arg[i]
  if a == "--build" then opts.build = arg[i + 1]; i = i + 1
  elseif a == "--rounds" then opts.rounds = tonumber(arg[i + 1]); i = i + 1
  elseif a == "--scale" then opts.scale = tonumber(arg[i + 1]); i = i + 1
  elseif a == "--out" then opts.out = arg[i + 1]; i = i + 1
  elseif a == "--callgrind" then opts.callgrind = true
  else io.stderr:write("bench.lua: unknown argument ", a, "\n"); os.exit(2) end
  i = i + 1
end
if not opts.build then
  io.stderr:write("usage: lua5.4 bench.lua --build DIR [--rounds N] [--scale S] [--out FILE|-] [--callgrind]\n")
  os.exit(2)
end

local lc_bench = opts.build .. "/tests/bench/lc_bench"
local workloads = { "numeric", "strings", "sort", "methods", "codec" }
-- mode -> command prefix; the workload path is appended
local modes = {
  { name = "lua5.4", cmd = "lua5.4 " .. here .. "/timed.lua" },
  { name = "plain", cmd = lc_bench .. " plain" },
  { name = "empty", cmd = lc_bench .. " empty" },
  { name = "getinfo", cmd = lc_bench .. " getinfo" },
  { name = "getinfo_f", cmd = lc_bench .. " getinfo_f" },
  { name = "recorder", cmd = lc_bench .. " recorder" },
  { name = "livecov", cmd = lc_bench .. " livecov" },
}

local function sh(cmd)
  local p = assert(io.popen(cmd))
  local out = p:read("a")
  local ok = p:close()
  return out, ok
end

local function run(mode, w)
  local file = here .. "/workloads/" .. w .. ".lua"
  local out, ok = sh(string.format("LC_BENCH_SCALE=%s %s %s", opts.scale, mode.cmd, file))
  local t, ev = out:match("^(%S+) (%d+)")
  if not ok or not t then
    io.stderr:write("bench.lua: ", mode.name, " ", w, " failed: ", out, "\n")
    os.exit(1)
  end
  return tonumber(t), tonumber(ev)
end

local function median(t)
  local c = { table.unpack(t) }
  table.sort(c)
  local n = #c
  return n % 2 == 1 and c[(n + 1) // 2] or (c[n // 2] + c[n // 2 + 1]) / 2
end

local function geomean(t)
  local s = 0
  for _, v in ipairs(t) do s = s + math.log(v) end
  return math.exp(s / #t)
end

local function load_avg()
  local f = io.open("/proc/loadavg")
  if not f then return "?" end
  local s = f:read("l")
  f:close()
  return s:match("^(%S+ %S+ %S+)")
end

-- {====================================================== timing

local load_start = load_avg()
local times, events = {}, {}
for _, w in ipairs(workloads) do
  times[w] = {}
  for _, m in ipairs(modes) do times[w][m.name] = {} end
end
for round = 1, opts.rounds do
  for wi, w in ipairs(workloads) do
    for k = 0, #modes - 1 do
      local m = modes[(k + round + wi - 2) % #modes + 1]     -- rotate the order
      local t, ev = run(m, w)
      table.insert(times[w][m.name], t)
      events[w] = events[w] or {}
      events[w][m.name] = ev
      io.stderr:write(string.format("round %d %-8s %-9s %.3f s\n", round, w, m.name, t))
    end
  end
end
local load_end = load_avg()

-- }======================================================

-- {====================================================== callgrind

local function collected(cmd)
  local out = sh(cmd .. " 2>&1 >/dev/null")
  local n = out:match("Collected : (%d+)")
  if not n then
    io.stderr:write("bench.lua: callgrind failed: ", out, "\n")
    os.exit(1)
  end
  return tonumber(n)
end

local ir = {}
local cg_scale = 0.05
if opts.callgrind then
  local vg = "valgrind --tool=callgrind --callgrind-out-file=/dev/null "
  local empty_file = os.tmpname()
  local f = assert(io.open(empty_file, "w"))
  f:write("return 0\n")
  f:close()
  local base = {}
  for _, m in ipairs(modes) do
    if m.name ~= "lua5.4" then
      -- the same program on an empty script: its start-up, subtracted below
      local dir = os.tmpname()
      os.remove(dir)
      os.execute("mkdir " .. dir)
      os.execute(string.format("cp %s %s/empty.lua", empty_file, dir))
      base[m.name] = collected(string.format("%s%s %s/empty.lua", vg, m.cmd, dir))
      os.execute("rm -r " .. dir)
    end
  end
  os.remove(empty_file)
  for _, w in ipairs(workloads) do
    ir[w] = {}
    for _, m in ipairs(modes) do
      if m.name ~= "lua5.4" then
        local file = here .. "/workloads/" .. w .. ".lua"
        local n = collected(string.format("LC_BENCH_SCALE=%s %s%s %s", cg_scale, vg, m.cmd, file))
        ir[w][m.name] = n - base[m.name]
        io.stderr:write(string.format("callgrind %-8s %-9s %d\n", w, m.name, ir[w][m.name]))
      end
    end
  end
end

-- }======================================================

-- {====================================================== report

local out = {}
local function p(...) out[#out + 1] = string.format(...) end
local function uname()
  return (sh("uname -srm"):gsub("\n", ""))
end
local function cpu()
  local s = sh("grep -m1 'model name' /proc/cpuinfo")
  return (s:match(":%s*(.-)%s*$") or "?")
end

local med = {}
for _, w in ipairs(workloads) do
  med[w] = {}
  for _, m in ipairs(modes) do med[w][m.name] = median(times[w][m.name]) end
end
local function ratios(a, b)
  local r = {}
  for _, w in ipairs(workloads) do r[#r + 1] = med[w][a] / med[w][b] end
  return r
end

p("# Coverage overhead benchmark")
p("")
p("Generated by `lua5.4 tests/bench/bench.lua --build %s%s` on %s.",
  opts.build, opts.callgrind and " --callgrind" or "", os.date("!%Y-%m-%d %H:%M UTC"))
p("Machine: %s, %s, %s cores; load average %s at the start, %s at the end.",
  uname(), cpu(), (sh("nproc"):gsub("\n", "")), load_start, load_end)
p("Lua: `lua5.4` %s; lc_bench links the distribution's liblua5.4.",
  (sh("lua5.4 -v"):match("Lua (%S+)") or "?"))
p("")
p("## Method")
p("")
p("Five CPU-bound workloads (`workloads/*.lua`, about 1 s each under plain")
p("lua5.4 at scale 1), each run %d times per mode, interleaved: round by round,", opts.rounds)
p("workload by workload, with the order of the modes rotating. A cell is the")
p("median of the %d runs, in seconds of process CPU time of the workload's own", opts.rounds)
p("run: compilation, state creation, library and runtime loading are outside")
p("the interval (`timed.lua` for the interpreter, `lc_bench.c` for the rest).")
p("")
local ncores = tonumber((sh("nproc"):gsub("\n", ""))) or 1
local busy = tonumber(load_start:match("^(%S+)")) or 0
if busy > ncores * 0.75 then
  p("The machine was busy (load average %s on %d cores at the start): other", load_start, ncores)
  p("processes share its cores and caches, so even CPU times vary between")
  p("rounds (raw times at the end). The instruction counts below are the")
  p("noise-free view of the same ratios.")
  p("")
end
p("- **lua5.4**: the Debian interpreter (its own static copy of Lua).")
p("- **plain**: lc_bench, a fresh state of the shared liblua5.4, no hook.")
p("- **empty**: the same with `lua_sethook(L, empty, LUA_MASKLINE, 0)`: the")
p("  baseline, the cost of Lua's hook machinery alone.")
p("- **recorder**: the same state with `lc_cov_attach` instead (the recorder's")
p("  line hook, the workload file recorded, per-test points on): the cost of")
p("  livecov's bookkeeping on top of the hook, which issue 3's target is about.")
p("- **livecov**: `lc_run_file` exactly as a `livecov run` worker calls it")
p("  (sandboxed state, test runtime, coverage of the workload file, per-test")
p("  points on), timed from the runtime's `test_begin` to its `test_end`, so")
p("  the interval is the script's run under the recorder inside the test")
p("  runtime; process start, worker spawn and reporting are not in it.")
p("- **getinfo**, **getinfo_f**: a line hook calling only `lua_getinfo(L, \"S\")`,")
p("  or `lua_getinfo(L, \"f\")` + `lua_topointer` + pop: the two ways for a")
p("  hook to learn which function is running.")
p("")
p("## Results (medians of %d, scale %s)", opts.rounds, opts.scale)
p("")
p("| workload | line events (recorder / livecov) | lua5.4 s | plain s | empty s | recorder s | livecov s | empty / plain | **recorder / empty** | **livecov / empty** | livecov / lua5.4 |")
p("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for _, w in ipairs(workloads) do
  local m = med[w]
  p("| %s | %d / %d | %.3f | %.3f | %.3f | %.3f | %.3f | %.2fx | **%.3fx** | **%.3fx** | %.2fx |",
    w, events[w].recorder or 0, events[w].livecov or 0, m["lua5.4"], m.plain, m.empty,
    m.recorder, m.livecov, m.empty / m.plain, m.recorder / m.empty, m.livecov / m.empty,
    m.livecov / m["lua5.4"])
end
local g_rec = geomean(ratios("recorder", "empty"))
local g_lc = geomean(ratios("livecov", "empty"))
p("| **geometric mean** | | | | | | | %.2fx | **%.3fx** | **%.3fx** | %.2fx |",
  geomean(ratios("empty", "plain")), g_rec, g_lc, geomean(ratios("livecov", "lua5.4")))
p("")
p("Target (issue 3): at most 1.25x the empty hook, geometric mean. Recorder:")
p("**%s** (%.3fx). Whole `livecov run` core run: **%s** (%.3fx).",
  g_rec <= 1.25 and "met" or "missed", g_rec, g_lc <= 1.25 and "met" or "missed", g_lc)
do
  -- Where livecov's extra time goes: Lua code that the test runtime runs
  -- inside the script's run shows up as line events the recorder alone
  -- does not see.
  local extra = {}
  for _, w in ipairs(workloads) do
    local r, l = events[w].recorder or 0, events[w].livecov or 0
    if r > 0 and l > r * 1.05 then
      extra[#extra + 1] = string.format("%s %.1fx", w, l / r)
    end
  end
  if #extra > 0 then
    p("")
    p("livecov runs more line events than the recorder on the same script (%s):",
      table.concat(extra, ", "))
    p("Lua code of the test runtime (`core/runtime/busted.lua`) running inside the")
    p("script's run, such as an `__index` function on the spec's environment that")
    p("every global read goes through. That cost is the runtime's, not the hook's.")
  end
end
p("")
p("How a hook learns the running function (per line event, over the empty hook):")
p("")
p("| workload | getinfo \"S\" / empty | getinfo \"f\" + topointer / empty |")
p("|---|---:|---:|")
for _, w in ipairs(workloads) do
  local m = med[w]
  p("| %s | %.3fx | %.3fx |", w, m.getinfo / m.empty, m.getinfo_f / m.empty)
end
p("| **geometric mean** | %.3fx | %.3fx |", geomean(ratios("getinfo", "empty")),
  geomean(ratios("getinfo_f", "empty")))

if opts.callgrind then
  p("")
  p("## Instruction counts (callgrind, scale %s)", cg_scale)
  p("")
  p("Instructions executed (valgrind `--tool=callgrind`, total `Ir`), minus the")
  p("same program run on an empty script, so start-up is subtracted. Deterministic:")
  p("no other load on the machine changes them.")
  p("")
  p("| workload | plain Ir | empty Ir | recorder Ir | livecov Ir | empty / plain | **recorder / empty** | **livecov / empty** | getinfo / empty | getinfo_f / empty |")
  p("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
  local rr, rl, re, rg, rf = {}, {}, {}, {}, {}
  for _, w in ipairs(workloads) do
    local c = ir[w]
    rr[#rr + 1] = c.recorder / c.empty
    rl[#rl + 1] = c.livecov / c.empty
    re[#re + 1] = c.empty / c.plain
    rg[#rg + 1] = c.getinfo / c.empty
    rf[#rf + 1] = c.getinfo_f / c.empty
    p("| %s | %d | %d | %d | %d | %.2fx | **%.3fx** | **%.3fx** | %.3fx | %.3fx |", w, c.plain,
      c.empty, c.recorder, c.livecov, re[#re], rr[#rr], rl[#rl], rg[#rg], rf[#rf])
  end
  p("| **geometric mean** | | | | | %.2fx | **%.3fx** | **%.3fx** | %.3fx | %.3fx |",
    geomean(re), geomean(rr), geomean(rl), geomean(rg), geomean(rf))
end
p("")
p("## Raw times (s, in run order)")
p("")
for _, w in ipairs(workloads) do
  local cells = {}
  for _, m in ipairs(modes) do
    local t = {}
    for _, v in ipairs(times[w][m.name]) do t[#t + 1] = string.format("%.3f", v) end
    cells[#cells + 1] = m.name .. " " .. table.concat(t, "/")
  end
  p("- %s: %s", w, table.concat(cells, "; "))
end

local text = table.concat(out, "\n") .. "\n"
if opts.out == "-" then
  io.write(text)
else
  local f = assert(io.open(opts.out, "w"))
  f:write(text)
  f:close()
  io.stderr:write("bench.lua: wrote ", opts.out, "\n")
end

-- }======================================================
