local M = {}
function M.g(i) return i + 1 end
return M
