/*
** test_hits.c: hit counts of the line hook recorder against Lua itself.
** Each scenario is a small project (scenarios/<name>/, or generated into a
** temporary directory) whose main.lua is run three ways:
**   - by plain lua5.4, for the output the script prints;
**   - by lua5.4 under oracle_hits.lua, Lua's own line hook counting every
**     (source, line) event: the expected hit counts;
**   - by lc_run_file in this process, recording into an lc_cov.
** Then, per file: livecov's hit counts equal the oracle's exactly (or the
** covered sets, for a scenario whose depth depends on the C stack), every
** file the oracle saw is recorded once under its real path, no other file
** is, the executable lines equal those of the compiled file, the per-test
** points equal the covered lines, the output equals plain Lua's, and the
** scenario's pins (hand-written expectations) hold.
*/
#include "lc_testutil.h"
#include "lc_cov.h"
#include "lc_lines.h"
#include "lc_run.h"

#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#define SCENARIOS LC_UNIT_DIR "/scenarios"

enum {
  SETS_ONLY = 1,    /* compare covered lines, not counts */
  FAILS = 2         /* the script itself ends with an error */
};

typedef struct scen {
  const char *name;               /* scenarios/<name>, if it exists */
  void (*gen)(const char *dir);   /* writes (more) files, or NULL */
  int flags;
  /* Pins, space separated: "f.lua:3=2" (line 3 hit twice), "f.lua:3-5=1",
     "files=4" (records), "nofile:f.lua" (no record under that path). */
  const char *pins;
} scen;

/* {====================================================== generated */

static void gen_chain190(const char *dir) {
  for (int i = 1; i <= 190; i++) {
    char name[32];
    snprintf(name, sizeof name, "m%d.lua", i);
    char *text = i < 190 ? tu_fmt("local v = require \"m%d\"\nreturn v + 1\n", i + 1)
                         : tu_fmt("return 1\n");
    assert_int_equal(tu_write(dir, name, text), 0);
    free(text);
  }
  assert_int_equal(tu_write(dir, "main.lua",
    "-- a chain of 190 modules, each requiring the next\n"
    "local v = require \"m1\"\n"
    "print(v, package.loaded.m190, package.loaded.m1)\n"), 0);
}

static void gen_symlink(const char *dir) {
  assert_int_equal(tu_write(dir, "real/real.lua",
    "local M = {}\n"
    "function M.f(x)\n"
    "  return x + 1\n"
    "end\n"
    "return M\n"), 0);
  char *p = tu_fmt("%s/link.lua", dir);
  assert_int_equal(symlink("real/real.lua", p), 0);
  free(p);
  p = tu_fmt("%s/alias", dir);
  assert_int_equal(symlink("real", p), 0);
  free(p);
  assert_int_equal(tu_write(dir, "main.lua",
    "-- one file reached through two symlinks and its own name\n"
    "local a = require \"link\"\n"
    "local b = require \"real.real\"\n"
    "local c = require \"alias.real\"\n"
    "print(a.f(1), b.f(2), c.f(3), a ~= b, b ~= c)\n"
    "print(dofile(\"link.lua\").f(4))\n"), 0);
}

/* }====================================================== */

static const scen scens[] = {
  { "chain190", gen_chain190, 0, "files=191 main.lua:2-3=1 m1.lua:1-2=1 m95.lua:1-2=1 m190.lua:1=1" },
  { "circular", NULL, 0, "files=3 a.lua:1-7=1 b.lua:1-6=1 b.lua:4=1" },
  { "circular_unguarded", NULL, SETS_ONLY, "files=3" },
  { "reload", NULL, 0, "files=2 mod.lua:1-4=3 mod.lua:5=6 mod.lua:6-8=3" },
  { "load_errors", NULL, 0, "boom.lua:1-4=2 boom.lua:6=0 errtable.lua:2-4=1 fine.lua:1=1 nofile:syntax.lua" },
  { "coroutines", NULL, 0, "gen.lua:5=104 gen.lua:11=101" },
  { "tailcalls", NULL, 0, "main.lua:3=100001 main.lua:4=100000" },
  { "pcall_error", NULL, 0, "lib.lua:3-4=1 lib.lua:16=6 lib.lua:17=1 lib.lua:19-20=5" },
  { "deep_recursion", NULL, 0, "main.lua:3=10001 main.lua:4=1 main.lua:6=10000 main.lua:7=10000" },
  { "dump_load", NULL, 0, "dumped.lua:3-4=3 dumped.lua:8=9 dumped.lua:9=6 dumped.lua:14=0" },
  { "loops", NULL, 0, "main.lua:5=10 main.lua:7=10 main.lua:14=6 main.lua:15=5 loop_mod.lua:6=10" },
  { "loaders", NULL, 0, "files=7 lib/d.lua:1-2=1 lib/lf.lua:1-3=2 lib/l.lua:1-3=1 lib/x.lua:1-3=1 lib/viapath.lua:1=1 lib/reader.lua:1=1" },
  { "symlink", gen_symlink, 0, "files=2 nofile:link.lua nofile:alias/real.lua real/real.lua:1=4 real/real.lua:3=4 real/real.lua:5=4" },
  { "user_hook", NULL, 0, "work.lua:5=13" },
  { "gc_reuse", NULL, 0, "files=2 g.lua:2=200 g.lua:3=200" },
  { "script_error", NULL, FAILS, "main.lua:6=1 main.lua:7=0 part.lua:2=1" },
  { "activations", NULL, 0, "files=3 fb.lua:2=95 fa.lua:3=56" },
  { "metamethods", NULL, 0, "vec.lua:5=1 vec.lua:19=2 vec.lua:24=10 vec.lua:25=0" },
};
#define NSCENS ((int)(sizeof scens / sizeof scens[0]))

