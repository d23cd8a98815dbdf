/*
** test_frame.c: the LSP frame reader and writer (protocol/lc_frame.c).
** Most cases go through check(), which feeds one byte stream whole, split
** in two at every byte boundary, and one byte at a time, and requires the
** same list of events every time: the reader must not care how reads fall.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lc_frame.h"

/* Growable text of events: "M:<body>" or "E:<reason>", joined by '|'. */
typedef struct events {
  char *s;
  size_t len, cap;
} events;

static void ev_add(events *e, const char *kind, const char *s, size_t n) {
  size_t need = e->len + strlen(kind) + n + 2;
  if (need > e->cap) {
    e->cap = need * 2;
    e->s = realloc(e->s, e->cap);
    assert_non_null(e->s);
  }
  if (e->len > 0) e->s[e->len++] = '|';
  memcpy(e->s + e->len, kind, strlen(kind));
  e->len += strlen(kind);
  memcpy(e->s + e->len, s, n);
  e->len += n;
  e->s[e->len] = '\0';
}

/* Takes every event the reader has, recording it in 'e'. */
static void drain(lc_frame_reader *r, events *e) {
  for (;;) {
    char *body = NULL, err[LC_FRAME_ERR_LEN];
    size_t len = 0;
    int rc = lc_frame_next(r, &body, &len, err, sizeof err);
    if (rc == LC_FRAME_NONE) return;
    if (rc == LC_FRAME_MSG) {
      assert_non_null(body);
      assert_int_equal(body[len], '\0');
      ev_add(e, "M:", body, len);
      free(body);
    } else {
      assert_int_equal(rc, LC_FRAME_ERROR);
      ev_add(e, "E:", err, strlen(err));
    }
  }
}

/* Feeds 'in' in chunks of 'step' bytes (0: whole), then returns events. */
static char *run(const char *in, size_t n, size_t max_body, size_t step,
                 size_t *left) {
  lc_frame_reader *r = lc_frame_reader_new(max_body);
  events e = {0};
  size_t i;
  assert_non_null(r);
  if (step == 0) step = n ? n : 1;
  for (i = 0; i < n; i += step) {
    size_t k = n - i < step ? n - i : step;
    assert_int_equal(lc_frame_feed(r, in + i, k), 0);
    drain(r, &e);
  }
  if (left != NULL) *left = lc_frame_buffered(r);
  lc_frame_reader_free(r);
  if (e.s == NULL) e.s = strdup("");
  assert_non_null(e.s);
  return e.s;
}

/* Events for 'in' read whole, split at every boundary, and bytewise. */
static void check_n(const char *in, size_t n, size_t max_body,
                    const char *expected) {
  char *whole = run(in, n, max_body, 0, NULL);
  char *bytes = run(in, n, max_body, 1, NULL);
  size_t cut;
  assert_string_equal(whole, expected);
  assert_string_equal(bytes, expected);
  for (cut = 0; cut <= n; cut++) {
    lc_frame_reader *r = lc_frame_reader_new(max_body);
    events e = {0};
    assert_int_equal(lc_frame_feed(r, in, cut), 0);
    drain(r, &e);
    assert_int_equal(lc_frame_feed(r, in + cut, n - cut), 0);
    drain(r, &e);
    if (e.s == NULL) e.s = strdup("");
    assert_non_null(e.s);
    if (strcmp(e.s, expected) != 0)
      fail_msg("split at %zu: got \"%s\", want \"%s\"", cut, e.s, expected);
    free(e.s);
    lc_frame_reader_free(r);
  }
  free(whole);
  free(bytes);
}

static void check(const char *in, const char *expected) {
  check_n(in, strlen(in), 0, expected);
}

#define MSG(body) "Content-Length: " #body "\r\n\r\n"

static void single_message(void **state) {
  (void)state;
  check("Content-Length: 2\r\n\r\n{}", "M:{}");
  check("Content-Length: 17\r\n\r\n{\"jsonrpc\":\"2.0\"}", "M:{\"jsonrpc\":\"2.0\"}");
}

static void several_messages_in_one_feed(void **state) {
  (void)state;
  check("Content-Length: 1\r\n\r\nA"
        "Content-Length: 2\r\n\r\nBB"
        "Content-Length: 3\r\n\r\nCCC",
        "M:A|M:BB|M:CCC");
}

