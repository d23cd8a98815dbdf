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

typedef struct dumpbuf {
  unsigned char *p;
  size_t n, cap;
  int oom;
} dumpbuf;

static int writer(lua_State *L, const void *p, size_t sz, void *ud) {
  (void)L;
  dumpbuf *b = ud;
  if (b->n + sz > b->cap) {
    size_t ncap = b->cap ? b->cap : 4096;
    while (ncap < b->n + sz) ncap *= 2;
    unsigned char *np = realloc(b->p, ncap);
    if (!np) { b->oom = 1; return 1; }
    b->p = np;
    b->cap = ncap;
  }
  memcpy(b->p + b->n, p, sz);
  b->n += sz;
  return 0;
}

int lc_lines_of_function(lua_State *L, int idx, lc_lines_fn fn, void *ud) {
  dumpbuf b = { NULL, 0, 0, 0 };
  lua_pushvalue(L, idx);
  int st = lua_dump(L, writer, &b, 0);
  lua_pop(L, 1);
  if (b.oom) { free(b.p); return LC_CHUNK_ENOMEM; }
  if (st != 0) { free(b.p); return LC_CHUNK_EHEADER; }  /* not a Lua function */
  lc_chunk c;
  int err = lc_chunk_parse(b.p, b.n, &c);
  free(b.p);
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
