-- busted's environments: each file insulated; insulate/expose blocks;
-- globals set by tests stay in the test.
local busted = require("busted")

describe("environments", function()
  insulate("an insulated block", function()
    _G.COMPAT_GLOBAL = "inside"
    package.loaded["textutil"] = nil
    local fresh = require("textutil")

    it("sees its own global", function()
      assert.equal("inside", COMPAT_GLOBAL)
      assert.is_table(fresh)
    end)
  end)

  it("does not see the insulated global", function()
    assert.is_nil(COMPAT_GLOBAL)
  end)

  expose("an exposed block", function()
    _G.COMPAT_EXPOSED = 42
    it("sets it", function() assert.equal(42, COMPAT_EXPOSED) end)
  end)

  it("sees the exposed global", function()
    assert.equal(42, COMPAT_EXPOSED)
  end)

  describe("test-local globals", function()
    it("assigns one", function() LOCAL_TO_TEST = 1 end)
    it("does not see it", function() assert.is_nil(LOCAL_TO_TEST) end)
  end)

  describe("lookups through the blocks", function()
    COMPAT_LEVEL = "outer"
    COMPAT_SHADOW = "describe"
    before_each(function() COMPAT_HOOKED = (COMPAT_HOOKED or 0) + 1 end)

    describe("a nested block", function()
      COMPAT_LEVEL = "inner"
      -- busted reads a block's env as 'env[k] or <parents>': false falls through
      COMPAT_SHADOW = false
      it("sees its own block first", function() assert.equal("inner", COMPAT_LEVEL) end)
      it("reads false as the parent's value", function() assert.equal("describe", COMPAT_SHADOW) end)
      it("sees the hook's global", function() assert.is_number(COMPAT_HOOKED) end)
    end)

    it("sees the outer value", function() assert.equal("outer", COMPAT_LEVEL) end)
    it("shadows for itself only", function()
      COMPAT_LEVEL = "test"
      assert.equal("test", COMPAT_LEVEL)
      assert.is_nil(rawget(_G, "COMPAT_LEVEL"))
    end)
    it("still sees the outer value", function() assert.equal("outer", COMPAT_LEVEL) end)
    it("reads real globals behind the blocks", function()
      _G.COMPAT_REAL = false
      assert.is_false(COMPAT_REAL)
      _G.COMPAT_REAL = nil
      assert.equal(string.format, _G.string.format)
    end)
  end)

  it("gets the same functions from require('busted')", function()
    assert.is_function(busted.describe)
    assert.equal(assert, busted.assert)
    assert.equal(spy, busted.spy)
    assert.equal(stub, busted.stub)
    assert.equal(mock, busted.mock)
    assert.equal(match, busted.match)
  end)
end)

describe("randomized", function()
  randomize(20240229)
  local order = {}
  for i = 1, 5 do
    it("step " .. i, function() order[#order + 1] = i end)
  end
end)
