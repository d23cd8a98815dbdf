/*
** cli_test.c: `livecov run` from the outside: exit statuses, one clear line
** for each kind of bad input, the lcov file parsed back exactly (and checked
** against Lua's own line hook and activelines), the JSON report against the
** schema documented in server/lc_results.c, LuaCov's statistics file (-c),
** symlinked sources, and the same
** reports whatever the number of workers.
*/
#include "lc_testutil.h"

#include <jansson.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#define PROJECT LC_CLI_DIR "/project"
#define ORACLES LC_UNIT_DIR

/* {====================================================== helpers */

typedef struct res { int code; char *out, *err; } res;

static void res_free(res *r) {
  free(r->out);
  free(r->err);
}

/* Runs `livecov run ARGS` in 'dir' (prefix: e.g. a setpriv command). */
static res livecov(const char *dir, const char *prefix, const char *args) {
  res r;
  char *cmd = tu_fmt("cd '%s' && %s '%s' run %s >'%s/.out' 2>'%s/.err'", dir,
                     prefix ? prefix : "", LIVECOV_BIN, args, dir, dir);
  int st = system(cmd);
  free(cmd);
  r.code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  char *p = tu_fmt("%s/.out", dir);
  r.out = tu_read(p, NULL);
  free(p);
  p = tu_fmt("%s/.err", dir);
  r.err = tu_read(p, NULL);
  free(p);
  assert_non_null(r.out);
  assert_non_null(r.err);
  return r;
}

static int count_lines(const char *s) {
  int n = 0;
  for (; *s; s++) n += *s == '\n';
  return n;
}

static char *copy_project(const char *tag) {
  char *dir = tu_tmpdir(tag);
  char *cmd = tu_fmt("cp -R '%s/.' '%s/'", PROJECT, dir);
  assert_int_equal(system(cmd), 0);
  free(cmd);
  return dir;
}

/* }====================================================== */

/* {====================================================== exit status */

static void test_exit_status(void **state) {
  (void)state;
  char *dir = copy_project("cli-exit");
  res r = livecov(dir, NULL, "");
  assert_int_equal(r.code, 0);                   /* all passed */
  assert_non_null(strstr(r.out, "1 success / 0 failures / 0 errors"));
  res_free(&r);
  assert_int_equal(tu_write(dir, "spec/fail_spec.lua", "error('broken')\n"), 0);
  r = livecov(dir, NULL, "");
  assert_int_equal(r.code, 1);                   /* a failure */
  assert_non_null(strstr(r.out, "spec/fail_spec.lua:1: broken"));
  res_free(&r);
  r = livecov(dir, NULL, "--no-such-option");
  assert_int_equal(r.code, 2);                   /* usage */
  assert_int_equal(count_lines(r.err), 1);
  assert_non_null(strstr(r.err, "--no-such-option"));
  res_free(&r);
  r = livecov(dir, NULL, "--lcov");              /* a value missing */
  assert_int_equal(r.code, 2);
  assert_int_equal(count_lines(r.err), 1);
  res_free(&r);
  r = livecov(dir, NULL, "--lcov /nonexistent/dir/x.info spec/calc_spec.lua");
  assert_int_equal(r.code, 2);                   /* cannot write the report */
  assert_non_null(strstr(r.err, "/nonexistent/dir/x.info"));
  res_free(&r);
  tu_rmrf(dir);
  free(dir);
}

static void test_missing_file(void **state) {
  (void)state;
  char *dir = copy_project("cli-missing");
  res r = livecov(dir, NULL, "spec/nope_spec.lua");
  /* busted's words ("Cannot find file or directory"), but a path the user
     named that is not there is a usage error (2): nothing runs */
  assert_int_equal(r.code, 2);
  assert_null(strstr(r.out, "Summary"));
  assert_int_equal(count_lines(r.err), 1);
  assert_non_null(strstr(r.err, "nope_spec.lua"));
  res_free(&r);
  r = livecov(dir, NULL, "--root /nonexistent/root");
  assert_int_equal(r.code, 2);
  assert_int_equal(count_lines(r.err), 1);
  assert_non_null(strstr(r.err, "/nonexistent/root"));
  res_free(&r);
  tu_rmrf(dir);
  free(dir);
}

