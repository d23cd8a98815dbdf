/*
** lc_instr.c: instrument mode's runtime: loaders that rewrite file-backed
** chunks, the counter tables, folding counts into the recorder, settling
** what frames counted ahead or hold in registers, and the library
** functions that must not show the rewriter's traces.
**
** Each rewritten chunk gets a chunk table CT (its hidden upvalue): CT[i] is
** the counter table of the i-th prototype (depth first), an array of
** integers with CT[i][0] = i, CT[i][-1] = the chunk record and, after the
** counters, the state's shared table G (G[1]: frames inside armed chains).
** A function loads CT[i] into its first hidden local on entry and adds one
** to a slot per line event; loops without calls count in hidden locals.
**
** What the user can see stays as without coverage: the loaders behave as
** the ones they replace (same results, same error messages); debug.getinfo
** reports the original upvalue count; debug.getlocal/setlocal skip the
** hidden locals; debug.getupvalue & co. do not see the hidden upvalue;
** string.dump writes the original function; code run by a user's hook or a
** collection's finalizers is not counted, as the line hook does not see it.
**
** Settling ("fixups"): a multi-line call whose last argument is a call,
** as in f(a,\n g()), counts its line events before it starts (a "chain");
** a loop counting in registers adds them up on the way out. A frame that
** dies inside a chain takes back the events not reached and adds what its
** loop registers hold. Frames die by errors (seen by the message handler
** that the replaced pcall/xpcall install, and by coroutine.resume/wrap on
** a coroutine that failed), by coroutine.close of a suspended coroutine, by
** a coroutine never resumed again (tracked, settled when collected or at
** detach) and by os.exit (lc_instr_abandon).
**
** A chunk the rewriter cannot handle is counted by a line hook instead
** (fallback_count), as in hook mode.
*/
#include "lc_instr.h"
#include "lc_chunk.h"
#include "lc_instr_chunk.h"
#include "lc_instr_rewrite.h"
#include "lc_lines.h"

#include <lauxlib.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Frames looked at per error: lua_getstack is linear in the level, so a
   walk costs the square of its depth. */
#define WALK_MAX 20000

typedef struct ichunk {
  char *path;                 /* the chunk's file (real path) */
  lc_cov_file *file;          /* its record, made when the chunk first runs */
  lc_ir_proto *protos;        /* rewrite metadata, depth-first order */
  int nprotos;
  int64_t **last;             /* counter values at the last sync */
  ic_chunk orig;              /* the chunk as loaded (for string.dump) */
  const void *src;            /* the source string as the hook sees it */
  int linedefined;            /* of the loaded function: 0 for a main chunk */
  int index;                  /* in the registry list of chunk tables */
  int upidx;                  /* index of the hidden upvalue */
  int seen;                   /* has run: lines marked, load counted */
} ichunk;

struct lc_instr {
  lc_cov *cov;
  char *root;
  ichunk **v;
  int n, cap;
  const void **srcs;          /* source pointers counted as loads */
  int nsrcs, capsrcs;
  int skipped;                /* chunks left as they were */
  char reason[200];
  int nocount;                /* inside user hooks / garbage collection */
  lua_CFunction traceback;    /* the state's original debug.traceback */
  /* xpcall handlers running through the wrapper's tail call: their frames
     say "tail call" where plain Lua's do not; debug.getinfo and
     debug.traceback hide that (see "protected calls") */
  struct hmark { const void *thread, *fn; int depth; } marks[8];
  int nmarks;
  struct fbchunk {            /* chunks left unrewritten: the line hook counts them */
    const void *src;
    char *path;
    int linedefined, seen, anchor;
  } *fb;
  int nfb, capfb;
};

static const char ct_list_key = 'c';   /* registry: list of chunk tables */
static const char armed_key = 'g';     /* registry: G, G[1] = frames in armed chains */

static lc_instr *instr_of(lua_State *L) {
  return lua_touserdata(L, lua_upvalueindex(1));
}

static lc_instr *state_instr(lua_State *L);
static void nocount_restore(lc_instr *in, lua_State *L, int saved);
static int proto_index(lua_State *L, int idx, int *nups);
static void settle_threads(lua_State *L, int hard);
static int user_mask(lua_State *L, lua_State *L1);
static void set_user_mask(lua_State *L, lua_State *L1, int mask);
static void unmark(lc_instr *in, lua_State *L);
static lua_State *getthread(lua_State *L, int *arg);

/* {====================================================== rewriting a chunk */

typedef struct breader { const unsigned char *p; size_t n; } breader;

static const char *buf_reader(lua_State *L, void *ud, size_t *sz) {
  (void)L;
  breader *r = ud;
  if (r->n == 0) return NULL;
  *sz = r->n;
  r->n = 0;
  return (const char *)r->p;
}

static void fallback_add(lc_instr *in, lua_State *L, const char *src, const char *path,
                         int linedefined);

static void note_skip(lc_instr *in, const char *src, const char *why) {
  if (in->skipped++ == 0) {
    size_t n = strlen(src);
    if (n > 120) n = 120;
    snprintf(in->reason, sizeof in->reason, "%.*s: %.60s", (int)n, src, why);
  }
}

static void chunk_free(ichunk *c) {
  if (!c) return;
  for (int i = 0; i < c->nprotos; i++) {
    free(c->protos[i].counter_line);
    free(c->protos[i].chains);
    free(c->protos[i].segs);
    free(c->protos[i].acc_reg);
    free(c->protos[i].acc_counter);
    if (c->last) free(c->last[i]);
  }
  free(c->protos);
  free(c->last);
  lc_ic_free(&c->orig);
  free(c->path);
  free(c);
}

/* Pushes the chunk table of 'c': CT[i] counter tables, CT[0] the record. */
static void push_ct(lua_State *L, ichunk *c) {
  lua_createtable(L, c->nprotos, 1);
  for (int i = 0; i < c->nprotos; i++) {
    int n = c->protos[i].ncounters;
    lua_createtable(L, n, 2);
    for (int k = 1; k <= n; k++) {
      lua_pushinteger(L, 0);
      lua_rawseti(L, -2, k);
    }
    lua_pushinteger(L, i + 1);
    lua_rawseti(L, -2, 0);
    lua_pushlightuserdata(L, c);
    lua_rawseti(L, -2, -1);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &armed_key);
    lua_rawseti(L, -2, n + 1);
    lua_rawseti(L, -2, i + 1);
  }
  lua_pushlightuserdata(L, c);
  lua_rawseti(L, -2, 0);
}

/*
** Rewrites the Lua function on top of the stack when it comes from a file
** the recorder keeps; the rewritten function replaces it. Anything that
** goes wrong leaves the original function in place (and is noted).
*/
int lc_instr_function(lc_instr *in, lua_State *L) {
  lua_Debug ar;
  if (!lua_isfunction(L, -1) || lua_iscfunction(L, -1)) return -1;
  lua_pushvalue(L, -1);
  lua_getinfo(L, ">Su", &ar);
  if (ar.source[0] != '@') return -1;
  char *path = lc_cov_path_for(in->root, ar.source);
  if (!path) return -1;
  char *fbpath = strdup(path);
  char err[256];
  ic_buf b = { 0 }, out = { 0 };
  ichunk *c = calloc(1, sizeof *c);
  lc_ir_result res;
  memset(&res, 0, sizeof res);
  int rc = -1;
  if (!c) {
    free(path);
    goto done;
  }
  c->path = path;
  if (lc_chunk_dump(L, 0, &b.p, &b.n) != LC_CHUNK_OK) {
    note_skip(in, ar.source, "cannot dump");
    goto done;
  }
  int e = lc_ic_parse(b.p, b.n, &c->orig);
  if (e != IC_OK) {
    note_skip(in, ar.source, e == IC_EHEADER ? "unknown chunk format" : "malformed chunk");
    goto done;
  }
  if (lc_ir_rewrite(&c->orig, &res, err, sizeof err) != 0) {
    note_skip(in, ar.source, err);
    goto done;
  }
  if (lc_ic_write(&res.out, 0, &out) != IC_OK) goto done;
  c->protos = res.protos;
  c->nprotos = res.nprotos;
  res.protos = NULL;
  res.nprotos = 0;
  c->linedefined = ar.linedefined;
  c->last = calloc((size_t)c->nprotos, sizeof *c->last);
  if (!c->last) goto done;
  for (int i = 0; i < c->nprotos; i++) {
    c->last[i] = calloc((size_t)c->protos[i].ncounters + 1, sizeof **c->last);
    if (!c->last[i]) goto done;
  }
  if (in->n == in->cap) {
    int ncap = in->cap ? in->cap * 2 : 16;
    ichunk **nv = realloc(in->v, (size_t)ncap * sizeof *nv);
    if (!nv) goto done;
    in->v = nv;
    in->cap = ncap;
  }
  /* load the rewritten chunk; it keeps the original's source name */
  breader br = { out.p, out.n };
  if (lua_load(L, buf_reader, &br, ar.source, "b") != LUA_OK) {
    note_skip(in, ar.source, lua_tostring(L, -1));
    lua_pop(L, 1);
    goto done;
  }
  /* the original's upvalues (a main chunk's _ENV) go to the new function */
  for (int u = 1; u <= ar.nups; u++) {
    if (!lua_getupvalue(L, -2, u)) break;
    if (!lua_setupvalue(L, -2, u)) lua_pop(L, 1);
  }
  push_ct(L, c);
  /* anchor the chunk table and the function: source pointers stay unique */
  if (lua_rawgetp(L, LUA_REGISTRYINDEX, &ct_list_key) != LUA_TTABLE) {
    lua_pop(L, 3);
    goto done;
  }
  c->index = in->n + 1;
  c->upidx = ar.nups + 1;
  lua_pushvalue(L, -2);
  lua_rawseti(L, -2, 3 * c->index - 2);   /* the chunk table */
  lua_pushvalue(L, -3);
  lua_rawseti(L, -2, 3 * c->index - 1);   /* the function */
  push_ct(L, c);
  lua_rawseti(L, -2, 3 * c->index);       /* counters that are not counted */
  if (in->nocount > 0) {                  /* loaded inside a hook: no counts */
    lua_rawgeti(L, -1, 3 * c->index);
    lua_replace(L, -3);
  }
  lua_pop(L, 1);
  lua_setupvalue(L, -2, c->upidx);        /* the hidden upvalue */
  lua_Debug a2;
  lua_pushvalue(L, -1);
  lua_getinfo(L, ">S", &a2);
  c->src = a2.source;
  lua_replace(L, -2);                   /* the new function for the old */
  in->v[in->n++] = c;
  c = NULL;
  rc = 0;
done:
  if (rc != 0 && fbpath) fallback_add(in, L, ar.source, fbpath, ar.linedefined);
  free(fbpath);
  lc_ir_free(&res);
  chunk_free(c);
  lc_ic_buf_free(&b);
  lc_ic_buf_free(&out);
  return rc;
}

