/*
** lc_report_out.c: busted's text outputs (utfTerminal, plainTerminal, TAP,
** gtest) and its json output, written from merged results.
*/
#include "lc_report.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* {====================================================== terminal */

enum { C_GREEN = 32, C_RED = 31, C_MAGENTA = 35, C_YELLOW = 33, C_CYAN = 36, C_BRIGHT = 1 };

/* Writes 's' in colour 'c' when colours are on. */
static void put_c(FILE *out, const lc_report_opts *o, int c, const char *s) {
  if (o->color) fprintf(out, "\033[%dm%s\033[0m", c, s);
  else fputs(s, out);
}

static void put_ci(FILE *out, const lc_report_opts *o, int c, long v) {
  char buf[32];
  snprintf(buf, sizeof buf, "%ld", v);
  put_c(out, o, c, buf);
}

const char *lc_report_mark(const lc_testrec *t, const lc_report_opts *o) {
  static const char *utf[] = { "\xe2\x97\x8f", "\xe2\x97\xbc", "\xe2\x9c\xb1", "\xe2\x97\x8c" };
  static const char *utfc[] = { "\033[32m\xe2\x97\x8f\033[0m", "\033[31m\xe2\x97\xbc\033[0m",
                                "\033[35m\xe2\x9c\xb1\033[0m", "\033[33m\xe2\x97\x8c\033[0m" };
  static const char *asc[] = { "+", "-", "*", "." };
  if (t->status == LC_PENDING && o->suppress_pending) return "";
  /* busted marks tests, and errors of describe and file blocks, not hooks */
  if (t->kind && strcmp(t->kind, "it") && strcmp(t->kind, "describe") && strcmp(t->kind, "file"))
    return "";
  if (!o->utf) return asc[t->status];
  return o->color ? utfc[t->status] : utf[t->status];
}

/* busted's seconds: "%.6f" with a trailing run of zeros dropped when a
   digit precedes it (the first zero stays after the point: "1.0"). */
static void put_seconds(FILE *out, const lc_report_opts *o, double s) {
  char buf[64];
  snprintf(buf, sizeof buf, "%.6f", s);
  size_t n = strlen(buf), z = 0;
  while (z < n && buf[n - 1 - z] == '0') z++;
  if (z > 0 && z < n) {
    char before = buf[n - 1 - z];
    n -= (before >= '0' && before <= '9') ? z : z - 1;
  }
  buf[n] = '\0';
  put_c(out, o, C_BRIGHT, buf);
}

static const char *plural(int n, const char *zero, const char *one, const char *many) {
  return n == 0 ? zero : n == 1 ? one : many;
}

static void status_line(const lc_results *r, const lc_report_opts *o, FILE *out) {
  lc_totals t;
  lc_results_totals(r, &t);
  int pend = o->suppress_pending ? 0 : t.pending;
  put_ci(out, o, C_GREEN, t.success);
  fprintf(out, " %s / ", plural(t.success, "successes", "success", "successes"));
  put_ci(out, o, C_RED, t.failure);
  fprintf(out, " %s / ", plural(t.failure, "failures", "failure", "failures"));
  put_ci(out, o, C_MAGENTA, t.error);
  fprintf(out, " %s / ", plural(t.error, "errors", "error", "errors"));
  put_ci(out, o, C_YELLOW, pend);
  fputs(" pending : ", out);
  put_seconds(out, o, o->seconds);
  fputs(" seconds\n", out);
}

static void put_output(FILE *out, const char *text) {
  if (!text || !*text) return;
  fputs("Output:\n", out);
  fputs(text, out);
  if (text[strlen(text) - 1] != '\n') fputc('\n', out);
}

/* busted's "file @ line" of a record: 'file' and 'line' (a test's), else
   where it failed; prints it and 'sep' and returns 1, or 0 with no line. */
static int put_place(const lc_results *r, const lc_testrec *t, const char *file, int line,
                     const char *sep, const lc_report_opts *o, FILE *out) {
  if (line <= 0 && t->fail_file && t->fail_line > 0) {
    file = lc_project_rel(r->proj, t->fail_file);
    line = t->fail_line;
  }
  if (line <= 0) return 0;
  put_c(out, o, C_CYAN, file);
  fputs(" @ ", out);
  put_ci(out, o, C_CYAN, line);
  fputs(sep, out);
  return 1;
}

/* One entry of the details: "Failure → spec/a_spec.lua @ 4", the name,
   the message (busted's layout), then what the test printed. */
