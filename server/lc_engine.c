/*
** lc_engine.c: the server's state and scheduling.
** A save marks spec files as pending and (re)arms one debounce timer; when
** it fires, every pending spec is cancelled if in flight and resubmitted to
** the pool. Each finished spec replaces its previous result; the merged
** records of the files that result touched are recomputed, the views of
** the files that could have changed are compared with what was last
** reported (a signature per file), and only changed files are reported, so
** a save touching one spec costs work and messages in proportion to that
** spec, not to the project. Events that change the project itself (files
** created or deleted, .busted, settings) re-merge and compare everything.
*/
#include "lc_engine.h"
#include "lc_busted.h"
#include "lc_instr.h"
#include "lc_pat.h"
#include "lc_pool.h"

#include <limits.h>
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

/* Old lines [first, first + removed) became new lines [first, first +
   inserted); 1-based. Lines outside kept their content (lc_doc_delta). */
typedef struct edit { int first, removed, inserted; } edit;
typedef struct editlog { edit *v; int n, cap; } editlog;

typedef struct doc {
  char *path;
  int version;
  editlog shown;        /* edits made after the displayed run's snapshot */
  editlog saved;        /* edits made after the last save */
  editlog sub;          /* edits made after its buffer was last sent (runOnType) */
  int overlay_run;      /* run id whose jobs got this buffer, 0 none */
} doc;

typedef struct spec_entry {
  char *path;
  lc_specres *res;      /* last complete result, or NULL */
  uint64_t submitted;   /* run sequence of the job in flight, 0 none */
  uint64_t ord;         /* order of creation: entries never change places */
} spec_entry;

typedef struct pubsig { char *path; uint64_t sig; } pubsig;

/* A failing test's mark on one file (lc_engine_view's 'failed'), indexed
   by that file so a view does not scan every test of the project. A file's
   marks are kept in the order of the spec entries, then of the tests. */
typedef struct failmark {
  uint64_t ord;         /* spec_entry.ord of the result */
  const lc_specres *res;
  int test;             /* index in res->tests */
  int line;             /* 1-based, before shifting for unsaved edits */
} failmark;
typedef struct faillist { failmark *v; int n, cap; } faillist;


struct lc_engine {
  uv_loop_t *loop;
  char *exe;
  lc_project proj;
  lc_settings set;
  lc_engine_cbs cbs;
  void *ud;
  lc_pool *pool;
  spec_entry *specs;
  int nspecs, capspecs;
  uint64_t nextord;
  lc_pathmap specpos;   /* spec path -> index in proj.specs */
  lc_results merged;
  int need_merge;       /* the project changed since the last full merge */
  int need_publish_all; /* views may have changed since the last full compare */
  lc_pathmap failpos;   /* path -> index in 'fails' */
  faillist *fails;
  int nfails, capfails;
  doc *docs;
  int ndocs, capdocs;
  pubsig *pubs;
  int npubs, cappubs;
  lc_pathmap pubpos;    /* path -> index in 'pubs' */
  uv_timer_t debounce;
  lc_strv pending;
  lc_reason pending_reason;
  int pending_all;
  /* the batch in flight */
  int run_id;
  lc_strv batch;
  int batch_done;
  uint64_t batch_t0;
  int batch_cancelled;
  /* view buffers */
  lc_line_hits *vcov; int capvcov;
  int *vunc; int capvunc;
  lc_failmark *vfail; int capvfail;
  /* files with a view: merged files plus files with failures */
  lc_strv files;
  lc_pathmap filepos;   /* path -> index in 'files' */
  int closing;
  void (*closed)(void *);
  void *closed_ud;
  int told_disabled;
  int submitting;       /* inside start_pending: batch cannot end yet */
  int have_results;     /* a spec has finished since start */
  int instr_ok;         /* lc_instr_supported said yes */
  char *tmpdir;         /* runOnType: buffers handed to workers, or NULL */
  unsigned ntmp;
  lc_bsetting conf[LC_B_NSETTINGS];   /* .busted's default task, as `livecov run` reads it */
};

const char *lc_reason_name(lc_reason r) {
  static const char *n[] = { "initial", "save", "change", "command", "config" };
  return n[r];
}

void lc_settings_default(lc_settings *s) {
  memset(s, 0, sizeof *s);
  s->run_tests = 1;
  s->run_on_save = 1;
  s->run_on_type = 0;
  s->debounce_ms = 150;
  s->workers = 0;
  s->timeout_ms = 10000;
  s->memory_mb = 1024;
  s->uncovered = LC_SEV_HINT;
  s->failures = 1;
  s->unnecessary = 0;
  s->instrument = 1;          /* as `livecov run`: hook mode when unsupported */
}

void lc_settings_free(lc_settings *s) {
  lc_strv_clear(&s->include);
  lc_strv_clear(&s->exclude);
}

static void logf_(lc_engine *e, int level, const char *fmt, ...)
  __attribute__((format(printf, 3, 4)));
#include <stdarg.h>
static void logf_(lc_engine *e, int level, const char *fmt, ...) {
  char buf[2048];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  if (e->cbs.log) e->cbs.log(e->ud, level, buf);
}

static int ncores(void) {
  uv_cpu_info_t *ci;
  int n = 1;
  if (uv_cpu_info(&ci, &n) == 0) uv_free_cpu_info(ci, n);
  return n > 0 ? n : 1;
}

/* {====================================================== spec entries */

static spec_entry *find_spec(lc_engine *e, const char *path) {
  for (int i = 0; i < e->nspecs; i++)
    if (!strcmp(e->specs[i].path, path)) return &e->specs[i];
  return NULL;
}

static spec_entry *get_spec(lc_engine *e, const char *path) {
  spec_entry *s = find_spec(e, path);
  if (s) return s;
  if (e->nspecs == e->capspecs) {
    int ncap = e->capspecs ? e->capspecs * 2 : 16;
    spec_entry *nv = realloc(e->specs, (size_t)ncap * sizeof *nv);
    if (!nv) return NULL;
    e->specs = nv;
    e->capspecs = ncap;
  }
  s = &e->specs[e->nspecs];
  memset(s, 0, sizeof *s);
  if (!(s->path = strdup(path))) return NULL;
  s->ord = ++e->nextord;
  e->nspecs++;
  return s;
}

