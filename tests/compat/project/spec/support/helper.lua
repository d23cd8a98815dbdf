-- The suite's helper (--helper in .busted): custom assertions through
-- luassert's extension API, as real projects do, and a shared global.
local assert = require("luassert")
local say = require("say")
local util = require("luassert.util")

say:set("assertion.positive.positive", "Expected %s to be positive")
say:set("assertion.positive.negative", "Expected %s to not be positive")
assert:register("assertion", "positive", function(state, arguments)
  return type(arguments[1]) == "number" and arguments[1] > 0
end, "assertion.positive.positive", "assertion.positive.negative")

-- has_item(inventory, name): checks membership, with a custom message
say:set("assertion.has_item.positive", "Expected inventory to have %s.\nItems: %s")
say:set("assertion.has_item.negative", "Expected inventory to not have %s.\nItems: %s")
assert:register("assertion", "has_item", function(state, arguments)
  local inv, name = arguments[1], arguments[2]
  local present = inv.items[name] ~= nil
  arguments[1], arguments[2] = name, table.concat(inv:names(), ",")
  arguments.nofmt = { true, true }
  return present
end, "assertion.has_item.positive", "assertion.has_item.negative")

-- a formatter for item tables
assert:add_formatter(function(v)
  if type(v) == "table" and v.qty and v.price then
    return ("item(qty=%d, price=%d)"):format(v.qty, v.price)
  end
end)

-- a modifier-free parameter some suites set
assert:set_parameter("TableFormatLevel", 3)

SPEC_HELPER_LOADED = true
return util
