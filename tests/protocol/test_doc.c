/*
** test_doc.c: open documents and their edits (protocol/lc_doc.c).
** edit() applies one change and compares the whole text and the line
** delta; a seeded random walk then checks the delta's promise (lines
** outside the replaced span keep their content) on thousands of edits.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lc_doc.h"

static lc_doc *doc(const char *text) {
  lc_doc *d = lc_doc_new("file:///p/a.lua", 1, text, strlen(text));
  assert_non_null(d);
  return d;
}

static lc_range R(uint32_t l1, uint32_t c1, uint32_t l2, uint32_t c2) {
  lc_range r;
  r.start.line = l1;
  r.start.character = c1;
  r.end.line = l2;
  r.end.character = c2;
  return r;
}

/* Line 'i' of 'd' as a string (static buffer). */
static const char *line(const lc_doc *d, uint32_t i) {
  static char buf[256];
  size_t n;
  const char *s = lc_doc_line(d, i, &n);
  assert_non_null(s);
  assert_true(n < sizeof buf);
  memcpy(buf, s, n);
  buf[n] = '\0';
  return buf;
}

/*
** Applies 'text' over range 'r' (or the whole document when 'full') in
** UTF-16 and requires the resulting text and the delta {first, removed,
** inserted}.
*/
static void edit_enc(lc_doc *d, int full, lc_range r, const char *text,
                     lc_pos_encoding enc, const char *want_text,
                     uint32_t first, uint32_t removed, uint32_t inserted) {
  lc_doc_change c;
  lc_doc_delta dl;
  char err[128];
  c.has_range = !full;
  c.range = r;
  c.text = text;
  c.text_len = strlen(text);
  if (lc_doc_apply(d, &c, enc, &dl, err, sizeof err) != LC_DOC_OK)
    fail_msg("apply failed: %s", err);
  assert_string_equal(lc_doc_text(d, NULL), want_text);
  if (dl.first_line != first || dl.removed != removed || dl.inserted != inserted)
    fail_msg("delta {%u, %u, %u}, want {%u, %u, %u}", dl.first_line,
             dl.removed, dl.inserted, first, removed, inserted);
}

static void edit(lc_doc *d, lc_range r, const char *text, const char *want,
                 uint32_t first, uint32_t removed, uint32_t inserted) {
  edit_enc(d, 0, r, text, LC_POS_UTF16, want, first, removed, inserted);
}

static void lines_as_lsp_splits_them(void **state) {
  lc_doc *d;
  (void)state;
  d = doc("");
  assert_int_equal(lc_doc_line_count(d), 1);
  assert_string_equal(line(d, 0), "");
  assert_null(lc_doc_line(d, 1, NULL));
  lc_doc_free(d);

  d = doc("a\nb\n");
  assert_int_equal(lc_doc_line_count(d), 3);
  assert_string_equal(line(d, 1), "b");
  assert_string_equal(line(d, 2), "");
  lc_doc_free(d);

  /* "\r\n" is one break, a lone "\r" is one too. */
  d = doc("one\r\ntwo\rthree\n\r\nfour");
  assert_int_equal(lc_doc_line_count(d), 5);
  assert_string_equal(line(d, 0), "one");
  assert_string_equal(line(d, 1), "two");
  assert_string_equal(line(d, 2), "three");
  assert_string_equal(line(d, 3), "");
  assert_string_equal(line(d, 4), "four");
  assert_string_equal(lc_doc_uri(d), "file:///p/a.lua");
  assert_int_equal(lc_doc_version(d), 1);
  lc_doc_set_version(d, 7);
  assert_int_equal(lc_doc_version(d), 7);
  lc_doc_free(d);

  d = doc("\r\r");
  assert_int_equal(lc_doc_line_count(d), 3);
  lc_doc_free(d);
}

static void typing_inside_a_line(void **state) {
  lc_doc *d = doc("local a = 1\nreturn a\n");
  (void)state;
  edit(d, R(0, 10, 0, 11), "2", "local a = 2\nreturn a\n", 0, 1, 1);
  edit(d, R(1, 8, 1, 8), "+1", "local a = 2\nreturn a+1\n", 1, 1, 1);
  edit(d, R(1, 6, 1, 10), "", "local a = 2\nreturn\n", 1, 1, 1);
  lc_doc_free(d);
}