static void describe(const lc_results *r, const lc_specres *sr, const lc_testrec *t,
                     const lc_report_opts *o, FILE *out) {
  static const char *word[] = { "Success", "Failure", "Error", "Pending" };
  static const int color[] = { C_GREEN, C_RED, C_MAGENTA, C_YELLOW };
  const char *arrow = o->utf ? " \xe2\x86\x92 " : " -> ";
  fputc('\n', out);
  put_c(out, o, color[t->status], word[t->status]);
  fputs(arrow, out);
  const char *file = lc_project_rel(r->proj, sr->spec);
  int line = t->line;
  char where[1024];
  const char *colon;
  if (t->status == LC_PENDING && t->message && (colon = strstr(t->message, ": ")) &&
      colon - t->message < (long)sizeof where && !memchr(t->message, '\n', (size_t)(colon - t->message))) {
    /* pending() in a test: busted shows where it was called ("file:line: msg") */
    size_t n = (size_t)(colon - t->message);
    memcpy(where, t->message, n);
    where[n] = '\0';
    char *c = strrchr(where, ':');
    if (c && c[1] >= '0' && c[1] <= '9' && strspn(c + 1, "0123456789") == strlen(c + 1)) {
      *c = '\0';
      file = where;
      line = atoi(c + 1);
    }
  }
  if (put_place(r, t, file, line, "\n", o, out)) {
    put_c(out, o, C_BRIGHT, t->name);
    fputc('\n', out);
    if (t->status != LC_PENDING && o->seed) fprintf(out, "Random seed: %ld\n", o->seed);
    if (t->message) fprintf(out, "%s\n", t->message);
    else if (t->status != LC_PENDING && t->status != LC_SUCCESS) fputs("Nil error\n", out);
  } else {
    put_c(out, o, C_CYAN, t->message ? t->message : "Nil error");
    fputc('\n', out);
    put_c(out, o, C_BRIGHT, t->name);
    fputc('\n', out);
  }
  /* busted's layout: a blank line, the traceback, a blank line */
  if (o->verbose && t->trace && t->status != LC_PENDING) fprintf(out, "\n%s\n\n", t->trace);
  put_output(out, t->output);
}

static void describe_all(const lc_results *r, const lc_report_opts *o, FILE *out, lc_status st) {
  for (int s = 0; s < r->nspecs; s++) {
    const lc_specres *sr = r->specs[s];
    for (int i = 0; i < sr->ntests; i++)
      if (sr->tests[i].status == st) describe(r, sr, &sr->tests[i], o, out);
  }
}

int lc_report_terminal(const lc_results *r, const lc_report_opts *o, FILE *out) {
  fputc('\n', out);
  status_line(r, o, out);
  if (!o->suppress_pending) describe_all(r, o, out, LC_PENDING);
  describe_all(r, o, out, LC_FAILURE);
  describe_all(r, o, out, LC_ERROR);
  if (o->verbose) {
    /* what passing tests printed */
    for (int s = 0; s < r->nspecs; s++) {
      const lc_specres *sr = r->specs[s];
      for (int i = 0; i < sr->ntests; i++) {
        const lc_testrec *t = &sr->tests[i];
        if (t->status == LC_SUCCESS && t->output && *t->output) describe(r, sr, t, o, out);
      }
    }
  }
  return ferror(out) ? -1 : 0;
}

int lc_report_list(const lc_results *r, FILE *out) {
  for (int s = 0; s < r->nspecs; s++) {
    const lc_specres *sr = r->specs[s];
    for (int i = 0; i < sr->ntests; i++) {
      const lc_testrec *t = &sr->tests[i];
      if (t->status == LC_ERROR)
        fprintf(out, "%s: %s\n", t->name, t->message ? t->message : "error");
      else
        fprintf(out, "%s:%d: %s\n", lc_project_rel(r->proj, sr->spec), t->line, t->name);
    }
  }
  return ferror(out) ? -1 : 0;
}

/* }====================================================== */

/* {====================================================== TAP */

/* Writes 'n' bytes of 's' with every newline followed by "# ". */
static void put_commented_n(FILE *out, const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    fputc(s[i], out);
    if (s[i] == '\n') fputs("# ", out);
  }
}

static void put_commented(FILE *out, const char *s) {
  put_commented_n(out, s, strlen(s));
}

