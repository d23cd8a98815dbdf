-- :checkhealth livecov: no ERROR on a good setup, a clear ERROR with advice
-- when the server binary is missing.
local T = require("livecov_test")

local root = T.project("calc")

T.test("good setup: binary and version, Lua 5.4, root, trust, client; no ERROR", function()
  T.setup({ trusted_roots = { root } })
  local buf = T.open(root .. "/src/calc.lua")
  local text = T.checkhealth()
  T.eq(buf, vim.api.nvim_get_current_buf(), "back in the Lua buffer")
  T.no_match("ERROR", text, "no ERROR in:\n" .. text)
  T.match("OK:? " .. vim.pesc(vim.fn.exepath(T.bin())) .. " %(livecov %d+%.%d+", text)
  T.match("OK:? %S*lua5%.4: Lua 5%.4", text)
  T.match("OK:? root " .. vim.pesc(root) .. " %(%.busted, spec/%)", text)
  T.match("OK:? trusted: listed in trusted_roots", text)
  T.match("OK:? client %d+ attached", text)
end)

T.test("untrusted root: a warning that says how to trust it", function()
  T.setup({ trusted_roots = {} })
  local text = T.checkhealth()
  T.match("WARNING:? not trusted", text)
  T.match(":LivecovTrust", text)
end)

T.test("missing binary: ERROR with advice", function()
  T.setup({ cmd = { "/nonexistent/livecov", "lsp" } })
  local text = T.checkhealth()
  T.match("ERROR:? server '/nonexistent/livecov' not found", text)
  T.match("cmake", text)
  T.match("cmd = ", text)
end)
