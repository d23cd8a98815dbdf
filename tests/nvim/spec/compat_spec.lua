-- The vim.lsp.start branch of livecov.compat (Neovim 0.8+), exercised on
-- 0.7 through a stand-in with vim.lsp.start's documented contract: reuse a
-- client when opts.reuse_client(client, config) says so, else start one;
-- attach opts.bufnr. On a Neovim that has vim.lsp.start, the real one runs.
local T = require("livecov_test")

local real = vim.lsp.start ~= nil
local started = 0
if not real then
  vim.lsp.start = function(config, opts)
    for _, c in ipairs(T.clients()) do
      if opts.reuse_client(c, config) then
        vim.lsp.buf_attach_client(opts.bufnr, c.id)
        return c.id
      end
    end
    started = started + 1
    local id = vim.lsp.start_client(config)
    vim.lsp.buf_attach_client(opts.bufnr, id)
    return id
  end
end

-- Reload livecov so that compat chooses again.
for name in pairs(package.loaded) do
  if name == "livecov" or name:match("^livecov%.") then
    package.loaded[name] = nil
  end
end

local a = T.project("calc")
local b = T.project("calc")
T.setup({ trusted_roots = { a, b } })

T.test("compat picks vim.lsp.start when it exists", function()
  T.eq(true, require("livecov.compat").has_lsp_start)
end)

T.test("one client per root through vim.lsp.start, reused for a second buffer", function()
  local b1 = T.open(a .. "/src/calc.lua")
  local b2 = T.open(a .. "/spec/calc_spec.lua")
  local b3 = T.open(b .. "/src/calc.lua")
  local client = require("livecov.client")
  T.eq(client.by_buf[b1], client.by_buf[b2], "same root, same client")
  T.ok(client.by_buf[b1] ~= client.by_buf[b3], "another root, another client")
  if not real then
    T.eq(2, started, "two clients started")
  end
  vim.cmd("buffer " .. b1)
  vim.cmd("silent write")
  T.sync(b1)
  T.wait(function()
    return #T.lines_with(b1, "LivecovUncovered") > 0
  end, 10000, "coverage through the vim.lsp.start client")
end)