int lc_report_tap(const lc_results *r, const lc_report_opts *o, FILE *out) {
  int n = 0;
  for (int s = 0; s < r->nspecs; s++) {
    const lc_specres *sr = r->specs[s];
    for (int i = 0; i < sr->ntests; i++) {
      const lc_testrec *t = &sr->tests[i];
      if (t->status == LC_PENDING && o->suppress_pending) continue;
      n++;
      if (o->verbose && t->line > 0 && (!t->kind || !strcmp(t->kind, "it")))
        fprintf(out, "# %s @ %d: %s\n", lc_project_rel(r->proj, sr->spec), t->line, t->name);
      if (t->status == LC_SUCCESS) {
        fprintf(out, "ok %d - %s\n", n, t->name);
      } else if (t->status == LC_PENDING) {
        fprintf(out, "ok %d - # SKIP %s\n", n, t->message ? t->message : t->name);
      } else {
        fprintf(out, "not ok %d - %s\n", n, t->name);
        fprintf(out, "# %s @ %d\n", lc_project_rel(r->proj, sr->spec), t->line);
        if (o->seed) fprintf(out, "# Random seed: %ld\n", o->seed);
        fputs("# Failure message: ", out);
        put_commented(out, t->message ? t->message : "Nil error");
        fputc('\n', out);
        if (o->verbose && t->trace) {
          fputs("# ", out);
          put_commented(out, t->trace);
          fputs("\n# \n", out);
        }
        if (t->output && *t->output) {
          fputs("# Output:\n# ", out);
          put_commented_n(out, t->output, strlen(t->output) - (t->output[strlen(t->output) - 1] == '\n'));
          fputc('\n', out);
        }
      }
    }
  }
  fprintf(out, "1..%d\n", n);
  return ferror(out) ? -1 : 0;
}

/* }====================================================== */

/* {====================================================== gtest */

/*
** busted's gtest handler. busted writes it as events arrive; livecov writes
** the same text from the merged results, whose records are in the order of
** those events: per spec file a block with a RUN line and a result line per
** test (what the test printed, and its failure, in between), the errors of
** hooks, describe bodies and files where they happened; then the totals
** and the lists of skipped, failed and erring tests.
*/

static const char *const g_tag[] = { "[       OK ]", "[  FAILED  ]", "[  ERROR   ]", "[ SKIPPED  ]" };
static const int g_color[] = { C_GREEN, C_RED, C_MAGENTA, C_YELLOW };

/* The error of a spec file: its own record, or that of a plain script (a
   file that registers no test, which livecov reports as one test named
   after the file): busted reports a file error, and no test. */
static int g_file_error(const lc_testrec *t) {
  if (!t->kind) return 0;
  if (!strcmp(t->kind, "file")) return 1;
  return !strcmp(t->kind, "it") && t->line <= 0 && t->npath == 1 &&
         (t->status == LC_FAILURE || t->status == LC_ERROR);
}

/* A test (busted's test events); else the error of a block. */
static int g_is_test(const lc_testrec *t) {
  return !g_file_error(t) && (!t->kind || !strcmp(t->kind, "it"));
}

/* A second error of the test before it (an error in finally after a
   failure, say): the runtime reports it as one more record of that test,
   right after it, with no time of its own. busted prints it inside the
   test's block and lists it with the errors, but counts the test once. */
static int g_extra(const lc_specres *sr, int i) {
  if (i == 0) return 0;
  const lc_testrec *t = &sr->tests[i], *p = &sr->tests[i - 1];
  return g_is_test(t) && g_is_test(p) && t->status == LC_ERROR && t->ms <= 0.0 &&
         t->line > 0 && t->line == p->line && !strcmp(t->name, p->name);
}

/* "spec/a_spec.lua @ 4: name", busted's getFileLine and full name: the
   line of the test or block, for a file the place of its error; a file's
   error is named after busted's suite ("suite spec/a_spec.lua"). */
static void g_name(const lc_results *r, const lc_specres *sr, const lc_testrec *t,
                   const lc_report_opts *o, FILE *out) {
  put_place(r, t, lc_project_rel(r->proj, sr->spec), t->line, ": ", o, out);
  if (g_file_error(t)) {
    char buf[1024];
    snprintf(buf, sizeof buf, "suite %s", t->name);
    put_c(out, o, C_BRIGHT, buf);
  } else {
    put_c(out, o, C_BRIGHT, t->name);
  }
}

/* busted's failureDescription: the seed of a shuffled run, the message,
   with -v the traceback between blank lines. */
static void g_failure(const lc_testrec *t, const lc_report_opts *o, FILE *out) {
  if (o->seed) fprintf(out, "Random seed: %ld\n", o->seed);
  fprintf(out, "%s\n", t->message ? t->message : "Nil error");
  if (o->verbose && t->trace) fprintf(out, "\n%s\n\n", t->trace);
}

