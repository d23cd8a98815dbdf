-- What goes wrong, and how busted counts it.
local textutil = require("textutil")

describe("failures", function()
  it("fails an equality", function()
    assert.are.equal("a-b", textutil.slug("A B C"))
  end)

  it("fails a deep comparison", function()
    assert.are.same({ 1, { 2, 3 } }, { 1, { 2, 4 } })
  end)

  it("fails with a message", function()
    assert.is_true(false, "the flag should be set")
  end)

  it("fails a plain assert", function()
    assert(1 == 2, "one is not two")
  end)

  it("errors in library code", function()
    textutil.ratio(1, 0)
  end)

  it("errors with a table", function()
    error({ reason = "custom" })
  end)

  it("is pending inside", function()
    pending("not written yet")
    error("never reached")
  end)

  it("errors in finally after passing", function()
    finally(function() error("cleanup failed") end)
  end)

  describe("a failing before_each", function()
    before_each(function() error("setup broke") end)
    it("is not run", function() end)
    it("is not run either", function() end)
  end)

  describe("a failing after_each", function()
    after_each(function() assert.is_true(false) end)
    it("passes, then the hook errs", function() end)
  end)

  describe("a failing lazy_setup", function()
    lazy_setup(function() error("lazy broke") end)
    it("is skipped", function() end)
    it("is skipped too", function() end)
  end)

  describe("a failing describe body", function()
    it("is never run", function() end)
    local x = nil
    x.field = 1
  end)
end)
