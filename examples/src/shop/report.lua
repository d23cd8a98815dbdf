-- Report: not required by any spec, so every line is reported uncovered.
local report = {}

function report.lines(cart)
  local out = {}
  for _, item in ipairs(cart.items) do
    out[#out + 1] = string.format("%-10s x%d %s", item.name, item.qty, item.price:format())
  end
  return out
end

return report
