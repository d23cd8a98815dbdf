-- Against the real server: edits turn marks stale and move them with the
-- text; the server's stale notification agrees; a save brings fresh marks.
local T = require("livecov_test")

local root = T.project("calc")
T.setup({ trusted_roots = { root } })

local buf = T.open(root .. "/src/calc.lua")
vim.cmd("silent write")
T.sync(buf)
T.wait(function()
  return #T.lines_with(buf, "LivecovUncovered") > 0
end, 10000, "first coverage")

local before = T.signs(buf)
local uncovered_before = T.lines_with(buf, "LivecovUncovered")

local function shifted(signs, by)
  local out = {}
  for lnum in pairs(signs) do
    out[lnum + by] = "LivecovStale"
  end
  return out
end

T.test("inserting a line: every mark turns stale and moves down", function()
  vim.api.nvim_buf_set_lines(buf, 0, 0, false, { "-- a new first line" })
  local want = shifted(before, 1)
  T.wait(function()
    return vim.deep_equal(T.signs(buf), want)
  end, 2000, "stale marks shifted by one")
end)

T.test("the server's stale notification leaves the same marks", function()
  -- didChange goes out after the client's debounce; then the server answers.
  vim.wait(400)
  T.sync(buf)
  vim.wait(100)
  T.eq(shifted(before, 1), T.signs(buf))
end)

T.test("saving brings fresh marks at the new lines", function()
  vim.cmd("silent write")
  T.sync(buf)
  T.wait(function()
    return #T.lines_with(buf, "LivecovStale") == 0 and next(T.signs(buf)) ~= nil
  end, 10000, "fresh marks")
  local want = {}
  for _, l in ipairs(uncovered_before) do
    table.insert(want, l + 1)
  end
  T.eq(want, T.lines_with(buf, "LivecovUncovered"))
end)

T.test("deleting a marked line drops its mark and pulls the rest up", function()
  local now = T.signs(buf)
  -- Line 11 is "return nil, ..." (was 10): uncovered.
  T.eq("LivecovUncovered", now[11])
  vim.api.nvim_buf_set_lines(buf, 10, 11, false, {})
  local want = {}
  for lnum in pairs(now) do
    if lnum < 11 then
      want[lnum] = "LivecovStale"
    elseif lnum > 11 then
      want[lnum - 1] = "LivecovStale"
    end
  end
  T.wait(function()
    return vim.deep_equal(T.signs(buf), want)
  end, 2000, "mark removed, others moved up")
  vim.wait(400)
  T.sync(buf)
  vim.wait(100)
  T.eq(want, T.signs(buf), "still the same after the server's stale notification")
end)

T.test("restore the line and save: the first coverage, shifted by the new line", function()
  vim.api.nvim_buf_set_lines(buf, 10, 10, false, { '    return nil, "division by zero"' })
  vim.cmd("silent write")
  T.sync(buf)
  T.wait(function()
    return #T.lines_with(buf, "LivecovStale") == 0 and #T.lines_with(buf, "LivecovUncovered") > 0
  end, 10000, "fresh marks")
  local want = {}
  for lnum, name in pairs(before) do
    want[lnum + 1] = name
  end
  T.eq(want, T.signs(buf))
end)
