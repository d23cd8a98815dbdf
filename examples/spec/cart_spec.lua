local Cart = require("shop.cart")

describe("Cart", function()
  local cart
  before_each(function()
    cart = Cart.new()
  end)

  it("totals its items", function()
    cart:add("tea", 250, 2):add("cake", 300)
    assert.are.equal("8.00 EUR", cart:total():format())
  end)

  it("rejects a zero quantity", function()
    local ok, err = cart:add("tea", 250, 0)
    assert.is_nil(ok)
    assert.are.equal("quantity must be positive", err)
  end)

  pending("applies discounts")
end)