static void unindex_failures(lc_engine *e, const lc_specres *r);

/* Drops entries of specs that no longer exist (deleted or renamed). */
static void prune_specs(lc_engine *e) {
  int w = 0;
  for (int i = 0; i < e->nspecs; i++) {
    if (lc_pathmap_get(&e->specpos, e->specs[i].path) || e->specs[i].submitted) {
      e->specs[w++] = e->specs[i];
    } else {
      if (e->specs[i].res) unindex_failures(e, e->specs[i].res);
      lc_specres_free(e->specs[i].res);
      free(e->specs[i].path);
    }
  }
  e->nspecs = w;
}

/* }====================================================== */

/* {====================================================== documents */

static doc *find_doc(lc_engine *e, const char *path) {
  for (int i = 0; i < e->ndocs; i++)
    if (!strcmp(e->docs[i].path, path)) return &e->docs[i];
  return NULL;
}

static int log_push(editlog *l, edit ed) {
  if (l->n == l->cap) {
    int ncap = l->cap ? l->cap * 2 : 16;
    edit *nv = realloc(l->v, (size_t)ncap * sizeof *nv);
    if (!nv) return -1;
    l->v = nv;
    l->cap = ncap;
  }
  l->v[l->n++] = ed;
  return 0;
}

static int log_copy(editlog *dst, const editlog *src) {
  dst->n = 0;
  for (int i = 0; i < src->n; i++)
    if (log_push(dst, src->v[i])) return -1;
  return 0;
}

/* Where line 'line' of the snapshot is now; 0 when it was replaced. */
static int shift_line(const editlog *l, int line) {
  for (int i = 0; i < l->n && line > 0; i++) {
    const edit *ed = &l->v[i];
    if (line < ed->first) continue;
    if (line < ed->first + ed->removed) line = 0;
    else line += ed->inserted - ed->removed;
  }
  return line;
}

/* Inverse of shift_line for one line (for hover on a shifted mark). */
static int unshift_line(const editlog *l, int line) {
  for (int i = l->n - 1; i >= 0 && line > 0; i--) {
    const edit *ed = &l->v[i];
    if (line < ed->first) continue;
    if (line < ed->first + ed->inserted) return 0;   /* typed since the run */
    line += ed->removed - ed->inserted;
  }
  return line;
}

int lc_engine_unshift(lc_engine *e, const char *path, int line) {
  doc *d = find_doc(e, path);
  return d ? unshift_line(&d->shown, line) : line;
}

/* }====================================================== */

/* {====================================================== views */

static int grow(void **v, int *cap, int need, size_t elem) {
  if (need <= *cap) return 0;
  int ncap = *cap ? *cap : 64;
  while (ncap < need) ncap *= 2;
  void *nv = realloc(*v, (size_t)ncap * elem);
  if (!nv) return -1;
  *v = nv;
  *cap = ncap;
  return 0;
}

static int cmp_int(const void *a, const void *b) {
  int x = *(const int *)a, y = *(const int *)b;
  return (x > y) - (x < y);
}
static int cmp_hits(const void *a, const void *b) {
  const lc_line_hits *x = a, *y = b;
  return (x->line > y->line) - (x->line < y->line);
}

/* The line of 'spec' in a traceback ("spec/a_spec.lua:12: in ..."), the
   frame where a test reached into the code that raised; 0 when absent. */
static int spec_line_in_trace(const lc_project *p, const char *trace, const char *spec) {
  if (!trace) return 0;
  const char *rel = lc_project_rel(p, spec);
  size_t n = strlen(rel);
  for (const char *t = strstr(trace, rel); t; t = strstr(t + 1, rel)) {
    if (t[n] != ':') continue;
    int line = atoi(t + n + 1);
    if (line > 0) return line;
  }
  return 0;
}

/* The marks a test of 'r' leaves (none unless it failed or erred): on the
   file and line where it failed, when known, and on its spec, at the
   spec's frame in the traceback when it raised elsewhere. Returns their
   number (0 to 2); paths borrowed from 'r'. */
static int test_marks(const lc_project *p, const lc_specres *r, const lc_testrec *tr,
                      const char *path[2], int line[2]) {
  if (tr->status != LC_FAILURE && tr->status != LC_ERROR) return 0;
  int n = 0;
  if (tr->fail_file && tr->fail_line > 0) {
    path[n] = tr->fail_file;
    line[n++] = tr->fail_line;
  }
  if (!n || strcmp(tr->fail_file, r->spec) != 0) {
    int l = spec_line_in_trace(p, tr->trace, r->spec);
    path[n] = r->spec;
    line[n++] = l ? l : tr->line > 0 ? tr->line : 1;
  }
  return n;
}

/* The failure index (e->failpos, e->fails): every mark of every result,
   by file. Lists of files that lose all their marks stay, empty. */

/* Adds the marks of the failing tests of 'r' (the result of the spec entry
   of order 'ord') to the index. 0, or -1 on no memory. */
static int index_failures(lc_engine *e, uint64_t ord, const lc_specres *r) {
  for (int t = 0; t < r->ntests; t++) {
    const char *path[2];
    int line[2];
    int n = test_marks(&e->proj, r, &r->tests[t], path, line);
    for (int k = 0; k < n; k++) {
      int *at = lc_pathmap_get(&e->failpos, path[k]);
      if (!at) {
        if (grow((void **)&e->fails, &e->capfails, e->nfails + 1, sizeof *e->fails) ||
            lc_pathmap_put(&e->failpos, path[k], e->nfails))
          return -1;
        memset(&e->fails[e->nfails], 0, sizeof *e->fails);
        e->nfails++;
        at = lc_pathmap_get(&e->failpos, path[k]);
      }
      faillist *l = &e->fails[*at];
      if (grow((void **)&l->v, &l->cap, l->n + 1, sizeof *l->v)) return -1;
      /* after the marks of earlier entries and of this result's earlier tests */
      int i = l->n;
      while (i > 0 && l->v[i - 1].ord > ord) i--;
      memmove(&l->v[i + 1], &l->v[i], (size_t)(l->n - i) * sizeof *l->v);
      l->v[i] = (failmark){ ord, r, t, line[k] };
      l->n++;
    }
  }
  return 0;
}

