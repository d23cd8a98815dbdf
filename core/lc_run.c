/*
** lc_run.c: one test file in a fresh sandboxed state.
** Builds the state (memory-capped allocator, standard libraries, package
** paths, os.exit trap), attaches the coverage recorder, then hands control
** to the test runtime (runtime/busted.lua, compiled into this library),
** which calls back into the 'host' functions below for every test.
*/
#include "lc_run.h"
#include "lc_instr.h"
#include "lc_runtime.h"      /* generated: lc_runtime_src[], lc_runtime_len */

#include <lauxlib.h>
#include <lualib.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef struct run_ctx {
  const lc_run_opts *o;
  lc_cov *cov;
  lc_instr *instr;            /* instrument mode, or NULL (hook mode) */
  lc_run_summary *sum;
  const char *path;
  size_t used, limit;
  int oom;
  char **reads;               /* files reported through on_read */
  int nreads, capreads;
  char *running;              /* name of the test in progress, or NULL */
  double t0;                  /* when it started (ms) */
} run_ctx;

const char *lc_status_name(lc_status s) {
  switch (s) {
    case LC_SUCCESS: return "success";
    case LC_FAILURE: return "failure";
    case LC_ERROR: return "error";
    case LC_PENDING: return "pending";
  }
  return "error";
}

/* The allocator enforces the memory limit: failing makes Lua raise "not
   enough memory" in the allocating code, which ends that test as an error. */
static void *lalloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  run_ctx *x = ud;
  if (ptr == NULL) osize = 0;
  if (nsize == 0) {
    free(ptr);
    x->used -= osize;
    return NULL;
  }
  if (x->limit && nsize > osize && x->used + (nsize - osize) > x->limit) {
    x->oom = 1;
    return NULL;
  }
  void *np = realloc(ptr, nsize);
  if (np) x->used = x->used - osize + nsize;
  return np;
}

static int in_root(const char *root, const char *path);

static run_ctx *ctx_of(lua_State *L) {
  return lua_touserdata(L, lua_upvalueindex(1));
}

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int h_now(lua_State *L) {
  lua_pushnumber(L, now_ms());
  return 1;
}

/* Wall-clock time in seconds (busted.gettime). */
static int h_gettime(lua_State *L) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  lua_pushnumber(L, (double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
  return 1;
}

/* busted.sleep(seconds) */
static int h_sleep(lua_State *L) {
  double s = luaL_checknumber(L, 1);
  if (s > 0) {
    struct timespec ts;
    ts.tv_sec = (time_t)s;
    ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
    while (nanosleep(&ts, &ts) != 0) {}
  }
  return 0;
}

/* A seed when the caller gave none (busted: /dev/urandom or os.time()). */
static int h_random_seed(lua_State *L) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  unsigned long v = (unsigned long)ts.tv_nsec ^ ((unsigned long)ts.tv_sec << 16)
                  ^ ((unsigned long)getpid() << 8);
  lua_pushinteger(L, (lua_Integer)(v & 0x7fffffff));
  return 1;
}

/* Real absolute path of a file, or nil when it does not exist. */
static int h_realpath(lua_State *L) {
  char buf[PATH_MAX];
  const char *p = luaL_checkstring(L, 1);
  if (realpath(p, buf)) lua_pushstring(L, buf);
  else lua_pushnil(L);
  return 1;
}

/* true once the memory limit has refused an allocation */
static int h_oom(lua_State *L) {
  lua_pushboolean(L, ctx_of(L)->oom);
  return 1;
}

/* registry: the running test's draft record (host.test_begin's 2nd argument) */
static const char draft_key = 'd';

