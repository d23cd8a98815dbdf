-- timed.lua: runs a workload under the lua5.4 interpreter and prints the
-- CPU seconds of the run (os.clock), compilation excluded, like lc_bench.
local f = assert(loadfile(arg[1]))
local t0 = os.clock()
f()
print(string.format("%.6f 0", os.clock() - t0))
