-- livecov.config: the configuration schema, its validation, and the live
-- config. `M.schema` is the single source of truth: doc/livecov.txt's option
-- section is generated from it (scripts/gen_doc.lua) and a test checks drift.

local M = {}

---@class livecov.SchemaEntry
---@field name string
---@field type string          Lua type of the value
---@field default any
---@field default_help string|nil  how the default is shown in the doc
---@field description string   help text (Vim help markup allowed)
---@field keys table|nil        for tables with fixed keys: the known keys

M.schema = {
  {
    name = "cmd",
    type = "table",
    default = { "livecov", "lsp" },
    description = [[
The command that starts the language server. The first item is looked up
in $PATH (|exepath()|); use an absolute path for a binary elsewhere, e.g.
`{ "/path/to/build/livecov", "lsp" }`.]],
  },
  {
    name = "filetypes",
    type = "table",
    default = { "lua" },
    description = [[
Filetypes whose buffers attach to livecov when |livecov-config-auto_start| is on.]],
  },
  {
    name = "root_markers",
    type = "table",
    default = { ".busted", ".luacov", "spec", ".git" },
    description = [[
A buffer's project root is the nearest ancestor directory of its file that
contains any of these names (file or directory). Buffers with no such
ancestor are not attached. One server runs per root.]],
  },
  {
    name = "trusted_roots",
    type = "table",
    default = {},
    description = [[
Directories whose projects may run their tests. A root is trusted when it
equals one of these or lies below one (`~` is expanded, symlinks resolved).
See |livecov-trust|.]],
  },
  {
    name = "trust",
    type = "boolean",
    default = false,
    description = [[
Trust every project: run tests in any root. Only for machines where every
Lua project you open is your own. See |livecov-trust|.]],
  },
  {
    name = "settings",
    type = "table",
    default = {
      runOnSave = true,
      runOnType = false,
      debounceMs = 150,
      workers = 0,
      timeoutMs = 10000,
      diagnostics = { uncovered = "hint", failures = true, unnecessary = false },
    },
    default_help = [[
{
  runOnSave = true,     -- rerun affected specs after a save
  runOnType = false,    -- rerun while typing, on unsaved text
  debounceMs = 150,     -- debounce for saves and typing
  workers = 0,          -- worker processes, 0 = number of cores
  timeoutMs = 10000,    -- per spec file
  diagnostics = {
    uncovered = "hint", -- or "error", "warning", "information", "off"
    failures = true,    -- failing tests as Error diagnostics
    unnecessary = false -- grey out uncovered ranges
  },
}]],
    description = [[
The server's `livecov` settings (sent as initializationOptions, and through
workspace/didChangeConfiguration when they change). Your table is merged
into the default, so give only what you change. Other server keys
(`memoryLimitMb`, `include`, `exclude`, `coverageMode`) pass through
unchanged. `runTests` is set by the trust rule (|livecov-trust|); setting it
to false yourself disables runs everywhere.]],
  },
  {
    name = "sign_priority",
    type = "number",
    default = 5,
    description = [[
Priority of livecov's signs. The default stays below diagnostics (10) and
gitsigns (6), so with a one-column 'signcolumn' those win.]],
  },
  {
    name = "signs",
    type = "table",
    default = { covered = "▎", uncovered = "✗", partial = "◐", failed = "!", stale = "┆" },
    keys = { "covered", "uncovered", "partial", "failed", "stale" },
    default_help = [[
{
  covered = "▎",
  uncovered = "✗",
  partial = "◐",
  failed = "!",
  stale = "┆",
}]],
    description = [[
Sign texts (one or two display cells) of the signs |livecov-signs|.
The shapes differ so that coverage reads without colour.]],
  },
  {
    name = "virtual_text_hits",
    type = "boolean",
    default = false,
    description = [[
Show each covered line's hit count as end-of-line virtual text
(highlight |hl-LivecovHits|).]],
  },
  {
    name = "diagnostic_config",
    type = "table",
    default = {
      signs = { severity = { min = 2 } },
      virtual_text = { severity = { min = 2 } },
      underline = { severity = { min = 2 } },
    },
    default_help = [[
{
  -- WARN = vim.diagnostic.severity.WARN
  signs = { severity = { min = WARN } },
  virtual_text = { severity = { min = WARN } },
  underline = { severity = { min = WARN } },
}]],
    description = [[
Passed to |vim.diagnostic.config()| for the livecov client's diagnostic
namespace. The default draws failures (Error) but not the server's
"uncovered" Hint diagnostics, which would repeat the coverage signs; they
stay in |vim.diagnostic.get()|, |vim.diagnostic.setloclist()| and
|vim.diagnostic.goto_next()|. Use `{}` to keep your global settings.]],
  },
  {
    name = "summary_files",
    type = "number",
    default = 10,
    description = [[
How many of the least covered files |:LivecovSummary| lists.]],
  },
  {
    name = "auto_start",
    type = "boolean",
    default = true,
    description = [[
Attach buffers of |livecov-config-filetypes| automatically. When off, use
|:LivecovStart|.]],
  },
}