/* Removes the marks of 'r' (before 'r' is freed). */
static void unindex_failures(lc_engine *e, const lc_specres *r) {
  for (int t = 0; t < r->ntests; t++) {
    const char *path[2];
    int line[2];
    int n = test_marks(&e->proj, r, &r->tests[t], path, line);
    for (int k = 0; k < n; k++) {
      int *at = lc_pathmap_get(&e->failpos, path[k]);
      if (!at) continue;
      faillist *l = &e->fails[*at];
      int w = 0;
      for (int i = 0; i < l->n; i++)
        if (l->v[i].res != r) l->v[w++] = l->v[i];
      l->n = w;
    }
  }
}

/* Failure messages live in the results; 'first_line' copies would need
   storage, so failmarks point at the full message (the LSP layer trims). */
int lc_engine_view(lc_engine *e, const char *path, lc_file_view *out) {
  memset(out, 0, sizeof *out);
  out->path = path;
  out->version = -1;
  doc *d = find_doc(e, path);
  const editlog *shift = NULL;
  if (d) {
    out->version = d->version;
    out->stale = d->shown.n > 0;
    shift = &d->shown;
  }
  int nc = 0, nu = 0, nf = 0;
  lc_cov_file *f = e->merged.total ? lc_cov_find(e->merged.total, path) : NULL;
  if (f) {
    if (grow((void **)&e->vcov, &e->capvcov, f->maxline + 1, sizeof *e->vcov) ||
        grow((void **)&e->vunc, &e->capvunc, f->maxline + 1, sizeof *e->vunc))
      return -1;
    for (int l = 0; l <= f->maxline; l++) {
      if (!f->exec[l]) continue;
      int at = shift ? shift_line(shift, l) : l;
      if (at <= 0) continue;
      if (f->hits[l]) { e->vcov[nc].line = at; e->vcov[nc].hits = f->hits[l]; nc++; }
      else e->vunc[nu++] = at;
    }
  }
  int *fi = lc_pathmap_get(&e->failpos, path);
  const faillist *fl = fi ? &e->fails[*fi] : NULL;
  for (int i = 0; fl && i < fl->n; i++) {
    const lc_testrec *tr = &fl->v[i].res->tests[fl->v[i].test];
    int at = shift ? shift_line(shift, fl->v[i].line) : fl->v[i].line;
    if (at <= 0) continue;
    if (grow((void **)&e->vfail, &e->capvfail, nf + 1, sizeof *e->vfail)) return -1;
    e->vfail[nf].line = at;
    e->vfail[nf].message = tr->message ? tr->message : "failed";
    e->vfail[nf].test = tr->name;
    nf++;
  }
  /* The buffers are NULL until a file with lines was viewed, and qsort
     wants a pointer even for nothing to sort. */
  if (nc > 1) qsort(e->vcov, (size_t)nc, sizeof *e->vcov, cmp_hits);
  if (nu > 1) qsort(e->vunc, (size_t)nu, sizeof *e->vunc, cmp_int);
  out->covered = e->vcov; out->ncovered = nc;
  out->uncovered = e->vunc; out->nuncovered = nu;
  out->failed = e->vfail; out->nfailed = nf;
  return 0;
}

static uint64_t view_sig(const lc_file_view *v) {
  uint64_t h = 1469598103934665603ull;
#define MIX(x) do { h ^= (uint64_t)(x); h *= 1099511628211ull; } while (0)
  MIX(v->version + 2); MIX(v->stale);
  MIX(v->ncovered); MIX(v->nuncovered); MIX(v->nfailed);
  for (int i = 0; i < v->ncovered; i++) { MIX(v->covered[i].line); MIX(v->covered[i].hits); }
  for (int i = 0; i < v->nuncovered; i++) MIX(v->uncovered[i]);
  for (int i = 0; i < v->nfailed; i++) {
    MIX(v->failed[i].line);
    for (const char *s = v->failed[i].message; *s; s++) MIX((unsigned char)*s);
  }
#undef MIX
  return h;
}

static pubsig *find_pub(lc_engine *e, const char *path) {
  int *i = lc_pathmap_get(&e->pubpos, path);
  return i ? &e->pubs[*i] : NULL;
}

/* Reports 'path' if its view differs from what was last reported. */
static void publish_if_changed(lc_engine *e, const char *path) {
  lc_file_view v;
  /* Before any run, "every line uncovered" would be a claim, not a fact. */
  if (!e->have_results) return;
  if (lc_engine_view(e, path, &v) != 0) return;
  uint64_t sig = view_sig(&v);
  pubsig *p = find_pub(e, path);
  if (p && p->sig == sig) return;
  if (!p) {
    if (grow((void **)&e->pubs, &e->cappubs, e->npubs + 1, sizeof *e->pubs)) return;
    p = &e->pubs[e->npubs];
    if (!(p->path = strdup(path))) return;
    if (lc_pathmap_put(&e->pubpos, path, e->npubs) != 0) { free(p->path); return; }
    e->npubs++;
  }
  p->sig = sig;
  if (e->cbs.file_changed) e->cbs.file_changed(e->ud, path);
}

/* The specs with results in project order, as merged: entries of specs gone
   from the project (still running when they went) are left out. Replaces
   e->merged.specs; 0, or -1 on no memory (the list is then emptied, as it
   may point at results pruned since). */
typedef struct ranked { int pos; lc_specres *res; } ranked;
static int cmp_ranked(const void *a, const void *b) {
  const ranked *x = a, *y = b;
  return (x->pos > y->pos) - (x->pos < y->pos);
}
static int list_merged_specs(lc_engine *e) {
  ranked *rk = malloc((size_t)(e->nspecs + 1) * sizeof *rk);
  lc_specres **v = calloc((size_t)(e->nspecs + 1), sizeof *v);
  if (!rk || !v) {
    free(rk);
    free(v);
    e->merged.nspecs = 0;          /* never keep pointers that may dangle */
    return -1;
  }
  int n = 0;
  for (int i = 0; i < e->nspecs; i++) {
    int *pos = e->specs[i].res ? lc_pathmap_get(&e->specpos, e->specs[i].path) : NULL;
    if (pos) rk[n++] = (ranked){ *pos, e->specs[i].res };
  }
  qsort(rk, (size_t)n, sizeof *rk, cmp_ranked);
  for (int i = 0; i < n; i++) v[i] = rk[i].res;
  free(rk);
  free(e->merged.specs);
  e->merged.specs = v;
  e->merged.nspecs = n;
  e->merged.proj = &e->proj;
  return 0;
}

