/*
** lc_overlay.c: loaders that prefer an editor's unsaved buffer.
** A registry table maps real paths to buffer texts; the wrappers resolve a
** file name with realpath and fall through to the previous loader (upvalue)
** when it has no overlay, so behaviour without overlays is unchanged.
*/
#include "lc_overlay.h"

#include <lauxlib.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

static const char table_key = 't';

typedef struct hookinfo { lc_overlay_loaded fn; void *ud; } hookinfo;

/* Pushes the overlay text of 'fname', or returns 0 and pushes nothing. */
static int find(lua_State *L, const char *fname) {
  char buf[PATH_MAX];
  if (!fname || !realpath(fname, buf)) return 0;
  lua_rawgetp(L, LUA_REGISTRYINDEX, &table_key);
  if (lua_getfield(L, -1, buf) != LUA_TSTRING) {
    lua_pop(L, 2);
    return 0;
  }
  lua_remove(L, -2);
  return 1;
}

/* Loads the overlay text on top for file 'fname': replaces it with the
   function, or with an error message (returns the load status). */
static int load_text(lua_State *L, const char *fname, const char *mode) {
  size_t len;
  const char *text = lua_tolstring(L, -1, &len);
  lua_pushfstring(L, "@%s", fname);
  int st = luaL_loadbufferx(L, text, len, lua_tostring(L, -1), mode);
  lua_remove(L, -2);                 /* chunk name */
  lua_remove(L, -2);                 /* text */
  if (st == LUA_OK) {
    hookinfo *h = lua_touserdata(L, lua_upvalueindex(2));
    if (h && h->fn) h->fn(h->ud, L);
  }
  return st;
}

/* Calls the previous function (upvalue 1) with this call's arguments. */
static int previous(lua_State *L) {
  int n = lua_gettop(L);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, n, LUA_MULTRET);
  return lua_gettop(L);
}

static int o_loadfile(lua_State *L) {
  const char *fname = luaL_optstring(L, 1, NULL);
  if (!find(L, fname)) return previous(L);
  const char *mode = luaL_optstring(L, 2, NULL);
  int env = !lua_isnone(L, 3) ? 3 : 0;
  if (load_text(L, fname, mode) != LUA_OK) {
    luaL_pushfail(L);
    lua_insert(L, -2);
    return 2;
  }
  if (env) {                          /* as loadfile: 'env' is the 1st upvalue */
    lua_pushvalue(L, env);
    if (!lua_setupvalue(L, -2, 1)) lua_pop(L, 1);
  }
  return 1;
}

static int dofile_cont(lua_State *L, int status, lua_KContext ctx) {
  (void)status; (void)ctx;
  return lua_gettop(L) - 1;
}

static int o_dofile(lua_State *L) {
  const char *fname = luaL_optstring(L, 1, NULL);
  if (!find(L, fname)) return previous(L);
  lua_settop(L, 2);
  if (load_text(L, fname, NULL) != LUA_OK) return lua_error(L);
  lua_remove(L, 2);
  lua_callk(L, 0, LUA_MULTRET, 0, dofile_cont);
  return dofile_cont(L, 0, 0);
}

/* package.searchers[2]: same search as Lua's (package.searchpath over
   package.path), then the overlay when the found file has one. */
static int o_searcher(lua_State *L) {
  const char *name = luaL_checkstring(L, 1);
  lua_getglobal(L, "package");
  lua_getfield(L, -1, "searchpath");
  lua_pushstring(L, name);
  lua_getfield(L, -3, "path");
  if (!lua_isfunction(L, -3) || !lua_isstring(L, -1)) {
    lua_settop(L, 1);
    return previous(L);
  }
  lua_call(L, 2, 1);
  const char *filename = lua_tostring(L, -1);
  if (!filename || !find(L, filename)) {
    lua_settop(L, 1);
    return previous(L);
  }
  if (load_text(L, filename, NULL) != LUA_OK)
    return luaL_error(L, "error loading module '%s' from file '%s':\n\t%s",
                      name, filename, lua_tostring(L, -1));
  lua_pushstring(L, filename);
  return 2;
}

/* Replaces t[k] (t on top) with 'f' closed over the old value and 'h'. */
static void wrap(lua_State *L, int key_is_int, const char *k, int ik, lua_CFunction f, int hidx) {
  if (key_is_int) lua_rawgeti(L, -1, ik);
  else lua_getfield(L, -1, k);
  lua_pushvalue(L, hidx);
  lua_pushcclosure(L, f, 2);
  if (key_is_int) lua_rawseti(L, -2, ik);
  else lua_setfield(L, -2, k);
}

int lc_overlay_install(lua_State *L, const lc_overlay *v, int n,
                       lc_overlay_loaded loaded, void *ud) {
  if (n <= 0) return 0;
  if (!lua_checkstack(L, 8)) return -1;
  lua_createtable(L, 0, n);
  for (int i = 0; i < n; i++) {
    lua_pushlstring(L, v[i].text, v[i].len);
    lua_setfield(L, -2, v[i].path);
  }
  lua_rawsetp(L, LUA_REGISTRYINDEX, &table_key);
  hookinfo *h = lua_newuserdatauv(L, sizeof *h, 0);    /* lives in the closures */
  h->fn = loaded;
  h->ud = ud;
  int hidx = lua_gettop(L);
  lua_pushglobaltable(L);
  wrap(L, 0, "loadfile", 0, o_loadfile, hidx);
  wrap(L, 0, "dofile", 0, o_dofile, hidx);
  lua_pop(L, 1);
  lua_getglobal(L, "package");
  if (lua_getfield(L, -1, "searchers") == LUA_TTABLE) wrap(L, 1, NULL, 2, o_searcher, hidx);
  lua_pop(L, 3);
  return 0;
}
