/*
** lc_results.c: merging per-spec results and writing reports.
** JSON schema (--json), version 1, lines 1-based:
**   { "version": 1, "root": "/abs",
**     "summary": { files, lines, hit, percent, success, failure, error, pending },
**     "files": [ { "path": "src/a.lua", "lines": [[line, hits]...],
**                  "executable": n, "hit": n, "percent": p } ],
**     "specs": [ { "path": "spec/a_spec.lua", "ms": t, "loaded": ["src/a.lua"],
**                  (loaded: files whose code ran, then files read via io.open/io.lines)
**                  "tests": [ { "name", "path": [...], "line", "status",
**                               "message", "fail_file", "fail_line", "ms",
**                               "output", "lines": { "src/a.lua": [1, 2] },
**                               "kind" } ] } ] }
**   kind: "it" for a test (pending ones too); for an error outside a test,
**   the block that erred ("before_each", "describe", "file", ...); null when
**   unknown (a worker that crashed or timed out).
*/
#include "lc_results.h"
#include "lc_lines.h"

#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

void lc_file_counts(const lc_cov_file *f, long *lines, long *hit) {
  long n = 0, h = 0;
  for (int l = 0; l <= f->maxline; l++) {
    if (!f->exec[l]) continue;
    n++;
    if (f->hits[l]) h++;
  }
  *lines = n;
  *hit = h;
}

/* {====================================================== path map */

static uint64_t hash_path(const char *s) {
  uint64_t h = 1469598103934665603ull;           /* FNV-1a */
  for (; *s; s++) { h ^= (unsigned char)*s; h *= 1099511628211ull; }
  return h;
}

int *lc_pathmap_get(const lc_pathmap *m, const char *path) {
  if (!m->cap) return NULL;
  size_t mask = (size_t)m->cap - 1;
  for (size_t i = (size_t)hash_path(path) & mask; m->keys[i]; i = (i + 1) & mask)
    if (!strcmp(m->keys[i], path)) return &m->vals[i];
  return NULL;
}

/* Moves every key into tables of 'ncap' slots (a power of two). */
static int pathmap_rehash(lc_pathmap *m, int ncap) {
  char **nk = calloc((size_t)ncap, sizeof *nk);
  int *nv = malloc((size_t)ncap * sizeof *nv);
  if (!nk || !nv) { free(nk); free(nv); return -1; }
  size_t mask = (size_t)ncap - 1;
  for (int i = 0; i < m->cap; i++) {
    if (!m->keys[i]) continue;
    size_t j = (size_t)hash_path(m->keys[i]) & mask;
    while (nk[j]) j = (j + 1) & mask;
    nk[j] = m->keys[i];
    nv[j] = m->vals[i];
  }
  free(m->keys);
  free(m->vals);
  m->keys = nk;
  m->vals = nv;
  m->cap = ncap;
  return 0;
}

int lc_pathmap_put(lc_pathmap *m, const char *path, int val) {
  int *v = lc_pathmap_get(m, path);
  if (v) { *v = val; return 0; }
  /* at most half full, so probes stay short and always end */
  if ((m->n + 1) * 2 > m->cap) {
    if (m->cap > INT_MAX / 4 || pathmap_rehash(m, m->cap ? m->cap * 2 : 64) != 0) return -1;
  }
  char *key = strdup(path);
  if (!key) return -1;
  size_t mask = (size_t)m->cap - 1, i = (size_t)hash_path(path) & mask;
  while (m->keys[i]) i = (i + 1) & mask;
  m->keys[i] = key;
  m->vals[i] = val;
  m->n++;
  return 0;
}

void lc_pathmap_clear(lc_pathmap *m) {
  for (int i = 0; i < m->cap; i++) free(m->keys[i]);
  free(m->keys);
  free(m->vals);
  memset(m, 0, sizeof *m);
}

/* }====================================================== */

/* {====================================================== lines of files no spec loaded */

/*
** A file in scope that no spec loaded is reported with its executable lines
** at zero hits, and learning those lines means compiling it. The language
** server merges after every finished spec; compiling every such file each
** time made a save cost work in proportion to the project. So the lines are
** kept here, per path, with what stat said of the file when it was compiled:
** device, inode, size, modification and status-change times (ns). Those
** keys were chosen over dropping entries on the editor's save and
** watched-file events because they also see changes no event reports (a
** client that watches no files, a tool rewriting sources), for one stat per
** file the merge needs, and because lc_results also serves `livecov run`,
** which knows no events.
**
** Equal keys alone do not prove equal contents: a file rewritten with the
** same size within one tick of the file system's clock (a few ms, whole
** seconds on some file systems) keeps its times. So, as git does with its
** index, an entry is trusted only if the file's times were older than the
** moment the compile began by more than LINES_SETTLE seconds: any later
** write then moves a time. Entries of younger files, and of files that do
** not compile, are compiled again the next time they are needed.
*/
#define LINES_SETTLE 2

