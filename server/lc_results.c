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

#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

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

void lc_results_free(lc_results *r) {
  lc_cov_free(r->total);
  r->total = NULL;
  lc_strv_clear(&r->problems);
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
      t->loads += f->loads;
      for (int l = 0; l <= f->maxline; l++) {
        if (f->exec[l] && lc_cov_mark_exec(t, l)) return -1;
        if (f->hits[l] && lc_cov_add_hits(t, l, f->hits[l])) return -1;
      }
    }
  }
  /* Never loaded: compile to learn the executable lines. */
  for (int i = 0; i < lc_cov_nfiles(r->total); i++) {
    lc_cov_file *t = lc_cov_file_at(r->total, i);
    if (t->loads) continue;
    char err[512];
    if (lc_cov_exec_from_file(t, err, sizeof err) != 0)
      lc_strv_push(&r->problems, err);
  }
  return 0;
}

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