/* A spec that does not compile: the run fails with the compiler's message
   on one line; a source in scope that does not compile: one line on stderr,
   and the run still passes. */
static void test_syntax_errors(void **state) {
  (void)state;
  char *dir = copy_project("cli-syntax");
  assert_int_equal(tu_write(dir, "spec/syn_spec.lua", "local x = = 1\n"), 0);
  res r = livecov(dir, NULL, "spec/syn_spec.lua");
  assert_int_equal(r.code, 1);
  const char *msg = "spec/syn_spec.lua:1: unexpected symbol near '='";
  const char *at = strstr(r.out, msg);
  assert_non_null(at);
  assert_null(strstr(at + 1, msg));              /* said once */
  res_free(&r);
  assert_int_equal(tu_write(dir, "src/bad.lua", "return 1 +\n"), 0);
  r = livecov(dir, NULL, "spec/calc_spec.lua");
  assert_int_equal(r.code, 0);
  assert_int_equal(count_lines(r.err), 1);
  assert_non_null(strstr(r.err, "bad.lua:2:"));
  res_free(&r);
  tu_rmrf(dir);
  free(dir);
}

/* An unreadable directory in the project: one line, exit 2. Root reads
   every directory, so as root the run drops to nobody (setpriv). */
static void test_unreadable_dir(void **state) {
  (void)state;
  const char *prefix = NULL;
  char *dir = copy_project("cli-unreadable");
  if (geteuid() == 0) {
    /* root reads every directory: run as nobody, if nobody can run it */
    prefix = "setpriv --reuid=65534 --regid=65534 --clear-groups";
    chmod(dir, 0777);                            /* nobody writes .out/.err */
    char *cmd = tu_fmt("%s sh -c 'test -x \"%s\" && test -w \"%s\"' 2>/dev/null",
                       prefix, LIVECOV_BIN, dir);
    int st = system(cmd);
    free(cmd);
    if (st != 0) {
      fprintf(stderr, "SKIP: running as root, and setpriv cannot run %s as "
                      "nobody (missing, or the build directory is private)\n",
              LIVECOV_BIN);
      tu_rmrf(dir);
      free(dir);
      skip();
    }
  }
  char *locked = tu_fmt("%s/src/locked", dir);
  assert_int_equal(mkdir(locked, 0), 0);
  res r = livecov(dir, prefix, "");
  assert_int_equal(r.code, 2);
  assert_int_equal(count_lines(r.err), 1);
  assert_non_null(strstr(r.err, "src/locked"));
  assert_non_null(strstr(r.err, "Permission denied"));
  res_free(&r);
  free(locked);
  tu_rmrf(dir);
  free(dir);
}

/* }====================================================== */

/* {====================================================== lcov */

typedef struct lrec { char *path; tu_lines da, exec; long lf, lh; } lrec;
typedef struct lcov { lrec *v; int n; } lcov;

static void lcov_free(lcov *l) {
  for (int i = 0; i < l->n; i++) {
    free(l->v[i].path);
    tu_lines_free(&l->v[i].da);
    tu_lines_free(&l->v[i].exec);
  }
  free(l->v);
}

/* Parses lcov strictly: TN:, then records of SF, DA (ascending), LF, LH,
   end_of_record; LF/LH must agree with the DA lines. */
