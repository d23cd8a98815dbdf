local M = {}
function M.fib(n)
  if n < 2 then return n end
  return M.fib(n - 1) + M.fib(n - 2)
end
function M.ackermann(m, n)
  if m == 0 then return n + 1 end
  if n == 0 then return M.ackermann(m - 1, 1) end
  return M.ackermann(m - 1, M.ackermann(m, n - 1))
end
return M
