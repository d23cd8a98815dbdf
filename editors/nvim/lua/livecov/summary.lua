-- livecov.summary: the project summary (`livecov/summary` params, plus the
-- failing tests from `livecov/tests`) as text for a floating window, and as
-- quickfix items.

local M = {}

local function rel(uri, root)
  local ok, path = pcall(vim.uri_to_fname, uri)
  path = ok and path or uri
  if root and path:sub(1, #root + 1) == root .. "/" then
    return path:sub(#root + 2)
  end
  return path
end

local function num(v)
  return type(v) == "number" and v or 0
end

--- Failing tests of the last runs, sorted by file and line.
function M.failures(data)
  local out = {}
  for _, tests in pairs(data.tests or {}) do
    for _, t in ipairs(tests) do
      if t.status == "failure" or t.status == "error" then
        table.insert(out, t)
      end
    end
  end
  table.sort(out, function(a, b)
    local fa, fb = a.failUri or a.id or "", b.failUri or b.id or ""
    if fa ~= fb then
      return fa < fb
    end
    return num(a.failLine or a.line) < num(b.failLine or b.line)
  end)
  return out
end

--- Summary lines for the floating window.
---@param s table livecov/summary params
---@param data table client data (root, tests)
---@param nfiles integer how many least covered files to list
function M.lines(s, data, nfiles)
  local root = data.root
  local lines = {}
  if s.disabled then
    table.insert(lines, "livecov: test runs are disabled in " .. root)
    table.insert(lines, "the project is not trusted (:help livecov-trust, :LivecovTrust)")
    return lines
  end
  table.insert(lines, ("livecov: %.2f%% covered (%d/%d lines, %d files)%s"):format(
    num(s.percent), num(s.hit), num(s.lines), num(s.files), s.running and " (running)" or ""))
  local t = s.tests or {}
  table.insert(lines, ("tests: %d passed, %d failed, %d errors, %d pending"):format(
    num(t.success), num(t.failure), num(t.error), num(t.pending)))
  local failures = M.failures(data)
  if #failures > 0 then
    table.insert(lines, "")
    table.insert(lines, "failing:")
    for _, f in ipairs(failures) do
      local where = f.failUri and ("%s:%d"):format(rel(f.failUri, root), num(f.failLine) + 1) or ""
      local name = type(f.path) == "table" and table.concat(f.path, " ") or (f.label or "?")
      table.insert(lines, ("  %s  %s"):format(name, where))
    end
  end
  local per = s.perFile or {}
  if #per > 0 then
    table.insert(lines, "")
    table.insert(lines, "least covered:")
    for i = 1, math.min(nfiles, #per) do
      local f = per[i]
      table.insert(lines, ("  %6.1f%%  %4d/%-4d  %s"):format(num(f.percent), num(f.hit), num(f.lines), rel(f.uri, root)))
    end
    if #per > nfiles then
      table.insert(lines, ("  ... %d more"):format(#per - nfiles))
    end
  end
  return lines
end

--- Quickfix items: failing tests first (type E, at the failing line), then
--- every file by coverage, least covered first, at its first uncovered line.
---@param first_uncovered fun(uri: string): integer|nil 0-based line
function M.qf_items(s, data, first_uncovered)
  local items = {}
  for _, f in ipairs(M.failures(data)) do
    local uri = f.failUri or (f.id and f.id:match("^(.-)::")) or nil
    if uri then
      table.insert(items, {
        filename = vim.uri_to_fname(uri),
        lnum = num(f.failLine or f.line) + 1,
        type = "E",
        text = ((type(f.path) == "table" and table.concat(f.path, " ") or "") .. ": " .. (f.message or f.status)):gsub("\n.*", ""),
      })
    end
  end
  for _, f in ipairs(s.perFile or {}) do
    local line = first_uncovered and first_uncovered(f.uri)
    table.insert(items, {
      filename = vim.uri_to_fname(f.uri),
      lnum = (line or 0) + 1,
      type = "I",
      text = ("%.1f%% covered (%d/%d lines)"):format(num(f.percent), num(f.hit), num(f.lines)),
    })
  end
  return items
end

--- Opens a floating window with `lines`; q or <Esc> closes it. Returns the
--- window and buffer.
function M.open_float(lines)
  local buf = vim.api.nvim_create_buf(false, true)
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, lines)
  vim.bo[buf].modifiable = false
  vim.bo[buf].bufhidden = "wipe"
  vim.bo[buf].filetype = "livecov-summary"
  local width = 20
  for _, l in ipairs(lines) do
    width = math.max(width, vim.fn.strdisplaywidth(l))
  end
  width = math.min(width + 2, math.max(20, vim.o.columns - 4))
  local height = math.min(#lines, math.max(1, vim.o.lines - 4))
  local win = vim.api.nvim_open_win(buf, true, {
    relative = "editor",
    width = width,
    height = height,
    row = math.max(0, math.floor((vim.o.lines - height) / 2) - 1),
    col = math.max(0, math.floor((vim.o.columns - width) / 2)),
    style = "minimal",
    border = "rounded",
  })
  for _, key in ipairs({ "q", "<Esc>" }) do
    vim.keymap.set("n", key, "<cmd>close<cr>", { buffer = buf, nowait = true, silent = true })
  end
  return win, buf
end

return M