static void header_variants(void **state) {
  (void)state;
  /* Content-Type accepted and ignored, in either order. */
  check("Content-Length: 2\r\nContent-Type: application/vscode-jsonrpc; "
        "charset=utf-8\r\n\r\n{}", "M:{}");
  check("Content-Type: x\r\nContent-Length: 2\r\n\r\n{}", "M:{}");
  /* Bare "\n" line ends, header names in any case, spaces around values. */
  check("content-length:2\n\n{}", "M:{}");
  check("CONTENT-LENGTH: \t 2 \t\r\n\r\n{}", "M:{}");
  /* Unknown headers are ignored. */
  check("X-Trace: 1\r\nContent-Length: 2\r\n\r\n{}", "M:{}");
  /* Blank lines between messages are tolerated. */
  check("\r\n\nContent-Length: 1\r\n\r\nA\r\nContent-Length: 1\r\n\r\nB",
        "M:A|M:B");
  /* An empty body is a message (lc_rpc then calls it a parse error). */
  check("Content-Length: 0\r\n\r\nContent-Length: 1\r\n\r\nx", "M:|M:x");
  /* Leading zeros are just digits. */
  check("Content-Length: 0002\r\n\r\nok", "M:ok");
}

static void body_with_nul_bytes(void **state) {
  static const char in[] = "Content-Length: 3\r\n\r\na\0b";
  lc_frame_reader *r = lc_frame_reader_new(0);
  char *body;
  size_t len;
  (void)state;
  assert_int_equal(lc_frame_feed(r, in, sizeof in - 1), 0);
  assert_int_equal(lc_frame_next(r, &body, &len, NULL, 0), LC_FRAME_MSG);
  assert_int_equal(len, 3);
  assert_memory_equal(body, "a\0b", 4);
  free(body);
  lc_frame_reader_free(r);
}

static void bad_lengths_then_valid_message(void **state) {
  (void)state;
  check("Content-Length: abc\r\n\r\n{}" MSG(2) "{}",
        "E:invalid Content-Length value \"abc\"|M:{}");
  check("Content-Length: -5\r\n\r\n{}" MSG(2) "{}",
        "E:invalid Content-Length value \"-5\"|M:{}");
  check("Content-Length: +5\r\n\r\n{}" MSG(2) "{}",
        "E:invalid Content-Length value \"+5\"|M:{}");
  check("Content-Length: 1 2\r\n\r\n{}" MSG(2) "{}",
        "E:invalid Content-Length value \"1 2\"|M:{}");
  check("Content-Length:\r\n\r\n{}" MSG(2) "{}",
        "E:empty Content-Length value|M:{}");
  check("Content-Length: 99999999999999999999999999\r\n\r\n{}" MSG(2) "{}",
        "E:refusing to read message: Content-Length 99999999999999999999999999"
        " exceeds the limit of 67108864 bytes|M:{}");
}

static void duplicate_length_then_valid_message(void **state) {
  (void)state;
  check("Content-Length: 2\r\nContent-Length: 2\r\n\r\n{}" MSG(2) "[]",
        "E:duplicate Content-Length header|M:[]");
  check("Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}" MSG(2) "[]",
        "E:duplicate Content-Length header|M:[]");
}

static void missing_length_then_valid_message(void **state) {
  (void)state;
  check("Content-Type: application/json\r\n\r\n{\"a\":1}" MSG(2) "{}",
        "E:missing Content-Length header|M:{}");
}

static void garbage_then_valid_message(void **state) {
  (void)state;
  check("hello world\r\n" MSG(2) "{}",
        "E:malformed header line \"hello world\"|M:{}");
  check(": no name\r\n" MSG(2) "{}",
        "E:malformed header line \": no name\"|M:{}");
  /* The next header found on the garbage line itself. */
  check("{\"half\":\"a body\"}" MSG(2) "{}",
        "E:malformed header line \"{\"half\":\"a body\"}Content-Length: 2\"|M:{}");
  /* Binary garbage is shown with '?' for unprintable bytes. */
  check("\x01\x02\r\n" MSG(1) "x", "E:malformed header line \"??\"|M:x");
}

static void too_large_length_refused(void **state) {
  (void)state;
  check_n(MSG(11) "hello world" MSG(5) "hello",
          strlen(MSG(11) "hello world" MSG(5) "hello"), 10,
          "E:refusing to read message: Content-Length 11 exceeds the limit "
          "of 10 bytes|M:hello");
  check_n(MSG(10) "0123456789", strlen(MSG(10) "0123456789"), 10,
          "M:0123456789");
  /* The default limit is 64 MiB; clangd's too_large.test uses 2 GiB. */
  check("Content-Length: 2147483648\r\n\r\n" MSG(2) "{}",
        "E:refusing to read message: Content-Length 2147483648 exceeds the "
        "limit of 67108864 bytes|M:{}");
  check("Content-Length: 67108865\r\n\r\n" MSG(2) "{}",
        "E:refusing to read message: Content-Length 67108865 exceeds the "
        "limit of 67108864 bytes|M:{}");
}

