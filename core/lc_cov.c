/*
** lc_cov.c: the coverage recorder and its line hook.
** The hook is the hot path: per line event it finds the running function's
** file (cached per activation record; else from the source pointer, "S"),
** and bumps a counter in a flat array. Everything that costs more (hashing
** a path, realpath, computing executable lines) happens once per loaded
** chunk, when a source pointer is seen for the first time.
**
** Source pointers are stable only while the chunk's prototypes live, so the
** first closure seen for each new file-backed source (nearly always the
** chunk's main function, because nested closures are made by running it) is
** anchored in the registry until the state closes: its address cannot be
** reused meanwhile.
**
** User code calling debug.sethook does not end recording: the state's
** debug.sethook/gethook are replaced by versions that chain the user's hook
** behind the recorder's (see "user hooks").
*/
#include "lc_cov.h"
#include "lc_lines.h"

#include <lauxlib.h>
#include <lualib.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ACT_SLOTS 64              /* activation cache size, a power of two */

/* Source-pointer map entry: 'file' is -1 for files outside the root. */
typedef struct srcslot { const char *src; int file; } srcslot;

struct lc_cov {
  lc_cov_file **files;
  int nfiles, capfiles;
  int *pathtab;              /* open addressing: index into files, or -1 */
  int pathcap;               /* power of two */
  srcslot *srctab;
  int srccap, srcused;       /* power of two */
  const char *last_src;      /* one-entry cache in front of srctab */
  lc_cov_file *last_file;
  char *root;
  uint64_t events;
  /* files of recent activation records (see on_line) */
  struct actslot { const void *ci; lua_State *L; lc_cov_file *file; } act[ACT_SLOTS];
  /* per-test tracking: a file's seen_[line] == testgen once noted */
  int testing;
  uint32_t testgen;
  uint32_t curgen;           /* testgen while testing, else 0 */
  lc_cov_point *points;
  int npoints, cappoints;
  int anchors;               /* closures anchored so far */
  lua_Hook volatile stop;    /* lc_cov_interrupt: run at the next event, once */
};

static const char anchor_key = 'a';   /* registry key of the anchor table */

/* {====================================================== file records */

static uint64_t hash_str(const char *s) {
  uint64_t h = 1469598103934665603ull;          /* FNV-1a */
  for (; *s; s++) { h ^= (unsigned char)*s; h *= 1099511628211ull; }
  return h;
}

static int path_rehash(lc_cov *c, int ncap) {
  int *nt = malloc((size_t)ncap * sizeof *nt);
  if (!nt) return -1;
  for (int i = 0; i < ncap; i++) nt[i] = -1;
  for (int i = 0; i < c->nfiles; i++) {
    size_t h = (size_t)hash_str(c->files[i]->path) & (size_t)(ncap - 1);
    while (nt[h] >= 0) h = (h + 1) & (size_t)(ncap - 1);
    nt[h] = i;
  }
  free(c->pathtab);
  c->pathtab = nt;
  c->pathcap = ncap;
  return 0;
}

lc_cov *lc_cov_new(void) {
  lc_cov *c = calloc(1, sizeof *c);
  if (!c) return NULL;
  if (path_rehash(c, 64) != 0) { free(c); return NULL; }
  return c;
}

void lc_cov_free(lc_cov *c) {
  if (!c) return;
  for (int i = 0; i < c->nfiles; i++) {
    free(c->files[i]->path);
    free(c->files[i]->hits);
    free(c->files[i]->exec);
    free(c->files[i]->seen_);
    free(c->files[i]);
  }
  free(c->files);
  free(c->pathtab);
  free(c->srctab);
  free(c->points);
  free(c->root);
  free(c);
}

int lc_cov_nfiles(const lc_cov *c) { return c->nfiles; }
lc_cov_file *lc_cov_file_at(lc_cov *c, int i) {
  return (i >= 0 && i < c->nfiles) ? c->files[i] : NULL;
}
uint64_t lc_cov_events(const lc_cov *c) { return c->events; }

lc_cov_file *lc_cov_find(lc_cov *c, const char *path) {
  size_t h = (size_t)hash_str(path) & (size_t)(c->pathcap - 1);
  while (c->pathtab[h] >= 0) {
    if (strcmp(c->files[c->pathtab[h]]->path, path) == 0)
      return c->files[c->pathtab[h]];
    h = (h + 1) & (size_t)(c->pathcap - 1);
  }
  return NULL;
}