typedef struct lineent {
  int trusted;              /* 'lines' and 'err' describe the file as keyed */
  dev_t dev;
  ino_t ino;
  off_t size;
  struct timespec mtime, ctime;
  int *lines;               /* executable lines as reported, may repeat */
  int nlines, caplines;
  char *err;                /* why the file has no lines (it does not compile) */
} lineent;

struct lc_linecache {
  lc_pathmap index;         /* path -> index in 'v' */
  lineent *v;
  int n, cap;
};

static void linecache_free(lc_linecache *c) {
  if (!c) return;
  for (int i = 0; i < c->n; i++) {
    free(c->v[i].lines);
    free(c->v[i].err);
  }
  free(c->v);
  lc_pathmap_clear(&c->index);
  free(c);
}

static lineent *linecache_find(const lc_linecache *c, const char *path) {
  int *i = c ? lc_pathmap_get(&c->index, path) : NULL;
  return i ? &c->v[*i] : NULL;
}

/* The entry of 'path', created empty and untrusted when absent; NULL on no
   memory. */
static lineent *linecache_get(lc_linecache *c, const char *path) {
  lineent *e = linecache_find(c, path);
  if (e) return e;
  if (c->n == c->cap) {
    int ncap = c->cap ? c->cap * 2 : 64;
    lineent *nv = realloc(c->v, (size_t)ncap * sizeof *nv);
    if (!nv) return NULL;
    c->v = nv;
    c->cap = ncap;
  }
  if (lc_pathmap_put(&c->index, path, c->n) != 0) return NULL;
  e = &c->v[c->n++];
  memset(e, 0, sizeof *e);
  return e;
}

static int same_file(const lineent *e, const struct stat *st) {
  return e->dev == st->st_dev && e->ino == st->st_ino && e->size == st->st_size &&
         e->mtime.tv_sec == st->st_mtim.tv_sec && e->mtime.tv_nsec == st->st_mtim.tv_nsec &&
         e->ctime.tv_sec == st->st_ctim.tv_sec && e->ctime.tv_nsec == st->st_ctim.tv_nsec;
}

