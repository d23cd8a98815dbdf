-- --run unit: that task over `_all` only (no helper there, so the custom
-- assertion is unknown: an error, as under busted); its output = "TAP".
return {
  args = { "--run", "unit" },
  exit = 1,
  counts = { error = 1 },
  tests = { { name = "greet says hello #fast", status = "error",
              message = "tests/unit/greet_test.lua:4: luassert: unknown modifier/assertion: 'is_greeting'" } },
  stdout_match = { "^not ok 1 %- greet says hello #fast\n", "\n1%.%.1\n$" },
}
