-- check.lua: runs `livecov run` on a fixture project and checks the result
-- against the fixture's expectations (a Lua file returning a table).
--   lua5.4 check.lua LIVECOV FIXTURE_DIR EXPECT_FILE [extra livecov args...]
-- Expectations (every key optional):
--   args     = { ... }          livecov run arguments (before the extra ones)
--   env      = "VAR=value ..."  environment for the run
--   exit     = 1                expected exit status
--   counts   = { success = n, failure = n, error = n, pending = n }
--   tests    = { { name = "...", status = "...", line = n, fail_file = "...",
--                  fail_line = n, message = "exact" | message_match = "pattern",
--                  output = "exact" }, ... }   each must exist (by name; the
--                                               n-th of a name with index = n)
--   names    = { "...", ... }     exactly these test names, in this order
--   lines    = { ["test name"] = { ["src/a.lua"] = { 1, 2 } } }  exact sets
--   loaded   = { ["spec/a_spec.lua"] = { "src/a.lua", ... } }    exact sets
--   stdout_match = { "pattern", ... }   each found in the run's stdout
--   stdout_nomatch = { "pattern", ... } none found
--   check    = function(doc, stdout, stderr) ... end   extra checks; error() to fail
--   no_report = true              the run ends before writing a report
package.path = arg[0]:gsub("[^/]*$", "") .. "?.lua;" .. package.path
local json = require "dkjson"

local livecov, fixture, expect_file = arg[1], arg[2], arg[3]
local extra = {}
for i = 4, #arg do extra[#extra + 1] = arg[i] end
local expect = dofile(expect_file)

local function q(s) return "'" .. tostring(s):gsub("'", "'\\''") .. "'" end

local tmp = os.tmpname()
local report = tmp .. ".json"
local args = {}
for _, a in ipairs(expect.args or {}) do args[#args + 1] = q(a) end
for _, a in ipairs(extra) do args[#args + 1] = q(a) end
local cmd = string.format("cd %s && %s %s run --json %s %s > %s 2>%s.err",
  q(fixture), expect.env or "", q(livecov), q(report), table.concat(args, " "), q(tmp), q(tmp))
local ok, how, code = os.execute(cmd)
code = how == "exit" and code or 128 + code

local function slurp(p)
  local f = io.open(p, "rb")
  if not f then return "" end
  local s = f:read("a")
  f:close()
  return s
end
local stdout, stderr = slurp(tmp), slurp(tmp .. ".err")
local failures = {}
local function fail(msg) failures[#failures + 1] = msg end

if expect.exit and code ~= expect.exit then
  fail(("exit status %d, expected %d"):format(code, expect.exit))
end
local doc = json.decode(slurp(report), 1, json.null)
os.remove(tmp); os.remove(tmp .. ".err"); os.remove(report)
if expect.no_report then
  doc = { summary = {}, specs = {}, files = {} }
  if expect.check then
    local okc, err = pcall(expect.check, doc, stdout, stderr)
    if not okc then fail(tostring(err)) end
  end
  if #failures > 0 then
    for _, f in ipairs(failures) do io.stderr:write("FAIL: ", f, "\n") end
    os.exit(1)
  end
  print("ok: no report expected in " .. fixture)
  os.exit(0)
end
if type(doc) ~= "table" then
  io.stderr:write("no JSON report; command: ", cmd, "\nstdout:\n", stdout, "\nstderr:\n", stderr, "\n")
  os.exit(1)
end

local function val(v) if v == json.null then return nil end return v end

if expect.counts then
  for _, k in ipairs({ "success", "failure", "error", "pending" }) do
    local want = expect.counts[k] or 0
    if doc.summary[k] ~= want then fail(("%s: %d, expected %d"):format(k, doc.summary[k], want)) end
  end
end

local all = {}
for _, spec in ipairs(doc.specs) do
  for _, t in ipairs(spec.tests) do
    t.spec = spec.path
    all[#all + 1] = t
  end
end

local function find(name, index)
  local n = 0
  for _, t in ipairs(all) do
    if t.name == name then
      n = n + 1
      if n == (index or 1) then return t end
    end
  end
end

for _, e in ipairs(expect.tests or {}) do
  local t = find(e.name, e.index)
  if not t then
    fail("no test named " .. string.format("%q", e.name))
  else
    local label = string.format("%q", e.name)
    for _, k in ipairs({ "status", "line", "fail_file", "fail_line", "message", "output" }) do
      if e[k] ~= nil and val(t[k]) ~= e[k] then
        fail(("%s: %s is %s, expected %s"):format(label, k, string.format("%q", tostring(val(t[k]))),
                                                 string.format("%q", tostring(e[k]))))
      end
    end
    if e.message_match and not tostring(val(t.message)):find(e.message_match) then
      fail(("%s: message %q does not match %q"):format(label, tostring(val(t.message)), e.message_match))
    end
  end
end

if expect.names then
  local got = {}
  for _, t in ipairs(all) do got[#got + 1] = t.name end
  local a, b = table.concat(got, "\n"), table.concat(expect.names, "\n")
  if a ~= b then fail("test names:\n" .. a .. "\nexpected:\n" .. b) end
end

local function set_str(list)
  local c = {}
  for _, v in ipairs(list or {}) do c[#c + 1] = tostring(v) end
  table.sort(c)
  return table.concat(c, ",")
end

for name, files in pairs(expect.lines or {}) do
  local t = find(name)
  if not t then fail("no test named " .. name)
  else
    local got = t.lines or {}
    for file, lines in pairs(files) do
      if set_str(got[file]) ~= set_str(lines) then
        fail(("%q: lines of %s are {%s}, expected {%s}"):format(name, file, set_str(got[file]), set_str(lines)))
      end
    end
    for file in pairs(got) do
      if not files[file] then fail(("%q: unexpected lines of %s"):format(name, file)) end
    end
  end
end

for path, files in pairs(expect.loaded or {}) do
  local found
  for _, spec in ipairs(doc.specs) do if spec.path == path then found = spec end end
  if not found then fail("no spec " .. path)
  elseif set_str(found.loaded) ~= set_str(files) then
    fail(("%s: loaded {%s}, expected {%s}"):format(path, set_str(found.loaded), set_str(files)))
  end
end

for _, p in ipairs(expect.stdout_match or {}) do
  if not stdout:find(p) then fail("stdout does not contain " .. string.format("%q", p)) end
end
for _, p in ipairs(expect.stdout_nomatch or {}) do
  if stdout:find(p) then fail("stdout contains " .. string.format("%q", p)) end
end

if expect.check then
  local okc, err = pcall(expect.check, doc, stdout, stderr)
  if not okc then fail(tostring(err)) end
end

if #failures > 0 then
  io.stderr:write("command: ", cmd, "\n")
  io.stderr:write("stdout:\n", stdout, "\nstderr:\n", stderr, "\n")
  for _, f in ipairs(failures) do io.stderr:write("FAIL: ", f, "\n") end
  os.exit(1)
end
print(("ok: %d tests checked in %s"):format(#all, fixture))