static void enter_and_join(void **state) {
  lc_doc *d = doc("a\nb\nc");
  (void)state;
  /* Enter at the end of line 0: a new empty line 1. */
  edit(d, R(0, 1, 0, 1), "\n", "a\n\nb\nc", 1, 0, 1);
  /* Enter at the start of line 2 ("b"): a new empty line 2. */
  edit(d, R(2, 0, 2, 0), "\n", "a\n\n\nb\nc", 2, 0, 1);
  /* Backspace at the start of line 4 ("c") joins it to "b". */
  edit(d, R(3, 1, 4, 0), "", "a\n\n\nbc", 3, 2, 1);
  /* Enter in the middle of a line splits it. */
  edit(d, R(3, 1, 3, 1), "\n", "a\n\n\nb\nc", 3, 1, 2);
  lc_doc_free(d);
}

static void multi_line_insert(void **state) {
  lc_doc *d = doc("abc\nlast");
  (void)state;
  /* Into the middle of a line: it becomes three. */
  edit(d, R(0, 1, 0, 1), "X\nY\nZ", "aX\nY\nZbc\nlast", 0, 1, 3);
  /* Whole lines pasted before line 1: nothing else touched. */
  edit(d, R(1, 0, 1, 0), "p\nq\n", "aX\np\nq\nY\nZbc\nlast", 1, 0, 2);
  /* Appended at the very end. */
  edit(d, R(5, 4, 5, 4), "\nend\n", "aX\np\nq\nY\nZbc\nlast\nend\n", 6, 0, 2);
  lc_doc_free(d);
}

static void multi_line_delete(void **state) {
  lc_doc *d = doc("1\n2\n3\n4\n5\n6");
  (void)state;
  /* Whole lines 1..2. */
  edit(d, R(1, 0, 3, 0), "", "1\n4\n5\n6", 1, 2, 0);
  /* From the middle of line 0 to the middle of line 2. */
  lc_doc_free(d);
  d = doc("one\ntwo\nthree\nfour");
  edit(d, R(0, 1, 2, 2), "", "oree\nfour", 0, 3, 1);
  /* A multi-line replacement by another multi-line text. */
  edit(d, R(0, 0, 1, 4), "x\ny\nz", "x\ny\nz", 0, 2, 3);
  lc_doc_free(d);
}

static void full_replacement_reports_only_changed_lines(void **state) {
  lc_doc *d = doc("a\nb\nc\nd");
  (void)state;
  edit_enc(d, 1, R(0, 0, 0, 0), "a\nB\nc\nd", LC_POS_UTF16, "a\nB\nc\nd", 1, 1, 1);
  edit_enc(d, 1, R(0, 0, 0, 0), "a\nB\nnew\nc\nd", LC_POS_UTF16,
           "a\nB\nnew\nc\nd", 2, 0, 1);
  edit_enc(d, 1, R(0, 0, 0, 0), "a\nB\nnew\nc\nd", LC_POS_UTF16,
           "a\nB\nnew\nc\nd", 5, 0, 0);
  edit_enc(d, 1, R(0, 0, 0, 0), "", LC_POS_UTF16, "", 0, 5, 1);
  assert_int_equal(lc_doc_line_count(d), 1);
  lc_doc_free(d);
}

static void no_op_edit(void **state) {
  lc_doc *d = doc("a\nb");
  (void)state;
  /* Nothing changed: an empty span, here after the last line. */
  edit(d, R(1, 0, 1, 0), "", "a\nb", 2, 0, 0);
  edit(d, R(0, 0, 0, 1), "a", "a\nb", 1, 0, 0);
  lc_doc_free(d);
}

static void utf16_ranges_with_emoji(void **state) {
  /* "😀" is 2 UTF-16 units, 4 bytes. */
  lc_doc *d = doc("a\xF0\x9F\x98\x80" "b\nx");
  (void)state;
  edit(d, R(0, 3, 0, 4), "c", "a\xF0\x9F\x98\x80" "c\nx", 0, 1, 1);
  edit(d, R(0, 1, 0, 3), "", "ac\nx", 0, 1, 1);
  lc_doc_free(d);
  /* The same edit in UTF-8 positions: byte offsets. */
  d = doc("a\xF0\x9F\x98\x80" "b");
  edit_enc(d, 0, R(0, 5, 0, 6), "c", LC_POS_UTF8, "a\xF0\x9F\x98\x80" "c", 0, 1, 1);
  edit_enc(d, 0, R(0, 1, 0, 2), "", LC_POS_UTF32, "ac", 0, 1, 1);
  lc_doc_free(d);
}