static int h_test_begin(lua_State *L) {
  run_ctx *x = ctx_of(L);
  const char *name = luaL_optstring(L, 1, "");
  lua_settop(L, 2);
  if (!lua_istable(L, 2)) { lua_pushnil(L); lua_replace(L, 2); }
  lua_rawsetp(L, LUA_REGISTRYINDEX, &draft_key);
  x->t0 = now_ms();
  free(x->running);
  x->running = strdup(name);
  if (x->o->on_test_start) x->o->on_test_start(x->o->ud, name);
  if (x->o->per_test) {
    lc_instr_sync(x->instr, L);
    lc_cov_test_begin(x->cov);
  }
  return 0;
}

static const char *field_str(lua_State *L, int t, const char *k) {
  lua_getfield(L, t, k);
  const char *s = lua_isstring(L, -1) ? lua_tostring(L, -1) : NULL;
  lua_pop(L, 1);   /* the string stays alive in the result table */
  return s;
}

static lua_Integer field_int(lua_State *L, int t, const char *k) {
  lua_getfield(L, t, k);
  lua_Integer v = lua_isinteger(L, -1) ? lua_tointeger(L, -1)
                : (lua_isnumber(L, -1) ? (lua_Integer)lua_tonumber(L, -1) : 0);
  lua_pop(L, 1);
  return v;
}

static lc_status parse_status(const char *s) {
  if (!s) return LC_ERROR;
  if (strcmp(s, "success") == 0) return LC_SUCCESS;
  if (strcmp(s, "failure") == 0) return LC_FAILURE;
  if (strcmp(s, "pending") == 0) return LC_PENDING;
  return LC_ERROR;
}

/* host.test_end(r): r = { name, path = {...}, line, status, message, trace,
   fail_file, fail_line, ms }. Reports the result with its coverage. */
/* No test runs until the next test_begin: an os.exit or a stop then is
   the spec file's. */
static void end_window(lua_State *L, run_ctx *x) {
  free(x->running);
  x->running = NULL;
  lua_pushnil(L);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &draft_key);
}

static int h_test_end(lua_State *L) {
  run_ctx *x = ctx_of(L);
  luaL_checktype(L, 1, LUA_TTABLE);
  lc_cov_point *pts = NULL;
  int npts = 0;
  if (x->o->per_test) {
    lc_instr_sync(x->instr, L);
    npts = lc_cov_test_end(x->cov, &pts);
    if (npts < 0) npts = 0;
  }
  lc_test_result r;
  memset(&r, 0, sizeof r);
  r.name = field_str(L, 1, "name");
  if (!r.name) r.name = "";
  r.file = x->path;
  r.line = (int)field_int(L, 1, "line");
  r.status = parse_status(field_str(L, 1, "status"));
  r.message = field_str(L, 1, "message");
  r.trace = field_str(L, 1, "trace");
  r.fail_file = field_str(L, 1, "fail_file");
  r.fail_line = (int)field_int(L, 1, "fail_line");
  r.kind = field_str(L, 1, "kind");
  lua_getfield(L, 1, "ms");
  r.ms = lua_tonumber(L, -1);
  lua_pop(L, 1);
  /* path: a list of strings */
  const char *pathbuf[64];
  lua_getfield(L, 1, "path");
  if (lua_istable(L, -1)) {
    lua_Integer n = luaL_len(L, -1);
    for (lua_Integer i = 1; i <= n && r.npath < 64; i++) {
      lua_rawgeti(L, -1, i);
      if (lua_isstring(L, -1)) pathbuf[r.npath++] = lua_tostring(L, -1);
      lua_pop(L, 1);   /* strings stay alive in the 'path' table */
    }
  }
  r.path = pathbuf;
  r.points = pts;
  r.npoints = npts;
  switch (r.status) {
    case LC_SUCCESS: x->sum->success++; break;
    case LC_FAILURE: x->sum->failure++; break;
    case LC_ERROR: x->sum->error++; break;
    case LC_PENDING: x->sum->pending++; break;
  }
  if (x->o->on_test) x->o->on_test(x->o->ud, &r);
  lua_pop(L, 1);
  free(pts);
  end_window(L, x);
  return 0;
}

