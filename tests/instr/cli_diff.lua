-- cli_diff.lua: `livecov run` on a busted project in hook mode and in
-- instrument mode, their JSON reports compared: the same tests with the same
-- results and messages, the same coverage (every executable line and its
-- hits), the same lines per test and files per spec (as sets: the order of
-- a test's lines is the order the recorder saw them, which is not part of
-- the contract).
--   lua5.4 cli_diff.lua LIVECOV PROJECT [livecov run options...]
-- Exit 77 (skipped) when dkjson is not installed.
local ok, json = pcall(require, "dkjson")
if not ok then
  io.stderr:write("skipped: dkjson (lua-dkjson) is not installed\n")
  os.exit(77)
end
local livecov, project = assert(arg[1]), assert(arg[2])
local extra = {}
for i = 3, #arg do extra[#extra + 1] = "'" .. arg[i]:gsub("'", "'\\''") .. "'" end
local tmp = os.tmpname()

local function run(mode)
  local out = tmp .. "." .. mode .. ".json"
  local cmd = string.format("cd '%s' && '%s' run --coverage-mode %s --json '%s' %s >/dev/null 2>&1",
                            project, livecov, mode, out, table.concat(extra, " "))
  os.execute(cmd)
  local f = assert(io.open(out), "no report from " .. mode .. " mode: " .. cmd)
  local doc = assert(json.decode(f:read("a"), 1, json.null))
  f:close()
  os.remove(out)
  return doc
end

local problems = 0
local function report(...)
  problems = problems + 1
  io.stderr:write(string.format(...), "\n")
end

-- Table addresses in messages differ from run to run.
local function msg(m)
  if m == nil or m == json.null then return "" end
  return (tostring(m):gsub("0x%x+", "0x?"))
end

local function set_of(list)
  local t = {}
  for _, v in ipairs(list or {}) do t[#t + 1] = tostring(v) end
  table.sort(t)
  return table.concat(t, ",")
end

local h, i = run("hook"), run("instrument")
os.remove(tmp)
for _, k in ipairs({ "files", "lines", "hit", "success", "failure", "error", "pending" }) do
  if h.summary[k] ~= i.summary[k] then
    report("summary.%s: hook %s, instrument %s", k, tostring(h.summary[k]), tostring(i.summary[k]))
  end
end
local function files_of(doc)
  local t = {}
  for _, f in ipairs(doc.files) do
    local l = {}
    for _, p in ipairs(f.lines) do l[#l + 1] = p[1] .. "=" .. p[2] end
    t[f.path] = table.concat(l, " ")
  end
  return t
end
local hf, inf = files_of(h), files_of(i)
for path, l in pairs(hf) do
  if inf[path] ~= l then report("%s: hook [%s]\n  instrument [%s]", path, l, tostring(inf[path])) end
end
for path in pairs(inf) do
  if not hf[path] then report("%s: only in instrument mode", path) end
end
if #h.specs ~= #i.specs then report("specs: %d vs %d", #h.specs, #i.specs) end
for s = 1, math.min(#h.specs, #i.specs) do
  local a, b = h.specs[s], i.specs[s]
  if a.path ~= b.path then report("spec %d: %s vs %s", s, a.path, b.path) end
  if set_of(a.loaded) ~= set_of(b.loaded) then
    report("%s: loaded {%s} vs {%s}", a.path, set_of(a.loaded), set_of(b.loaded))
  end
  if #a.tests ~= #b.tests then report("%s: %d tests vs %d", a.path, #a.tests, #b.tests) end
  for t = 1, math.min(#a.tests, #b.tests) do
    local x, y = a.tests[t], b.tests[t]
    local what = a.path .. " / " .. tostring(x.name)
    for _, k in ipairs({ "name", "status", "line", "fail_file", "fail_line", "kind" }) do
      if tostring(x[k]) ~= tostring(y[k]) then
        report("%s: %s %s vs %s", what, k, tostring(x[k]), tostring(y[k]))
      end
    end
    if msg(x.message) ~= msg(y.message) then
      report("%s: message\n  hook: %s\n  instrument: %s", what, msg(x.message), msg(y.message))
    end
    if msg(x.output) ~= msg(y.output) then report("%s: output differs", what) end
    local xl, yl = x.lines or {}, y.lines or {}
    for file, lines in pairs(xl) do
      if set_of(lines) ~= set_of(yl[file]) then
        report("%s: lines of %s {%s} vs {%s}", what, file, set_of(lines), set_of(yl[file]))
      end
    end
    for file in pairs(yl) do
      if not xl[file] then report("%s: lines of %s only in instrument mode", what, file) end
    end
  end
end
if problems > 0 then
  io.stderr:write(problems, " differences between hook and instrument mode\n")
  os.exit(1)
end
print(string.format("same reports: %d specs, %d files, %d of %d lines hit",
                    #h.specs, h.summary.files, h.summary.hit, h.summary.lines))
