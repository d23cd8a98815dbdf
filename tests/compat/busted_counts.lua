-- An output handler for Debian's busted (-o tests/compat/busted_counts.lua):
-- prints the counts busted's own terminal handlers show, and each counted
-- item as "status<TAB>full name<TAB>first line of the message", one a line,
-- sorted, so that livecov's results can be compared with busted's.
return function(options)
  local busted = require 'busted'
  local handler = require 'busted.outputHandlers.base'()

  local function first_line(m)
    if m == nil then return "" end
    return (tostring(m):match("^[^\n]*"))
  end

  handler.suiteEnd = function()
    local lines = {}
    local function add(list, status)
      for _, t in ipairs(list) do
        lines[#lines + 1] = status .. "\t" .. tostring(t.name) .. "\t" .. first_line(t.message)
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
    io.flush()
    return nil, true
  end

  busted.subscribe({ 'suite', 'end' }, handler.suiteEnd)
  return handler
end