static void positions_are_clamped(void **state) {
  lc_doc *d = doc("ab\ncd");
  (void)state;
  /* A character past the end of its line is the end of the line. */
  edit(d, R(0, 99, 0, 99), "!", "ab!\ncd", 0, 1, 1);
  /* A line past the end is the end of the document. */
  edit(d, R(9, 0, 9, 0), "\nef", "ab!\ncd\nef", 2, 0, 1);
  lc_doc_free(d);
}

static void reversed_range_is_refused(void **state) {
  lc_doc *d = doc("abc\ndef");
  lc_doc_change c = {1, {{1, 2}, {0, 1}}, "x", 1};
  lc_doc_delta dl;
  char err[64];
  (void)state;
  assert_int_equal(lc_doc_apply(d, &c, LC_POS_UTF16, &dl, err, sizeof err),
                   LC_DOC_ERANGE);
  assert_string_equal(err, "range start is after its end");
  assert_string_equal(lc_doc_text(d, NULL), "abc\ndef");
  /* NULL err and delta are fine. */
  assert_int_equal(lc_doc_apply(d, &c, LC_POS_UTF16, NULL, NULL, 0), LC_DOC_ERANGE);
  lc_doc_free(d);
}

static void cr_and_lf_merging(void **state) {
  lc_doc *d = doc("a\rb");
  (void)state;
  /* "\n" right after a lone "\r" turns it into "\r\n": still two lines. */
  edit(d, R(1, 0, 1, 0), "\n", "a\r\nb", 2, 0, 0);
  assert_int_equal(lc_doc_line_count(d), 2);
  assert_string_equal(line(d, 1), "b");
  lc_doc_free(d);
  /* A "\r" before a "\r\n" adds an empty line 1. */
  d = doc("a\r\nb");
  edit(d, R(0, 1, 0, 1), "\r", "a\r\r\nb", 1, 0, 1);
  assert_int_equal(lc_doc_line_count(d), 3);
  lc_doc_free(d);
}

static void text_with_nul_bytes(void **state) {
  lc_doc *d = lc_doc_new("u", 0, "a\0b\nc", 5);
  lc_doc_change c = {1, {{0, 1}, {0, 2}}, "\0\0", 2};
  size_t n;
  const char *t;
  (void)state;
  assert_non_null(d);
  assert_int_equal(lc_doc_apply(d, &c, LC_POS_UTF16, NULL, NULL, 0), LC_DOC_OK);
  t = lc_doc_text(d, &n);
  assert_int_equal(n, 6);
  assert_memory_equal(t, "a\0\0b\nc", 7);
  lc_doc_free(d);
}

static void offsets_and_positions(void **state) {
  lc_doc *d = doc("x\r\n\xF0\x9F\x98\x80y\n");
  lc_position p = {1, 2}, q;
  (void)state;
  assert_int_equal(lc_doc_offset(d, p, LC_POS_UTF16), 7);
  p.character = 1;   /* inside the surrogate pair: the emoji's start */
  assert_int_equal(lc_doc_offset(d, p, LC_POS_UTF16), 3);
  p.line = 2;
  p.character = 0;
  assert_int_equal(lc_doc_offset(d, p, LC_POS_UTF16), 9);
  p.line = 3;
  assert_int_equal(lc_doc_offset(d, p, LC_POS_UTF16), 9);
  q = lc_doc_position(d, 7, LC_POS_UTF16);
  assert_int_equal(q.line, 1);
  assert_int_equal(q.character, 2);
  q = lc_doc_position(d, 2, LC_POS_UTF16);   /* inside "\r\n" */
  assert_int_equal(q.line, 0);
  assert_int_equal(q.character, 1);
  q = lc_doc_position(d, 100, LC_POS_UTF16);
  assert_int_equal(q.line, 2);
  assert_int_equal(q.character, 0);
  lc_doc_free(d);
}