static void default_limit_accepts_64_mib_header(void **state) {
  static const char in[] = "Content-Length: 67108864\r\n\r\n";
  size_t left;
  char *ev;
  (void)state;
  /* Accepted: the reader waits for the body rather than refusing. */
  ev = run(in, sizeof in - 1, 0, 0, &left);
  assert_string_equal(ev, "");
  assert_int_equal(left, 0);
  free(ev);
}

static void header_too_long_then_valid_message(void **state) {
  size_t n = LC_FRAME_MAX_HEADER + 100, pre;
  char *in = malloc(n + 64), *ev;
  (void)state;
  assert_non_null(in);
  memset(in, 'x', n);
  pre = n;
  pre += (size_t)sprintf(in + pre, "\r\n" MSG(2) "{}");
  ev = run(in, pre, 0, 0, NULL);
  assert_string_equal(ev, "E:header block longer than 8192 bytes|M:{}");
  free(ev);
  /* Bytewise, the limit trips before the line ends, with the same result. */
  ev = run(in, pre, 0, 1, NULL);
  assert_string_equal(ev, "E:header block longer than 8192 bytes|M:{}");
  free(ev);
  free(in);
}

static void many_short_headers_hit_the_limit(void **state) {
  char *in = malloc(LC_FRAME_MAX_HEADER * 2), *ev;
  size_t n = 0;
  (void)state;
  assert_non_null(in);
  while (n < LC_FRAME_MAX_HEADER + 10) n += (size_t)sprintf(in + n, "X-A: b\r\n");
  n += (size_t)sprintf(in + n, "\r\n" MSG(2) "{}");
  ev = run(in, n, 0, 0, NULL);
  assert_string_equal(ev, "E:header block longer than 8192 bytes|M:{}");
  free(ev);
  free(in);
}

static void error_is_reported_once_per_bad_message(void **state) {
  (void)state;
  /* Everything up to the next Content-Length is skipped silently. */
  check("junk\r\nmore junk\r\neven: more\r\n\r\n{}{}" MSG(1) "a",
        "E:malformed header line \"junk\"|M:a");
}

static void truncated_message_stays_buffered(void **state) {
  static const char in[] = "Content-Length: 10\r\n\r\n01234";
  size_t left;
  char *ev;
  (void)state;
  ev = run(in, sizeof in - 1, 0, 0, &left);
  assert_string_equal(ev, "");
  assert_int_equal(left, 5);
  free(ev);
}

static void five_mib_message(void **state) {
  size_t blen = (size_t)5 << 20, hlen, i;
  char *in = malloc(blen + 64), *body;
  size_t len;
  lc_frame_reader *r;
  (void)state;
  assert_non_null(in);
  hlen = (size_t)sprintf(in, "Content-Length: %zu\r\n\r\n", blen);
  for (i = 0; i < blen; i++) in[hlen + i] = (char)('a' + i % 26);

  /* In libuv-sized reads, with a second message right behind. */
  r = lc_frame_reader_new(0);
  for (i = 0; i < hlen + blen; i += 65536) {
    size_t k = hlen + blen - i < 65536 ? hlen + blen - i : 65536;
    assert_int_equal(lc_frame_feed(r, in + i, k), 0);
    if (i + k < hlen + blen)
      assert_int_equal(lc_frame_next(r, &body, &len, NULL, 0), LC_FRAME_NONE);
  }
  assert_int_equal(lc_frame_feed(r, MSG(2) "{}", strlen(MSG(2) "{}")), 0);
  assert_int_equal(lc_frame_next(r, &body, &len, NULL, 0), LC_FRAME_MSG);
  assert_int_equal(len, blen);
  assert_memory_equal(body, in + hlen, blen);
  free(body);
  assert_int_equal(lc_frame_next(r, &body, &len, NULL, 0), LC_FRAME_MSG);
  assert_int_equal(len, 2);
  free(body);
  assert_int_equal(lc_frame_next(r, &body, &len, NULL, 0), LC_FRAME_NONE);
  assert_int_equal(lc_frame_buffered(r), 0);
  lc_frame_reader_free(r);

  /* In one read. */
  r = lc_frame_reader_new(0);
  assert_int_equal(lc_frame_feed(r, in, hlen + blen), 0);
  assert_int_equal(lc_frame_next(r, &body, &len, NULL, 0), LC_FRAME_MSG);
  assert_int_equal(len, blen);
  assert_memory_equal(body, in + hlen, blen);
  free(body);
  lc_frame_reader_free(r);
  free(in);
}