static int add_file(lc_engine *e, const char *path) {
  if (lc_pathmap_get(&e->filepos, path)) return 0;
  return lc_pathmap_put(&e->filepos, path, e->files.n) || lc_strv_push(&e->files, path) ? -1 : 0;
}

/* The file under the root that test 't' of 'r' failed in, or NULL. */
static const char *failed_under_root(const lc_project *p, const lc_specres *r, int t) {
  const char *ff = r->tests[t].fail_file;
  return ff && lc_project_rel(p, ff) != ff ? ff : NULL;
}

/* Rebuilds the list of files that have a view: the merged files (in scope,
   sorted), then per merged spec in project order the spec itself and the
   files under the root its tests failed in. 0, or -1 on no memory. */
static int list_files(lc_engine *e) {
  lc_strv_clear(&e->files);
  lc_pathmap_clear(&e->filepos);
  for (int i = 0; e->merged.total && i < lc_cov_nfiles(e->merged.total); i++)
    if (add_file(e, lc_cov_file_at(e->merged.total, i)->path)) return -1;
  for (int i = 0; i < e->merged.nspecs; i++) {
    const lc_specres *r = e->merged.specs[i];
    if (add_file(e, r->spec)) return -1;
    for (int t = 0; t < r->ntests; t++) {
      const char *ff = failed_under_root(&e->proj, r, t);
      if (ff && add_file(e, ff)) return -1;
    }
  }
  return 0;
}

/* 1 if results 'a' and 'b' of one spec give list_files the same entries:
   the files under the root their tests failed in, in order. */
static int same_view_files(const lc_project *p, const lc_specres *a, const lc_specres *b) {
  int i = 0, j = 0;
  for (;;) {
    while (i < a->ntests && !failed_under_root(p, a, i)) i++;
    while (j < b->ntests && !failed_under_root(p, b, j)) j++;
    if (i == a->ntests || j == b->ntests) return i == a->ntests && j == b->ntests;
    if (strcmp(a->tests[i].fail_file, b->tests[j].fail_file) != 0) return 0;
    i++;
    j++;
  }
}

/* Rebuilds the merged view from every result and the list of files that
   have a view; the next compare must look at every file. */
static void remerge(lc_engine *e) {
  int rc = list_merged_specs(e);
  rc |= lc_results_merge(&e->merged);
  rc |= list_files(e);
  if (rc) logf_(e, 1, "out of memory merging results");
  e->need_merge = 0;
  e->need_publish_all = 1;
}

static void publish_all_changed(lc_engine *e) {
  e->need_publish_all = 0;
  for (int i = 0; i < e->files.n; i++) publish_if_changed(e, e->files.v[i]);
  /* files that had a view and lost it (deleted, out of scope) */
  for (int i = 0; i < e->npubs; i++)
    if (!lc_pathmap_get(&e->filepos, e->pubs[i].path)) publish_if_changed(e, e->pubs[i].path);
}

/* Reports those of the files 'paths' whose view changed, in the order
   publish_all_changed would report them: the caller vouches that no other
   file's view changed. Paths without a view that were never reported are
   skipped, as publish_all_changed skips them. */
typedef struct pubrank { int group, pos; const char *path; } pubrank;
static int cmp_pubrank(const void *a, const void *b) {
  const pubrank *x = a, *y = b;
  if (x->group != y->group) return x->group - y->group;
  return (x->pos > y->pos) - (x->pos < y->pos);
}
static void publish_changed(lc_engine *e, const char *const *paths, int n) {
  pubrank *rk = malloc((size_t)(n + 1) * sizeof *rk);
  if (!rk) {
    logf_(e, 1, "out of memory comparing views; comparing every file");
    publish_all_changed(e);
    return;
  }
  int k = 0;
  for (int i = 0; i < n; i++) {
    int *at = lc_pathmap_get(&e->filepos, paths[i]);
    if (at) { rk[k++] = (pubrank){ 0, *at, paths[i] }; continue; }
    at = lc_pathmap_get(&e->pubpos, paths[i]);
    if (at) rk[k++] = (pubrank){ 1, *at, paths[i] };
  }
  qsort(rk, (size_t)k, sizeof *rk, cmp_pubrank);
  for (int i = 0; i < k; i++)
    if (i == 0 || cmp_pubrank(&rk[i - 1], &rk[i]) != 0) publish_if_changed(e, rk[i].path);
  free(rk);
}

/* }====================================================== */

/* {====================================================== running */

static void check_idle(lc_engine *e) {
  if (!lc_engine_busy(e) && e->cbs.idle) e->cbs.idle(e->ud);
}

static void finish_batch(lc_engine *e) {
  double ms = (double)(uv_hrtime() - e->batch_t0) / 1e6;
  if (e->cbs.run_finished)
    e->cbs.run_finished(e->ud, e->run_id, &e->batch, ms, e->batch_cancelled);
  lc_strv_clear(&e->batch);
  e->batch_done = 0;
  e->batch_cancelled = 0;
  if (e->cbs.summary) e->cbs.summary(e->ud);
}

/* A list of borrowed paths. */
typedef struct pathlist { const char **v; int n, cap; } pathlist;

static int pl_push(pathlist *l, const char *path) {
  if (grow((void **)&l->v, &l->cap, l->n + 1, sizeof *l->v)) return -1;
  l->v[l->n++] = path;
  return 0;
}

/* The files a result adds coverage to. */
static int add_cov_paths(pathlist *l, const lc_specres *r) {
  for (int i = 0; i < lc_cov_nfiles(r->cov); i++)
    if (pl_push(l, lc_cov_file_at(r->cov, i)->path)) return -1;
  return 0;
}

/* The other files whose view a result shapes: its spec and every file its
   tests failed in (their failure marks; whether they have a view). */
static int add_mark_paths(pathlist *l, const lc_specres *r) {
  if (pl_push(l, r->spec)) return -1;
  for (int t = 0; t < r->ntests; t++)
    if (r->tests[t].fail_file && pl_push(l, r->tests[t].fail_file)) return -1;
  return 0;
}

