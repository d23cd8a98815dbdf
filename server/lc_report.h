/*
** lc_report.h: the test report formats of `livecov run -o`, as busted
** prints them (utfTerminal, plainTerminal, TAP, gtest, json, junit), the
** Cobertura XML coverage report (--cobertura) and LuaCov's statistics file
** (-c). The coverage table, lcov and livecov's own JSON are in lc_results.h.
*/
#ifndef LC_REPORT_H
#define LC_REPORT_H

#include <stdio.h>
#include "lc_results.h"

typedef struct lc_report_opts {
  int utf;              /* utfTerminal marks and arrows (else plainTerminal) */
  int color;            /* ANSI colours (utfTerminal, gtest: on a terminal) */
  int verbose;          /* tracebacks, and the captured output of every test */
  int suppress_pending; /* leave pending tests out (busted --suppress-pending) */
  int defer_print;      /* gtest: failure details in the final lists (--defer-print) */
  long seed;            /* shuffled run: "Random seed: N" with failures; 0 not */
  double seconds;       /* wall time of the whole run */
} lc_report_opts;

/* The progress mark of one test (busted's ●◼✱◌ or +-*.), or "" when
   pending tests are suppressed. */
const char *lc_report_mark(const lc_testrec *t, const lc_report_opts *o);

/* Terminal: the status line, then pending tests, failures and errors with
   their file:line, message and captured output (busted's order). */
int lc_report_terminal(const lc_results *r, const lc_report_opts *o, FILE *out);
/* TAP version 12, as busted's TAP handler. */
int lc_report_tap(const lc_results *r, const lc_report_opts *o, FILE *out);
/* busted's gtest handler: a block per spec file with [ RUN ] and result
   lines, failure details where they happened, the totals and the lists of
   skipped, failed and erring tests. */
int lc_report_gtest(const lc_results *r, const lc_report_opts *o, FILE *out);
/* The same in pieces, so that `livecov run` prints each spec file's block
   as it finishes (in order), as busted prints while it runs: the header,
   the blocks ('r' needs only its project; 'g' counts), then the footer. */
typedef struct lc_gtest { int tests, status[4]; } lc_gtest;
void lc_report_gtest_begin(const lc_report_opts *o, FILE *out);
void lc_report_gtest_file(const lc_results *r, const lc_specres *sr, const lc_report_opts *o,
                          lc_gtest *g, FILE *out);
int lc_report_gtest_end(const lc_results *r, const lc_report_opts *o, const lc_gtest *g,
                        FILE *out);
/* busted's json handler: { pendings, successes, failures, errors, duration }. */
int lc_report_busted_json(const lc_results *r, const lc_report_opts *o, FILE *out);
/* `livecov run --list`: "file:line: full name", one test a line. */
int lc_report_list(const lc_results *r, FILE *out);

/* JUnit XML as busted's junit handler (testsuites > testsuite > testcase). */
int lc_report_junit(const lc_results *r, const lc_report_opts *o, FILE *out);
/* Cobertura XML (coverage-04.dtd): one package per directory, one class per
   file, every executable line with its hits. */
int lc_report_cobertura(const lc_results *r, FILE *out);

/* Adds the run's hits to LuaCov's statistics file at 'path' (made if
   missing), as LuaCov does at the end of a run. 0, or -1 with a message. */
int lc_report_luacov_stats(const lc_results *r, const char *path, char *err, size_t errlen);

#endif
