local function sum(n)
  local s = 0
  for i = 1, n do
    s = s + i
  end
  return s
end

local function generic(t)
  local acc = {}
  for k, v in pairs(t) do
    acc[#acc + 1] = k .. v
  end
  for i, v in
      ipairs(t) do
    acc[#acc + 1] = i .. v
  end
  return acc
end

local function rep(n)
  local i = 0
  repeat
    i = i + 1
    local done = i >= n
  until done
  return i
end

local function wh(n)
  while n > 0 do n = n - 1 end
  return n
end

local function stepped()
  local s = 0
  for i = 10, 1, -3 do s = s + i end
  for _ = 1, 0 do s = s + 1 end
  return s
end

sum(10) generic({ "a", "b" }) rep(3) wh(4) stepped()
