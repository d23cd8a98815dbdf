/*
** test_instr_behaviour.c: what the user sees is the same with instrument
** mode as without coverage. Each script of behaviour/ prints what a
** program can observe (error messages and their lines, tracebacks,
** debug.getinfo/getlocal/upvalues, string.dump bytes, coroutines, tail
** calls, goto, varargs, to-be-closed variables, loops, user hooks) and runs
** three times: by plain lua5.4, and through lc_run_file in hook mode and in
** instrument mode. The three outputs must be equal.
*/
#include "lc_testutil.h"
#include "lc_cov.h"
#include "lc_instr.h"
#include "lc_run.h"

#include <dirent.h>
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

#define BEHAVIOUR LC_INSTR_DIR "/behaviour"

typedef struct bres { int ntests, failed; char *message; } bres;

static void on_test(void *ud, const lc_test_result *r) {
  bres *b = ud;
  b->ntests++;
  if (r->status != LC_SUCCESS) {
    b->failed = 1;
    if (!b->message && r->message) b->message = strdup(r->message);
  }
}

/* Output of dir/main.lua through lc_run_file in 'mode'. */
static char *run_lc(const char *dir, int mode) {
  char cwd[PATH_MAX];
  assert_non_null(getcwd(cwd, sizeof cwd));
  assert_int_equal(chdir(dir), 0);
  fflush(stdout);
  int saved = dup(STDOUT_FILENO);
  int fd = open("lc.out", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  assert_true(saved >= 0 && fd >= 0);
  dup2(fd, STDOUT_FILENO);
  close(fd);
  lc_cov *cov = lc_cov_new();
  bres b = { 0, 0, NULL };
  lc_run_opts o;
  memset(&o, 0, sizeof o);
  o.root = dir;
  o.mem_limit = (size_t)512 << 20;
  o.per_test = 1;
  o.coverage_mode = mode;
  o.on_test = on_test;
  o.ud = &b;
  char *main_lua = tu_fmt("%s/main.lua", dir);
  lc_run_summary sum;
  int rc = lc_run_file(&o, main_lua, cov, &sum);
  fflush(stdout);
  dup2(saved, STDOUT_FILENO);
  close(saved);
  free(main_lua);
  char *out = tu_read("lc.out", NULL);
  assert_int_equal(chdir(cwd), 0);
  assert_int_equal(rc, 0);
  if (b.failed) {
    char *o2 = tu_fmt("%s[script failed: %s]\n", out ? out : "", b.message ? b.message : "?");
    free(out);
    out = o2;
  }
  /* the script's own file was recorded and ran */
  char *path = tu_fmt("%s/main.lua", dir);
  lc_cov_file *f = lc_cov_find(cov, path);
  if (!f || f->loads == 0) {
    char *o2 = tu_fmt("%s[main.lua not recorded]\n", out ? out : "");
    free(out);
    out = o2;
  }
  free(path);
  free(b.message);
  lc_cov_free(cov);
  return out;
}

static void test_script(void **state) {
  const char *name = *state;
  char tag[64];
  snprintf(tag, sizeof tag, "behaviour-%s", name);
  char *dir = tu_tmpdir(tag);
  char *cmd = tu_fmt("cp '%s/%s' '%s/main.lua'", BEHAVIOUR, name, dir);
  assert_int_equal(system(cmd), 0);
  free(cmd);
  cmd = tu_fmt("cd '%s' && '%s' main.lua 2>&1", dir, LUA54);
  char *plain = tu_capture(cmd, NULL);
  free(cmd);
  char *hook = run_lc(dir, LC_COVERAGE_HOOK);
  char *instr = run_lc(dir, LC_COVERAGE_INSTRUMENT);
  int bad = 0;
  if (strcmp(plain, instr) != 0) {
    fprintf(stderr, "%s: instrument mode differs from plain Lua\n--- lua5.4\n%s--- instrument\n%s---\n",
            name, plain, instr);
    bad = 1;
  }
  if (strcmp(plain, hook) != 0) {
    fprintf(stderr, "%s: hook mode differs from plain Lua\n--- lua5.4\n%s--- hook\n%s---\n",
            name, plain, hook);
    bad = 1;
  }
  free(plain);
  free(hook);
  free(instr);
  if (bad) fail_msg("%s: outputs differ; files kept in %s", name, dir);
  tu_rmrf(dir);
  free(dir);
}

static int cmp_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(void) {
  char why[256];
  if (!lc_instr_supported(why, sizeof why)) {
    fprintf(stderr, "skipped: %s\n", why);
    return 77;
  }
  DIR *d = opendir(BEHAVIOUR);
  if (!d) return 1;
  char **names = NULL;
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    size_t len = strlen(e->d_name);
    if (len < 5 || strcmp(e->d_name + len - 4, ".lua") != 0) continue;
    names = realloc(names, (size_t)(n + 1) * sizeof *names);
    names[n++] = strdup(e->d_name);
  }
  closedir(d);
  qsort(names, (size_t)n, sizeof *names, cmp_name);
  struct CMUnitTest *t = calloc((size_t)n + 1, sizeof *t);
  for (int i = 0; i < n; i++) {
    t[i].name = names[i];
    t[i].test_func = test_script;
    t[i].initial_state = names[i];
  }
  int rc = _cmocka_run_group_tests("instr_behaviour", t, (size_t)n, NULL, NULL);
  for (int i = 0; i < n; i++) free(names[i]);
  free(names);
  free(t);
  return rc;
}
