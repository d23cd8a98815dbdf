-- livecov_test: the harness of livecov's Neovim tests. One spec file runs
-- per Neovim (`run`), its tests run in order (`test`), and the process
-- exits through :cquit with a non-zero code if anything failed or the spec
-- ran out of time.
--
--   nvim --headless --noplugin -u minimal_init.lua \
--     -c "lua require('livecov_test').run('spec/x_spec.lua')"
--
-- Environment: LIVECOV_BIN (the built server), LIVECOV_TEST_TIMEOUT
-- (seconds for the whole spec, default 120).

local T = {}

local uv = vim.uv or vim.loop

T.here = vim.fn.fnamemodify(debug.getinfo(1, "S").source:sub(2), ":p:h:h")
T.repo = vim.fn.fnamemodify(T.here .. "/../..", ":p"):gsub("/$", "")
T.fixtures = T.here .. "/fixtures"
T.plugin = T.repo .. "/editors/nvim"

local results = { passed = 0, failed = 0, skipped = 0, names = {} }

local function out(s)
  io.stdout:write(s, "\n")
  io.stdout:flush()
end
T.out = out

-- {====================================================== assertions

local function fail(msg, level)
  error(msg, (level or 1) + 1)
end

function T.ok(v, msg)
  if not v then
    fail(msg or "expected a true value", 2)
  end
  return v
end

function T.eq(want, got, msg)
  if not vim.deep_equal(want, got) then
    fail(("%s\n    want: %s\n    got:  %s"):format(msg or "values differ",
      vim.inspect(want), vim.inspect(got)), 2)
  end
end

function T.match(pattern, s, msg)
  if type(s) ~= "string" or not s:find(pattern) then
    fail(("%s\n    pattern: %s\n    in: %s"):format(msg or "no match", pattern, vim.inspect(s)), 2)
  end
end

function T.no_match(pattern, s, msg)
  if type(s) == "string" and s:find(pattern) then
    fail(("%s\n    pattern: %s\n    in: %s"):format(msg or "unexpected match", pattern, s), 2)
  end
end

--- Polls `pred` (vim.wait) for up to `ms`; fails with `msg` if it never
--- holds. Returns pred's value.
function T.wait(pred, ms, msg)
  local value
  local ok = vim.wait(ms or 10000, function()
    value = pred()
    return value
  end, 20)
  if not ok then
    fail("timed out: " .. (msg or "condition never held"), 2)
  end
  return value
end

-- }======================================================

-- {====================================================== running

--- Runs one test now; a failure is recorded and printed, not raised.
function T.test(name, fn)
  local trace
  local ok = xpcall(fn, function(e)
    trace = debug.traceback(tostring(e), 2)
    return e
  end)
  if ok then
    results.passed = results.passed + 1
    out("ok      " .. name)
  else
    results.failed = results.failed + 1
    table.insert(results.names, name)
    out("FAILED  " .. name)
    out("  " .. trace:gsub("\n", "\n  "))
  end
end

--- Records a skipped test with its reason (never a silent pass).
function T.skip(name, why)
  results.skipped = results.skipped + 1
  out(("skip    %s (%s)"):format(name, why))
end

local function finish()
  out(("%d passed, %d failed, %d skipped"):format(results.passed, results.failed, results.skipped))
  if results.failed > 0 then
    out("failed: " .. table.concat(results.names, "; "))
    vim.cmd("cquit 1")
  elseif results.passed == 0 then
    out("no test ran")
    vim.cmd("cquit 1")
  else
    vim.cmd("qall!")
  end
end

--- Runs a spec file and exits Neovim.
function T.run(spec)
  local limit = tonumber(os.getenv("LIVECOV_TEST_TIMEOUT") or "") or 120
  local timer = uv.new_timer()
  timer:start(limit * 1000, 0, function()
    io.stdout:write(("TIMEOUT after %ds in %s\n"):format(limit, spec))
    io.stdout:flush()
    os.exit(3)
  end)
  out("# " .. spec .. " (Neovim " .. tostring(vim.version().major) .. "." .. vim.version().minor
    .. "." .. vim.version().patch .. ")")
  local ok, err = xpcall(dofile, debug.traceback, spec)
  if not ok then
    results.failed = results.failed + 1
    table.insert(results.names, "<spec file>")
    out("FAILED  loading " .. spec .. "\n  " .. tostring(err):gsub("\n", "\n  "))
  end
  T.cleanup()
  finish()
end

-- }======================================================

