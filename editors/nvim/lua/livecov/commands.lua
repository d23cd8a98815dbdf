-- livecov.commands: the user commands (:help livecov-commands).

local client = require("livecov.client")
local config = require("livecov.config")
local coverage = require("livecov.coverage")
local project = require("livecov.project")
local summary = require("livecov.summary")

local M = {}

local function notify(msg, level)
  vim.notify("livecov: " .. msg, level or vim.log.levels.INFO)
end

local function first_uncovered(uri)
  local path = coverage.path_of_uri(uri)
  local params = path and coverage.by_path[path]
  if params and params.uncovered and params.uncovered[1] then
    return params.uncovered[1]
  end
  return nil
end

--- :LivecovSummary [qf]. Uses the last livecov/summary; asks the server
--- (livecov.summary) when none arrived yet.
function M.summary(arg)
  local c, data = client.get(0)
  if not c or not data then
    notify("no livecov server for this buffer (see :checkhealth livecov)", vim.log.levels.WARN)
    return
  end
  local s = data.summary
  if not s then
    local ok, res = pcall(require("livecov.compat").client_request_sync, c, "workspace/executeCommand",
      { command = "livecov.summary", arguments = {} }, 3000, 0)
    if ok and res and res.result then
      s = res.result
      data.summary = s
    end
  end
  if not s then
    notify("no summary yet: no run has finished", vim.log.levels.WARN)
    return
  end
  if arg == "qf" then
    local items = summary.qf_items(s, data, first_uncovered)
    vim.fn.setqflist({}, " ", { title = "livecov summary", items = items })
    vim.cmd("copen")
    return
  end
  return summary.open_float(summary.lines(s, data, config.current.summary_files))
end

function M.create()
  local cmd = vim.api.nvim_create_user_command
  cmd("LivecovRun", function()
    client.execute(0, "livecov.runAll", {})
  end, { desc = "livecov: run every spec file" })

  cmd("LivecovRunFile", function()
    client.execute(0, "livecov.runFile", { vim.uri_from_bufnr(0) })
  end, { desc = "livecov: run the spec files affected by this file" })

  cmd("LivecovToggle", function()
    local on = coverage.toggle()
    vim.api.nvim_echo({ { "livecov: marks " .. (on and "shown" or "hidden") } }, false, {})
  end, { desc = "livecov: hide or show coverage marks" })

  cmd("LivecovSummary", function(opts)
    if opts.args ~= "" and opts.args ~= "qf" then
      notify("usage: :LivecovSummary [qf]", vim.log.levels.ERROR)
      return
    end
    M.summary(opts.args)
  end, {
    nargs = "?",
    complete = function()
      return { "qf" }
    end,
    desc = "livecov: coverage summary (float, or quickfix with 'qf')",
  })

  cmd("LivecovLcov", function(opts)
    local args = {}
    if opts.args ~= "" then
      args = { vim.fn.fnamemodify(vim.fn.expand(opts.args), ":p") }
    end
    client.execute(0, "livecov.writeLcov", args, function(err)
      if err then
        notify("writeLcov failed: " .. (err.message or vim.inspect(err)), vim.log.levels.ERROR)
      else
        notify("wrote " .. (args[1] or "lcov.info in the project root"))
      end
    end)
  end, { nargs = "?", complete = "file", desc = "livecov: write an LCOV report" })

  cmd("LivecovStart", function()
    local id, err = client.attach(0)
    if not id then
      notify("not started: " .. tostring(err), vim.log.levels.WARN)
    end
  end, { desc = "livecov: attach this buffer (when auto_start is off)" })

  cmd("LivecovTrust", function()
    local root = project.buf_root(0, config.current)
    if not root then
      notify("this buffer has no project root", vim.log.levels.WARN)
      return
    end
    client.trust_root(root)
    notify("trusted " .. root)
  end, { desc = "livecov: let this project run its tests" })
end

return M
