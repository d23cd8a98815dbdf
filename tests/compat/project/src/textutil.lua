local M = {}

function M.trim(s) return (s:gsub("^%s+", ""):gsub("%s+$", "")) end

function M.split(s, sep)
  local out = {}
  for piece in (s .. sep):gmatch("(.-)" .. sep:gsub("%p", "%%%0")) do out[#out + 1] = piece end
  return out
end

function M.slug(s)
  return (M.trim(s):lower():gsub("[^%w]+", "-"):gsub("^%-+", ""):gsub("%-+$", ""))
end

function M.ratio(a, b)
  if b == 0 then error("division by zero") end
  return a / b
end

return M