-- {====================================================== fixtures

local temps = {}

--- Copies a fixture (a name under tests/nvim/fixtures, or an absolute
--- path) into a fresh temporary directory; returns its real path.
function T.project(name)
  local src = name:sub(1, 1) == "/" and name or (T.fixtures .. "/" .. name)
  assert(uv.fs_stat(src), "no fixture " .. src)
  local dir = vim.fn.tempname()
  vim.fn.mkdir(dir, "p")
  local dst = dir .. "/" .. vim.fn.fnamemodify(src, ":t")
  local res = vim.fn.system({ "cp", "-R", src, dst })
  assert(vim.v.shell_error == 0, "cp failed: " .. res)
  table.insert(temps, dir)
  return uv.fs_realpath(dst)
end

function T.cleanup()
  local compat = require("livecov.compat")
  for _, c in ipairs(T.clients()) do
    pcall(compat.client_stop, c, true)
  end
  if os.getenv("LIVECOV_TEST_KEEP") then
    return
  end
  for _, dir in ipairs(temps) do
    vim.fn.delete(dir, "rf")
  end
end

function T.read(path)
  local f = io.open(path, "r")
  if not f then
    return nil
  end
  local s = f:read("*a")
  f:close()
  return s
end

function T.write(path, text)
  local f = assert(io.open(path, "w"))
  f:write(text)
  f:close()
end

-- }======================================================

-- {====================================================== livecov helpers

--- Every LSP client (vim.lsp.get_clients on 0.10+).
function T.clients()
  return (vim.lsp.get_clients or vim.lsp.get_active_clients)()
end

--- The server binary; nil when the build did not pass it.
function T.bin()
  local b = os.getenv("LIVECOV_BIN")
  if b and b ~= "" then
    return b
  end
  return nil
end

--- setup() with the test server and `opts` on top.
function T.setup(opts)
  local base = { cmd = { T.bin() or "livecov", "lsp" }, settings = { debounceMs = 20 } }
  require("livecov").setup(vim.tbl_deep_extend("force", base, opts or {}))
end

--- Collects vim.notify messages (and still lets them through).
function T.capture_notify()
  local log = {}
  local orig = vim.notify
  vim.notify = function(msg, level, o)
    table.insert(log, { msg = msg, level = level })
    return orig(msg, level, o)
  end
  return log
end

--- Edits `path` and waits until livecov's client for it is initialized.
function T.open(path, no_wait)
  vim.cmd("edit " .. vim.fn.fnameescape(path))
  local bufnr = vim.api.nvim_get_current_buf()
  if no_wait then
    return bufnr
  end
  local client = require("livecov.client")
  T.wait(function()
    local id = client.by_buf[bufnr]
    local c = id and vim.lsp.get_client_by_id(id)
    return c and c.initialized
  end, 15000, "livecov client attached and initialized for " .. path)
  return bufnr
end

--- Waits until the server is idle (livecov/sync).
function T.sync(bufnr)
  local ok, err = require("livecov").sync(bufnr or 0, 30000)
  T.ok(ok, "livecov/sync failed: " .. tostring(err))
end

--- Placed livecov signs as { [lnum] = name }, 1-based lines.
function T.signs(bufnr)
  local placed = vim.fn.sign_getplaced(bufnr, { group = "livecov" })[1].signs
  local by_line = {}
  for _, s in ipairs(placed) do
    T.ok(by_line[s.lnum] == nil, "two livecov signs on line " .. s.lnum)
    by_line[s.lnum] = s.name
  end
  return by_line
end

--- Lines (1-based, sorted) carrying sign `name`.
function T.lines_with(bufnr, name)
  local lines = {}
  for lnum, n in pairs(T.signs(bufnr)) do
    if n == name then
      table.insert(lines, lnum)
    end
  end
  table.sort(lines)
  return lines
end

--- Runs `livecov run --root dir --json` and returns the decoded report.
function T.run_json(dir)
  local json = vim.fn.tempname() .. ".json"
  vim.fn.system({ T.bin(), "run", "--root", dir, "--json", json, "-o", "plainTerminal" })
  local text = T.read(json)
  T.ok(text, "livecov run wrote no JSON report (exit " .. vim.v.shell_error .. ")")
  os.remove(json)
  return vim.json and vim.json.decode(text) or vim.fn.json_decode(text)
end

--- From a `run --json` report: covered and uncovered 1-based lines of the
--- file `rel` (relative to the root).
function T.report_lines(report, rel)
  for _, f in ipairs(report.files) do
    if f.path == rel then
      local covered, uncovered = {}, {}
      for _, pair in ipairs(f.lines) do
        table.insert(pair[2] > 0 and covered or uncovered, pair[1])
      end
      table.sort(covered)
      table.sort(uncovered)
      return covered, uncovered
    end
  end
  fail("no file " .. rel .. " in the report", 2)
end

--- Text of the :checkhealth livecov buffer.
function T.checkhealth()
  vim.cmd("checkhealth livecov")
  local text = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), "\n")
  vim.cmd("tabclose")
  return text
end

-- }======================================================

return T
