local function classify(n)
  if n < 0 then
    return "neg"
  elseif n == 0 then
    return "zero"
  elseif n < 10
    and n > 0 then
    return "small"
  else
    return "big"
  end
end

local function flag(x)
  if x then return 1 else return 2 end
end

local function nested(a, b)
  if a then
    if b then
      return 3
    end
  end
  return 4
end

for _, n in ipairs({ -1, 0, 5, 50 }) do classify(n) end
flag(true) flag(false)
nested(true, true) nested(true, false) nested(false)
