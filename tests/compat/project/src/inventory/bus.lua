-- An event bus: handlers per event, called in subscription order.
local Bus = {}
Bus.__index = Bus

function Bus.new() return setmetatable({ handlers = {} }, Bus) end

function Bus:on(event, fn)
  local list = self.handlers[event] or {}
  list[#list + 1] = fn
  self.handlers[event] = list
end

function Bus:emit(event, ...)
  local n = 0
  for _, fn in ipairs(self.handlers[event] or {}) do
    fn(...)
    n = n + 1
  end
  return n
end

return Bus
