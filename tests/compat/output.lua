-- output.lua: the text busted prints and the text `livecov run` prints for
-- the same project and output format must be the same, once the run time,
-- table addresses and livecov's coverage table are left out.
--   lua5.4 output.lua LIVECOV PROJECT_DIR FORMAT [arguments...]
-- Exits 77 (skipped) when busted is not installed.
local livecov, project, format = arg[1], arg[2], arg[3]
local function q(s) return "'" .. tostring(s):gsub("'", "'\\''") .. "'" end
local args = {}
for i = 4, #arg do args[#args + 1] = q(arg[i]) end
args = table.concat(args, " ")
local busted = os.getenv("BUSTED") or "/usr/bin/busted"
local f = io.open(busted)
if not f then
  print("SKIP: busted is not installed (" .. busted .. ")")
  os.exit(77)
end
f:close()

local function capture(cmd)
  local p = assert(io.popen(cmd, "r"))
  local s = p:read("a")
  p:close()
  return s
end
local function normal(s)
  s = s:gsub(": [%d%.]+ seconds", ": T seconds"):gsub("0x%x+", "0x?")
  s = s:gsub("%(%d+%.%d%d ms%)", "(T ms)"):gsub("%(%d+%.%d%d ms total%)", "(T ms total)")  -- gtest
  s = s:gsub("\n\n=+\nSummary\n=+\n.*$", "\n")    -- livecov's coverage table
  return s
end

local b = normal(capture(string.format("cd %s && lua5.4 %s -o %s %s 2>/dev/null", q(project), q(busted), q(format), args)))
local l = normal(capture(string.format("cd %s && %s run -o %s %s 2>/dev/null", q(project), q(livecov), q(format), args)))
if b ~= l then
  local bl, ll = {}, {}
  for x in (b .. "\n"):gmatch("([^\n]*)\n") do bl[#bl + 1] = x end
  for x in (l .. "\n"):gmatch("([^\n]*)\n") do ll[#ll + 1] = x end
  for i = 1, math.max(#bl, #ll) do
    if bl[i] ~= ll[i] then
      io.stderr:write(("first difference at line %d:\nbusted:  %s\nlivecov: %s\n"):format(i, tostring(bl[i]), tostring(ll[i])))
      break
    end
  end
  os.exit(1)
end
print(("ok: busted and livecov print the same %s output (%d bytes)"):format(format, #b))
