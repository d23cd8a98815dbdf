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

typedef struct lc_results {
  lc_project *proj;          /* not owned */
  lc_specres **specs;        /* not owned; in project order */
  int nspecs;
  lc_cov *total;             /* owned: merged coverage of files in scope */
  lc_strv problems;          /* files in scope that do not compile, etc. */
} lc_results;

/* Merges; returns 0 or -1 on no memory. Call again after specs change. */
int lc_results_merge(lc_results *r);
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
