-- Closures, upvalues, recursion, tail calls, mutual recursion.
local function counter()
  local c = 0
  return function()
    c = c + 1
    return c
  end
end
local a, b = counter(), counter()
a(); a(); b()
local function fib(n)
  if n < 2 then return n end
  return fib(n - 1) + fib(n - 2)
end
local even, odd
function even(n)
  if n == 0 then return true end
  return odd(n - 1)
end
function odd(n)
  if n == 0 then return false end
  return even(n - 1)
end
local function loop(n, acc)
  if n == 0 then return acc end
  return loop(n - 1, acc + n)
end
local function fact(n) return n <= 1 and 1 or n * fact(n - 1) end
local adders = {}
for i = 1, 3 do
  adders[i] = function(x) return x + i end
end
local sum = 0
for _, f in ipairs(adders) do sum = sum + f(10) end
local Account = {}
Account.__index = Account
function Account.new(b) return setmetatable({ balance = b }, Account) end
function Account:deposit(v)
  self.balance = self.balance + v
  return self
end
local acc = Account.new(10):deposit(5):deposit(
  7)
print(a(), b(), fib(15), even(101), odd(7), loop(10000, 0), fact(10), sum, acc.balance)
