-- Against the real server: open a module, save it, and compare the placed
-- signs with the server's own report (`livecov run --json`) and with the
-- lines the fixture is known to cover.
local T = require("livecov_test")

local calc = T.project("calc")
local examples = T.project(T.repo .. "/examples")
T.setup({ trusted_roots = { calc, examples } })

--- Saves the current buffer and waits for the run it causes.
local function save_and_sync(buf)
  vim.cmd("silent write")
  T.sync(buf)
  T.wait(function()
    local s = T.signs(buf)
    return next(s) ~= nil and #T.lines_with(buf, "LivecovStale") == 0
  end, 10000, "fresh signs after the save")
end

T.test("calc: signs after a save equal livecov run --json", function()
  local buf = T.open(calc .. "/src/calc.lua")
  save_and_sync(buf)
  local covered, uncovered = T.report_lines(T.run_json(calc), "src/calc.lua")
  T.eq(uncovered, T.lines_with(buf, "LivecovUncovered"), "uncovered lines")
  T.eq(covered, T.lines_with(buf, "LivecovCovered"), "covered lines")
  T.eq({}, T.lines_with(buf, "LivecovFailed"))
end)

T.test("calc: the lines the spec does and does not run", function()
  local buf = vim.fn.bufnr(calc .. "/src/calc.lua")
  local signs = T.signs(buf)
  -- calc.add's body, the b == 0 test and the division ran...
  T.eq("LivecovCovered", signs[5], "line 5: return a + b")
  T.eq("LivecovCovered", signs[9], "line 9: if b == 0")
  T.eq("LivecovCovered", signs[12], "line 12: return a // b")
  -- ...the zero branch and calc.double did not.
  T.eq("LivecovUncovered", signs[10], "line 10: return nil, ...")
  T.eq("LivecovUncovered", signs[16], "line 16: return x * 2")
  -- Comments and blank lines have no mark.
  T.eq(nil, signs[1])
  T.eq(nil, signs[3])
end)

T.test("examples: every module's signs equal livecov run --json", function()
  local report = T.run_json(examples)
  local checked = 0
  for _, f in ipairs(report.files) do
    if f.path:match("^src/") then
      local buf = T.open(examples .. "/" .. f.path)
      if checked == 0 then
        save_and_sync(buf)
      else
        T.sync(buf)
        T.wait(function()
          return next(T.signs(buf)) ~= nil
        end, 10000, "signs in " .. f.path)
      end
      local covered, uncovered = T.report_lines(report, f.path)
      T.eq(uncovered, T.lines_with(buf, "LivecovUncovered"), f.path .. ": uncovered lines")
      T.eq(covered, T.lines_with(buf, "LivecovCovered"), f.path .. ": covered lines")
      checked = checked + 1
    end
  end
  T.ok(checked >= 2, "checked at least two modules")
end)

T.test("one client per root", function()
  local client = require("livecov.client")
  local ids = {}
  for root, id in pairs(client.by_root) do
    ids[root] = id
  end
  T.eq(2, vim.tbl_count(ids))
  T.ok(ids[calc] and ids[examples] and ids[calc] ~= ids[examples])
  local n = 0
  for _, c in ipairs(T.clients()) do
    if c.name == "livecov" then
      n = n + 1
    end
  end
  T.eq(2, n, "two livecov clients")
end)
