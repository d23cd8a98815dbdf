/*
** lc_conf.c: `.busted` and `.luacov` in a scratch state. The files are
** trusted project code, as under busted and LuaCov; they run with the
** standard libraries and without the test sandbox (no coverage, no limit).
*/
#include "lc_conf.h"

#include <lauxlib.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Runs on the scratch state: (conf, task) -> merged settings, or raises
   with busted's own messages. */
static const char busted_merge[] =
  "local conf, task = ...\n"
  "if type(conf) ~= 'table' then error('.busted file does not return a table.', 0) end\n"
  "local out = {}\n"
  "local function over(t) for k, v in pairs(t) do out[k] = v end end\n"
  "if type(conf._all) == 'table' then over(conf._all) end\n"
  "if task and task ~= '' then\n"
  "  if type(conf[task]) ~= 'table' then\n"
  "    error('Task `' .. task .. '` not found, or not a table.', 0)\n"
  "  end\n"
  "  over(conf[task])\n"
  "elseif type(conf.default) == 'table' then over(conf.default) end\n"
  "return out\n";

/* LuaCov: an environment over _G; the returned table fills what the
   assignments left unset. */
static const char luacov_merge[] =
  "local chunk = ...\n"
  "local env = setmetatable({}, { __index = _G })\n"
  "debug.setupvalue(chunk, 1, env)\n"
  "local ret = chunk()\n"
  "local out = {}\n"
  "for k, v in pairs(env) do out[k] = v end\n"
  "if type(ret) == 'table' then\n"
  "  for k, v in pairs(ret) do if out[k] == nil then out[k] = v end end\n"
  "end\n"
  "return out\n";