/* {====================================================== running */

typedef struct run {
  const char *dir;
  lc_cov *cov;
  lc_run_summary sum;
  lc_cov_point *points;          /* of the script's one test */
  int npoints;
  int ntests;
  char *message;                 /* of a failed test */
} run;

static void on_test(void *ud, const lc_test_result *r) {
  run *x = ud;
  x->ntests++;
  free(x->points);
  x->points = NULL;
  x->npoints = r->npoints;
  if (r->npoints) {
    x->points = malloc((size_t)r->npoints * sizeof *x->points);
    memcpy(x->points, r->points, (size_t)r->npoints * sizeof *x->points);
  }
  if (r->message && !x->message) x->message = strdup(r->message);
}

/* Runs dir/main.lua in this process, stdout into dir/livecov.out. */
static void run_livecov(run *x) {
  char cwd[PATH_MAX];
  assert_non_null(getcwd(cwd, sizeof cwd));
  assert_int_equal(chdir(x->dir), 0);      /* as the worker does */
  fflush(stdout);
  int saved = dup(STDOUT_FILENO);
  int fd = open("livecov.out", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  assert_true(saved >= 0 && fd >= 0);
  dup2(fd, STDOUT_FILENO);
  close(fd);
  lc_run_opts o;
  memset(&o, 0, sizeof o);
  o.root = x->dir;
  o.mem_limit = (size_t)512 << 20;
  o.per_test = 1;
  o.on_test = on_test;
  o.ud = x;
  char *main_lua = tu_fmt("%s/main.lua", x->dir);
  int rc = lc_run_file(&o, main_lua, x->cov, &x->sum);
  fflush(stdout);
  dup2(saved, STDOUT_FILENO);
  close(saved);
  free(main_lua);
  assert_int_equal(chdir(cwd), 0);
  assert_int_equal(rc, 0);
}

/* A chunk name as the oracle printed it ("@./a.lua") to a real path. */
static char *real_of(const char *dir, const char *name) {
  char *joined = name[0] == '/' ? strdup(name) : tu_fmt("%s/%s", dir, name);
  char *real = realpath(joined, NULL);
  if (real) { free(joined); return real; }
  return joined;
}

typedef struct ofile { char *path; tu_lines hits; } ofile;
typedef struct oracle { ofile *v; int n; } oracle;

static tu_lines *oracle_file(oracle *o, const char *path) {
  for (int i = 0; i < o->n; i++)
    if (!strcmp(o->v[i].path, path)) return &o->v[i].hits;
  o->v = realloc(o->v, (size_t)(o->n + 1) * sizeof *o->v);
  o->v[o->n].path = strdup(path);
  memset(&o->v[o->n].hits, 0, sizeof o->v[o->n].hits);
  return &o->v[o->n++].hits;
}

static void oracle_free(oracle *o) {
  for (int i = 0; i < o->n; i++) {
    free(o->v[i].path);
    tu_lines_free(&o->v[i].hits);
  }
  free(o->v);
}

static void run_oracle(const char *dir, oracle *o) {
  char *cmd = tu_fmt("cd '%s' && '%s' '%s/oracle_hits.lua' main.lua oracle.txt "
                     ">/dev/null 2>oracle.err", dir, LUA54, LC_UNIT_DIR);
  int st;
  free(tu_capture(cmd, &st));
  free(cmd);
  if (st != 0) fail_msg("oracle failed in %s", dir);
  char *path = tu_fmt("%s/oracle.txt", dir);
  char *text = tu_read(path, NULL);
  free(path);
  assert_non_null(text);
  for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
    char *t1 = strchr(line, '\t');
    char *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
    if (!t1 || !t2 || line[0] != '@') fail_msg("bad oracle line: %s", line);
    *t1 = '\0';
    char *real = real_of(dir, line + 1);
    tu_lines_add(oracle_file(o, real), atoi(t1 + 1), strtoull(t2 + 1, NULL, 10));
    free(real);
  }
  free(text);
}

