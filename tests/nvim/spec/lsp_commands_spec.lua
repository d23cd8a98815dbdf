-- Against the real server: the user commands.
local T = require("livecov_test")

local root = T.project("calc")
T.setup({ trusted_roots = { root } })

local buf = T.open(root .. "/src/calc.lua")
vim.cmd("silent write")
T.sync(buf)
T.wait(function()
  return #T.lines_with(buf, "LivecovUncovered") > 0
end, 10000, "first coverage")
local client = require("livecov.client")
local _, data = client.get(buf)

T.test(":LivecovToggle hides every sign and brings them back", function()
  local shown = T.signs(buf)
  vim.cmd("LivecovToggle")
  T.eq({}, T.signs(buf))
  vim.cmd("LivecovToggle")
  T.eq(shown, T.signs(buf))
end)

T.test(":LivecovSummary shows totals and the least covered files in a float", function()
  T.wait(function()
    return data.summary and not data.summary.running
  end, 10000, "a summary")
  local report = T.run_json(root)
  vim.cmd("LivecovSummary")
  local win = vim.api.nvim_get_current_win()
  T.ok(vim.api.nvim_win_get_config(win).relative ~= "", "a floating window is current")
  local lines = vim.api.nvim_buf_get_lines(0, 0, -1, false)
  local text = table.concat(lines, "\n")
  T.eq(("livecov: %.2f%% covered (%d/%d lines, %d files)"):format(report.summary.percent, report.summary.hit,
    report.summary.lines, report.summary.files), lines[1])
  T.eq("tests: 2 passed, 0 failed, 0 errors, 0 pending", lines[2])
  T.match("least covered:", text)
  T.match("src/calc%.lua", text)
  vim.cmd("normal q")
  T.ok(not vim.api.nvim_win_is_valid(win), "q closes the float")
end)

T.test(":LivecovSummary qf fills the quickfix list", function()
  vim.cmd("LivecovSummary qf")
  local qf = vim.fn.getqflist({ title = 1, items = 1 })
  vim.cmd("cclose")
  T.eq("livecov summary", qf.title)
  T.ok(#qf.items >= 1, "items")
  local item = qf.items[1]
  T.eq(buf, item.bufnr)
  T.match("%% covered", item.text)
  T.eq(T.lines_with(buf, "LivecovUncovered")[1], item.lnum, "at the first uncovered line")
  vim.cmd("buffer " .. buf)
end)

T.test("status() for the statusline", function()
  T.match("^livecov %d+%.%d%%$", require("livecov").status(buf))
  T.eq("", require("livecov").status(vim.api.nvim_create_buf(false, true)), "none for a scratch buffer")
end)

T.test(":LivecovLcov writes an LCOV report", function()
  local path = vim.fn.tempname() .. ".info"
  vim.cmd("LivecovLcov " .. vim.fn.fnameescape(path))
  -- Until the last record is there: the file may be read while being written.
  local text = T.wait(function()
    local t = T.read(path)
    return t and t:find("end_of_record\n$") and t
  end, 10000, "lcov file written")
  T.match("SF:.*src/calc%.lua", text)
  T.match("end_of_record", text)
  os.remove(path)
end)

T.test(":LivecovRun runs the specs again", function()
  local runs = data.runs
  vim.cmd("LivecovRun")
  T.wait(function()
    return data.runs > runs
  end, 10000, "a runFinished after :LivecovRun")
  T.sync(buf)
end)

T.test(":LivecovRunFile runs the specs of the current file", function()
  local runs = data.runs
  vim.cmd("LivecovRunFile")
  T.wait(function()
    return data.runs > runs
  end, 10000, "a runFinished after :LivecovRunFile")
  T.sync(buf)
  T.eq({}, T.lines_with(buf, "LivecovStale"))
end)
