/*
** lc_bench.c: the runner of both benchmark drivers (bench.lua: the hook's
** overhead, RESULTS.md; instr_bench.lua: instrument mode, RESULTS-
** instrument.md). It runs one Lua workload in one mode and prints the CPU
** seconds of the run itself (state creation, library loading and
** compilation are outside the measured interval), then the line events.
**
** A plain state (no sandbox, no test runtime):
**   plain FILE             no coverage, no hook
**   empty FILE             lua_sethook(L, empty, LUA_MASKLINE, 0): the baseline
**   getinfo FILE           a line hook that only calls lua_getinfo(L, "S")
**   getinfo_f FILE         a line hook doing lua_getinfo(L, "f") + lua_topointer
**   recorder FILE          lc_cov_attach (the recorder's line hook, per-test
**                          points on): the recorder's own cost; also
**                          "plain-hook"
**   plain-instrument FILE  lc_instr_attach: instrument mode's own cost
** The file is loaded with the state's loadfile, so that instrument mode
** rewrites it as any loaded file.
**
** lc_run_file, as a `livecov run` worker runs a spec (sandboxed state, test
** runtime, per-test points), timed from the runtime's test_begin to its
** test_end, i.e. the script's own run:
**   livecov FILE           the line hook; prints the hook's events
**   hook FILE              the same; prints the recorded hits
**   instrument FILE        rewritten code; prints the recorded hits
**   bare FILE              instrument mode with FILE outside the root: the
**                          cost of the runner itself
**
**   load FILE N            load-time cost: N times, compile FILE, and compile
**                          + rewrite + reload it; prints the seconds of each
**                          per 1,000 source lines
**
** Times are process CPU time (CLOCK_PROCESS_CPUTIME_ID), so other load on
** the machine disturbs them less than wall time.
*/
#include "lc_cov.h"
#include "lc_instr.h"
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

/* The directory of 'file' into 'root' and its real path into 'path'. */
static int split_path(const char *file, char *path, char *root) {
  if (!realpath(file, path)) { perror(file); return -1; }
  strcpy(root, path);
  *strrchr(root, '/') = '\0';
  return 0;
}

static unsigned long long total_hits(lc_cov *cov) {
  unsigned long long n = 0;
  for (int i = 0; i < lc_cov_nfiles(cov); i++) {
    lc_cov_file *g = lc_cov_file_at(cov, i);
    for (int l = 0; l <= g->maxline; l++) n += g->hits[l];
  }
  return n;
}

/* {====================================================== plain state */

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

enum { REC_NONE, REC_HOOK, REC_INSTRUMENT };

static int run_plain(const char *file, lua_Hook h, int rec) {
  char path[PATH_MAX], root[PATH_MAX];
  if (split_path(file, path, root) != 0) return 1;
  if (chdir(root) != 0) { perror(root); return 1; }
  lua_State *L = luaL_newstate();
  lc_cov *cov = lc_cov_new();
  lc_instr *in = NULL;
  if (!L || !cov) return 1;
  if (rec == REC_HOOK && lc_cov_attach(cov, L, root) != 0) return 1;
  if (rec == REC_INSTRUMENT && !(in = lc_instr_attach(cov, L, root))) return 1;
  luaL_openlibs(L);
  lua_getglobal(L, "loadfile");
  lua_pushstring(L, path);
  lua_call(L, 1, 2);
  if (lua_isnil(L, -2)) {
    fprintf(stderr, "lc_bench: %s\n", lua_tostring(L, -1));
    return 1;
  }
  lua_pop(L, 1);
  if (h) lua_sethook(L, h, LUA_MASKLINE, 0);
  lc_cov_test_begin(cov);
  double t0 = cpu_now();
  int st = lua_pcall(L, 0, 0, 0);
  double t1 = cpu_now();
  if (st != LUA_OK) {
    fprintf(stderr, "lc_bench: %s\n", lua_tostring(L, -1));
    return 1;
  }
  lc_instr_sync(in, L);
  lc_cov_point *pts;
  int n = lc_cov_test_end(cov, &pts);
  free(pts);
  if (in) lc_instr_detach(in, L);
  if (rec == REC_HOOK) {
    events = lc_cov_events(cov);
    lc_cov_detach(cov, L);
  } else if (rec == REC_INSTRUMENT) {
    events = total_hits(cov);
  }
  if (rec != REC_NONE && n <= 0) { fprintf(stderr, "lc_bench: nothing recorded\n"); return 1; }
  printf("%.6f %llu\n", t1 - t0, events);
  lua_close(L);
  lc_cov_free(cov);
  return 0;
}

/* }====================================================== */

/* {====================================================== lc_run_file */

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

