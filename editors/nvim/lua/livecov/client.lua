-- livecov.client: one language server client per project root. Starts and
-- attaches clients, routes livecov's notifications, and wraps the requests
-- the commands need (executeCommand, livecov/sync).

local compat = require("livecov.compat")
local config = require("livecov.config")
local coverage = require("livecov.coverage")
local project = require("livecov.project")

local M = {}

--- root -> client id
M.by_root = {}
--- bufnr -> client id
M.by_buf = {}

---@class livecov.ClientData
---@field root string
---@field trusted boolean
---@field reason string       why (not) trusted
---@field summary table|nil   last livecov/summary params
---@field tests table         spec URI -> tests of the last livecov/tests
---@field running boolean
---@field runs integer        livecov/runFinished notifications seen

---@type table<integer, livecov.ClientData>
M.data = {}

local function notify(msg, level)
  vim.notify("livecov: " .. msg, level or vim.log.levels.INFO)
end

--- The server settings for a root: the config's, plus runTests from the
--- trust rule (a user's runTests = false is kept).
function M.settings_for(trusted)
  local s = vim.deepcopy(config.current.settings)
  if not trusted then
    s.runTests = false
  elseif s.runTests == nil then
    s.runTests = true
  end
  return s
end

-- {====================================================== handlers

local handlers = {}

handlers["livecov/coverage"] = function(_, params, ctx)
  local d = M.data[ctx.client_id]
  if d and M.settings_for(d.trusted).runTests == false then
    -- Nothing ran: the lines would all read "uncovered". Draw nothing.
    return
  end
  coverage.on_coverage(params)
end

handlers["livecov/summary"] = function(_, params, ctx)
  local d = M.data[ctx.client_id]
  if d and type(params) == "table" then
    d.summary = params
    d.running = params.running == true
  end
end

handlers["livecov/tests"] = function(_, params, ctx)
  local d = M.data[ctx.client_id]
  if d and type(params) == "table" and type(params.uri) == "string" then
    d.tests[params.uri] = params.tests or {}
  end
end

handlers["livecov/runStarted"] = function(_, _, ctx)
  local d = M.data[ctx.client_id]
  if d then
    d.running = true
  end
end

handlers["livecov/runFinished"] = function(_, _, ctx)
  local d = M.data[ctx.client_id]
  if d then
    d.running = false
    d.runs = d.runs + 1
  end
end

M.handlers = handlers

-- }======================================================

local function untrusted_message(root)
  return ("%s is not trusted, so its tests will not run. Add it to trusted_roots in "
    .. "require('livecov').setup(), or run :LivecovTrust. See :help livecov-trust"):format(root)
end

function M.make_config(root, trusted)
  local cfg = config.current
  local settings = M.settings_for(trusted)
  return {
    name = "livecov",
    cmd = cfg.cmd,
    cmd_cwd = root,
    root_dir = root,
    init_options = { livecov = settings },
    handlers = handlers,
    on_init = function(client)
      local ns = compat.diagnostic_namespace(client.id)
      if ns and next(cfg.diagnostic_config) then
        vim.diagnostic.config(cfg.diagnostic_config, ns)
      end
    end,
    on_exit = function(code, signal, client_id)
      vim.schedule(function()
        if M.by_root[root] == client_id then
          M.by_root[root] = nil
        end
        for b, id in pairs(M.by_buf) do
          if id == client_id then
            M.by_buf[b] = nil
          end
        end
        M.data[client_id] = nil
        coverage.forget_root(root)
        if code ~= 0 and vim.v.exiting == vim.NIL then
          notify(("server for %s exited with code %d%s; see :LspLog"):format(
            root, code, signal ~= 0 and (" (signal " .. signal .. ")") or ""), vim.log.levels.WARN)
        end
      end)
    end,
  }
end

--- Attaches `bufnr` to the client of its root, starting one if needed.
--- Returns the client id, or nil and a reason.
function M.attach(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  if not vim.api.nvim_buf_is_loaded(bufnr) then
    return nil, "buffer not loaded"
  end
  local cfg = config.current
  local root = project.buf_root(bufnr, cfg)
  if not root then
    return nil, "no project root (none of " .. table.concat(cfg.root_markers, ", ") .. " above the file)"
  end
  if vim.fn.executable(cfg.cmd[1]) ~= 1 then
    local msg = ("server '%s' not found; see :checkhealth livecov"):format(cfg.cmd[1])
    vim.notify_once("livecov: " .. msg, vim.log.levels.ERROR)
    return nil, msg
  end
  local trusted, reason = project.trust(root, cfg)
  local id, err = compat.lsp_start(M.make_config(root, trusted), bufnr, M.by_root[root])
  if not id then
    notify("cannot start the server: " .. tostring(err), vim.log.levels.ERROR)
    return nil, err
  end
  M.by_root[root] = id
  M.by_buf[bufnr] = id
  if not M.data[id] then
    M.data[id] = { root = root, trusted = trusted, reason = reason, tests = {}, running = false, runs = 0 }
    if not trusted then
      vim.notify_once("livecov: " .. untrusted_message(root), vim.log.levels.WARN)
    end
  end
  coverage.track(bufnr)
  if bufnr == vim.api.nvim_get_current_buf() then
    require("livecov").last_buffer = bufnr
  end
  return id
end

--- The client for a buffer: the one it is attached to, else (unless
--- `strict`) the only one.
function M.get(bufnr, strict)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local id = M.by_buf[bufnr]
  if not id and not strict then
    local only
    for _, cid in pairs(M.by_root) do
      if only then
        return nil
      end
      only = cid
    end
    id = only
  end
  local client = id and vim.lsp.get_client_by_id(id)
  if not client then
    return nil
  end
  return client, M.data[id]
end

--- After a config change: recomputes each root's trust and sends the
--- settings to clients whose settings changed (all of them when
--- `settings_changed`).
function M.refresh(settings_changed)
  for root, id in pairs(M.by_root) do
    local client, d = vim.lsp.get_client_by_id(id), M.data[id]
    if client and d then
      local trusted, reason = project.trust(root, config.current)
      local changed = settings_changed or trusted ~= d.trusted
      d.trusted, d.reason = trusted, reason
      if changed then
        compat.client_notify(client, "workspace/didChangeConfiguration", {
          settings = { livecov = M.settings_for(trusted) },
        })
      end
    end
  end
end

--- Trusts `root` for this session (and through vim.secure when this Neovim
--- has it) and lets its server run tests.
function M.trust_root(root)
  project.session_trusted[root] = true
  local marker = root .. "/.busted"
  if compat.uv.fs_stat(marker) then
    compat.secure_trust(marker)
  end
  M.refresh(false)
end

--- workspace/executeCommand on the buffer's client. `on_result(err, result)`
--- is optional; without it errors are reported.
function M.execute(bufnr, command, arguments, on_result)
  local client = M.get(bufnr)
  if not client then
    notify("no livecov server for this buffer (see :checkhealth livecov)", vim.log.levels.WARN)
    return false
  end
  compat.client_request(client, "workspace/executeCommand", {
    command = command,
    arguments = arguments or {},
  }, function(err, result)
    if on_result then
      on_result(err, result)
    elseif err then
      notify(("%s failed: %s"):format(command, err.message or vim.inspect(err)), vim.log.levels.ERROR)
    end
  end, bufnr)
  return true
end

--- Blocks until the server is idle (livecov/sync) or `timeout_ms` passed.
--- Returns true when the server answered.
function M.sync(bufnr, timeout_ms)
  local client = M.get(bufnr)
  if not client then
    return false, "no client"
  end
  local res, err = compat.client_request_sync(client, "livecov/sync", vim.empty_dict(), timeout_ms or 10000, bufnr)
  if not res then
    return false, err
  end
  if res.err then
    return false, res.err.message
  end
  -- Let notifications that arrived with the reply run their handlers.
  vim.wait(0)
  return true
end

return M
