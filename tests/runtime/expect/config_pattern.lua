-- A command-line flag wins over .busted: -p _spec.
return {
  args = { "-p", "_spec" },
  exit = 0,
  names = { "ignored matches only _spec" },
}
