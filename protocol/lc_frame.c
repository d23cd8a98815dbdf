/*
** lc_frame.c: the incremental LSP frame reader and writer.
** Unread bytes sit in one growable buffer; the reader keeps its position
** in it and a small state machine (header lines, body, skipping garbage),
** so a message split across any number of reads is assembled without
** rescanning, and a bad header costs one error and a resync, never the
** session. Memory is bounded by the body limit plus the header limit.
*/
#include "lc_frame.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The header that starts a message, and what resync searches for. */
static const char CL_TOKEN[] = "Content-Length:";
#define CL_TOKEN_LEN (sizeof CL_TOKEN - 1)

typedef enum { ST_HEADERS, ST_BODY, ST_SKIP } frame_state;

struct lc_frame_reader {
  char *buf;            /* unread bytes are buf[start, end) */
  size_t cap, start, end;
  size_t max_body;
  frame_state state;
  /* Header block in progress (ST_HEADERS), or body size (ST_BODY). */
  size_t scanned;       /* bytes of the current line searched for '\n' */
  size_t hdr_bytes;     /* bytes of header lines consumed so far */
  int nheaders;         /* header lines seen in this block */
  int have_length;
  size_t length;
};


/*
** {======================================================
** Buffer
** =======================================================
*/

lc_frame_reader *lc_frame_reader_new(size_t max_body) {
  lc_frame_reader *r = calloc(1, sizeof *r);
  if (r == NULL) return NULL;
  r->max_body = max_body ? max_body : LC_FRAME_DEFAULT_MAX_BODY;
  r->state = ST_HEADERS;
  return r;
}

void lc_frame_reader_free(lc_frame_reader *r) {
  if (r == NULL) return;
  free(r->buf);
  free(r);
}

size_t lc_frame_buffered(const lc_frame_reader *r) {
  return r->end - r->start;
}

int lc_frame_feed(lc_frame_reader *r, const char *buf, size_t n) {
  if (n == 0) return 0;
  if (r->cap - r->end < n) {
    size_t used = r->end - r->start;
    /* Slide unread bytes to the front first: often that is room enough. */
    if (r->start > 0) {
      memmove(r->buf, r->buf + r->start, used);
      r->start = 0;
      r->end = used;
    }
    if (r->cap - r->end < n) {
      size_t need, ncap;
      char *nbuf;
      if (n > SIZE_MAX - used) return -1;
      need = used + n;
      ncap = r->cap ? r->cap : 4096;
      while (ncap < need) {
        if (ncap > SIZE_MAX / 2) { ncap = need; break; }
        ncap *= 2;
      }
      nbuf = realloc(r->buf, ncap);
      if (nbuf == NULL) return -1;
      r->buf = nbuf;
      r->cap = ncap;
    }
  }
  memcpy(r->buf + r->end, buf, n);
  r->end += n;
  return 0;
}

/* }====================================================== */


/*
** {======================================================
** Errors and resynchronisation
** =======================================================
*/

/* Copies up to 40 bytes of 's' into 'out' with non-printable bytes as '?'. */
static void snippet(char *out, size_t outlen, const char *s, size_t n) {
  size_t i, k = 0;
  if (outlen == 0) return;
  for (i = 0; i < n && i < 40 && k + 1 < outlen; i++) {
    unsigned char c = (unsigned char)s[i];
    out[k++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
  }
  if (i < n && k + 3 < outlen) { memcpy(out + k, "...", 3); k += 3; }
  out[k] = '\0';
}

static void reset_headers(lc_frame_reader *r) {
  r->scanned = 0;
  r->hdr_bytes = 0;
  r->nheaders = 0;
  r->have_length = 0;
  r->length = 0;
}

/*
** Drops the message being read and starts skipping at 'from' (an absolute
** buffer offset). Callers pass a point past the start of the offending
** header, so the next search cannot find the same header again.
*/
static int fail(lc_frame_reader *r, size_t from, char *err, size_t errlen,
                const char *fmt, ...) {
  if (err != NULL && errlen > 0) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
  }
  r->start = from;
  r->state = ST_SKIP;
  reset_headers(r);
  return LC_FRAME_ERROR;
}

/*
** Looks for CL_TOKEN, in any case, in the unread bytes. A header line that
** follows a body has no newline before it, so the token is accepted
** anywhere, not only at a line start; a body that happens to contain the
** text can cause a second error, after which the search simply runs again.
** Returns 1 and moves 'start' onto the token, or 0 after dropping every
** byte that cannot begin it (the last CL_TOKEN_LEN-1 bytes are kept, as the
** token may be split between reads).
*/
static int resync(lc_frame_reader *r) {
  size_t i;
  for (i = r->start; i + CL_TOKEN_LEN <= r->end; i++) {
    if ((r->buf[i] == 'C' || r->buf[i] == 'c') &&
        strncasecmp(r->buf + i, CL_TOKEN, CL_TOKEN_LEN) == 0) {
      r->start = i;
      return 1;
    }
  }
  if (r->end - r->start > CL_TOKEN_LEN - 1) r->start = r->end - (CL_TOKEN_LEN - 1);
  return 0;
}

/* }====================================================== */


/*
** {======================================================
** Header lines
** =======================================================
*/

static int is_ows(char c) { return c == ' ' || c == '\t'; }