/* Ends per-test tracking without a result (e.g. the spec file's own body). */
static int h_test_discard(lua_State *L) {
  run_ctx *x = ctx_of(L);
  if (x->o->per_test) {
    lc_cov_point *pts = NULL;
    lc_instr_sync(x->instr, L);
    lc_cov_test_end(x->cov, &pts);
    free(pts);
  }
  end_window(L, x);
  return 0;
}

/*
** The running test ends here without returning (os.exit, or a stop): settle
** the counts of the frames that end, and hand the caller an error result
** with the first project frame from stack level 'level' on.
*/
static void report_end(lua_State *L, run_ctx *x, int level, const char *msg, int code) {
  lc_instr_abandon(x->instr, L);        /* counts of frames that end here */
  if (x->o->on_exit_result) {
    char file[PATH_MAX];
    const char *pathbuf[64];
    lc_test_result r;
    memset(&r, 0, sizeof r);
    r.name = x->running ? x->running : x->path;
    r.path = (const char **)&r.name;
    r.npath = 1;
    r.file = x->path;
    r.status = LC_ERROR;
    r.message = msg;
    r.ms = x->running ? now_ms() - x->t0 : 0;
    lua_Debug ar;
    for (; lua_getstack(L, level, &ar); level++) {
      if (!lua_getinfo(L, "Sl", &ar) || ar.currentline <= 0 || ar.source[0] != '@') continue;
      const char *src = ar.source + 1;
      char joined[PATH_MAX];
      if (src[0] != '/') {
        snprintf(joined, sizeof joined, "%s/%s", x->o->root, src);
        src = joined;
      }
      if (realpath(src, file) && in_root(x->o->root, file)) {
        r.fail_file = file;
        r.fail_line = ar.currentline;
      }
      break;
    }
    /* the runtime's draft: the test's path, line and kind (its strings
       stay alive in the registry while the caller runs) */
    if (x->running && lua_checkstack(L, 4)
        && lua_rawgetp(L, LUA_REGISTRYINDEX, &draft_key) == LUA_TTABLE) {
      int d = lua_gettop(L);
      r.line = (int)field_int(L, d, "line");
      r.kind = field_str(L, d, "kind");
      if (lua_getfield(L, d, "path") == LUA_TTABLE) {
        int n = 0;
        for (lua_Integer i = 1; i <= luaL_len(L, -1) && n < 64; i++) {
          lua_rawgeti(L, -1, i);
          if (lua_isstring(L, -1)) pathbuf[n++] = lua_tostring(L, -1);
          lua_pop(L, 1);
        }
        r.path = pathbuf;
        r.npath = n;
      }
    }
    lc_cov_point *pts = NULL;
    if (x->running && x->o->per_test) {
      r.npoints = lc_cov_test_end(x->cov, &pts);
      if (r.npoints < 0) r.npoints = 0;
      r.points = pts;
    }
    x->o->on_exit_result(x->o->ud, &r, code);
    free(pts);
  } else if (x->o->on_exit && code != LC_RUN_STOPPED) {
    x->o->on_exit(x->o->ud, code);
  }
}

/* os.exit inside a test: let the caller end the process (after it has
   saved what ran so far), or else turn the exit into an error. */
static int h_exit(lua_State *L) {
  run_ctx *x = ctx_of(L);
  int code;
  if (lua_isboolean(L, 1)) code = lua_toboolean(L, 1) ? 0 : 1;
  else code = (int)luaL_optinteger(L, 1, 0);
  char msg[64];
  snprintf(msg, sizeof msg, "os.exit(%d) called", code);
  report_end(L, x, 1, msg, code);
  return luaL_error(L, "%s", msg);
}

/* {====================================================== interrupt */

/* The file in progress, for lc_run_interrupt: a process runs one at a time
   (a worker), and a signal handler has no other way to reach it. */
static run_ctx *volatile running_ctx;
static lua_State *volatile running_L;