lc_cov_file *lc_cov_get(lc_cov *c, const char *path) {
  lc_cov_file *f = lc_cov_find(c, path);
  if (f) return f;
  if ((c->nfiles + 1) * 2 > c->pathcap && path_rehash(c, c->pathcap * 2) != 0)
    return NULL;
  if (c->nfiles == c->capfiles) {
    int ncap = c->capfiles ? c->capfiles * 2 : 16;
    lc_cov_file **nv = realloc(c->files, (size_t)ncap * sizeof *nv);
    if (!nv) return NULL;
    c->files = nv;
    c->capfiles = ncap;
  }
  f = calloc(1, sizeof *f);
  if (!f) return NULL;
  f->path = strdup(path);
  if (!f->path) { free(f); return NULL; }
  f->maxline = -1;
  f->id = c->nfiles;
  c->files[c->nfiles++] = f;
  size_t h = (size_t)hash_str(path) & (size_t)(c->pathcap - 1);
  while (c->pathtab[h] >= 0) h = (h + 1) & (size_t)(c->pathcap - 1);
  c->pathtab[h] = f->id;
  return f;
}

int lc_cov_reserve(lc_cov_file *f, int line) {
  if (line <= f->maxline) return 0;
  if (line < 0 || line >= INT_MAX / 2) return -1;
  int ncap = f->maxline < 63 ? 64 : (f->maxline + 1) * 2;
  while (ncap <= line) ncap *= 2;
  uint64_t *nh = realloc(f->hits, (size_t)ncap * sizeof *nh);
  if (!nh) return -1;
  f->hits = nh;
  unsigned char *ne = realloc(f->exec, (size_t)ncap);
  if (!ne) return -1;
  f->exec = ne;
  uint32_t *ns = realloc(f->seen_, (size_t)ncap * sizeof *ns);
  if (!ns) return -1;
  f->seen_ = ns;
  int old = f->maxline + 1;
  memset(f->hits + old, 0, (size_t)(ncap - old) * sizeof *nh);
  memset(f->exec + old, 0, (size_t)(ncap - old));
  memset(f->seen_ + old, 0, (size_t)(ncap - old) * sizeof *ns);
  f->maxline = ncap - 1;
  return 0;
}

int lc_cov_add_hits(lc_cov_file *f, int line, uint64_t hits) {
  if (lc_cov_reserve(f, line) != 0) return -1;
  f->hits[line] += hits;
  return 0;
}

int lc_cov_mark_exec(lc_cov_file *f, int line) {
  if (line < 0) return 0;
  if (lc_cov_reserve(f, line) != 0) return -1;
  f->exec[line] = 1;
  return 0;
}

static int mark_cb(void *ud, int line) {
  return lc_cov_mark_exec(ud, line) != 0;
}

int lc_cov_exec_from_file(lc_cov_file *f, char *err, size_t errlen) {
  return lc_lines_of_file(f->path, mark_cb, f, err, errlen);
}

/* }====================================================== */

/* {====================================================== source map */

/*
** Maps the source pointers of file-backed chunks ("@name") to file records.
** Every pointer in the map belongs to a chunk whose first closure seen was
** anchored, so the string cannot be freed and its address cannot be reused
** while the state lives. Other sources (code loaded from a string, "=name")
** are told apart by their first byte and never enter the map: they need no
** anchor and cannot go stale.
*/

static size_t hash_ptr(const void *p, int cap) {
  uintptr_t x = (uintptr_t)p;
  x ^= x >> 17;
  x *= 0xed5ad4bbu;
  x ^= x >> 11;
  return (size_t)x & (size_t)(cap - 1);
}

static int src_rehash(lc_cov *c, int ncap) {
  srcslot *nt = calloc((size_t)ncap, sizeof *nt);
  if (!nt) return -1;
  for (int i = 0; i < c->srccap; i++) {
    if (!c->srctab[i].src) continue;
    size_t h = hash_ptr(c->srctab[i].src, ncap);
    while (nt[h].src) h = (h + 1) & (size_t)(ncap - 1);
    nt[h] = c->srctab[i];
  }
  free(c->srctab);
  c->srctab = nt;
  c->srccap = ncap;
  return 0;
}

static srcslot *src_find(lc_cov *c, const char *src) {
  if (c->srccap == 0) return NULL;
  size_t h = hash_ptr(src, c->srccap);
  while (c->srctab[h].src) {
    if (c->srctab[h].src == src) return &c->srctab[h];
    h = (h + 1) & (size_t)(c->srccap - 1);
  }
  return NULL;
}

