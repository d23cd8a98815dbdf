-- Expressions and calls spread over many lines.
local function add(a, b,
                   c)
  return a +
         b
         + c
end

local t = add(
  1,
  2,
  3
)

local s = "a" ..
  "b" ..
  tostring(
    t
  )

local v = (t > 3)
  and
    "big"
  or
    "small"

print(s, v,
  add(4,
      5, 6))
