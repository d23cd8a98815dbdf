local s = "a\
b\z
      c"
local u = "\u{48}\x49\074"
local function f()
  return 'x' .. "\
y"
end
print(s, u, f())