/* }====================================================== */

/* {====================================================== syncing */

/* Marks the lines of 'p' and its nested functions as collectvalidlines
   lists them: every instruction's but a vararg function's VARARGPREP. */
static void mark_lines(lc_cov_file *f, const ic_proto *p) {
  int *lines = lc_ic_lines(p);
  if (lines) {
    for (int pc = p->is_vararg ? 1 : 0; pc < p->ncode; pc++)
      lc_cov_mark_exec(f, lines[pc]);
    free(lines);
  }
  for (int k = 0; k < p->np; k++) mark_lines(f, &p->p[k]);
}

/* First counts of a chunk: it ran. Its record is made now (as the hook
   makes it at the first line event), its load counted, its lines marked. */
static int mark_seen(lc_instr *in, ichunk *c) {
  c->file = lc_cov_get(in->cov, c->path);
  if (!c->file) return -1;
  c->seen = 1;
  int known = 0;
  for (int i = 0; i < in->nsrcs; i++) known |= in->srcs[i] == c->src;
  if (!known) {
    if (in->nsrcs == in->capsrcs) {
      int ncap = in->capsrcs ? in->capsrcs * 2 : 16;
      const void **nv = realloc(in->srcs, (size_t)ncap * sizeof *nv);
      if (nv) { in->srcs = nv; in->capsrcs = ncap; }
    }
    if (in->nsrcs < in->capsrcs) in->srcs[in->nsrcs++] = c->src;
    c->file->loads++;
  }
  /* executable lines: the loaded function's prototypes, as the hook marks
     them; a function that is not a main chunk also marks its whole file */
  mark_lines(c->file, &c->orig.main);
  if (c->linedefined != 0) {
    char err[256];
    lc_cov_exec_from_file(c->file, err, sizeof err);   /* best effort */
  }
  return 0;
}