static lcov parse_lcov(const char *text) {
  lcov l = { NULL, 0 };
  char *copy = strdup(text);
  lrec *cur = NULL;
  int last = 0, n = 0;
  for (char *line = strtok(copy, "\n"); line; line = strtok(NULL, "\n")) {
    n++;
    if (n == 1) { assert_string_equal(line, "TN:"); continue; }
    if (!strncmp(line, "SF:", 3)) {
      assert_null(cur);
      l.v = realloc(l.v, (size_t)(l.n + 1) * sizeof *l.v);
      cur = &l.v[l.n++];
      memset(cur, 0, sizeof *cur);
      cur->path = strdup(line + 3);
      cur->lf = cur->lh = -1;
      last = 0;
    } else if (!strncmp(line, "DA:", 3)) {
      assert_non_null(cur);
      int ln;
      unsigned long long hits;
      char extra;
      assert_int_equal(sscanf(line + 3, "%d,%llu%c", &ln, &hits, &extra), 2);
      assert_true(ln > last);                    /* ascending, no duplicates */
      last = ln;
      tu_lines_set(&cur->exec, ln, 1);
      if (hits) tu_lines_set(&cur->da, ln, hits);
    } else if (!strncmp(line, "LF:", 3)) {
      assert_non_null(cur);
      cur->lf = atol(line + 3);
    } else if (!strncmp(line, "LH:", 3)) {
      assert_non_null(cur);
      cur->lh = atol(line + 3);
    } else if (!strcmp(line, "end_of_record")) {
      assert_non_null(cur);
      long lf = 0, lh = 0;
      for (int i = 0; i < cur->exec.n; i++) lf += cur->exec.hits[i] != 0;
      for (int i = 0; i < cur->da.n; i++) lh += cur->da.hits[i] != 0;
      assert_int_equal(cur->lf, lf);
      assert_int_equal(cur->lh, lh);
      cur = NULL;
    } else {
      fail_msg("unexpected lcov line: %s", line);
    }
  }
  assert_null(cur);
  free(copy);
  return l;
}

static lrec *lcov_find(lcov *l, const char *path) {
  for (int i = 0; i < l->n; i++)
    if (!strcmp(l->v[i].path, path)) return &l->v[i];
  return NULL;
}

/* Lua's activelines of a file that calls all its own functions. */
static char *lua_lines(const char *path) {
  char *cmd = tu_fmt("cd \"$(dirname '%s')\" && '%s' '%s/oracle_lines.lua' '%s'",
                     path, LUA54, ORACLES, path);
  int st;
  char *out = tu_capture(cmd, &st);
  free(cmd);
  assert_int_equal(st, 0);
  char *l = strstr(out, "lines ");
  assert_non_null(l);
  l[strcspn(l, "\n")] = '\0';
  tu_lines s = { 0 };
  assert_int_equal(tu_lines_parse(&s, l + 6), 0);
  char *r = tu_lines_str(&s);
  tu_lines_free(&s);
  free(out);
  return r;
}

/* The lcov file, checked line by line against Lua itself: hits of loaded
   files from Lua's line hook (oracle_hits.lua running the spec script),
   executable lines of every file from activelines. */
