-- The script fails after some lines ran: those lines still count.
local m = require "part"
print(m.f(2))
local t = nil
print("before")
local x = t.field
print("never")
