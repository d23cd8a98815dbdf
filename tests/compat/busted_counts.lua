-- An output handler for Debian's busted (-o tests/compat/busted_counts.lua)
-- that prints what livecov_counts.lua prints from livecov's --json report:
--   counts <successes> <failures> <errors> <pending>   (busted's own counts)
--   <status>\t<full name>\t<first line of the message>  (sorted)
--   order\t<file>\t<full name>                          (per file, as run)
return function(options)
  local busted = require 'busted'
  local handler = require 'busted.outputHandlers.base'()
  local file
  local order = {}

  local function first_line(m)
    if m == nil then return "" end
    return (tostring(m):match("^[^\n]*"))
  end

  busted.subscribe({ 'file', 'start' }, function(element)
    file = element.name
    return nil, true
  end)
  busted.subscribe({ 'test', 'end' }, function(element)
    order[#order + 1] = { file = file, name = handler.getFullName(element), n = #order }
    return nil, true
  end)

  handler.suiteEnd = function()
    local lines = {}
    local function add(list, status)
      for _, t in ipairs(list) do
        -- busted names a file-level error "suite <file>"; livecov "<file>"
        local name = tostring(t.name):gsub("^suite ", "")
        lines[#lines + 1] = status .. "\t" .. name .. "\t" .. first_line(t.message)
      end
    end
    add(handler.successes, "success")
    add(handler.failures, "failure")
    add(handler.errors, "error")
    add(handler.pendings, "pending")
    table.sort(lines)
    io.write(string.format("counts %d %d %d %d\n", handler.successesCount,
      handler.failuresCount, handler.errorsCount, handler.pendingsCount))
    for _, l in ipairs(lines) do io.write(l, "\n") end
    table.sort(order, function(a, b)
      if a.file ~= b.file then return a.file < b.file end
      return a.n < b.n
    end)
    for _, o in ipairs(order) do io.write("order\t", o.file, "\t", o.name, "\n") end
    io.flush()
    return nil, true
  end

  busted.subscribe({ 'suite', 'end' }, handler.suiteEnd)
  return handler
end