/* Which records busted counts, and as what. */
typedef lc_gtest g_counts;        /* tests per status (lc_report.h) */

/* The status a record is counted under, or -1: a suppressed pending test
   (no result line) or a block record that is no error. */
static int g_status(const lc_testrec *t, const lc_report_opts *o) {
  if (g_is_test(t)) return t->status == LC_PENDING && o->suppress_pending ? -1 : (int)t->status;
  return t->status == LC_FAILURE || t->status == LC_ERROR ? LC_ERROR : -1;
}

static void g_file(const lc_results *r, const lc_specres *sr, const lc_report_opts *o,
                   g_counts *all, FILE *out) {
  const char *file = lc_project_rel(r->proj, sr->spec);
  int n = 0;
  put_c(out, o, C_GREEN, "[----------]");
  fprintf(out, " Running tests from %s\n", file);
  for (int i = 0; i < sr->ntests; i++) {
    if (g_extra(sr, i)) continue;                 /* written with its test */
    const lc_testrec *t = &sr->tests[i];
    int st = g_status(t, o);
    if (!g_is_test(t)) {
      if (st < 0) continue;
      if (t->output) fputs(t->output, out);
      if (!o->defer_print) g_failure(t, o, out);
      all->status[st]++;
      continue;
    }
    /* busted's suppressed pending: a test that called pending() started
       (a RUN line) but ends unseen; a pending block never starts */
    if (st < 0 && !t->message) continue;
    put_c(out, o, C_GREEN, "[ RUN      ]");
    fputc(' ', out);
    g_name(r, sr, t, o, out);
    fputc('\n', out);
    if (t->output) fputs(t->output, out);
    if (!o->defer_print) {
      if (st == LC_FAILURE || st == LC_ERROR) g_failure(t, o, out);
      for (int j = i + 1; j < sr->ntests && g_extra(sr, j); j++) g_failure(&sr->tests[j], o, out);
    }
    if (st < 0) continue;
    put_c(out, o, g_color[st], g_tag[st]);
    fputc(' ', out);
    g_name(r, sr, t, o, out);
    fprintf(out, " (%.2f ms)\n", t->ms);
    n++;
    all->tests++;
    all->status[st]++;
  }
  put_c(out, o, C_GREEN, "[----------]");
  fprintf(out, " %d %s from %s (%.2f ms total)\n\n", n, n == 1 ? "test" : "tests", file, sr->ms);
}

/* One list of the summary: a header, then each record with its details
   when they were deferred (busted --defer-print). */
static void g_list(const lc_results *r, const lc_report_opts *o, int st, int count, FILE *out) {
  static const char *const one[] = { "", "test", "error", "test" };
  static const char *const many[] = { "", "tests", "errors", "tests" };
  const char *tag = g_tag[st];
  if (count == 0) return;
  put_c(out, o, g_color[st], tag);
  fprintf(out, " %d %s, listed below:\n", count, count == 1 ? one[st] : many[st]);
  for (int s = 0; s < r->nspecs; s++) {
    const lc_specres *sr = r->specs[s];
    for (int i = 0; i < sr->ntests; i++) {
      const lc_testrec *t = &sr->tests[i];
      if (g_status(t, o) != st) continue;
      put_c(out, o, g_color[st], tag);
      fputc(' ', out);
      g_name(r, sr, t, o, out);
      fputc('\n', out);
      if (!o->defer_print) continue;
      if (st != LC_PENDING) g_failure(t, o, out);
      else if (t->message) fprintf(out, "%s\n", t->message);
    }
  }
}

void lc_report_gtest_begin(const lc_report_opts *o, FILE *out) {
  if (o->seed) {
    /* busted colours the whole line, its newline included */
    char note[96];
    snprintf(note, sizeof note, "Note: Randomizing test order with a seed of %ld.\n", o->seed);
    put_c(out, o, C_YELLOW, note);
  }
  put_c(out, o, C_GREEN, "[==========]");
  fputs(" Running tests from scanned files.\n", out);
  put_c(out, o, C_GREEN, "[----------]");
  fputs(" Global test environment setup.\n", out);
}

void lc_report_gtest_file(const lc_results *r, const lc_specres *sr, const lc_report_opts *o,
                          lc_gtest *g, FILE *out) {
  g_file(r, sr, o, g, out);
}