static int src_insert(lc_cov *c, const char *src, int file) {
  if ((c->srcused + 1) * 2 > c->srccap &&
      src_rehash(c, c->srccap ? c->srccap * 2 : 64) != 0)
    return -1;
  size_t h = hash_ptr(src, c->srccap);
  while (c->srctab[h].src) h = (h + 1) & (size_t)(c->srccap - 1);
  c->srctab[h].src = src;
  c->srctab[h].file = file;
  c->srcused++;
  return 0;
}

/* Absolute, normalised path of a chunk name "@path"; NULL if no memory. */
static char *resolve_path(const char *root, const char *name) {
  char buf[PATH_MAX];
  char *abs;
  if (name[0] == '/' || !root) {
    abs = strdup(name);
  } else {
    size_t n = strlen(root) + strlen(name) + 2;
    abs = malloc(n);
    if (abs) snprintf(abs, n, "%s/%s", root, name);
  }
  if (!abs) return NULL;
  if (realpath(abs, buf)) {
    free(abs);
    return strdup(buf);
  }
  /* The file is gone: fold "./" and "//" lexically so names still agree. */
  char *w = abs;
  for (const char *r = abs; *r;) {
    if (r[0] == '/' && r[1] == '/') { r++; continue; }
    if (r[0] == '/' && r[1] == '.' && r[2] == '/') { r += 2; continue; }
    *w++ = *r++;
  }
  *w = '\0';
  return abs;
}

static int in_root(const char *root, const char *path) {
  if (!root) return 1;
  size_t n = strlen(root);
  if (n == 1 && root[0] == '/') return 1;
  return strncmp(root, path, n) == 0 && path[n] == '/';
}

/*
** First sight of a file-backed source pointer: find the file, anchor the
** running closure, mark the executable lines of its prototype tree. Runs
** inside the hook, where 'ar' describes the running function ("S" filled).
** The first closure of a chunk to run is nearly always its main function;
** when it is not (string.dump + load, or a chunk whose main function ran
** while hooks were off), the file itself is compiled as well, so the record
** still holds every executable line of the file.
*/
static lc_cov_file *src_new(lc_cov *c, lua_State *L, lua_Debug *ar) {
  lc_cov_file *f = NULL;
  int is_main = ar->linedefined == 0;
  const char *src = ar->source;
  char *path = resolve_path(c->root, src + 1);
  /* Only the project's files are recorded: libraries such as luassert
     are neither reported nor worth a counter. */
  if (path && in_root(c->root, path)) f = lc_cov_get(c, path);
  free(path);
  if (!lua_getinfo(L, "f", ar)) return NULL;   /* pushes the running closure */
  /* Anchor first: an entry in the map must never outlive its string (a
     memory error here leaves no entry behind). */
  if (lua_rawgetp(L, LUA_REGISTRYINDEX, &anchor_key) != LUA_TTABLE) {
    lua_pop(L, 2);
    return NULL;
  }
  lua_pushvalue(L, -2);
  lua_rawseti(L, -2, ++c->anchors);
  lua_pop(L, 1);
  if (src_insert(c, src, f ? f->id : -1) != 0) {
    lua_pop(L, 1);
    return NULL;
  }
  c->last_src = src;
  c->last_file = f;
  if (f) {
    f->loads++;
    lc_lines_of_function(L, -1, mark_cb, f);
    if (!is_main) {
      char err[256];
      lc_lines_of_file(f->path, mark_cb, f, err, sizeof err);  /* best effort */
    }
  }
  lua_pop(L, 1);
  return f;
}

/* }====================================================== */

/* {====================================================== recording */

/* Grows the per-test points; 0 or -1 on no memory. */
static int points_reserve(lc_cov *c) {
  if (c->npoints < c->cappoints) return 0;
  int ncap = c->cappoints ? c->cappoints * 2 : 256;
  lc_cov_point *np = realloc(c->points, (size_t)ncap * sizeof *np);
  if (!np) return -1;
  c->points = np;
  c->cappoints = ncap;
  return 0;
}

/* A line whose 'seen_' mark is not the running test's: note it once. */
static void note_point(lc_cov *c, lc_cov_file *f, int line) {
  if (!c->testing || points_reserve(c) != 0) return;
  f->seen_[line] = c->testgen;
  c->points[c->npoints].file = f->id;
  c->points[c->npoints].line = line;
  c->npoints++;
}

