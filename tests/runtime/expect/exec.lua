-- busted -e: each statement runs in every spec's state before the helpers.
return {
  args = { "-e", "EXEC_FLAG = 42", "-e", "EXEC_ORDER = 'a'",
           "-e", "EXEC_ORDER = EXEC_ORDER .. ',b'" },
  exit = 0,
  counts = { success = 2, failure = 0, error = 0, pending = 0 },
}
