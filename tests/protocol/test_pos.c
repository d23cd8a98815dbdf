/*
** test_pos.c: position encodings (protocol/lc_pos.c): choosing one,
** converting character offsets to bytes and back for ASCII, BMP and
** astral text, and walking invalid UTF-8 without crashing.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "lc_pos.h"

#define U8 LC_POS_UTF8
#define U16 LC_POS_UTF16
#define U32 LC_POS_UTF32

static size_t to_byte(const char *s, uint32_t ch, lc_pos_encoding e) {
  return lc_pos_to_byte(s, strlen(s), ch, e);
}

static uint32_t from_byte(const char *s, size_t b, lc_pos_encoding e) {
  return lc_pos_from_byte(s, strlen(s), b, e);
}

static lc_pos_encoding pick(const char *json) {
  json_t *j = json_loads(json, JSON_DECODE_ANY, NULL);
  lc_pos_encoding e;
  assert_non_null(j);
  e = lc_pos_pick(j);
  json_decref(j);
  return e;
}

static void picks_encoding(void **state) {
  (void)state;
  assert_int_equal(pick("[\"utf-16\", \"utf-8\"]"), U8);
  assert_int_equal(pick("[\"utf-8\"]"), U8);
  assert_int_equal(pick("[\"utf-32\", \"utf-16\"]"), U16);
  assert_int_equal(pick("[\"utf-32\"]"), U16);
  assert_int_equal(pick("[]"), U16);
  assert_int_equal(pick("[1, null, \"UTF-8\"]"), U16);
  assert_int_equal(pick("\"utf-8\""), U16);
  assert_int_equal(lc_pos_pick(NULL), U16);
  assert_int_equal(lc_pos_pick_bits(LC_POS_BIT(U8) | LC_POS_BIT(U16)), U8);
  assert_int_equal(lc_pos_pick_bits(LC_POS_BIT(U32)), U16);
  assert_string_equal(lc_pos_encoding_name(U8), "utf-8");
  assert_string_equal(lc_pos_encoding_name(U16), "utf-16");
  assert_string_equal(lc_pos_encoding_name(U32), "utf-32");
}

static void ascii_is_identity(void **state) {
  const char *s = "local x = 1";
  uint32_t i;
  (void)state;
  for (i = 0; i <= strlen(s); i++) {
    assert_int_equal(to_byte(s, i, U16), i);
    assert_int_equal(to_byte(s, i, U8), i);
    assert_int_equal(to_byte(s, i, U32), i);
    assert_int_equal(from_byte(s, i, U16), i);
  }
  /* Past the end means the end of the line. */
  assert_int_equal(to_byte(s, 999, U16), strlen(s));
  assert_int_equal(to_byte(s, 999, U8), strlen(s));
  assert_int_equal(from_byte(s, 999, U16), strlen(s));
  assert_int_equal(to_byte("", 3, U16), 0);
}

static void emoji_takes_a_surrogate_pair(void **state) {
  /* a = byte 0; U+1F600 = bytes 1..4, UTF-16 units 1..2; b = byte 5. */
  const char *s = "a\xF0\x9F\x98\x80" "b";
  (void)state;
  assert_int_equal(to_byte(s, 0, U16), 0);
  assert_int_equal(to_byte(s, 1, U16), 1);
  assert_int_equal(to_byte(s, 2, U16), 1);   /* between the halves: rounds down */
  assert_int_equal(to_byte(s, 3, U16), 5);
  assert_int_equal(to_byte(s, 4, U16), 6);
  assert_int_equal(from_byte(s, 1, U16), 1);
  assert_int_equal(from_byte(s, 3, U16), 1);  /* inside the emoji */
  assert_int_equal(from_byte(s, 5, U16), 3);
  assert_int_equal(from_byte(s, 6, U16), 4);
  assert_int_equal(lc_pos_units(s, strlen(s), U16), 4);
  /* UTF-32 counts code points, UTF-8 counts bytes. */
  assert_int_equal(to_byte(s, 2, U32), 5);
  assert_int_equal(from_byte(s, 5, U32), 2);
  assert_int_equal(lc_pos_units(s, strlen(s), U32), 3);
  assert_int_equal(to_byte(s, 5, U8), 5);
  assert_int_equal(from_byte(s, 5, U8), 5);
  assert_int_equal(lc_pos_units(s, strlen(s), U8), 6);
}

static void bmp_characters_take_one_unit(void **state) {
  /* "é" is 2 bytes, "日" 3, both one UTF-16 unit. */
  const char *s = "é日x";
  (void)state;
  assert_int_equal(to_byte(s, 1, U16), 2);
  assert_int_equal(to_byte(s, 2, U16), 5);
  assert_int_equal(to_byte(s, 3, U16), 6);
  assert_int_equal(from_byte(s, 5, U16), 2);
  assert_int_equal(lc_pos_units(s, strlen(s), U16), 3);
  assert_int_equal(lc_pos_units(s, strlen(s), U32), 3);
}

