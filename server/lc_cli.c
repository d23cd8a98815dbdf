/*
** lc_cli.c: `livecov run`. Discovers the spec files, runs each in a worker
** process (in parallel), merges the results in spec order (so -j1 and -jN
** print the same), and writes the terminal report and the files asked for.
*/
#include "lc_cli.h"
#include "lc_pat.h"
#include "lc_pool.h"
#include "lc_project.h"
#include "lc_results.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

static const char usage[] =
  "usage: livecov run [options] [paths...]\n"
  "Runs the project's busted specs (or the given spec files, directories or\n"
  "plain Lua scripts) with line coverage and prints a report.\n"
  "\n"
  "  --root DIR            project root (default: current directory)\n"
  "  --lcov FILE           write lcov coverage to FILE\n"
  "  --json FILE           write the JSON report (schema in ARCHITECTURE.md)\n"
  "  -j, --jobs N          worker processes (default: number of cores)\n"
  "  --timeout MS          time limit per spec file (default 10000)\n"
  "  --memory-limit MB     memory limit per spec file (default 1024)\n"
  "  -o, --output FORMAT   utfTerminal (default), plainTerminal\n"
  "  -p, --pattern PAT     spec file name pattern (default _spec)\n"
  "  --exclude-pattern PAT skip spec files whose name matches\n"
  "  -t, --tags TAGS       run only tests with these tags (comma separated)\n"
  "  --exclude-tags TAGS   skip tests with these tags\n"
  "  --filter PAT          run only tests whose full name matches\n"
  "  --filter-out PAT      skip tests whose full name matches\n"
  "  -m, --lpath PATH      prepend to package.path\n"
  "  --cpath PATH          prepend to package.cpath\n"
  "  --helper FILE         run FILE before each spec file\n"
  "  --shuffle, --seed N   randomise test order\n"
  "  --coverage            accepted for busted compatibility (always on)\n"
  "  -v, --verbose         print every test and captured output\n"
  "  -h, --help            this text\n";

typedef struct cli {
  lc_project proj;
  lc_specres **res;          /* indexed like proj.specs */
  int nres;
  unsigned timeout_ms;
  int verbose;
  int plain;
  int done;
} cli;

static int spec_index(cli *c, const char *spec) {
  for (int i = 0; i < c->proj.specs.n; i++)
    if (!strcmp(c->proj.specs.v[i], spec)) return i;
  return -1;
}

static void on_done(lc_pool *p, lc_job *job, void *ud) {
  (void)p;
  cli *c = ud;
  int i = spec_index(c, job->spec);
  if (i < 0) return;
  lc_specres_close(job->res, job->errtext, c->timeout_ms);
  c->res[i] = job->res;
  job->res = NULL;                     /* stolen */
  c->done++;
  /* progress: one mark per test, as busted's terminal output */
  for (int t = 0; t < c->res[i]->ntests; t++) {
    static const char *utf[] = { "\xe2\x97\x8f", "\xe2\x97\xbc", "\xe2\x9c\xb1", "\xe2\x97\x8c" };
    static const char *asc[] = { "+", "-", "*", "." };
    fputs(c->plain ? asc[c->res[i]->tests[t].status] : utf[c->res[i]->tests[t].status], stdout);
  }
  fflush(stdout);
}

static int split_push(lc_strv *v, const char *s) {
  char *dup = strdup(s);
  if (!dup) return -1;
  for (char *tok = strtok(dup, ","); tok; tok = strtok(NULL, ","))
    if (lc_strv_push(v, tok)) { free(dup); return -1; }
  free(dup);
  return 0;
}

static const char *status_word(lc_status s) {
  switch (s) {
    case LC_FAILURE: return "Failure";
    case LC_ERROR: return "Error";
    case LC_PENDING: return "Pending";
    default: return "Success";
  }
}

