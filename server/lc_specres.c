/*
** lc_specres.c: ownership of one spec file's results.
*/
#include "lc_specres.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

lc_specres *lc_specres_new(const char *spec) {
  lc_specres *r = calloc(1, sizeof *r);
  if (!r) return NULL;
  r->spec = strdup(spec);
  r->cov = lc_cov_new();
  r->exit_code = -1;
  if (!r->spec || !r->cov) {
    lc_specres_free(r);
    return NULL;
  }
  return r;
}

static void free_test(lc_testrec *t) {
  free(t->name);
  for (int i = 0; i < t->npath; i++) free(t->path[i]);
  free(t->path);
  free(t->message);
  free(t->trace);
  free(t->fail_file);
  free(t->output);
  free(t->kind);
  free(t->points);
}

void lc_specres_free(lc_specres *r) {
  if (!r) return;
  for (int i = 0; i < r->ntests; i++) free_test(&r->tests[i]);
  free(r->tests);
  for (int i = 0; i < r->nreads; i++) free(r->reads[i]);
  free(r->reads);
  lc_cov_free(r->cov);
  free(r->spec);
  free(r->running);
  free(r);
}

lc_testrec *lc_specres_add_test(lc_specres *r) {
  if (r->ntests == r->captests) {
    int ncap = r->captests ? r->captests * 2 : 16;
    lc_testrec *nv = realloc(r->tests, (size_t)ncap * sizeof *nv);
    if (!nv) return NULL;
    r->tests = nv;
    r->captests = ncap;
  }
  lc_testrec *t = &r->tests[r->ntests++];
  memset(t, 0, sizeof *t);
  return t;
}

int lc_specres_add_read(lc_specres *r, const char *path) {
  if (r->nreads == r->capreads) {
    int ncap = r->capreads ? r->capreads * 2 : 8;
    char **nv = realloc(r->reads, (size_t)ncap * sizeof *nv);
    if (!nv) return -1;
    r->reads = nv;
    r->capreads = ncap;
  }
  if (!(r->reads[r->nreads] = strdup(path))) return -1;
  r->nreads++;
  return 0;
}

void lc_specres_count(const lc_specres *r, int *ok, int *fail, int *err, int *pend) {
  int c[4] = { 0, 0, 0, 0 };
  for (int i = 0; i < r->ntests; i++) c[r->tests[i].status]++;
  if (ok) *ok = c[LC_SUCCESS];
  if (fail) *fail = c[LC_FAILURE];
  if (err) *err = c[LC_ERROR];
  if (pend) *pend = c[LC_PENDING];
}

int lc_specres_close(lc_specres *r, const char *errtext, unsigned timeout_ms) {
  if (r->finished) return 0;
  char msg[1024];
  if (r->timed_out)
    snprintf(msg, sizeof msg, "timed out after %g s", (double)timeout_ms / 1000.0);
  else if (r->term_signal)
    snprintf(msg, sizeof msg, "worker crashed with signal %d (%s)%s%s", r->term_signal,
             strsignal(r->term_signal), errtext ? ": " : "", errtext ? errtext : "");
  else
    snprintf(msg, sizeof msg, "worker exited with code %d%s%s", r->exit_code,
             errtext ? ": " : "", errtext ? errtext : "");
  lc_testrec *t = lc_specres_add_test(r);
  if (!t) return -1;
  t->name = strdup(r->running ? r->running : r->spec);
  t->path = calloc(1, sizeof *t->path);
  if (t->path && (t->path[0] = strdup(t->name ? t->name : ""))) t->npath = 1;
  t->status = LC_ERROR;
  t->message = strdup(msg);
  t->fail_file = strdup(r->spec);
  t->fail_line = 0;
  r->finished = 1;
  return (t->name && t->message && t->fail_file) ? 0 : -1;
}