static void several_astral_characters(void **state) {
  /* "😀😀x": units 0,2,4 start each character. */
  const char *s = "\xF0\x9F\x98\x80\xF0\x9F\x98\x80x";
  (void)state;
  assert_int_equal(to_byte(s, 2, U16), 4);
  assert_int_equal(to_byte(s, 3, U16), 4);
  assert_int_equal(to_byte(s, 4, U16), 8);
  assert_int_equal(from_byte(s, 8, U16), 4);
  assert_int_equal(from_byte(s, 9, U16), 5);
}

static void decode_single_characters(void **state) {
  uint32_t cp;
  (void)state;
  assert_int_equal(lc_utf8_decode("A", 1, &cp), 1);
  assert_int_equal(cp, 'A');
  assert_int_equal(lc_utf8_decode("\xC3\xA9", 2, &cp), 2);
  assert_int_equal(cp, 0xE9);
  assert_int_equal(lc_utf8_decode("\xE6\x97\xA5", 3, &cp), 3);
  assert_int_equal(cp, 0x65E5);
  assert_int_equal(lc_utf8_decode("\xF4\x8F\xBF\xBF", 4, &cp), 4);
  assert_int_equal(cp, 0x10FFFF);
  /* Ill-formed: the maximal subpart becomes one U+FFFD. */
  assert_int_equal(lc_utf8_decode("\x80", 1, &cp), 1);
  assert_int_equal(cp, 0xFFFD);
  assert_int_equal(lc_utf8_decode("\xE6\x97", 2, &cp), 2);   /* truncated */
  assert_int_equal(cp, 0xFFFD);
  assert_int_equal(lc_utf8_decode("\xE6\x41", 2, &cp), 1);   /* broken */
  assert_int_equal(lc_utf8_decode("\xC0\xAF", 2, &cp), 1);   /* overlong */
  assert_int_equal(lc_utf8_decode("\xE0\x80\x80", 3, &cp), 1); /* overlong */
  assert_int_equal(lc_utf8_decode("\xED\xA0\x80", 3, &cp), 1); /* surrogate */
  assert_int_equal(lc_utf8_decode("\xF4\x90\x80\x80", 4, &cp), 1); /* > 10FFFF */
  assert_int_equal(lc_utf8_decode("\xF0\x9F\x98", 3, &cp), 3);
  assert_int_equal(cp, 0xFFFD);
  assert_int_equal(lc_utf8_decode("\xFF", 1, &cp), 1);
}

static void invalid_utf8_counts_one_unit_per_bad_sequence(void **state) {
  (void)state;
  /* 0xFF is one unit: "a", FFFD, "b". */
  assert_int_equal(lc_pos_units("a\xFF" "b", 3, U16), 3);
  assert_int_equal(to_byte("a\xFF" "b", 2, U16), 2);
  /* A truncated 3-byte sequence is one unit, then "x". */
  assert_int_equal(lc_pos_units("\xE6\x97x", 3, U16), 2);
  assert_int_equal(to_byte("\xE6\x97x", 1, U16), 2);
  assert_int_equal(from_byte("\xE6\x97x", 2, U16), 1);
  /* An encoded surrogate is three bad bytes, three units. */
  assert_int_equal(lc_pos_units("\xED\xA0\x80", 3, U16), 3);
  /* A truncated emoji at the end of a line. */
  assert_int_equal(lc_pos_units("ab\xF0\x9F\x98", 5, U16), 3);
  assert_int_equal(to_byte("ab\xF0\x9F\x98", 3, U16), 5);
  /* Lone continuation bytes. */
  assert_int_equal(lc_pos_units("\x80\x80\x80", 3, U32), 3);
  /* UTF-8 mode does not decode at all. */
  assert_int_equal(to_byte("\xE6\x97x", 1, U8), 1);
}

static void embedded_nul_is_a_character(void **state) {
  (void)state;
  assert_int_equal(lc_pos_to_byte("a\0b", 3, 2, U16), 2);
  assert_int_equal(lc_pos_units("a\0b", 3, U16), 3);
}

static void every_prefix_round_trips(void **state) {
  /* For each character boundary, byte -> units -> byte is the identity. */
  const char *s = "x\xC3\xA9\xF0\x9F\x98\x80\xE6\x97\xA5\xFF" "y";
  size_t b = 0, n = strlen(s);
  int e;
  (void)state;
  for (e = 0; e < 3; e++) {
    b = 0;
    while (b <= n) {
      uint32_t cp, ch = lc_pos_from_byte(s, n, b, (lc_pos_encoding)e);
      assert_int_equal(lc_pos_to_byte(s, n, ch, (lc_pos_encoding)e), b);
      if (b == n) break;
      b += lc_utf8_decode(s + b, n - b, &cp);
    }
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(picks_encoding),
      cmocka_unit_test(ascii_is_identity),
      cmocka_unit_test(emoji_takes_a_surrogate_pair),
      cmocka_unit_test(bmp_characters_take_one_unit),
      cmocka_unit_test(several_astral_characters),
      cmocka_unit_test(decode_single_characters),
      cmocka_unit_test(invalid_utf8_counts_one_unit_per_bad_sequence),
      cmocka_unit_test(embedded_nul_is_a_character),
      cmocka_unit_test(every_prefix_round_trips),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
