local M = {}
M.v = "custom"
return M
