-- Minimal init for livecov's Neovim tests: the plugin and the test harness
-- on 'runtimepath', nothing of the user's. Used as
--   nvim --headless --noplugin -u tests/nvim/minimal_init.lua
local here = vim.fn.fnamemodify(debug.getinfo(1, "S").source:sub(2), ":p:h")
local plugin = vim.fn.fnamemodify(here .. "/../../editors/nvim", ":p"):gsub("/$", "")

vim.opt.runtimepath = { here, plugin, vim.env.VIMRUNTIME }
vim.opt.packpath = {}
vim.opt.swapfile = false
vim.opt.shadafile = "NONE"
vim.opt.more = false
vim.opt.signcolumn = "yes"
vim.cmd("filetype on")

-- --noplugin skips plugin/; load ours as a plugin manager would.
vim.cmd("runtime plugin/livecov.lua")
