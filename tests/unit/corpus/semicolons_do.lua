;;;
do end
do
  local a = 1
  do
    local b = a
  end
end
local function f() ; end
f();
