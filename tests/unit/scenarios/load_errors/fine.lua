return { x = "fine" }
