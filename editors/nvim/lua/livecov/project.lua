-- livecov.project: where a buffer's project root is, and whether that root
-- may run its tests (the trust rule, documented in |livecov-trust|).

local compat = require("livecov.compat")
local uv = compat.uv

local M = {}

--- Absolute, symlink-resolved path without a trailing slash.
function M.normalize(path)
  path = vim.fn.fnamemodify(vim.fn.expand(path), ":p")
  path = uv.fs_realpath(path) or path
  if #path > 1 then
    path = path:gsub("/+$", "")
  end
  return path
end

local function parent(dir)
  local p = vim.fn.fnamemodify(dir, ":h")
  if p == dir then
    return nil
  end
  return p
end

--- The nearest ancestor directory of `file` (a path) that contains one of
--- `markers`, or nil.
function M.find_root(file, markers)
  if not file or file == "" then
    return nil
  end
  local dir = vim.fn.fnamemodify(file, ":p:h")
  dir = uv.fs_realpath(dir) or dir
  while dir do
    for _, marker in ipairs(markers) do
      if uv.fs_stat(dir .. "/" .. marker) then
        return dir
      end
    end
    dir = parent(dir)
  end
  return nil
end

--- Root of buffer `bufnr` if it is a file buffer livecov may attach to.
function M.buf_root(bufnr, cfg)
  if vim.bo[bufnr].buftype ~= "" then
    return nil
  end
  local name = vim.api.nvim_buf_get_name(bufnr)
  if name == "" or name:match("^%a[%w+.-]*://") then
    return nil
  end
  return M.find_root(name, cfg.root_markers)
end

--- Roots trusted with :LivecovTrust during this session.
M.session_trusted = {}

local function is_below(path, dir)
  return path == dir or (dir == "/" and path:sub(1, 1) == "/") or path:sub(1, #dir + 1) == dir .. "/"
end

--- Files in a root whose vim.secure trust also trusts the root (0.9+).
function M.secure_files(root)
  return { root .. "/.busted", root .. "/.nvim.lua", root .. "/.nvimrc", root .. "/.exrc", root }
end

--- The trust rule. Returns trusted, reason (a sentence for messages and
--- :checkhealth).
---@return boolean, string
function M.trust(root, cfg)
  if cfg.trust then
    return true, "option trust = true"
  end
  if M.session_trusted[root] then
    return true, "trusted with :LivecovTrust in this session"
  end
  for _, dir in ipairs(cfg.trusted_roots) do
    if type(dir) == "string" and is_below(root, M.normalize(dir)) then
      return true, ("listed in trusted_roots (%s)"):format(dir)
    end
  end
  local ok, file = compat.secure_trusted(M.secure_files(root))
  if ok then
    return true, ("vim.secure trusts %s"):format(file)
  end
  return false, "not in trusted_roots"
end

--- Files in a root that configure tests, for :checkhealth.
function M.config_files(root)
  local found = {}
  for _, name in ipairs({ ".busted", ".luacov", "spec", ".nvim.lua" }) do
    local st = uv.fs_stat(root .. "/" .. name)
    if st then
      table.insert(found, st.type == "directory" and name .. "/" or name)
    end
  end
  return found
end

return M