static void stop_hook(lua_State *L, lua_Debug *ar) {
  (void)ar;
  run_ctx *x = running_ctx;
  lua_sethook(L, NULL, 0, 0);
  if (!x) return;
  const char *msg = x->o->stop_message ? x->o->stop_message : "stopped";
  report_end(L, x, 0, msg, LC_RUN_STOPPED);   /* level 0: the hooked function */
  luaL_error(L, "%s", msg);
}

int lc_run_interrupt(void) {
  lua_State *L = running_L;
  if (!L) return 0;
  const int mask = LUA_MASKCALL | LUA_MASKRET | LUA_MASKLINE | LUA_MASKCOUNT;
  lua_sethook(L, stop_hook, mask, 1);
  lua_State *co = lc_instr_resumed();
  if (co) lua_sethook(co, stop_hook, mask, 1);
  run_ctx *x = running_ctx;
  if (x && !x->instr) lc_cov_interrupt(x->cov, stop_hook);   /* hook mode: any thread */
  return 1;
}

/* }====================================================== */

/* A Lua 5.4 interpreter on PATH ("lua5.4", else "lua"), for the spec's
   arg[-1]: tests that start Lua again (penlight's app.lua does) look there,
   as busted's arg table has the interpreter that runs busted. */
static int find_interpreter(char *out, size_t n) {
  static const char *const names[] = { "lua5.4", "lua" };
  const char *path = getenv("PATH");
  if (!path) return 0;
  for (size_t k = 0; k < sizeof names / sizeof *names; k++) {
    for (const char *p = path; ; ) {
      const char *colon = strchr(p, ':');
      size_t len = colon ? (size_t)(colon - p) : strlen(p);
      if (len > 0 && (size_t)snprintf(out, n, "%.*s/%s", (int)len, p, names[k]) < n
          && access(out, X_OK) == 0)
        return 1;
      if (!colon) break;
      p = colon + 1;
    }
  }
  return 0;
}

/* {====================================================== files read */

static int in_root(const char *root, const char *path) {
  size_t n = strlen(root);
  if (n == 1 && root[0] == '/') return 1;
  return strncmp(root, path, n) == 0 && path[n] == '/';
}

/* A file opened for reading: report it once if it is under the root. */
static void note_read(run_ctx *x, const char *name) {
  char buf[PATH_MAX];
  if (!x->o->on_read || !realpath(name, buf) || !in_root(x->o->root, buf)) return;
  for (int i = 0; i < x->nreads; i++)
    if (!strcmp(x->reads[i], buf)) return;
  if (x->nreads == x->capreads) {
    int ncap = x->capreads ? x->capreads * 2 : 16;
    char **nv = realloc(x->reads, (size_t)ncap * sizeof *nv);
    if (!nv) return;
    x->reads = nv;
    x->capreads = ncap;
  }
  if (!(x->reads[x->nreads] = strdup(buf))) return;
  x->nreads++;
  x->o->on_read(x->o->ud, buf);
}

/* Copies argument 1 when it is a file name (a string), else "". */
static void name_arg(lua_State *L, char *out, size_t n) {
  out[0] = '\0';
  if (lua_type(L, 1) == LUA_TSTRING) {
    size_t len;
    const char *s = lua_tolstring(L, 1, &len);
    if (len < n && strlen(s) == len) memcpy(out, s, len + 1);
  }
}

/* io.open and io.lines: the originals (upvalue 2), noting files read. */
static int l_io_open(lua_State *L) {
  run_ctx *x = lua_touserdata(L, lua_upvalueindex(1));
  char name[PATH_MAX];
  name_arg(L, name, sizeof name);
  int reading = lua_type(L, 2) != LUA_TSTRING || strchr(lua_tostring(L, 2), 'r') != NULL;
  int nargs = lua_gettop(L);
  lua_pushvalue(L, lua_upvalueindex(2));
  lua_insert(L, 1);
  lua_call(L, nargs, LUA_MULTRET);
  if (name[0] && reading && !lua_isnoneornil(L, 1)) note_read(x, name);
  return lua_gettop(L);
}

