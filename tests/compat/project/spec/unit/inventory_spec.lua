local Inventory = require("inventory")
local Bus = require("inventory.bus")

describe("Inventory", function()
  local inv, bus

  before_each(function()
    bus = Bus.new()
    inv = Inventory.new(nil, bus)
  end)

  after_each(function()
    inv, bus = nil, nil
  end)

  describe("add", function()
    it("adds new items", function()
      assert.equal(3, inv:add("apple", 3, 50))
      assert.has_item(inv, "apple")
      assert.does_not.has_item(inv, "pear")
    end)

    it("accumulates quantities", function()
      inv:add("apple", 3, 50)
      assert.equal(5, inv:add("apple", 2))
    end)

    it("rejects a zero quantity", function()
      local ok, err = inv:add("apple", 0)
      assert.is_nil(ok)
      assert.equal("quantity must be positive", err)
    end)

    it("rejects bad names", function()
      assert.has_error(function() inv:add("", 1) end, "item name must be a non-empty string")
    end)

    it("announces additions", function()
      local handler = spy.new(function() end)
      bus:on("added", handler)
      inv:add("pear", 2, 70)
      assert.spy(handler).was.called(1)
      assert.spy(handler).was.called_with("pear", 2)
      assert.spy(handler).was_not.called_with("apple", match._)
      assert.spy(handler).was.called_with(match.is_string(), match.is_number())
    end)
  end)

  describe("remove", function()
    before_each(function()
      inv:add("apple", 3, 50)
    end)

    it("removes some", function()
      assert.equal(1, inv:remove("apple", 2))
    end)

    it("removes all", function()
      inv:remove("apple", 3)
      assert.same({}, inv:names())
    end)

    it("refuses too many", function()
      assert.same({ nil, "not enough apple" }, { inv:remove("apple", 9) })
    end)

    it("raises a table for a missing item", function()
      local ok, err = pcall(inv.remove, inv, "kiwi", 1)
      assert.is_false(ok)
      assert.same({ code = "missing", item = "kiwi" }, err)
      assert.has_error(function() inv:remove("kiwi", 1) end, { code = "missing", item = "kiwi" })
    end)
  end)

  describe("value", function()
    it("multiplies quantities and prices", function()
      inv:add("apple", 3, 50)
      inv:add("pear", 2, 70)
      assert.equal(290, inv:value())
    end)
    pending("applies discounts")
  end)

  describe("storage", function()
    local storage

    setup(function()
      storage = { load = function() return { apple = { qty = 1, price = 10 } } end,
                  save = function() return true end }
    end)

    teardown(function()
      storage = nil
    end)

    it("loads what the storage has", function()
      local s = stub(storage, "load").returns({ fig = { qty = 4, price = 5 } })
      local loaded = Inventory.new(storage)
      assert.stub(s).was.called(1)
      assert.equal(4, loaded.items.fig.qty)
      s:revert()
    end)

    it("saves through the storage", function()
      local m = mock(storage)
      local i = Inventory.new(storage)
      assert.is_true(i:save())
      assert.spy(m.save).was.called(1)
      assert.spy(m.load).was.called(1)
      assert.stub(m.save).was.returned_with(true)
      mock.revert(m)
    end)

    it("spies on a method", function()
      local s = spy.on(storage, "save")
      Inventory.new(storage):save()
      assert.spy(s).was.called()
      storage.save:revert()
    end)

    it("has a stubbed method that returns nothing", function()
      stub(storage, "save")
      assert.is_nil(Inventory.new(storage):save())
      storage.save:revert()
    end)
  end)

  it("formats items with the helper's formatter", function()
    inv:add("apple", 3, 50)
    assert.same({ qty = 3, price = 50 }, inv.items.apple)
  end)

  it("saw the helper", function()
    assert.is_true(SPEC_HELPER_LOADED)
  end)
end)
