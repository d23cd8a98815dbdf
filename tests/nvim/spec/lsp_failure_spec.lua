-- Against the real server: a failing test shows as an ERROR diagnostic at
-- the failing line, with one LivecovFailed sign and no second livecov mark;
-- the server's uncovered hints are not drawn as signs.
local T = require("livecov_test")

local root = T.project("failing")
T.setup({ trusted_roots = { root } })

-- spec/calc_spec.lua line 9: assert.are.equal(5, calc.div(8, 2))
local FAIL_LINE = 9

local spec_buf = T.open(root .. "/spec/calc_spec.lua")
vim.cmd("silent write")
T.sync(spec_buf)

T.test("the failing assertion is an ERROR diagnostic at its line", function()
  local diags = T.wait(function()
    local d = vim.diagnostic.get(spec_buf, { severity = vim.diagnostic.severity.ERROR })
    return #d > 0 and d
  end, 10000, "an error diagnostic in the spec")
  T.eq(1, #diags, "exactly one error")
  T.eq(FAIL_LINE - 1, diags[1].lnum, "0-based line of the failing assertion")
  T.match("Expected objects to be equal", diags[1].message)
end)

T.test("the failed line has one livecov sign, LivecovFailed", function()
  T.wait(function()
    return T.signs(spec_buf)[FAIL_LINE] ~= nil
  end, 10000, "a livecov sign on the failing line")
  local signs = T.signs(spec_buf) -- asserts one sign per line
  T.eq("LivecovFailed", signs[FAIL_LINE])
  T.eq({ FAIL_LINE }, T.lines_with(spec_buf, "LivecovFailed"))
end)

T.test("summary counts one failure", function()
  local _, data = require("livecov.client").get(spec_buf)
  T.wait(function()
    return data.summary and not data.summary.running
  end, 10000, "a summary")
  T.eq(1, data.summary.tests.failure, vim.inspect(data.summary))
  T.eq(1, data.summary.tests.success)
end)

T.test("uncovered hints are diagnostics but not drawn as diagnostic signs", function()
  local buf = T.open(root .. "/src/calc.lua")
  T.sync(buf)
  local hints = T.wait(function()
    local d = vim.diagnostic.get(buf, { severity = vim.diagnostic.severity.HINT })
    return #d > 0 and d
  end, 10000, "uncovered hints in src/calc.lua")
  T.ok(#hints >= 1)
  for _, placed in ipairs(vim.fn.sign_getplaced(buf, { group = "*" })[1].signs) do
    T.ok(not placed.name:match("^DiagnosticSign"), "diagnostic sign drawn: " .. placed.name .. " line " .. placed.lnum)
  end
  T.eq("LivecovUncovered", T.signs(buf)[16])
end)