static void test_lcov(void **state) {
  (void)state;
  char *dir = copy_project("cli-lcov");
  res r = livecov(dir, NULL, "--lcov out.info");
  assert_int_equal(r.code, 0);
  res_free(&r);
  char *p = tu_fmt("%s/out.info", dir);
  char *text = tu_read(p, NULL);
  free(p);
  assert_non_null(text);
  lcov l = parse_lcov(text);
  /* every file in scope once, by absolute path, sorted; spec/ is not */
  const char *files[] = { "src/calc.lua", "src/empty.lua", "src/sub/deep.lua", "src/unused.lua" };
  assert_int_equal(l.n, 4);
  for (int i = 0; i < 4; i++) {
    char *abs = tu_fmt("%s/%s", dir, files[i]);
    assert_string_equal(l.v[i].path, abs);
    free(abs);
  }
  /* hits: Lua's line hook on the same script */
  char *cmd = tu_fmt("cd '%s' && '%s' '%s/oracle_hits.lua' spec/calc_spec.lua hits.txt >/dev/null",
                     dir, LUA54, ORACLES);
  assert_int_equal(system(cmd), 0);
  free(cmd);
  p = tu_fmt("%s/hits.txt", dir);
  char *hits = tu_read(p, NULL);
  free(p);
  tu_lines want[4];
  memset(want, 0, sizeof want);
  for (char *line = strtok(hits, "\n"); line; line = strtok(NULL, "\n")) {
    char src[PATH_MAX];
    int ln;
    unsigned long long n;
    assert_int_equal(sscanf(line, "@%[^\t]\t%d\t%llu", src, &ln, &n), 3);
    for (int i = 0; i < 4; i++) {
      char *rel = tu_fmt("./%s", files[i]);
      if (!strcmp(src, rel)) tu_lines_add(&want[i], ln, n);
      free(rel);
    }
  }
  free(hits);
  for (int i = 0; i < 4; i++) {
    char *a = tu_lines_str(&l.v[i].da), *b = tu_lines_str(&want[i]);
    if (strcmp(a, b) != 0) fail_msg("%s: covered lines [%s], Lua [%s]", files[i], a, b);
    for (int k = 0; k < want[i].n; k++)
      if (want[i].hits[k] != (k < l.v[i].da.n ? l.v[i].da.hits[k] : 0))
        fail_msg("%s:%d: lcov %llu, Lua %llu", files[i], k,
                 (unsigned long long)(k < l.v[i].da.n ? l.v[i].da.hits[k] : 0),
                 (unsigned long long)want[i].hits[k]);
    free(a);
    free(b);
    tu_lines_free(&want[i]);
  }
  /* executable lines, loaded or not: Lua's activelines */
  for (int i = 0; i < 4; i++) {
    if (!strcmp(files[i], "src/calc.lua") || !strcmp(files[i], "src/sub/deep.lua"))
      continue;       /* their functions are not all called standalone */
    char *abs = tu_fmt("%s/%s", dir, files[i]);
    char *mine = tu_lines_str(&l.v[i].exec), *lua = lua_lines(abs);
    if (strcmp(mine, lua) != 0) fail_msg("%s: DA lines [%s], Lua [%s]", files[i], mine, lua);
    free(mine);
    free(lua);
    free(abs);
  }
  /* and pinned by hand */
  const char *exec[] = { "1 3-5 7-10 12-13 15-17 19-20 22", "1", "1-2 4-6", "2 4-10 12-13" };
  const char *covered[] = { "1 3-5 7-10 12-13 15 20 22", "", "1-2 4-6", "" };
  for (int i = 0; i < 4; i++) {
    char *a = tu_lines_str(&l.v[i].exec);
    assert_string_equal(a, exec[i]);
    free(a);
    a = tu_lines_str(&l.v[i].da);
    assert_string_equal(a, covered[i]);
    free(a);
  }
  lrec *u = lcov_find(&l, l.v[3].path);
  assert_int_equal(u->lh, 0);                    /* never loaded: all zeros */
  assert_int_equal(u->lf, 10);
  lcov_free(&l);
  free(text);
  tu_rmrf(dir);
  free(dir);
}

/* -c: LuaCov's statistics file, in LuaCov's format (lines 1..last hit,
   files with a hit, sorted), added to on each run as LuaCov does, where
   .luacov's statsfile says; nothing without -c. */
static void test_luacov_stats(void **state) {
  (void)state;
  static const char once[] =
    "22:src/calc.lua\n1 0 1 2 1 0 1 1 5 4 0 1 1 0 1 0 0 0 0 1 0 1 \n"
    "6:src/sub/deep.lua\n1 1 0 1 1 1 \n";
  static const char twice[] =
    "22:src/calc.lua\n2 0 2 4 2 0 2 2 10 8 0 2 2 0 2 0 0 0 0 2 0 2 \n"
    "6:src/sub/deep.lua\n2 2 0 2 2 2 \n";
  char *dir = copy_project("cli-luacov");
  char *stats = tu_fmt("%s/luacov.stats.out", dir);
  res r = livecov(dir, NULL, "");
  assert_int_equal(r.code, 0);
  res_free(&r);
  assert_int_equal(access(stats, F_OK), -1);
  for (int run = 0; run < 2; run++) {
    r = livecov(dir, NULL, "-c");
    assert_int_equal(r.code, 0);
    res_free(&r);
    char *text = tu_read(stats, NULL);
    assert_non_null(text);
    assert_string_equal(text, run == 0 ? once : twice);
    free(text);
  }
  char *conf = tu_fmt("%s/.luacov", dir);
  FILE *f = fopen(conf, "w");
  assert_non_null(f);
  fputs("return { statsfile = 'my.stats' }\n", f);
  fclose(f);
  r = livecov(dir, NULL, "--coverage");
  assert_int_equal(r.code, 0);
  res_free(&r);
  char *mine = tu_fmt("%s/my.stats", dir);
  char *text = tu_read(mine, NULL);
  assert_non_null(text);
  assert_string_equal(text, once);
  free(text);
  free(mine);
  free(conf);
  free(stats);
  tu_rmrf(dir);
  free(dir);
}

