-- A file storage backend (the specs stub it).
local Storage = {}
Storage.__index = Storage

function Storage.new(path) return setmetatable({ path = path }, Storage) end

function Storage:load()
  local f = io.open(self.path)
  if not f then return {} end
  local items = {}
  for line in f:lines() do
    local name, qty, price = line:match("^(%S+) (%d+) (%d+)$")
    if name then items[name] = { qty = tonumber(qty), price = tonumber(price) } end
  end
  f:close()
  return items
end

function Storage:save(items)
  local f = assert(io.open(self.path, "w"))
  for name, item in pairs(items) do f:write(name, " ", item.qty, " ", item.price, "\n") end
  f:close()
  return true
end

return Storage
