-- A task that is not a table: busted's message, exit status 2.
return {
  args = { "--run", "broken" },
  no_report = true,
  exit = 2,
  check = function(doc, stdout, stderr)
    assert(stderr:find("Task `broken` not found, or not a table.", 1, true), stderr)
  end,
}
