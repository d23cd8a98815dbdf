-- compat.lua: runs the compatibility project under Debian's busted (the
-- reference) and under `livecov run`, and asserts both report the same:
-- counts, each test's status, name and first message line, and the order
-- of the tests within each file.
--   lua5.4 compat.lua LIVECOV PROJECT_DIR [busted/livecov arguments...]
-- Exits 77 (skipped) when busted is not installed.
local dir = arg[0]:gsub("[^/]*$", "")
if dir:sub(1, 1) ~= "/" then dir = (os.getenv("PWD") or ".") .. "/" .. dir end
local livecov, project = arg[1], arg[2]
local args = {}
local function q(s) return "'" .. tostring(s):gsub("'", "'\\''") .. "'" end
for i = 3, #arg do args[#args + 1] = q(arg[i]) end
args = table.concat(args, " ")

local busted = os.getenv("BUSTED") or "/usr/bin/busted"
local f = io.open(busted)
if not f then
  print("SKIP: busted is not installed (" .. busted .. "); apt-get install lua-busted")
  os.exit(77)
end
f:close()

local function slurp(p)
  local h = io.open(p, "rb")
  if not h then return "" end
  local s = h:read("a")
  h:close()
  return s
end

local tmp = os.tmpname()
-- busted runs on the same Lua 5.4 as livecov's embedded one
os.execute(string.format("cd %s && lua5.4 %s -o %s %s > %s 2> %s.err", q(project), q(busted),
  q(dir .. "busted_counts.lua"), args, q(tmp .. ".busted"), q(tmp)))
os.execute(string.format("cd %s && %s run --json %s %s > %s 2>> %s.err", q(project), q(livecov),
  q(tmp .. ".json"), args, q(tmp .. ".out"), q(tmp)))
os.execute(string.format("lua5.4 %s %s > %s", q(dir .. "livecov_counts.lua"), q(tmp .. ".json"),
  q(tmp .. ".livecov")))

local b, l = slurp(tmp .. ".busted"), slurp(tmp .. ".livecov")
local err = slurp(tmp .. ".err")
for _, s in ipairs({ "", ".busted", ".json", ".out", ".livecov", ".err" }) do os.remove(tmp .. s) end

if b == "" or not b:match("^counts ") then
  io.stderr:write("busted produced no result:\n", err, "\n")
  os.exit(1)
end
if b ~= l then
  io.stderr:write("busted and livecov differ (busted first):\n")
  local bl, ll = {}, {}
  for x in b:gmatch("[^\n]+") do bl[x] = true end
  for x in l:gmatch("[^\n]+") do ll[x] = true end
  for x in b:gmatch("[^\n]+") do if not ll[x] then io.stderr:write("- ", x, "\n") end end
  for x in l:gmatch("[^\n]+") do if not bl[x] then io.stderr:write("+ ", x, "\n") end end
  if not next(bl) or b:match("^[^\n]*") == l:match("^[^\n]*") then
    io.stderr:write("(same lines, different order)\n")
  end
  io.stderr:write(err, "\n")
  os.exit(1)
end
print("ok: " .. b:match("^[^\n]*") .. " (successes failures errors pending) under busted and livecov")