/* One file reached through a symlinked file and a symlinked directory is
   one record under its real path; links to outside the root are none. */
static void test_symlinks(void **state) {
  (void)state;
  char *dir = copy_project("cli-links");
  char *outside = tu_tmpdir("cli-outside");
  assert_int_equal(tu_write(outside, "ext.lua", "return 1\n"), 0);
  char *p = tu_fmt("%s/src/link.lua", dir);
  assert_int_equal(symlink("calc.lua", p), 0);
  free(p);
  p = tu_fmt("%s/src/alias", dir);
  assert_int_equal(symlink("sub", p), 0);
  free(p);
  p = tu_fmt("%s/src/ext.lua", dir);
  char *target = tu_fmt("%s/ext.lua", outside);
  assert_int_equal(symlink(target, p), 0);
  free(target);
  free(p);
  assert_int_equal(tu_write(dir, "spec/links_spec.lua",
    "package.path = './src/?.lua;' .. package.path\n"
    "assert(require('link').add(1, 1) == 2)\n"
    "assert(require('calc').add(2, 2) == 4)\n"
    "assert(require('alias.deep').twice(1) == 2)\n"
    "assert(require('ext') == 1)\n"), 0);
  res r = livecov(dir, NULL, "--lcov out.info spec/links_spec.lua");
  assert_int_equal(r.code, 0);
  res_free(&r);
  p = tu_fmt("%s/out.info", dir);
  char *text = tu_read(p, NULL);
  free(p);
  lcov l = parse_lcov(text);
  assert_int_equal(l.n, 4);                      /* calc, empty, sub/deep, unused */
  char *calc = tu_fmt("%s/src/calc.lua", dir);
  lrec *c = lcov_find(&l, calc);
  assert_non_null(c);
  assert_int_equal(c->da.hits[1], 2);            /* loaded as "link" and "calc" */
  assert_int_equal(c->da.hits[4], 3);            /* add: link, calc, alias.deep */
  free(calc);
  assert_null(strstr(text, "link.lua"));
  assert_null(strstr(text, "alias"));
  assert_null(strstr(text, "ext.lua"));
  lcov_free(&l);
  free(text);
  tu_rmrf(outside);
  free(outside);
  tu_rmrf(dir);
  free(dir);
}

/* The same reports with one worker or several. */
static void test_jobs_agree(void **state) {
  (void)state;
  char *dir = copy_project("cli-jobs");
  for (int i = 0; i < 6; i++) {
    char *name = tu_fmt("spec/s%d_spec.lua", i);
    char *text = tu_fmt("package.path = './src/?.lua;' .. package.path\n"
                        "assert(require('calc').sum(%d) == %d)\n", i, i * (i + 1) / 2);
    assert_int_equal(tu_write(dir, name, text), 0);
    free(name);
    free(text);
  }
  res r = livecov(dir, NULL, "-j 1 --lcov one.info");
  assert_int_equal(r.code, 0);
  res_free(&r);
  r = livecov(dir, NULL, "-j3 --lcov three.info");       /* make's spelling too */
  assert_int_equal(r.code, 0);
  res_free(&r);
  char *a = tu_fmt("%s/one.info", dir), *b = tu_fmt("%s/three.info", dir);
  char *ta = tu_read(a, NULL), *tb = tu_read(b, NULL);
  assert_string_equal(ta, tb);
  assert_non_null(strstr(ta, "DA:10,19\n"));     /* s = s + i: 0+1+...+5, and 4 */
  free(ta); free(tb); free(a); free(b);
  tu_rmrf(dir);
  free(dir);
}

/* }====================================================== */

/* {====================================================== JSON */

