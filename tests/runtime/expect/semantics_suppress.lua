-- --suppress-pending: no pending mark, count or entry in the output (the
-- --json report keeps them).
return {
  args = { "--suppress-pending", "-o", "plainTerminal", "spec/tags_spec.lua" },
  exit = 0,
  counts = { success = 4, pending = 1 },
  stdout_match = { "^%+%+%+%+\n4 successes / 0 failures / 0 errors / 0 pending : " },
  stdout_nomatch = { "Pending" },
}
