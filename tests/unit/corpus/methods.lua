local Account = {}
Account.__index = Account

function Account.new(balance)
  return setmetatable({ balance = balance }, Account)
end

function Account:deposit(v)
  self.balance = self.balance + v
end

function Account:get() return self.balance end

local acc = Account.new(10)
acc:deposit(5)
acc
  :deposit(1)
print(acc:get())
