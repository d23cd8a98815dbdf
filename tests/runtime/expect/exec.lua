-- busted -e: each statement runs in every spec's state before the helpers;
-- -Xhelper: a helper's arg while it loads.
return {
  args = { "-e", "EXEC_FLAG = 42", "-e", "EXEC_ORDER = 'a'",
           "-e", "EXEC_ORDER = EXEC_ORDER .. ',b'", "-e", "XHELPER_EXPECT = 'x,y,z'",
           "--helper", "helper.lua", "-Xhelper", "x,y", "-Xhelper", "z" },
  exit = 0,
  counts = { success = 4, failure = 0, error = 0, pending = 0 },
}
