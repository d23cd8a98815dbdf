-- livecov.health: `:checkhealth livecov`. Reports only what a user can act
-- on: the server binary, Lua 5.4, the project root, trust, the client.

local compat = require("livecov.compat")
local config = require("livecov.config")
local project = require("livecov.project")

local M = {}

--- The buffer the user was in: :checkhealth runs in its own new buffer.
local function user_buffer()
  local cur = vim.api.nvim_get_current_buf()
  if vim.bo[cur].filetype ~= "checkhealth" then
    return cur
  end
  local last = require("livecov").last_buffer
  if last and vim.api.nvim_buf_is_valid(last) then
    return last
  end
  local alt = vim.fn.bufnr("#")
  if alt > 0 then
    return alt
  end
  return nil
end

function M.check()
  local h = compat.health
  local cfg = config.current

  h.start("livecov: server")
  local exe = vim.fn.exepath(cfg.cmd[1])
  if exe == "" then
    h.error(("server '%s' not found"):format(cfg.cmd[1]), {
      "Build it: cmake -S . -B build && cmake --build build (in the livecov repository)",
      "Then put build/livecov on $PATH, or set cmd = { '/path/to/livecov', 'lsp' } in require('livecov').setup()",
    })
  else
    local version, err = compat.system({ exe, "--version" })
    if version then
      h.ok(("%s (%s)"):format(exe, (version:gsub("\n.*", ""))))
    else
      h.error(("%s does not run: %s"):format(exe, err), { "Rebuild livecov or fix cmd in setup()" })
    end
  end

  h.start("livecov: Lua 5.4")
  local lua = vim.fn.exepath("lua5.4")
  if lua == "" then
    lua = vim.fn.exepath("lua")
  end
  local lv = lua ~= "" and compat.system({ lua, "-v" }) or nil
  if lv and lv:match("Lua 5%.4") then
    h.ok(("%s: %s"):format(lua, lv:match("Lua 5%.4[%.%d]*")))
  elseif lv then
    h.warn(("%s is %s, not Lua 5.4"):format(lua, lv), { "Install lua5.4 (Debian: apt install lua5.4)" })
  else
    h.warn("lua5.4 not found on $PATH", { "Install lua5.4 and lua-luassert (Debian: apt install lua5.4 lua-luassert)" })
  end

  h.start("livecov: project")
  local bufnr = user_buffer()
  local root = bufnr and project.buf_root(bufnr, cfg)
  if not root then
    h.info(("no project root for the current buffer (markers: %s)"):format(table.concat(cfg.root_markers, ", ")))
  else
    local files = project.config_files(root)
    h.ok(("root %s (%s)"):format(root, #files > 0 and table.concat(files, ", ") or "no test configuration files"))
    local trusted, reason = project.trust(root, cfg)
    if trusted then
      h.ok("trusted: " .. reason)
    else
      h.warn("not trusted: tests do not run (" .. reason .. ")", {
        "Add the root to trusted_roots in require('livecov').setup(), or run :LivecovTrust",
        "See :help livecov-trust",
      })
    end
    local client = require("livecov.client")
    local id = client.by_buf[bufnr]
    local c = id and vim.lsp.get_client_by_id(id)
    if c then
      h.ok(("client %d attached (%s)"):format(id, table.concat(c.config.cmd, " ")))
    else
      h.warn("no livecov client attached to this buffer", { "Check auto_start and filetypes, or run :LivecovStart" })
    end
  end
end

return M
