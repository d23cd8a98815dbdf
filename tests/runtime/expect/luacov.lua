-- .luacov decides which files are reported: `modules` (module -> file, or
-- "name.*" -> directory) include, `exclude` patterns remove.
return {
  exit = 0,
  counts = { success = 2 },
  check = function(doc)
    local paths = {}
    for _, f in ipairs(doc.files) do paths[#paths + 1] = f.path end
    assert(table.concat(paths, " ") == "src/app.lua src/app/util.lua", "files: " .. table.concat(paths, " "))
  end,
  lines = { ["app runs"] = { ["src/app.lua"] = { 1 }, ["src/app/util.lua"] = { 1, 2, 3, 4, 5 } },
            ["app loads the rest"] = {} },
}