/*
** Replaces the result of 's' with 'r' and reports the files whose view
** changed. Only the files the old or the new result touches can have
** changed (merged records, failure marks, having a view at all), and the
** open documents, whose marks are now shifted by other edits: only those
** are recomputed and compared. Every file is, as before this was made
** incremental, when the project changed since the last full merge
** (need_merge), when a full merge left views uncompared (need_publish_all),
** for the first result, and when memory runs out on the way.
*/
static void take_result(lc_engine *e, spec_entry *s, lc_specres *r) {
  lc_specres *old = s->res;
  int first = !e->have_results;
  s->res = r;
  e->have_results = 1;
  /* The new data describes the files as saved: unsaved edits made since
     the save are what marks must now be shifted by. */
  for (int i = 0; i < e->ndocs; i++) {
    doc *d = &e->docs[i];
    /* A buffer sent with this run (runOnType) is the snapshot; else disk. */
    log_copy(&d->shown, d->overlay_run == e->run_id && d->overlay_run ? &d->sub : &d->saved);
  }
  if (old) unindex_failures(e, old);
  if (index_failures(e, s->ord, r) != 0) logf_(e, 1, "out of memory indexing failures");
  int full = e->need_merge || !e->merged.total;
  pathlist touched = {0};
  if (!full) {
    /* In the merged list the new result takes the old one's place. */
    int at = -1;
    for (int i = 0; old && i < e->merged.nspecs && at < 0; i++)
      if (e->merged.specs[i] == old) at = i;
    if (at >= 0) e->merged.specs[at] = r;
    else if (list_merged_specs(e) != 0) full = 1;
    if (!full && (add_cov_paths(&touched, r) != 0 || (old && add_cov_paths(&touched, old) != 0) ||
                  lc_results_update(&e->merged, touched.v, touched.n) != 0))
      full = 1;
    if (!full && (at < 0 || !same_view_files(&e->proj, old, r)) && list_files(e) != 0)
      full = 1;
  }
  if (full) remerge(e);
  if (e->cbs.spec_done) e->cbs.spec_done(e->ud, r);
  if (first || e->need_publish_all) {
    publish_all_changed(e);
  } else {
    int ok = add_mark_paths(&touched, r) == 0 && (!old || add_mark_paths(&touched, old) == 0);
    for (int i = 0; ok && i < e->ndocs; i++) ok = pl_push(&touched, e->docs[i].path) == 0;
    if (ok) publish_changed(e, touched.v, touched.n);
    else publish_all_changed(e);
  }
  free(touched.v);
  lc_specres_free(old);          /* last: 'touched' borrows from it */
}

static void on_job(lc_pool *p, lc_job *job, void *ud) {
  (void)p;
  lc_engine *e = ud;
  spec_entry *s = find_spec(e, job->spec);
  uint64_t seq = (uint64_t)(uintptr_t)job->data;
  int current = s && s->submitted == seq;
  if (current) s->submitted = 0;
  if (job->cancelled || !current) {
    e->batch_cancelled = 1;
  } else {
    lc_specres_close(job->res, job->errtext, e->set.timeout_ms);
    lc_specres *r = job->res;
    job->res = NULL;
    if (!r->finished || r->timed_out || r->term_signal)
      logf_(e, 1, "%s: %s", lc_project_rel(&e->proj, r->spec),
            r->ntests ? r->tests[r->ntests - 1].message : "worker failed");
    if (job->errtext) logf_(e, 3, "worker stderr (%s): %s", lc_project_rel(&e->proj, r->spec), job->errtext);
    take_result(e, s, r);
  }
  e->batch_done++;
  if (e->cbs.run_progress)
    e->cbs.run_progress(e->ud, e->run_id, e->batch_done, e->batch.n, job->spec);
  /* The job is still counted by the pool here; the batch is the truth. */
  if (!e->submitting && e->batch_done >= e->batch.n && e->batch.n > 0)
    finish_batch(e);
  if (!e->submitting) check_idle(e);
}

static int build_args(lc_engine *e, lc_strv *a) {
  char num[32], ms[32];
  snprintf(num, sizeof num, "%llu", (unsigned long long)e->set.memory_mb * 1024ull * 1024ull);
  snprintf(ms, sizeof ms, "%u", e->set.timeout_ms);
  const char *fixed[] = { "--root", e->proj.root, "--mem-limit", num, "--per-test",
                          "--timeout-ms", ms };
  for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++)
    if (lc_strv_push(a, fixed[i])) return -1;
  if (lc_busted_worker_args(e->conf, a) != 0) return -1;
  int instrument = e->set.instrument;
  char why[256];
  /* The answer depends on the linked Lua alone and costs a Lua state, so a
     yes is kept; a no is asked again, which also repeats its log line. */
  if (instrument && !e->instr_ok && !(e->instr_ok = lc_instr_supported(why, sizeof why))) {
    logf_(e, 2, "instrument mode unavailable (%s); using the line hook", why);
    instrument = 0;
  }
  if (lc_strv_push(a, "--coverage-mode") || lc_strv_push(a, instrument ? "instrument" : "hook"))
    return -1;
  if (lc_strv_push(a, "")) return -1;       /* make room for the terminator */
  free(a->v[a->n - 1]);
  a->v[--a->n] = NULL;
  return 0;
}

static uint64_t seq_counter;

/* runOnType: every open buffer with unsaved edits goes to the job as an
   overlay, in a file of the engine's private directory that the worker
   removes once read. */