/* }====================================================== */

/* {====================================================== checks */

static int nerrors;

static void report(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "  ");
  vfprintf(stderr, fmt, ap);
  fprintf(stderr, "\n");
  va_end(ap);
  nerrors++;
}

static const char *rel(const char *dir, const char *path) {
  size_t n = strlen(dir);
  return strncmp(path, dir, n) == 0 && path[n] == '/' ? path + n + 1 : path;
}

static int mark(void *ud, int line) {
  tu_lines_set(ud, line, 1);
  return 0;
}

static void compare_file(const char *dir, const char *path, const tu_lines *want,
                         const lc_cov_file *f, int sets_only) {
  int top = want->n - 1;
  if (f->maxline > top) top = f->maxline;
  for (int l = 0; l <= top; l++) {
    uint64_t w = l < want->n ? want->hits[l] : 0;
    uint64_t g = l <= f->maxline ? f->hits[l] : 0;
    if (sets_only ? (!w != !g) : (w != g))
      report("%s:%d: livecov %llu, Lua %llu", rel(dir, path), l,
             (unsigned long long)g, (unsigned long long)w);
    if (g && !(l <= f->maxline && f->exec[l]))
      report("%s:%d: hit but not executable", rel(dir, path), l);
  }
  /* Executable lines: the same as compiling the file. */
  tu_lines exec = { 0 }, mine = { 0 };
  char err[512];
  if (lc_lines_of_file(path, mark, &exec, err, sizeof err) == 0) {
    for (int l = 0; l <= f->maxline; l++) if (f->exec[l]) tu_lines_set(&mine, l, 1);
    char *a = tu_lines_str(&mine), *b = tu_lines_str(&exec);
    if (strcmp(a, b) != 0)
      report("%s: executable lines [%s], compiled file [%s]", rel(dir, path), a, b);
    free(a);
    free(b);
  }
  tu_lines_free(&exec);
  tu_lines_free(&mine);
}

static lc_cov_file *find_rel(lc_cov *c, const char *dir, const char *name) {
  char *p = real_of(dir, name);
  lc_cov_file *f = lc_cov_find(c, p);
  free(p);
  return f;
}

static void check_pins(const char *dir, lc_cov *c, const char *pins) {
  char *copy = strdup(pins);
  for (char *tok = strtok(copy, " "); tok; tok = strtok(NULL, " ")) {
    if (!strncmp(tok, "files=", 6)) {
      if (lc_cov_nfiles(c) != atoi(tok + 6))
        report("pin %s: %d records", tok, lc_cov_nfiles(c));
      continue;
    }
    if (!strncmp(tok, "nofile:", 7)) {
      char *p = tu_fmt("%s/%s", dir, tok + 7);       /* the literal path */
      if (lc_cov_find(c, p)) report("pin %s: recorded", tok);
      free(p);
      continue;
    }
    char *colon = strchr(tok, ':'), *eq = strchr(tok, '=');
    if (!colon || !eq) { report("bad pin %s", tok); continue; }
    *colon = '\0';
    int a = atoi(colon + 1), b = a;
    char *dash = strchr(colon + 1, '-');
    if (dash && dash < eq) b = atoi(dash + 1);
    uint64_t want = strtoull(eq + 1, NULL, 10);
    lc_cov_file *f = find_rel(c, dir, tok);
    if (!f) { report("pin %s: no record", tok); continue; }
    for (int l = a; l <= b; l++) {
      uint64_t got = l <= f->maxline ? f->hits[l] : 0;
      int exec = l <= f->maxline && f->exec[l];
      if (got != want || !exec)
        report("pin %s:%d=%llu: got %llu%s", tok, l, (unsigned long long)want,
               (unsigned long long)got, exec ? "" : " (not executable)");
    }
  }
  free(copy);
}

