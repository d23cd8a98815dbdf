local a = require "a"        -- the partial table of a
local M = { name = "b", a = a }
function M.peer()
  return a.name
end
return M
