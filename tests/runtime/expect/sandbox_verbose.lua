-- -v: tracebacks with failures and errors, and what passing tests printed.
return {
  args = { "-v", "-o", "plainTerminal", "spec/a_output_spec.lua" },
  exit = 1,
  counts = { success = 2, failure = 1 },
  stdout_match = {
    "\nFailure %-> spec/a_output_spec.lua @ 6\noutput prints and fails\nspec/a_output_spec.lua:10: Expected objects to be equal%.",
    "\n\nstack traceback:\n\tspec/a_output_spec.lua:10: in function <spec/a_output_spec.lua:6>\n\nOutput:\nwritten to stdout\nhello b\n",
    "\nSuccess %-> spec/a_output_spec.lua @ 3\noutput prints and passes\nOutput:\nhello a\n",
  },
}
