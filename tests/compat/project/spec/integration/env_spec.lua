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