/* Checks that 'o' is an object with exactly these keys. */
static void keys(json_t *o, const char *const *names, int n, const char *where) {
  if (!json_is_object(o)) fail_msg("%s: not an object", where);
  if ((int)json_object_size(o) != n) {
    char *dump = json_dumps(o, JSON_COMPACT);
    fail_msg("%s: %d keys, schema says %d: %s", where, (int)json_object_size(o), n, dump);
  }
  for (int i = 0; i < n; i++)
    if (!json_object_get(o, names[i])) fail_msg("%s: no \"%s\"", where, names[i]);
}

#define KEYS(o, where, ...) do { \
    static const char *const k_[] = { __VA_ARGS__ }; \
    keys((o), k_, (int)(sizeof k_ / sizeof k_[0]), (where)); \
  } while (0)

static void is_str_or_null(json_t *v, const char *where) {
  if (!json_is_string(v) && !json_is_null(v)) fail_msg("%s: not a string or null", where);
}

/* The --json report against the schema in server/lc_results.c's header. */
static void test_json_schema(void **state) {
  (void)state;
  char *dir = copy_project("cli-json");
  assert_int_equal(tu_write(dir, "spec/fail_spec.lua", "print('out')\nerror('no')\n"), 0);
  res r = livecov(dir, NULL, "--json out.json --lcov out.info");
  assert_int_equal(r.code, 1);
  res_free(&r);
  char *p = tu_fmt("%s/out.json", dir);
  json_error_t e;
  json_t *doc = json_load_file(p, 0, &e);
  free(p);
  if (!doc) fail_msg("out.json: %s", e.text);
  KEYS(doc, "document", "version", "root", "summary", "files", "specs");
  assert_int_equal(json_integer_value(json_object_get(doc, "version")), 1);
  assert_string_equal(json_string_value(json_object_get(doc, "root")), dir);
  json_t *sum = json_object_get(doc, "summary");
  KEYS(sum, "summary", "files", "lines", "hit", "percent", "success", "failure", "error", "pending");
  assert_int_equal(json_integer_value(json_object_get(sum, "files")), 4);
  assert_int_equal(json_integer_value(json_object_get(sum, "success")), 1);
  assert_int_equal(json_integer_value(json_object_get(sum, "error")), 1);
  assert_true(json_is_number(json_object_get(sum, "percent")));
  /* files: the same data as the lcov file */
  p = tu_fmt("%s/out.info", dir);
  char *text = tu_read(p, NULL);
  free(p);
  lcov l = parse_lcov(text);
  json_t *files = json_object_get(doc, "files");
  assert_true(json_is_array(files));
  assert_int_equal((int)json_array_size(files), l.n);
  long tl = 0, th = 0;
  for (size_t i = 0; i < json_array_size(files); i++) {
    json_t *f = json_array_get(files, i);
    KEYS(f, "files[i]", "path", "lines", "executable", "hit", "percent");
    char *abs = tu_fmt("%s/%s", dir, json_string_value(json_object_get(f, "path")));
    lrec *rec = lcov_find(&l, abs);
    if (!rec) fail_msg("%s in JSON, not in lcov", abs);
    free(abs);
    json_t *lines = json_object_get(f, "lines");
    long n = 0, h = 0;
    int last = 0;
    for (size_t k = 0; k < json_array_size(lines); k++) {
      json_t *pair = json_array_get(lines, k);
      assert_true(json_is_array(pair) && json_array_size(pair) == 2);
      int ln = (int)json_integer_value(json_array_get(pair, 0));
      long long hits = json_integer_value(json_array_get(pair, 1));
      assert_true(ln > last);
      last = ln;
      assert_true(ln < rec->exec.n && rec->exec.hits[ln]);
      assert_int_equal(hits, ln < rec->da.n ? (long long)rec->da.hits[ln] : 0);
      n++;
      h += hits != 0;
    }
    assert_int_equal(n, rec->lf);
    assert_int_equal(h, rec->lh);
    assert_int_equal(json_integer_value(json_object_get(f, "executable")), n);
    assert_int_equal(json_integer_value(json_object_get(f, "hit")), h);
    assert_true(json_is_number(json_object_get(f, "percent")));
    tl += n;
    th += h;
  }
  assert_int_equal(json_integer_value(json_object_get(sum, "lines")), tl);
  assert_int_equal(json_integer_value(json_object_get(sum, "hit")), th);
  /* specs and tests */
  json_t *specs = json_object_get(doc, "specs");
  assert_int_equal((int)json_array_size(specs), 2);
  for (size_t i = 0; i < json_array_size(specs); i++) {
    json_t *s = json_array_get(specs, i);
    KEYS(s, "specs[i]", "path", "ms", "loaded", "tests");
    assert_true(json_is_string(json_object_get(s, "path")));
    assert_true(json_is_number(json_object_get(s, "ms")));
    json_t *loaded = json_object_get(s, "loaded");
    for (size_t k = 0; k < json_array_size(loaded); k++)
      assert_true(json_is_string(json_array_get(loaded, k)));
    json_t *tests = json_object_get(s, "tests");
    assert_int_equal((int)json_array_size(tests), 1);
    json_t *t = json_array_get(tests, 0);
    KEYS(t, "tests[i]", "name", "path", "line", "status", "message", "fail_file",
         "fail_line", "ms", "output", "lines", "kind");
    const char *status = json_string_value(json_object_get(t, "status"));
    assert_non_null(status);
    assert_true(!strcmp(status, "success") || !strcmp(status, "failure") ||
                !strcmp(status, "error") || !strcmp(status, "pending"));
    assert_true(json_is_array(json_object_get(t, "path")));
    assert_true(json_is_integer(json_object_get(t, "line")));
    assert_true(json_is_integer(json_object_get(t, "fail_line")));
    assert_true(json_is_number(json_object_get(t, "ms")));
    is_str_or_null(json_object_get(t, "message"), "message");
    is_str_or_null(json_object_get(t, "fail_file"), "fail_file");
    is_str_or_null(json_object_get(t, "output"), "output");
    is_str_or_null(json_object_get(t, "kind"), "kind");
    json_t *tl2 = json_object_get(t, "lines");
    assert_true(json_is_object(tl2));
    const char *key;
    json_t *v;
    json_object_foreach(tl2, key, v) {
      assert_true(json_is_array(v));
      for (size_t k = 0; k < json_array_size(v); k++)
        assert_true(json_is_integer(json_array_get(v, k)));
    }
    const char *path = json_string_value(json_object_get(s, "path"));
    if (!strcmp(path, "spec/calc_spec.lua")) {
      assert_string_equal(status, "success");
      assert_string_equal(json_string_value(json_object_get(t, "output")), "ok\n");
      /* the test's lines: the covered lines of calc.lua */
      json_t *cl = json_object_get(tl2, "src/calc.lua");
      assert_non_null(cl);
      char *calc = tu_fmt("%s/src/calc.lua", dir);
      assert_int_equal((long)json_array_size(cl), lcov_find(&l, calc)->lh);
      free(calc);
      assert_int_equal((int)json_array_size(loaded), 3);   /* itself, calc, sub/deep */
    } else {
      assert_string_equal(path, "spec/fail_spec.lua");
      assert_string_equal(status, "error");
      assert_non_null(strstr(json_string_value(json_object_get(t, "message")), "fail_spec.lua:2: no"));
      assert_string_equal(json_string_value(json_object_get(t, "fail_file")), "spec/fail_spec.lua");
      assert_int_equal(json_integer_value(json_object_get(t, "fail_line")), 2);
    }
  }
  lcov_free(&l);
  free(text);
  json_decref(doc);
  tu_rmrf(dir);
  free(dir);
}

/* }====================================================== */

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_exit_status),
    cmocka_unit_test(test_missing_file),
    cmocka_unit_test(test_syntax_errors),
    cmocka_unit_test(test_unreadable_dir),
    cmocka_unit_test(test_lcov),
    cmocka_unit_test(test_luacov_stats),
    cmocka_unit_test(test_symlinks),
    cmocka_unit_test(test_jobs_agree),
    cmocka_unit_test(test_json_schema),
  };
  return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
