-- livecov.signs: drawing a buffer's coverage marks. One sign per marked line
-- in the sign group "livecov" (so `sign_getplaced(buf, {group = "livecov"})`
-- reads them back on every Neovim), hit counts as extmarks in the namespace
-- "livecov". This module draws; livecov.coverage decides what.

local config = require("livecov.config")

local M = {}

M.group = "livecov"
M.ns = vim.api.nvim_create_namespace("livecov")

--- kind -> sign name; also the highlight group of that sign's text.
M.names = {
  covered = "LivecovCovered",
  uncovered = "LivecovUncovered",
  partial = "LivecovPartial",
  failed = "LivecovFailed",
  stale = "LivecovStale",
}

--- Default links: Diagnostic* groups exist in every colorscheme that knows
--- Neovim ≥ 0.6 and are tuned for light and dark backgrounds. Covered vs
--- uncovered is blue vs orange/yellow (readable with red-green colour
--- blindness) and the shapes differ as well.
M.default_links = {
  LivecovCovered = "DiagnosticInfo",
  LivecovUncovered = "DiagnosticWarn",
  LivecovPartial = "DiagnosticHint",
  LivecovFailed = "DiagnosticError",
  LivecovStale = "Comment",
  LivecovHits = "Comment",
}

local function define_highlights()
  for group, target in pairs(M.default_links) do
    vim.cmd(("highlight default link %s %s"):format(group, target))
  end
end

--- (Re)defines the signs from the config's texts. Safe to call repeatedly.
function M.define()
  define_highlights()
  local texts = config.current.signs
  for kind, name in pairs(M.names) do
    vim.fn.sign_define(name, { text = texts[kind], texthl = name })
  end
end

--- Removes every livecov mark from a buffer.
function M.clear(bufnr)
  if not vim.api.nvim_buf_is_valid(bufnr) then
    return
  end
  pcall(vim.fn.sign_unplace, M.group, { buffer = bufnr })
  pcall(vim.api.nvim_buf_clear_namespace, bufnr, M.ns, 0, -1)
end

--- Draws `marks` (a map from 0-based line to { kind, hits }) into `bufnr`,
--- replacing what was there. With `stale`, every mark is drawn as
--- LivecovStale.
function M.draw(bufnr, marks, stale)
  M.clear(bufnr)
  if not marks or not vim.api.nvim_buf_is_loaded(bufnr) then
    return
  end
  local cfg = config.current
  local nlines = vim.api.nvim_buf_line_count(bufnr)
  local list = {}
  for line, mark in pairs(marks) do
    if line >= 0 and line < nlines then
      table.insert(list, {
        buffer = bufnr,
        group = M.group,
        lnum = line + 1,
        name = stale and M.names.stale or M.names[mark.kind],
        priority = cfg.sign_priority,
      })
      if cfg.virtual_text_hits and mark.hits and mark.hits > 0 then
        pcall(vim.api.nvim_buf_set_extmark, bufnr, M.ns, line, 0, {
          virt_text = { { ("×%d"):format(mark.hits), stale and "LivecovStale" or "LivecovHits" } },
          virt_text_pos = "eol",
          priority = cfg.sign_priority,
        })
      end
    end
  end
  table.sort(list, function(a, b)
    return a.lnum < b.lnum
  end)
  if #list > 0 then
    -- Fails only if someone undefined our signs; say so once, do not raise
    -- from inside an LSP handler.
    local ok, err = pcall(vim.fn.sign_placelist, list)
    if not ok then
      vim.notify_once("livecov: cannot place signs: " .. tostring(err), vim.log.levels.WARN)
    end
  end
end

return M
