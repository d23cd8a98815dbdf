-- gtest.lua: `livecov run` picks busted's gtest output from the fixture's
-- .busted and prints it as busted 2.1.1 does, without busted installed
-- (tests/compat compares with a live busted): each run's stdout, times and
-- the coverage table left out, must equal expect/gtest*.txt, which are
-- busted's own output for the same arguments, masked the same way:
--   cd fixtures/gtest && busted ARGS | lua5.4 ../../gtest.lua --mask
-- (but for gtest_color_shuffled.txt: Debian's busted 2.1.1 aborts in malloc
-- when its gtest handler colours this fixture; that file is livecov's output,
-- equal to busted's --shuffle --seed 5 once the colours are removed, its
-- colours those of busted's format strings, which tests/compat checks
-- against busted on the compat project's spec/unit)
--   lua5.4 gtest.lua LIVECOV FIXTURE_DIR EXPECT_DIR
local function mask(s)
  s = s:gsub("%(%d+%.%d%d ms%)", "(T ms)"):gsub("%(%d+%.%d%d ms total%)", "(T ms total)")
  s = s:gsub("0x%x+", "0x?"):gsub("\27", "\\27")
  return (s:gsub("\n\n=+\nSummary\n=+\n.*$", "\n"))   -- livecov's coverage table
end
if arg[1] == "--mask" then
  io.write(mask(io.read("a")))
  return
end

local livecov, fixture, expect = arg[1], arg[2], arg[3]
local function q(s) return "'" .. tostring(s):gsub("'", "'\\''") .. "'" end
local function slurp(p)
  local f = assert(io.open(p, "rb"))
  local s = f:read("a")
  f:close()
  return s
end

local tmp = os.tmpname()
-- Runs livecov in the fixture; returns stdout, stderr and the exit status.
local function run(args)
  local _, how, code = os.execute(string.format("cd %s && %s run %s > %s 2> %s.err",
    q(fixture), q(livecov), args, q(tmp), q(tmp)))
  return slurp(tmp), slurp(tmp .. ".err"), how == "exit" and code or 128 + code
end

local failures = {}
local function check(cond, msg)
  if not cond then failures[#failures + 1] = msg end
end

-- Where two texts first differ, for the failure message.
local function first_diff(want, got)
  local n = 1
  local wl, gl = want:gmatch("([^\n]*)\n?"), got:gmatch("([^\n]*)\n?")
  while true do
    local w, g = wl(), gl()
    if w ~= g then
      return ("line %d:\n  busted:  %s\n  livecov: %s"):format(n, tostring(w), tostring(g))
    end
    if not w then return "?" end
    n = n + 1
  end
end

local cases = {
  { "", "gtest.txt" },
  { "-v --defer-print --suppress-pending", "gtest_verbose_deferred.txt" },
  { "-Xoutput --color --shuffle --seed 5", "gtest_color_shuffled.txt" },
}
for _, c in ipairs(cases) do
  local out, _, rc = run(c[1])
  local want, got = slurp(expect .. "/" .. c[2]), mask(out)
  check(got == want, ("livecov run %s: not %s at %s"):format(c[1], c[2], first_diff(want, got)))
  check(rc == 1, ("livecov run %s: exit status %d, want 1"):format(c[1], rc))
end

-- a terminal (-o) or --plain wins over the .busted output and the colours
local out = run("-o TAP")
check(out:match("^ok 1 "), "-o TAP: the command line wins over .busted")
out = run("-Xoutput --color -Xoutput --plain")
check(not out:find("\27", 1, true), "-Xoutput --plain: no colours, as busted (--plain wins)")

-- the format is listed where users look for it
local _, err, rc = run("-o nosuch")
check(rc == 2 and err:find("gtest", 1, true), "an unknown format names gtest among the formats")
out = run("--help")
check(out:find("TAP, gtest,", 1, true), "--help lists gtest")

os.remove(tmp)
os.remove(tmp .. ".err")
if #failures > 0 then
  for _, f in ipairs(failures) do io.stderr:write("FAIL: ", f, "\n") end
  os.exit(1)
end
print(("ok: gtest output of %s"):format(fixture))
