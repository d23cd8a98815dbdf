-- A small inventory: items with quantities and prices, persisted through a
-- storage backend and announcing changes on an event bus.
local Inventory = {}
Inventory.__index = Inventory

function Inventory.new(storage, bus)
  local self = setmetatable({ items = {}, storage = storage, bus = bus }, Inventory)
  if storage then
    for name, item in pairs(storage:load() or {}) do self.items[name] = item end
  end
  return self
end

function Inventory:add(name, qty, price)
  if type(name) ~= "string" or name == "" then error("item name must be a non-empty string", 2) end
  if qty <= 0 then return nil, "quantity must be positive" end
  local item = self.items[name]
  if item then
    item.qty = item.qty + qty
  else
    item = { qty = qty, price = price or 0 }
    self.items[name] = item
  end
  if self.bus then self.bus:emit("added", name, qty) end
  return item.qty
end

function Inventory:remove(name, qty)
  local item = self.items[name]
  if not item then error({ code = "missing", item = name }) end
  if qty > item.qty then return nil, "not enough " .. name end
  item.qty = item.qty - qty
  if item.qty == 0 then self.items[name] = nil end
  if self.bus then self.bus:emit("removed", name, qty) end
  return item.qty
end

function Inventory:value()
  local total = 0
  for _, item in pairs(self.items) do total = total + item.qty * item.price end
  return total
end

function Inventory:names()
  local list = {}
  for name in pairs(self.items) do list[#list + 1] = name end
  table.sort(list)
  return list
end

function Inventory:save()
  if not self.storage then return false end
  return self.storage:save(self.items)
end

return Inventory
