local M = { name = "a" }
package.loaded[...] = M      -- visible to modules we require
M.b = require "b"
function M.hello()
  return "hello from " .. M.b.name
end
return M