static void print_details(cli *c) {
  for (int i = 0; i < c->nres; i++) {
    lc_specres *r = c->res[i];
    if (!r) continue;
    for (int t = 0; t < r->ntests; t++) {
      lc_testrec *tr = &r->tests[t];
      if (tr->status == LC_SUCCESS && !c->verbose) continue;
      if (tr->status == LC_PENDING && !c->verbose) continue;
      const char *file = tr->fail_file ? tr->fail_file : r->spec;
      int line = tr->fail_line ? tr->fail_line : tr->line;
      printf("\n%s \xe2\x86\x92 %s @ %d\n%s\n", status_word(tr->status),
             lc_project_rel(&c->proj, file), line, tr->name);
      if (tr->message) printf("%s\n", tr->message);
      if (c->verbose && tr->trace) printf("%s\n", tr->trace);
      if (tr->output && *tr->output) printf("-- output --\n%s", tr->output);
    }
  }
}

int lc_cli_run(const char *self, int argc, char **argv) {
  const char *root = ".", *lcov = NULL, *json = NULL, *lpath = NULL, *cpath = NULL;
  int jobs = 0, shuffle = 0;
  long seed = 0;
  unsigned long mem_mb = 1024;
  cli c;
  memset(&c, 0, sizeof c);
  c.timeout_ms = 10000;
  lc_strv paths = {0}, tags = {0}, xtags = {0}, filt = {0}, filtout = {0},
          helpers = {0}, pats = {0}, xpats = {0};
  int rc = 2;
  char err[1024];

  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
#define VALUE() (i + 1 < argc ? argv[++i] : NULL)
#define NEED(v) if (!(v)) { fprintf(stderr, "livecov run: %s needs a value\n", a); goto out; }
    const char *v;
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) { fputs(usage, stdout); rc = 0; goto out; }
    else if (!strcmp(a, "--root")) { v = VALUE(); NEED(v); root = v; }
    else if (!strcmp(a, "--lcov")) { v = VALUE(); NEED(v); lcov = v; }
    else if (!strcmp(a, "--json")) { v = VALUE(); NEED(v); json = v; }
    else if (!strcmp(a, "-j") || !strcmp(a, "--jobs")) {
      v = VALUE(); NEED(v);
      jobs = atoi(v);
      if (jobs < 1) { fprintf(stderr, "livecov run: -j needs a positive number\n"); goto out; }
    }
    else if (!strcmp(a, "--timeout")) { v = VALUE(); NEED(v); c.timeout_ms = (unsigned)strtoul(v, NULL, 10); }
    else if (!strcmp(a, "--memory-limit")) { v = VALUE(); NEED(v); mem_mb = strtoul(v, NULL, 10); }
    else if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
      v = VALUE(); NEED(v);
      if (!strcmp(v, "plainTerminal")) c.plain = 1;
      else if (strcmp(v, "utfTerminal") != 0) {
        fprintf(stderr, "livecov run: unknown output format '%s' (utfTerminal, plainTerminal)\n", v);
        goto out;
      }
    }
    else if (!strcmp(a, "-p") || !strcmp(a, "--pattern")) { v = VALUE(); NEED(v); if (lc_strv_push(&pats, v)) goto oom; }
    else if (!strcmp(a, "--exclude-pattern")) { v = VALUE(); NEED(v); if (lc_strv_push(&xpats, v)) goto oom; }
    else if (!strcmp(a, "-t") || !strcmp(a, "--tags")) { v = VALUE(); NEED(v); if (split_push(&tags, v)) goto oom; }
    else if (!strcmp(a, "--exclude-tags")) { v = VALUE(); NEED(v); if (split_push(&xtags, v)) goto oom; }
    else if (!strcmp(a, "--filter")) { v = VALUE(); NEED(v); if (lc_strv_push(&filt, v)) goto oom; }
    else if (!strcmp(a, "--filter-out")) { v = VALUE(); NEED(v); if (lc_strv_push(&filtout, v)) goto oom; }
    else if (!strcmp(a, "-m") || !strcmp(a, "--lpath")) { v = VALUE(); NEED(v); lpath = v; }
    else if (!strcmp(a, "--cpath")) { v = VALUE(); NEED(v); cpath = v; }
    else if (!strcmp(a, "--helper")) { v = VALUE(); NEED(v); if (lc_strv_push(&helpers, v)) goto oom; }
    else if (!strcmp(a, "--seed")) { v = VALUE(); NEED(v); seed = strtol(v, NULL, 10); }
    else if (!strcmp(a, "--shuffle")) shuffle = 1;
    else if (!strcmp(a, "--coverage")) {}
    else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) c.verbose = 1;
    else if (a[0] == '-' && a[1]) {
      fprintf(stderr, "livecov run: unknown option '%s' (see livecov run --help)\n", a);
      goto out;
    }
    else if (lc_strv_push(&paths, a)) goto oom;
  }
