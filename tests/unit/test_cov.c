/*
** test_cov.c: the recorder's API (lc_cov) beyond hit counts: the store used
** for merging, per-test points, attaching before or after the libraries are
** opened, one recorder across several states, the root filter, and runs
** that hit the memory limit at every point (no crash, no leak under ASan).
*/
#include "lc_testutil.h"
#include "lc_cov.h"
#include "lc_run.h"

#include <lauxlib.h>
#include <lualib.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

static lc_cov_file *file_named(lc_cov *c, const char *dir, const char *name) {
  char *p = tu_fmt("%s/%s", dir, name);
  lc_cov_file *f = lc_cov_find(c, p);
  free(p);
  return f;
}

/* Runs 'src' as a chunk named 'name' in L; fails the test on an error. */
static void run_chunk(lua_State *L, const char *src, const char *name) {
  if (luaL_loadbuffer(L, src, strlen(src), name) != LUA_OK ||
      lua_pcall(L, 0, 0, 0) != LUA_OK)
    fail_msg("%s", lua_tostring(L, -1));
}

/* {====================================================== the store */

static void test_store(void **state) {
  (void)state;
  lc_cov *c = lc_cov_new();
  assert_int_equal(lc_cov_nfiles(c), 0);
  assert_null(lc_cov_find(c, "/p/a.lua"));
  lc_cov_file *a = lc_cov_get(c, "/p/a.lua");
  assert_non_null(a);
  assert_ptr_equal(lc_cov_get(c, "/p/a.lua"), a);
  assert_int_equal(a->id, 0);
  assert_int_equal(a->maxline, -1);
  /* many files: the path table rehashes, ids stay stable */
  for (int i = 0; i < 500; i++) {
    char p[32];
    snprintf(p, sizeof p, "/p/m%d.lua", i);
    lc_cov_file *f = lc_cov_get(c, p);
    assert_int_equal(f->id, i + 1);
  }
  assert_int_equal(lc_cov_nfiles(c), 501);
  assert_ptr_equal(lc_cov_find(c, "/p/a.lua"), a);
  assert_string_equal(lc_cov_file_at(c, 300)->path, "/p/m299.lua");
  assert_null(lc_cov_file_at(c, 501));
  assert_null(lc_cov_file_at(c, -1));
  /* lines grow on demand, new lines start at zero */
  assert_int_equal(lc_cov_mark_exec(a, 10), 0);
  assert_int_equal(lc_cov_add_hits(a, 10, 3), 0);
  assert_int_equal(lc_cov_add_hits(a, 10, 4), 0);
  assert_int_equal(lc_cov_add_hits(a, 5000, 1), 0);
  assert_true(a->maxline >= 5000);
  assert_int_equal(a->hits[10], 7);
  assert_int_equal(a->exec[10], 1);
  assert_int_equal(a->hits[11], 0);
  assert_int_equal(a->exec[5000], 0);
  assert_int_equal(lc_cov_mark_exec(a, -1), 0);      /* ignored */
  assert_int_equal(lc_cov_reserve(a, -5), 0);        /* below maxline: nothing to do */
  assert_int_equal(lc_cov_reserve(a, INT_MAX), -1);  /* refused, not a crash */
  assert_int_equal(lc_cov_events(c), 0);
  lc_cov_free(c);
  lc_cov_free(NULL);
}

/* lc_cov_record: counts plus one point per line per test. */
static void test_record_points(void **state) {
  (void)state;
  lc_cov *c = lc_cov_new();
  lc_cov_file *a = lc_cov_get(c, "/p/a.lua"), *b = lc_cov_get(c, "/p/b.lua");
  lc_cov_point *pts;
  assert_int_equal(lc_cov_record(c, a, 3, 1), 0);   /* outside a test */
  assert_int_equal(lc_cov_test_end(c, &pts), 0);
  assert_null(pts);
  lc_cov_test_begin(c);
  lc_cov_record(c, a, 3, 1);
  lc_cov_record(c, a, 3, 5);
  lc_cov_record(c, b, 7, 1);
  lc_cov_record(c, a, 4, 1);
  lc_cov_record(c, a, -1, 1);                        /* ignored */
  int n = lc_cov_test_end(c, &pts);
  assert_int_equal(n, 3);
  assert_int_equal(pts[0].file, a->id);
  assert_int_equal(pts[0].line, 3);
  assert_int_equal(pts[1].file, b->id);
  assert_int_equal(pts[1].line, 7);
  assert_int_equal(pts[2].line, 4);
  free(pts);
  assert_int_equal(a->hits[3], 7);
  /* a second test sees the same lines again */
  lc_cov_test_begin(c);
  lc_cov_record(c, a, 3, 1);
  lc_cov_record(c, a, 900, 1);                       /* grows the file */
  n = lc_cov_test_end(c, &pts);
  assert_int_equal(n, 2);
  assert_int_equal(pts[1].line, 900);
  free(pts);
  /* between tests nothing is noted */
  lc_cov_record(c, b, 7, 1);
  lc_cov_test_begin(c);
  assert_int_equal(lc_cov_test_end(c, &pts), 0);
  lc_cov_free(c);
}

