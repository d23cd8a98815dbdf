-- instr_bench.lua: the cost of instrument mode against plain lua5.4 and
-- against the line hook, on the CPU-bound workloads of workloads/.
-- usage: lua5.4 tests/bench/instr_bench.lua --build DIR [--rounds N]
--          [--scale S] [--out FILE|-] [--callgrind]
-- Every workload runs under every mode, interleaved (round by round,
-- workload by workload, the order of the modes rotating); a cell is the
-- median CPU time of the rounds. Writes RESULTS-instrument.md by default.
-- --callgrind adds instruction counts (valgrind, at 1/20 of the scale),
-- which other load on the machine cannot disturb.
local here = arg[0]:match("^(.*)/[^/]*$") or "."
local opts = { rounds = 5, scale = 1, out = here .. "/RESULTS-instrument.md" }
local i = 1
while i <= #arg do
  local a = arg[i]
  if a == "--build" then opts.build = arg[i + 1]; i = i + 1
  elseif a == "--rounds" then opts.rounds = tonumber(arg[i + 1]); i = i + 1
  elseif a == "--scale" then opts.scale = tonumber(arg[i + 1]); i = i + 1
  elseif a == "--out" then opts.out = arg[i + 1]; i = i + 1
  elseif a == "--callgrind" then opts.callgrind = true
  else io.stderr:write("instr_bench.lua: unknown argument ", a, "\n"); os.exit(2) end
  i = i + 1
end
if not opts.build then
  io.stderr:write("usage: lua5.4 instr_bench.lua --build DIR [--rounds N] [--scale S] [--out FILE|-] [--callgrind]\n")
  os.exit(2)
end

local runner = opts.build .. "/tests/instr/instr_bench"
local workloads = { "numeric", "strings", "sort", "methods", "codec" }
local modes = {
  { name = "lua5.4", cmd = "lua5.4 " .. here .. "/timed.lua" },
  { name = "plain", cmd = runner .. " plain" },
  { name = "instrument", cmd = runner .. " plain-instrument" },
  { name = "hook", cmd = runner .. " plain-hook" },
  { name = "run-instrument", cmd = runner .. " instrument" },
  { name = "run-hook", cmd = runner .. " hook" },
}

local function sh(cmd)
  local p = assert(io.popen(cmd))
  local out = p:read("a")
  local ok = p:close()
  return out, ok
end

local function run(mode, w, scale, prefix)
  local file = here .. "/workloads/" .. w .. ".lua"
  local out, ok = sh(string.format("LC_BENCH_SCALE=%s %s%s %s 2>&1", scale, prefix or "",
                                   mode.cmd, file))
  return out, ok
end

