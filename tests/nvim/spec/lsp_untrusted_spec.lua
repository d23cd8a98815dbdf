-- Against the real server: an untrusted project runs nothing and says so
-- once; :LivecovTrust lets it run.
local T = require("livecov_test")

local root = T.project("calc")
local log = T.capture_notify()
T.setup({})

local function trust_messages()
  local n = 0
  for _, m in ipairs(log) do
    if m.msg:find("not trusted", 1, true) then
      n = n + 1
    end
  end
  return n
end

local buf = T.open(root .. "/src/calc.lua")

T.test("opening a file of an untrusted project says how to trust it, once", function()
  T.eq(1, trust_messages())
  local msg
  for _, m in ipairs(log) do
    if m.msg:find("not trusted", 1, true) then
      msg = m.msg
    end
  end
  T.match("trusted_roots", msg)
  T.match(":LivecovTrust", msg)
  T.open(root .. "/spec/calc_spec.lua")
  T.eq(1, trust_messages(), "no second message for the same root")
  vim.cmd("buffer " .. buf)
end)

T.test("the server got runTests = false and runs nothing on save", function()
  local c, data = require("livecov.client").get(buf)
  T.eq(false, c.config.init_options.livecov.runTests)
  T.eq(false, data.trusted)
  vim.cmd("silent write")
  T.sync(buf)
  vim.wait(200)
  T.eq({}, T.signs(buf))
end)

T.test(":LivecovSummary says runs are disabled", function()
  local _, data = require("livecov.client").get(buf)
  T.wait(function()
    return data.summary
  end, 5000, "a summary")
  T.eq(true, data.summary.disabled)
  vim.cmd("LivecovSummary")
  local text = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), "\n")
  vim.cmd("close")
  T.match("disabled", text)
  T.match("not trusted", text)
end)

T.test(":LivecovTrust lets the project run", function()
  vim.cmd("LivecovTrust")
  vim.cmd("silent write")
  T.sync(buf)
  T.wait(function()
    return #T.lines_with(buf, "LivecovUncovered") > 0
  end, 10000, "coverage after trusting")
end)