static int l_io_lines(lua_State *L) {
  run_ctx *x = lua_touserdata(L, lua_upvalueindex(1));
  char name[PATH_MAX];
  name_arg(L, name, sizeof name);
  int nargs = lua_gettop(L);
  lua_pushvalue(L, lua_upvalueindex(2));
  lua_insert(L, 1);
  lua_call(L, nargs, LUA_MULTRET);   /* raises when the file cannot be opened */
  if (name[0]) note_read(x, name);
  return lua_gettop(L);
}

static void wrap_io(lua_State *L, run_ctx *x, const char *field, lua_CFunction f) {
  lua_getglobal(L, "io");
  lua_pushlightuserdata(L, x);
  lua_getfield(L, -2, field);
  lua_pushcclosure(L, f, 2);
  lua_setfield(L, -2, field);
  lua_pop(L, 1);
}

/* }====================================================== */

static void push_list(lua_State *L, const char *const *v, int n) {
  lua_createtable(L, n, 0);
  for (int i = 0; i < n; i++) {
    lua_pushstring(L, v[i]);
    lua_rawseti(L, -2, i + 1);
  }
}

/* Prepends 'pre' to package[field], folding ";;" as busted does. */
static void prepend_path(lua_State *L, const char *field, const char *pre) {
  if (!pre || !*pre) return;
  lua_getglobal(L, "package");
  lua_getfield(L, -1, field);
  const char *cur = lua_tostring(L, -1);
  lua_pushfstring(L, "%s;%s", pre, cur ? cur : "");
  luaL_gsub(L, lua_tostring(L, -1), ";;", ";");
  lua_setfield(L, -4, field);
  lua_pop(L, 3);
}

static void set_bool(lua_State *L, const char *k, int v) {
  lua_pushboolean(L, v);
  lua_setfield(L, -2, k);
}

/* Overlay chunks go through instrumentation like files read from disk. */
static int instr_loaded(void *ud, lua_State *L) {
  return lc_instr_function(ud, L);
}

static int traceback(lua_State *L) {
  const char *msg = lua_tostring(L, 1);
  if (msg == NULL && !lua_isnoneornil(L, 1)) return 1;  /* keep error objects */
  luaL_traceback(L, L, msg, 1);
  return 1;
}