static void resync_token_split_between_reads(void **state) {
  lc_frame_reader *r = lc_frame_reader_new(0);
  events e = {0};
  const char *parts[] = {"bad\r\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxContent-Le",
                         "ngth: 2\r\n\r", "\n{}"};
  size_t i;
  (void)state;
  for (i = 0; i < 3; i++) {
    assert_int_equal(lc_frame_feed(r, parts[i], strlen(parts[i])), 0);
    drain(r, &e);
  }
  assert_string_equal(e.s, "E:malformed header line \"bad\"|M:{}");
  /* Skipped garbage is dropped, not kept in memory. */
  assert_int_equal(lc_frame_buffered(r), 0);
  free(e.s);
  lc_frame_reader_free(r);
}

static void skipped_garbage_is_not_buffered(void **state) {
  lc_frame_reader *r = lc_frame_reader_new(0);
  char junk[4096];
  events e = {0};
  int i;
  (void)state;
  memset(junk, 'z', sizeof junk);
  assert_int_equal(lc_frame_feed(r, "?\r\n", 3), 0);
  drain(r, &e);
  for (i = 0; i < 1000; i++) {
    assert_int_equal(lc_frame_feed(r, junk, sizeof junk), 0);
    drain(r, &e);
    assert_true(lc_frame_buffered(r) < 16);
  }
  assert_string_equal(e.s, "E:malformed header line \"?\"");
  free(e.s);
  lc_frame_reader_free(r);
}

static void null_err_buffer_is_allowed(void **state) {
  lc_frame_reader *r = lc_frame_reader_new(0);
  char *body;
  size_t len;
  (void)state;
  assert_int_equal(lc_frame_feed(r, "nope\r\n" MSG(1) "a", 6 + 22), 0);
  assert_int_equal(lc_frame_next(r, &body, &len, NULL, 0), LC_FRAME_ERROR);
  assert_int_equal(lc_frame_next(r, &body, NULL, NULL, 0), LC_FRAME_MSG);
  assert_string_equal(body, "a");
  free(body);
  lc_frame_reader_free(r);
}

static void encode_exact_bytes(void **state) {
  size_t n;
  char *out = lc_frame_encode("{\"a\":1}", 7, &n);
  lc_frame_reader *r = lc_frame_reader_new(0);
  char *body;
  size_t len;
  (void)state;
  assert_string_equal(out, "Content-Length: 7\r\n\r\n{\"a\":1}");
  assert_int_equal(n, strlen(out));
  /* What we write, we read. */
  assert_int_equal(lc_frame_feed(r, out, n), 0);
  assert_int_equal(lc_frame_next(r, &body, &len, NULL, 0), LC_FRAME_MSG);
  assert_string_equal(body, "{\"a\":1}");
  free(body);
  free(out);
  out = lc_frame_encode("", 0, NULL);
  assert_string_equal(out, "Content-Length: 0\r\n\r\n");
  free(out);
  lc_frame_reader_free(r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(single_message),
      cmocka_unit_test(several_messages_in_one_feed),
      cmocka_unit_test(header_variants),
      cmocka_unit_test(body_with_nul_bytes),
      cmocka_unit_test(bad_lengths_then_valid_message),
      cmocka_unit_test(duplicate_length_then_valid_message),
      cmocka_unit_test(missing_length_then_valid_message),
      cmocka_unit_test(garbage_then_valid_message),
      cmocka_unit_test(too_large_length_refused),
      cmocka_unit_test(default_limit_accepts_64_mib_header),
      cmocka_unit_test(header_too_long_then_valid_message),
      cmocka_unit_test(many_short_headers_hit_the_limit),
      cmocka_unit_test(error_is_reported_once_per_bad_message),
      cmocka_unit_test(truncated_message_stays_buffered),
      cmocka_unit_test(five_mib_message),
      cmocka_unit_test(resync_token_split_between_reads),
      cmocka_unit_test(skipped_garbage_is_not_buffered),
      cmocka_unit_test(null_err_buffer_is_allowed),
      cmocka_unit_test(encode_exact_bytes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
