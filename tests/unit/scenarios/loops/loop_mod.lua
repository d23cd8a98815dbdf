local M = {}
function M.run(n)
  local acc = {}
  for i = 1, n do
    for j = 1, i do
      acc[#acc + 1] = i * j
    end
  end
  return #acc
end
return M
