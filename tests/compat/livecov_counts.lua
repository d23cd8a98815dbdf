-- Reads livecov's --json report and prints it as busted_counts.lua prints
-- busted's results (counts, sorted status lines, per-file test order).
--   lua5.4 livecov_counts.lua report.json
local json = require "dkjson"
local f = assert(io.open(arg[1]))
local doc = assert(json.decode(f:read("a"), 1, json.null))
f:close()
local lines, order = {}, {}
for _, spec in ipairs(doc.specs) do
  for _, t in ipairs(spec.tests) do
    local m = t.message
    if m == nil or m == json.null then m = "" end
    lines[#lines + 1] = t.status .. "\t" .. t.name .. "\t" .. m:match("^[^\n]*")
    -- busted's test order: tests that ended (not errors outside a test)
    if t.status ~= "error" or t.kind == "it" then order[#order + 1] = { file = spec.path, name = t.name } end
  end
end
table.sort(lines)
local s = doc.summary
io.write(string.format("counts %d %d %d %d\n", s.success, s.failure, s.error, s.pending))
for _, l in ipairs(lines) do io.write(l, "\n") end
local n = {}
for i, o in ipairs(order) do n[o] = i end
table.sort(order, function(a, b)
  if a.file ~= b.file then return a.file < b.file end
  return n[a] < n[b]
end)
for _, o in ipairs(order) do io.write("order\t", o.file, "\t", o.name, "\n") end
