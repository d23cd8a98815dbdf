-- Method calls through metatables (__index chains, operators).
local scale = tonumber(os.getenv("LC_BENCH_SCALE")) or 1

local Vec = {}
Vec.__index = Vec
function Vec.new(x, y) return setmetatable({ x = x, y = y }, Vec) end
function Vec:add(o) return Vec.new(self.x + o.x, self.y + o.y) end
function Vec:scale(k) return Vec.new(self.x * k, self.y * k) end
function Vec:dot(o) return self.x * o.x + self.y * o.y end
Vec.__add = Vec.add

local Shape = {}
Shape.__index = Shape
function Shape.new(kind) return setmetatable({ kind = kind, moves = 0 }, Shape) end
function Shape:move(d) self.pos = (self.pos or Vec.new(0, 0)) + d; self.moves = self.moves + 1 end
function Shape:area() return 0 end

local Circle = setmetatable({}, { __index = Shape })
Circle.__index = Circle
function Circle.new(r) local c = Shape.new("circle"); c.r = r; return setmetatable(c, Circle) end
function Circle:area() return 3.14159 * self.r * self.r end

local Rect = setmetatable({}, { __index = Shape })
Rect.__index = Rect
function Rect.new(w, h) local s = Shape.new("rect"); s.w, s.h = w, h; return setmetatable(s, Rect) end
function Rect:area() return self.w * self.h end

local shapes = {}
for i = 1, 100 do
  shapes[i] = i % 2 == 0 and Circle.new(i) or Rect.new(i, i + 1)
end
local sum = 0
local d = Vec.new(1, 2)
for _ = 1, math.floor(20000 * scale) do
  for i = 1, #shapes do
    local s = shapes[i]
    s:move(d:scale(0.5))
    sum = sum + s:area() + s.pos:dot(d)
  end
end
return sum
