-- package.loaded[name] = nil + require again: the module runs again, its
-- counts accumulate in one record.
local seen = {}
for i = 1, 3 do
  package.loaded.mod = nil
  local m = require "mod"
  seen[#seen + 1] = m.id
  m.f(i)
end
print(table.concat(seen, " "), seen[1] ~= seen[2])