local function median(t)
  local c = { table.unpack(t) }
  table.sort(c)
  local n = #c
  if n % 2 == 1 then return c[(n + 1) // 2] end
  return (c[n // 2] + c[n // 2 + 1]) / 2
end

local function geomean(t)
  local s = 0
  for _, v in ipairs(t) do s = s + math.log(v) end
  return math.exp(s / #t)
end

local function loadavg()
  local f = io.open("/proc/loadavg")
  if not f then return "?" end
  local s = f:read("l")
  f:close()
  return s:match("^(%S+ %S+ %S+)")
end

local started, load0 = os.date("!%Y-%m-%d %H:%M UTC"), loadavg()
local times, events = {}, {}
for _, m in ipairs(modes) do times[m.name] = {}; for _, w in ipairs(workloads) do times[m.name][w] = {} end end
for r = 1, opts.rounds do
  for wi, w in ipairs(workloads) do
    for k = 0, #modes - 1 do
      local m = modes[(k + r + wi) % #modes + 1]
      local out, ok = run(m, w, opts.scale)
      local t, ev = out:match("^(%S+) (%d+)")
      if not ok or not t then
        io.stderr:write("instr_bench.lua: ", m.name, " ", w, " failed: ", out, "\n")
        os.exit(1)
      end
      table.insert(times[m.name][w], tonumber(t))
      if m.name == "instrument" or m.name == "hook" then events[m.name .. w] = ev end
    end
  end
  io.stderr:write(string.format("round %d/%d done\n", r, opts.rounds))
end
local load1 = loadavg()

-- Instruction counts: valgrind (callgrind), one run per cell.
local ir = {}
if opts.callgrind then
  for _, w in ipairs(workloads) do
    for _, m in ipairs(modes) do
      local out = run(m, w, opts.scale / 20,
                      "valgrind --tool=callgrind --callgrind-out-file=/dev/null ")
      ir[m.name .. w] = tonumber(out:match("Collected : (%d+)"))
    end
  end
end

-- Whole suites: `livecov run` on the examples and on the compat project
-- (busted specs through workers), wall time, both modes interleaved.
local function abs(p) return (sh("realpath '" .. p .. "'"):gsub("%s+$", "")) end
local livecov = abs(opts.build .. "/livecov")
local suites = {
  { name = "examples", dir = abs(here .. "/../../examples"), args = "--lpath 'src/?.lua'" },
  { name = "compat project", dir = abs(here .. "/../compat/project"), args = "" },
}
local suite_times = {}
for _, su in ipairs(suites) do suite_times[su.name] = { hook = {}, instrument = {} } end
for r = 1, opts.rounds do
  for _, su in ipairs(suites) do
    for k = 0, 1 do
      local mode = ((k + r) % 2 == 0) and "hook" or "instrument"
      local out = sh(string.format("cd '%s' && date +%%s%%N && '%s' run --coverage-mode %s %s >/dev/null 2>&1; date +%%s%%N",
                                   su.dir, livecov, mode, su.args))
      local a, b = out:match("^(%d+)%s+(%d+)")
      if a then table.insert(suite_times[su.name][mode], (tonumber(b) - tonumber(a)) / 1e9) end
    end
  end
end

-- Load-time cost of rewriting, per 1,000 source lines, over the workloads
-- and the project's own larger Lua file.
local loads = {}
local lfiles = {}
for _, w in ipairs(workloads) do lfiles[#lfiles + 1] = here .. "/workloads/" .. w .. ".lua" end
lfiles[#lfiles + 1] = here .. "/../../core/runtime/busted.lua"
for _, f in ipairs(lfiles) do
  local out, ok = sh(string.format("%s load %s 200", runner, f))
  local n, plain, instr = out:match("^(%d+) (%S+) (%S+)")
  if ok and n then
    loads[#loads + 1] = { file = f:match("[^/]*/[^/]*$"), lines = tonumber(n),
                          plain = tonumber(plain), instr = tonumber(instr) }
  end
end

local o = {}
local function w_(s) o[#o + 1] = s end
w_("# Instrument mode: coverage overhead\n")
w_(string.format("Generated by `lua5.4 tests/bench/instr_bench.lua --build %s --rounds %d%s` on %s.",
                 opts.build, opts.rounds, opts.callgrind and " --callgrind" or "", started))
local uname = sh("uname -srm"):gsub("%s+$", "")
local cpu = sh("grep -m1 'model name' /proc/cpuinfo"):match(":%s*(.-)%s*$") or "?"
local ncpu = sh("nproc"):gsub("%s+$", "")
w_(string.format("Machine: %s, %s, %s cores; load average %s at the start, %s at the end.",
                 uname, cpu, ncpu, load0, load1))
w_("Lua: `lua5.4` 5.4.4 (Debian); the runner links the distribution's liblua5.4.\n")
w_([[## Method

The five CPU-bound workloads of `workloads/` (about 1 s each under plain
lua5.4 at scale 1), each run once per mode per round, interleaved: round by
round, workload by workload, the order of the modes rotating. A cell is the
median over the rounds of the process CPU time of the workload's own run
(compilation and state creation outside the interval).

- **lua5.4**: the Debian interpreter (`timed.lua`).
- **plain**: `instr_bench plain`: a state of the shared liblua5.4, no coverage.
- **instrument**: the same state with `lc_instr_attach` (instrument mode; the
  workload is loaded by the state's `loadfile`, so it is rewritten).
- **hook**: the same state with `lc_cov_attach` (hook mode, the reference).
- **run-instrument**, **run-hook**: `lc_run_file` as a `livecov run` worker
  calls it (sandbox, test runtime, per-test points), timed from the
  runtime's test_begin to its test_end. The runtime runs a script in
  busted's environment, whose global lookups go through a Lua `__index`
  function, so these include the runtime's own cost (the same in both modes).

The issue's target: instrument / lua5.4 geometric mean <= 1.3x, no workload
above 2x.
]])
w_(string.format("## Results (medians of %d rounds, scale %s)\n", opts.rounds, opts.scale))
w_("| workload | line events | lua5.4 s | plain s | instrument s | hook s | run-instrument s | run-hook s | **instrument / lua5.4** | instrument / plain | hook / lua5.4 | run-instrument / lua5.4 | run-hook / lua5.4 |")
w_("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
local g = { il = {}, ip = {}, hl = {}, ril = {}, rhl = {} }
for _, w in ipairs(workloads) do
  local m = {}
  for _, md in ipairs(modes) do m[md.name] = median(times[md.name][w]) end
  local il, ip, hl = m.instrument / m["lua5.4"], m.instrument / m.plain, m.hook / m["lua5.4"]
  local ril, rhl = m["run-instrument"] / m["lua5.4"], m["run-hook"] / m["lua5.4"]
  table.insert(g.il, il); table.insert(g.ip, ip); table.insert(g.hl, hl)
  table.insert(g.ril, ril); table.insert(g.rhl, rhl)
  w_(string.format("| %s | %s | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | **%.2fx** | %.2fx | %.2fx | %.2fx | %.2fx |",
                   w, events["instrument" .. w] or "?", m["lua5.4"], m.plain, m.instrument, m.hook,
                   m["run-instrument"], m["run-hook"], il, ip, hl, ril, rhl))
end
w_(string.format("| **geometric mean** | | | | | | | | **%.2fx** | %.2fx | %.2fx | %.2fx | %.2fx |",
                 geomean(g.il), geomean(g.ip), geomean(g.hl), geomean(g.ril), geomean(g.rhl)))
local maxil = 0
for _, v in ipairs(g.il) do maxil = math.max(maxil, v) end
w_(string.format("\nInstrument mode: geometric mean %.2fx plain lua5.4, worst workload %.2fx (target <= 1.3x, none above 2x): %s.",
                 geomean(g.il), maxil, (geomean(g.il) <= 1.3 and maxil <= 2) and "met" or "NOT met"))
w_("Line events are equal in both modes (the same counts, by construction and by tests/instr).")
if opts.callgrind then
  w_(string.format("\n## Instruction counts (valgrind callgrind, scale %s, whole process)\n", opts.scale / 20))
  w_("| workload | lua5.4 | plain | instrument | hook | instrument / lua5.4 | instrument / plain | hook / plain |")
  w_("|---|---:|---:|---:|---:|---:|---:|---:|")
  local gi, gp, gh = {}, {}, {}
  for _, w in ipairs(workloads) do
    local l, p, ins, h = ir["lua5.4" .. w], ir["plain" .. w], ir["instrument" .. w], ir["hook" .. w]
    if l and p and ins and h then
      table.insert(gi, ins / l); table.insert(gp, ins / p); table.insert(gh, h / p)
      w_(string.format("| %s | %d | %d | %d | %d | %.2fx | %.2fx | %.2fx |", w, l, p, ins, h,
                       ins / l, ins / p, h / p))
    end
  end
  if #gi > 0 then
    w_(string.format("| **geometric mean** | | | | | %.2fx | %.2fx | %.2fx |", geomean(gi), geomean(gp), geomean(gh)))
  end
end
w_("\n## Whole suites: `livecov run` wall time (medians)\n")
w_("Process start, worker spawn, the test runtime and the reports included.\n")
w_("| suite | hook s | instrument s | instrument / hook |")
w_("|---|---:|---:|---:|")
for _, su in ipairs(suites) do
  local t = suite_times[su.name]
  if #t.hook > 0 and #t.instrument > 0 then
    local hmed, imed = median(t.hook), median(t.instrument)
    w_(string.format("| %s | %.3f | %.3f | %.2fx |", su.name, hmed, imed, imed / hmed))
  end
end
w_("\n## Load time: compiling, and compiling + rewriting + loading the result\n")
w_("Per 1,000 source lines (mean of 200 loads), milliseconds of CPU time.\n")
w_("| file | lines | compile ms / 1k lines | compile + rewrite + load ms / 1k lines | added ms / 1k lines |")
w_("|---|---:|---:|---:|---:|")
for _, l in ipairs(loads) do
  w_(string.format("| %s | %d | %.3f | %.3f | %.3f |", l.file, l.lines, l.plain * 1000,
                   l.instr * 1000, (l.instr - l.plain) * 1000))
end
local text = table.concat(o, "\n") .. "\n"
if opts.out == "-" then
  io.write(text)
else
  local f = assert(io.open(opts.out, "w"))
  f:write(text)
  f:close()
  io.stderr:write("wrote ", opts.out, "\n")
end