M.by_name = {}
for _, entry in ipairs(M.schema) do
  M.by_name[entry.name] = entry
end

--- Keys of `settings` whose type livecov knows; others pass through.
local setting_types = {
  runTests = "boolean",
  runOnSave = "boolean",
  runOnType = "boolean",
  debounceMs = "number",
  workers = "number",
  timeoutMs = "number",
  memoryLimitMb = "number",
  diagnostics = "table",
  include = "table",
  exclude = "table",
  coverageMode = "string",
}

local function warn(msg)
  vim.notify_once("livecov: " .. msg, vim.log.levels.WARN)
end

--- Builds a full config from user options: defaults for what is missing,
--- defaults (with a warning) for values of the wrong type, a one-time
--- warning for unknown keys. Never raises.
---@param user table|nil
---@return table config, string[] problems
function M.build(user)
  local problems = {}
  local function problem(msg)
    table.insert(problems, msg)
    warn(msg)
  end
  if user ~= nil and type(user) ~= "table" then
    problem(("setup() expects a table, got %s"):format(type(user)))
    user = nil
  end
  user = user or {}
  local cfg = {}
  for _, entry in ipairs(M.schema) do
    local v = user[entry.name]
    if v == nil then
      v = vim.deepcopy(entry.default)
    elseif type(v) ~= entry.type then
      problem(("option '%s' must be a %s, got %s; using the default"):format(entry.name, entry.type, type(v)))
      v = vim.deepcopy(entry.default)
    elseif entry.type == "table" and entry.keys then
      for k in pairs(v) do
        if not vim.tbl_contains(entry.keys, k) then
          problem(("unknown key '%s.%s' (known: %s)"):format(entry.name, tostring(k), table.concat(entry.keys, ", ")))
        end
      end
      v = vim.tbl_extend("force", vim.deepcopy(entry.default), v)
    elseif entry.name == "settings" then
      v = vim.deepcopy(v)
      for k, sv in pairs(v) do
        local want = setting_types[k]
        if want and type(sv) ~= want then
          problem(("settings.%s must be a %s, got %s; using the default"):format(k, want, type(sv)))
          v[k] = nil
        end
      end
      v = vim.tbl_deep_extend("force", vim.deepcopy(entry.default), v)
    end
    cfg[entry.name] = v
  end
  local unknown = {}
  for k in pairs(user) do
    if not M.by_name[k] then
      table.insert(unknown, tostring(k))
    end
  end
  if #unknown > 0 then
    table.sort(unknown)
    problem(("unknown option(s) %s; see :help livecov-options"):format(table.concat(unknown, ", ")))
  end
  if #cfg.cmd == 0 or type(cfg.cmd[1]) ~= "string" then
    problem("option 'cmd' must be a non-empty list of strings; using the default")
    cfg.cmd = vim.deepcopy(M.by_name.cmd.default)
  end
  return cfg, problems
end

--- The live config; `require("livecov").setup()` replaces it.
M.current = M.build(nil)

return M
