-- doc/livecov.txt against the code: the generated options section is up to
-- date, every option, command, sign and highlight group is documented, and
-- the help tags are valid.
local T = require("livecov_test")
local config = require("livecov.config")

local doc_path = T.plugin .. "/doc/livecov.txt"
local doc = T.read(doc_path)

T.test("the options section matches the schema (scripts/gen_doc.lua)", function()
  local gen = dofile(T.plugin .. "/scripts/gen_doc.lua")
  local ok, where = gen.check(doc_path)
  T.ok(ok, "doc/livecov.txt is out of date (" .. tostring(where) .. "); regenerate: cmake --build build --target nvim_doc")
end)

T.test("every schema key has a tag, its type and its default in the doc", function()
  for _, e in ipairs(config.schema) do
    T.ok(doc:find("*livecov-config-" .. e.name .. "*", 1, true), "no tag for option " .. e.name)
    T.ok(e.description and #e.description > 0, "option " .. e.name .. " has a description")
    T.ok(type(e.default) == e.type, "default of " .. e.name .. " has type " .. e.type)
  end
  T.ok(doc:find('Default: `{ "livecov", "lsp" }`', 1, true), "cmd default shown")
  T.ok(doc:find("runOnSave = true", 1, true), "settings default shown")
end)

T.test("every command, sign and highlight group is documented", function()
  local cmds = vim.api.nvim_get_commands({})
  local n = 0
  for name in pairs(cmds) do
    if name:match("^Livecov") then
      n = n + 1
      T.ok(doc:find("*:" .. name .. "*", 1, true), "command :" .. name .. " not documented")
    end
  end
  T.ok(n >= 7, "commands defined")
  for _, group in ipairs({ "LivecovCovered", "LivecovUncovered", "LivecovPartial", "LivecovFailed", "LivecovStale",
    "LivecovHits" }) do
    T.ok(doc:find("*hl-" .. group .. "*", 1, true), "highlight " .. group .. " not documented")
  end
  for _, tag in ipairs({ "livecov-trust", "livecov-setup", "livecov-signs", "livecov-diagnostics", "livecov-stale",
    "livecov-health" }) do
    T.ok(doc:find("*" .. tag .. "*", 1, true), "section " .. tag)
  end
end)

T.test("help tags are unique and every |link| to livecov resolves", function()
  local dir = vim.fn.tempname()
  vim.fn.mkdir(dir .. "/doc", "p")
  T.write(dir .. "/doc/livecov.txt", doc)
  local ok, err = pcall(vim.cmd, "helptags " .. vim.fn.fnameescape(dir .. "/doc"))
  T.ok(ok, "helptags: " .. tostring(err))
  local tags = {}
  for line in io.lines(dir .. "/doc/tags") do
    tags[line:match("^(%S+)")] = true
  end
  for link in doc:gmatch("|([%w_.:%-()]+)|") do
    if link:match("^livecov") or link:match("^:Livecov") or link:match("^hl%-Livecov") then
      T.ok(tags[link], "dangling link |" .. link .. "|")
    end
  end
  vim.fn.delete(dir, "rf")
end)
