-- gen_doc.lua: writes the options section of doc/livecov.txt from the
-- config schema (lua/livecov/config.lua), so the two cannot drift.
--
-- Regenerate: `cmake --build build --target nvim_doc`, or from editors/nvim:
--   nvim --headless --noplugin -u NONE --cmd "set rtp^=." \
--     -c "lua dofile('scripts/gen_doc.lua').write('doc/livecov.txt')" -c "qa!"
-- tests/nvim/spec/doc_spec.lua fails when the file is not up to date.
--
-- The generated part is everything between the line holding
-- *livecov-options* and the next line of "=" characters.

local M = {}

local WIDTH = 78

local function tagline(left, tag)
  local pad = WIDTH - #left - #tag
  return left .. string.rep(" ", math.max(1, pad)) .. tag
end

local function indent(text, n)
  local out = {}
  for line in (text .. "\n"):gmatch("(.-)\n") do
    table.insert(out, line == "" and "" or (string.rep(" ", n) .. line))
  end
  return out
end

--- Reflows `text` (paragraphs separated by blank lines) to `width` columns,
--- indented by `n`.
local function wrap(text, width, n)
  local out = {}
  for para in (text .. "\n\n"):gmatch("(.-)\n%s*\n") do
    local line = ""
    for word in para:gmatch("%S+") do
      if line ~= "" and vim.fn.strdisplaywidth(line .. " " .. word) > width - n then
        table.insert(out, string.rep(" ", n) .. line)
        line = word
      else
        line = line == "" and word or (line .. " " .. word)
      end
    end
    if line ~= "" then
      table.insert(out, string.rep(" ", n) .. line)
    end
    table.insert(out, "")
  end
  while out[#out] == "" do
    table.remove(out)
  end
  return out
end

local function inline(v)
  return vim.inspect(v, { newline = " ", indent = "" })
end

--- The generated lines of the options section.
function M.options_lines()
  local schema = require("livecov.config").schema
  local lines = {}
  for _, e in ipairs(schema) do
    table.insert(lines, "")
    table.insert(lines, tagline(e.name, "*livecov-config-" .. e.name .. "*"))
    table.insert(lines, "      Type: `" .. e.type .. "`")
    local shown = e.default_help
    if not shown and #inline(e.default) <= 60 then
      table.insert(lines, "      Default: `" .. inline(e.default) .. "`")
    else
      table.insert(lines, "      Default: >")
      vim.list_extend(lines, indent(shown or vim.inspect(e.default), 8))
      table.insert(lines, "<")
    end
    table.insert(lines, "")
    vim.list_extend(lines, wrap(vim.trim(e.description), WIDTH, 6))
  end
  table.insert(lines, "")
  return lines
end

--- `text` (the whole doc) with its options section regenerated.
function M.render(text)
  local lines = vim.split(text, "\n", { plain = true })
  local start, stop
  for i, line in ipairs(lines) do
    if not start and line:find("*livecov-options*", 1, true) then
      start = i
    elseif start and i > start and line:match("^=+$") then
      stop = i
      break
    end
  end
  assert(start and stop, "doc has no *livecov-options* section followed by a ===== line")
  local out = {}
  for i = 1, start do
    table.insert(out, lines[i])
  end
  -- Keep the hand-written introduction: up to the first generated entry.
  local intro_end = start
  for i = start + 1, stop - 1 do
    if lines[i]:match("^%S+%s+%*livecov%-config%-[%w_]+%*$") and require("livecov.config").by_name[lines[i]:match("^(%S+)")] then
      break
    end
    intro_end = i
  end
  for i = start + 1, intro_end do
    table.insert(out, lines[i])
  end
  while out[#out] == "" do
    table.remove(out)
  end
  vim.list_extend(out, M.options_lines())
  for i = stop, #lines do
    table.insert(out, lines[i])
  end
  return table.concat(out, "\n")
end

local function read(path)
  local f = assert(io.open(path, "r"))
  local s = f:read("*a")
  f:close()
  return s
end

--- Rewrites the doc in place.
function M.write(path)
  local text = M.render(read(path))
  local f = assert(io.open(path, "w"))
  f:write(text)
  f:close()
end

--- true when the doc is up to date, else false and the first differing line.
function M.check(path)
  local have = read(path)
  local want = M.render(have)
  if have == want then
    return true
  end
  local a, b = vim.split(have, "\n", { plain = true }), vim.split(want, "\n", { plain = true })
  for i = 1, math.max(#a, #b) do
    if a[i] ~= b[i] then
      return false, ("line %d: have %q, want %q"):format(i, a[i] or "<eof>", b[i] or "<eof>")
    end
  end
  return false, "differs"
end

return M