static void test_scenario(void **state) {
  const scen *s = *state;
  nerrors = 0;
  char *dir = tu_tmpdir(s->name);
  char *src = tu_fmt("%s/%s", SCENARIOS, s->name);
  if (access(src, F_OK) == 0) {
    char *cmd = tu_fmt("cp -R '%s/.' '%s/'", src, dir);
    assert_int_equal(system(cmd), 0);
    free(cmd);
  }
  free(src);
  if (s->gen) s->gen(dir);

  /* 1. plain Lua's output */
  char *cmd = tu_fmt("cd '%s' && '%s' main.lua 2>/dev/null", dir, LUA54);
  char *plain = tu_capture(cmd, NULL);
  free(cmd);
  /* 2. Lua's own hit counts */
  oracle o = { NULL, 0 };
  run_oracle(dir, &o);
  /* 3. livecov */
  run x;
  memset(&x, 0, sizeof x);
  x.dir = dir;
  x.cov = lc_cov_new();
  assert_non_null(x.cov);
  run_livecov(&x);

  assert_int_equal(x.ntests, 1);
  if (s->flags & FAILS) {
    if (x.sum.error != 1) report("the script should fail");
  } else if (x.sum.success != 1) {
    report("the script failed: %s", x.message ? x.message : "?");
  }
  char *outpath = tu_fmt("%s/livecov.out", dir);
  char *mine = tu_read(outpath, NULL);
  free(outpath);
  assert_non_null(mine);
  if (strcmp(mine, plain) != 0)
    report("output differs from plain Lua:\n--- lua5.4\n%s--- livecov\n%s---", plain, mine);

  /* hits, file by file */
  for (int i = 0; i < o.n; i++) {
    lc_cov_file *f = lc_cov_find(x.cov, o.v[i].path);
    if (!f) { report("%s: not recorded", rel(dir, o.v[i].path)); continue; }
    compare_file(dir, o.v[i].path, &o.v[i].hits, f, s->flags & SETS_ONLY);
  }
  for (int i = 0; i < lc_cov_nfiles(x.cov); i++) {
    lc_cov_file *f = lc_cov_file_at(x.cov, i);
    int known = 0;
    for (int k = 0; k < o.n; k++) known |= !strcmp(o.v[k].path, f->path);
    if (!known) report("%s: recorded, but Lua never ran it", f->path);
  }
  /* per-test points: exactly the covered lines, each once */
  long covered = 0;
  for (int i = 0; i < lc_cov_nfiles(x.cov); i++) {
    lc_cov_file *f = lc_cov_file_at(x.cov, i);
    for (int l = 0; l <= f->maxline; l++) covered += f->hits[l] != 0;
  }
  if (x.npoints != covered)
    report("per-test points: %d, covered lines: %ld", x.npoints, covered);
  for (int i = 0; i < x.npoints; i++) {
    lc_cov_file *f = lc_cov_file_at(x.cov, x.points[i].file);
    if (!f || x.points[i].line > f->maxline || !f->hits[x.points[i].line])
      report("per-test point %d:%d not covered", x.points[i].file, x.points[i].line);
  }
  if (s->pins) check_pins(dir, x.cov, s->pins);

  if (nerrors) fail_msg("%s: %d mismatches (see above); files kept in %s",
                        s->name, nerrors, dir);
  lc_cov_free(x.cov);
  free(x.points);
  free(x.message);
  free(mine);
  free(plain);
  oracle_free(&o);
  tu_rmrf(dir);
  free(dir);
}

/* }====================================================== */

/* Every directory under scenarios/ is a scenario in 'scens'. */
static void test_scenarios_listed(void **state) {
  (void)state;
  char *cmd = tu_fmt("ls '%s'", SCENARIOS);
  char *out = tu_capture(cmd, NULL);
  free(cmd);
  for (char *d = strtok(out, "\n"); d; d = strtok(NULL, "\n")) {
    int found = 0;
    for (int i = 0; i < NSCENS; i++) found |= !strcmp(scens[i].name, d);
    if (!found) fail_msg("scenarios/%s is not listed in 'scens'", d);
  }
  free(out);
}

int main(void) {
  struct CMUnitTest *t = calloc((size_t)NSCENS + 1, sizeof *t);
  int n = 0;
  for (int i = 0; i < NSCENS; i++) {
    t[n].name = scens[i].name;
    t[n].test_func = test_scenario;
    t[n].initial_state = (void *)&scens[i];
    n++;
  }
  t[n].name = "scenarios_listed";
  t[n].test_func = test_scenarios_listed;
  n++;
  int rc = _cmocka_run_group_tests("hits", t, (size_t)n, NULL, NULL);
  free(t);
  return rc;
}
