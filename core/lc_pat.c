/*
** lc_pat.c: Lua pattern matching through a scratch lua_State.
*/
#include "lc_pat.h"

#include <lauxlib.h>
#include <lualib.h>
#include <stdio.h>

static lua_State *scratch;

static int find(lua_State *L) {
  const char *s = lua_tostring(L, 1), *p = lua_tostring(L, 2);
  lua_getglobal(L, "string");
  lua_getfield(L, -1, "find");
  lua_pushstring(L, s);
  lua_pushstring(L, p);
  lua_call(L, 2, 1);
  return 1;
}

int lc_pat_find(const char *pattern, const char *s, char *err, unsigned errlen) {
  if (!scratch) {
    scratch = luaL_newstate();
    if (!scratch) return -1;
    luaL_requiref(scratch, LUA_STRLIBNAME, luaopen_string, 1);
    lua_pop(scratch, 1);
  }
  lua_State *L = scratch;
  lua_pushcfunction(L, find);
  lua_pushstring(L, s);
  lua_pushstring(L, pattern);
  if (lua_pcall(L, 2, 1, 0) != LUA_OK) {
    if (err) snprintf(err, errlen, "bad pattern '%s': %s", pattern, lua_tostring(L, -1));
    lua_pop(L, 1);
    return -1;
  }
  int r = !lua_isnil(L, -1);
  lua_pop(L, 1);
  return r;
}

void lc_pat_shutdown(void) {
  if (scratch) lua_close(scratch);
  scratch = NULL;
}
