local y = require "y"
return { y = y }