#undef VALUE
#undef NEED

  if (lc_project_init(&c.proj, root, err, sizeof err) != 0) {
    fprintf(stderr, "livecov run: %s\n", err);
    goto out;
  }
  if (pats.n) { lc_strv_clear(&c.proj.patterns); c.proj.patterns = pats; memset(&pats, 0, sizeof pats); }
  if (xpats.n) { c.proj.exclude_patterns = xpats; memset(&xpats, 0, sizeof xpats); }
  for (int i = 0; i < c.proj.patterns.n; i++) {
    if (lc_pat_find(c.proj.patterns.v[i], "", err, sizeof err) < 0) {
      fprintf(stderr, "livecov run: %s\n", err);
      goto out;
    }
  }
  if (lc_project_read_luacov(&c.proj, err, sizeof err) != 0) {
    fprintf(stderr, "livecov run: .luacov: %s\n", err);
    goto out;
  }
  if (paths.n && lc_project_add_paths(&c.proj, paths.v, paths.n, err, sizeof err) != 0) {
    fprintf(stderr, "livecov run: %s\n", err);
    goto out;
  }
  if (lc_project_scan(&c.proj, err, sizeof err) != 0) {
    fprintf(stderr, "livecov run: %s\n", err);
    goto out;
  }
  if (c.proj.specs.n == 0)
    fprintf(stderr, "livecov run: no spec files found in %s (looked for *%s*.lua under %s/)\n",
            c.proj.root, c.proj.patterns.n ? c.proj.patterns.v[0] : "_spec",
            c.proj.test_dirs.n ? c.proj.test_dirs.v[0] : "spec");

  /* Worker arguments shared by every job. */
  lc_strv wargs = {0};
  char num[64];
  lc_strv_push(&wargs, "--root");
  lc_strv_push(&wargs, c.proj.root);
  snprintf(num, sizeof num, "%lu", mem_mb * 1024ul * 1024ul);
  lc_strv_push(&wargs, "--mem-limit");
  lc_strv_push(&wargs, num);
  lc_strv_push(&wargs, "--per-test");
  if (lpath) { lc_strv_push(&wargs, "--lpath"); lc_strv_push(&wargs, lpath); }
  if (cpath) { lc_strv_push(&wargs, "--cpath"); lc_strv_push(&wargs, cpath); }
  for (int i = 0; i < helpers.n; i++) { lc_strv_push(&wargs, "--helper"); lc_strv_push(&wargs, helpers.v[i]); }
  for (int i = 0; i < tags.n; i++) { lc_strv_push(&wargs, "--tag"); lc_strv_push(&wargs, tags.v[i]); }
  for (int i = 0; i < xtags.n; i++) { lc_strv_push(&wargs, "--exclude-tag"); lc_strv_push(&wargs, xtags.v[i]); }
  for (int i = 0; i < filt.n; i++) { lc_strv_push(&wargs, "--filter"); lc_strv_push(&wargs, filt.v[i]); }
  for (int i = 0; i < filtout.n; i++) { lc_strv_push(&wargs, "--filter-out"); lc_strv_push(&wargs, filtout.v[i]); }
  if (shuffle) lc_strv_push(&wargs, "--shuffle");
  if (seed) { snprintf(num, sizeof num, "%ld", seed); lc_strv_push(&wargs, "--seed"); lc_strv_push(&wargs, num); }
  if (lc_strv_push(&wargs, "") != 0) { lc_strv_clear(&wargs); goto oom; }
  free(wargs.v[wargs.n - 1]);
  wargs.v[--wargs.n] = NULL;            /* NULL-terminated for lc_pool_submit */

  c.nres = c.proj.specs.n;
  c.res = calloc((size_t)(c.nres ? c.nres : 1), sizeof *c.res);
  if (!c.res) { lc_strv_clear(&wargs); goto oom; }
  if (jobs == 0) {
    uv_cpu_info_t *ci;
    int ncpu = 1;
    if (uv_cpu_info(&ci, &ncpu) == 0) uv_free_cpu_info(ci, ncpu);
    jobs = ncpu > 0 ? ncpu : 1;
  }
  uv_loop_t loop;
  uv_loop_init(&loop);
  uint64_t t0 = uv_hrtime();
  lc_pool *pool = lc_pool_new(&loop, self, jobs, c.timeout_ms, on_done, &c);
  if (!pool) { lc_strv_clear(&wargs); uv_loop_close(&loop); goto oom; }
  for (int i = 0; i < c.proj.specs.n; i++)
    if (lc_pool_submit(pool, c.proj.specs.v[i], (const char *const *)wargs.v, NULL) < 0) {
      fprintf(stderr, "livecov run: cannot queue %s\n", c.proj.specs.v[i]);
    }
  uv_run(&loop, UV_RUN_DEFAULT);
  lc_pool_close(pool, NULL, NULL);
  uv_run(&loop, UV_RUN_DEFAULT);
  uv_loop_close(&loop);
  lc_strv_clear(&wargs);
  double secs = (double)(uv_hrtime() - t0) / 1e9;

  lc_results res;
  memset(&res, 0, sizeof res);
  res.proj = &c.proj;
  lc_specres *empty = NULL;
  res.specs = c.res;
  res.nspecs = c.nres;
  for (int i = 0; i < c.nres; i++) {
    if (!c.res[i]) {     /* never reported (cannot queue): say so */
      c.res[i] = lc_specres_new(c.proj.specs.v[i]);
      if (!c.res[i]) { empty = NULL; goto oom_res; }
      lc_specres_close(c.res[i], "not run", c.timeout_ms);
    }
  }
  (void)empty;
  if (lc_results_merge(&res) != 0) goto oom_res;
  lc_totals t;
  lc_results_totals(&res, &t);
  printf("\n%d success%s / %d failure%s / %d error%s / %d pending : %.6f seconds\n",
         t.success, t.success == 1 ? "" : "es", t.failure, t.failure == 1 ? "" : "s",
         t.error, t.error == 1 ? "" : "s", t.pending, secs);
  print_details(&c);
  for (int i = 0; i < res.problems.n; i++)
    fprintf(stderr, "livecov: cannot compute lines of %s\n", res.problems.v[i]);
  printf("\n");
  lc_report_summary(&res, stdout);
  rc = (t.failure || t.error) ? 1 : 0;
  if (lcov) {
    FILE *f = fopen(lcov, "w");
    if (!f || lc_report_lcov(&res, f) != 0) {
      fprintf(stderr, "livecov run: cannot write %s\n", lcov);
      rc = 2;
    }
    if (f && fclose(f) != 0) rc = 2;
  }
  if (json) {
    FILE *f = fopen(json, "w");
    if (!f || lc_report_json(&res, f) != 0) {
      fprintf(stderr, "livecov run: cannot write %s\n", json);
      rc = 2;
    }
    if (f && fclose(f) != 0) rc = 2;
  }
  lc_results_free(&res);
  goto out;

oom_res:
  lc_results_free(&res);
oom:
  fprintf(stderr, "livecov run: out of memory\n");
  rc = 2;
out:
  for (int i = 0; i < c.nres; i++) lc_specres_free(c.res[i]);
  free(c.res);
  lc_project_free(&c.proj);
  lc_strv_clear(&paths); lc_strv_clear(&tags); lc_strv_clear(&xtags);
  lc_strv_clear(&filt); lc_strv_clear(&filtout); lc_strv_clear(&helpers);
  lc_strv_clear(&pats); lc_strv_clear(&xpats);
  lc_pat_shutdown();
  return rc;
}
