/*
** test_lines.c: executable lines (lc_lines, lc_chunk) against Lua itself.
** For every file of corpus/, oracle_lines.lua runs the file under plain
** lua5.4 with a call hook and prints the union of activelines of every
** function reached; lc_lines_of_file must give exactly that set, and the
** hand-checked list in 'cases' pins it. Adding a case is one line in
** 'cases' plus the file.
*/
#include "lc_testutil.h"
#include "lc_chunk.h"
#include "lc_lines.h"

#include <dirent.h>
#include <lauxlib.h>
#include <lualib.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define CORPUS LC_UNIT_DIR "/corpus"

typedef struct lcase { const char *file; const char *expected; } lcase;

/* Expected executable lines of each corpus file (checked against the
   oracle as well, so a wrong entry here fails loudly). */
static const lcase cases[] = {
  { "big_function.lua", "4-42 172-174" },
  { "calls_statements.lua", "1-5 7 9-11 13-14 16-17" },
  { "comments_only.lua", "1" },
  { "const_close.lua", "5-8 11 13 15-16 19-21" },
  { "coroutine_funcs.lua", "2-4 6-7 9-12 14-16" },
  { "empty_file.lua", "1" },
  { "empty_functions.lua", "1 3 6-9 11 13" },
  { "goto_labels.lua", "2 4-8 10-11 13-16 22-23 25" },
  { "if_chains.lua", "2-8 10 12 15-16 19-21 24-25 27-29" },
  { "integer_float_ops.lua", "1-7" },
  { "local_function.lua", "2-4 6 10-11 13-14" },
  { "long_strings.lua", "7 12 20-21 23" },
  { "loops.lua", "2-4 6-7 10-13 15-19 22 24-28 31-33 36-40 42" },
  { "methods.lua", "1-2 4-6 8-10 12 14-18" },
  { "multiline_expr.lua", "4 6-7 9-11 13 15-17 19 21 24-25 27-29" },
  { "nested_closures.lua", "2 4 6-9 11-13 16-22" },
  { "one_line.lua", "1-5" },
  { "return_forms.lua", "1-3 5-6 8-9 11-13" },
  { "return_only.lua", "1" },
  { "return_value.lua", "2-5" },
  { "semicolons_do.lua", "4 6 9-10" },
  { "shebang.lua", "2-3" },
  { "strings_escapes.lua", "3-4 6-9" },
  { "table_constructors.lua", "2-6 8-11 13-14 16-19 21-22 24-32" },
  { "varargs.lua", "3-4 8-10 12 15 17-21" },
};
#define NCASES ((int)(sizeof cases / sizeof cases[0]))

static int mark(void *ud, int line) {
  tu_lines_set(ud, line, 1);
  return 0;
}

