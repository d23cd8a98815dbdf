-- livecov.coverage: per-buffer coverage marks. Turns `livecov/coverage`
-- notifications into marks, keeps them on their lines while the buffer is
-- edited (marking them stale), and asks livecov.signs to draw them.
--
-- Lines in notifications are 0-based; so are the keys of `marks`.

local project = require("livecov.project")
local signs = require("livecov.signs")

local M = {}

--- Marks are drawn only while enabled (:LivecovToggle).
M.enabled = true

--- Last notification per file (real path), for buffers opened later.
M.by_path = {}

---@class livecov.BufState
---@field path string         real path of the buffer's file
---@field marks table|nil     0-based line -> { kind, hits, message }
---@field stale boolean
---@field version integer|nil LSP version the marks refer to
---@field edit_tick integer|nil changedtick of the last edit (= LSP version)
---@field pending boolean     a redraw is scheduled

---@type table<integer, livecov.BufState>
M.bufs = {}

local function is_nil(v)
  return v == nil or v == vim.NIL
end

function M.path_of_uri(uri)
  local ok, fname = pcall(vim.uri_to_fname, uri)
  if not ok then
    return nil
  end
  return project.normalize(fname)
end

--- The tracked buffer showing `path`, or nil. Only buffers livecov attached
--- to are considered; vim.uri_to_bufnr would create a buffer instead.
function M.buf_for_path(path)
  for bufnr, st in pairs(M.bufs) do
    if st.path == path and vim.api.nvim_buf_is_valid(bufnr) then
      return bufnr
    end
  end
  return nil
end

--- Coverage params -> marks. One mark per line; failed beats uncovered beats
--- partial beats covered, so no line is drawn twice.
function M.marks_from(params)
  local marks = {}
  for _, pair in ipairs(params.covered or {}) do
    marks[pair[1]] = { kind = "covered", hits = pair[2] }
  end
  for _, line in ipairs(params.partial or {}) do
    local m = marks[line] or { hits = 0 }
    m.kind = "partial"
    marks[line] = m
  end
  for _, line in ipairs(params.uncovered or {}) do
    marks[line] = { kind = "uncovered", hits = 0 }
  end
  for _, f in ipairs(params.failed or {}) do
    if type(f) == "table" and type(f.line) == "number" then
      local m = marks[f.line] or { hits = 0 }
      m.kind = "failed"
      m.message = f.message
      marks[f.line] = m
    end
  end
  return marks
end

function M.redraw(bufnr)
  local st = M.bufs[bufnr]
  if not st then
    return
  end
  st.pending = false
  if M.enabled then
    signs.draw(bufnr, st.marks, st.stale)
  else
    signs.clear(bufnr)
  end
end

local function schedule_redraw(bufnr)
  local st = M.bufs[bufnr]
  if st and not st.pending then
    st.pending = true
    vim.schedule(function()
      if M.bufs[bufnr] then
        M.redraw(bufnr)
      end
    end)
  end
end

--- Applies a notification to a tracked buffer. Returns false when it was
--- dropped because it describes an older version than the buffer's.
function M.apply(bufnr, params)
  local st = M.bufs[bufnr]
  if not st then
    return false
  end
  local version = not is_nil(params.version) and params.version or nil
  if version and st.edit_tick and version < st.edit_tick then
    -- Lines of an older text: the marks we have were shifted further.
    return false
  end
  local stale = params.stale == true
  if not version and vim.bo[bufnr].modified then
    -- Computed from the file on disk, which the buffer no longer matches.
    stale = true
  end
  st.marks = M.marks_from(params)
  st.stale = stale
  st.version = version
  M.redraw(bufnr)
  return true
end

--- Handler of `livecov/coverage`.
function M.on_coverage(params)
  if type(params) ~= "table" or type(params.uri) ~= "string" then
    return
  end
  local path = M.path_of_uri(params.uri)
  if not path then
    return
  end
  M.by_path[path] = params
  local bufnr = M.buf_for_path(path)
  if bufnr then
    M.apply(bufnr, params)
  end
end

--- Follows an edit: lines [first, last) became [first, new_last). Marks
--- below move by the difference, marks on deleted lines go, and all marks
--- turn stale until the next run.
function M.on_lines(bufnr, tick, first, last, new_last)
  local st = M.bufs[bufnr]
  if not st then
    return
  end
  st.edit_tick = tick
  if not st.marks then
    return
  end
  local delta = new_last - last
  local moved = {}
  for line, mark in pairs(st.marks) do
    if line < first then
      moved[line] = mark
    elseif line >= last then
      moved[line + delta] = mark
    elseif line < new_last then
      moved[line] = mark
    end
  end
  st.marks = moved
  st.stale = true
  schedule_redraw(bufnr)
end

--- Starts tracking a buffer (idempotent) and draws what is known about it.
function M.track(bufnr)
  if M.bufs[bufnr] then
    return
  end
  local st = {
    path = project.normalize(vim.api.nvim_buf_get_name(bufnr)),
    stale = false,
    pending = false,
  }
  local ok, tick = pcall(function()
    return vim.lsp.util.buf_versions[bufnr]
  end)
  if ok and type(tick) == "number" then
    st.edit_tick = tick
  end
  M.bufs[bufnr] = st
  vim.api.nvim_buf_attach(bufnr, false, {
    -- Each callback checks that `st` is still the buffer's state, so an
    -- attachment left over from an earlier track() detaches itself.
    on_lines = function(_, buf, changedtick, first, last, new_last)
      if M.bufs[buf] ~= st then
        return true
      end
      M.on_lines(buf, changedtick, first, last, new_last)
    end,
    on_reload = function(_, buf)
      if M.bufs[buf] ~= st then
        return true
      end
      if st.marks then
        st.stale = true
        schedule_redraw(buf)
      end
    end,
    on_detach = function(_, buf)
      if M.bufs[buf] == st then
        M.untrack(buf)
      end
    end,
  })
  local cached = M.by_path[st.path]
  if cached then
    M.apply(bufnr, cached)
  end
end

function M.untrack(bufnr)
  if M.bufs[bufnr] then
    M.bufs[bufnr] = nil
    signs.clear(bufnr)
  end
end

--- Forgets every mark of files under `root` (its server went away).
function M.forget_root(root)
  local prefix = root .. "/"
  for path in pairs(M.by_path) do
    if path:sub(1, #prefix) == prefix then
      M.by_path[path] = nil
    end
  end
  for bufnr, st in pairs(M.bufs) do
    if st.path:sub(1, #prefix) == prefix then
      st.marks = nil
      M.redraw(bufnr)
    end
  end
end

function M.redraw_all()
  for bufnr in pairs(M.bufs) do
    M.redraw(bufnr)
  end
end

--- Shows or hides every mark; returns the new state.
function M.toggle(on)
  if on == nil then
    on = not M.enabled
  end
  M.enabled = on
  M.redraw_all()
  return on
end

return M
