-- A failing -e statement: the spec file is one error that names it.
return {
  args = { "-e", "error('boom', 0)" },
  exit = 1,
  counts = { success = 0, failure = 0, error = 2, pending = 0 },
  tests = {
    { name = "spec/exec_spec.lua", status = "error",
      message = "failed running the -e statement (error('boom', 0)), error: boom" },
    { name = "spec/xhelper_spec.lua", status = "error",
      message = "failed running the -e statement (error('boom', 0)), error: boom" },
  },
}