static int cmp_key(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Strings of a table, anchored in a fresh table while 'fn' runs: the array
   part (a list), else the string keys and their values (a map). */
static int walk_table(lua_State *L, lc_conf_value *v, lc_conf_fn fn, void *ud) {
  int tv = lua_gettop(L);
  lua_newtable(L);
  int anchor = tv + 1, cnt = 0;
  lua_Integer n = (lua_Integer)lua_rawlen(L, tv);
  lua_pushnil(L);
  int empty = !lua_next(L, tv);
  if (!empty) lua_pop(L, 2);
  if (n > 0 || empty) {
    v->type = LC_CONF_LIST;
    for (lua_Integer j = 1; j <= n; j++) {
      int t = lua_rawgeti(L, tv, j);
      if (t == LUA_TSTRING || t == LUA_TNUMBER) {
        luaL_tolstring(L, -1, NULL);
        lua_rawseti(L, anchor, ++cnt);
      }
      lua_pop(L, 1);
    }
  } else {
    v->type = LC_CONF_MAP;
    lua_pushnil(L);
    while (lua_next(L, tv)) {
      int kt = lua_type(L, -2), vt = lua_type(L, -1);
      if (kt == LUA_TSTRING && (vt == LUA_TSTRING || vt == LUA_TNUMBER)) {
        lua_pushvalue(L, -2);
        lua_rawseti(L, anchor, ++cnt);
        luaL_tolstring(L, -1, NULL);
        lua_rawseti(L, anchor, ++cnt);
      }
      lua_pop(L, 1);
    }
  }
  const char **list = malloc((size_t)(cnt ? cnt : 1) * sizeof *list);
  if (!list) { lua_settop(L, tv); return -1; }
  for (int i = 0; i < cnt; i++) {
    lua_rawgeti(L, anchor, i + 1);
    list[i] = lua_tostring(L, -1);          /* anchored by 'anchor' */
    lua_pop(L, 1);
  }
  v->list = list;
  v->nlist = cnt;
  int rc = fn(ud, v);
  free(list);
  lua_settop(L, tv);
  return rc;
}

/* Calls 'fn' for each string key of the table at the top of the stack. */
static int walk_settings(lua_State *L, lc_conf_fn fn, void *ud) {
  int t = lua_gettop(L);
  int nkeys = 0, cap = 16;
  const char **keys = malloc((size_t)cap * sizeof *keys);
  if (!keys) return -1;
  lua_pushnil(L);
  while (lua_next(L, t)) {
    lua_pop(L, 1);
    if (lua_type(L, -1) != LUA_TSTRING) continue;
    if (nkeys == cap) {
      const char **nk = realloc(keys, (size_t)(cap *= 2) * sizeof *keys);
      if (!nk) { free(keys); lua_pop(L, 1); return -1; }
      keys = nk;
    }
    keys[nkeys++] = lua_tostring(L, -1);   /* anchored by the table */
  }
  qsort(keys, (size_t)nkeys, sizeof *keys, cmp_key);
  int rc = 0;
  for (int i = 0; i < nkeys && rc == 0; i++) {
    lc_conf_value v;
    memset(&v, 0, sizeof v);
    v.key = keys[i];
    lua_getfield(L, t, keys[i]);
    int ty = lua_type(L, -1);
    if (ty == LUA_TSTRING || ty == LUA_TNUMBER) {
      v.type = LC_CONF_STRING;
      lua_pushvalue(L, -1);
      v.str = lua_tostring(L, -1);
      rc = fn(ud, &v);
      lua_pop(L, 1);
    } else if (ty == LUA_TBOOLEAN) {
      v.type = LC_CONF_BOOL;
      v.boolean = lua_toboolean(L, -1);
      rc = fn(ud, &v);
    } else if (ty == LUA_TTABLE) {
      rc = walk_table(L, &v, fn, ud);
    }
    lua_pop(L, 1);
  }
  free(keys);
  return rc;
}

static int file_exists(const char *path) {
  struct stat st;
  return stat(path, &st) == 0;
}

/* Protected part: stack = chunk-source path, merge code, extra arg. */
typedef struct conf_job {
  const char *path, *merge, *task;
  int luacov;
} conf_job;

static int conf_run(lua_State *L) {
  conf_job *j = lua_touserdata(L, 1);
  luaL_openlibs(L);
  if (luaL_loadbufferx(L, j->merge, strlen(j->merge), "=livecov.conf", "t") != LUA_OK)
    return lua_error(L);
  if (luaL_loadfilex(L, j->path, NULL) != LUA_OK) return lua_error(L);
  if (j->luacov) {
    lua_call(L, 1, 1);
  } else {
    lua_call(L, 0, 1);                        /* the file's table */
    if (j->task) lua_pushstring(L, j->task);
    else lua_pushnil(L);
    lua_call(L, 2, 1);
  }
  return 1;
}

static int read_conf(conf_job *j, lc_conf_fn fn, void *ud, char *err, size_t errlen) {
  if (!file_exists(j->path)) return 1;
  lua_State *L = luaL_newstate();
  if (!L) { snprintf(err, errlen, "out of memory"); return -1; }
  lua_pushcfunction(L, conf_run);
  lua_pushlightuserdata(L, j);
  int rc = 0;
  if (lua_pcall(L, 1, 1, 0) != LUA_OK) {
    const char *m = lua_tostring(L, -1);
    snprintf(err, errlen, "%s", m ? m : "error object is not a string");
    rc = -1;
  } else if (lua_istable(L, -1)) {
    rc = walk_settings(L, fn, ud);
    if (rc < 0) snprintf(err, errlen, "out of memory");
  }
  lua_close(L);
  return rc;
}

int lc_conf_busted(const char *path, const char *task, lc_conf_fn fn, void *ud,
                   char *err, size_t errlen) {
  conf_job j = { path, busted_merge, task, 0 };
  return read_conf(&j, fn, ud, err, errlen);
}

static const char shuffle_code[] =
  "local seed, n = ...\n"
  "local t = {}\n"
  "for i = 1, n do t[i] = i - 1 end\n"
  "math.randomseed(seed)\n"
  "for i = n, 2, -1 do\n"
  "  local k = math.random(i)\n"
  "  t[i], t[k] = t[k], t[i]\n"
  "end\n"
  "return t\n";

typedef struct shuffle_job { long seed; int n; int *perm; } shuffle_job;

static int shuffle_run(lua_State *L) {
  shuffle_job *j = lua_touserdata(L, 1);
  luaL_openlibs(L);
  if (luaL_loadbufferx(L, shuffle_code, strlen(shuffle_code), "=livecov.shuffle", "t") != LUA_OK)
    return lua_error(L);
  lua_pushinteger(L, (lua_Integer)j->seed);
  lua_pushinteger(L, j->n);
  lua_call(L, 2, 1);
  for (int i = 0; i < j->n; i++) {
    lua_rawgeti(L, -1, i + 1);
    j->perm[i] = (int)lua_tointeger(L, -1);
    lua_pop(L, 1);
  }
  return 0;
}

int lc_conf_shuffle(long seed, int n, int *perm) {
  lua_State *L = luaL_newstate();
  if (!L) return -1;
  shuffle_job j = { seed, n, perm };
  lua_pushcfunction(L, shuffle_run);
  lua_pushlightuserdata(L, &j);
  int rc = lua_pcall(L, 1, 0, 0) == LUA_OK ? 0 : -1;
  lua_close(L);
  return rc;
}

int lc_conf_luacov(const char *path, lc_conf_fn fn, void *ud, char *err, size_t errlen) {
  conf_job j = { path, luacov_merge, NULL, 1 };
  return read_conf(&j, fn, ud, err, errlen);
}