/*
** {======================================================
** Random edits: the delta's promise, checked against the old text
** =======================================================
*/

static uint32_t seed = 12345;
static uint32_t rnd(uint32_t n) {
  seed = seed * 1103515245u + 12345u;
  return (seed >> 16) % n;
}

/* Copies of all lines of 'd', so they survive the next edit. */
static char **snapshot(const lc_doc *d, uint32_t *n) {
  uint32_t i;
  char **v;
  *n = lc_doc_line_count(d);
  v = calloc(*n, sizeof *v);
  assert_non_null(v);
  for (i = 0; i < *n; i++) {
    size_t len;
    const char *s = lc_doc_line(d, i, &len);
    v[i] = malloc(len + 1);
    assert_non_null(v[i]);
    memcpy(v[i], s, len);
    v[i][len] = '\0';
  }
  return v;
}

static void free_snapshot(char **v, uint32_t n) {
  uint32_t i;
  for (i = 0; i < n; i++) free(v[i]);
  free(v);
}

static void random_edits_keep_untouched_lines(void **state) {
  static const char *pieces[] = {"", "x", "yz", "\n", "\r\n", "\r", "a\nb",
                                 "\n\n", "é", "\xF0\x9F\x98\x80", "q\r",
                                 "\nline\n"};
  lc_doc *d = doc("alpha\nbeta\r\ngamma\n\ndelta\repsilon");
  int iter;
  (void)state;
  for (iter = 0; iter < 5000; iter++) {
    uint32_t on, nn, i, lines = lc_doc_line_count(d);
    char **old = snapshot(d, &on);
    lc_doc_change c;
    lc_doc_delta dl;
    char text[64] = "";
    int k, full = rnd(20) == 0;
    for (k = (int)rnd(3); k >= 0; k--)
      strcat(text, pieces[rnd(sizeof pieces / sizeof *pieces)]);
    c.has_range = !full;
    c.range = R(rnd(lines + 1), rnd(8), 0, 0);
    c.range.end.line = c.range.start.line + rnd(3);
    c.range.end.character = c.range.end.line == c.range.start.line
                                ? c.range.start.character + rnd(4)
                                : rnd(8);
    c.text = text;
    c.text_len = strlen(text);
    if (full) { c.text = "fresh\ntext\n"; c.text_len = 11; }
    assert_int_equal(lc_doc_apply(d, &c, (lc_pos_encoding)rnd(3), &dl, NULL, 0),
                     LC_DOC_OK);
    nn = lc_doc_line_count(d);
    assert_int_equal(on - dl.removed + dl.inserted, nn);
    assert_true(dl.first_line + dl.removed <= on);
    for (i = 0; i < dl.first_line; i++)
      assert_string_equal(old[i], line(d, i));
    for (i = dl.first_line + dl.removed; i < on; i++)
      assert_string_equal(old[i], line(d, i - dl.removed + dl.inserted));
    free_snapshot(old, on);
    /* Keep the document small. */
    if (lc_doc_line_count(d) > 40) {
      c.has_range = 0;
      c.text = "reset\n";
      c.text_len = 6;
      assert_int_equal(lc_doc_apply(d, &c, LC_POS_UTF16, NULL, NULL, 0), LC_DOC_OK);
    }
  }
  lc_doc_free(d);
}

/* }====================================================== */

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(lines_as_lsp_splits_them),
      cmocka_unit_test(typing_inside_a_line),
      cmocka_unit_test(enter_and_join),
      cmocka_unit_test(multi_line_insert),
      cmocka_unit_test(multi_line_delete),
      cmocka_unit_test(full_replacement_reports_only_changed_lines),
      cmocka_unit_test(no_op_edit),
      cmocka_unit_test(utf16_ranges_with_emoji),
      cmocka_unit_test(positions_are_clamped),
      cmocka_unit_test(reversed_range_is_refused),
      cmocka_unit_test(cr_and_lf_merging),
      cmocka_unit_test(text_with_nul_bytes),
      cmocka_unit_test(offsets_and_positions),
      cmocka_unit_test(random_edits_keep_untouched_lines),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