/* }====================================================== */

/* {====================================================== hook mode */

/* A project dir with a module; returns the dir (real path). */
static char *project(void) {
  char *dir = tu_tmpdir("cov");
  assert_int_equal(tu_write(dir, "m.lua",
    "local M = {}\n"
    "function M.f(n)\n"
    "  local s = 0\n"
    "  for i = 1, n do s = s + i end\n"
    "  return s\n"
    "end\n"
    "return M\n"), 0);
  return dir;
}

static const char *use_m =
  "package.path = DIR .. '/?.lua'\n"
  "local m = require 'm'\n"
  "assert(m.f(3) == 6)\n"
  "assert(debug.gethook() == nil)\n"
  "local n = 0\n"
  "debug.sethook(function() n = n + 1 end, 'l')\n"
  "m.f(2)\n"
  "debug.sethook()\n"
  "assert(n > 0 and debug.gethook() == nil)\n"
  "m.f(1)\n";

static void set_dir(lua_State *L, const char *dir) {
  lua_pushstring(L, dir);
  lua_setglobal(L, "DIR");
}

/* Before or after luaL_openlibs, the state's debug library is patched and
   coverage survives the user's debug.sethook. */
static void attach_order(int before) {
  char *dir = project();
  lc_cov *c = lc_cov_new();
  lua_State *L = luaL_newstate();
  if (before) assert_int_equal(lc_cov_attach(c, L, dir), 0);
  luaL_openlibs(L);
  if (!before) assert_int_equal(lc_cov_attach(c, L, dir), 0);
  set_dir(L, dir);
  run_chunk(L, use_m, "=use");
  lc_cov_detach(c, L);
  lua_close(L);
  lc_cov_file *f = file_named(c, dir, "m.lua");
  assert_non_null(f);
  assert_int_equal(lc_cov_nfiles(c), 1);             /* "=use" is no file */
  assert_int_equal(f->loads, 1);
  assert_int_equal(f->hits[3], 3);                   /* m.f ran 3 times */
  assert_int_equal(f->hits[4], 6);                   /* 3 + 2 + 1 iterations */
  assert_int_equal(f->hits[7], 1);
  assert_int_equal(f->hits[2], 1);                   /* function M.f(n): defined once */
  assert_int_equal(f->exec[6], 1);
  lc_cov_free(c);
  tu_rmrf(dir);
  free(dir);
}

static void test_attach_before_libs(void **state) { (void)state; attach_order(1); }
static void test_attach_after_libs(void **state) { (void)state; attach_order(0); }

/* One recorder, several states one after the other: counts add up in one
   record per file (source pointers of a closed state are forgotten). */
static void test_states_in_turn(void **state) {
  (void)state;
  char *dir = project();
  lc_cov *c = lc_cov_new();
  for (int i = 0; i < 3; i++) {
    lua_State *L = luaL_newstate();
    luaL_openlibs(L);
    assert_int_equal(lc_cov_attach(c, L, dir), 0);
    set_dir(L, dir);
    run_chunk(L, "package.path = DIR .. '/?.lua'; require('m').f(2)", "=s");
    lc_cov_detach(c, L);
    lua_close(L);
  }
  assert_int_equal(lc_cov_nfiles(c), 1);
  lc_cov_file *f = file_named(c, dir, "m.lua");
  assert_int_equal(f->loads, 3);
  assert_int_equal(f->hits[1], 3);
  assert_int_equal(f->hits[4], 6);
  lc_cov_free(c);
  tu_rmrf(dir);
  free(dir);
}