/* 'hook_events': print the hook's event count (else the recorded hits);
   'bare': the file lies outside the root, so nothing is recorded. */
static int run_file(const char *file, int mode, int hook_events, int bare) {
  char path[PATH_MAX], root[PATH_MAX];
  if (split_path(file, path, root) != 0) return 1;
  if (chdir(root) != 0) { perror(root); return 1; }    /* as the worker does */
  lc_run_opts o;
  memset(&o, 0, sizeof o);
  o.root = bare ? "/nonexistent-livecov-root" : root;
  o.mem_limit = (size_t)1 << 30;
  o.per_test = 1;
  o.coverage_mode = mode;
  bench b = { 0, 0, 0 };
  o.on_test_start = on_start;
  o.on_test = on_test;
  o.ud = &b;
  lc_cov *cov = lc_cov_new();
  lc_run_summary sum;
  if (!cov || lc_run_file(&o, path, cov, &sum) != 0 || b.failed) return 1;
  /* The workload must have been recorded, else nothing was measured. */
  lc_cov_file *f = lc_cov_find(cov, path);
  if (!bare && (!f || f->loads == 0)) {
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
  printf("%.6f %llu\n", b.t1 - b.t0,
         hook_events ? (unsigned long long)lc_cov_events(cov) : total_hits(cov));
  lc_cov_free(cov);
  return 0;
}

/* }====================================================== */

/* {====================================================== load cost */

static int count_lines(const char *file) {
  FILE *f = fopen(file, "rb");
  if (!f) return 0;
  int n = 0, c, last = '\n';
  while ((c = fgetc(f)) != EOF) {
    if (c == '\n') n++;
    last = c;
  }
  fclose(f);
  return n + (last != '\n');
}

/* Compiling alone, and compiling + rewriting + loading the result. */
static int load_cost(const char *file, int times) {
  char path[PATH_MAX], root[PATH_MAX];
  if (split_path(file, path, root) != 0) return 1;
  int lines = count_lines(path);
  if (lines == 0 || times <= 0) return 1;
  double plain = 0, instr = 0;
  lc_cov *cov = lc_cov_new();
  lua_State *L = luaL_newstate();
  if (!cov || !L) return 1;
  luaL_openlibs(L);
  lc_instr *in = lc_instr_attach(cov, L, root);
  if (!in) return 1;
  for (int i = 0; i < times; i++) {
    double t0 = cpu_now();
    if (luaL_loadfile(L, path) != LUA_OK) return 1;
    double t1 = cpu_now();
    if (lc_instr_function(in, L) != 0) {
      fprintf(stderr, "lc_bench: %s was not rewritten\n", path);
      return 1;
    }
    double t2 = cpu_now();
    lua_pop(L, 1);
    plain += t1 - t0;
    instr += t2 - t0;
  }
  lc_instr_detach(in, L);
  lua_close(L);
  lc_cov_free(cov);
  printf("%d %.6f %.6f\n", lines, plain / times * 1000.0 / lines,
         instr / times * 1000.0 / lines);
  return 0;
}

/* }====================================================== */

int main(int argc, char **argv) {
  const char *mode = argc >= 3 ? argv[1] : "", *file = argc >= 3 ? argv[2] : NULL;
  if (argc == 4 && !strcmp(mode, "load")) return load_cost(file, atoi(argv[3]));
  if (argc == 3) {
    if (!strcmp(mode, "plain")) return run_plain(file, NULL, REC_NONE);
    if (!strcmp(mode, "empty")) return run_plain(file, hook_empty, REC_NONE);
    if (!strcmp(mode, "getinfo")) return run_plain(file, hook_getinfo, REC_NONE);
    if (!strcmp(mode, "getinfo_f")) return run_plain(file, hook_getinfo_f, REC_NONE);
    if (!strcmp(mode, "recorder") || !strcmp(mode, "plain-hook"))
      return run_plain(file, NULL, REC_HOOK);
    if (!strcmp(mode, "plain-instrument")) return run_plain(file, NULL, REC_INSTRUMENT);
    if (!strcmp(mode, "livecov")) return run_file(file, LC_COVERAGE_HOOK, 1, 0);
    if (!strcmp(mode, "hook")) return run_file(file, LC_COVERAGE_HOOK, 0, 0);
    if (!strcmp(mode, "instrument")) return run_file(file, LC_COVERAGE_INSTRUMENT, 0, 0);
    if (!strcmp(mode, "bare")) return run_file(file, LC_COVERAGE_INSTRUMENT, 0, 1);
  }
  fprintf(stderr, "usage: lc_bench plain|empty|getinfo|getinfo_f|recorder|plain-hook|"
          "plain-instrument|livecov|hook|instrument|bare FILE | lc_bench load FILE N\n");
  return 2;
}