/* Lua's answer: "lines ..." and "protos ..." from oracle_lines.lua. */
static void oracle(const char *path, char **lines, char **protos) {
  char *cmd = tu_fmt("'%s' '%s/oracle_lines.lua' '%s'", LUA54, LC_UNIT_DIR, path);
  int st;
  char *out = tu_capture(cmd, &st);
  free(cmd);
  if (st != 0) fail_msg("oracle failed on %s:\n%s", path, out);
  char *l = strstr(out, "lines ");
  char *p = strstr(out, "\nprotos ");
  if (!l || !p) fail_msg("oracle output malformed: %s", out);
  *p = '\0';
  p += 8;
  p[strcspn(p, "\n")] = '\0';
  tu_lines parsed = { 0 };
  if (tu_lines_parse(&parsed, l + 6) != 0) fail_msg("bad oracle lines: %s", l);
  *lines = tu_lines_str(&parsed);
  *protos = strdup(p);
  tu_lines_free(&parsed);
  free(out);
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

typedef struct dbuf { unsigned char *p; size_t n; } dbuf;

static int dwriter(lua_State *L, const void *p, size_t sz, void *ud) {
  (void)L;
  dbuf *b = ud;
  unsigned char *np = realloc(b->p, b->n + sz);
  if (!np) return 1;
  memcpy(np + b->n, p, sz);
  b->p = np;
  b->n += sz;
  return 0;
}

/* The binary dump of 'path' compiled by this process's Lua. */
static dbuf dump_file(const char *path, int strip) {
  dbuf b = { NULL, 0 };
  lua_State *L = luaL_newstate();
  assert_non_null(L);
  if (luaL_loadfile(L, path) != LUA_OK) fail_msg("%s", lua_tostring(L, -1));
  assert_int_equal(lua_dump(L, dwriter, &b, strip), 0);
  lua_close(L);
  return b;
}

/* "linedefined-lastlinedefined" of every prototype, sorted, unique. */
static char *chunk_protos(const char *path) {
  dbuf b = dump_file(path, 0);
  lc_chunk c;
  assert_int_equal(lc_chunk_parse(b.p, b.n, &c), LC_CHUNK_OK);
  free(b.p);
  char **v = calloc((size_t)c.nprotos, sizeof *v);
  for (int i = 0; i < c.nprotos; i++)
    v[i] = tu_fmt("%d-%d", c.protos[i].linedefined, c.protos[i].lastlinedefined);
  qsort(v, (size_t)c.nprotos, sizeof *v, cmp_str);
  size_t cap = 16;
  char *out = calloc(1, cap);
  for (int i = 0; i < c.nprotos; i++) {
    if (i > 0 && strcmp(v[i], v[i - 1]) == 0) continue;
    size_t need = strlen(out) + strlen(v[i]) + 2;
    if (need > cap) { cap = need * 2; out = realloc(out, cap); }
    if (*out) strcat(out, " ");
    strcat(out, v[i]);
  }
  for (int i = 0; i < c.nprotos; i++) free(v[i]);
  free(v);
  lc_chunk_free(&c);
  return out;
}

/* The check: livecov's lines == Lua's lines == 'expected'. */
static void check(const char *file, const char *expected) {
  char *path = tu_fmt("%s/%s", CORPUS, file);
  tu_lines got = { 0 };
  char err[512];
  if (lc_lines_of_file(path, mark, &got, err, sizeof err) != 0)
    fail_msg("lc_lines_of_file: %s", err);
  char *mine = tu_lines_str(&got);
  char *lua_lines, *lua_protos;
  oracle(path, &lua_lines, &lua_protos);
  char *protos = chunk_protos(path);
  if (strcmp(protos, lua_protos) != 0)
    fail_msg("%s: the corpus must call every function: prototypes [%s], "
             "reached [%s]", file, protos, lua_protos);
  if (strcmp(mine, lua_lines) != 0)
    fail_msg("%s: livecov [%s] != Lua [%s]", file, mine, lua_lines);
  if (expected && strcmp(mine, expected) != 0)
    fail_msg("%s: lines [%s], case says [%s]", file, mine, expected);
  free(protos);
  free(lua_lines);
  free(lua_protos);
  free(mine);
  tu_lines_free(&got);
  free(path);
}

static void test_case(void **state) {
  const lcase *c = *state;
  check(c->file, c->expected);
}

/* Every corpus file has its line in 'cases'. */
static void test_corpus_listed(void **state) {
  (void)state;
  DIR *d = opendir(CORPUS);
  assert_non_null(d);
  struct dirent *e;
  int n = 0;
  while ((e = readdir(d)) != NULL) {
    size_t len = strlen(e->d_name);
    if (len < 4 || strcmp(e->d_name + len - 4, ".lua") != 0) continue;
    n++;
    int found = 0;
    for (int i = 0; i < NCASES; i++) found |= !strcmp(cases[i].file, e->d_name);
    if (!found) fail_msg("corpus/%s has no entry in 'cases'", e->d_name);
  }
  closedir(d);
  assert_int_equal(n, NCASES);
}

/* {====================================================== lc_chunk */

/* A stripped dump has prototypes but no lines; lc_lines reports none. */
static void test_stripped(void **state) {
  (void)state;
  dbuf b = dump_file(CORPUS "/nested_closures.lua", 1);
  lc_chunk c;
  assert_int_equal(lc_chunk_parse(b.p, b.n, &c), LC_CHUNK_OK);
  assert_int_equal(c.nprotos, 8);
  for (int i = 0; i < c.nprotos; i++) assert_int_equal(c.protos[i].nlines, 0);
  assert_null(c.source);
  lc_chunk_free(&c);
  free(b.p);
}

/* Every proper prefix of a dump is refused, never read past its end. */
static void test_truncated(void **state) {
  (void)state;
  dbuf b = dump_file(CORPUS "/big_function.lua", 0);
  for (size_t n = 0; n < b.n; n++) {
    unsigned char *copy = malloc(n ? n : 1);   /* exact size: ASan sees overreads */
    memcpy(copy, b.p, n);
    lc_chunk c;
    int rc = lc_chunk_parse(copy, n, &c);
    if (rc == LC_CHUNK_OK) fail_msg("prefix of %zu/%zu bytes accepted", n, b.n);
    free(copy);
  }
  free(b.p);
}

/* Corrupted bytes give an error or a result, never a crash (ASan build). */
static void test_corrupted(void **state) {
  (void)state;
  dbuf b = dump_file(CORPUS "/loops.lua", 0);
  unsigned seed = 12345;
  for (int round = 0; round < 3000; round++) {
    unsigned char *copy = malloc(b.n);
    memcpy(copy, b.p, b.n);
    for (int k = 0; k < 4; k++) {
      seed = seed * 1103515245u + 12345u;
      size_t at = 33 + (seed >> 8) % (b.n - 33);    /* past the header */
      seed = seed * 1103515245u + 12345u;
      copy[at] = (unsigned char)(seed >> 16);
    }
    lc_chunk c;
    if (lc_chunk_parse(copy, b.n, &c) == LC_CHUNK_OK) lc_chunk_free(&c);
    free(copy);
  }
  free(b.p);
}

static void test_bad_header(void **state) {
  (void)state;
  dbuf b = dump_file(CORPUS "/one_line.lua", 0);
  lc_chunk c;
  assert_int_equal(lc_chunk_header_ok(b.p, b.n), 1);
  b.p[4] = 0x53;                                  /* Lua 5.3 */
  assert_int_equal(lc_chunk_parse(b.p, b.n, &c), LC_CHUNK_EHEADER);
  assert_int_equal(lc_chunk_parse("-- text", 7, &c), LC_CHUNK_EHEADER);
  assert_int_equal(lc_chunk_parse(b.p, 0, &c), LC_CHUNK_EHEADER);
  free(b.p);
}

/* lc_lines_of_file: one clear message for files that cannot be used. */
static void test_file_errors(void **state) {
  (void)state;
  tu_lines got = { 0 };
  char err[512];
  assert_int_equal(lc_lines_of_file("/nonexistent/x.lua", mark, &got, err, sizeof err), -1);
  assert_non_null(strstr(err, "cannot open"));
  char *dir = tu_tmpdir("lines");
  assert_int_equal(tu_write(dir, "bad.lua", "local x = \nreturn = 1\n"), 0);
  char *bad = tu_fmt("%s/bad.lua", dir);
  assert_int_equal(lc_lines_of_file(bad, mark, &got, err, sizeof err), -1);
  assert_non_null(strstr(err, "bad.lua:2:"));
  assert_null(strchr(err, '\n'));
  /* A binary chunk on disk is refused ("t" mode): its lines are not the
     text's. */
  dbuf b = dump_file(CORPUS "/one_line.lua", 0);
  char *bin = tu_fmt("%s/bin.lua", dir);
  FILE *f = fopen(bin, "wb");
  fwrite(b.p, 1, b.n, f);
  fclose(f);
  assert_int_equal(lc_lines_of_file(bin, mark, &got, err, sizeof err), -1);
  free(b.p);
  free(bin);
  free(bad);
  tu_rmrf(dir);
  free(dir);
  tu_lines_free(&got);
}

/* lc_lines_of_function on a function defined from a string, against
   activelines computed in the same state. */
static void test_function_in_state(void **state) {
  (void)state;
  lua_State *L = luaL_newstate();
  luaL_openlibs(L);
  const char *src =
    "local function f(...)\n"
    "  local a = ...\n"
    "  return function() return a end\n"
    "end\n"
    "return f\n";
  assert_int_equal(luaL_loadbuffer(L, src, strlen(src), "=inline"), LUA_OK);
  assert_int_equal(lua_pcall(L, 0, 1, 0), LUA_OK);     /* f */
  tu_lines got = { 0 };
  assert_int_equal(lc_lines_of_function(L, -1, mark, &got), 0);
  char *s = tu_lines_str(&got);
  assert_string_equal(s, "2-4");                       /* not line 1: VARARGPREP */
  free(s);
  lua_pushinteger(L, 1);
  assert_int_equal(lc_lines_of_function(L, -1, mark, &got), LC_CHUNK_EHEADER);
  lua_pushcfunction(L, luaopen_base);
  assert_int_equal(lc_lines_of_function(L, -1, mark, &got), LC_CHUNK_EHEADER);
  tu_lines_free(&got);
  lua_close(L);
}

/* }====================================================== */

int main(void) {
  struct CMUnitTest *t = calloc((size_t)NCASES + 8, sizeof *t);
  int n = 0;
  for (int i = 0; i < NCASES; i++) {
    t[n].name = cases[i].file;
    t[n].test_func = test_case;
    t[n].initial_state = (void *)&cases[i];
    n++;
  }
#define ADD(fn) (t[n].name = #fn, t[n].test_func = fn, n++)
  ADD(test_corpus_listed);
  ADD(test_stripped);
  ADD(test_truncated);
  ADD(test_corrupted);
  ADD(test_bad_header);
  ADD(test_file_errors);
  ADD(test_function_in_state);
  int rc = _cmocka_run_group_tests("lines", t, (size_t)n, NULL, NULL);
  free(t);
  return rc;
}
