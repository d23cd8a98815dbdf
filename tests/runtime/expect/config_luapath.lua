-- LUA_PATH from the environment is honoured (after --lpath, as busted).
return {
  env = "LUA_PATH='vendor/?.lua;;'",
  exit = 0,
  counts = { success = 4 },
  loaded = { ["tests/integration/flow_test.lua"] = { "tests/helper.lua", "tests/integration/flow_test.lua",
                                                 "vendor/shout.lua" } },
}
