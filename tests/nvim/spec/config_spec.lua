-- Configuration: defaults without setup(), schema validation, signs and
-- highlight groups.
local T = require("livecov_test")
local config = require("livecov.config")

T.test("works without setup(): defaults, commands and signs exist", function()
  T.eq(1, vim.g.loaded_livecov)
  T.eq({ "livecov", "lsp" }, config.current.cmd)
  T.eq({ "lua" }, config.current.filetypes)
  T.eq({ ".busted", ".luacov", "spec", ".git" }, config.current.root_markers)
  T.eq({}, config.current.trusted_roots)
  T.eq(false, config.current.trust)
  T.eq(5, config.current.sign_priority)
  T.eq(false, config.current.virtual_text_hits)
  T.eq(true, config.current.auto_start)
  T.eq({
    runOnSave = true,
    runOnType = false,
    debounceMs = 150,
    workers = 0,
    timeoutMs = 10000,
    diagnostics = { uncovered = "hint", failures = true, unnecessary = false },
  }, config.current.settings)
  for _, cmd in ipairs({ "LivecovRun", "LivecovRunFile", "LivecovToggle", "LivecovSummary", "LivecovLcov",
    "LivecovStart", "LivecovTrust" }) do
    T.eq(2, vim.fn.exists(":" .. cmd), "command " .. cmd)
  end
  for _, name in ipairs({ "LivecovCovered", "LivecovUncovered", "LivecovPartial", "LivecovFailed", "LivecovStale" }) do
    local def = vim.fn.sign_getdefined(name)[1]
    T.ok(def, "sign " .. name .. " defined")
    T.eq(name, def.texthl, "texthl of " .. name)
  end
end)

T.test("sign texts differ by kind and follow the signs option", function()
  local texts = {}
  for _, name in ipairs({ "LivecovCovered", "LivecovUncovered", "LivecovPartial", "LivecovFailed", "LivecovStale" }) do
    local text = vim.trim(vim.fn.sign_getdefined(name)[1].text)
    T.ok(not texts[text], "sign text " .. text .. " used twice")
    texts[text] = true
  end
  require("livecov").setup({ signs = { covered = "C", uncovered = "U" } })
  T.eq("C", vim.trim(vim.fn.sign_getdefined("LivecovCovered")[1].text))
  T.eq("U", vim.trim(vim.fn.sign_getdefined("LivecovUncovered")[1].text))
  T.eq("!", vim.trim(vim.fn.sign_getdefined("LivecovFailed")[1].text))
  require("livecov").setup({})
end)

T.test("highlight groups are default links a colorscheme can override", function()
  local function link_of(group)
    return vim.fn.synIDattr(vim.fn.synIDtrans(vim.fn.hlID(group)), "name")
  end
  T.eq("DiagnosticWarn", link_of("LivecovUncovered"))
  T.eq("DiagnosticError", link_of("LivecovFailed"))
  vim.api.nvim_set_hl(0, "LivecovUncovered", { fg = "#123456" })
  vim.cmd("doautocmd ColorScheme")
  T.eq("#123456", vim.fn.synIDattr(vim.fn.synIDtrans(vim.fn.hlID("LivecovUncovered")), "fg#", "gui"),
    "user override survives")
  vim.cmd("highlight clear")
  vim.cmd("doautocmd ColorScheme")
  T.eq("DiagnosticInfo", link_of("LivecovCovered"), "links restored after :highlight clear")
end)

T.test("unknown keys warn once; wrong types fall back to defaults", function()
  local log = T.capture_notify()
  local cfg, problems = config.build({ bogus = 1, sign_priority = "high", signs = { covred = "x" } })
  T.eq(5, cfg.sign_priority)
  T.eq(3, #problems)
  T.match("unknown option%(s%) bogus", table.concat(problems, "\n"))
  T.match("sign_priority.*number", table.concat(problems, "\n"))
  T.match("signs%.covred", table.concat(problems, "\n"))
  local n = #log
  config.build({ bogus = 1 })
  T.eq(n, #log, "the same warning is not repeated")
end)

T.test("settings merge into the defaults and pass unknown server keys", function()
  local cfg = config.build({ settings = { workers = 2, diagnostics = { uncovered = "off" }, memoryLimitMb = 64 } })
  T.eq(2, cfg.settings.workers)
  T.eq("off", cfg.settings.diagnostics.uncovered)
  T.eq(true, cfg.settings.diagnostics.failures)
  T.eq(64, cfg.settings.memoryLimitMb)
  T.eq(true, cfg.settings.runOnSave)
  local bad = config.build({ settings = { workers = "two" } })
  T.eq(0, bad.settings.workers)
end)

T.test("settings sent to the server carry runTests from trust", function()
  local client = require("livecov.client")
  T.eq(false, client.settings_for(false).runTests)
  T.eq(true, client.settings_for(true).runTests)
  require("livecov").setup({ settings = { runTests = false } })
  T.eq(false, client.settings_for(true).runTests, "a user's runTests = false wins")
  require("livecov").setup({})
end)