/* Only files under the root are recorded; relative chunk names resolve
   from the root; a NULL root records every file. */
static void test_root_filter(void **state) {
  (void)state;
  char *dir = project();
  char *other = tu_tmpdir("cov-other");
  assert_int_equal(tu_write(other, "o.lua", "return 1\n"), 0);
  for (int pass = 0; pass < 2; pass++) {
    lc_cov *c = lc_cov_new();
    lua_State *L = luaL_newstate();
    luaL_openlibs(L);
    assert_int_equal(lc_cov_attach(c, L, pass == 0 ? dir : NULL), 0);
    char *src = tu_fmt("dofile('%s/o.lua'); dofile('%s/m.lua')\n"
                       "load('return 1', '@m.lua')()", other, dir);
    run_chunk(L, src, "=s");
    free(src);
    lc_cov_detach(c, L);
    lua_close(L);
    if (pass == 0) {
      assert_int_equal(lc_cov_nfiles(c), 1);
      lc_cov_file *f = file_named(c, dir, "m.lua");
      assert_non_null(f);
      assert_int_equal(f->hits[1], 2);   /* dofile + the "@m.lua" chunk */
    } else {
      assert_int_equal(lc_cov_nfiles(c), 3);      /* o.lua, m.lua, "m.lua" */
      assert_non_null(lc_cov_find(c, "m.lua"));
    }
    lc_cov_free(c);
  }
  tu_rmrf(other);
  free(other);
  tu_rmrf(dir);
  free(dir);
}

/* }====================================================== */

/* {====================================================== memory limit */

static int results;
static void on_test(void *ud, const lc_test_result *r) {
  (void)ud;
  (void)r;
  results++;
}

/* The memory limit hit at every point of a run: inside the hook, while a
   chunk is anchored, while the runtime starts... Never a crash or a leak
   (the ASan build checks), always one result, and the recorder stays
   usable. */
static void test_memory_limit(void **state) {
  (void)state;
  char *dir = project();
  assert_int_equal(tu_write(dir, "main.lua",
    "local m = require 'm'\n"
    "local t = {}\n"
    "for i = 1, 2000 do t[i] = m.f(i % 10) .. '' end\n"
    "local co = coroutine.wrap(function() for i = 1, 3 do coroutine.yield(load('return ' .. i)()) end end)\n"
    "co() co()\n"
    "debug.sethook(function() end, 'c')\n"
    "m.f(1)\n"
    "debug.sethook()\n"), 0);
  char cwd[PATH_MAX];
  assert_non_null(getcwd(cwd, sizeof cwd));
  assert_int_equal(chdir(dir), 0);
  char *main_lua = tu_fmt("%s/main.lua", dir);
  lc_cov *c = lc_cov_new();
  int ok = 0, oom = 0;
  for (size_t limit = 8 * 1024; limit < 4 * 1024 * 1024; limit += limit / 8 + 1024) {
    lc_run_opts o;
    memset(&o, 0, sizeof o);
    o.root = dir;
    o.mem_limit = limit;
    o.per_test = 1;
    o.on_test = on_test;
    lc_run_summary sum;
    results = 0;
    int rc = lc_run_file(&o, main_lua, c, &sum);
    if (rc != 0) continue;            /* no state at all: fine */
    assert_true(results >= 1);
    if (sum.success == 1) ok++;
    if (sum.oom) oom++;
  }
  assert_true(oom > 10);              /* the limit was really hit */
  assert_true(ok >= 1);               /* and large limits succeed */
  lc_cov_file *f = file_named(c, dir, "m.lua");
  assert_non_null(f);
  assert_true(f->hits[3] > 0);
  lc_cov_free(c);
  assert_int_equal(chdir(cwd), 0);
  free(main_lua);
  tu_rmrf(dir);
  free(dir);
}

/* }====================================================== */

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_store),
    cmocka_unit_test(test_record_points),
    cmocka_unit_test(test_attach_before_libs),
    cmocka_unit_test(test_attach_after_libs),
    cmocka_unit_test(test_states_in_turn),
    cmocka_unit_test(test_root_filter),
    cmocka_unit_test(test_memory_limit),
  };
  return cmocka_run_group_tests_name("cov", tests, NULL, NULL);
}
