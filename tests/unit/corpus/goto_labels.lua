local function odd_sum(n)
  local s, i = 0, 0
  ::top::
  i = i + 1
  if i > n then goto done end
  if i % 2 == 0 then goto top end
  s = s + i
  goto top
  ::done::
  return s
end

for i = 1, 3 do
  for j = 1, 3 do
    if j == 2 then goto continue end
    odd_sum(i + j)
    ::continue::
  end
end

do
  goto skip
  print("never")
  ::skip::
end
