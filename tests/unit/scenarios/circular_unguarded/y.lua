local x = require "x"
return { x = x }
