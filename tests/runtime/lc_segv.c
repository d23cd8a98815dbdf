/*
** lc_segv.c: a Lua C module that crashes when it is loaded (require
** "lc_segv"), for the sandbox test of a worker that dies by a signal.
** It uses no Lua API, so it links against nothing.
*/
int luaopen_lc_segv(void *L);

int luaopen_lc_segv(void *L) {
  volatile int *p = (volatile int *)0;
  (void)L;
  *p = 42;
  return 0;
}