static inline void count_line(lc_cov *c, lc_cov_file *f, int line) {
  if (line > f->maxline && lc_cov_reserve(f, line) != 0) return;
  f->hits[line]++;
  if (f->seen_[line] != c->curgen) note_point(c, f, line);
}

int lc_cov_record(lc_cov *c, lc_cov_file *f, int line, uint64_t n) {
  if (line < 0) return 0;
  if (line > f->maxline && lc_cov_reserve(f, line) != 0) return -1;
  f->hits[line] += n;
  if (f->seen_[line] != c->curgen) note_point(c, f, line);
  return 0;
}

/* The file of the running function, from its source pointer; NULL when
   it is not recorded (not a file, or outside the root). */
static lc_cov_file *file_of(lc_cov *c, lua_State *L, lua_Debug *ar) {
  if (!lua_getinfo(L, "S", ar)) return NULL;
  const char *src = ar->source;
  if (src == c->last_src) return c->last_file;
  if (src[0] != '@') return NULL;      /* a string chunk, "=name", C */
  srcslot *s = src_find(c, src);
  if (!s) return src_new(c, L, ar);    /* caches it when all went well */
  c->last_src = src;
  c->last_file = s->file >= 0 ? c->files[s->file] : NULL;
  return c->last_file;
}

/*
** One line event: the hot path. The recorder keeps the files of recent
** activation records, keyed by (thread, ar->i_ci), the CallInfo pointer Lua
** passes to every hook (used only as an opaque identity, never
** dereferenced), in a small direct-mapped table. A different function can
** occupy an activation record only through a call or tail call into it,
** and the hook's mask includes calls precisely so that each call clears the
** entry of the record it fills. So most line events cost a compare and a
** counter, callers included when their callees return; the others ask Lua
** for the source pointer ("S"), compare it with the last one, and look new
** ones up in the source map.
*/
static inline struct actslot *act_slot(lc_cov *c, const void *ci) {
  uintptr_t x = (uintptr_t)ci;
  return &c->act[(x ^ (x >> 7)) >> 4 & (ACT_SLOTS - 1)];
}

static inline void on_line(lc_cov *c, lua_State *L, lua_Debug *ar) {
  lc_cov_file *f;
  int line = ar->currentline;          /* set by Lua for line events */
  struct actslot *a = act_slot(c, ar->i_ci);
  c->events++;
  if (a->ci == ar->i_ci && a->L == L) {
    f = a->file;
  } else {
    f = file_of(c, L, ar);
    a->ci = ar->i_ci;
    a->L = L;
    a->file = f;
  }
  if (f && line >= 0) count_line(c, f, line);   /* -1: stripped chunk */
}

/* A call or tail call: the record it fills changes hands. */
static inline void on_call(lc_cov *c, lua_Debug *ar) {
  struct actslot *a = act_slot(c, ar->i_ci);
  if (a->ci == ar->i_ci) a->ci = NULL;
}

/* The hook of threads with no user hook: line and call events. */
/* A stop requested by lc_cov_interrupt, on whichever thread runs next. */
static void take_stop(lc_cov *c, lua_State *L, lua_Debug *ar) {
  lua_Hook h = c->stop;
  c->stop = NULL;
  h(L, ar);
}

static void hook_cov(lua_State *L, lua_Debug *ar) {
  lc_cov *c = *(lc_cov **)lua_getextraspace(L);
  if (!c) return;
  if (c->stop) take_stop(c, L, ar);
  if (ar->event == LUA_HOOKLINE) on_line(c, L, ar);
  else on_call(c, ar);
}

/* }====================================================== */

/* {====================================================== user hooks */

/*
** User code may call debug.sethook. In plain Lua that replaces whatever
** hook the thread had, which would silently end coverage. So the sandbox's
** debug.sethook/debug.gethook are replaced by the functions below: they keep
** the user's hook function per thread in a weak table (as ldblib.c does),
** set the thread's mask to the user's mask plus the recorder's (lines and
** calls), and install a C hook that records coverage and then calls the
** user's function exactly as ldblib.c's hookf would, for the events the
** user asked for. Whether the user asked for line and call events is
** encoded in which C hook is installed, so threads created later inherit
** it, as they inherit hooks in plain Lua.
*/

static const char userhook_key = 'u';  /* registry: thread -> user hook */