/* Runs the runtime chunk; everything after this point is Lua. */
static int run_protected(lua_State *L) {
  run_ctx *x = lua_touserdata(L, 1);
  const lc_run_opts *o = x->o;
  luaL_openlibs(L);
  if (o->noverlays && lc_overlay_install(L, o->overlays, o->noverlays,
                                         x->instr ? instr_loaded : NULL, x->instr) != 0)
    return luaL_error(L, "not enough memory for the editor's buffers");
  prepend_path(L, "path", o->lpath);
  prepend_path(L, "cpath", o->cpath);
  lua_getglobal(L, "os");
  lua_pushlightuserdata(L, x);
  lua_pushcclosure(L, h_exit, 1);
  lua_setfield(L, -2, "exit");
  lua_pop(L, 1);
  wrap_io(L, x, "open", l_io_open);
  wrap_io(L, x, "lines", l_io_lines);
  if (luaL_loadbufferx(L, (const char *)lc_runtime_src, lc_runtime_len,
                       "=livecov.runtime", "t") != LUA_OK)
    return lua_error(L);
  /* host table */
  lua_newtable(L);
  static const luaL_Reg fns[] = {
    { "test_begin", h_test_begin }, { "test_end", h_test_end },
    { "test_discard", h_test_discard }, { "now", h_now }, { "gettime", h_gettime },
    { "sleep", h_sleep }, { "random_seed", h_random_seed }, { "realpath", h_realpath },
    { "oom", h_oom }, { NULL, NULL } };
  lua_pushlightuserdata(L, x);
  luaL_setfuncs(L, fns, 1);
  lua_pushstring(L, x->path);
  lua_setfield(L, -2, "spec");
  char interp[PATH_MAX];
  if (find_interpreter(interp, sizeof interp)) {
    lua_pushstring(L, interp);
    lua_setfield(L, -2, "interpreter");
  }
  lua_pushstring(L, o->root);
  lua_setfield(L, -2, "root");
  push_list(L, o->helpers, o->nhelpers);
  lua_setfield(L, -2, "helpers");
  push_list(L, o->exec, o->nexec);
  lua_setfield(L, -2, "exec");
  push_list(L, o->helper_args, o->nhelper_args);
  lua_setfield(L, -2, "helper_args");
  push_list(L, o->tags, o->ntags);
  lua_setfield(L, -2, "tags");
  push_list(L, o->exclude_tags, o->nexclude_tags);
  lua_setfield(L, -2, "exclude_tags");
  push_list(L, o->filter, o->nfilter);
  lua_setfield(L, -2, "filter");
  push_list(L, o->filter_out, o->nfilter_out);
  lua_setfield(L, -2, "filter_out");
  set_bool(L, "shuffle", o->shuffle);
  set_bool(L, "sort", o->sort);
  set_bool(L, "lazy", o->lazy);
  set_bool(L, "no_auto_insulate", o->no_auto_insulate);
  set_bool(L, "no_keep_going", o->no_keep_going);
  set_bool(L, "list", o->list);
  lua_pushinteger(L, o->seed);
  lua_setfield(L, -2, "seed");
  if (o->mem_limit % (1024 * 1024) == 0)
    lua_pushfstring(L, "%d MB", (int)(o->mem_limit / (1024 * 1024)));
  else
    lua_pushfstring(L, "%I bytes", (lua_Integer)o->mem_limit);
  lua_setfield(L, -2, "mem_limit_text");
  lua_call(L, 1, 0);
  return 0;
}

int lc_run_file(const lc_run_opts *o, const char *path, lc_cov *cov,
                lc_run_summary *sum) {
  run_ctx x;
  memset(&x, 0, sizeof x);
  memset(sum, 0, sizeof *sum);
  x.o = o;
  x.cov = cov;
  x.sum = sum;
  x.path = path;
  x.limit = o->mem_limit;
  lua_State *L = lua_newstate(lalloc, &x);
  if (!L) return -1;
  if (o->coverage_mode == LC_COVERAGE_INSTRUMENT) {
    x.instr = lc_instr_attach(cov, L, o->root);
    if (!x.instr) {
      lua_close(L);
      return -1;
    }
  } else if (lc_cov_attach(cov, L, o->root) != 0) {
    lua_close(L);
    return -1;
  }
  running_ctx = &x;
  running_L = L;
  lua_pushcfunction(L, traceback);
  lua_pushcfunction(L, run_protected);
  lua_pushlightuserdata(L, &x);
  if (lua_pcall(L, 1, 0, -3) != LUA_OK) {
    /* Only reached when the runtime itself broke (or memory ran out
       outside any test): report it as one error so nothing is silent. */
    lc_test_result r;
    memset(&r, 0, sizeof r);
    const char *msg = lua_tostring(L, -1);
    r.name = path;
    r.file = path;
    r.status = LC_ERROR;
    r.message = msg ? msg : "error object is not a string";
    sum->error++;
    if (o->on_test) o->on_test(o->ud, &r);
  }
  running_L = NULL;
  running_ctx = NULL;
  sum->oom = x.oom;
  if (x.instr) lc_instr_detach(x.instr, L);
  else lc_cov_detach(cov, L);
  lua_close(L);
  for (int i = 0; i < x.nreads; i++) free(x.reads[i]);
  free(x.reads);
  free(x.running);
  return 0;
}