void lc_instr_sync(lc_instr *in, lua_State *L) {
  if (!in) return;
  settle_threads(L, 0);
  if (lua_rawgetp(L, LUA_REGISTRYINDEX, &ct_list_key) != LUA_TTABLE) {
    lua_pop(L, 1);
    return;
  }
  for (int ci = 0; ci < in->n; ci++) {
    ichunk *c = in->v[ci];
    lua_rawgeti(L, -1, 3 * c->index - 2);       /* CT */
    for (int i = 0; i < c->nprotos; i++) {
      const lc_ir_proto *m = &c->protos[i];
      lua_rawgeti(L, -1, i + 1);
      for (int k = 1; k <= m->ncounters; k++) {
        lua_rawgeti(L, -1, k);
        int64_t v = (int64_t)lua_tointeger(L, -1);
        lua_pop(L, 1);
        int64_t d = v - c->last[i][k];
        if (d == 0) continue;
        c->last[i][k] = v;
        if (!c->seen && mark_seen(in, c) != 0) continue;
        if (d > 0) lc_cov_record(in->cov, c->file, m->counter_line[k], (uint64_t)d);
        else lc_cov_take_back(c->file, m->counter_line[k], (uint64_t)-d);
      }
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
}

/* }====================================================== */

/* {====================================================== abort fixups */

/* The counter table of an instrumented Lua frame (pushed on L1), or 0. */
static int frame_ct(lua_State *L1, lua_Debug *ar, int *nparams) {
  if (!lua_getinfo(L1, "u", ar)) return 0;
  *nparams = ar->nparams;
  const char *name = lua_getlocal(L1, ar, ar->nparams + 1);
  if (!name) return 0;
  if (strcmp(name, "(lc T)") != 0 || !lua_istable(L1, -1)) {
    lua_pop(L1, 1);
    return 0;
  }
  return 1;
}

/*
** A frame of 'L1' dies (or will never run again): adds what its loop
** accumulators hold to the counters and, when it is inside a chain, takes
** back the chain's events after the segment it is in. Clears what it used,
** so looking at a frame twice changes nothing.
*/
static int fixup_frame(lua_State *L1, lua_Debug *ar, int hard) {
  int nparams, armed = 0;
  if (!lua_checkstack(L1, 4)) return 0;
  if (!frame_ct(L1, ar, &nparams)) return 0;
  lua_rawgeti(L1, -1, -1);
  ichunk *c = lua_touserdata(L1, -1);
  lua_rawgeti(L1, -2, 0);
  int idx = (int)lua_tointeger(L1, -1);
  lua_pop(L1, 2);
  if (!c || idx < 1 || idx > c->nprotos) { lua_pop(L1, 1); return 0; }
  const lc_ir_proto *m = &c->protos[idx - 1];
  for (int a = 0; a < m->nacc; a++) {
    if (!lua_getlocal(L1, ar, m->acc_reg[a] + 1)) continue;
    int isnum;
    lua_Integer v = lua_tointegerx(L1, -1, &isnum);
    lua_pop(L1, 1);
    if (!isnum) continue;
    if (v != 0) {
      int id = m->acc_counter[a];
      lua_rawgeti(L1, -1, id);
      lua_Integer cur = lua_tointeger(L1, -1);
      lua_pop(L1, 1);
      lua_pushinteger(L1, cur + v);
      lua_rawseti(L1, -2, id);
    }
    if (hard) lua_pushnil(L1);
    else lua_pushinteger(L1, 0);             /* the frame may run on */
    lua_setlocal(L1, ar, m->acc_reg[a] + 1);
  }
  const char *name = m->reg_flag >= 0 ? lua_getlocal(L1, ar, m->reg_flag + 1) : NULL;
  if (!name) { lua_pop(L1, 1); return 0; }
  int isnum;
  lua_Integer chain = lua_tointegerx(L1, -1, &isnum);
  lua_pop(L1, 1);
  if (isnum && chain >= 1 && chain <= m->nchains) armed = m->chains[chain - 1].armed;
  if (!hard) { lua_pop(L1, 1); return armed; }   /* a chain may still complete */
  if (isnum && chain >= 1 && chain <= m->nchains && lua_getinfo(L1, "l", ar)) {
    const lc_ir_chainref *ch = &m->chains[chain - 1];
    int j = -1;
    for (int k = 0; k < ch->n; k++)
      if (m->segs[ch->first + k].line == ar->currentline) j = k;
    if (j >= 0) {
      for (int k = j + 1; k < ch->n; k++) {
        int id = m->segs[ch->first + k].counter;
        lua_rawgeti(L1, -1, id);
        lua_Integer v = lua_tointeger(L1, -1);
        lua_pop(L1, 1);
        lua_pushinteger(L1, v - 1);
        lua_rawseti(L1, -2, id);
      }
    }
    lua_pushnil(L1);
    lua_setlocal(L1, ar, m->reg_flag + 1);
    if (ch->armed) {                           /* one armed frame fewer */
      lua_rawgeti(L1, -1, m->ncounters + 1);
      lua_rawgeti(L1, -1, 1);
      lua_Integer g = lua_tointeger(L1, -1);
      lua_pop(L1, 1);
      lua_pushinteger(L1, g > 0 ? g - 1 : 0);
      lua_rawseti(L1, -2, 1);
      lua_pop(L1, 1);
    }
  }
  lua_pop(L1, 1);                              /* the counter table */
  return armed;
}

/*
** Fixes up the frames of 'L1' from 'level' down, stopping at the first
** C function in 'stops' (the pcall or xpcall whose handler runs) or at the
** bottom of the stack.
*/
static void walk_mode(lua_State *L1, int level, lua_CFunction stop1, lua_CFunction stop2,
                      int hard);

static void walk(lua_State *L1, int level, lua_CFunction stop1, lua_CFunction stop2) {
  walk_mode(L1, level, stop1, stop2, 1);
}

/* Frames always looked at: pending loop registers are in the frame running
   the loop, near the error; deeper ones only while armed chains are missing. */
#define WALK_NEAR 200

static int armed_count(lua_State *L) {
  int n = 0;
  if (!lua_checkstack(L, 2)) return WALK_MAX;
  if (lua_rawgetp(L, LUA_REGISTRYINDEX, &armed_key) == LUA_TTABLE) {
    lua_rawgeti(L, -1, 1);
    n = (int)lua_tointeger(L, -1);
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  return n;
}

static void walk_mode(lua_State *L1, int level, lua_CFunction stop1, lua_CFunction stop2,
                      int hard) {
  lua_Debug ar;
  int armed = armed_count(L1), found = 0;
  for (int n = 0; n < WALK_MAX && lua_getstack(L1, level, &ar); n++, level++) {
    if (n >= WALK_NEAR && found >= armed) break;
    if (!lua_getinfo(L1, "S", &ar)) continue;
    if (ar.what[0] == 'C') {
      if (stop1 && lua_checkstack(L1, 1) && lua_getinfo(L1, "f", &ar)) {
        lua_CFunction fn = lua_tocfunction(L1, -1);
        lua_pop(L1, 1);
        if (fn && (fn == stop1 || fn == stop2)) return;
      }
      continue;
    }
    found += fixup_frame(L1, &ar, hard);
  }
}

/* }====================================================== */

/* {====================================================== loaders */

static int load_result(lua_State *L, lc_instr *in, int status, int envidx) {
  if (status == LUA_OK) {
    lc_instr_function(in, L);
    if (envidx != 0) {
      lua_pushvalue(L, envidx);
      if (!lua_setupvalue(L, -2, 1)) lua_pop(L, 1);
    }
    return 1;
  }
  luaL_pushfail(L);
  lua_insert(L, -2);
  return 2;
}

#define READER_SLOT 5

static const char *fn_reader(lua_State *L, void *ud, size_t *size) {
  (void)ud;
  luaL_checkstack(L, 2, "too many nested functions");
  lua_pushvalue(L, 1);
  lua_call(L, 0, 1);
  if (lua_isnil(L, -1)) {
    lua_pop(L, 1);
    *size = 0;
    return NULL;
  }
  if (!lua_isstring(L, -1))
    luaL_error(L, "reader function must return a string");
  lua_replace(L, READER_SLOT);
  return lua_tolstring(L, READER_SLOT, size);
}

/* load (chunk [, chunkname [, mode [, env]]]) */
static int i_load(lua_State *L) {
  lc_instr *in = instr_of(L);
  int status;
  size_t l;
  const char *s = lua_tolstring(L, 1, &l);
  const char *mode = luaL_optstring(L, 3, "bt");
  int env = !lua_isnone(L, 4) ? 4 : 0;
  if (s != NULL) {
    const char *chunkname = luaL_optstring(L, 2, s);
    status = luaL_loadbufferx(L, s, l, chunkname, mode);
  } else {
    const char *chunkname = luaL_optstring(L, 2, "=(load)");
    luaL_checktype(L, 1, LUA_TFUNCTION);
    lua_settop(L, READER_SLOT);
    status = lua_load(L, fn_reader, NULL, chunkname, mode);
  }
  return load_result(L, in, status, env);
}

/* loadfile ([filename [, mode [, env]]]) */
static int i_loadfile(lua_State *L) {
  lc_instr *in = instr_of(L);
  const char *fname = luaL_optstring(L, 1, NULL);
  const char *mode = luaL_optstring(L, 2, NULL);
  int env = !lua_isnone(L, 3) ? 3 : 0;
  int status = luaL_loadfilex(L, fname, mode);
  return load_result(L, in, status, env);
}

static int dofile_k(lua_State *L, int status, lua_KContext ctx) {
  (void)status;
  (void)ctx;
  return lua_gettop(L) - 1;
}

/* dofile ([filename]) */
static int i_dofile(lua_State *L) {
  lc_instr *in = instr_of(L);
  const char *fname = luaL_optstring(L, 1, NULL);
  lua_settop(L, 1);
  if (luaL_loadfile(L, fname) != LUA_OK) return lua_error(L);
  lc_instr_function(in, L);
  lua_callk(L, 0, LUA_MULTRET, 0, dofile_k);
  return dofile_k(L, 0, 0);
}

/*
** package.searchers[2], the Lua file searcher: package.searchpath over
** package.path (the function captured at attach, so a user's replacement
** of package.searchpath is not used, as in plain Lua), then a load.
** Upvalues: instr, package table, searchpath.
*/
static int i_searcher_lua(lua_State *L) {
  lc_instr *in = instr_of(L);
  const char *name = luaL_checkstring(L, 1);
  lua_getfield(L, lua_upvalueindex(2), "path");
  if (!lua_isstring(L, -1)) luaL_error(L, "'package.%s' must be a string", "path");
  lua_pushvalue(L, lua_upvalueindex(3));
  lua_pushstring(L, name);
  lua_pushvalue(L, -3);
  lua_call(L, 2, 2);                          /* searchpath(name, path) */
  if (lua_isnil(L, -2)) return 1;             /* the "no file" message */
  lua_pop(L, 1);
  const char *filename = lua_tostring(L, -1);
  if (luaL_loadfilex(L, filename, NULL) != LUA_OK)
    return luaL_error(L, "error loading module '%s' from file '%s':\n\t%s",
                      lua_tostring(L, 1), filename, lua_tostring(L, -1));
  lc_instr_function(in, L);
  lua_pushstring(L, filename);
  return 2;
}

/* }====================================================== */

/* {====================================================== protected calls */

/* Message handler of pcall/xpcall: fixes up the frames the error unwinds. */
static int i_pcall(lua_State *L);
static int i_xpcall(lua_State *L);

static int on_error(lua_State *L) {
  walk(L, 1, i_pcall, i_xpcall);
  lua_settop(L, 1);
  return 1;
}

/* The continuation context of pcall/xpcall: the number of values below the
   results, and the depth of uncounted code when the call started. */
#define PCTX(extra, depth)  ((lua_KContext)((extra) | ((depth) << 2)))

static int pcall_k(lua_State *L, int status, lua_KContext ctx) {
  int extra = (int)(ctx & 3);
  if (status != LUA_OK && status != LUA_YIELD) {
    lc_instr *in = state_instr(L);
    if (in) nocount_restore(in, L, (int)(ctx >> 2));
    unmark(in, L);
    lua_pushboolean(L, 0);
    lua_pushvalue(L, -2);
    return 2;
  }
  return lua_gettop(L) - extra;
}

static int nocount_depth(lua_State *L) {
  lc_instr *in = state_instr(L);
  return in ? in->nocount : 0;
}

static int i_pcall(lua_State *L) {
  luaL_checkany(L, 1);
  lua_pushcfunction(L, on_error);
  lua_pushboolean(L, 1);
  lua_rotate(L, 1, 2);                        /* handler, true, f, args... */
  lua_KContext ctx = PCTX(1, nocount_depth(L));
  int status = lua_pcallk(L, lua_gettop(L) - 3, LUA_MULTRET, 1, ctx, pcall_k);
  return pcall_k(L, status, ctx);
}

/*
** xpcall's handler must fix frames up and then be the user's handler, with
** no frame of its own where the user's handler can see it (tracebacks,
** debug.getinfo levels). debug.traceback itself is done here in C (this
** function's level 1 is the erring function, as for debug.traceback); any
** other handler h is called by a Lua wrapper, function(e) walk() return
** h(e) end, whose tail call leaves no frame behind.
*/
static int on_error_tb(lua_State *L) {
  walk(L, 1, i_pcall, i_xpcall);
  int arg = 0;
  lua_State *L1 = L;
  if (lua_isthread(L, 1)) { arg = 1; L1 = lua_tothread(L, 1); }
  const char *msg = lua_tostring(L, arg + 1);
  if (msg == NULL && !lua_isnoneornil(L, arg + 1))
    lua_pushvalue(L, arg + 1);
  else
    luaL_traceback(L, L1, msg, L == L1 ? 1 : 0);
  return 1;
}

/* The number of frames of 'L' (levels 0 .. n-1), as lauxlib's lastlevel:
   lua_getstack is linear in the level, so search. */
static int stack_depth(lua_State *L) {
  lua_Debug ar;
  int lo = 0, hi = 1;
  if (!lua_getstack(L, 0, &ar)) return 0;
  while (lua_getstack(L, hi, &ar)) { lo = hi; hi *= 2; }
  while (lo + 1 < hi) {
    int m = lo + (hi - lo) / 2;
    if (lua_getstack(L, m, &ar)) lo = m; else hi = m;
  }
  return lo + 1;
}

/* The wrapper's walk(h): settles the erring frames, then notes that the
   wrapper's frame (level 1 here; counted from the bottom, which the tail
   call keeps) is about to become h's. */
static int walk_here(lua_State *L) {
  walk(L, 1, i_pcall, i_xpcall);
  lc_instr *in = state_instr(L);
  if (in && in->nmarks < (int)(sizeof in->marks / sizeof *in->marks)) {
    struct hmark *m = &in->marks[in->nmarks++];
    m->thread = L;
    m->fn = lua_topointer(L, 1);
    m->depth = stack_depth(L) - 2;
  }
  return 0;
}

/* Frame 'level' of 'L1' (whose frame count is 'n') is an xpcall handler's
   that plain Lua would not show as a tail call. */
static int is_marked(lc_instr *in, lua_State *L1, int n, int level) {
  lua_Debug ar;
  for (int i = 0; i < in->nmarks; i++) {
    const struct hmark *m = &in->marks[i];
    if (m->thread != L1 || n - 1 - level != m->depth) continue;
    if (!lua_getstack(L1, level, &ar) || !lua_getinfo(L1, "ft", &ar)) return 0;
    const void *fn = lua_topointer(L1, -1);
    lua_pop(L1, 1);
    return ar.istailcall && fn == m->fn;
  }
  return 0;
}

/* An error reached the xpcall at level 0 of 'L': its handlers are done. */
static void unmark(lc_instr *in, lua_State *L) {
  if (!in || !in->nmarks) return;
  int top = stack_depth(L) - 1, k = 0;
  for (int i = 0; i < in->nmarks; i++)
    if (in->marks[i].thread != L || in->marks[i].depth <= top) in->marks[k++] = in->marks[i];
  in->nmarks = k;
}

/*
** debug.traceback ([thread,] [msg [, level]]): ldblib.c's, then without the
** "(...tail calls...)" line of a marked handler frame. The lines follow
** luaL_traceback's layout: per shown level one line, plus one after a tail
** call; with more than LEVELS1 + LEVELS2 levels, the first 10, a "skipping"
** line, the last 11.
*/
#define TB_LEVELS1 10
#define TB_LEVELS2 11
static const char tailmark[] = "\n\t(...tail calls...)";

static int i_traceback(lua_State *L) {
  int arg;
  lua_State *L1 = getthread(L, &arg);
  size_t msglen = 0;
  const char *msg = lua_tolstring(L, arg + 1, &msglen);
  if (msg == NULL && !lua_isnoneornil(L, arg + 1)) {
    lua_pushvalue(L, arg + 1);
    return 1;
  }
  int level = (int)luaL_optinteger(L, arg + 2, (L == L1) ? 1 : 0);
  lc_instr *in = state_instr(L);
  int n = (in && in->nmarks) ? stack_depth(L1) : 0;
  luaL_traceback(L, L1, msg, level);
  if (n == 0 || level < 0) return 1;
  /* which lines (counted after the header) are markers to drop */
  int drop[8], ndrop = 0, line = 0;
  int last = n - 1, limit = (last - level > TB_LEVELS1 + TB_LEVELS2) ? TB_LEVELS1 : -1;
  lua_Debug ar;
  for (int lv = level; lv <= last && ndrop < 8; lv++) {
    if (limit-- == 0) {
      line++;                                   /* the "skipping" line */
      lv = last - TB_LEVELS2;                   /* the loop's ++ makes it the first of the last 11 */
      continue;
    }
    line++;
    if (!lua_getstack(L1, lv, &ar) || !lua_getinfo(L1, "t", &ar)) break;
    if (ar.istailcall) {
      line++;                                   /* its marker line */
      if (is_marked(in, L1, n, lv)) drop[ndrop++] = line;
    }
  }
  if (ndrop == 0) return 1;
  size_t len;
  const char *tb = lua_tolstring(L, -1, &len);
  /* line 0 is "stack traceback:", after the message and its newline; each
     later line starts with "\n\t" */
  const char *p = tb + (msg ? msglen + 1 : 0), *end = tb + len;
  if (p > end) return 1;
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  luaL_addlstring(&b, tb, (size_t)(p - tb));
  for (int ln = 0, d = 0; p < end; ln++) {
    const char *nl = strstr(p + 1, "\n\t");
    if (!nl) nl = end;
    while (d < ndrop && drop[d] < ln) d++;
    int is_drop = d < ndrop && drop[d] == ln && (size_t)(nl - p) == sizeof tailmark - 1
                  && memcmp(p, tailmark, sizeof tailmark - 1) == 0;
    if (!is_drop) luaL_addlstring(&b, p, (size_t)(nl - p));
    p = nl;
  }
  luaL_pushresult(&b);
  lua_remove(L, -2);                            /* luaL_traceback's string */
  return 1;
}

static const char wrappers_key = 'w';       /* registry: { factory, cache } */

static const char wrapper_src[] =
  "local walk = ...\n"
  "return function(h)\n"
  "  return function(e)\n"
  "    walk(h)\n"
  "    return h(e)\n"
  "  end\n"
  "end\n";

/* Replaces the handler at index 2 by the one xpcall installs. */
static void xpcall_handler(lua_State *L) {
  lc_instr *in = state_instr(L);
  lua_CFunction h = lua_tocfunction(L, 2);
  if (in && in->traceback && (h == in->traceback || h == i_traceback)) {
    lua_pushcfunction(L, on_error_tb);
    lua_replace(L, 2);
    return;
  }
  if (lua_rawgetp(L, LUA_REGISTRYINDEX, &wrappers_key) != LUA_TTABLE) {
    lua_pop(L, 1);
    return;                                   /* not attached: plain xpcall */
  }
  lua_rawgeti(L, -1, 2);                      /* cache: handler -> wrapper */
  lua_pushvalue(L, 2);
  if (lua_rawget(L, -2) != LUA_TFUNCTION) {
    lua_pop(L, 1);
    lua_rawgeti(L, -2, 1);                    /* factory */
    lua_pushvalue(L, 2);
    lua_call(L, 1, 1);
    lua_pushvalue(L, 2);
    lua_pushvalue(L, -2);
    lua_rawset(L, -4);
  }
  lua_replace(L, 2);
  lua_pop(L, 2);
}

static int i_xpcall(lua_State *L) {
  int n = lua_gettop(L);
  luaL_checktype(L, 2, LUA_TFUNCTION);
  xpcall_handler(L);                          /* f, handler', args... */
  lua_pushboolean(L, 1);
  lua_pushvalue(L, 1);
  lua_rotate(L, 3, 2);                        /* f, handler', true, f, args */
  lua_KContext ctx = PCTX(2, nocount_depth(L));
  int status = lua_pcallk(L, n - 2, LUA_MULTRET, 2, ctx, pcall_k);
  return pcall_k(L, status, ctx);
}

/* }====================================================== */

/* {====================================================== coroutines */

enum { COS_RUN, COS_DEAD, COS_YIELD, COS_NORM };
static const char *const statname[] = { "running", "dead", "suspended", "normal" };

static lua_State *getco(lua_State *L) {
  lua_State *co = lua_tothread(L, 1);
  luaL_argexpected(L, co, 1, "coroutine");
  return co;
}

static int auxstatus(lua_State *L, lua_State *co) {
  if (L == co) return COS_RUN;
  switch (lua_status(co)) {
    case LUA_YIELD: return COS_YIELD;
    case LUA_OK: {
      lua_Debug ar;
      if (lua_getstack(co, 0, &ar)) return COS_NORM;
      return lua_gettop(co) == 0 ? COS_DEAD : COS_YIELD;
    }
    default: return COS_DEAD;
  }
}

/* The coroutine being resumed (innermost), for lc_run_interrupt: a signal
   handler may set a hook on it while it runs, never after. */
static lua_State *volatile resumed;

lua_State *lc_instr_resumed(void) { return resumed; }

static int auxresume(lua_State *L, lua_State *co, int narg) {
  int status, nres;
  if (!lua_checkstack(co, narg)) {
    lua_pushliteral(L, "too many arguments to resume");
    return -1;
  }
  lua_xmove(L, co, narg);
  int depth = nocount_depth(L);
  lua_State *outer = resumed;
  resumed = co;
  status = lua_resume(co, L, narg, &nres);
  resumed = outer;
  if (status == LUA_OK || status == LUA_YIELD) {
    if (!lua_checkstack(L, nres + 1)) {
      lua_pop(co, nres);
      lua_pushliteral(L, "too many results to resume");
      return -1;
    }
    lua_xmove(co, L, nres);
    return nres;
  }
  /* the coroutine died with its stack intact: settle its frames */
  walk(co, 0, NULL, NULL);
  if (state_instr(L)) nocount_restore(state_instr(L), L, depth);
  lua_xmove(co, L, 1);
  return -1;
}

static int i_resume(lua_State *L) {
  lua_State *co = getco(L);
  int r = auxresume(L, co, lua_gettop(L) - 1);
  if (r < 0) {
    lua_pushboolean(L, 0);
    lua_insert(L, -2);
    return 2;
  }
  lua_pushboolean(L, 1);
  lua_insert(L, -(r + 1));
  return r + 1;
}

static int auxwrap(lua_State *L) {
  lua_State *co = lua_tothread(L, lua_upvalueindex(1));
  int r = auxresume(L, co, lua_gettop(L));
  if (r < 0) {
    int stat = lua_status(co);
    if (stat != LUA_OK && stat != LUA_YIELD) {
      stat = lua_resetthread(co);
      lua_xmove(co, L, 1);
    }
    if (stat != LUA_ERRMEM && lua_type(L, -1) == LUA_TSTRING) {
      luaL_where(L, 1);
      lua_insert(L, -2);
      lua_concat(L, 2);
    }
    return lua_error(L);
  }
  return r;
}

/*
** Coroutines that are never resumed again keep what their frames counted
** ahead (a chain) or hold in registers (a loop). Every coroutine is known
** through a weak table; a proxy whose finalizer settles its frames goes
** with it, and lc_instr_detach/abandon settle those still alive.
*/
static const char threads_key = 't';        /* registry: thread -> proxy */

static int on_thread_gc(lua_State *L) {
  if (!state_instr(L)) return 0;             /* detached: the run is over */
  lua_getiuservalue(L, 1, 1);
  lua_State *co = lua_tothread(L, -1);
  if (co) walk(co, 0, NULL, NULL);
  return 0;
}

static const char proxy_mt_key = 'p';       /* registry: { __gc = on_thread_gc } */

static void track(lua_State *L) {            /* the new thread on top */
  int co = lua_gettop(L);
  if (lua_rawgetp(L, LUA_REGISTRYINDEX, &threads_key) != LUA_TTABLE) {
    lua_pop(L, 1);
    return;
  }
  lua_pushvalue(L, co);
  lua_newuserdatauv(L, 0, 1);
  lua_pushvalue(L, co);
  lua_setiuservalue(L, -2, 1);
  lua_rawgetp(L, LUA_REGISTRYINDEX, &proxy_mt_key);
  lua_setmetatable(L, -2);
  lua_rawset(L, -3);
  lua_pop(L, 1);
}

/* Hard: the coroutines will never run again. Soft (a sync): what their
   loops counted in registers is added now, and they may go on. */
static void settle_threads(lua_State *L, int hard) {
  if (lua_rawgetp(L, LUA_REGISTRYINDEX, &threads_key) != LUA_TTABLE) {
    lua_pop(L, 1);
    return;
  }
  lua_pushnil(L);
  while (lua_next(L, -2)) {
    lua_State *co = lua_tothread(L, -2);
    if (co && co != L && (hard || lua_status(co) == LUA_YIELD))
      walk_mode(co, 0, NULL, NULL, hard);
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
}

/* A new thread has its creator's hook (lua_newthread); it also gets the
   user's mask of its creator, as the hook's owner sees it. */
static void inherit_mask(lua_State *L, lua_State *NL) {
  int um = user_mask(L, L);
  if (um) set_user_mask(L, NL, um);
}

static int i_create(lua_State *L) {
  luaL_checktype(L, 1, LUA_TFUNCTION);
  lua_State *NL = lua_newthread(L);
  lua_pushvalue(L, 1);
  lua_xmove(L, NL, 1);
  track(L);
  inherit_mask(L, NL);
  return 1;
}

static int i_wrap(lua_State *L) {
  i_create(L);                                /* the thread, as coroutine.create */
  lua_pushcclosure(L, auxwrap, 1);
  return 1;
}

static int i_close(lua_State *L) {
  lua_State *co = getco(L);
  int status = auxstatus(L, co);
  switch (status) {
    case COS_DEAD: case COS_YIELD: {
      if (status == COS_YIELD) walk(co, 0, NULL, NULL);   /* abandoned frames */
      status = lua_resetthread(co);
      if (status == LUA_OK) {
        lua_pushboolean(L, 1);
        return 1;
      }
      lua_pushboolean(L, 0);
      lua_xmove(co, L, 1);
      return 2;
    }
    default:
      return luaL_error(L, "cannot close a %s coroutine", statname[status]);
  }
}

/* }====================================================== */

/* {====================================================== code that is not counted */

/*
** Lua calls no hook while a hook runs, nor during a finalizer, so the line
** hook never counts the code of a user's hook function or of a __gc
** metamethod (and what they call). Instrument mode matches that: while
** 'nocount' > 0 every chunk's hidden upvalue holds a second, never synced
** set of counter tables, so functions entered meanwhile count there. A
** frame that is already running keeps its table: it does not run until the
** hook or collection is over.
*/
static void set_counting(lc_instr *in, lua_State *L, int on) {
  if (!lua_checkstack(L, 4)) return;
  if (lua_rawgetp(L, LUA_REGISTRYINDEX, &ct_list_key) != LUA_TTABLE) {
    lua_pop(L, 1);
    return;
  }
  for (int i = 0; i < in->n; i++) {
    ichunk *c = in->v[i];
    lua_rawgeti(L, -1, 3 * c->index - 1);
    lua_rawgeti(L, -2, on ? 3 * c->index - 2 : 3 * c->index);
    if (!lua_setupvalue(L, -2, c->upidx)) lua_pop(L, 1);
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
}

static void nocount_enter(lc_instr *in, lua_State *L) {
  if (in->nocount++ == 0) set_counting(in, L, 0);
}

static void nocount_leave(lc_instr *in, lua_State *L) {
  if (in->nocount > 0 && --in->nocount == 0) set_counting(in, L, 1);
}

/* An error unwound out of hooks entered after 'saved': back to that depth. */
static void nocount_restore(lc_instr *in, lua_State *L, int saved) {
  if (in->nocount > saved) {
    in->nocount = saved + 1;
    nocount_leave(in, L);
  }
}

/* The recorder of the state: in the extra space of every thread (set in the
   main thread before any other exists; threads copy it). */
static lc_instr *state_instr(lua_State *L) {
  return *(lc_instr **)lua_getextraspace(L);
}

static const char *const HOOKKEY = "_HOOKKEY";   /* as ldblib.c */

/*
** A user line hook runs before the instruction where the event happens,
** which is the first of the counter code for that event (or of a
** function's entry code). When the user's hook raises an error, that
** counter never runs, while the line hook of hook mode had counted the
** event before calling the user's function: count it here.
*/
static void count_interrupted(lua_State *L, lua_Debug *ar) {
  lua_Debug a = *ar;
  if (!lua_checkstack(L, 4) || !lua_getinfo(L, "lu", &a) || a.currentline < 0) return;
  lc_instr *in = state_instr(L);
  const char *name = lua_getlocal(L, &a, a.nparams + 1);
  int idx = 0;
  if (name && strcmp(name, "(lc T)") == 0 && lua_istable(L, -1)) {
    lua_rawgeti(L, -1, 0);
    idx = (int)lua_tointeger(L, -1);
    lua_pop(L, 1);
  } else {                                   /* entry code: T not loaded yet */
    if (name) lua_pop(L, 1);
    int nups;
    if (!lua_getinfo(L, "f", &a)) return;
    idx = proto_index(L, -1, &nups);
    if (idx <= 0) { lua_pop(L, 1); return; }
    lua_getupvalue(L, -1, nups);
    lua_remove(L, -2);
    lua_rawgeti(L, -1, idx);
    lua_remove(L, -2);
  }
  lua_rawgeti(L, -1, -1);
  ichunk *c = lua_touserdata(L, -1);
  lua_pop(L, 1);
  if (!in || !c || idx < 1 || idx > c->nprotos) { lua_pop(L, 1); return; }
  const lc_ir_proto *m = &c->protos[idx - 1];
  if (m->reg_flag >= 0 && lua_getlocal(L, &a, m->reg_flag + 1)) {
    int inchain = !lua_isnil(L, -1);         /* pre-counted by the chain */
    lua_pop(L, 1);
    if (inchain) { lua_pop(L, 1); return; }
  }
  for (int k = 1; k <= m->ncounters; k++) {
    if (m->counter_line[k] != a.currentline) continue;
    lua_rawgeti(L, -1, k);
    lua_Integer v = lua_tointeger(L, -1);
    lua_pop(L, 1);
    lua_pushinteger(L, v + 1);
    lua_rawseti(L, -2, k);
    break;
  }
  lua_pop(L, 1);
}

static const char usermask_key = 'm';       /* registry: thread -> user's mask */
static const char fbfuncs_key = 'f';        /* registry: unrewritten chunks */

/* The mask the user gave debug.sethook for 'L1' (0: none). */
static int user_mask(lua_State *L, lua_State *L1) {
  int mask = 0;
  if (!lua_checkstack(L, 3)) return 0;
  if (lua_rawgetp(L, LUA_REGISTRYINDEX, &usermask_key) == LUA_TTABLE) {
    if (lua_checkstack(L1, 1)) {
      lua_pushthread(L1);
      lua_xmove(L1, L, 1);
      if (lua_rawget(L, -2) == LUA_TNUMBER) mask = (int)lua_tointeger(L, -1);
      lua_pop(L, 1);
    }
  }
  lua_pop(L, 1);
  return mask;
}

static void set_user_mask(lua_State *L, lua_State *L1, int mask) {
  if (lua_rawgetp(L, LUA_REGISTRYINDEX, &usermask_key) == LUA_TTABLE && lua_checkstack(L1, 1)) {
    lua_pushthread(L1);
    lua_xmove(L1, L, 1);
    if (mask) lua_pushinteger(L, mask);
    else lua_pushnil(L);
    lua_rawset(L, -3);
  }
  lua_pop(L, 1);
}

static int mark_exec_cb(void *ud, int line) {
  return lc_cov_mark_exec(ud, line) != 0;
}

/* Hook mode for the chunks that could not be rewritten: the line event
   counts when the running function comes from one of them. */
static void fallback_count(lc_instr *in, lua_State *L, lua_Debug *ar) {
  int line = ar->currentline;
  if (line < 0 || !lua_getinfo(L, "S", ar)) return;
  struct fbchunk *e = NULL;
  for (int i = 0; i < in->nfb && !e; i++)
    if (in->fb[i].src == ar->source) e = &in->fb[i];
  if (!e) return;
  lc_cov_file *f = lc_cov_get(in->cov, e->path);
  if (!f) return;
  if (!e->seen) {                           /* as the hook's first sight of it */
    e->seen = 1;
    f->loads++;
    if (lua_checkstack(L, 2) &&
        lua_rawgetp(L, LUA_REGISTRYINDEX, &fbfuncs_key) == LUA_TTABLE) {
      lua_rawgeti(L, -1, e->anchor);
      lc_lines_of_function(L, -1, mark_exec_cb, f);
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
    if (e->linedefined != 0) {
      char err[256];
      lc_cov_exec_from_file(f, err, sizeof err);
    }
  }
  lc_cov_record(in->cov, f, line, 1);
}

/* The hook of every thread with a user hook, or with unrewritten chunks to
   count: counts those, then calls the user's function as ldblib.c's hook
   does (for the events the user asked for), with counting off. An error in
   the user's function is caught, the interrupted line event counted, and
   the error raised again. */
static void i_hookf(lua_State *L, lua_Debug *ar) {
  static const char *const hooknames[] =
    { "call", "return", "line", "count", "tail call" };
  lc_instr *in = state_instr(L);
  if (in && in->nfb && ar->event == LUA_HOOKLINE) fallback_count(in, L, ar);
  if (in && in->nfb) {
    int want = ar->event == LUA_HOOKTAILCALL ? LUA_MASKCALL : 1 << ar->event;
    if (!(user_mask(L, L) & want)) return;
  }
  lua_getfield(L, LUA_REGISTRYINDEX, HOOKKEY);
  lua_pushthread(L);
  if (lua_rawget(L, -2) == LUA_TFUNCTION) {
    lua_pushstring(L, hooknames[(int)ar->event]);
    if (ar->currentline >= 0) lua_pushinteger(L, ar->currentline);
    else lua_pushnil(L);
    if (in) nocount_enter(in, L);
    int st = lua_pcall(L, 2, 0, 0);
    if (in) nocount_leave(in, L);
    if (st != LUA_OK) {
      if (ar->event == LUA_HOOKLINE) count_interrupted(L, ar);
      lua_error(L);
    }
  }
}

/* Sets the hook of 'L1' for the user's mask plus, when unrewritten chunks
   are counted, line events. */
static void apply_hook(lc_instr *in, lua_State *L1, int umask, int count) {
  int mask = umask | (in && in->nfb ? LUA_MASKLINE : 0);
  lua_sethook(L1, mask ? i_hookf : NULL, mask, count);
}

static void enable_on(lc_instr *in, lua_State *L, lua_State *L1) {
  lua_Hook h = lua_gethook(L1);
  if (h != NULL && h != i_hookf) return;     /* somebody else's hook: left alone */
  apply_hook(in, L1, user_mask(L, L1), lua_gethookcount(L1));
}

static const char threads_key;

/*
** A chunk of a recorded file that could not be rewritten (the function on
** top of the stack): the line hook counts it, as in hook mode, from now on
** in every thread known (new ones inherit the hook of their creator).
*/
static void fallback_add(lc_instr *in, lua_State *L, const char *src, const char *path,
                         int linedefined) {
  if (!lua_checkstack(L, 4)) return;
  if (lua_rawgetp(L, LUA_REGISTRYINDEX, &fbfuncs_key) != LUA_TTABLE) {
    lua_pop(L, 1);
    return;
  }
  int n = (int)lua_rawlen(L, -1) + 1;
  lua_pushvalue(L, -2);
  lua_rawseti(L, -2, n);                     /* anchored: its source stays unique */
  lua_pop(L, 1);
  if (in->nfb == in->capfb) {
    int ncap = in->capfb ? in->capfb * 2 : 4;
    struct fbchunk *nv = realloc(in->fb, (size_t)ncap * sizeof *nv);
    if (!nv) return;
    in->fb = nv;
    in->capfb = ncap;
  }
  struct fbchunk *e = &in->fb[in->nfb];
  e->src = src;
  e->path = strdup(path);
  if (!e->path) return;
  e->linedefined = linedefined;
  e->seen = 0;
  e->anchor = n;
  if (in->nfb++ > 0) return;
  lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_MAINTHREAD);
  lua_State *M = lua_tothread(L, -1);
  if (M) enable_on(in, L, M);
  lua_pop(L, 1);
  enable_on(in, L, L);
  if (lua_rawgetp(L, LUA_REGISTRYINDEX, &threads_key) == LUA_TTABLE) {
    lua_pushnil(L);
    while (lua_next(L, -2)) {
      lua_State *co = lua_tothread(L, -2);
      if (co) enable_on(in, L, co);
      lua_pop(L, 1);
    }
  }
  lua_pop(L, 1);
}

static int makemask(const char *smask, int count) {
  int mask = 0;
  if (strchr(smask, 'c')) mask |= LUA_MASKCALL;
  if (strchr(smask, 'r')) mask |= LUA_MASKRET;
  if (strchr(smask, 'l')) mask |= LUA_MASKLINE;
  if (count > 0) mask |= LUA_MASKCOUNT;
  return mask;
}

static lua_State *getthread(lua_State *L, int *arg);
static void checkstack(lua_State *L, lua_State *L1, int n);

static int i_sethook(lua_State *L) {
  int arg, mask, count;
  lua_State *L1 = getthread(L, &arg);
  if (lua_isnoneornil(L, arg + 1)) {
    lua_settop(L, arg + 1);
    mask = 0; count = 0;
  } else {
    const char *smask = luaL_checkstring(L, arg + 2);
    luaL_checktype(L, arg + 1, LUA_TFUNCTION);
    count = (int)luaL_optinteger(L, arg + 3, 0);
    mask = makemask(smask, count);
  }
  if (!luaL_getsubtable(L, LUA_REGISTRYINDEX, HOOKKEY)) {
    lua_pushliteral(L, "k");
    lua_setfield(L, -2, "__mode");
    lua_pushvalue(L, -1);
    lua_setmetatable(L, -2);
  }
  checkstack(L, L1, 1);
  lua_pushthread(L1);
  lua_xmove(L1, L, 1);
  lua_pushvalue(L, arg + 1);
  lua_rawset(L, -3);
  set_user_mask(L, L1, mask);
  apply_hook(state_instr(L), L1, mask, count);
  return 0;
}

static int i_gethook(lua_State *L) {
  int arg;
  lua_State *L1 = getthread(L, &arg);
  char buff[5];
  int mask = lua_gethookmask(L1), i = 0;
  lua_Hook hook = lua_gethook(L1);
  lc_instr *in = state_instr(L);
  if (hook == i_hookf && in && in->nfb) mask = user_mask(L, L1);
  if (hook == NULL || (hook == i_hookf && mask == 0)) {
    luaL_pushfail(L);
    return 1;
  } else if (hook != i_hookf) {
    lua_pushliteral(L, "external hook");
  } else {
    lua_getfield(L, LUA_REGISTRYINDEX, HOOKKEY);
    checkstack(L, L1, 1);
    lua_pushthread(L1);
    lua_xmove(L1, L, 1);
    lua_rawget(L, -2);
    lua_remove(L, -2);
  }
  if (mask & LUA_MASKCALL) buff[i++] = 'c';
  if (mask & LUA_MASKRET) buff[i++] = 'r';
  if (mask & LUA_MASKLINE) buff[i++] = 'l';
  buff[i] = '\0';
  lua_pushstring(L, buff);
  lua_pushinteger(L, lua_gethookcount(L1));
  return 3;
}

/* collectgarbage ([opt [, arg]]), as lbaselib.c; finalizers it runs are
   not counted. */
static int i_collectgarbage(lua_State *L) {
  static const char *const opts[] = { "stop", "restart", "collect", "count",
    "step", "setpause", "setstepmul", "isrunning", "generational",
    "incremental", NULL };
  static const int optsnum[] = { LUA_GCSTOP, LUA_GCRESTART, LUA_GCCOLLECT,
    LUA_GCCOUNT, LUA_GCSTEP, LUA_GCSETPAUSE, LUA_GCSETSTEPMUL,
    LUA_GCISRUNNING, LUA_GCGEN, LUA_GCINC };
  lc_instr *in = instr_of(L);
  int o = optsnum[luaL_checkoption(L, 1, "collect", opts)];
  int res;
  switch (o) {
    case LUA_GCCOUNT: {
      int k = lua_gc(L, o);
      int b = lua_gc(L, LUA_GCCOUNTB);
      if (k == -1) break;
      lua_pushnumber(L, (lua_Number)k + ((lua_Number)b / 1024));
      return 1;
    }
    case LUA_GCSTEP: {
      int step = (int)luaL_optinteger(L, 2, 0);
      nocount_enter(in, L);
      res = lua_gc(L, o, step);
      nocount_leave(in, L);
      if (res == -1) break;
      lua_pushboolean(L, res);
      return 1;
    }
    case LUA_GCSETPAUSE: case LUA_GCSETSTEPMUL: {
      int p = (int)luaL_optinteger(L, 2, 0);
      res = lua_gc(L, o, p);
      if (res == -1) break;
      lua_pushinteger(L, res);
      return 1;
    }
    case LUA_GCISRUNNING:
      res = lua_gc(L, o);
      if (res == -1) break;
      lua_pushboolean(L, res);
      return 1;
    case LUA_GCGEN: case LUA_GCINC: {
      int a = (int)luaL_optinteger(L, 2, 0), b = (int)luaL_optinteger(L, 3, 0);
      nocount_enter(in, L);
      if (o == LUA_GCGEN) res = lua_gc(L, o, a, b);
      else res = lua_gc(L, o, a, b, (int)luaL_optinteger(L, 4, 0));
      nocount_leave(in, L);
      if (res == -1) luaL_pushfail(L);
      else lua_pushstring(L, res == LUA_GCINC ? "incremental" : "generational");
      return 1;
    }
    default:
      nocount_enter(in, L);
      res = lua_gc(L, o);
      nocount_leave(in, L);
      if (res == -1) break;
      lua_pushinteger(L, res);
      return 1;
  }
  luaL_pushfail(L);
  return 1;
}

/* }====================================================== */

/* {====================================================== debug library */

/* 1 if the function at 'idx' is a rewritten one (its last upvalue is the
   hidden one); '*nups' gets its upvalue count. */
static int is_rewritten(lua_State *L, int idx, int *nups) {
  return proto_index(L, idx, nups) > 0;
}

/* The prototype index of the rewritten function at 'idx', from the name of
   its hidden upvalue, or 0 when it is not rewritten. */
static int proto_index(lua_State *L, int idx, int *nups) {
  lua_Debug ar;
  idx = lua_absindex(L, idx);
  if (!lua_isfunction(L, idx) || lua_iscfunction(L, idx)) return 0;
  lua_pushvalue(L, idx);
  lua_getinfo(L, ">u", &ar);
  *nups = ar.nups;
  if (ar.nups == 0) return 0;
  const char *name = lua_getupvalue(L, idx, ar.nups);
  if (!name) return 0;
  lua_pop(L, 1);
  size_t n = sizeof LC_IR_UPNAME - 1;
  if (strncmp(name, LC_IR_UPNAME, n) != 0) return 0;
  return atoi(name + n);
}

static lua_State *getthread(lua_State *L, int *arg) {
  if (lua_isthread(L, 1)) {
    *arg = 1;
    return lua_tothread(L, 1);
  }
  *arg = 0;
  return L;
}

static void checkstack(lua_State *L, lua_State *L1, int n) {
  if (L != L1 && !lua_checkstack(L1, n)) luaL_error(L, "stack overflow");
}

static void settabss(lua_State *L, const char *k, const char *v) {
  lua_pushstring(L, v);
  lua_setfield(L, -2, k);
}
static void settabsi(lua_State *L, const char *k, int v) {
  lua_pushinteger(L, v);
  lua_setfield(L, -2, k);
}
static void settabsb(lua_State *L, const char *k, int v) {
  lua_pushboolean(L, v);
  lua_setfield(L, -2, k);
}
static void move_into(lua_State *L, lua_State *L1, const char *field) {
  if (L == L1) lua_rotate(L, -2, 1);
  else lua_xmove(L1, L, 1);
  lua_setfield(L, -2, field);
}

/* debug.getinfo ([thread,] f [, what]): as ldblib.c, nups without ours. */
static int i_getinfo(lua_State *L) {
  lua_Debug ar;
  int arg;
  lua_State *L1 = getthread(L, &arg);
  const char *options = luaL_optstring(L, arg + 2, "flnSrtu");
  checkstack(L, L1, 4);
  luaL_argcheck(L, options[0] != '>', arg + 2, "invalid option '>'");
  int hidden = 0, nups, level = -1;
  if (lua_isfunction(L, arg + 1)) {
    hidden = strchr(options, 'u') && is_rewritten(L, arg + 1, &nups);
    options = lua_pushfstring(L, ">%s", options);
    lua_pushvalue(L, arg + 1);
    lua_xmove(L, L1, 1);
  } else {
    level = (int)luaL_checkinteger(L, arg + 1);
    if (!lua_getstack(L1, level, &ar)) {
      luaL_pushfail(L);
      return 1;
    }
    if (strchr(options, 'u') && lua_getinfo(L1, "f", &ar)) {
      lua_xmove(L1, L, 1);
      hidden = is_rewritten(L, -1, &nups);
      lua_pop(L, 1);
    }
  }
  if (!lua_getinfo(L1, options, &ar)) return luaL_argerror(L, arg + 2, "invalid option");
  lua_newtable(L);
  if (strchr(options, 'S')) {
    lua_pushlstring(L, ar.source, ar.srclen);
    lua_setfield(L, -2, "source");
    settabss(L, "short_src", ar.short_src);
    settabsi(L, "linedefined", ar.linedefined);
    settabsi(L, "lastlinedefined", ar.lastlinedefined);
    settabss(L, "what", ar.what);
  }
  if (strchr(options, 'l')) settabsi(L, "currentline", ar.currentline);
  if (strchr(options, 'u')) {
    settabsi(L, "nups", ar.nups - hidden);
    settabsi(L, "nparams", ar.nparams);
    settabsb(L, "isvararg", ar.isvararg);
  }
  if (strchr(options, 'n')) {
    settabss(L, "name", ar.name);
    settabss(L, "namewhat", ar.namewhat);
  }
  if (strchr(options, 'r')) {
    settabsi(L, "ftransfer", ar.ftransfer);
    settabsi(L, "ntransfer", ar.ntransfer);
  }
  if (strchr(options, 't')) {
    int tail = ar.istailcall;
    lc_instr *in = state_instr(L);
    if (tail && level >= 0 && in && in->nmarks) {
      int n = stack_depth(L1);
      tail = !is_marked(in, L1, n, level);
    }
    settabsb(L, "istailcall", tail);
  }
  if (strchr(options, 'L')) move_into(L, L1, "activelines");
  if (strchr(options, 'f')) move_into(L, L1, "func");
  return 1;
}

/* The user's local number 'n' in frame 'ar' of 'L1' as Lua numbers it. */
static int map_local(lua_State *L1, lua_Debug *ar, int n) {
  if (n <= 0 || !lua_checkstack(L1, 2)) return n;
  if (!lua_getinfo(L1, "u", ar) || n <= ar->nparams) return n;
  int k = 0;
  for (;;) {
    const char *name = lua_getlocal(L1, ar, ar->nparams + 1 + k);
    if (!name) break;
    lua_pop(L1, 1);
    if (strncmp(name, LC_IR_LOCPFX, sizeof LC_IR_LOCPFX - 1) != 0) break;
    k++;
  }
  return n + k;
}

static int i_getlocal(lua_State *L) {
  int arg;
  lua_State *L1 = getthread(L, &arg);
  int nvar = (int)luaL_checkinteger(L, arg + 2);
  if (lua_isfunction(L, arg + 1)) {
    lua_pushvalue(L, arg + 1);
    lua_pushstring(L, lua_getlocal(L, NULL, nvar));
    return 1;
  }
  lua_Debug ar;
  int level = (int)luaL_checkinteger(L, arg + 1);
  if (!lua_getstack(L1, level, &ar)) return luaL_argerror(L, arg + 1, "level out of range");
  checkstack(L, L1, 1);
  nvar = map_local(L1, &ar, nvar);
  const char *name = lua_getlocal(L1, &ar, nvar);
  if (name) {
    lua_xmove(L1, L, 1);
    lua_pushstring(L, name);
    lua_rotate(L, -2, 1);
    return 2;
  }
  luaL_pushfail(L);
  return 1;
}

static int i_setlocal(lua_State *L) {
  int arg;
  const char *name;
  lua_State *L1 = getthread(L, &arg);
  lua_Debug ar;
  int level = (int)luaL_checkinteger(L, arg + 1);
  int nvar = (int)luaL_checkinteger(L, arg + 2);
  if (!lua_getstack(L1, level, &ar)) return luaL_argerror(L, arg + 1, "level out of range");
  luaL_checkany(L, arg + 3);
  lua_settop(L, arg + 3);
  checkstack(L, L1, 1);
  nvar = map_local(L1, &ar, nvar);
  lua_xmove(L, L1, 1);
  name = lua_setlocal(L1, &ar, nvar);
  if (name == NULL) lua_pop(L1, 1);
  lua_pushstring(L, name);
  return 1;
}

/* Upvalue 'n' of the function at 'f' is the hidden one. */
static int hidden_upvalue(lua_State *L, int f, int n) {
  int nups;
  return is_rewritten(L, f, &nups) && n == nups;
}

static int auxupvalue(lua_State *L, int get) {
  const char *name;
  int n = (int)luaL_checkinteger(L, 2);
  luaL_checktype(L, 1, LUA_TFUNCTION);
  if (hidden_upvalue(L, 1, n)) return 0;
  name = get ? lua_getupvalue(L, 1, n) : lua_setupvalue(L, 1, n);
  if (name == NULL) return 0;
  lua_pushstring(L, name);
  lua_insert(L, -(get + 1));
  return get + 1;
}

static int i_getupvalue(lua_State *L) { return auxupvalue(L, 1); }

static int i_setupvalue(lua_State *L) {
  luaL_checkany(L, 3);
  return auxupvalue(L, 0);
}

static void *checkupval(lua_State *L, int argf, int argnup, int *pnup) {
  void *id;
  int nup = (int)luaL_checkinteger(L, argnup);
  luaL_checktype(L, argf, LUA_TFUNCTION);
  id = hidden_upvalue(L, argf, nup) ? NULL : lua_upvalueid(L, argf, nup);
  if (pnup) {
    luaL_argcheck(L, id != NULL, argnup, "invalid upvalue index");
    *pnup = nup;
  }
  return id;
}

static int i_upvalueid(lua_State *L) {
  void *id = checkupval(L, 1, 2, NULL);
  if (id != NULL) lua_pushlightuserdata(L, id);
  else luaL_pushfail(L);
  return 1;
}

static int i_upvaluejoin(lua_State *L) {
  int n1, n2;
  checkupval(L, 1, 2, &n1);
  checkupval(L, 3, 4, &n2);
  luaL_argcheck(L, !lua_iscfunction(L, 1), 1, "Lua function expected");
  luaL_argcheck(L, !lua_iscfunction(L, 3), 3, "Lua function expected");
  lua_upvaluejoin(L, 1, n1, 3, n2);
  return 0;
}

/* }====================================================== */

/* {====================================================== string.dump */

/* The original prototype of the rewritten function at 'idx'. */
static const ic_proto *original_of(lua_State *L, int idx, ichunk **pc) {
  int nups;
  int index = proto_index(L, idx, &nups);
  if (index <= 0) return NULL;
  lua_getupvalue(L, idx, nups);
  lua_rawgeti(L, -1, 0);
  ichunk *c = lua_touserdata(L, -1);
  lua_pop(L, 2);
  if (!c || index > c->nprotos) return NULL;
  /* depth-first walk to the index-th prototype */
  const ic_proto *stack[256];
  int sp = 0, n = 0;
  stack[sp++] = &c->orig.main;
  while (sp > 0) {
    const ic_proto *p = stack[--sp];
    if (++n == index) { *pc = c; return p; }
    for (int k = p->np - 1; k >= 0 && sp < 256; k--) stack[sp++] = &p->p[k];
  }
  return NULL;
}

static int i_dump(lua_State *L) {
  int strip = lua_toboolean(L, 2);
  luaL_checktype(L, 1, LUA_TFUNCTION);
  lua_settop(L, 1);
  ichunk *c = NULL;
  const ic_proto *p = original_of(L, 1, &c);
  if (p) {
    ic_chunk one;
    memset(&one, 0, sizeof one);
    ic_buf b = { 0 };
    int ok = lc_ic_proto_copy(&one.main, p) == IC_OK;
    if (ok && !one.main.source.s && c->orig.main.source.s) {   /* nested: own name */
      one.main.source.len = c->orig.main.source.len;
      one.main.source.s = malloc(one.main.source.len + 1);
      if (one.main.source.s)
        memcpy(one.main.source.s, c->orig.main.source.s, one.main.source.len + 1);
      else
        ok = 0;
    }
    one.nupvalues = p->nup;
    if (ok) ok = lc_ic_write(&one, strip, &b) == IC_OK;
    lc_ic_free(&one);
    if (!ok) {
      lc_ic_buf_free(&b);
      return luaL_error(L, "not enough memory");
    }
    lua_pushlstring(L, (const char *)b.p, b.n);
    lc_ic_buf_free(&b);
    return 1;
  }
  ic_buf b = { 0 };
  if (lc_chunk_dump(L, strip, &b.p, &b.n) != LC_CHUNK_OK)
    return luaL_error(L, "unable to dump given function");
  lua_pushlstring(L, (const char *)b.p, b.n);
  lc_ic_buf_free(&b);
  return 1;
}

/* }====================================================== */

/* {====================================================== attaching */

int lc_instr_supported(char *why, size_t whylen) {
  if (LUA_VERSION_RELEASE_NUM != 50404) {
    snprintf(why, whylen, "livecov was built against Lua %s; instrument mode supports 5.4.4",
             LUA_RELEASE);
    return 0;
  }
  lua_State *L = luaL_newstate();
  if (!L) {
    snprintf(why, whylen, "cannot create a Lua state");
    return 0;
  }
  int ok = 0;
  if (luaL_loadstring(L, "local a = ... return a") == LUA_OK) {
    ic_buf b = { 0 };
    if (lc_chunk_dump(L, 0, &b.p, &b.n) == LC_CHUNK_OK)
      ok = lc_chunk_header_ok(b.p, b.n);
    lc_ic_buf_free(&b);
  }
  lua_close(L);
  if (!ok) snprintf(why, whylen, "this Lua writes binary chunks in a format instrument mode does not read");
  return ok;
}

static void setfn(lua_State *L, lc_instr *in, const char *name, lua_CFunction f) {
  lua_pushlightuserdata(L, in);
  lua_pushcclosure(L, f, 1);
  lua_setfield(L, -2, name);
}

/* Opens the libraries it patches (luaL_openlibs later reuses them). */
static int install(lua_State *L) {
  lc_instr *in = lua_touserdata(L, 1);
  lua_newtable(L);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &ct_list_key);
  lua_createtable(L, 1, 0);
  lua_pushinteger(L, 0);
  lua_rawseti(L, -2, 1);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &armed_key);
  luaL_requiref(L, LUA_GNAME, luaopen_base, 1);
  setfn(L, in, "load", i_load);
  setfn(L, in, "loadfile", i_loadfile);
  setfn(L, in, "dofile", i_dofile);
  setfn(L, in, "collectgarbage", i_collectgarbage);
  lua_pushcfunction(L, i_pcall);
  lua_setfield(L, -2, "pcall");
  lua_pushcfunction(L, i_xpcall);
  lua_setfield(L, -2, "xpcall");
  lua_pop(L, 1);
  luaL_requiref(L, LUA_LOADLIBNAME, luaopen_package, 1);
  lua_getfield(L, -1, "searchers");
  lua_pushlightuserdata(L, in);
  lua_pushvalue(L, -3);                    /* package */
  lua_getfield(L, -4, "searchpath");
  lua_pushcclosure(L, i_searcher_lua, 3);
  lua_rawseti(L, -2, 2);
  lua_pop(L, 2);
  luaL_requiref(L, LUA_STRLIBNAME, luaopen_string, 1);
  lua_pushcfunction(L, i_dump);
  lua_setfield(L, -2, "dump");
  lua_pop(L, 1);
  luaL_requiref(L, LUA_COLIBNAME, luaopen_coroutine, 1);
  lua_pushcfunction(L, i_resume);
  lua_setfield(L, -2, "resume");
  lua_pushcfunction(L, i_create);
  lua_setfield(L, -2, "create");
  lua_pushcfunction(L, i_wrap);
  lua_setfield(L, -2, "wrap");
  lua_pushcfunction(L, i_close);
  lua_setfield(L, -2, "close");
  lua_pop(L, 1);
  luaL_requiref(L, LUA_DBLIBNAME, luaopen_debug, 1);
  lua_getfield(L, -1, "traceback");
  in->traceback = lua_tocfunction(L, -1);
  lua_pop(L, 1);
  lua_createtable(L, 2, 0);                  /* xpcall's handler wrappers */
  if (luaL_loadbuffer(L, wrapper_src, sizeof wrapper_src - 1, "=livecov") != LUA_OK)
    return lua_error(L);
  lua_pushcfunction(L, walk_here);
  lua_call(L, 1, 1);
  lua_rawseti(L, -2, 1);
  lua_newtable(L);
  lua_newtable(L);
  lua_pushliteral(L, "k");
  lua_setfield(L, -2, "__mode");
  lua_setmetatable(L, -2);
  lua_rawseti(L, -2, 2);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &wrappers_key);
  lua_newtable(L);                           /* thread -> proxy, weak keys */
  lua_createtable(L, 0, 1);
  lua_pushliteral(L, "k");
  lua_setfield(L, -2, "__mode");
  lua_setmetatable(L, -2);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &threads_key);
  lua_newtable(L);                           /* thread -> user's hook mask */
  lua_createtable(L, 0, 1);
  lua_pushliteral(L, "k");
  lua_setfield(L, -2, "__mode");
  lua_setmetatable(L, -2);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &usermask_key);
  lua_newtable(L);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &fbfuncs_key);
  lua_createtable(L, 0, 1);
  lua_pushcfunction(L, on_thread_gc);
  lua_setfield(L, -2, "__gc");
  lua_rawsetp(L, LUA_REGISTRYINDEX, &proxy_mt_key);
  static const luaL_Reg dbg[] = {
    { "getinfo", i_getinfo }, { "getlocal", i_getlocal }, { "setlocal", i_setlocal },
    { "getupvalue", i_getupvalue }, { "setupvalue", i_setupvalue },
    { "upvalueid", i_upvalueid }, { "upvaluejoin", i_upvaluejoin },
    { "sethook", i_sethook }, { "gethook", i_gethook }, { "traceback", i_traceback },
    { NULL, NULL } };
  luaL_setfuncs(L, dbg, 0);
  lua_pop(L, 1);
  return 0;
}

