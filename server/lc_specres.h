/*
** lc_specres.h: the result of running one spec file, as the parent process
** sees it: every test with its outcome and per-test lines, the coverage the
** file produced, and how the worker ended. Built by lc_wire from a worker's
** records; merged by the CLI and the language server.
*/
#ifndef LC_SPECRES_H
#define LC_SPECRES_H

#include "lc_cov.h"
#include "lc_run.h"

typedef struct lc_testrec {
  char *name;               /* full name */
  char **path;              /* describe... it */
  int npath;
  int line;                 /* 1-based line of it(), 0 unknown */
  lc_status status;
  char *message, *trace;    /* may be NULL */
  char *fail_file;          /* absolute path or NULL */
  int fail_line;            /* 1-based, 0 unknown */
  char *output;             /* captured stdout, may be NULL */
  char *kind;               /* lc_test_result.kind, may be NULL */
  double ms;
  lc_cov_point *points;     /* per-test lines; file ids index 'cov' of the spec */
  int npoints;
} lc_testrec;

typedef struct lc_specres {
  char *spec;               /* absolute path of the spec file */
  lc_testrec *tests;
  int ntests, captests;
  lc_cov *cov;              /* coverage produced by this spec file */
  char *running;            /* name of the test in progress (for crashes) */
  int exit_code;            /* worker exit status; -1 unknown */
  int term_signal;          /* signal that ended the worker, 0 none */
  int timed_out;
  int finished;             /* the worker sent its final record */
  double ms;                /* wall time of the worker */
  char **reads;             /* files under the root read via io.open/io.lines */
  int nreads, capreads;
} lc_specres;

lc_specres *lc_specres_new(const char *spec);
void lc_specres_free(lc_specres *r);
/* Appends a zeroed test record (owned by 'r'); NULL on no memory. */
lc_testrec *lc_specres_add_test(lc_specres *r);
/* Notes a file read by the spec (absolute path, copied). 0 or -1. */
int lc_specres_add_read(lc_specres *r, const char *path);
/* Counts tests by status into the four counters (any may be NULL). */
void lc_specres_count(const lc_specres *r, int *ok, int *fail, int *err, int *pend);



/*
** After the worker is gone: when it did not finish (crash, time limit,
** os.exit, a failed start), adds one error test that says how it ended,
** so no run ends silently. 'errtext' is the worker's stderr (may be NULL).
*/
int lc_specres_close(lc_specres *r, const char *errtext, unsigned timeout_ms);
#endif
