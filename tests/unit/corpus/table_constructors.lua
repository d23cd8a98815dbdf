local function make(x)
  return {
    1,
    2,
    x,
    name = "n",
    ["key"] =
      x * 2,
    nested = {
      a = 1,
      b = {
        x,
      },
    },
    f = function(y)
      return y
    end,
  }
end

local t = make(3)
t.f(1)

local big = {
  "a", "b", "c", "d", "e", "f", "g", "h", "i", "j",
  "k", "l", "m", "n", "o", "p", "q", "r", "s", "t",
  "u", "v", "w", "x", "y", "z", "A", "B", "C", "D",
  "E", "F", "G", "H", "I", "J", "K", "L", "M", "N",
  "O", "P", "Q", "R", "S", "T", "U", "V", "W", "X",
  "Y", "Z",
}
print(#big)
