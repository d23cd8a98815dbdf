-- livecov: live test coverage of Lua 5.4 code, from the livecov language
-- server. Public API: setup(), start(), toggle(), status(), sync(). See :help livecov.

local config = require("livecov.config")

local M = {}

--- The last buffer livecov attached to that the user entered (for
--- :checkhealth, which runs in a buffer of its own).
M.last_buffer = nil

local initialized = false

local function on_filetype(bufnr)
  -- Deferred: plugins may still set 'buftype' after FileType.
  vim.schedule(function()
    if config.current.auto_start and vim.api.nvim_buf_is_valid(bufnr)
      and vim.tbl_contains(config.current.filetypes, vim.bo[bufnr].filetype) then
      require("livecov.client").attach(bufnr)
    end
  end)
end

--- Defines signs, commands and autocommands; attaches open buffers.
--- Idempotent: run by plugin/livecov.lua and by setup().
function M._init()
  require("livecov.signs").define()
  require("livecov.commands").create()
  local group = vim.api.nvim_create_augroup("livecov", { clear = true })
  vim.api.nvim_create_autocmd("FileType", {
    group = group,
    pattern = config.current.filetypes,
    callback = function(args)
      on_filetype(args.buf)
    end,
  })
  vim.api.nvim_create_autocmd("ColorScheme", {
    group = group,
    callback = function()
      require("livecov.signs").define()
    end,
  })
  vim.api.nvim_create_autocmd("BufWipeout", {
    group = group,
    callback = function(args)
      require("livecov.client").by_buf[args.buf] = nil
    end,
  })
  vim.api.nvim_create_autocmd("BufEnter", {
    group = group,
    callback = function(args)
      if require("livecov.client").by_buf[args.buf] then
        M.last_buffer = args.buf
      end
    end,
  })
  if config.current.auto_start then
    for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
      if vim.api.nvim_buf_is_loaded(bufnr) and vim.tbl_contains(config.current.filetypes, vim.bo[bufnr].filetype) then
        on_filetype(bufnr)
      end
    end
  end
  initialized = true
end

--- Configures livecov (optional: without it the defaults apply). Options
--- are described in :help livecov-options.
function M.setup(opts)
  local old = config.current.settings
  config.current = config.build(opts)
  M._init()
  require("livecov.coverage").redraw_all()
  require("livecov.client").refresh(not vim.deep_equal(old, config.current.settings))
end

--- Attaches a buffer (0 = current) to its project's server.
function M.start(bufnr)
  if not initialized then
    M._init()
  end
  return require("livecov.client").attach(bufnr or 0)
end

--- Shows (true), hides (false) or toggles (nil) coverage marks.
function M.toggle(on)
  return require("livecov.coverage").toggle(on)
end

--- A short status for the statusline: "livecov 84.6%", "livecov 84.6% 1 failed",
--- "livecov running", "livecov untrusted"; "" when the buffer has no server.
function M.status(bufnr)
  local _, d = require("livecov.client").get(bufnr or 0, true)
  if not d then
    return ""
  end
  if not d.trusted then
    return "livecov untrusted"
  end
  if d.running then
    return "livecov running"
  end
  local s = d.summary
  if not s or type(s.percent) ~= "number" then
    return "livecov"
  end
  local t = s.tests or {}
  local failed = (tonumber(t.failure) or 0) + (tonumber(t.error) or 0)
  return ("livecov %.1f%%%s"):format(s.percent, failed > 0 and (" " .. failed .. " failed") or "")
end

--- Waits until the buffer's server is idle (the livecov/sync request).
function M.sync(bufnr, timeout_ms)
  return require("livecov.client").sync(bufnr or 0, timeout_ms)
end

return M
