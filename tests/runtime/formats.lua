-- formats.lua: the report formats of `livecov run` on one fixture project,
-- each checked against the --json counts of the same run: -o TAP, json,
-- junit, plainTerminal, utfTerminal; --cobertura against the structure of
-- coverage-04.dtd; --lcov; and -j 1 against -j 4 (the same output).
--   lua5.4 formats.lua LIVECOV FIXTURE_DIR
package.path = arg[0]:gsub("[^/]*$", "") .. "?.lua;" .. package.path
local json = require "dkjson"
local livecov, fixture = arg[1], arg[2]

local function q(s) return "'" .. tostring(s):gsub("'", "'\\''") .. "'" end
local function slurp(p)
  local f = assert(io.open(p, "rb"))
  local s = f:read("a")
  f:close()
  return s
end

local tmp = os.tmpname()
-- Runs livecov with 'args'; returns stdout and the decoded --json report.
local function run(args)
  local cmd = string.format("cd %s && %s run --json %s %s > %s 2>/dev/null", q(fixture), q(livecov),
                            q(tmp .. ".json"), args, q(tmp))
  os.execute(cmd)
  return slurp(tmp), json.decode(slurp(tmp .. ".json"), 1, json.null)
end

local failures = {}
local function check(cond, msg)
  if not cond then failures[#failures + 1] = msg end
end

local out, doc = run("-o plainTerminal -j 1")
local s = doc.summary
local total = s.success + s.failure + s.error + s.pending

-- {=== terminal
do
  local marked = 0
  for _, sp in ipairs(doc.specs) do
    for _, t in ipairs(sp.tests) do
      local k = t.kind
      if k == json.null or k == "it" or k == "describe" or k == "file" then marked = marked + 1 end
    end
  end
  local marks = out:match("^([%+%-%*%.]*)\n")
  check(marks and #marks == marked, "plainTerminal: one mark per test and per block error")
  local counts = {}
  for c in (marks or ""):gmatch(".") do counts[c] = (counts[c] or 0) + 1 end
  check((counts["+"] or 0) == s.success and (counts["-"] or 0) == s.failure
        and (counts["*"] or 0) <= s.error and (counts["."] or 0) == s.pending, "plainTerminal: marks by status")
  local line = ("%d success%s / %d failure%s / %d error%s / %d pending : "):format(
    s.success, s.success == 1 and "" or "es", s.failure, s.failure == 1 and "" or "s",
    s.error, s.error == 1 and "" or "s", s.pending)
  check(out:find("\n" .. line:gsub("%p", "%%%0") .. "[%d%.]+ seconds\n"), "plainTerminal: status line " .. line)
  local n = 0
  for _ in out:gmatch("\nFailure %-> [^\n]+ @ %d+\n") do n = n + 1 end
  check(n == s.failure, "plainTerminal: one Failure entry per failure")
  check(out:find("\nSummary\n"), "plainTerminal: coverage summary")
  local utf = run("-o utfTerminal -j 1")
  local umarks = utf:match("^([^\n]*)\n")
  local un = 0
  for _ in umarks:gmatch("[\xe2][\x97\x9c][\x8f\xbc\xb1\x8c]") do un = un + 1 end
  check(un == marked and not utf:find("\27%["), "utfTerminal: marks, no colours off a terminal")
  check(utf:find("Failure \xe2\x86\x92 "), "utfTerminal: arrows")
end
-- }===

-- {=== TAP
do
  local tap = run("-o TAP")
  local ok, notok, skip, plan = 0, 0, 0, nil
  for l in tap:gmatch("[^\n]+") do
    if l:match("^ok %d+ %- # SKIP ") then skip = skip + 1
    elseif l:match("^ok %d+ %- ") then ok = ok + 1
    elseif l:match("^not ok %d+ %- ") then notok = notok + 1
    elseif l:match("^1%.%.%d+$") then plan = tonumber(l:match("%d+$"))
    else check(l:match("^# "), "TAP: stray line " .. l) end
  end
  check(ok == s.success and notok == s.failure + s.error and skip == s.pending and plan == total,
        ("TAP: ok %d not ok %d skip %d plan %s"):format(ok, notok, skip, tostring(plan)))
  check(not tap:find("Summary"), "TAP: no coverage table in machine-readable output")
end
-- }===

-- {=== busted json
do
  local j = json.decode((run("-o json")))
  check(j and #j.successes == s.success and #j.failures == s.failure and #j.errors == s.error
        and #j.pendings == s.pending and type(j.duration) == "number", "json: busted's lists")
  if j and j.failures[1] then
    local f = j.failures[1]
    check(type(f.name) == "string" and type(f.message) == "string" and f.element.trace.short_src
          and f.element.trace.currentline, "json: failure entries as busted's")
  end
end
-- }===

-- {=== XML
-- A small parser: elements with attributes and text, no DTD.
local function parse_xml(text)
  local root = { children = {} }
  local stack = { root }
  local pos = 1
  text = text:gsub("^%s*<%?xml.-%?>", ""):gsub("^%s*<!DOCTYPE.->", "")
  while pos <= #text do
    local s1, e1, close, name, attrs, selfclose = text:find("^<(/?)([%w_:%-]+)(.-)(/?)>", pos)
    if s1 then
      if close == "/" then
        local top = table.remove(stack)
        assert(top.name == name, "mismatched </" .. name .. "> for <" .. tostring(top.name) .. ">")
      else
        local el = { name = name, attrs = {}, children = {}, text = "" }
        for k, v in attrs:gmatch('([%w_:%-]+)="([^"]*)"') do el.attrs[k] = v end
        local parent = stack[#stack]
        parent.children[#parent.children + 1] = el
        if selfclose ~= "/" then stack[#stack + 1] = el end
      end
      pos = e1 + 1
    else
      local s2, e2 = text:find("^[^<]+", pos)
      assert(s2, "bad XML at " .. pos)
      local top = stack[#stack]
      top.text = (top.text or "") .. text:sub(s2, e2)
      assert(top ~= root or not text:sub(s2, e2):find("%S"), "text outside the root element")
      pos = e2 + 1
    end
  end
  assert(#stack == 1, "unclosed elements")
  assert(#root.children == 1, "one root element")
  return root.children[1]
end

-- coverage-04.dtd: children as a sequence of { name, "1" | "?" | "*" },
-- required attributes; attribute defaults and #IMPLIED ones are optional.
local DTD = {
  coverage = { children = { { "sources", "?" }, { "packages", "1" } },
    required = { "line-rate", "branch-rate", "lines-covered", "lines-valid", "branches-covered",
                 "branches-valid", "complexity", "version", "timestamp" } },
  sources = { children = { { "source", "*" } }, required = {} },
  source = { children = {}, required = {}, text = true },
  packages = { children = { { "package", "*" } }, required = {} },
  package = { children = { { "classes", "1" } }, required = { "name", "line-rate", "branch-rate", "complexity" } },
  classes = { children = { { "class", "*" } }, required = {} },
  class = { children = { { "methods", "1" }, { "lines", "1" } },
    required = { "name", "filename", "line-rate", "branch-rate", "complexity" } },
  methods = { children = { { "method", "*" } }, required = {} },
  method = { children = { { "lines", "1" } }, required = { "name", "signature", "line-rate", "branch-rate" } },
  lines = { children = { { "line", "*" } }, required = {} },
  line = { children = { { "conditions", "*" } }, required = { "number", "hits" },
    optional = { "branch", "condition-coverage" } },
  conditions = { children = { { "condition", "*" } }, required = {} },
  condition = { children = {}, required = { "number", "type", "coverage" } },
}

local function validate(el, path)
  local d = DTD[el.name]
  if not d then error(path .. ": element <" .. el.name .. "> not in the DTD") end
  for _, a in ipairs(d.required) do
    if not el.attrs[a] then error(path .. ": <" .. el.name .. "> lacks " .. a) end
  end
  local allowed = {}
  for _, a in ipairs(d.required) do allowed[a] = true end
  for _, a in ipairs(d.optional or {}) do allowed[a] = true end
  for a in pairs(el.attrs) do
    if not allowed[a] then error(path .. ": <" .. el.name .. "> has attribute " .. a) end
  end
  if not d.text and el.text:find("%S") then error(path .. ": text in <" .. el.name .. ">") end
  local i = 1
  for _, spec in ipairs(d.children) do
    local name, card = spec[1], spec[2]
    local n = 0
    while el.children[i] and el.children[i].name == name do
      validate(el.children[i], path .. "/" .. name)
      i, n = i + 1, n + 1
    end
    if card == "1" and n ~= 1 then error(path .. ": <" .. el.name .. "> needs one <" .. name .. ">") end
    if card == "?" and n > 1 then error(path .. ": <" .. el.name .. "> has several <" .. name .. ">") end
  end
  if el.children[i] then error(path .. ": unexpected <" .. el.children[i].name .. "> in <" .. el.name .. ">") end
end

do
  run("--cobertura " .. q(tmp .. ".xml"))
  local okp, cov = pcall(parse_xml, slurp(tmp .. ".xml"))
  check(okp, "cobertura: " .. tostring(cov))
  if okp then
    local okv, err = pcall(validate, cov, "coverage")
    check(okv, "cobertura: " .. tostring(err))
    check(tonumber(cov.attrs["lines-valid"]) == doc.summary.lines
          and tonumber(cov.attrs["lines-covered"]) == doc.summary.hit, "cobertura: totals equal --json's")
    -- every file's lines equal the --json report's
    local want = {}
    for _, f in ipairs(doc.files) do
      local l = {}
      for _, p in ipairs(f.lines) do l[#l + 1] = p[1] .. ":" .. p[2] end
      want[f.path] = table.concat(l, " ")
    end
    local seen = 0
    for _, pkg in ipairs(cov.children[#cov.children].children) do
      for _, cls in ipairs(pkg.children[1].children) do
        local l = {}
        for _, ln in ipairs(cls.children[2].children) do l[#l + 1] = ln.attrs.number .. ":" .. ln.attrs.hits end
        check(want[cls.attrs.filename] == table.concat(l, " "), "cobertura: lines of " .. cls.attrs.filename)
        seen = seen + 1
      end
    end
    check(seen == #doc.files, "cobertura: one class per file")
  end
  os.remove(tmp .. ".xml")
end

do
  local x = (run("-o junit"))
  local okp, suites = pcall(parse_xml, x)
  check(okp, "junit: " .. tostring(suites))
  if okp then
    local suite = suites.children[1]
    check(suites.name == "testsuites" and suite.name == "testsuite", "junit: testsuites > testsuite")
    local tests = 0
    for _, sp in ipairs(doc.specs) do
      for _, t in ipairs(sp.tests) do if t.kind == "it" or t.kind == json.null then tests = tests + 1 end end
    end
    check(tonumber(suites.attrs.tests) == tests and tonumber(suites.attrs.failures) == s.failure
          and tonumber(suites.attrs.errors) == s.error and tonumber(suites.attrs.skip) == s.pending,
          "junit: counts")
    local n, nf, ne = 0, 0, 0
    for _, tc in ipairs(suite.children) do
      if tc.name == "error" then ne = ne + 1 end
      if tc.name == "testcase" then
        n = n + 1
        check(tc.attrs.classname and tc.attrs.name and tc.attrs.time, "junit: testcase attributes")
        for _, c in ipairs(tc.children) do if c.name == "failure" then nf = nf + 1 end end
      end
    end
    check(n == tests and nf == s.failure and n + ne <= total, "junit: one testcase per test")
  end
  run("-o junit -Xoutput " .. q(tmp .. ".junit"))
  local f = io.open(tmp .. ".junit")
  check(f and f:read("a"):find("<testsuites"), "junit: -Xoutput FILE")
  if f then f:close() end
  os.remove(tmp .. ".junit")
end
-- }===

-- {=== lcov
do
  run("--lcov " .. q(tmp .. ".info"))
  local text = slurp(tmp .. ".info")
  local files, lf, lh = 0, 0, 0
  for block in text:gmatch("SF:(.-)end_of_record") do
    files = files + 1
    local n, h = 0, 0
    for _, hits in block:gmatch("\nDA:(%d+),(%d+)") do
      n = n + 1
      if tonumber(hits) > 0 then h = h + 1 end
    end
    check(tonumber(block:match("\nLF:(%d+)")) == n and tonumber(block:match("\nLH:(%d+)")) == h, "lcov: LF/LH")
    lf, lh = lf + n, lh + h
  end
  check(files == #doc.files and lf == doc.summary.lines and lh == doc.summary.hit, "lcov: totals")
  os.remove(tmp .. ".info")
end
-- }===

-- {=== -j 1 and -j 4 give the same output
do
  local function strip_json(d)
    for _, sp in ipairs(d.specs) do
      sp.ms = nil
      for _, t in ipairs(sp.tests) do t.ms = nil end
    end
  end
  local function sorted_encode(v)
    if type(v) ~= "table" then return json.encode(v) end
    local keys = {}
    for k in pairs(v) do keys[#keys + 1] = k end
    table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
    local parts = {}
    for _, k in ipairs(keys) do parts[#parts + 1] = tostring(k) .. "=" .. sorted_encode(v[k]) end
    return "{" .. table.concat(parts, ",") .. "}"
  end
  local o1, d1 = run("-o plainTerminal -j 1")
  local o4, d4 = run("-o plainTerminal -j 4")
  -- (times differ, and so do the table addresses luassert prints)
  o1 = o1:gsub(": [%d%.]+ seconds", ": T seconds"):gsub("0x%x+", "0x?")
  o4 = o4:gsub(": [%d%.]+ seconds", ": T seconds"):gsub("0x%x+", "0x?")
  check(o1 == o4, "-j 1 and -j 4: the same terminal output")
  strip_json(d1)
  strip_json(d4)
  check(sorted_encode(d1):gsub("0x%x+", "0x?") == sorted_encode(d4):gsub("0x%x+", "0x?"),
        "-j 1 and -j 4: the same --json report")
end
-- }===

os.remove(tmp)
os.remove(tmp .. ".json")
if #failures > 0 then
  for _, f in ipairs(failures) do io.stderr:write("FAIL: ", f, "\n") end
  os.exit(1)
end
print(("ok: formats of %d tests in %s"):format(total, fixture))
