-- --list: the tests by file:line and name, nothing run (no hook either).
return {
  args = { "--list", "spec/tags_spec.lua", "spec/order_spec.lua" },
  exit = 0,
  check = function(doc, stdout)
    -- files in the order given (busted's ROOT order)
    local want = table.concat({
      "spec/tags_spec.lua:2: tags #unit fast one #fast",
      "spec/tags_spec.lua:3: tags #unit slow one #slow",
      "spec/tags_spec.lua:4: tags #unit plain one",
      "spec/tags_spec.lua:6: tags #unit nested #slow inside slow",
      "spec/tags_spec.lua:8: tags #unit pending #fast",
      "spec/order_spec.lua:13: order inner runs",
      "spec/order_spec.lua:20: check saw the hooks in busted's order",
      "spec/order_spec.lua:29: randomize t2", "spec/order_spec.lua:29: randomize t6",
      "spec/order_spec.lua:29: randomize t5", "spec/order_spec.lua:29: randomize t4",
      "spec/order_spec.lua:29: randomize t1", "spec/order_spec.lua:29: randomize t3", "" }, "\n")
    assert(stdout == want, "--list printed:\n" .. stdout)
  end,
}
