local Money = require("shop.money")

describe("Money", function()
  it("adds amounts of the same currency", function()
    assert.are.equal(Money.new(350), Money.new(100) + Money.new(250))
  end)

  it("refuses to add different currencies", function()
    assert.has_error(function() return Money.new(1, "EUR") + Money.new(1, "USD") end,
      "cannot add EUR to USD")
  end)

  it("formats cents", function()
    assert.are.equal("12.05 EUR", Money.new(1205):format())
    assert.are.equal("-0.50 EUR", Money.new(-50):format())
  end)

  it("splits without losing a cent", function()
    local parts = Money.new(100):split(3)
    assert.are.same({ 34, 33, 33 }, { parts[1].cents, parts[2].cents, parts[3].cents })
  end)
end)
