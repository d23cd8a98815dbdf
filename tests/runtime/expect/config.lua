-- .busted: `default` over `_all` (ROOT, pattern, lpath, helper,
-- exclude-tags); the helper's custom assertion and global are seen.
return {
  exit = 0,
  counts = { success = 4 },
  names = { "flow uses LUA_PATH when it is set", "flow is not a greeting",
            "greet says hello #fast", "greet saw the helper" },
}
