-- Reads livecov's --json report and prints it in busted_counts.lua's form.
-- usage: lua5.4 livecov_counts.lua report.json
local json = require "dkjson"
local f = assert(io.open(arg[1]))
local doc = assert(json.decode(f:read("a")))
f:close()
local lines = {}
for _, spec in ipairs(doc.specs) do
  for _, t in ipairs(spec.tests) do
    local m = t.message
    if m == nil or m == json.null then m = "" end
    lines[#lines + 1] = t.status .. "\t" .. t.name .. "\t" .. m:match("^[^\n]*")
  end
end
table.sort(lines)
local s = doc.summary
io.write(string.format("counts %d %d %d %d\n", s.success, s.failure, s.error, s.pending))
for _, l in ipairs(lines) do io.write(l, "\n") end
