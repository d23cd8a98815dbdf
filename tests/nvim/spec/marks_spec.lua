-- Coverage marks from synthetic `livecov/coverage` notifications (no
-- server): 0-based lines to 1-based signs, one sign per line, versions,
-- stale marks that follow edits, toggling, hit counts.
local T = require("livecov_test")
local coverage = require("livecov.coverage")
local handler = require("livecov.client").handlers["livecov/coverage"]

-- No server here: buffers are tracked by hand.
require("livecov").setup({ auto_start = false })

local root = T.project("calc")
local file = root .. "/src/calc.lua"
local uri = vim.uri_from_fname(file)

local function notify(params)
  params.uri = params.uri or uri
  handler(nil, params, { method = "livecov/coverage", client_id = 1 })
end

local function fresh(version)
  return {
    version = version,
    stale = false,
    covered = { { 1, 1 }, { 3, 1 }, { 4, 3 }, { 7, 1 }, { 8, 2 }, { 11, 2 }, { 18, 1 } },
    uncovered = { 9, 15 },
    partial = {},
    failed = {},
  }
end

vim.cmd("edit " .. vim.fn.fnameescape(file))
local buf = vim.api.nvim_get_current_buf()
coverage.track(buf)

T.test("coverage notification: 0-based lines become 1-based signs", function()
  notify(fresh(vim.NIL))
  T.eq({ 2, 4, 5, 8, 9, 12, 19 }, T.lines_with(buf, "LivecovCovered"))
  T.eq({ 10, 16 }, T.lines_with(buf, "LivecovUncovered"))
  local placed = vim.fn.sign_getplaced(buf, { group = "livecov" })[1].signs
  T.eq(9, #placed)
  for _, s in ipairs(placed) do
    T.eq(5, s.priority, "sign priority")
    T.eq("livecov", s.group)
  end
end)

T.test("one sign per line: failed beats uncovered, partial and covered", function()
  local p = fresh(vim.NIL)
  p.partial = { 8 }
  p.failed = { { line = 11, message = "boom" }, { line = 15, message = "bang" } }
  notify(p)
  T.eq({ 9 }, T.lines_with(buf, "LivecovPartial"))
  T.eq({ 12, 16 }, T.lines_with(buf, "LivecovFailed"))
  T.eq({ 10 }, T.lines_with(buf, "LivecovUncovered"))
  T.eq({ 2, 4, 5, 8, 19 }, T.lines_with(buf, "LivecovCovered"))
end)

T.test("lines past the end of the buffer are ignored", function()
  local p = fresh(vim.NIL)
  p.uncovered = { 9, 15, 400 }
  notify(p)
  T.eq({ 10, 16 }, T.lines_with(buf, "LivecovUncovered"))
end)

T.test("a notification for another file does not touch this buffer, and is drawn when it opens", function()
  notify(fresh(vim.NIL))
  local other = root .. "/spec/calc_spec.lua"
  notify({ uri = vim.uri_from_fname(other), version = vim.NIL, stale = false, covered = { { 0, 1 } },
    uncovered = { 2 }, partial = {}, failed = {} })
  T.eq({ 10, 16 }, T.lines_with(buf, "LivecovUncovered"))
  vim.cmd("edit " .. vim.fn.fnameescape(other))
  local obuf = vim.api.nvim_get_current_buf()
  coverage.track(obuf)
  T.eq({ [1] = "LivecovCovered", [3] = "LivecovUncovered" }, T.signs(obuf))
  vim.cmd("buffer " .. buf)
end)

T.test("an edit turns every mark stale and moves marks below it", function()
  notify(fresh(vim.NIL))
  -- Insert a line above line 5 (0-based 4): marks from line 5 down move by one.
  vim.api.nvim_buf_set_lines(buf, 4, 4, false, { "  -- inserted" })
  T.wait(function()
    return #T.lines_with(buf, "LivecovStale") == 9
  end, 2000, "all nine marks stale")
  T.eq({ 2, 4, 6, 9, 10, 11, 13, 17, 20 }, T.lines_with(buf, "LivecovStale"))
  T.eq({}, T.lines_with(buf, "LivecovCovered"))
end)

T.test("deleting a marked line removes its mark; changing a line keeps it", function()
  -- Delete line 11 (the stale uncovered 'return nil, ...', 0-based 10).
  vim.api.nvim_buf_set_lines(buf, 10, 11, false, {})
  -- Change line 13 (0-based 12) in place.
  vim.api.nvim_buf_set_lines(buf, 12, 13, false, { "  return a // b -- changed" })
  T.wait(function()
    return #T.lines_with(buf, "LivecovStale") == 8
  end, 2000, "eight marks left")
  T.eq({ 2, 4, 6, 9, 10, 12, 16, 19 }, T.lines_with(buf, "LivecovStale"))
end)

T.test("the server's stale notification for the same version draws the same marks", function()
  local before = T.signs(buf)
  local version = vim.api.nvim_buf_get_changedtick(buf)
  notify({
    version = version,
    stale = true,
    covered = { { 1, 1 }, { 3, 1 }, { 5, 3 }, { 8, 1 }, { 9, 2 }, { 11, 2 }, { 18, 1 } },
    uncovered = { 15 },
    partial = {},
    failed = {},
  })
  T.eq(before, T.signs(buf))
end)

T.test("a notification older than the buffer is ignored", function()
  local before = T.signs(buf)
  notify(fresh(vim.api.nvim_buf_get_changedtick(buf) - 1))
  T.eq(before, T.signs(buf), "older version dropped")
end)

T.test("a fresh notification for the current version replaces stale marks", function()
  local version = vim.api.nvim_buf_get_changedtick(buf)
  local p = fresh(version)
  p.uncovered = { 14 }
  notify(p)
  T.eq({}, T.lines_with(buf, "LivecovStale"))
  T.eq({ 15 }, T.lines_with(buf, "LivecovUncovered"))
end)

T.test("a result for the file on disk is drawn stale while the buffer is modified", function()
  T.ok(vim.bo[buf].modified, "buffer modified")
  notify(fresh(vim.NIL))
  T.eq(9, #T.lines_with(buf, "LivecovStale"))
  vim.cmd("silent edit!")
  coverage.track(vim.api.nvim_get_current_buf())
end)

T.test(":LivecovToggle hides and shows the marks", function()
  buf = vim.api.nvim_get_current_buf()
  notify(fresh(vim.NIL))
  local shown = T.signs(buf)
  T.eq(9, vim.tbl_count(shown))
  vim.cmd("LivecovToggle")
  T.eq({}, T.signs(buf))
  notify(fresh(vim.NIL))
  T.eq({}, T.signs(buf), "new coverage stays hidden")
  vim.cmd("LivecovToggle")
  T.eq(shown, T.signs(buf))
end)

T.test("hit counts are virtual text only when virtual_text_hits is on", function()
  local ns = vim.api.nvim_create_namespace("livecov")
  notify(fresh(vim.NIL))
  T.eq({}, vim.api.nvim_buf_get_extmarks(buf, ns, 0, -1, {}), "off by default")
  require("livecov").setup({ virtual_text_hits = true })
  local marks = vim.api.nvim_buf_get_extmarks(buf, ns, 0, -1, { details = true })
  T.eq(7, #marks, "one per covered line")
  local by_line = {}
  for _, m in ipairs(marks) do
    by_line[m[2]] = m[4].virt_text[1][1]
  end
  T.eq("×3", by_line[4])
  T.eq("×2", by_line[8])
  require("livecov").setup({})
  T.eq({}, vim.api.nvim_buf_get_extmarks(buf, ns, 0, -1, {}), "cleared when turned off")
end)
