/*
** lc_pos.c: counting a UTF-8 line in UTF-16 code units, UTF-32 code points
** or bytes. Decoding follows the Unicode "maximal subpart" practice for
** ill-formed input, the same rule browsers' and VS Code's decoders use,
** so that both sides count a broken byte sequence alike.
*/
#include "lc_pos.h"

#include <string.h>

const char *lc_pos_encoding_name(lc_pos_encoding enc) {
  switch (enc) {
    case LC_POS_UTF8: return "utf-8";
    case LC_POS_UTF32: return "utf-32";
    case LC_POS_UTF16: break;
  }
  return "utf-16";
}

lc_pos_encoding lc_pos_pick_bits(unsigned offered) {
  return (offered & LC_POS_BIT(LC_POS_UTF8)) ? LC_POS_UTF8 : LC_POS_UTF16;
}

lc_pos_encoding lc_pos_pick(const json_t *position_encodings) {
  unsigned offered = 0;
  size_t i;
  if (!json_is_array(position_encodings)) return LC_POS_UTF16;
  for (i = 0; i < json_array_size(position_encodings); i++) {
    const char *s = json_string_value(json_array_get(position_encodings, i));
    if (s != NULL && strcmp(s, "utf-8") == 0) offered |= LC_POS_BIT(LC_POS_UTF8);
  }
  return lc_pos_pick_bits(offered);
}

size_t lc_utf8_decode(const char *s, size_t n, uint32_t *cp) {
  const unsigned char *u = (const unsigned char *)s;
  unsigned char c = u[0], lo = 0x80, hi = 0xBF;
  size_t need, i;
  uint32_t v;

  if (c < 0x80) { *cp = c; return 1; }
  if (c >= 0xC2 && c <= 0xDF) { need = 1; v = c & 0x1F; }
  else if (c >= 0xE0 && c <= 0xEF) {
    need = 2; v = c & 0x0F;
    if (c == 0xE0) lo = 0xA0;        /* no overlong forms */
    else if (c == 0xED) hi = 0x9F;   /* no UTF-16 surrogates */
  }
  else if (c >= 0xF0 && c <= 0xF4) {
    need = 3; v = c & 0x07;
    if (c == 0xF0) lo = 0x90;        /* no overlong forms */
    else if (c == 0xF4) hi = 0x8F;   /* nothing above U+10FFFF */
  }
  else { *cp = 0xFFFD; return 1; }   /* continuation byte, C0, C1, F5..FF */

  /* Only the first continuation byte has a narrowed range. */
  for (i = 1; i <= need; i++) {
    if (i >= n || u[i] < lo || u[i] > hi) { *cp = 0xFFFD; return i; }
    v = (v << 6) | (u[i] & 0x3F);
    lo = 0x80;
    hi = 0xBF;
  }
  *cp = v;
  return need + 1;
}

/* Units of one decoded character in 'enc' ('nbytes' long in UTF-8). */
static uint32_t units_of(uint32_t cp, size_t nbytes, lc_pos_encoding enc) {
  switch (enc) {
    case LC_POS_UTF8: return (uint32_t)nbytes;
    case LC_POS_UTF32: return 1;
    case LC_POS_UTF16: break;
  }
  return cp >= 0x10000 ? 2 : 1;
}

size_t lc_pos_to_byte(const char *line, size_t len, uint32_t ch,
                      lc_pos_encoding enc) {
  size_t b = 0;
  uint64_t count = 0;   /* wide, so count + u cannot wrap */
  if (enc == LC_POS_UTF8) return ch < len ? ch : len;
  while (b < len) {
    uint32_t cp;
    size_t n = lc_utf8_decode(line + b, len - b, &cp);
    uint32_t u = units_of(cp, n, enc);
    if (count + u > ch) break;   /* 'ch' is here, or inside this character */
    count += u;
    b += n;
  }
  return b;
}

uint32_t lc_pos_from_byte(const char *line, size_t len, size_t byte,
                          lc_pos_encoding enc) {
  size_t b = 0;
  uint64_t count = 0;
  if (byte > len) byte = len;
  if (enc == LC_POS_UTF8) return byte > UINT32_MAX ? UINT32_MAX : (uint32_t)byte;
  while (b < byte) {
    uint32_t cp;
    size_t n = lc_utf8_decode(line + b, len - b, &cp);
    if (b + n > byte) break;     /* 'byte' is inside this character */
    count += units_of(cp, n, enc);
    b += n;
  }
  return count > UINT32_MAX ? UINT32_MAX : (uint32_t)count;
}

uint32_t lc_pos_units(const char *text, size_t len, lc_pos_encoding enc) {
  return lc_pos_from_byte(text, len, len, enc);
}