static void add_overlays(lc_engine *e, lc_strv *a) {
  if (!e->cbs.doc_text) return;
  if (!e->tmpdir) {
    char t[] = "/tmp/livecov-XXXXXX";
    if (!mkdtemp(t) || !(e->tmpdir = strdup(t))) { logf_(e, 1, "cannot create a directory for buffers"); return; }
  }
  for (int i = 0; i < e->ndocs; i++) {
    doc *d = &e->docs[i];
    if (d->saved.n == 0) continue;              /* same as on disk */
    size_t len;
    const char *text = e->cbs.doc_text(e->ud, d->path, &len);
    char real[4096];
    if (!text || !realpath(d->path, real)) continue;
    char file[4200];
    snprintf(file, sizeof file, "%s/buf-%u.lua", e->tmpdir, ++e->ntmp);
    FILE *f = fopen(file, "wb");
    if (!f) { logf_(e, 1, "cannot write %s", file); continue; }
    int ok = fwrite(text, 1, len, f) == len;
    if (fclose(f) != 0 || !ok) { unlink(file); continue; }
    char arg[8400];
    snprintf(arg, sizeof arg, "%s=%s", real, file);
    lc_strv_push(a, "--overlay");
    lc_strv_push(a, arg);
    if (d->overlay_run != e->run_id) d->sub.n = 0;   /* the snapshot is now */
    d->overlay_run = e->run_id;
  }
}

static void start_pending(lc_engine *e) {
  if (e->closing || !e->pending.n) return;
  if (!e->set.run_tests) {
    lc_strv_clear(&e->pending);
    return;
  }
  lc_strv args = {0};
  if (build_args(e, &args) != 0) { lc_strv_clear(&args); return; }
  if (e->batch.n == 0) {           /* a new batch */
    e->run_id++;
    e->batch_t0 = uv_hrtime();
    e->batch_done = 0;
  }
  lc_strv started = {0};
  e->submitting = 1;
  for (int i = 0; i < e->pending.n; i++) {
    const char *spec = e->pending.v[i];
    spec_entry *s = get_spec(e, spec);
    if (!s) continue;
    if (s->submitted) lc_pool_cancel(e->pool, spec);   /* superseded */
    uint64_t seq = ++seq_counter;
    s->submitted = seq;
    lc_strv jargs = {0};
    for (int k = 0; k < args.n; k++) lc_strv_push(&jargs, args.v[k]);
    if (e->set.run_on_type) add_overlays(e, &jargs);
    lc_strv_push(&jargs, "");
    free(jargs.v[jargs.n - 1]);
    jargs.v[--jargs.n] = NULL;
    int id = lc_pool_submit(e->pool, spec, (const char *const *)jargs.v, (void *)(uintptr_t)seq);
    lc_strv_clear(&jargs);
    if (id < 0) {
      s->submitted = 0;
      logf_(e, 1, "cannot start a worker for %s", spec);
      continue;
    }
    lc_strv_push(&started, spec);
    if (!lc_strv_has(&e->batch, spec)) lc_strv_push(&e->batch, spec);
    else e->batch_done--;          /* the cancelled job will count once more */
  }
  e->submitting = 0;
  if (e->cbs.run_started && started.n)
    e->cbs.run_started(e->ud, e->run_id, e->pending_reason, &started);
  if (e->batch.n > 0 && e->batch_done >= e->batch.n)
    finish_batch(e);
  lc_strv_clear(&started);
  lc_strv_clear(&args);
  lc_strv_clear(&e->pending);
  e->pending_all = 0;
}

static void on_debounce(uv_timer_t *t) {
  start_pending((lc_engine *)t->data);
}

static void schedule(lc_engine *e, lc_reason why, int immediate) {
  e->pending_reason = why;
  if (!e->set.run_tests) {
    lc_strv_clear(&e->pending);
    if (!e->told_disabled) {
      e->told_disabled = 1;
      logf_(e, 2, "livecov: tests are not run in this workspace (runTests is false: "
                  "the workspace is not trusted)");
    }
    return;
  }
  if (immediate || e->set.debounce_ms == 0) {
    uv_timer_stop(&e->debounce);
    start_pending(e);
  } else {
    uv_timer_start(&e->debounce, on_debounce, e->set.debounce_ms, 0);
  }
}

/* Reads .busted into e->conf and the project's discovery rules, with
   `livecov run`'s code (lc_busted): the editor runs specs as the command
   line does. A broken file or pattern is logged; busted's defaults hold. */
static void read_busted(lc_engine *e) {
  char path[4200], err[512];
  lc_busted_free(e->conf);
  lc_busted_init(e->conf);
  snprintf(path, sizeof path, "%s/.busted", e->proj.root);
  if (lc_busted_read(e->conf, path, NULL, err, sizeof err) < 0)
    logf_(e, 1, ".busted: %s", err);
  if (lc_busted_defaults(e->conf) != 0) logf_(e, 1, "out of memory reading .busted");
  if (lc_busted_discovery(e->conf, &e->proj, err, sizeof err) != 0) logf_(e, 1, ".busted: %s", err);
}

static int rescan(lc_engine *e) {
  char err[512];
  read_busted(e);
  lc_strv_clear(&e->proj.specs);
  lc_strv_clear(&e->proj.include);
  lc_strv_clear(&e->proj.exclude);
  const char *covconf = e->conf[LC_B_COVCONFIG].str;     /* .busted's coverage-config-file */
  int lrc;
  if (covconf) {
    char cpath[4200];
    if (covconf[0] == '/') snprintf(cpath, sizeof cpath, "%s", covconf);
    else snprintf(cpath, sizeof cpath, "%s/%s", e->proj.root, covconf);
    lrc = lc_project_read_luacov_file(&e->proj, cpath, err, sizeof err);
  } else {
    lrc = lc_project_read_luacov(&e->proj, err, sizeof err);
  }
  if (lrc != 0) logf_(e, 1, ".luacov: %s", err);
  for (int i = 0; i < e->set.include.n; i++) lc_strv_push(&e->proj.include, e->set.include.v[i]);
  for (int i = 0; i < e->set.exclude.n; i++) lc_strv_push(&e->proj.exclude, e->set.exclude.v[i]);
  int rc = 0;
  if (lc_project_scan(&e->proj, err, sizeof err) != 0) {
    logf_(e, 1, "%s", err);
    rc = -1;
  }
  int indexed = 1;
  lc_pathmap_clear(&e->specpos);
  for (int i = 0; i < e->proj.specs.n && indexed; i++)
    indexed = lc_pathmap_put(&e->specpos, e->proj.specs.v[i], i) == 0;
  if (!indexed) logf_(e, 1, "out of memory listing spec files");
  /* A failed scan or index would drop results of specs that still exist. */
  if (rc == 0 && indexed) prune_specs(e);
  /* The merged list must not point at pruned results; the merged records
     follow at the next full merge, which the scope may need anyway. */
  if (list_merged_specs(e) != 0) logf_(e, 1, "out of memory merging results");
  e->need_merge = 1;
  return rc;
}

