-- livecov.compat: the one place that knows which Neovim it runs on.
-- Everything version-dependent is chosen here, once, at load; the other
-- modules call these functions and never test versions themselves.
-- Oldest supported: Neovim 0.7.2 (Debian 12).

local M = {}

local function has(feature)
  return vim.fn.has(feature) == 1
end

M.uv = vim.uv or vim.loop

M.nvim_0_9 = has("nvim-0.9")
M.nvim_0_11 = has("nvim-0.11")

--- Client methods became real methods (`client:request`) in 0.11; the
--- dot form still works there but is deprecated.
local function method_caller(name)
  if M.nvim_0_11 then
    return function(client, ...)
      return client[name](client, ...)
    end
  end
  return function(client, ...)
    return client[name](...)
  end
end

M.client_request = method_caller("request")
M.client_request_sync = method_caller("request_sync")
M.client_notify = method_caller("notify")
M.client_stop = method_caller("stop")

--- Starts (or reuses) a client for `config.root_dir` and attaches `bufnr`.
--- Returns the client id, or nil and an error message.
M.has_lsp_start = vim.lsp.start ~= nil
if M.has_lsp_start then
  function M.lsp_start(config, bufnr)
    local ok, id = pcall(vim.lsp.start, config, {
      bufnr = bufnr,
      reuse_client = function(client, conf)
        return client.name == conf.name and client.config.root_dir == conf.root_dir
      end,
    })
    if not ok then
      return nil, tostring(id)
    end
    return id
  end
else
  -- 0.7: no vim.lsp.start; the caller keeps one client per root itself.
  function M.lsp_start(config, bufnr, existing_id)
    local id = existing_id
    if not id or not vim.lsp.get_client_by_id(id) then
      local ok, res = pcall(vim.lsp.start_client, config)
      if not ok or not res then
        return nil, tostring(res)
      end
      id = res
    end
    vim.lsp.buf_attach_client(bufnr, id)
    return id
  end
end

--- The diagnostic namespace Neovim uses for a client's publishDiagnostics.
function M.diagnostic_namespace(client_id)
  local ok, ns = pcall(vim.lsp.diagnostic.get_namespace, client_id)
  return ok and ns or nil
end

--- Health reporting: vim.health.{start,ok,...} (0.9+), vim.health.report_*
--- (0.8), or the health#report_* Vimscript functions (0.7).
local health = vim.health
if health and health.start then
  M.health = { start = health.start, ok = health.ok, info = health.info, warn = health.warn, error = health.error }
elseif health and health.report_start then
  M.health = {
    start = health.report_start,
    ok = health.report_ok,
    info = health.report_info,
    warn = health.report_warn,
    error = health.report_error,
  }
else
  M.health = {
    start = function(msg) vim.fn["health#report_start"](msg) end,
    ok = function(msg) vim.fn["health#report_ok"](msg) end,
    info = function(msg) vim.fn["health#report_info"](msg) end,
    warn = function(msg, advice) vim.fn["health#report_warn"](msg, advice or {}) end,
    error = function(msg, advice) vim.fn["health#report_error"](msg, advice or {}) end,
  }
end

--- Runs a short command and returns its trimmed output, or nil and a reason.
--- vim.fn.system with a list exists on 0.7 and avoids the shell.
function M.system(argv)
  local ok, out = pcall(vim.fn.system, argv)
  if not ok then
    return nil, tostring(out)
  end
  out = vim.trim(out or "")
  if vim.v.shell_error ~= 0 then
    return nil, out ~= "" and out or ("exit code " .. vim.v.shell_error)
  end
  return out
end

--- vim.secure (0.9+): files whose current contents the user marked trusted
--- through vim.secure.read or :trust. We read the trust database ourselves
--- because vim.secure.read prompts for unknown files, and a coverage plugin
--- must not prompt every time a Lua buffer opens.
---@return boolean|nil trusted, string|nil which file
function M.secure_trusted(paths)
  if not (vim.secure and M.nvim_0_9) then
    return nil
  end
  local db = vim.fn.stdpath("state") .. "/trust"
  local f = io.open(db, "r")
  if not f then
    return false
  end
  local hashes = {}
  for line in f:lines() do
    local hash, path = line:match("^(%S+) (.+)$")
    if hash then
      hashes[path] = hash
    end
  end
  f:close()
  for _, path in ipairs(paths) do
    local want = hashes[path]
    if want and want ~= "!" then
      local stat = M.uv.fs_stat(path)
      if stat and stat.type == "directory" then
        if want == "directory" then
          return true, path
        end
      else
        local fh = io.open(path, "rb")
        if fh then
          local contents = fh:read("*a")
          fh:close()
          if vim.fn.sha256(contents) == want then
            return true, path
          end
        end
      end
    end
  end
  return false
end

--- Asks the user to trust `path` through vim.secure (0.9+). Returns true when
--- the file is now trusted; nil when this Neovim has no vim.secure.
function M.secure_trust(path)
  if not (vim.secure and M.nvim_0_9) then
    return nil
  end
  if vim.secure.trust then
    local ok = pcall(vim.secure.trust, { action = "allow", path = path })
    if ok then
      return true
    end
  end
  return vim.secure.read(path) ~= nil
end

return M
