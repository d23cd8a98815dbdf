local M = {}
M.x = 1
if M.x == 1 then
  error("boom while loading")
end
return M
