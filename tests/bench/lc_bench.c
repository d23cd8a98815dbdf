/*
** lc_bench.c: runs one Lua workload in one mode and prints the CPU seconds
** of the run itself (state creation, library loading and compilation are
** outside the measured interval), then the number of line events.
**   lc_bench plain FILE      no hook
**   lc_bench empty FILE      lua_sethook(L, empty, LUA_MASKLINE, 0): the baseline
**   lc_bench getinfo FILE    a line hook that only calls lua_getinfo(L, "S")
**   lc_bench getinfo_f FILE  a line hook doing lua_getinfo(L, "f") + lua_topointer
**   lc_bench recorder FILE   lc_cov_attach on a plain state (as "empty", with
**                            the recorder's hook instead, per-test points on):
**                            the recorder's own cost, without the test runtime
**   lc_bench livecov FILE    lc_run_file with coverage and per-test points, as
**                            a worker of `livecov run` does; timed from the
**                            runtime's test_begin to its test_end, i.e. the
**                            script's own run under the recorder
** Times are process CPU time (CLOCK_PROCESS_CPUTIME_ID), so other load on
** the machine disturbs them less than wall time.
*/
#include "lc_cov.h"
#include "lc_run.h"

#include <lauxlib.h>
#include <lualib.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double cpu_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static unsigned long long events;

static void hook_empty(lua_State *L, lua_Debug *ar) {
  (void)L;
  (void)ar;
}

static void hook_getinfo(lua_State *L, lua_Debug *ar) {
  if (lua_getinfo(L, "S", ar) && ar->source[0] == '\x01') events++;  /* keep it */
}

static void hook_getinfo_f(lua_State *L, lua_Debug *ar) {
  if (lua_getinfo(L, "f", ar)) {
    if (lua_topointer(L, -1) == NULL) events++;
    lua_pop(L, 1);
  }
}

static int run_plain(const char *file, lua_Hook h, int recorder) {
  lua_State *L = luaL_newstate();
  lc_cov *cov = NULL;
  char root[PATH_MAX];
  if (recorder) {
    if (!realpath(file, root)) { perror(file); return 1; }
    *strrchr(root, '/') = '\0';
    cov = lc_cov_new();
    if (!cov || lc_cov_attach(cov, L, root) != 0) return 1;
    lc_cov_test_begin(cov);
  }
  luaL_openlibs(L);
  if (luaL_loadfile(L, file) != LUA_OK) {
    fprintf(stderr, "lc_bench: %s\n", lua_tostring(L, -1));
    return 1;
  }
  if (h) lua_sethook(L, h, LUA_MASKLINE, 0);
  double t0 = cpu_now();
  int st = lua_pcall(L, 0, 0, 0);
  double t1 = cpu_now();
  if (st != LUA_OK) {
    fprintf(stderr, "lc_bench: %s\n", lua_tostring(L, -1));
    return 1;
  }
  if (cov) {
    lc_cov_point *pts;
    int n = lc_cov_test_end(cov, &pts);
    free(pts);
    events = lc_cov_events(cov);
    lc_cov_detach(cov, L);
    if (n <= 0) { fprintf(stderr, "lc_bench: nothing recorded\n"); return 1; }
  }
  printf("%.6f %llu\n", t1 - t0, events);
  lua_close(L);
  lc_cov_free(cov);
  return 0;
}

typedef struct bench { double t0, t1; int failed; } bench;

static void on_start(void *ud, const char *name) {
  (void)name;
  ((bench *)ud)->t0 = cpu_now();
}

static void on_test(void *ud, const lc_test_result *r) {
  bench *b = ud;
  b->t1 = cpu_now();
  if (r->status != LC_SUCCESS) {
    fprintf(stderr, "lc_bench: %s: %s\n", r->name, r->message ? r->message : "failed");
    b->failed = 1;
  }
}

static int run_livecov(const char *file) {
  char path[PATH_MAX], root[PATH_MAX];
  if (!realpath(file, path)) { perror(file); return 1; }
  strcpy(root, path);
  *strrchr(root, '/') = '\0';
  if (chdir(root) != 0) { perror(root); return 1; }    /* as the worker does */
  lc_run_opts o;
  memset(&o, 0, sizeof o);
  o.root = root;
  o.mem_limit = (size_t)1 << 30;
  o.per_test = 1;
  bench b = { 0, 0, 0 };
  o.on_test_start = on_start;
  o.on_test = on_test;
  o.ud = &b;
  lc_cov *cov = lc_cov_new();
  lc_run_summary sum;
  if (!cov || lc_run_file(&o, path, cov, &sum) != 0 || b.failed) return 1;
  /* The workload must have been recorded, else nothing was measured. */
  lc_cov_file *f = lc_cov_find(cov, path);
  if (!f || f->loads == 0) {
    fprintf(stderr, "lc_bench: %s was not recorded\n", path);
    return 1;
  }
  if (getenv("LC_BENCH_VERBOSE")) {
    for (int i = 0; i < lc_cov_nfiles(cov); i++) {
      lc_cov_file *g = lc_cov_file_at(cov, i);
      unsigned long long n = 0;
      for (int l = 0; l <= g->maxline; l++) n += g->hits[l];
      fprintf(stderr, "lc_bench: %s: %llu line events\n", g->path, n);
    }
  }
  printf("%.6f %llu\n", b.t1 - b.t0, (unsigned long long)lc_cov_events(cov));
  lc_cov_free(cov);
  return 0;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: lc_bench plain|empty|getinfo|getinfo_f|recorder|livecov FILE\n");
    return 2;
  }
  const char *mode = argv[1], *file = argv[2];
  if (!strcmp(mode, "plain")) return run_plain(file, NULL, 0);
  if (!strcmp(mode, "empty")) return run_plain(file, hook_empty, 0);
  if (!strcmp(mode, "getinfo")) return run_plain(file, hook_getinfo, 0);
  if (!strcmp(mode, "getinfo_f")) return run_plain(file, hook_getinfo_f, 0);
  if (!strcmp(mode, "recorder")) return run_plain(file, NULL, 1);
  if (!strcmp(mode, "livecov")) return run_livecov(file);
  fprintf(stderr, "lc_bench: unknown mode %s\n", mode);
  return 2;
}
