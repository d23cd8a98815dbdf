local function fact(n)
  if n <= 1 then return 1 end
  return n * fact(n - 1)
end

local function noop() end

local function
  split_header(x)
  return x
end

noop()
split_header(fact(5))