static void call_user(lua_State *L, lua_Debug *ar) {
  static const char *const names[] =
    { "call", "return", "line", "count", "tail call" };
  if (lua_rawgetp(L, LUA_REGISTRYINDEX, &userhook_key) != LUA_TTABLE) {
    lua_pop(L, 1);
    return;
  }
  lua_pushthread(L);
  if (lua_rawget(L, -2) == LUA_TFUNCTION) {
    lua_pushstring(L, names[ar->event]);
    if (ar->currentline >= 0) lua_pushinteger(L, ar->currentline);
    else lua_pushnil(L);
    lua_call(L, 2, 0);
    lua_pop(L, 1);
  } else {
    lua_pop(L, 2);
  }
}

/* 'ul', 'uc': the user asked for line, call events. Return and count
   events arrive only when the user asked for them. */
static inline void with_user(lua_State *L, lua_Debug *ar, int ul, int uc) {
  lc_cov *c = *(lc_cov **)lua_getextraspace(L);
  if (c && c->stop) take_stop(c, L, ar);
  switch (ar->event) {
    case LUA_HOOKLINE:
      if (c) on_line(c, L, ar);
      if (ul) call_user(L, ar);
      break;
    case LUA_HOOKCALL: case LUA_HOOKTAILCALL:
      if (c) on_call(c, ar);
      if (uc) call_user(L, ar);
      break;
    default:
      call_user(L, ar);
      break;
  }
}

static void hook_u(lua_State *L, lua_Debug *ar) { with_user(L, ar, 0, 0); }
static void hook_ul(lua_State *L, lua_Debug *ar) { with_user(L, ar, 1, 0); }
static void hook_uc(lua_State *L, lua_Debug *ar) { with_user(L, ar, 0, 1); }
static void hook_ulc(lua_State *L, lua_Debug *ar) { with_user(L, ar, 1, 1); }

#define REC_MASK (LUA_MASKLINE | LUA_MASKCALL)   /* what the recorder needs */

static lua_State *arg_thread(lua_State *L, int *arg) {
  if (lua_isthread(L, 1)) {
    *arg = 1;
    return lua_tothread(L, 1);
  }
  *arg = 0;
  return L;
}

/* Pushes the key of 'L1' (the thread object) onto 'L'. */
static void push_thread(lua_State *L, lua_State *L1) {
  if (L == L1) {
    lua_pushthread(L);
  } else {
    if (!lua_checkstack(L1, 1)) luaL_error(L, "stack overflow");
    lua_pushthread(L1);
    lua_xmove(L1, L, 1);
  }
}

/* debug.sethook([thread,] hook, mask [, count]), as ldblib.c's db_sethook. */
static int db_sethook(lua_State *L) {
  int arg, mask, count;
  lua_State *L1 = arg_thread(L, &arg);
  lua_Hook h;
  if (lua_isnoneornil(L, arg + 1)) {       /* turn the user's hook off */
    lua_settop(L, arg + 1);
    h = hook_cov;
    mask = 0;
    count = 0;
  } else {
    const char *smask = luaL_checkstring(L, arg + 2);
    luaL_checktype(L, arg + 1, LUA_TFUNCTION);
    count = (int)luaL_optinteger(L, arg + 3, 0);
    int ul = strchr(smask, 'l') != NULL, uc = strchr(smask, 'c') != NULL;
    mask = 0;
    if (uc) mask |= LUA_MASKCALL;
    if (strchr(smask, 'r')) mask |= LUA_MASKRET;
    if (ul) mask |= LUA_MASKLINE;
    if (count > 0) mask |= LUA_MASKCOUNT;
    h = ul ? (uc ? hook_ulc : hook_ul) : (uc ? hook_uc : hook_u);
    if (mask == 0) h = hook_cov;           /* lua_sethook: mask 0 is off */
  }
  if (lua_rawgetp(L, LUA_REGISTRYINDEX, &userhook_key) != LUA_TTABLE)
    return luaL_error(L, "livecov: hook table missing");
  push_thread(L, L1);
  lua_pushvalue(L, arg + 1);
  lua_rawset(L, -3);
  lua_sethook(L1, h, mask | REC_MASK, count);
  return 0;
}

