-- livecov: live test coverage for Lua 5.4 (see :help livecov).
if vim.g.loaded_livecov or vim.fn.has("nvim-0.7") == 0 then
  return
end
vim.g.loaded_livecov = 1
require("livecov")._init()