void lc_engine_run_all(lc_engine *e, lc_reason why) {
  if (e->closing) return;
  rescan(e);
  remerge(e);
  for (int i = 0; i < e->proj.specs.n; i++)
    if (!lc_strv_has(&e->pending, e->proj.specs.v[i]))
      lc_strv_push(&e->pending, e->proj.specs.v[i]);
  e->pending_all = 1;
  schedule(e, why, why == LC_REASON_INITIAL || why == LC_REASON_COMMAND || why == LC_REASON_CONFIG);
  check_idle(e);
}

static const char *base_name(const char *p) {
  const char *s = strrchr(p, '/');
  return s ? s + 1 : p;
}

void lc_engine_run_for(lc_engine *e, const char *path, lc_reason why) {
  if (e->closing) return;
  const char *b = base_name(path);
  int is_helper = 0;
  const lc_strv *helpers = &e->conf[LC_B_HELPER].list;
  for (int i = 0; i < helpers->n && !is_helper; i++) {
    const char *h = helpers->v[i];
    while (h[0] == '.' && h[1] == '/') h += 2;
    is_helper = !strcmp(lc_project_rel(&e->proj, path), h) || !strcmp(path, h);
  }
  if (!strcmp(b, ".busted") || !strcmp(b, ".luacov") || is_helper) {
    lc_engine_run_all(e, why);       /* every spec may depend on these */
    return;
  }
  int added = 0;
  if (lc_strv_has(&e->proj.specs, path) ||
      (lc_project_is_spec(&e->proj, path) && lc_project_rel(&e->proj, path) != path)) {
    if (!lc_strv_has(&e->proj.specs, path)) rescan(e);   /* a new spec file */
    if (!lc_strv_has(&e->pending, path)) lc_strv_push(&e->pending, path);
    added = 1;
  } else {
    for (int i = 0; i < e->nspecs; i++) {
      lc_specres *r = e->specs[i].res;
      lc_cov_file *f = r ? lc_cov_find(r->cov, path) : NULL;
      int read = 0;             /* data files the spec opened count too */
      for (int k = 0; r && k < r->nreads && !read; k++) read = !strcmp(r->reads[k], path);
      if ((f && f->loads > 0) || read) {
        if (!lc_strv_has(&e->pending, e->specs[i].path)) lc_strv_push(&e->pending, e->specs[i].path);
        added = 1;
      }
    }
  }
  if (!added) {
    if (lc_project_rel(&e->proj, path) == path || !lc_project_in_scope(&e->proj, path)) {
      logf_(e, 4, "%s: not in the project's scope; nothing to rerun", path);
      check_idle(e);
      return;
    }
    /* New to the map: any spec may load it. */
    lc_engine_run_all(e, why);
    return;
  }
  schedule(e, why, why == LC_REASON_COMMAND);
  check_idle(e);
}

/* }====================================================== */

/* {====================================================== public */

lc_engine *lc_engine_new(uv_loop_t *loop, const char *self_exe, const char *root,
                         const lc_engine_cbs *cbs, void *ud, char *err, size_t errlen) {
  lc_engine *e = calloc(1, sizeof *e);
  if (!e) { snprintf(err, errlen, "out of memory"); return NULL; }
  e->loop = loop;
  e->cbs = *cbs;
  e->ud = ud;
  lc_settings_default(&e->set);
  lc_busted_init(e->conf);
  if (lc_project_init(&e->proj, root, err, errlen) != 0) { free(e); return NULL; }
  e->exe = strdup(self_exe);
  e->pool = lc_pool_new(loop, self_exe, ncores(), e->set.timeout_ms, on_job, e);
  if (!e->exe || !e->pool) {
    snprintf(err, errlen, "out of memory");
    lc_project_free(&e->proj);
    free(e->exe);
    free(e);
    return NULL;
  }
  uv_timer_init(loop, &e->debounce);
  e->debounce.data = e;
  /* A save should not wait for a process to start: keep one ready. It runs
     nothing until handed a job, so this is safe in untrusted workspaces. */
  lc_pool_keep_spare(e->pool, 1);
  rescan(e);
  return e;
}

static void free_everything(lc_engine *e) {
  for (int i = 0; i < e->nspecs; i++) {
    lc_specres_free(e->specs[i].res);
    free(e->specs[i].path);
  }
  free(e->specs);
  for (int i = 0; i < e->ndocs; i++) {
    free(e->docs[i].path);
    free(e->docs[i].shown.v);
    free(e->docs[i].saved.v);
    free(e->docs[i].sub.v);
  }
  free(e->docs);
  for (int i = 0; i < e->npubs; i++) free(e->pubs[i].path);
  free(e->pubs);
  lc_pathmap_clear(&e->pubpos);
  for (int i = 0; i < e->nfails; i++) free(e->fails[i].v);
  free(e->fails);
  lc_pathmap_clear(&e->failpos);
  lc_pathmap_clear(&e->specpos);
  lc_pathmap_clear(&e->filepos);
  free(e->merged.specs);
  lc_results_free(&e->merged);
  lc_strv_clear(&e->pending);
  lc_strv_clear(&e->batch);
  lc_strv_clear(&e->files);
  free(e->vcov); free(e->vunc); free(e->vfail);
  lc_settings_free(&e->set);
  lc_project_free(&e->proj);
  lc_busted_free(e->conf);
  if (e->tmpdir) {             /* buffers of jobs that never started */
    for (unsigned i = 1; i <= e->ntmp; i++) {
      char file[4200];
      snprintf(file, sizeof file, "%s/buf-%u.lua", e->tmpdir, i);
      unlink(file);
    }
    rmdir(e->tmpdir);
    free(e->tmpdir);
  }
  free(e->exe);
}

static void on_pool_closed(void *ud) {
  lc_engine *e = ud;
  e->pool = NULL;
  if (e->debounce.data == NULL) {      /* timer already closed */
    void (*cb)(void *) = e->closed;
    void *cud = e->closed_ud;
    free_everything(e);
    free(e);
    if (cb) cb(cud);
  }
}

