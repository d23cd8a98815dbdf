-- livecov.runtime: the test runtime, busted 2.x semantics over luassert.
-- Loaded by lc_run.c as the chunk "=livecov.runtime" with one argument, the
-- 'host' table; the contract with the host and every rule kept from busted
-- are written down in core/runtime/README.md.
local host = ...

-- {======================================================================
-- Pristine builtins: test code may replace any global; the runtime must not
-- notice.
-- =======================================================================
local _G = _G
local type, pairs, ipairs, next, select = type, pairs, ipairs, next, select
local tostring, tonumber, rawget, rawset, rawequal = tostring, tonumber, rawget, rawset, rawequal
local setmetatable, getmetatable = setmetatable, getmetatable
local pcall, xpcall, error, require, loadfile = pcall, xpcall, error, require, loadfile
local dgetinfo, dtraceback = debug.getinfo, debug.traceback
local dgetupvalue, dsetupvalue, dupvaluejoin = debug.getupvalue, debug.setupvalue, debug.upvaluejoin
local dgetmetatable, dsetmetatable = debug.getmetatable, debug.setmetatable
local tconcat, tinsert, tremove, tsort, tunpack = table.concat, table.insert, table.remove, table.sort, table.unpack
local sfind, smatch, sformat, sgsub, ssub, srep = string.find, string.match, string.format, string.gsub, string.sub, string.rep
local mrandom, mrandomseed, mtype = math.random, math.randomseed, math.type
local package_loaded = package.loaded

local RUNTIME_SRC = "=livecov.runtime"
local root = host.root
local spec_abs = host.spec

local function pack(...) return { n = select("#", ...), ... } end
local function noop() end

-- The name the spec file is loaded under: relative to the root when it is
-- inside (as busted, which loads "spec/x_spec.lua" from the project root).
local chunkname = spec_abs
if ssub(chunkname, 1, #root + 1) == root .. "/" then
  chunkname = ssub(chunkname, #root + 2)
end
local spec_source = "@" .. chunkname

-- }======================================================================

-- {======================================================================
-- Paths: chunk names to absolute paths under the root
-- =======================================================================

local realpath_cache = {}

-- Absolute real path of a chunk source "@name" (or a plain file name), or
-- nil. Relative names are relative to the root (the worker's directory).
local function source_path(src)
  if type(src) ~= "string" then return nil end
  local cached = realpath_cache[src]
  if cached ~= nil then return cached or nil end
  local name = src
  if ssub(name, 1, 1) == "@" then name = ssub(name, 2)
  elseif ssub(name, 1, 1) == "=" then realpath_cache[src] = false return nil end
  if ssub(name, 1, 1) ~= "/" then name = root .. "/" .. name end
  local p = host.realpath(name) or false
  realpath_cache[src] = p
  return p or nil
end

local function under_root(p)
  return p ~= nil and (root == "/" or ssub(p, 1, #root + 1) == root .. "/")
end

-- }======================================================================

-- {======================================================================
-- Stack traces
-- =======================================================================

-- Frames that are not the test's own: C functions, luassert, this runtime.
local function skip_frame(info)
  return info.what == "C" or info.source == RUNTIME_SRC
      or sfind(info.short_src, "luassert[/\\].*%.lua$") ~= nil
end

-- The first frame at or above 'level' (relative to the caller) that is the
-- test's own, with its level; nil when there is none.
local function find_trace(level)
  level = level + 1
  local info = dgetinfo(level, "Sl")
  while info do
    if not skip_frame(info) then return info, level - 1 end
    level = level + 1
    info = dgetinfo(level, "Sl")
  end
  return nil
end

local MAX_FRAMES = 24        -- deep recursion must not make errors slow

-- The name of a function loaded as a module field ("textutil.ratio",
-- "print"), as Lua's own tracebacks name it; nil when it is none.
local function global_name(f)
  for mod, t in next, package_loaded do
    if type(mod) == "string" then
      if rawequal(t, f) then return mod end
      if type(t) == "table" then
        for k, v in next, t do
          if rawequal(v, f) and type(k) == "string" then
            local name = mod .. "." .. k
            if ssub(name, 1, 3) == "_G." then name = ssub(name, 4) end
            return name
          end
        end
      end
    end
  end
end

-- A traceback from 'level' (relative to the caller) up to the first frame of
-- the runtime or a C boundary, like busted's trimmed tracebacks.
local function traceback_from(level)
  level = level + 1
  local out = { "stack traceback:" }
  while #out <= MAX_FRAMES do
    local info = dgetinfo(level, "Slnf")
    if not info or info.source == RUNTIME_SRC or (info.what == "C" and #out > 1) then break end
    if info.what ~= "C" then
      local where
      local gname = global_name(info.func)
      if gname then where = "in function '" .. gname .. "'"
      elseif info.what == "main" then where = "in main chunk"
      elseif info.name then
        where = "in " .. (info.namewhat ~= "" and info.namewhat or "function") .. " '" .. info.name .. "'"
      else
        where = "in function <" .. info.short_src .. ":" .. info.linedefined .. ">"
      end
      out[#out + 1] = "\t" .. info.short_src .. ":" .. info.currentline .. ": " .. where
    end
    level = level + 1
  end
  return tconcat(out, "\n")
end

-- Project frames from 'level' (relative to the caller) outwards.
local function project_frames(level)
  level = level + 1
  local frames = {}
  while #frames < MAX_FRAMES do
    local info = dgetinfo(level, "Sl")
    if not info then break end
    if info.what ~= "C" and info.source ~= RUNTIME_SRC and info.currentline > 0 then
      frames[#frames + 1] = { short_src = info.short_src, source = info.source,
                              currentline = info.currentline }
    end
    level = level + 1
  end
  return frames
end

-- }======================================================================

-- {======================================================================
-- Failures, pending, error classification
-- =======================================================================

-- A failed assertion is thrown as one of these; any other error object is
-- an error. The message keeps luassert's text (expected/actual values).
local failure_mt = { __tostring = function(e) return tostring(e.message) end }
local failure_raw_mt = {}
local pending_mt = { __tostring = function(p) return tostring(p.message) end }

local function has_tostring(v)
  if type(v) == "string" then return true end
  local mt = dgetmetatable(v)
  return type(mt) == "table" and rawget(mt, "__tostring") ~= nil
end

local function errortype(e)
  local mt = dgetmetatable(e)
  if mt == failure_mt or mt == failure_raw_mt then return "failure" end
  if mt == pending_mt then return "pending" end
  return "error"
end

-- Raises a failure. 'level' has error()'s meaning, relative to the caller;
-- a string message gets that frame's "file:line: " prefix.
local function fail(msg, level)
  local keep = (type(level) ~= "number" or level <= 0) and level
  level = level or 1
  if type(msg) == "string" and not keep then
    local info = dgetinfo(level + 1, "Sl")
    if info and info.currentline > 0 then
      msg = info.short_src .. ":" .. info.currentline .. ": " .. msg
    end
  end
  local e = setmetatable({ message = msg }, has_tostring(msg) and failure_mt or failure_raw_mt)
  error(e, keep or level + 1)
end

-- Raises a failure located at the first frame of the test's own code.
local function fail_here(msg)
  local info = find_trace(2)
  if info then msg = info.short_src .. ":" .. info.currentline .. ": " .. msg end
  error(setmetatable({ message = msg }, failure_mt), 0)
end

local function pending_throw(msg)
  error(setmetatable({ message = msg }, pending_mt))
end

-- A readable form of any value (error objects that are not strings).
local function pretty(v, indent, seen)
  indent = indent or ""
  if type(v) == "string" then return sformat("%q", v) end
  if type(v) ~= "table" then return tostring(v) end
  seen = seen or {}
  if seen[v] then return "<cycle>" end
  seen[v] = true
  local keys = {}
  for k in next, v do keys[#keys + 1] = k end
  tsort(keys, function(a, b)
    local ta, tb = type(a), type(b)
    if ta ~= tb then return ta < tb end
    if ta == "number" or ta == "string" then return a < b end
    return tostring(a) < tostring(b)
  end)
  local inner = indent .. "  "
  local parts = {}
  for _, k in ipairs(keys) do
    local key = (type(k) == "string" and smatch(k, "^[%a_][%w_]*$")) and k
                or ("[" .. pretty(k, inner, seen) .. "]")
    parts[#parts + 1] = inner .. key .. " = " .. pretty(v[k], inner, seen)
  end
  seen[v] = nil
  if #parts == 0 then return "{}" end
  return "{\n" .. tconcat(parts, ",\n") .. "\n" .. indent .. "}"
end

-- Where a failure happened, as an absolute path under the root: the place
-- named by the message ("file:line: ..."), else the innermost project frame.
local function fail_site(msg, frames)
  local src, line = smatch(msg, "^([^\n]-):(%d+): ")
  if src then
    local p
    if ssub(src, 1, 3) == "..." then
      for _, f in ipairs(frames) do
        if f.short_src == src then p = source_path(f.source) break end
      end
    else
      p = source_path("@" .. src)
    end
    if under_root(p) then return p, tonumber(line) end
  end
  for _, f in ipairs(frames) do
    local p = source_path(f.source)
    if under_root(p) and not sfind(f.short_src, "luassert[/\\].*%.lua$") then
      return p, f.currentline
    end
  end
  return nil, 0
end

local function memory_note(msg)
  if msg == "not enough memory" and host.oom() then
    return msg .. " (memory limit of " .. host.mem_limit_text .. " exceeded)"
  end
  return msg
end

-- Everything known about an error; 'level' (relative to the caller) is the
-- frame that raised it when called from a message handler, nil otherwise.
local function describe_error(e, level)
  local trace, tlevel, frames
  if level then
    trace, tlevel = find_trace(level + 1)
    frames = project_frames(level + 1)
  else
    frames = {}
  end
  local msg
  if errortype(e) == "pending" and rawget(e, "message") == nil then
    return { frames = frames }            -- pending() without a message
  end
  if has_tostring(e) then
    local ok, s = pcall(tostring, e)
    msg = ok and s or "error object with a failing __tostring"
  elseif e ~= nil then msg = pretty(e)
  else msg = "Nil error" end
  msg = memory_note(msg)
  -- an error the runtime raised for the test (a stack overflow met while
  -- handling one, say) is located in the test, never in the runtime
  msg = sgsub(msg, "^livecov%.runtime:%d+: ", "")
  if trace and not smatch(msg, "^[^\n]-:%d+: ") then
    msg = trace.short_src .. ":" .. trace.currentline .. ": " .. msg
  end
  local info = { message = msg, frames = frames }
  if tlevel then info.traceback = traceback_from(tlevel) end
  info.fail_file, info.fail_line = fail_site(msg, frames)
  return info
end

-- }======================================================================

-- {======================================================================
-- Environments of functions (Lua 5.1's setfenv over _ENV upvalues)
-- =======================================================================

local function env_index(f)
  local i = 1
  while true do
    local name = dgetupvalue(f, i)
    if name == nil then return nil end
    if name == "_ENV" then return i end
    i = i + 1
  end
end

local function getfenv_(f)
  local i = env_index(f)
  if not i then return _G end
  local _, v = dgetupvalue(f, i)
  return v
end

-- Gives 'f' an _ENV of its own (not shared with the other closures of its
-- chunk) set to 't'.
local function setfenv_(f, t)
  local i = env_index(f)
  if i then
    local own = t
    dupvaluejoin(f, i, function() return own end, 1)
    dsetupvalue(f, i, t)
  end
  return f
end

-- busted's bindfenv: 'callable' (or its __call) sees 'var' as 'value'.
local function bindfenv(callable, var, value)
  local mt = dgetmetatable(callable)
  local f = (type(mt) == "table" and mt.__call) or callable
  local env = setmetatable({}, { __index = getfenv_(f) })
  env[var] = value
  setfenv_(f, env)
end

-- }======================================================================

-- {======================================================================
-- Events: busted's subscribe/publish (a mediator with channel bubbling)
-- =======================================================================

local channels = {}      -- key "a\0b" -> { subscribers... }
local nsubscribers = 0
local next_sub_id = 0

local function channel_key(ns, n)
  local parts = {}
  for i = 1, n do parts[i] = tostring(ns[i]) end
  return tconcat(parts, "\0")
end

local function subscribe(ns, fn, options)
  options = options or {}
  local key = channel_key(ns, #ns)
  local list = channels[key]
  if not list then list = {} channels[key] = list end
  next_sub_id = next_sub_id + 1
  local sub = { id = next_sub_id, fn = fn, options = options, channel = ns }
  function sub.update(self, o)
    if o then self.fn = o.fn or self.fn self.options = o.options or self.options end
  end
  local pos = #list + 1
  if options.priority and options.priority >= 0 and options.priority < pos then pos = options.priority end
  tinsert(list, pos, sub)
  nsubscribers = nsubscribers + 1
  return sub
end

local function unsubscribe(id, ns)
  if type(id) == "table" then id = id.id end
  for key, list in pairs(channels) do
    if not ns or ssub(key, 1, #channel_key(ns, #ns)) == channel_key(ns, #ns) then
      for i = #list, 1, -1 do
        if list[i].id == id or list[i].fn == id then
          nsubscribers = nsubscribers - 1
          return tremove(list, i)
        end
      end
    end
  end
end

-- Calls the subscribers of the channel, then of its parents; a subscriber
-- that does not return a true second value stops the bubbling.
local function publish(ns, ...)
  local results = {}
  for n = #ns, 0, -1 do
    local list = channels[channel_key(ns, n)]
    if list then
      for i = 1, #list do
        local sub = list[i]
        if not sub.options.predicate or sub.options.predicate(...) then
          local value, continue = sub.fn(...)
          if value then results[#results + 1] = value end
          if not continue then return results end
        end
      end
    end
  end
  return results
end

-- }======================================================================

-- {======================================================================
-- Contexts: the block tree, busted's environments and insulation
-- =======================================================================

local suite = { descriptor = "suite", attributes = {}, env = {}, children = {}, lists = {} }
local current = suite
local ctx_stack, ctx_states = {}, {}

-- A global read from spec code walks the running block's environment, its
-- ancestors' and then _G (busted's getEnv). Each block's env table chains to
-- its parent's by a metatable __index *table*, ending at _G, so the walk is
-- done by Lua's VM itself: no function call per global read, which matters
-- because spec files run their code (and benchmarks) through this lookup.
local function env_of(el)
  local env = el.env
  if not env then env = {} el.env = env end
  local mt = dgetmetatable(env)
  if not mt then mt = {} dsetmetatable(env, mt) end
  if rawget(mt, "__index") == nil then
    mt.__index = el.parent and env_of(el.parent) or _G
  end
  return env
end

-- busted reads a block's env as 'env[key] or <parents> or _G[key]', so a
-- global set to false in a block reads as its parents' value; storing nil
-- for false keeps that rule with a plain table walk.
local function env_set(env, k, v)
  if v == false then v = nil end
  env[k] = v
end

local function save_globals()
  local g = {}
  for k in next, _G do g[k] = rawget(_G, k) end
  local loaded = {}
  for k, v in pairs(package_loaded) do loaded[k] = v end
  return { gmt = dgetmetatable(_G), g = g, loaded = loaded }
end

local function restore_globals(s)
  dsetmetatable(_G, s.gmt)
  for k in next, _G do rawset(_G, k, s.g[k]) end
  for k, v in next, s.g do
    if rawget(_G, k) == nil then rawset(_G, k, v) end
  end
  for k in pairs(package_loaded) do package_loaded[k] = s.loaded[k] end
end

-- Writes to globals inside 'el' go 'levels' blocks up (hooks write into
-- their block; expose writes above its parent).
local function unwrap(el, levels)
  local target = el
  for _ = 1, levels do
    target = target.parent
    if not target then break end
  end
  dgetmetatable(env_of(el)).__newindex = function(_, k, v)
    if not target then
      _G[k] = v
    else
      env_set(env_of(target), k, v)
    end
  end
end

local function push_state(el)
  local state = false
  local mode = el.attributes.envmode
  if mode == "insulate" then state = save_globals()
  elseif mode == "unwrap" then unwrap(el, 1)
  elseif mode == "expose" then unwrap(el, 2) end
  ctx_states[#ctx_states + 1] = state
end

local function pop_state(el)
  local state = tremove(ctx_states)
  if el.attributes.envmode == "expose" then
    -- what the block exposed survives the enclosing insulation
    ctx_states[#ctx_states] = ctx_states[#ctx_states] and save_globals()
  end
  if state then restore_globals(state) end
end

-- The environment of every spec-file function: always empty itself, its
-- __index follows the running block (set on each push and pop).
local extras = {}
local spec_mt = {
  __newindex = function(_, k, v) env_set(env_of(current), k, v) end,
}
local spec_env = setmetatable({}, spec_mt)

local function ctx_enter(el)
  current = el
  spec_mt.__index = env_of(el)
  -- livecov's own extras (expect) sit at the chain's root, below the
  -- blocks' envs, and step aside for a project's global of the same name
  -- (checked again on each block, so a helper or module defining one wins)
  for k, v in next, extras do
    if rawget(_G, k) == nil then rawset(suite.env, k, v) else rawset(suite.env, k, nil) end
  end
end

local function ctx_push(el)
  if el ~= current then push_state(el) end
  ctx_stack[#ctx_stack + 1] = current
  ctx_enter(el)
end

local function ctx_pop()
  local el = current
  local outer = tremove(ctx_stack)
  if outer ~= el then pop_state(el) end
  ctx_enter(outer)
end

-- }======================================================================

-- {======================================================================
-- Results: records to the host, grouped in per-test windows
-- =======================================================================

local opts = {
  sort = host.sort, shuffle = host.shuffle, lazy = host.lazy,
  auto_insulate = not host.no_auto_insulate, keep_going = not host.no_keep_going,
  list = host.list,
  tags = host.tags, exclude_tags = host.exclude_tags,
  filter = host.filter, filter_out = host.filter_out,
}
local seed = host.seed
if not seed or seed == 0 then seed = host.random_seed() end

local skip_all = false
local window               -- records of the test being run, or nil

local function names_of(el)
  if el.descriptor == "file" then return { chunkname } end
  local names = {}
  local e = el
  while e and e.descriptor ~= "file" and e.descriptor ~= "suite" do
    local n = e.name
    if n == nil then n = e.descriptor end
    tinsert(names, 1, tostring(n))
    e = e.parent
  end
  return names
end

local function record_of(el, status, info)
  local path = names_of(el)
  local kind = el.descriptor
  if kind == "pending" then kind = "it" end
  local r = { name = tconcat(path, " "), path = path, status = status,
              line = el.spec_line or (el.trace and el.trace.currentline) or 0,
              kind = kind }
  if info then
    r.message = info.message
    r.trace = info.traceback
    r.fail_file, r.fail_line = info.fail_file, info.fail_line
  end
  return r
end

local function emit(r)
  if window then
    window[#window + 1] = r
    return
  end
  r.ms = r.ms or 0
  host.test_begin(r.name)
  host.test_end(r)
end

-- 'el' gives the host the record to report should the test never end
-- (os.exit, the time limit).
local function window_open(name, el)
  window = { t0 = host.now() }
  host.test_begin(name, record_of(el, "error"))
end

-- The test's own record takes the window's coverage, output and time; any
-- other record of the window (extra errors) is reported after it.
local function window_close()
  local w = window
  window = nil
  if #w == 0 then host.test_discard() return end
  local first = 1
  for i = #w, 1, -1 do        -- the test's end, else its first error
    if w[i].test or (w[i].it_error and not w[first].test) then first = i end
  end
  local main = tremove(w, first)
  main.ms = host.now() - w.t0
  host.test_end(main)
  for _, r in ipairs(w) do
    r.ms = 0
    host.test_begin(r.name)
    host.test_end(r)
  end
end

-- What busted's output handlers count: a problem of a test is counted when
-- the test ends (failure) or at once (error); a problem anywhere else
-- (hooks, describe and file bodies) is one error.
local function report_problem(status, el, info)
  if status == "pending" then
    el.pending_info = info
    return
  end
  if el.descriptor == "it" then
    if status == "failure" then
      el.failure_info = el.failure_info or info
    else
      local r = record_of(el, "error", info)
      r.it_error = true
      emit(r)
    end
  else
    emit(record_of(el, "error", info))
  end
  if not opts.keep_going then skip_all = true end
end

local function report_test_end(el, status)
  local r
  if status == "success" then r = record_of(el, "success")
  elseif status == "pending" then
    r = record_of(el, "pending", el.pending_info)
    r.fail_file, r.fail_line, r.trace = nil, nil, nil
  elseif status == "failure" then r = record_of(el, "failure", el.failure_info)
  else return end              -- errors were counted when they happened
  r.test = true
  emit(r)
end

-- busted's status objects: the first failure or error sticks.
local function status_update(cur, new)
  if cur == "success" or (cur == "pending" and new ~= "success") then return new end
  return cur
end

-- }======================================================================

-- {======================================================================
-- Running blocks
-- =======================================================================

-- Runs fn(...) as 'el' (its environment and insulation), catching errors.
-- Returns the status; any problem is reported and published.
local function safe(descriptor, fn, el, ...)
  ctx_push(el)
  local status, info, handled = "success", nil, false
  local ok, err = xpcall(fn, function(e)
    handled = true
    status = errortype(e)
    info = describe_error(e, 2)
    info.status0 = status
    return e
  end, ...)
  if not ok then
    if not handled or not info then   -- memory errors skip the message handler
      status = "error"
      info = describe_error(err, nil)
    elseif status == "failure" and descriptor ~= "it" then
      status = "error"        -- only a test body can fail; elsewhere it errs
    end
    report_problem(status, el, info)
    if nsubscribers > 0 and info then
      pcall(publish, { status, el.descriptor }, el, el.parent, info.message, info)
    end
  end
  ctx_pop()
  return status, info
end

local function publish_safe(descriptor, ns, el, ...)
  if ns[2] == "start" then
    el.starttick = host.now() / 1000
  elseif ns[2] == "end" then
    el.endtick = host.now() / 1000
    el.duration = el.starttick and (el.endtick - el.starttick)
  end
  if nsubscribers == 0 then return true end
  local args = pack(...)
  return safe(descriptor, function() publish(ns, el, tunpack(args, 1, args.n)) end, el) == "success"
end

local REJECTED = { "describe", "context", "insulate", "expose", "it", "spec", "test",
                   "pending", "before_each", "after_each", "lazy_setup", "lazy_teardown",
                   "strict_setup", "strict_teardown", "setup", "teardown", "randomize" }

local function reject(el, name)
  rawset(el.env, name, function()
    error("'" .. name .. "' not supported inside current context block", 2)
  end)
end

local function reject_all(el)
  el.env = el.env or {}
  for _, name in ipairs(REJECTED) do reject(el, name) end
end

local function exec_hook(descriptor, hook)
  if opts.list then return true end    -- --list runs no hook, as busted
  reject_all(hook)
  return safe(descriptor, hook.run, hook) == "success"
end

-- Runs the 'descriptor' hooks of 'el', its ancestors' first when
-- 'propagate'; returns success and the deepest block that ran.
local function exec_all(descriptor, el, propagate)
  if propagate and el.parent then
    local ok, ancestor = exec_all(descriptor, el.parent, true)
    if not ok then return ok, ancestor end
  end
  local ok = true
  for _, h in ipairs(el.lists[descriptor] or {}) do
    if not exec_hook(descriptor, h) then ok = nil end
  end
  return ok, el
end

-- The same from 'el' outwards (after_each, teardown).
local function dexec_all(descriptor, el, propagate)
  local ok = true
  for _, h in ipairs(el.lists[descriptor] or {}) do
    if not exec_hook(descriptor, h) then ok = nil end
  end
  if propagate and el.parent then
    if not dexec_all(descriptor, el.parent, true) then ok = nil end
  end
  return ok
end

-- lazy_setup: once per block, when its first test runs.
local function exec_all_once(descriptor, el)
  if el.parent and not exec_all_once(descriptor, el.parent) then return false end
  local list = el.lists[descriptor]
  if not list then list = {} el.lists[descriptor] = list end
  if list.success ~= nil then return list.success end
  local ok = true
  for _, h in ipairs(list) do
    if not exec_hook(descriptor, h) then ok = false end
  end
  list.success = ok
  return ok
end

local function lazy_teardown(el)
  local list = el.lists.lazy_setup
  if list and list.success ~= nil then
    dexec_all("lazy_teardown", el, false)
    list.success = nil
  end
end

local function shuffle(t, s)
  if s then mrandomseed(s) end
  for n = #t, 2, -1 do
    local k = mrandom(n)
    t[n], t[k] = t[k], t[n]
  end
end

local function sort_by_name(t)
  tsort(t, function(a, b)
    if a.name and b.name then return a.name < b.name end
    return b.name ~= nil
  end)
end

local executors = {}

local function execute_children(el)
  for _, child in ipairs(el.children) do
    local ex = executors[child.descriptor]
    if ex and not skip_all then
      safe(child.descriptor, function() ex(child) end, child)
    end
  end
end

local nregistered = 0          -- describe/it/... calls, filtered or not

-- file and describe: run the body (which registers children), order the
-- children, strict setup, children, lazy and strict teardown.
local function block_execute(descriptor, el)
  el.env = el.env or {}
  local rnd, rseed = opts.shuffle, seed
  rawset(el.env, "randomize", function(...)
    rnd = select("#", ...) == 0 or (...)
    if rnd then rseed = tonumber((select(1, ...))) or tonumber((select(2, ...))) or rseed end
  end)
  local status, info
  if descriptor == "file" then
    window_open(chunkname, el)
    status, info = safe(descriptor, el.run, el)
    if nregistered == 0 then
      -- a plain script: one test, named after the file
      if status == "success" then
        local r = record_of(el, "success")
        r.test = true
        emit(r)
      elseif info and info.status0 == "failure" and window[1] then
        window[1].status = "failure"
      end
      if window[1] then window[1].kind = "it" end
      window_close()
      return
    end
    window_close()
  else
    status = safe(descriptor, el.run, el)
  end
  if status ~= "success" then return end
  if opts.sort then sort_by_name(el.children)
  elseif rnd then
    el.randomseed = rseed
    shuffle(el.children, rseed)
  end
  if exec_all("strict_setup", el, false) then execute_children(el) end
  lazy_teardown(el)
  dexec_all("strict_teardown", el, false)
end

executors.file = function(el)
  if publish_safe("file", { "file", "start" }, el) then block_execute("file", el) end
  publish_safe("file", { "file", "end" }, el)
end

executors.describe = function(el)
  local parent = el.parent
  if publish_safe("describe", { "describe", "start" }, el, parent) then
    block_execute("describe", el)
  end
  publish_safe("describe", { "describe", "end" }, el, parent)
end

executors.it = function(el)
  local parent = el.parent
  window_open(tconcat(names_of(el), " "), el)
  if opts.list then
    report_test_end(el, "success")
    window_close()
    return
  end
  if not exec_all_once("lazy_setup", parent) then
    window_close()             -- a failed lazy_setup skips its tests
    return
  end
  reject_all(el)
  local finally_fn
  rawset(el.env, "finally", function(fn) finally_fn = fn end)
  rawset(el.env, "pending", pending_throw)
  local pass, ancestor = exec_all("before_each", parent, true)
  if pass then
    local status = "success"
    if publish_safe("test", { "test", "start" }, el, parent) then
      status = status_update(status, (safe("it", el.run, el)))
      if finally_fn then
        reject(el, "pending")
        status = status_update(status, (safe("finally", finally_fn, el)))
      end
    else
      status = "error"
    end
    report_test_end(el, status)
    publish_safe("test", { "test", "end" }, el, parent, status)
  end
  dexec_all("after_each", ancestor, true)
  window_close()
end

executors.pending = function(el)
  local parent = el.parent
  local status = "pending"
  if not publish_safe("it", { "test", "start" }, el, parent) then status = "error" end
  report_test_end(el, status)
  publish_safe("it", { "test", "end" }, el, parent, status)
end

-- }======================================================================

-- {======================================================================
-- Registration: describe/it/... and busted's filters
-- =======================================================================

local function full_name(name)
  local names = {}
  if name ~= nil then names[1] = tostring(name) end
  local e = current
  while e and (e.name or e.descriptor) and e.descriptor ~= "file" do
    tinsert(names, 1, tostring(e.name or e.descriptor))
    e = e.parent
  end
  return tconcat(names, " ")
end

local function has_tag(name, tag)
  return sfind(name, "#" .. tag) ~= nil
end

-- busted's --filter, --filter-out, --tags, --exclude-tags (and
-- --no-keep-going) decide at registration whether a block exists at all.
local function admitted(descriptor, name)
  if skip_all then return false end
  local is_test = descriptor == "it" or descriptor == "pending"
  if not is_test and descriptor ~= "describe" then return true end
  if is_test and #opts.filter > 0 then
    local full, any = full_name(name), false
    for _, p in ipairs(opts.filter) do
      if sfind(full, p) then any = true break end
    end
    if not any then return false end
  end
  for _, p in ipairs(opts.filter_out) do
    if sfind(full_name(name), p) then return false end
  end
  if is_test and #opts.tags > 0 then
    local full, any = full_name(name), false
    for _, t in ipairs(opts.tags) do
      if has_tag(full, t) then any = true break end
    end
    if not any then return false end
  end
  for _, t in ipairs(opts.exclude_tags) do
    if has_tag(tostring(name or ""), t) then return false end
  end
  return true
end

-- The first line of the spec file among the frames that registered a block.
local function spec_line_of(level)
  level = level + 1
  while true do
    local info = dgetinfo(level, "Sl")
    if not info then return nil end
    if info.source == spec_source then return info.currentline end
    level = level + 1
  end
end

local function register(descriptor, name, fn, trace, spec_line, attributes)
  if not admitted(descriptor, name) then return end
  local el = { descriptor = descriptor, attributes = attributes, name = name, run = fn,
               trace = trace, spec_line = spec_line, parent = current,
               children = {}, lists = {} }
  local ctx = current
  ctx.children[#ctx.children + 1] = el
  local list = ctx.lists[descriptor]
  if not list then list = {} ctx.lists[descriptor] = list end
  list[#list + 1] = el
end

-- The function exported as 'exported' registering a 'descriptor' block.
local function publisher(exported, descriptor, attributes)
  local alias = exported ~= descriptor and exported or nil
  return function(name, fn)
    if not fn and type(name) == "function" then
      fn, name = name, alias
    elseif not fn then
      fn = attributes.default_fn
    end
    nregistered = nregistered + 1
    local trace, line
    if current.parent then
      local info = find_trace(2)
      if info then trace = { short_src = info.short_src, currentline = info.currentline,
                             source = info.source, what = info.what } end
      line = spec_line_of(2)
    end
    local function publish_block(f)
      register(descriptor, name, f, trace, line, attributes)
    end
    if fn then publish_block(fn) else return publish_block end
  end
end

local UNWRAP = { envmode = "unwrap" }
local DESCRIBE, IT = {}, {}
local exported_blocks = {
  { "describe", "describe", DESCRIBE },
  { "context", "describe", DESCRIBE },
  { "insulate", "describe", { envmode = "insulate" } },
  { "expose", "describe", { envmode = "expose" } },
  { "it", "it", IT }, { "spec", "it", IT }, { "test", "it", IT },
  { "pending", "pending", { default_fn = noop } },
  { "before_each", "before_each", UNWRAP }, { "after_each", "after_each", UNWRAP },
  { "lazy_setup", "lazy_setup", UNWRAP }, { "lazy_teardown", "lazy_teardown", UNWRAP },
  { "strict_setup", "strict_setup", UNWRAP }, { "strict_teardown", "strict_teardown", UNWRAP },
  { "setup", opts.lazy and "lazy_setup" or "strict_setup", UNWRAP },
  { "teardown", opts.lazy and "lazy_teardown" or "strict_teardown", UNWRAP },
}

-- }======================================================================

-- {======================================================================
-- expect(x).to.equal(y): assertion chains (livecov bonus)
-- =======================================================================

local deepcompare
local function expect_equal(a, b, eps)
  if type(a) == "number" and type(b) == "number" and eps then
    return math.abs(a - b) <= eps
  end
  return deepcompare(a, b)
end

local function show(v)
  if type(v) == "string" then return sformat("%q", v) end
  return type(v) == "table" and pretty(v) or tostring(v)
end

local function contains(t, v)
  if type(t) ~= "table" then return false end
  for _, x in pairs(t) do
    if expect_equal(x, v) then return true end
  end
  return false
end

local function is_a(v, kind)
  if type(kind) == "string" then return type(v) == kind end
  if type(kind) == "table" then
    local mt = getmetatable(v)
    while mt do
      if mt == kind or rawget(mt, "__index") == kind then return true end
      local idx = rawget(mt, "__index")
      mt = type(idx) == "table" and getmetatable(idx) or nil
    end
  end
  return false
end

-- Each check returns ok, message (positive form), message (negated form).
local checks = {}
checks.equal = function(v, x, eps)
  return expect_equal(v, x, eps), "expected " .. show(v) .. " to equal " .. show(x),
         "expected " .. show(v) .. " to not equal " .. show(x)
end
checks.equals, checks.same, checks.eql = checks.equal, checks.equal, checks.equal
checks.be = function(v, x)
  return v == x, "expected " .. show(v) .. " to be " .. show(x),
         "expected " .. show(v) .. " to not be " .. show(x)
end
checks.truthy = function(v)
  return not not v, "expected " .. show(v) .. " to be truthy",
         "expected " .. show(v) .. " to not be truthy"
end
checks.falsy = function(v)
  return not v, "expected " .. show(v) .. " to be falsy",
         "expected " .. show(v) .. " to not be falsy"
end
checks.exist = function(v)
  return v ~= nil, "expected value to exist", "expected " .. show(v) .. " to not exist"
end
checks.a = function(v, kind)
  local k = type(kind) == "string" and kind or "the given class"
  return is_a(v, kind), "expected " .. show(v) .. " to be a " .. k,
         "expected " .. show(v) .. " to not be a " .. k
end
checks.an = checks.a
checks.have = function(v, x)
  return contains(v, x), "expected " .. show(v) .. " to contain " .. show(x),
         "expected " .. show(v) .. " to not contain " .. show(x)
end
checks.contain, checks.include = checks.have, checks.have
checks.match = function(v, p)
  local ok = type(v) == "string" and sfind(v, p) ~= nil
  return ok, "expected " .. show(v) .. " to match " .. show(p),
         "expected " .. show(v) .. " to not match " .. show(p)
end
checks.near = function(v, x, eps)
  local ok = type(v) == "number" and type(x) == "number" and math.abs(v - x) <= (eps or 1e-9)
  return ok, "expected " .. show(v) .. " to be near " .. show(x),
         "expected " .. show(v) .. " to not be near " .. show(x)
end
checks.fail = function(v, pattern)
  local ok, err = pcall(v)
  if ok then return false, "expected function to fail", "expected function to not fail" end
  if pattern ~= nil then
    local text = tostring(err)
    local found = sfind(text, pattern, 1, true) or sfind(text, pattern)
    return found ~= nil, "expected error " .. show(text) .. " to match " .. show(pattern),
           "expected error " .. show(text) .. " to not match " .. show(pattern)
  end
  return true, "expected function to fail", "expected function to not fail: " .. tostring(err)
end
checks.error = checks.fail
checks.called = function(v, n)
  local calls = type(v) == "table" and v.calls
  if type(calls) ~= "table" then return false, "expected a spy", "expected a spy" end
  local ok = (n == nil and #calls > 0) or #calls == n
  local want = n and (tostring(n) .. " time(s)") or "at least once"
  return ok, "expected spy to be called " .. want .. ", was called " .. #calls .. " time(s)",
         "expected spy to not be called " .. want
end

-- Words that only read well: expect(x).to.be.a.number() etc.
local FILLER = { to = true, be = true, been = true, is = true, that = true, which = true,
                 has = true, does = true, ["and"] = true, with = true, at = true, of = true }
local NEGATE = { to_not = true, not_to = true, never = true, ["not"] = true, no = true }
local TYPES = { number = true, string = true, table = true, ["function"] = true,
                boolean = true, userdata = true, thread = true, ["nil"] = true }

-- A chain keeps its state out of reach of __index (the value may be nil).
local chain_mt = {}
local chain_state = setmetatable({}, { __mode = "k" })
local function chain(value, negated)
  local c = setmetatable({}, chain_mt)
  chain_state[c] = { value = value, negated = negated }
  return c
end

local function run_check(c, name, ...)
  local st = chain_state[c]
  local ok, pos, neg = checks[name](st.value, ...)
  if st.negated then ok = not ok end
  if not ok then fail_here(st.negated and neg or pos) end
  return chain(st.value, false)
end

chain_mt.__index = function(c, key)
  local st = chain_state[c]
  if NEGATE[key] then return chain(st.value, not st.negated) end
  if key == "fail" or key == "error" then
    -- expect(f).to.fail() and expect(f).to.fail.with(pattern)
    return setmetatable({}, {
      __call = function(_, ...) return run_check(c, "fail", ...) end,
      __index = function(_, k)
        if k == "with" then return function(p) return run_check(c, "fail", p) end end
      end })
  end
  if key == "a" or key == "an" then
    -- callable (to.be.a("string")) and a chain (to.be.a.number())
    return setmetatable({}, {
      __call = function(_, kind) return run_check(c, "a", kind) end,
      __index = function(_, k)
        if TYPES[k] then return function() return run_check(c, "a", k) end end
      end })
  end
  if key == "be" or key == "have" then
    -- callable (to.be(x), to.have(x)) and a chain (to.be.truthy())
    return setmetatable({}, {
      __call = function(_, ...) return run_check(c, key, ...) end,
      __index = function(_, k) return chain_mt.__index(chain(st.value, st.negated), k) end })
  end
  if FILLER[key] then return chain(st.value, st.negated) end
  if checks[key] then
    return function(...) return run_check(c, key, ...) end
  end
  error("expect: unknown word '" .. tostring(key) .. "'", 2)
end

local function expect(v)
  return chain(v, false)
end

-- }======================================================================

-- {======================================================================
-- Start: luassert, the busted module, helpers, the spec file
-- =======================================================================

local function fatal(name, msg)
  local r = { name = name, path = { name }, status = "error", message = msg, line = 0, ms = 0 }
  host.test_begin(name)
  host.test_end(r)
end

local ok_assert, luassert = pcall(require, "luassert")
if not ok_assert then
  return fatal(chunkname, "livecov: cannot load luassert (install lua-luassert): " .. tostring(luassert))
end
local spy = require "luassert.spy"
local mock = require "luassert.mock"
local stub = require "luassert.stub"
local match = require "luassert.match"
deepcompare = require("luassert.util").deepcompare

-- Assertions raise failures, not errors, as under busted.
bindfenv(luassert, "error", fail)
bindfenv(luassert.is_true, "error", fail)

local api = {}
local function export(name, value)
  api[name] = value
  suite.env[name] = value
end
for _, b in ipairs(exported_blocks) do
  export(b[1], publisher(b[1], b[2], b[3]))
end
export("assert", luassert)
export("spy", spy)
export("mock", mock)
export("stub", stub)
export("match", match)
extras.expect = expect

api.publish = publish
api.subscribe = subscribe
api.unsubscribe = unsubscribe
api.bindfenv = bindfenv
api.fail = fail
api.gettime = function() return host.gettime() end
api.monotime = function() return host.now() / 1000 end
api.sleep = function(s) host.sleep(s) end
api.parent = function(el) return el and el.parent end
api.children = function(el) return el and el.children or {} end
api.version = "2.1.1"
api.expect = expect

local busted_module = setmetatable({}, {
  __index = function(_, k) return api[k] end,
  __newindex = function() error("Attempt to modify busted", 2) end,
})
package_loaded["busted"] = busted_module
package.preload["busted.runner"] = function() return function() end end

-- busted.fixtures: files relative to the calling spec file.
package.preload["busted.fixtures"] = function()
  local fixtures = {}
  local function caller_dir()
    local level = 3
    while true do
      local info = dgetinfo(level, "S")
      if not info then return root end
      if info.source ~= RUNTIME_SRC and ssub(info.source, 1, 1) == "@" then
        local p = source_path(info.source)
        if p then return (smatch(p, "^(.*)/[^/]*$")) or root end
      end
      level = level + 1
    end
  end
  function fixtures.path(sub)
    if type(sub) ~= "string" and sub ~= nil then
      error("bad argument to 'path' expected a string (relative filename) or nil, got: " .. type(sub), 2)
    end
    local dir = caller_dir()
    return sub and (dir .. "/" .. sub) or dir
  end
  function fixtures.read(rel, is_bin)
    if type(rel) ~= "string" then
      error("bad argument to 'read' expected a string (relative filename), got: " .. type(rel), 2)
    end
    local name = caller_dir() .. "/" .. rel
    local f, err = io.open(name, is_bin and "rb" or "r")
    if not f then error(("Error reading file '%s': %s"):format(name, tostring(err)), 2) end
    local s = f:read("a")
    f:close()
    return s
  end
  function fixtures.load(rel)
    if type(rel) ~= "string" then
      error("bad argument to 'load' expected a string (relative filename), got: " .. type(rel), 2)
    end
    if not smatch(rel, "%.lua$") then rel = rel .. ".lua" end
    local code = fixtures.read(rel)
    local f, err = load(code, rel)
    if not f then error(("Error loading code from '%s': %s"):format(rel, tostring(err)), 2) end
    return f()
  end
  return fixtures
end

_G.arg = { [-1] = host.interpreter, [0] = chunkname }

-- busted -e: statements run after the package paths are set and before the
-- helpers, in the real globals.
for _, stmt in ipairs(host.exec or {}) do
  local f, lerr = load(stmt, "=(command line)")
  local ok, err = f ~= nil, lerr
  if f then ok, err = pcall(f) end
  if not ok then
    return fatal(chunkname, "failed running the -e statement (" .. stmt .. "), error: "
                 .. memory_note(tostring(err)))
  end
end

-- Helpers run first, in the real globals, as busted's --helper.
-- While a helper loads, arg holds the -Xhelper options (its non-positive
-- entries kept), as busted's helper loader sets it.
for _, helper in ipairs(host.helpers) do
  local old_arg = _G.arg
  local ok, err = pcall(function()
    local a = {}
    for i = 0, -1000, -1 do
      if old_arg == nil or old_arg[i] == nil then break end
      a[i] = old_arg[i]
    end
    for i, v in ipairs(host.helper_args or {}) do a[i] = v end
    _G.arg = a
    if smatch(helper, "%.lua$") then dofile(helper) else require(helper) end
  end)
  _G.arg = old_arg
  if not ok then
    return fatal(chunkname, "failed running the specified helper (" .. helper .. "), error: "
                 .. memory_note(tostring(err)))
  end
end

local chunk, lerr = loadfile(chunkname, "bt", spec_env)
local file = { descriptor = "file", name = chunkname, run = chunk, parent = suite,
               attributes = { envmode = opts.auto_insulate and "insulate" or nil },
               children = {}, lists = {} }
if not chunk then
  -- busted reports a file that does not compile as one error
  local r = record_of(file, "error", { message = tostring(lerr) })
  r.fail_file, r.fail_line = fail_site(r.message, {})
  return emit(r)
end

suite.children[1] = file
publish_safe("suite", { "suite", "start" }, suite, 1, 1, opts.shuffle and seed or nil)
safe("file", function() executors.file(file) end, file)
publish_safe("suite", { "suite", "end" }, suite, 1, 1)

-- }======================================================================
