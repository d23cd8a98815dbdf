/*
** lc_results.h: the project-wide view built from per-spec results: merged
** coverage of every file in scope (files no spec loaded count with all
** their executable lines at zero), test totals, and the writers of every
** report format (terminal table, lcov, JSON).
*/
#ifndef LC_RESULTS_H
#define LC_RESULTS_H

#include <stdio.h>
#include "lc_project.h"
#include "lc_specres.h"

/*
** A map from paths to integers (indexes into the caller's arrays), so that
** finding a file costs no scan of the project. Keys are copies; entries are
** never removed, only overwritten (callers rebuild a map that shrinks).
** Zero-initialize.
*/
typedef struct lc_pathmap { char **keys; int *vals; int cap, n; } lc_pathmap;
/* The value of 'path', or NULL when absent. */
int *lc_pathmap_get(const lc_pathmap *m, const char *path);
/* Sets the value of 'path'. 0, or -1 on no memory (the map is unchanged). */
int lc_pathmap_put(lc_pathmap *m, const char *path, int val);
void lc_pathmap_clear(lc_pathmap *m);

typedef struct lc_linecache lc_linecache;

/* Zero-initialize. */
typedef struct lc_results {
  lc_project *proj;          /* not owned */
  lc_specres **specs;        /* not owned; in project order */
  int nspecs;
  lc_cov *total;             /* owned: merged coverage of files in scope */
  lc_strv problems;          /* files in scope that do not compile, etc. */
  lc_linecache *lines_;      /* private: executable lines of files no spec
                                loaded, kept across merges (lc_results.c) */
} lc_results;

/* Merges; returns 0 or -1 on no memory. Call again after the files in
   scope change. */
int lc_results_merge(lc_results *r);
/*
** After specs changed in a way that touches only the files 'paths' (one
** spec's result replaced by another: the files of both, in any order,
** repeats allowed), recomputes the merged records of those files and
** leaves every other record as it is: the same records lc_results_merge
** would build, at a cost that does not grow with the project. 'specs' may
** have changed (a spec gained its first result); the files in scope must
** be those of the last lc_results_merge. Paths out of scope are skipped.
** Returns 0, or -1 on no memory (then call lc_results_merge).
*/
int lc_results_update(lc_results *r, const char *const *paths, int n);
void lc_results_free(lc_results *r);

/* Totals over files in scope. */
typedef struct lc_totals {
  int files;
  long lines, hit;
  int success, failure, error, pending;
} lc_totals;
void lc_results_totals(const lc_results *r, lc_totals *t);

/* Writers: 0 on success, -1 on an I/O error. */
int lc_report_summary(const lc_results *r, FILE *out);
int lc_report_lcov(const lc_results *r, FILE *out);
int lc_report_json(const lc_results *r, FILE *out);

/* Counts of one file in the merged coverage. */
void lc_file_counts(const lc_cov_file *f, long *lines, long *hit);

#endif
