return { v =
  "viapath" }
