local calc = require "calc"
return {
  twice = function(x)
    return calc.add(x, x)
  end,
}
