-- a module that is only a return
return {
  answer = 42,
  name = "x",
}
