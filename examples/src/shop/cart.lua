-- Cart: a list of priced items with a total.
local Money = require("shop.money")

local Cart = {}
Cart.__index = Cart

function Cart.new(currency)
  return setmetatable({ items = {}, currency = currency or "EUR" }, Cart)
end

function Cart:add(name, cents, qty)
  qty = qty or 1
  if qty <= 0 then
    return nil, "quantity must be positive"
  end
  table.insert(self.items, { name = name, price = Money.new(cents, self.currency), qty = qty })
  return self
end

function Cart:total()
  local sum = Money.new(0, self.currency)
  for _, item in ipairs(self.items) do
    for _ = 1, item.qty do
      sum = sum + item.price
    end
  end
  return sum
end

function Cart:remove(name)
  for i, item in ipairs(self.items) do
    if item.name == name then
      table.remove(self.items, i)
      return true
    end
  end
  return false
end

return Cart
