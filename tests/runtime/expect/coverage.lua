-- Per-test coverage: the lines each test ran (its hooks included, code in
-- coroutines included), and the files each spec loaded (required,
-- dofile'd, read through io.open).
return {
  exit = 1,
  counts = { success = 7, failure = 1 },
  lines = {
    ["shapes area"] = { ["src/shapes.lua"] = { 3, 6 } },
    ["shapes negative"] = { ["src/shapes.lua"] = { 3, 4, 6 } },
    ["shapes square"] = { ["src/shapes.lua"] = { 3, 6, 9, 10 } },
    ["shapes only the hook"] = { ["src/shapes.lua"] = { 3, 6 } },
    ["shapes in a coroutine"] = { ["src/shapes.lua"] = { 3, 6, 15, 16, 17, 18, 19 } },
    ["shapes fails after running code"] = { ["src/shapes.lua"] = { 3, 6, 9, 12 } },
    ["config reads a data file"] = { ["src/config.lua"] = { 3, 4, 5, 6 } },
    ["config dofiles a module"] = { ["src/extra.lua"] = { 1 } },
  },
  loaded = {
    ["spec/shapes_spec.lua"] = { "spec/shapes_spec.lua", "src/shapes.lua" },
    ["spec/config_spec.lua"] = { "spec/config_spec.lua", "src/config.lua", "src/extra.lua", "data/settings.ini" },
  },
  check = function(doc)
    local want = {
      ["src/shapes.lua"] = "1:1 2:1 3:8 4:1 6:7 7:1 8:1 9:2 10:1 12:1 13:1 14:1 15:2 16:3 17:2 18:1 19:2 20:1 21:1",
      ["src/config.lua"] = "1:1 2:1 3:1 4:1 5:1 6:1 7:1 8:1",
      ["src/extra.lua"] = "1:1",
    }
    for _, f in ipairs(doc.files) do
      local l = {}
      for _, p in ipairs(f.lines) do l[#l + 1] = p[1] .. ":" .. p[2] end
      assert(table.concat(l, " ") == want[f.path], f.path .. ": " .. table.concat(l, " "))
    end
  end,
}