int lc_report_gtest_end(const lc_results *r, const lc_report_opts *o, const lc_gtest *g,
                        FILE *out) {
  const g_counts c = *g;
  put_c(out, o, C_GREEN, "[----------]");
  fputs(" Global test environment teardown.\n", out);
  put_c(out, o, C_GREEN, "[==========]");
  fprintf(out, " %d %s from %d test %s ran. (%.2f ms total)\n", c.tests,
          c.tests == 1 ? "test" : "tests", r->nspecs, r->nspecs == 1 ? "file" : "files",
          o->seconds * 1000.0);
  int ok = c.status[LC_SUCCESS];
  put_c(out, o, C_GREEN, "[  PASSED  ]");
  fprintf(out, " %d %s.\n", ok, ok == 1 ? "test" : "tests");
  g_list(r, o, LC_PENDING, c.status[LC_PENDING], out);
  g_list(r, o, LC_FAILURE, c.status[LC_FAILURE], out);
  g_list(r, o, LC_ERROR, c.status[LC_ERROR], out);
  int skip = c.status[LC_PENDING], fail = c.status[LC_FAILURE], err = c.status[LC_ERROR];
  if (skip + fail + err > 0) fputc('\n', out);
  if (skip) fprintf(out, " %d SKIPPED %s\n", skip, skip == 1 ? "TEST" : "TESTS");
  if (fail) fprintf(out, " %d FAILED %s\n", fail, fail == 1 ? "TEST" : "TESTS");
  if (err) fprintf(out, " %d %s\n", err, err == 1 ? "ERROR" : "ERRORS");
  return ferror(out) ? -1 : 0;
}

int lc_report_gtest(const lc_results *r, const lc_report_opts *o, FILE *out) {
  lc_gtest g;
  memset(&g, 0, sizeof g);
  lc_report_gtest_begin(o, out);
  for (int s = 0; s < r->nspecs; s++) lc_report_gtest_file(r, r->specs[s], o, &g, out);
  return lc_report_gtest_end(r, o, &g, out);
}

/* }====================================================== */

/* {====================================================== busted json */

static json_t *jstr(const char *s) {
  if (!s) return json_null();
  json_t *j = json_string(s);
  return j ? j : json_string("<invalid UTF-8>");
}

static json_t *entry(const lc_results *r, const lc_specres *sr, const lc_testrec *t) {
  const char *file = lc_project_rel(r->proj, sr->spec);
  const char *last = t->npath ? t->path[t->npath - 1] : t->name;
  json_t *trace = json_pack("{s:o, s:i}", "short_src", jstr(file), "currentline", t->line);
  json_t *e = json_pack("{s:o, s:o, s:o, s:{s:o, s:s, s:o, s:f, s:{}}}",
    "name", jstr(t->name), "message", jstr(t->message),
    "trace", json_pack("{s:o, s:i, s:o, s:o}", "short_src",
      jstr(t->fail_file ? lc_project_rel(r->proj, t->fail_file) : file),
      "currentline", t->fail_line ? t->fail_line : t->line,
      "traceback", jstr(t->trace), "message", jstr(t->message)),
    "element", "name", jstr(last),
    "descriptor", t->status == LC_PENDING ? "pending" : t->kind ? t->kind : "it",
    "trace", trace, "duration", t->ms / 1000.0, "attributes");
  if (e && t->status == LC_ERROR) json_object_set_new(e, "isError", json_true());
  if (e && t->output && *t->output) json_object_set_new(e, "output", jstr(t->output));
  return e;
}

int lc_report_busted_json(const lc_results *r, const lc_report_opts *o, FILE *out) {
  json_t *lists[4];
  for (int k = 0; k < 4; k++) lists[k] = json_array();
  for (int s = 0; s < r->nspecs; s++) {
    const lc_specres *sr = r->specs[s];
    for (int i = 0; i < sr->ntests; i++) {
      const lc_testrec *t = &sr->tests[i];
      if (t->status == LC_PENDING && o->suppress_pending) continue;
      json_array_append_new(lists[t->status], entry(r, sr, t));
    }
  }
  json_t *doc = json_pack("{s:o, s:o, s:o, s:o, s:f}",
    "successes", lists[LC_SUCCESS], "failures", lists[LC_FAILURE],
    "errors", lists[LC_ERROR], "pendings", lists[LC_PENDING], "duration", o->seconds);
  if (!doc) return -1;
  int rc = json_dumpf(doc, out, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(9)) == 0 ? 0 : -1;
  fputc('\n', out);
  json_decref(doc);
  return (rc || ferror(out)) ? -1 : 0;
}

/* }====================================================== */