/* debug.gethook([thread]), as ldblib.c's db_gethook. */
static int db_gethook(lua_State *L) {
  int arg;
  lua_State *L1 = arg_thread(L, &arg);
  lua_Hook h = lua_gethook(L1);
  int mask = lua_gethookmask(L1);
  if (h == NULL || h == hook_cov) {        /* no user hook */
    lua_pushnil(L);                        /* luaL_pushfail */
    return 1;
  }
  if (h != hook_u && h != hook_ul && h != hook_uc && h != hook_ulc) {
    lua_pushliteral(L, "external hook");
  } else {
    lua_rawgetp(L, LUA_REGISTRYINDEX, &userhook_key);
    push_thread(L, L1);
    lua_rawget(L, -2);
    lua_remove(L, -2);
    mask &= ~REC_MASK;                     /* the user's own bits: */
    if (h == hook_ul || h == hook_ulc) mask |= LUA_MASKLINE;
    if (h == hook_uc || h == hook_ulc) mask |= LUA_MASKCALL;
  }
  char smask[5];
  int i = 0;
  if (mask & LUA_MASKCALL) smask[i++] = 'c';
  if (mask & LUA_MASKRET) smask[i++] = 'r';
  if (mask & LUA_MASKLINE) smask[i++] = 'l';
  smask[i] = '\0';
  lua_pushstring(L, smask);
  lua_pushinteger(L, lua_gethookcount(L1));
  return 3;
}

/* Creates the hook table and patches the debug library (protected). */
static int install(lua_State *L) {
  lua_newtable(L);                         /* thread -> user hook, weak keys */
  lua_newtable(L);
  lua_pushliteral(L, "k");
  lua_setfield(L, -2, "__mode");
  lua_setmetatable(L, -2);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &userhook_key);
  lua_newtable(L);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &anchor_key);
  /* The state's debug library, opened now if need be: luaL_openlibs later
     finds it in package.loaded and uses this very table. */
  luaL_requiref(L, LUA_DBLIBNAME, luaopen_debug, 0);
  lua_pushcfunction(L, db_sethook);
  lua_setfield(L, -2, "sethook");
  lua_pushcfunction(L, db_gethook);
  lua_setfield(L, -2, "gethook");
  return 0;
}

/* }====================================================== */

int lc_cov_attach(lc_cov *c, lua_State *L, const char *root) {
  free(c->root);
  c->root = root ? strdup(root) : NULL;
  if (root && !c->root) return -1;
  lua_pushcfunction(L, install);
  if (lua_pcall(L, 0, 0, 0) != LUA_OK) {
    lua_pop(L, 1);
    return -1;
  }
  *(lc_cov **)lua_getextraspace(L) = c;
  /* Pointers of another state are meaningless here. */
  free(c->srctab);
  c->srctab = NULL;
  c->srccap = c->srcused = 0;
  c->last_src = NULL;
  c->last_file = NULL;
  memset(c->act, 0, sizeof c->act);
  c->anchors = 0;                      /* the anchor table is new too */
  lua_sethook(L, hook_cov, REC_MASK, 0);
  return 0;
}

void lc_cov_interrupt(lc_cov *c, lua_Hook h) {
  c->stop = h;
}

void lc_cov_detach(lc_cov *c, lua_State *L) {
  lua_sethook(L, NULL, 0, 0);
  *(lc_cov **)lua_getextraspace(L) = NULL;
  c->last_src = NULL;
  c->last_file = NULL;
  memset(c->act, 0, sizeof c->act);
}

void lc_cov_test_begin(lc_cov *c) {
  c->testing = 1;
  c->npoints = 0;
  if (++c->testgen == 0) {            /* wrapped: forget every old mark */
    for (int i = 0; i < c->nfiles; i++)
      if (c->files[i]->seen_)
        memset(c->files[i]->seen_, 0,
               (size_t)(c->files[i]->maxline + 1) * sizeof(uint32_t));
    c->testgen = 1;
  }
  c->curgen = c->testgen;
}

int lc_cov_test_end(lc_cov *c, lc_cov_point **points) {
  c->testing = 0;
  c->curgen = 0;
  *points = NULL;
  if (c->npoints == 0) return 0;
  lc_cov_point *p = malloc((size_t)c->npoints * sizeof *p);
  if (!p) return -1;
  memcpy(p, c->points, (size_t)c->npoints * sizeof *p);
  *points = p;
  int n = c->npoints;
  c->npoints = 0;
  return n;
}

/* {====================================================== instrument mode */

char *lc_cov_path_for(const char *root, const char *chunkname) {
  if (chunkname[0] != '@') return NULL;
  char *path = resolve_path(root, chunkname + 1);
  if (path && !in_root(root, path)) {
    free(path);
    path = NULL;
  }
  return path;
}

void lc_cov_take_back(lc_cov_file *f, int line, uint64_t n) {
  if (line < 0 || line > f->maxline) return;
  f->hits[line] = f->hits[line] > n ? f->hits[line] - n : 0;
}

/* }====================================================== */
