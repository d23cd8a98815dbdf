/*
** lc_doc.c: document text, its line index, and edits.
** An edit builds the new text and index beside the old ones and swaps them
** in only when everything succeeded, so a failure leaves the document as
** it was. The line delta is then found by comparing old and new lines
** around the edit, which is cheaper to get right than reasoning about
** where the edit started and ended (a "\r" meeting a "\n" can even merge
** two line breaks into one).
*/
#include "lc_doc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Text plus the offset where each line starts; starts[0] == 0. */
typedef struct lines {
  char *text;           /* NUL-terminated, 'len' bytes before the NUL */
  size_t len;
  size_t *starts;
  size_t n;             /* number of lines, >= 1 */
} lines;

struct lc_doc {
  char *uri;
  int64_t version;
  lines t;
};


/*
** {======================================================
** Line index
** =======================================================
*/

/*
** Fills 'l->starts' and 'l->n' for 'l->text'. Returns 0, or -1 when out of
** memory or when the count does not fit the uint32_t lines of LSP.
*/
static int index_lines(lines *l) {
  size_t i, n = 1, k = 1;
  for (i = 0; i < l->len; i++) {
    if (l->text[i] == '\n') n++;
    else if (l->text[i] == '\r' && (i + 1 >= l->len || l->text[i + 1] != '\n')) n++;
  }
  if (n > UINT32_MAX) return -1;
  l->starts = malloc(n * sizeof *l->starts);
  if (l->starts == NULL) return -1;
  l->starts[0] = 0;
  for (i = 0; i < l->len; i++) {
    if (l->text[i] == '\n') l->starts[k++] = i + 1;
    else if (l->text[i] == '\r' && (i + 1 >= l->len || l->text[i + 1] != '\n'))
      l->starts[k++] = i + 1;
  }
  l->n = n;
  return 0;
}

/* End of line 'i''s content: its next start minus the line break. */
static size_t content_end(const lines *l, size_t i) {
  size_t e;
  if (i + 1 >= l->n) return l->len;
  e = l->starts[i + 1];
  if (l->text[e - 1] == '\n') {
    e--;
    if (e > l->starts[i] && l->text[e - 1] == '\r') e--;
  } else {
    e--;   /* a lone '\r' */
  }
  return e;
}

/* The line holding byte 'off': the last one starting at or before it. */
static size_t line_of(const lines *l, size_t off) {
  size_t lo = 0, hi = l->n;   /* starts[lo] <= off < starts[hi] */
  while (hi - lo > 1) {
    size_t mid = lo + (hi - lo) / 2;
    if (l->starts[mid] <= off) lo = mid;
    else hi = mid;
  }
  return lo;
}

static int same_line(const lines *a, size_t i, const lines *b, size_t j) {
  size_t na = content_end(a, i) - a->starts[i];
  size_t nb = content_end(b, j) - b->starts[j];
  return na == nb && memcmp(a->text + a->starts[i], b->text + b->starts[j], na) == 0;
}

static size_t offset_in(const lines *l, lc_position pos, lc_pos_encoding enc) {
  size_t s, e;
  if (pos.line >= l->n) return l->len;
  s = l->starts[pos.line];
  e = content_end(l, pos.line);
  return s + lc_pos_to_byte(l->text + s, e - s, pos.character, enc);
}

/* }====================================================== */


/*
** {======================================================
** Document
** =======================================================
*/

static char *copy_bytes(const char *s, size_t n) {
  char *c = malloc(n + 1);
  if (c == NULL) return NULL;
  if (n > 0) memcpy(c, s, n);
  c[n] = '\0';
  return c;
}

lc_doc *lc_doc_new(const char *uri, int64_t version, const char *text,
                   size_t len) {
  lc_doc *d = calloc(1, sizeof *d);
  if (d == NULL) return NULL;
  d->version = version;
  d->uri = copy_bytes(uri, strlen(uri));
  d->t.text = copy_bytes(text, len);
  d->t.len = len;
  if (d->uri == NULL || d->t.text == NULL || index_lines(&d->t) != 0) {
    lc_doc_free(d);
    return NULL;
  }
  return d;
}

void lc_doc_free(lc_doc *d) {
  if (d == NULL) return;
  free(d->uri);
  free(d->t.text);
  free(d->t.starts);
  free(d);
}

const char *lc_doc_uri(const lc_doc *d) { return d->uri; }
int64_t lc_doc_version(const lc_doc *d) { return d->version; }
void lc_doc_set_version(lc_doc *d, int64_t version) { d->version = version; }

