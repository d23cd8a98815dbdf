local function a() return end
local function b() return 1, 2, 3 end
local function c(f, ...) return f(...) end
local function d(n)
  if n > 0 then
    return d(n - 1)
  end
  return "done"
end
local function e()
  do return 5 end
end
print(a(), b(), c(b), d(3), e())
