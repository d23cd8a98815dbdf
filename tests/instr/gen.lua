-- gen.lua: a generator of random valid Lua 5.4 programs for the differential
-- test of instrument mode (hook and instrument counts must be identical).
-- usage: lua5.4 gen.lua SEED [SIZE] > prog.lua
-- Programs terminate (every loop is bounded, recursion has a depth limit),
-- print a digest of what they computed, and mix the shapes where line
-- events are subtle: nested loops of every kind, branches, closures, goto,
-- varargs, multi-line expressions and calls, errors caught by pcall,
-- coroutines, tail calls, to-be-closed variables, integer and float loops.
local seed = tonumber(arg[1]) or 1
local size = tonumber(arg[2]) or 30

-- a small deterministic generator (xorshift), independent of math.random
local state = seed * 2654435761 % 4294967296
if state == 0 then state = 1 end
local function rnd(n)
  state = state ~ ((state << 13) & 0xffffffff)
  state = state ~ (state >> 17)
  state = state ~ ((state << 5) & 0xffffffff)
  return state % n + 1
end
local function chance(p) return rnd(1000) <= p * 1000 end
local function pick(t) return t[rnd(#t)] end

local out = {}
local function emit(s) out[#out + 1] = s end

-- A line break now and then inside expressions: multi-line expressions.
local function sp()
  if chance(0.12) then return "\n" end
  return " "
end

local vars = { "a", "b", "c" }       -- always-defined integer locals
local depth = 0
local labels = 0
local funcs = {}                     -- local functions defined so far

local expr

local function atom()
  local r = rnd(10)
  if r <= 4 then return pick(vars)
  elseif r <= 6 then return tostring(rnd(20) - 5)
  elseif r == 7 then return "(" .. expr(2) .. ")"
  elseif r == 8 and #funcs > 0 then
    return pick(funcs) .. "(" .. sp() .. expr(1) .. "," .. sp() .. expr(1) .. ")"
  elseif r == 9 then return "#" .. "tbl"
  else return "(tbl[" .. (rnd(4)) .. "] or 0)" end
end

function expr(d)
  if d <= 0 or chance(0.35) then return atom() end
  local r = rnd(8)
  if r <= 3 then
    return expr(d - 1) .. sp() .. pick({ "+", "-", "*" }) .. sp() .. expr(d - 1)
  elseif r == 4 then
    return "(" .. expr(d - 1) .. sp() .. "//" .. sp() .. "3)"
  elseif r == 5 then
    return "(" .. expr(d - 1) .. sp() .. "%" .. sp() .. "7)"
  elseif r == 6 then
    return "math.max(" .. sp() .. expr(d - 1) .. "," .. sp() .. expr(d - 1) .. ")"
  elseif r == 7 then
    return "(" .. cond(d - 1) .. sp() .. "and" .. sp() .. expr(d - 1) .. sp() .. "or" .. sp() .. expr(d - 1) .. ")"
  else
    return "select(" .. sp() .. "'#'," .. sp() .. expr(d - 1) .. "," .. sp() .. expr(d - 1) .. ")"
  end
end

function cond(d)
  local r = rnd(5)
  if r <= 3 then
    return expr(d) .. sp() .. pick({ "<", "<=", ">", ">=", "==", "~=" }) .. sp() .. expr(d)
  elseif r == 4 then
    return "not" .. sp() .. "(" .. cond(d) .. ")"
  else
    return "(" .. cond(d) .. sp() .. pick({ "and", "or" }) .. sp() .. cond(d) .. ")"
  end
end

local block

local function assign()
  local v = pick(vars)
  return v .. " = (" .. expr(2) .. ")" .. sp() .. "% 1000"
end

local function stat(indent)
  local r = rnd(30)
  local ind = string.rep("  ", indent)
  if depth > 3 and r > 8 then r = rnd(8) end
  depth = depth + 1
  local s
  if r <= 5 then
    s = ind .. assign()
  elseif r == 6 then
    s = ind .. "tbl[#tbl + 1] =" .. sp() .. expr(2)
  elseif r == 7 then
    s = ind .. "acc = acc +" .. sp() .. expr(1)
  elseif r == 8 then
    s = ind .. "print(" .. sp() .. "'p'," .. sp() .. expr(1) .. ")"
  elseif r == 9 then
    s = ind .. "if " .. cond(1) .. " then\n" .. block(indent + 1, 2)
    if chance(0.4) then s = s .. ind .. "elseif " .. cond(1) .. " then\n" .. block(indent + 1, 2) end
    if chance(0.5) then s = s .. ind .. "else\n" .. block(indent + 1, 2) end
    s = s .. ind .. "end"
  elseif r == 10 then
    local v = "i" .. depth
    local a, b = rnd(5) - 2, rnd(6)
    local st = pick({ "", ", 1", ", 2", ", -1" })
    if st == ", -1" then a, b = b, a end
    s = ind .. "for " .. v .. " = " .. a .. ", " .. b .. st .. " do\n" ..
        ind .. "  a = (a + " .. v .. ") % 1000\n" .. block(indent + 1, 2) .. ind .. "end"
  elseif r == 11 then
    local v = "x" .. depth
    s = ind .. "for " .. v .. " = 0.5, " .. (rnd(4) + 0.25) .. ", 0.75 do b = (b + " .. v .. " // 1) % 1000 " ..
        (chance(0.5) and "end" or "\n" .. block(indent + 1, 1) .. ind .. "end")
  elseif r == 12 then
    local v = "w" .. depth
    s = ind .. "local " .. v .. " = 0\n" .. ind .. "while " .. v .. " < " .. rnd(4) .. sp() .. "and " .. cond(0) .. " do\n" ..
        ind .. "  " .. v .. " = " .. v .. " + 1\n" .. block(indent + 1, 2) .. ind .. "end"
  elseif r == 13 then
    local v = "r" .. depth
    s = ind .. "local " .. v .. " = 0\n" .. ind .. "repeat\n" .. ind .. "  " .. v .. " = " .. v .. " + 1\n" ..
        block(indent + 1, 2) .. ind .. "until " .. v .. " >= " .. rnd(3) .. " or" .. sp() .. cond(0)
  elseif r == 14 then
    s = ind .. "for k, v in " .. pick({ "ipairs(tbl)", "pairs({1, 2, x = 3})" }) .. " do\n" ..
        ind .. "  c = (c + (tonumber(v) or 0)) % 1000\n" ..
        ind .. "  if k == 3 then break end\n" .. block(indent + 1, 1) .. ind .. "end"
  elseif r == 15 then
    labels = labels + 1
    local l = "L" .. labels
    s = ind .. "do\n" .. ind .. "  local n = 0\n" .. ind .. "  ::" .. l .. "::\n" .. ind .. "  n = n + 1\n" ..
        block(indent + 1, 1) .. ind .. "  if n < " .. rnd(3) .. " then goto " .. l .. " end\n" .. ind .. "end"
  elseif r == 16 then
    local f = "f" .. rnd(1000)
    s = ind .. "local function " .. f .. "(p, q, ...)\n" ..
        ind .. "  local n = select('#', ...)\n" ..
        ind .. "  if (p or 0) > 50 then return (p or 0) -" .. sp() .. "1 end\n" ..
        block(indent + 1, 2) ..
        ind .. "  return ((p or 0) +" .. sp() .. "(q or 0) + n) % 97\n" .. ind .. "end"
    funcs[#funcs + 1] = f             -- callable after its definition only
  elseif r == 17 then
    s = ind .. "do\n" .. ind .. "  local ok, err = pcall(function()\n" .. block(indent + 2, 2) ..
        ind .. "    if " .. cond(0) .. " then error(" .. pick({ "'boom'", "{ code = 1 }", "nil" }) .. ") end\n" ..
        ind .. "    return " .. expr(1) .. "\n" ..
        ind .. "  end)\n" .. ind .. "  acc = acc + (ok and 1 or 2)\n" .. ind .. "end"
  elseif r == 18 then
    s = ind .. "do\n" .. ind .. "  local gen = coroutine.wrap(function(m)\n" ..
        ind .. "    for j = 1, m do\n" .. ind .. "      coroutine.yield(j" .. sp() .. "* 2)\n" .. ind .. "    end\n" ..
        ind .. "    while true do coroutine.yield(-1) end\n" .. ind .. "  end)\n" ..
        ind .. "  acc = acc + gen(" .. rnd(3) .. ") +" .. sp() .. "gen() + gen()\n" .. ind .. "end"
  elseif r == 19 then
    s = ind .. "do\n" .. ind .. "  local co = coroutine.create(function(x)\n" ..
        block(indent + 2, 1) ..
        ind .. "    local y = coroutine.yield(x + 1)\n" ..
        ind .. "    if y > " .. rnd(10) .. " then error('co' .. y) end\n" ..
        ind .. "    return y\n" .. ind .. "  end)\n" ..
        ind .. "  local ok1, v1 = coroutine.resume(co, a)\n" ..
        ind .. "  local ok2, v2 = coroutine.resume(co,\n" .. ind .. "    " .. expr(1) .. ")\n" ..
        ind .. "  acc = acc + (ok2 and 1 or 3)\n" .. ind .. "end"
  elseif r == 20 then
    s = ind .. "do\n" .. ind .. "  local function tc(n)\n" .. ind .. "    if n <= 0 then return 0 end\n" ..
        ind .. "    return tc(n - 1)\n" .. ind .. "  end\n" .. ind .. "  acc = acc + tc(" .. rnd(5) .. ")\n" .. ind .. "end"
  elseif r == 21 then
    s = ind .. "do\n" .. ind .. "  local h <close> = setmetatable({}, { __close = function()\n" ..
        ind .. "    acc = acc + 1\n" .. ind .. "  end })\n" .. block(indent + 1, 2) .. ind .. "end"
  elseif r == 22 then
    s = ind .. "do\n" .. ind .. "  local function va(...)\n" ..
        ind .. "    local t = { ... }\n" .. ind .. "    return select('#', ...), ...\n" .. ind .. "  end\n" ..
        ind .. "  acc = acc + va(" .. expr(1) .. "," .. sp() .. "va(" .. sp() .. "1, 2))\n" .. ind .. "end"
  elseif r == 23 then
    s = ind .. "do\n" .. ind .. "  local function rec(n)\n" .. ind .. "    if n == 0 then return 1 end\n" ..
        ind .. "    return 1 +\n" .. ind .. "      rec(n - 1)\n" .. ind .. "  end\n" ..
        ind .. "  acc = acc + rec(" .. rnd(6) .. ")\n" .. ind .. "end"
  elseif r == 24 then
    s = ind .. "local s = string.format(\n" .. ind .. "  '%d:%d', " .. expr(1) .. ",\n" .. ind .. "  " .. expr(1) .. ")\n" ..
        ind .. "acc = acc + #s"
  elseif r == 25 then                     -- an error inside a loop without calls
    local k = rnd(4)
    s = ind .. "do\n" .. ind .. "  local ok = pcall(function()\n" ..
        ind .. "    local s, i = 0, 0\n" ..
        ind .. "    " .. pick({ "for i = 1, 5 do", "while i < 5 do i = i + 1", "repeat i = i + 1" }) .. "\n" ..
        ind .. "      s = s + i\n" ..
        ind .. "      if i == " .. k .. " then s = s +\n" .. ind .. "        nil end\n" ..
        ind .. "      s = s * 2\n" ..
        ind .. "    " .. pick({ "end", "end", "until i >= 5" }) .. "\n" ..
        ind .. "  end)\n" .. ind .. "  acc = acc + (ok and 1 or 2)\n" .. ind .. "end"
    if s:find("repeat", 1, true) and not s:find("until", 1, true) then s = s:gsub("\n" .. ind .. "    end\n", "\n" .. ind .. "    until i >= 5\n") end
    if s:find("for i", 1, true) or s:find("while", 1, true) then s = s:gsub("until i >= 5", "end") end
  elseif r == 26 then                     -- return from inside a loop
    s = ind .. "do\n" .. ind .. "  local function find(t, v)\n" ..
        ind .. "    for i = 1, #t do\n" .. ind .. "      if t[i] == v then\n" ..
        ind .. "        return i\n" .. ind .. "      end\n" .. ind .. "    end\n" ..
        ind .. "    local j = 0\n" .. ind .. "    while true do\n" .. ind .. "      j = j + 1\n" ..
        ind .. "      if j > 3 then return -j end\n" .. ind .. "    end\n" ..
        ind .. "  end\n" .. ind .. "  acc = acc + find(tbl, " .. rnd(5) .. ")\n" .. ind .. "end"
  elseif r == 27 then                     -- errors in a multi-line call's arguments
    s = ind .. "do\n" .. ind .. "  local ok = pcall(function()\n" ..
        ind .. "    return math.max(a,\n" .. ind .. "      " .. pick({ "b", "error('x')", "nil + 1", "tbl.nope.x" }) .. ")\n" ..
        ind .. "  end)\n" .. ind .. "  local ok2 = pcall(math.max, a,\n" .. ind .. "    " .. pick({ "nil", "b", "{}" }) .. ")\n" ..
        ind .. "  acc = acc + (ok and 1 or 2) + (ok2 and 1 or 2)\n" .. ind .. "end"
  elseif r == 28 then                     -- loops left by goto and break
    labels = labels + 1
    local l = "out" .. labels
    s = ind .. "do\n" .. ind .. "  for i = 1, 3 do\n" .. ind .. "    for j = 1, 3 do\n" ..
        ind .. "      c = (c + i * j) % 1000\n" ..
        ind .. "      if j == " .. rnd(3) .. " then break end\n" ..
        ind .. "      if i * j == " .. rnd(6) .. " then goto " .. l .. " end\n" ..
        ind .. "    end\n" .. ind .. "  end\n" .. ind .. "  ::" .. l .. "::\n" .. ind .. "end"
  elseif r == 29 then                     -- a yield from inside a loop, through a metamethod
    s = ind .. "do\n" .. ind .. "  local co = coroutine.wrap(function()\n" ..
        ind .. "    local t = setmetatable({}, { __index = function(_, k) coroutine.yield(k) return k end })\n" ..
        ind .. "    local s = 0\n" .. ind .. "    for i = 1, 4 do\n" .. ind .. "      s = s + t[i]\n" .. ind .. "    end\n" ..
        ind .. "    return s\n" .. ind .. "  end)\n" ..
        ind .. "  for _ = 1, " .. rnd(5) .. " do acc = acc + co() end\n" .. ind .. "end"
  else                                    -- a metamethod erring inside a loop
    s = ind .. "do\n" .. ind .. "  local m = setmetatable({}, { __add = function(x, y)\n" ..
        ind .. "    if y == " .. rnd(4) .. " then error('add') end\n" .. ind .. "    return y\n" .. ind .. "  end })\n" ..
        ind .. "  local ok = pcall(function()\n" .. ind .. "    local s = 0\n" ..
        ind .. "    for i = 1, 4 do\n" .. ind .. "      s = s + (m + i)\n" .. ind .. "    end\n" ..
        ind .. "  end)\n" .. ind .. "  acc = acc + (ok and 1 or 2)\n" .. ind .. "end"
  end
  depth = depth - 1
  return s
end

function block(indent, n)
  local t, nfuncs = {}, #funcs
  for _ = 1, rnd(n) do t[#t + 1] = stat(indent) end
  for i = #funcs, nfuncs + 1, -1 do funcs[i] = nil end   -- out of scope
  return table.concat(t, "\n") .. "\n"
end

emit("-- generated by gen.lua, seed " .. seed)
emit("local a, b, c = 1, 2, 3")
emit("local acc, tbl = 0, { 1, 2, 3 }")
emit("local print = function(...) acc = acc + select('#', ...) end")
for _ = 1, size do emit(stat(0)) end
emit("io.write(string.format('%d %d %d %d %d\\n', a, b, c, acc % 100000, #tbl))")
io.write(table.concat(out, "\n"), "\n")
