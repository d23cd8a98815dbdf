-- livecov test runtime: busted-style describe/it over luassert.
-- Loaded by lc_run.c as the chunk "=livecov.runtime" with one argument, the
-- 'host' table (test_begin, test_end, now, spec, root, helpers, tags, ...).
-- Minimal first version: describe/it/pending/before_each/after_each and plain
-- scripts; see ARCHITECTURE.md for the contract with the host.
local host = ...

local ok_luassert, luassert = pcall(require, "luassert")

local root = { name = nil, children = {}, before_each = {}, after_each = {} }
local current = root
local ntests = 0

local function add_block(kind, name, fn, line)
  local node = { kind = kind, name = name, fn = fn, line = line,
                 parent = current, children = {}, before_each = {}, after_each = {} }
  table.insert(current.children, node)
  return node
end

local function caller_line()
  local info = debug.getinfo(3, "Sl")
  return info and info.currentline or 0
end

local env = {}
function env.describe(name, fn)
  local node = add_block("describe", name, fn, caller_line())
  local saved = current
  current = node
  fn()
  current = saved
end
env.context = env.describe
function env.it(name, fn)
  ntests = ntests + 1
  add_block("it", name, fn, caller_line())
end
env.spec, env.test = env.it, env.it
function env.pending(name)
  ntests = ntests + 1
  add_block("pending", name, nil, caller_line())
end
function env.before_each(fn) table.insert(current.before_each, fn) end
function env.after_each(fn) table.insert(current.after_each, fn) end

local function names(node)
  local path = {}
  while node and node.name do
    table.insert(path, 1, node.name)
    node = node.parent
  end
  return path
end

-- Where an error was raised inside project code: the first frame of the
-- traceback that is not the runtime or luassert.
local function failure_site(msg)
  local file, line = tostring(msg):match("^([^:\n]+):(%d+):")
  return file, tonumber(line)
end

local function run_test(node)
  local path = names(node)
  local r = { name = table.concat(path, " "), path = path, line = node.line }
  host.test_begin(r.name)
  local t0 = host.now()
  if node.kind == "pending" then
    r.status = "pending"
  else
    local chain = {}
    local p = node.parent
    while p do table.insert(chain, 1, p); p = p.parent end
    local ok, err = true, nil
    local function handler(e)
      return { err = e, trace = debug.traceback(tostring(e), 2) }
    end
    for _, b in ipairs(chain) do
      for _, f in ipairs(b.before_each) do
        if ok then ok, err = xpcall(f, handler) end
      end
    end
    if ok then ok, err = xpcall(node.fn, handler) end
    for i = #chain, 1, -1 do
      for _, f in ipairs(chain[i].after_each) do
        local ok2, err2 = xpcall(f, handler)
        if ok and not ok2 then ok, err = ok2, err2 end
      end
    end
    if ok then
      r.status = "success"
    else
      local e = err.err
      if type(e) == "table" and e.message then
        r.status = "failure"
        r.message = tostring(e.message)
      elseif type(e) == "table" then
        r.status = "failure"
        r.message = tostring(e)
      else
        r.status = "error"
        r.message = tostring(e)
      end
      r.trace = err.trace
      r.fail_file, r.fail_line = failure_site(r.message)
    end
  end
  r.ms = host.now() - t0
  host.test_end(r)
end

local function walk(node)
  for _, c in ipairs(node.children) do
    if c.kind == "describe" then walk(c) else run_test(c) end
  end
end

for k, v in pairs(env) do _G[k] = v end
if ok_luassert then _G.assert = luassert end

local chunkname = host.spec
if chunkname:sub(1, #host.root + 1) == host.root .. "/" then
  chunkname = chunkname:sub(#host.root + 2)
end

local function load_error(msg)
  host.test_begin(chunkname)
  local file, line = failure_site(msg)
  host.test_end({ name = chunkname, path = { chunkname }, status = "error",
                  message = tostring(msg), fail_file = file, fail_line = line, ms = 0 })
end

local chunk, lerr = loadfile(chunkname)
if not chunk then return load_error(lerr) end
local t0 = host.now()
host.test_begin(chunkname)
local ok, err = xpcall(chunk, function(e) return debug.traceback(tostring(e), 2) end)
if ntests == 0 then
  -- a plain script: one test, named after the file
  local file, line = failure_site(err)
  host.test_end({ name = chunkname, path = { chunkname }, line = 0,
                  status = ok and "success" or "error",
                  message = not ok and tostring(err):match("^[^\n]*") or nil,
                  trace = not ok and err or nil, fail_file = file, fail_line = line,
                  ms = host.now() - t0 })
  return
end
host.test_discard()
if not ok then return load_error(err) end
walk(root)
