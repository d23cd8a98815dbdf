/*
** lc_pos.h: LSP positions and the three position encodings. A Position's
** 'character' counts code units of the encoding negotiated at initialize
** (UTF-16 unless both sides agree on another), while livecov's text is
** UTF-8 bytes; every conversion between the two goes through here.
*/
#ifndef LC_POS_H
#define LC_POS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
  LC_POS_UTF16 = 0,   /* LSP's default: must be supported by everyone */
  LC_POS_UTF8,        /* character = byte offset */
  LC_POS_UTF32        /* character = code point count */
} lc_pos_encoding;

/* Bit for each encoding, for sets of offered encodings. */
#define LC_POS_BIT(enc) (1u << (enc))

/*
** A position in a document: 0-based line, and 0-based 'character' offset
** within the line.
** WARNING: 'character' is in code units of the negotiated encoding (UTF-16
** by default, so an emoji counts 2), not bytes; convert with lc_pos_to_byte.
*/
typedef struct lc_position {
  uint32_t line;
  uint32_t character;   /* WARNING: negotiated encoding units, see above */
} lc_position;

/* A range [start, end): 'end' is exclusive. Same units as lc_position. */
typedef struct lc_range {
  lc_position start;    /* WARNING: character in negotiated encoding units */
  lc_position end;      /* WARNING: character in negotiated encoding units */
} lc_range;

/* "utf-8", "utf-16" or "utf-32": the LSP PositionEncodingKind. */
const char *lc_pos_encoding_name(lc_pos_encoding enc);

/*
** Picks the encoding from the client's general.positionEncodings (an array
** of strings, or NULL when absent): utf-8 when offered, since it needs no
** conversion, else utf-16, which every client supports whether it says so
** or not. utf-32 is never picked.
*/
lc_pos_encoding lc_pos_pick(const json_t *position_encodings);

/* The same choice from a set of LC_POS_BIT flags. */
lc_pos_encoding lc_pos_pick_bits(unsigned offered);

/*
** Byte offset within 'line' ('len' bytes of UTF-8, no end-of-line) of the
** character offset 'ch' in encoding 'enc'. An offset past the end gives
** 'len' (LSP: "defaults back to the line length"); one that falls inside a
** character (between the halves of a surrogate pair) gives that
** character's first byte.
** Invalid UTF-8 never stops the walk: each maximal ill-formed subsequence
** counts as one character of one unit (one U+FFFD, as editors decode it);
** in utf-8 mode bytes are bytes, valid or not.
*/
size_t lc_pos_to_byte(const char *line, size_t len, uint32_t ch,
                      lc_pos_encoding enc);

/*
** Character offset in encoding 'enc' of byte offset 'byte' within 'line'.
** A byte offset inside a character counts up to that character's start;
** one past 'len' is taken as 'len'. Saturates at UINT32_MAX.
*/
uint32_t lc_pos_from_byte(const char *line, size_t len, size_t byte,
                          lc_pos_encoding enc);

/* Length of 'len' bytes of text in units of 'enc' (saturating). */
uint32_t lc_pos_units(const char *text, size_t len, lc_pos_encoding enc);

/*
** Decodes one UTF-8 character at 's' ('n' > 0 bytes available). Returns its
** length in bytes (1-4) and stores the code point in '*cp', or U+FFFD for
** an ill-formed subsequence (whose length is then that of its maximal
** subpart: the lead byte plus the continuation bytes that fit it).
*/
size_t lc_utf8_decode(const char *s, size_t n, uint32_t *cp);

#endif
