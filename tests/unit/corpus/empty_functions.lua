local function a() end
local function b()
end
local function c(x, y)

end
local t = { f = function() end }
function t.g() end
function t:h()
  -- only a comment
end

a() b() c() t.f() t.g() t:h()
