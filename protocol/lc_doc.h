/*
** lc_doc.h: an open text document as the client sees it: URI, version and
** UTF-8 text, kept in step with textDocument/didChange. Each edit reports
** which lines it replaced, so the server can move coverage marks with the
** text instead of throwing them away until the next run.
** Lines are split as LSP splits them: at "\n", "\r\n" or a lone "\r"; a
** document of n line breaks has n + 1 lines (an empty one has 1).
*/
#ifndef LC_DOC_H
#define LC_DOC_H

#include "lc_pos.h"

#include <stddef.h>
#include <stdint.h>

typedef struct lc_doc lc_doc;

/* One TextDocumentContentChangeEvent. */
typedef struct lc_doc_change {
  int has_range;        /* 0: 'text' replaces the whole document */
  lc_range range;       /* WARNING: character in negotiated encoding units */
  const char *text;     /* borrowed; 'text_len' bytes, may contain NUL */
  size_t text_len;
} lc_doc_change;

/*
** What an edit did to the lines: old lines [first_line, first_line +
** removed) were replaced by new lines [first_line, first_line + inserted).
** Lines before first_line kept their number and content; old line L at or
** after first_line + removed is now line L - removed + inserted, with its
** content unchanged. The replaced span is as small as the text allows:
** typing inside a line gives {l, 1, 1}, pressing Enter at the end of line l
** gives {l + 1, 0, 1}, deleting whole lines l..l+k-1 gives {l, k, 0}, and a
** full replacement is compared with the old text, so it too reports only
** the lines that differ. An edit that changes nothing gives removed ==
** inserted == 0.
*/
typedef struct lc_doc_delta {
  uint32_t first_line;
  uint32_t removed;
  uint32_t inserted;
} lc_doc_delta;

/* Results of lc_doc_apply. */
#define LC_DOC_OK       0
#define LC_DOC_ERANGE (-1)   /* range start after its end */
#define LC_DOC_ENOMEM (-2)   /* out of memory, or more than 2^32-1 lines */

/*
** A document holding copies of 'uri' and of 'len' bytes of 'text' (which
** may contain NUL bytes). Returns NULL when out of memory (or when the text
** has more lines than a uint32_t counts). Free it with lc_doc_free.
*/
lc_doc *lc_doc_new(const char *uri, int64_t version, const char *text,
                   size_t len);
void lc_doc_free(lc_doc *d);

/* Accessors: returned pointers are owned by the document and valid until
** the next lc_doc_apply or lc_doc_free. */
const char *lc_doc_uri(const lc_doc *d);
int64_t lc_doc_version(const lc_doc *d);
void lc_doc_set_version(lc_doc *d, int64_t version);
/* The whole text, NUL-terminated; its length in '*len' (if not NULL). */
const char *lc_doc_text(const lc_doc *d, size_t *len);
uint32_t lc_doc_line_count(const lc_doc *d);
/*
** Line 'line' without its line break, '*len' bytes (not NUL-terminated:
** the break follows), or NULL when 'line' is past the last line.
*/
const char *lc_doc_line(const lc_doc *d, uint32_t line, size_t *len);

/*
** Byte offset of 'pos' in the text. A character past the end of its line
** means the end of the line (before the break); a line past the last one
** means the end of the document.
*/
size_t lc_doc_offset(const lc_doc *d, lc_position pos, lc_pos_encoding enc);
/* The position of byte offset 'offset' (clamped to the text length). */
lc_position lc_doc_position(const lc_doc *d, size_t offset,
                            lc_pos_encoding enc);

/*
** Applies one content change, whose range is in encoding 'enc', and stores
** in '*delta' (if not NULL) what happened to the lines. didChange carries
** an array of changes: apply them in order, each one's range and delta
** refer to the document as the previous change left it. Returns LC_DOC_OK,
** or an LC_DOC_E* code with a reason in 'err' (if not NULL); on error the
** document is unchanged. The version is not touched: see
** lc_doc_set_version.
*/
int lc_doc_apply(lc_doc *d, const lc_doc_change *change, lc_pos_encoding enc,
                 lc_doc_delta *delta, char *err, size_t errlen);

#endif
