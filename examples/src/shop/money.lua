-- Money: amounts in integer cents, so sums never drift.
local Money = {}
Money.__index = Money

function Money.new(cents, currency)
  assert(math.type(cents) == "integer", "cents must be an integer")
  return setmetatable({ cents = cents, currency = currency or "EUR" }, Money)
end

function Money.__add(a, b)
  if a.currency ~= b.currency then
    error("cannot add " .. a.currency .. " to " .. b.currency)
  end
  return Money.new(a.cents + b.cents, a.currency)
end

function Money.__eq(a, b)
  return a.cents == b.cents and a.currency == b.currency
end

function Money:format()
  local sign = self.cents < 0 and "-" or ""
  local abs = math.abs(self.cents)
  return string.format("%s%d.%02d %s", sign, abs // 100, abs % 100, self.currency)
end

function Money:split(parts)
  local base, rest = self.cents // parts, self.cents % parts
  local out = {}
  for i = 1, parts do
    out[i] = Money.new(base + (i <= rest and 1 or 0), self.currency)
  end
  return out
end

function Money:convert(rate, currency)
  -- not exercised by the specs: shows up as uncovered
  local cents = math.floor(self.cents * rate + 0.5)
  return Money.new(cents, currency)
end

return Money
