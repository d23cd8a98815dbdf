local M = { count = 0 }
function M.fail(msg)
  M.count = M.count + 1
  error(msg)
end
function M.fail_at_level(level)
  local function inner()
    error("leveled", level)
  end
  inner()
end
function M.fail_table()
  error({ code = 7 })
end
function M.deep(n)
  if n == 0 then
    error("deep bottom", 0)
  end
  M.count = M.count + 1
  return (M.deep(n - 1))
end
return M