/* 1 if 'a' + LINES_SETTLE seconds is before 'b'. */
static int settled_before(const struct timespec *a, const struct timespec *b) {
  time_t s = a->tv_sec + LINES_SETTLE;
  return s < b->tv_sec || (s == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

typedef struct collect { lineent *e; int oom; } collect;

static int collect_line(void *ud, int line) {
  collect *c = ud;
  lineent *e = c->e;
  if (e->nlines == e->caplines) {
    if (e->caplines > INT_MAX / 4) { c->oom = 1; return 1; }
    int ncap = e->caplines ? e->caplines * 2 : 64;
    int *nv = realloc(e->lines, (size_t)ncap * sizeof *nv);
    if (!nv) { c->oom = 1; return 1; }       /* stops the walk */
    e->lines = nv;
    e->caplines = ncap;
  }
  e->lines[e->nlines++] = line;
  return 0;
}

/*
** Marks the executable lines of 't', a file in scope no spec loaded, from
** the entry of 'c', compiling the file unless the entry is trusted and the
** file is still as keyed. A trusted entry of 'prev' (the cache of an
** earlier merge) is taken over. '*err' is set to why the file has no lines
** (owned by 'c'), or NULL. Returns 0, or -1 on no memory.
*/
static int never_loaded_lines(lc_linecache *c, lc_linecache *prev, lc_cov_file *t,
                              const char **err) {
  *err = NULL;
  struct timespec now;        /* before stat and read: see LINES_SETTLE */
  int have_now = clock_gettime(CLOCK_REALTIME, &now) == 0;
  struct stat st;
  int known = stat(t->path, &st) == 0;
  lineent *e = linecache_get(c, t->path);
  if (!e) return -1;
  lineent *old = linecache_find(prev, t->path);
  if (known && old && old->trusted && same_file(old, &st) && !e->trusted) {
    free(e->lines);
    free(e->err);
    *e = *old;                /* 'prev' is freed without what it gave away */
    old->lines = NULL;
    old->err = NULL;
    old->trusted = 0;
  }
  if (!known || !e->trusted || !same_file(e, &st)) {
    e->trusted = 0;
    e->nlines = 0;
    free(e->err);
    e->err = NULL;
    char msg[512];
    collect col = { e, 0 };
    int rc = lc_lines_of_file(t->path, collect_line, &col, msg, sizeof msg);
    if (col.oom) return -1;
    if (rc != 0 && !(e->err = strdup(msg))) return -1;
    if (known) {
      e->dev = st.st_dev;
      e->ino = st.st_ino;
      e->size = st.st_size;
      e->mtime = st.st_mtim;
      e->ctime = st.st_ctim;
      const struct timespec *newest =
        (st.st_ctim.tv_sec > st.st_mtim.tv_sec ||
         (st.st_ctim.tv_sec == st.st_mtim.tv_sec && st.st_ctim.tv_nsec > st.st_mtim.tv_nsec))
        ? &st.st_ctim : &st.st_mtim;
      e->trusted = rc == 0 && have_now && settled_before(newest, &now);
    }
  }
  for (int i = 0; i < e->nlines; i++)
    if (lc_cov_mark_exec(t, e->lines[i]) != 0) return -1;
  *err = e->err;
  return 0;
}

/* }====================================================== */

/* {====================================================== merging */

void lc_results_free(lc_results *r) {
  lc_cov_free(r->total);
  r->total = NULL;
  lc_strv_clear(&r->problems);
  linecache_free(r->lines_);
  r->lines_ = NULL;
}

/* Adds a spec's record of a file to the merged record. 0 or -1. */
static int add_record(lc_cov_file *t, const lc_cov_file *f) {
  t->loads += f->loads;
  for (int l = 0; l <= f->maxline; l++) {
    if (f->exec[l] && lc_cov_mark_exec(t, l)) return -1;
    if (f->hits[l] && lc_cov_add_hits(t, l, f->hits[l])) return -1;
  }
  return 0;
}

int lc_results_merge(lc_results *r) {
  lc_cov_free(r->total);
  lc_strv_clear(&r->problems);
  r->total = lc_cov_new();
  if (!r->total) return -1;
  /* Files in scope first, in sorted order, so reports are deterministic.
     Workers record files by real path, so a file reached through symlinks
     (a linked file, a linked directory) is one record under its real path;
     a link whose target is out of scope (outside the root, say) is none. */
  lc_strv real = {0};
  for (int i = 0; i < r->proj->sources.n; i++) {
    const char *src = r->proj->sources.v[i];
    char buf[PATH_MAX];
    const char *p = realpath(src, buf) ? buf : src;
    if (p == buf && strcmp(buf, src) != 0 && !lc_project_in_scope(r->proj, buf))
      continue;
    if (lc_strv_push(&real, p)) { lc_strv_clear(&real); return -1; }
  }
  lc_strv_sort(&real);
  for (int i = 0; i < real.n; i++)
    if (!lc_cov_get(r->total, real.v[i])) { lc_strv_clear(&real); return -1; }
  lc_strv_clear(&real);
  for (int s = 0; s < r->nspecs; s++) {
    lc_cov *c = r->specs[s]->cov;
    for (int i = 0; i < lc_cov_nfiles(c); i++) {
      lc_cov_file *f = lc_cov_file_at(c, i);
      lc_cov_file *t = lc_cov_find(r->total, f->path);
      if (!t) continue;                    /* not in scope */
      if (add_record(t, f) != 0) return -1;
    }
  }
  /* Never loaded: the executable lines, compiled or from the cache. A new
     cache holds only this merge's files, so files gone from the scope do
     not pile up in it. */
  lc_linecache *prev = r->lines_;
  r->lines_ = calloc(1, sizeof *r->lines_);
  if (!r->lines_) { r->lines_ = prev; return -1; }
  int rc = 0;
  for (int i = 0; i < lc_cov_nfiles(r->total) && rc == 0; i++) {
    lc_cov_file *t = lc_cov_file_at(r->total, i);
    if (t->loads) continue;
    const char *err;
    if (never_loaded_lines(r->lines_, prev, t, &err) != 0 ||
        (err && lc_strv_push(&r->problems, err) != 0))
      rc = -1;
  }
  linecache_free(prev);
  return rc;
}

/* Lists the files no spec loaded that do not compile, in the order of the
   merged records, as lc_results_merge does. */
static int list_problems(lc_results *r) {
  lc_strv_clear(&r->problems);
  for (int i = 0; i < lc_cov_nfiles(r->total); i++) {
    lc_cov_file *t = lc_cov_file_at(r->total, i);
    lineent *e = t->loads ? NULL : linecache_find(r->lines_, t->path);
    if (e && e->err && lc_strv_push(&r->problems, e->err) != 0) return -1;
  }
  return 0;
}

int lc_results_update(lc_results *r, const char *const *paths, int n) {
  if (!r->total) return -1;
  if (!r->lines_ && !(r->lines_ = calloc(1, sizeof *r->lines_))) return -1;
  int problems_moved = 0;
  for (int i = 0; i < n; i++) {
    lc_cov_file *t = lc_cov_find(r->total, paths[i]);
    if (!t) continue;                      /* not in scope */
    lineent *was = t->loads ? NULL : linecache_find(r->lines_, t->path);
    if (was && was->err) problems_moved = 1;
    /* Start the record over and add what every spec has of this file. The
       record belongs to these results, which write it as the merge does
       (loads, hits, exec), not to a recorder attached to a state. */
    t->loads = 0;
    if (t->maxline >= 0) {
      memset(t->hits, 0, (size_t)(t->maxline + 1) * sizeof *t->hits);
      memset(t->exec, 0, (size_t)(t->maxline + 1));
    }
    for (int s = 0; s < r->nspecs; s++) {
      lc_cov_file *f = lc_cov_find(r->specs[s]->cov, t->path);
      if (f && add_record(t, f) != 0) return -1;
    }
    if (!t->loads) {
      const char *err;
      if (never_loaded_lines(r->lines_, NULL, t, &err) != 0) return -1;
      if (err) problems_moved = 1;
    }
  }
  /* Rare (a file that does not compile stopped or started being loaded):
     the list is rebuilt to keep the merge's order. */
  return problems_moved ? list_problems(r) : 0;
}

/* }====================================================== */

void lc_results_totals(const lc_results *r, lc_totals *t) {
  memset(t, 0, sizeof *t);
  for (int i = 0; r->total && i < lc_cov_nfiles(r->total); i++) {
    long n, h;
    lc_file_counts(lc_cov_file_at(r->total, i), &n, &h);
    t->files++;
    t->lines += n;
    t->hit += h;
  }
  for (int s = 0; s < r->nspecs; s++) {
    int a, b, c, d;
    lc_specres_count(r->specs[s], &a, &b, &c, &d);
    t->success += a; t->failure += b; t->error += c; t->pending += d;
  }
}

static double pct(long hit, long lines) {
  return lines ? 100.0 * (double)hit / (double)lines : 100.0;
}

int lc_report_summary(const lc_results *r, FILE *out) {
  int w = 4;
  for (int i = 0; i < lc_cov_nfiles(r->total); i++) {
    int n = (int)strlen(lc_project_rel(r->proj, lc_cov_file_at(r->total, i)->path));
    if (n > w) w = n;
  }
  char rule[512];
  int rw = w + 26 < (int)sizeof rule - 1 ? w + 26 : (int)sizeof rule - 1;
  memset(rule, '=', (size_t)rw);
  rule[rw] = '\0';
  fprintf(out, "%s\nSummary\n%s\n\n", rule, rule);
  fprintf(out, "%-*s %6s %6s %9s\n", w, "File", "Hits", "Missed", "Coverage");
  memset(rule, '-', (size_t)rw);
  fprintf(out, "%s\n", rule);
  long tl = 0, th = 0;
  for (int i = 0; i < lc_cov_nfiles(r->total); i++) {
    lc_cov_file *f = lc_cov_file_at(r->total, i);
    long n, h;
    lc_file_counts(f, &n, &h);
    tl += n;
    th += h;
    fprintf(out, "%-*s %6ld %6ld %8.2f%%\n", w, lc_project_rel(r->proj, f->path),
            h, n - h, pct(h, n));
  }
  fprintf(out, "%s\n", rule);
  fprintf(out, "%-*s %6ld %6ld %8.2f%%\n", w, "Total", th, tl - th, pct(th, tl));
  return ferror(out) ? -1 : 0;
}

int lc_report_lcov(const lc_results *r, FILE *out) {
  fprintf(out, "TN:\n");
  for (int i = 0; i < lc_cov_nfiles(r->total); i++) {
    lc_cov_file *f = lc_cov_file_at(r->total, i);
    long n, h;
    lc_file_counts(f, &n, &h);
    fprintf(out, "SF:%s\n", f->path);
    for (int l = 0; l <= f->maxline; l++)
      if (f->exec[l]) fprintf(out, "DA:%d,%llu\n", l, (unsigned long long)f->hits[l]);
    fprintf(out, "LF:%ld\nLH:%ld\nend_of_record\n", n, h);
  }
  return ferror(out) ? -1 : 0;
}

static json_t *jstr(const char *s) {
  if (!s) return json_null();
  json_t *j = json_string(s);
  return j ? j : json_string("<invalid UTF-8>");
}

static json_t *test_json(const lc_results *r, const lc_specres *sr, const lc_testrec *t) {
  json_t *path = json_array();
  for (int i = 0; i < t->npath; i++) json_array_append_new(path, jstr(t->path[i]));
  json_t *lines = json_object();
  for (int i = 0; i < t->npoints; i++) {
    lc_cov_file *f = lc_cov_file_at(sr->cov, t->points[i].file);
    if (!f || !lc_project_in_scope(r->proj, f->path)) continue;
    const char *rel = lc_project_rel(r->proj, f->path);
    json_t *a = json_object_get(lines, rel);
    if (!a) { a = json_array(); json_object_set_new(lines, rel, a); }
    json_array_append_new(a, json_integer(t->points[i].line));
  }
  return json_pack("{s:o, s:o, s:i, s:s, s:o, s:o, s:i, s:f, s:o, s:o, s:o}",
    "name", jstr(t->name), "path", path, "line", t->line,
    "status", lc_status_name(t->status), "message", jstr(t->message),
    "fail_file", t->fail_file ? jstr(lc_project_rel(r->proj, t->fail_file)) : json_null(),
    "fail_line", t->fail_line, "ms", t->ms, "output", jstr(t->output), "lines", lines,
    "kind", jstr(t->kind));
}

int lc_report_json(const lc_results *r, FILE *out) {
  lc_totals t;
  lc_results_totals(r, &t);
  json_t *files = json_array();
  for (int i = 0; i < lc_cov_nfiles(r->total); i++) {
    lc_cov_file *f = lc_cov_file_at(r->total, i);
    json_t *lines = json_array();
    long n, h;
    lc_file_counts(f, &n, &h);
    for (int l = 0; l <= f->maxline; l++)
      if (f->exec[l]) json_array_append_new(lines, json_pack("[i,I]", l, (json_int_t)f->hits[l]));
    json_array_append_new(files, json_pack("{s:o, s:o, s:i, s:i, s:f}",
      "path", jstr(lc_project_rel(r->proj, f->path)), "lines", lines,
      "executable", (int)n, "hit", (int)h, "percent", pct(h, n)));
  }
  json_t *specs = json_array();
  for (int s = 0; s < r->nspecs; s++) {
    const lc_specres *sr = r->specs[s];
    json_t *tests = json_array(), *loaded = json_array();
    for (int i = 0; i < sr->ntests; i++)
      json_array_append_new(tests, test_json(r, sr, &sr->tests[i]));
    for (int i = 0; i < lc_cov_nfiles(sr->cov); i++) {
      lc_cov_file *f = lc_cov_file_at(sr->cov, i);
      if (f->loads) json_array_append_new(loaded, jstr(lc_project_rel(r->proj, f->path)));
    }
    /* files the spec read (io.open, io.lines) count as dependencies too */
    for (int i = 0; i < sr->nreads; i++) {
      lc_cov_file *f = lc_cov_find(sr->cov, sr->reads[i]);
      if (f && f->loads) continue;
      json_array_append_new(loaded, jstr(lc_project_rel(r->proj, sr->reads[i])));
    }
    json_array_append_new(specs, json_pack("{s:o, s:f, s:o, s:o}",
      "path", jstr(lc_project_rel(r->proj, sr->spec)), "ms", sr->ms,
      "loaded", loaded, "tests", tests));
  }
  json_t *doc = json_pack("{s:i, s:o, s:{s:i, s:I, s:I, s:f, s:i, s:i, s:i, s:i}, s:o, s:o}",
    "version", 1, "root", jstr(r->proj->root),
    "summary", "files", t.files, "lines", (json_int_t)t.lines, "hit", (json_int_t)t.hit,
    "percent", pct(t.hit, t.lines), "success", t.success, "failure", t.failure,
    "error", t.error, "pending", t.pending,
    "files", files, "specs", specs);
  if (!doc) return -1;
  int rc = json_dumpf(doc, out, JSON_INDENT(1)) == 0 ? 0 : -1;
  fputc('\n', out);
  json_decref(doc);
  return (rc || ferror(out)) ? -1 : 0;
}
