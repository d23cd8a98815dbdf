/*
** instr_bench.c: runs one Lua workload the way a `livecov run` worker does
** (lc_run_file: sandboxed state, test runtime, per-test points) in one
** coverage mode, and prints the CPU seconds of the script's own run (from
** the runtime's test_begin to its test_end) and the line events recorded.
**   instr_bench hook FILE         Lua's line hook (lc_cov)
**   instr_bench instrument FILE   rewritten code (lc_instr)
**   instr_bench bare FILE         the same runner, FILE outside the root:
**                                 the cost of the runner itself
**   instr_bench plain|plain-hook|plain-instrument FILE
**                                 a plain state (no sandbox, no runtime):
**                                 no coverage, the line hook, instrument mode
**   instr_bench load FILE N       load-time cost: N times, compile FILE,
**                                 and compile + rewrite + reload it; prints
**                                 the seconds of each per 1,000 source lines
** Times are process CPU time, as tests/bench/lc_bench.c measures them.
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

typedef struct bench { double t0, t1; int failed; } bench;

static void on_start(void *ud, const char *name) {
  (void)name;
  ((bench *)ud)->t0 = cpu_now();
}

static void on_test(void *ud, const lc_test_result *r) {
  bench *b = ud;
  b->t1 = cpu_now();
  if (r->status != LC_SUCCESS) {
    fprintf(stderr, "instr_bench: %s: %s\n", r->name, r->message ? r->message : "failed");
    b->failed = 1;
  }
}

static int run(const char *file, int mode) {
  char path[PATH_MAX], root[PATH_MAX];
  if (!realpath(file, path)) { perror(file); return 1; }
  strcpy(root, path);
  *strrchr(root, '/') = '\0';
  int bare = mode < 0;                    /* the file outside the root */
  if (bare) mode = LC_COVERAGE_INSTRUMENT;
  if (chdir(root) != 0) { perror(root); return 1; }
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
  lc_cov_file *f = lc_cov_find(cov, path);
  if (!bare && (!f || f->loads == 0)) {
    fprintf(stderr, "instr_bench: %s was not recorded\n", path);
    return 1;
  }
  unsigned long long n = 0;
  for (int i = 0; i < lc_cov_nfiles(cov); i++) {
    lc_cov_file *g = lc_cov_file_at(cov, i);
    for (int l = 0; l <= g->maxline; l++) n += g->hits[l];
  }
  printf("%.6f %llu\n", b.t1 - b.t0, n);
  lc_cov_free(cov);
  return 0;
}

/* The workload in a plain state (no sandbox, no test runtime), with no
   coverage, the line hook recorder, or instrument mode: coverage's own
   cost. The file is loaded with the state's loadfile, so instrument mode
   rewrites it as any loaded file. */
static int run_plain(const char *file, const char *mode) {
  char path[PATH_MAX], root[PATH_MAX];
  if (!realpath(file, path)) { perror(file); return 1; }
  strcpy(root, path);
  *strrchr(root, '/') = '\0';
  if (chdir(root) != 0) { perror(root); return 1; }
  lua_State *L = luaL_newstate();
  lc_cov *cov = lc_cov_new();
  lc_instr *in = NULL;
  int hook = !strcmp(mode, "plain-hook"), instr = !strcmp(mode, "plain-instrument");
  if (hook && lc_cov_attach(cov, L, root) != 0) return 1;
  if (instr && !(in = lc_instr_attach(cov, L, root))) return 1;
  luaL_openlibs(L);
  lua_getglobal(L, "loadfile");
  lua_pushstring(L, path);
  lua_call(L, 1, 2);
  if (lua_isnil(L, -2)) {
    fprintf(stderr, "instr_bench: %s\n", lua_tostring(L, -1));
    return 1;
  }
  lua_pop(L, 1);
  lc_cov_test_begin(cov);
  double t0 = cpu_now();
  int st = lua_pcall(L, 0, 0, 0);
  double t1 = cpu_now();
  if (st != LUA_OK) {
    fprintf(stderr, "instr_bench: %s\n", lua_tostring(L, -1));
    return 1;
  }
  lc_instr_sync(in, L);
  lc_cov_point *pts;
  int n = lc_cov_test_end(cov, &pts);
  free(pts);
  if (in) lc_instr_detach(in, L);
  if (hook) lc_cov_detach(cov, L);
  if ((hook || instr) && n <= 0) { fprintf(stderr, "instr_bench: nothing recorded\n"); return 1; }
  unsigned long long ev = 0;
  for (int i = 0; i < lc_cov_nfiles(cov); i++) {
    lc_cov_file *g = lc_cov_file_at(cov, i);
    for (int l = 0; l <= g->maxline; l++) ev += g->hits[l];
  }
  printf("%.6f %llu\n", t1 - t0, ev);
  lua_close(L);
  lc_cov_free(cov);
  return 0;
}

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
  if (!realpath(file, path)) { perror(file); return 1; }
  strcpy(root, path);
  *strrchr(root, '/') = '\0';
  int lines = count_lines(path);
  if (lines == 0 || times <= 0) return 1;
  double plain = 0, instr = 0;
  lc_cov *cov = lc_cov_new();
  lua_State *L = luaL_newstate();
  luaL_openlibs(L);
  lc_instr *in = lc_instr_attach(cov, L, root);
  if (!in) return 1;
  for (int i = 0; i < times; i++) {
    double t0 = cpu_now();
    if (luaL_loadfile(L, path) != LUA_OK) return 1;
    double t1 = cpu_now();
    if (lc_instr_function(in, L) != 0) {
      fprintf(stderr, "instr_bench: %s was not rewritten\n", path);
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

int main(int argc, char **argv) {
  if (argc >= 3 && !strcmp(argv[1], "hook")) return run(argv[2], LC_COVERAGE_HOOK);
  if (argc >= 3 && !strcmp(argv[1], "instrument")) return run(argv[2], LC_COVERAGE_INSTRUMENT);
  if (argc >= 3 && !strcmp(argv[1], "bare")) return run(argv[2], -1);
  if (argc >= 3 && !strncmp(argv[1], "plain", 5)) return run_plain(argv[2], argv[1]);
  if (argc >= 4 && !strcmp(argv[1], "load")) return load_cost(argv[2], atoi(argv[3]));
  fprintf(stderr, "usage: instr_bench hook|instrument|bare|plain|plain-hook|"
          "plain-instrument FILE | load FILE N\n");
  return 2;
}