lc_instr *lc_instr_attach(lc_cov *cov, lua_State *L, const char *root) {
  lc_instr *in = calloc(1, sizeof *in);
  if (!in) return NULL;
  in->cov = cov;
  in->root = root ? strdup(root) : NULL;
  if (root && !in->root) { free(in); return NULL; }
  *(lc_instr **)lua_getextraspace(L) = in;
  lua_pushcfunction(L, install);
  lua_pushlightuserdata(L, in);
  if (lua_pcall(L, 1, 0, 0) != LUA_OK) {
    lua_pop(L, 1);
    free(in->root);
    free(in);
    return NULL;
  }
  return in;
}

void lc_instr_abandon(lc_instr *in, lua_State *L) {
  if (!in) return;
  walk(L, 0, NULL, NULL);
  settle_threads(L, 1);
  lc_instr_sync(in, L);
}

void lc_instr_detach(lc_instr *in, lua_State *L) {
  if (!in) return;
  settle_threads(L, 1);
  lc_instr_sync(in, L);
  *(lc_instr **)lua_getextraspace(L) = NULL;
  for (int i = 0; i < in->n; i++) chunk_free(in->v[i]);
  free(in->v);
  for (int i = 0; i < in->nfb; i++) free(in->fb[i].path);
  free(in->fb);
  free(in->srcs);
  free(in->root);
  free(in);
}

int lc_instr_skipped(const lc_instr *in, const char **first_reason) {
  if (first_reason) *first_reason = in && in->skipped ? in->reason : NULL;
  return in ? in->skipped : 0;
}

/* }====================================================== */
