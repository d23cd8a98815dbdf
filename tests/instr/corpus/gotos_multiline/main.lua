-- goto (backward, forward, continue), multi-line expressions, conditions
-- and boolean values spread over lines.
local out = {}
local i = 0
::top::
i = i + 1
if i < 3 then goto top end
for j = 1, 5 do
  if j % 2 == 0 then goto continue end
  out[#out + 1] = j
  ::continue::
end
do
  local k = 0
  ::again::
  k = k + 1
  if k < 4 then
    goto again
  end
  out[#out + 1] = k
end
goto skip
out[#out + 1] = "never"
::skip::
local a, b, c = 1, 2, 3
local x = a +
  b *
  c -
  (a
   + b)
local y = a ==
  b
local z = a <
  b and
  c >
  b
local s = "x" ..
  tostring(a) ..
  "y"
local t = {
  a,
  b = b,
  [c] = c,
  {
    a, b
  },
}
if a and
   b then
  out[#out + 1] = "ab"
elseif c then
  out[#out + 1] = "c"
end
local u = not
  (a ==
   1)
local v = (a > 0) and "pos"
  or "neg"
out[#out + 1] = x
out[#out + 1] = tostring(y)
out[#out + 1] = tostring(z)
out[#out + 1] = s
out[#out + 1] = #t
out[#out + 1] = tostring(u)
out[#out + 1] = v
local function f(p,
                 q)
  return p
    + q
end
out[#out + 1] = f(
  1,
  2
)
print(table.concat(out, " "))