const char *lc_doc_text(const lc_doc *d, size_t *len) {
  if (len != NULL) *len = d->t.len;
  return d->t.text;
}

uint32_t lc_doc_line_count(const lc_doc *d) { return (uint32_t)d->t.n; }

const char *lc_doc_line(const lc_doc *d, uint32_t line, size_t *len) {
  if (line >= d->t.n) return NULL;
  if (len != NULL) *len = content_end(&d->t, line) - d->t.starts[line];
  return d->t.text + d->t.starts[line];
}

size_t lc_doc_offset(const lc_doc *d, lc_position pos, lc_pos_encoding enc) {
  return offset_in(&d->t, pos, enc);
}

lc_position lc_doc_position(const lc_doc *d, size_t offset,
                            lc_pos_encoding enc) {
  lc_position p;
  size_t s, e;
  if (offset > d->t.len) offset = d->t.len;
  p.line = (uint32_t)line_of(&d->t, offset);
  s = d->t.starts[p.line];
  e = content_end(&d->t, p.line);
  /* An offset inside the line break is the end of the line. */
  p.character = lc_pos_from_byte(d->t.text + s, e - s, offset - s, enc);
  return p;
}

/* }====================================================== */


/*
** {======================================================
** Edits
** =======================================================
*/

static int doc_error(char *err, size_t errlen, int code, const char *why) {
  if (err != NULL && errlen > 0) snprintf(err, errlen, "%s", why);
  return code;
}

/*
** The smallest replaced span for old text 'o' becoming 'nw' by replacing
** old bytes [a, b) with new ones. Lines wholly before 'a' and
** wholly after the edit are identical by construction; the remaining span
** is then trimmed of equal lines at both ends.
*/
static lc_doc_delta line_delta(const lines *o, const lines *nw, size_t a,
                               size_t b) {
  lc_doc_delta dl;
  /*
  ** A line start at q depends on the bytes at q-1 and q only, so starts
  ** before 'a' are the same in both texts, and so are starts after the
  ** edit's end (b in the old text, a + new length in the new one), so
  ** both texts have 'tail' lines after it. The line holding byte a-1 may
  ** gain or lose its break, hence first = that line.
  */
  size_t first = a > 0 ? line_of(o, a - 1) : 0;
  size_t tail = o->n - 1 - line_of(o, b);
  size_t oend = o->n - tail, nend = nw->n - tail;

  while (first < oend && first < nend && same_line(o, first, nw, first))
    first++;
  while (oend > first && nend > first && same_line(o, oend - 1, nw, nend - 1)) {
    oend--;
    nend--;
  }
  dl.first_line = (uint32_t)first;
  dl.removed = (uint32_t)(oend - first);
  dl.inserted = (uint32_t)(nend - first);
  return dl;
}

int lc_doc_apply(lc_doc *d, const lc_doc_change *c, lc_pos_encoding enc,
                 lc_doc_delta *delta, char *err, size_t errlen) {
  lines nw;
  size_t a = 0, b = d->t.len;

  if (c->has_range) {
    a = offset_in(&d->t, c->range.start, enc);
    b = offset_in(&d->t, c->range.end, enc);
    if (a > b) return doc_error(err, errlen, LC_DOC_ERANGE, "range start is after its end");
  }
  if (c->text_len > SIZE_MAX - 1 - (d->t.len - (b - a)))
    return doc_error(err, errlen, LC_DOC_ENOMEM, "document too large");
  nw.len = d->t.len - (b - a) + c->text_len;
  nw.text = malloc(nw.len + 1);
  if (nw.text == NULL) return doc_error(err, errlen, LC_DOC_ENOMEM, "out of memory");
  memcpy(nw.text, d->t.text, a);
  if (c->text_len > 0) memcpy(nw.text + a, c->text, c->text_len);
  memcpy(nw.text + a + c->text_len, d->t.text + b, d->t.len - b);
  nw.text[nw.len] = '\0';
  if (index_lines(&nw) != 0) {
    free(nw.text);
    return doc_error(err, errlen, LC_DOC_ENOMEM,
                     "out of memory indexing lines (or too many lines)");
  }
  if (delta != NULL) *delta = line_delta(&d->t, &nw, a, b);
  free(d->t.text);
  free(d->t.starts);
  d->t = nw;
  return LC_DOC_OK;
}

/* }====================================================== */