/* HTTP "tchar": what a header name may be made of. */
static int is_tchar(unsigned char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
    return 1;
  return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/*
** Handles one complete header line 'line' of 'n' bytes (end of line
** removed), which starts at absolute offset 'at'. Returns -1 when it is
** fine, else the result of fail().
*/
static int header_line(lc_frame_reader *r, const char *line, size_t n,
                       size_t at, char *err, size_t errlen) {
  char shown[64];
  const char *colon = memchr(line, ':', n);
  const char *v, *vend;
  size_t namelen, i, value = 0;

  if (colon == NULL || colon == line) {
    snippet(shown, sizeof shown, line, n);
    return fail(r, at + 1, err, errlen, "malformed header line \"%s\"", shown);
  }
  namelen = (size_t)(colon - line);
  for (i = 0; i < namelen; i++) {
    if (!is_tchar((unsigned char)line[i])) {
      snippet(shown, sizeof shown, line, n);
      return fail(r, at + 1, err, errlen, "malformed header line \"%s\"", shown);
    }
  }
  r->nheaders++;
  if (namelen != CL_TOKEN_LEN - 1 || strncasecmp(line, CL_TOKEN, namelen) != 0)
    return -1;  /* Content-Type, or a header LSP does not define: ignored */

  if (r->have_length)
    return fail(r, at + 1, err, errlen, "duplicate Content-Length header");
  v = colon + 1;
  vend = line + n;
  while (v < vend && is_ows(*v)) v++;
  while (vend > v && is_ows(vend[-1])) vend--;
  snippet(shown, sizeof shown, v, (size_t)(vend - v));
  if (v == vend)
    return fail(r, at + 1, err, errlen, "empty Content-Length value");
  for (i = 0; v + i < vend; i++) {
    if (v[i] < '0' || v[i] > '9')
      return fail(r, at + 1, err, errlen, "invalid Content-Length value \"%s\"",
                  shown);
  }
  /* Digits only; stop adding once past the limit, so nothing overflows. */
  for (i = 0; v + i < vend && value <= r->max_body; i++)
    value = value * 10 + (size_t)(v[i] - '0');
  if (value > r->max_body)
    return fail(r, at + 1, err, errlen,
                "refusing to read message: Content-Length %s exceeds the "
                "limit of %zu bytes", shown, r->max_body);
  r->have_length = 1;
  r->length = value;
  return -1;
}

/* }====================================================== */


int lc_frame_next(lc_frame_reader *r, char **body_out, size_t *len_out,
                  char *err, size_t errlen) {
  for (;;) {
    size_t avail = r->end - r->start;
    char *p = r->buf + r->start;

    switch (r->state) {
      case ST_SKIP:
        if (!resync(r)) return LC_FRAME_NONE;
        r->state = ST_HEADERS;
        break;

      case ST_HEADERS: {
        char *nl = avail > r->scanned
                       ? memchr(p + r->scanned, '\n', avail - r->scanned)
                       : NULL;
        size_t linelen, consumed, at = r->start;
        int rc;
        if (nl == NULL) {
          r->scanned = avail;
          if (r->hdr_bytes + avail > LC_FRAME_MAX_HEADER)
            return fail(r, at + 1, err, errlen,
                        "header block longer than %d bytes", LC_FRAME_MAX_HEADER);
          return LC_FRAME_NONE;
        }
        linelen = (size_t)(nl - p);
        consumed = linelen + 1;
        r->scanned = 0;
        if (r->hdr_bytes + consumed > LC_FRAME_MAX_HEADER)
          return fail(r, at + 1, err, errlen,
                      "header block longer than %d bytes", LC_FRAME_MAX_HEADER);
        if (linelen > 0 && p[linelen - 1] == '\r') linelen--;
        if (linelen == 0) {
          r->start += consumed;
          /* A stray blank line between messages: tolerated, not counted. */
          if (r->nheaders == 0) { r->hdr_bytes = 0; break; }
          if (!r->have_length)
            return fail(r, r->start, err, errlen, "missing Content-Length header");
          r->state = ST_BODY;
          break;
        }
        rc = header_line(r, p, linelen, at, err, errlen);
        if (rc != -1) return rc;
        r->start += consumed;
        r->hdr_bytes += consumed;
        break;
      }

      case ST_BODY: {
        char *body;
        if (avail < r->length) return LC_FRAME_NONE;
        body = malloc(r->length + 1);
        if (body == NULL) return LC_FRAME_NOMEM;
        if (r->length > 0) memcpy(body, p, r->length);
        body[r->length] = '\0';
        *body_out = body;
        if (len_out != NULL) *len_out = r->length;
        r->start += r->length;
        r->state = ST_HEADERS;
        reset_headers(r);
        /* Keep a drained buffer from holding the next read far from 0. */
        if (r->start == r->end) r->start = r->end = 0;
        return LC_FRAME_MSG;
      }
    }
  }
}

char *lc_frame_encode(const char *body, size_t len, size_t *outlen) {
  char head[64];
  int hn = snprintf(head, sizeof head, "Content-Length: %zu\r\n\r\n", len);
  char *out;
  if (hn < 0 || len > SIZE_MAX - (size_t)hn - 1) return NULL;
  out = malloc((size_t)hn + len + 1);
  if (out == NULL) return NULL;
  memcpy(out, head, (size_t)hn);
  if (len > 0) memcpy(out + hn, body, len);
  out[(size_t)hn + len] = '\0';
  if (outlen != NULL) *outlen = (size_t)hn + len;
  return out;
}
