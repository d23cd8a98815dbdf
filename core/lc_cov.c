/*
** lc_cov.c: the coverage recorder and its line hook.
** The hook is the hot path: per event it asks Lua for the function's source
** pointer ("S"), compares it with the last one seen, and bumps a counter in
** a flat array. Everything that costs more (hashing a path, realpath,
** computing executable lines) happens once per loaded chunk, when a source
** pointer is seen for the first time.
**
** Source pointers are stable only while the chunk's prototypes live, so the
** first closure seen for each new source (always the chunk's main function,
** because nested closures are made by running it) is anchored in the
** registry until the state closes: its address cannot be reused meanwhile.
*/
#include "lc_cov.h"
#include "lc_lines.h"

#include <lauxlib.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Source-pointer map entry: 'file' is -1 for chunks not backed by a file. */
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
  /* per-test tracking */
  int testing;
  uint32_t testgen;
  uint32_t **marks;          /* marks[file][line] == testgen: already noted */
  int *markcap;              /* entries allocated in marks[file] */
  int capmarks;
  lc_cov_point *points;
  int npoints, cappoints;
  int anchors;               /* closures anchored so far */
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
    free(c->files[i]);
  }
  for (int i = 0; i < c->capmarks; i++) free(c->marks[i]);
  free(c->marks);
  free(c->markcap);
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
  int old = f->maxline + 1;
  memset(f->hits + old, 0, (size_t)(ncap - old) * sizeof *nh);
  memset(f->exec + old, 0, (size_t)(ncap - old));
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
** First sight of a source pointer: find the file, anchor the closure, mark
** the executable lines of its prototype tree. Runs inside the hook, where
** 'ar' describes the running function.
*/
static lc_cov_file *src_new(lc_cov *c, lua_State *L, lua_Debug *ar) {
  int fileid = -1;
  lc_cov_file *f = NULL;
  if (ar->source[0] == '@') {
    char *path = resolve_path(c->root, ar->source + 1);
    /* Only the project's files are recorded: libraries such as luassert
       are neither reported nor worth a counter. */
    if (path && in_root(c->root, path)) f = lc_cov_get(c, path);
    free(path);
    if (f) fileid = f->id;
  }
  if (src_insert(c, ar->source, fileid) != 0) return NULL;
  if (lua_getinfo(L, "f", ar)) {        /* pushes the running closure */
    if (f) {
      f->loads++;
      lc_lines_of_function(L, -1, mark_cb, f);
    }
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &anchor_key) == LUA_TTABLE) {
      lua_pushvalue(L, -2);
      lua_rawseti(L, -2, ++c->anchors);
    }
    lua_pop(L, 2);
  }
  return f;
}

/* }====================================================== */

/* {====================================================== the hook */

static void note_point(lc_cov *c, lc_cov_file *f, int line) {
  if (f->id >= c->capmarks) {
    int ncap = c->capmarks ? c->capmarks : 16;
    while (ncap <= f->id) ncap *= 2;
    uint32_t **nm = realloc(c->marks, (size_t)ncap * sizeof *nm);
    if (!nm) return;
    c->marks = nm;
    int *nc = realloc(c->markcap, (size_t)ncap * sizeof *nc);
    if (!nc) return;
    c->markcap = nc;
    for (int i = c->capmarks; i < ncap; i++) { nm[i] = NULL; nc[i] = 0; }
    c->capmarks = ncap;
  }
  if (line >= c->markcap[f->id]) {
    int ncap = f->maxline + 1;
    uint32_t *m = realloc(c->marks[f->id], (size_t)ncap * sizeof *m);
    if (!m) return;
    memset(m + c->markcap[f->id], 0,
           (size_t)(ncap - c->markcap[f->id]) * sizeof *m);
    c->marks[f->id] = m;
    c->markcap[f->id] = ncap;
  }
  if (c->marks[f->id][line] == c->testgen) return;
  c->marks[f->id][line] = c->testgen;
  if (c->npoints == c->cappoints) {
    int ncap = c->cappoints ? c->cappoints * 2 : 256;
    lc_cov_point *np = realloc(c->points, (size_t)ncap * sizeof *np);
    if (!np) return;
    c->points = np;
    c->cappoints = ncap;
  }
  c->points[c->npoints].file = f->id;
  c->points[c->npoints].line = line;
  c->npoints++;
}

static void hook(lua_State *L, lua_Debug *ar) {
  lc_cov *c = *(lc_cov **)lua_getextraspace(L);
  lc_cov_file *f;
  if (!lua_getinfo(L, "S", ar)) return;
  if (ar->source == c->last_src) {
    f = c->last_file;
  } else {
    srcslot *s = src_find(c, ar->source);
    if (s) f = s->file >= 0 ? c->files[s->file] : NULL;
    else f = src_new(c, L, ar);
    c->last_src = ar->source;
    c->last_file = f;
  }
  c->events++;
  if (!f) return;
  int line = ar->currentline;
  if (line > f->maxline && lc_cov_reserve(f, line) != 0) return;
  f->hits[line]++;
  if (c->testing) note_point(c, f, line);
}

int lc_cov_attach(lc_cov *c, lua_State *L, const char *root) {
  free(c->root);
  c->root = root ? strdup(root) : NULL;
  if (root && !c->root) return -1;
  lua_newtable(L);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &anchor_key);
  *(lc_cov **)lua_getextraspace(L) = c;
  /* Pointers of another state are meaningless here. */
  free(c->srctab);
  c->srctab = NULL;
  c->srccap = c->srcused = 0;
  c->last_src = NULL;
  c->last_file = NULL;
  lua_sethook(L, hook, LUA_MASKLINE, 0);
  return 0;
}

void lc_cov_detach(lc_cov *c, lua_State *L) {
  lua_sethook(L, NULL, 0, 0);
  *(lc_cov **)lua_getextraspace(L) = NULL;
  c->last_src = NULL;
  c->last_file = NULL;
}

void lc_cov_test_begin(lc_cov *c) {
  c->testing = 1;
  c->npoints = 0;
  if (++c->testgen == 0) {            /* wrapped: forget every old mark */
    for (int i = 0; i < c->capmarks; i++)
      if (c->marks[i]) memset(c->marks[i], 0, (size_t)c->markcap[i] * sizeof(uint32_t));
    c->testgen = 1;
  }
}

int lc_cov_test_end(lc_cov *c, lc_cov_point **points) {
  c->testing = 0;
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

/* }====================================================== */
