/*
** lc_startup.c: the in-process part of a spec file run's start-up cost.
** Runs lc_run_file (fresh state, libraries, luassert, the runtime, the spec
** with coverage and per-test points) N times and prints the mean and best
** wall time per run; the rest of a worker run is the process spawn.
**   lc_startup ROOT SPEC [N] [LPATH]
*/
#include "lc_cov.h"
#include "lc_run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: lc_startup ROOT SPEC [N] [LPATH]\n");
    return 2;
  }
  int n = argc > 3 ? atoi(argv[3]) : 20;
  if (n < 1) n = 1;
  if (chdir(argv[1]) != 0) { perror(argv[1]); return 2; }
  lc_run_opts o;
  memset(&o, 0, sizeof o);
  o.root = argv[1];
  o.mem_limit = (size_t)1 << 30;
  o.per_test = 1;
  o.lpath = argc > 4 ? argv[4] : "./src/?.lua;./src/?/init.lua";
  double total = 0, best = 1e9;
  int tests = 0;
  for (int i = 0; i < n; i++) {
    lc_cov *cov = lc_cov_new();
    lc_run_summary sum;
    double t0 = now_ms();
    int rc = lc_run_file(&o, argv[2], cov, &sum);
    double dt = now_ms() - t0;
    lc_cov_free(cov);
    if (rc != 0) { fprintf(stderr, "lc_run_file failed\n"); return 1; }
    tests = sum.success + sum.failure + sum.error + sum.pending;
    total += dt;
    if (dt < best) best = dt;
  }
  printf("lc_run_file: %.2f ms mean, %.2f ms best over %d runs (%d tests)\n",
         total / n, best, n, tests);
  return 0;
}