static void on_timer_closed(uv_handle_t *h) {
  lc_engine *e = h->data;
  e->debounce.data = NULL;
  if (!e->pool) {
    void (*cb)(void *) = e->closed;
    void *cud = e->closed_ud;
    free_everything(e);
    free(e);
    if (cb) cb(cud);
  }
}

void lc_engine_close(lc_engine *e, void (*done)(void *), void *ud) {
  e->closing = 1;
  e->closed = done;
  e->closed_ud = ud;
  uv_close((uv_handle_t *)&e->debounce, on_timer_closed);
  lc_pool_close(e->pool, on_pool_closed, e);
}

void lc_engine_configure(lc_engine *e, const lc_settings *s) {
  int was = e->set.run_tests;
  /* Diagnostics are drawn from the same views: a change of how they look
     must republish every file, although no view changed. */
  if (s->uncovered != e->set.uncovered || s->failures != e->set.failures ||
      s->unnecessary != e->set.unnecessary)
    for (int i = 0; i < e->npubs; i++) e->pubs[i].sig ^= 1;
  int scope_changed = s->include.n != e->set.include.n || s->exclude.n != e->set.exclude.n;
  lc_settings_free(&e->set);
  e->set = *s;
  memset(&e->set.include, 0, sizeof e->set.include);
  memset(&e->set.exclude, 0, sizeof e->set.exclude);
  for (int i = 0; i < s->include.n; i++) lc_strv_push(&e->set.include, s->include.v[i]);
  for (int i = 0; i < s->exclude.n; i++) lc_strv_push(&e->set.exclude, s->exclude.v[i]);
  lc_pool_set_limits(e->pool, s->workers > 0 ? s->workers : ncores(), s->timeout_ms);
  if (!s->run_tests) {
    lc_pool_cancel(e->pool, NULL);
    lc_strv_clear(&e->pending);
    uv_timer_stop(&e->debounce);
  }
  if (scope_changed) { rescan(e); remerge(e); publish_all_changed(e); }
  if (!was && s->run_tests) {
    e->told_disabled = 0;
    lc_engine_run_all(e, LC_REASON_CONFIG);
  } else {
    publish_all_changed(e);
  }
}

const lc_settings *lc_engine_settings(const lc_engine *e) { return &e->set; }
const lc_project *lc_engine_project(const lc_engine *e) { return &e->proj; }
const lc_results *lc_engine_results(lc_engine *e) { return &e->merged; }

void lc_engine_open(lc_engine *e, const char *path, int version) {
  doc *d = find_doc(e, path);
  if (!d) {
    if (grow((void **)&e->docs, &e->capdocs, e->ndocs + 1, sizeof *e->docs)) return;
    d = &e->docs[e->ndocs];
    memset(d, 0, sizeof *d);
    if (!(d->path = strdup(path))) return;
    e->ndocs++;
  }
  d->version = version;
  d->shown.n = d->saved.n = 0;
  publish_if_changed(e, path);
}

void lc_engine_change(lc_engine *e, const char *path, int version,
                      int first, int removed, int inserted) {
  doc *d = find_doc(e, path);
  if (!d) return;
  d->version = version;
  if (removed == 0 && inserted == 0) return;
  edit ed = { first, removed, inserted };
  log_push(&d->shown, ed);
  log_push(&d->saved, ed);
  log_push(&d->sub, ed);
}

void lc_engine_changed(lc_engine *e, const char *path) {
  publish_if_changed(e, path);
  if (e->set.run_on_type) lc_engine_run_for(e, path, LC_REASON_CHANGE);
}

void lc_engine_save(lc_engine *e, const char *path) {
  doc *d = find_doc(e, path);
  if (d) d->saved.n = 0;
  if (e->set.run_on_save) lc_engine_run_for(e, path, LC_REASON_SAVE);
}

void lc_engine_close_doc(lc_engine *e, const char *path) {
  for (int i = 0; i < e->ndocs; i++) {
    if (strcmp(e->docs[i].path, path) != 0) continue;
    free(e->docs[i].path);
    free(e->docs[i].shown.v);
    free(e->docs[i].saved.v);
    free(e->docs[i].sub.v);
    e->docs[i] = e->docs[--e->ndocs];
    break;
  }
  publish_if_changed(e, path);
}

void lc_engine_files_changed(lc_engine *e) {
  rescan(e);
  remerge(e);
  publish_all_changed(e);
}

int lc_engine_busy(const lc_engine *e) {
  return e->pending.n > 0 || e->batch.n > 0 || uv_is_active((const uv_handle_t *)&e->debounce);
}

int lc_engine_nfiles(const lc_engine *e) { return e->files.n; }
const char *lc_engine_file(const lc_engine *e, int i) { return e->files.v[i]; }

int lc_engine_nspecs(const lc_engine *e) { return e->merged.nspecs; }
const lc_specres *lc_engine_spec(const lc_engine *e, int i) { return e->merged.specs[i]; }

int lc_engine_tests_at(lc_engine *e, const char *path, int line,
                       const lc_testrec ***out, const lc_specres ***specs) {
  int n = 0, cap = 0;
  const lc_testrec **v = NULL;
  const lc_specres **sv = NULL;
  for (int s = 0; s < e->nspecs; s++) {
    const lc_specres *r = e->specs[s].res;
    if (!r) continue;
    lc_cov_file *f = lc_cov_find(r->cov, path);
    if (!f) continue;
    for (int t = 0; t < r->ntests; t++) {
      const lc_testrec *tr = &r->tests[t];
      for (int i = 0; i < tr->npoints; i++) {
        if (tr->points[i].file != f->id || tr->points[i].line != line) continue;
        if (n == cap) {
          int ncap = cap ? cap * 2 : 8;
          const lc_testrec **nv = realloc(v, (size_t)ncap * sizeof *nv);
          const lc_specres **ns = realloc(sv, (size_t)ncap * sizeof *ns);
          if (nv) v = nv;
          if (ns) sv = ns;
          if (!nv || !ns) { free(v); free(sv); *out = NULL; *specs = NULL; return -1; }
          cap = ncap;
        }
        v[n] = tr;
        sv[n] = r;
        n++;
        break;
      }
    }
  }
  *out = v;
  *specs = sv;
  return n;
}

/* }====================================================== */
