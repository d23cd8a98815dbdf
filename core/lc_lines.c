/*
** lc_lines.c: executable lines from a function's binary dump.
** Mirrors collectvalidlines in ldebug.c: every instruction's line counts,
** except the first instruction (OP_VARARGPREP) of a vararg function.
*/
#include "lc_lines.h"
#include "lc_chunk.h"

#include <lauxlib.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int lc_lines_of_function(lua_State *L, int idx, lc_lines_fn fn, void *ud) {
  unsigned char *buf;
  size_t n;
  lua_pushvalue(L, idx);
  int st = lc_chunk_dump(L, 0, &buf, &n);
  lua_pop(L, 1);
  if (st != LC_CHUNK_OK) return st;
  lc_chunk c;
  int err = lc_chunk_parse(buf, n, &c);
  free(buf);
  if (err) return err;
  int stop = 0;
  for (int i = 0; i < c.nprotos && !stop; i++) {
    const lc_proto *p = &c.protos[i];
    for (int pc = p->is_vararg ? 1 : 0; pc < p->nlines && !stop; pc++)
      stop = fn(ud, p->lines[pc]);
  }
  lc_chunk_free(&c);
  return 0;
}

int lc_lines_of_file(const char *path, lc_lines_fn fn, void *ud,
                     char *err, size_t errlen) {
  lua_State *L = luaL_newstate();
  if (!L) {
    snprintf(err, errlen, "%s: out of memory", path);
    return -1;
  }
  int rc = 0;
  if (luaL_loadfilex(L, path, "t") != LUA_OK) {
    const char *msg = lua_tostring(L, -1);
    snprintf(err, errlen, "%s", msg ? msg : "cannot load file");
    rc = -1;
  } else {
    int e = lc_lines_of_function(L, -1, fn, ud);
    if (e) {
      snprintf(err, errlen, "%s: %s", path, lc_chunk_strerror(e));
      rc = -1;
    }
  }
  lua_close(L);
  return rc;
}
