-- The VARARGPREP of a vararg function is not an active line.
local function count(...)
  return select("#", ...)
end

local function pass(a,
                    ...)
  local t = { ... }
  return a, #t
end

local function first(...) return (...) end

local function empty_va(...)
end

count(1, 2, 3)
pass(1, 2)
first(9)
empty_va()
print(...)
