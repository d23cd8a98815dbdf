/*
** lc_uri.c: percent-encoding between file URIs and POSIX paths (RFC 3986,
** RFC 8089). Paths are byte strings: no character set is assumed, so any
** byte sequence but NUL survives a round trip.
*/
#include "lc_uri.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char HEX[] = "0123456789ABCDEF";

/* RFC 3986 "unreserved", plus '/' which separates path segments. */
static int keep_raw(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
         c == '~' || c == '/';
}

char *lc_uri_from_path(const char *path) {
  static const char scheme[] = "file://";
  size_t n = strlen(path), i, k;
  char *out;
  if (path[0] != '/') return NULL;
  /* Worst case every byte becomes %XX; n < SIZE_MAX/4 for any real string. */
  if (n > ((size_t)-1 - sizeof scheme) / 3) return NULL;
  out = malloc(sizeof scheme + 3 * n);
  if (out == NULL) return NULL;
  memcpy(out, scheme, sizeof scheme - 1);
  k = sizeof scheme - 1;
  for (i = 0; i < n; i++) {
    unsigned char c = (unsigned char)path[i];
    if (keep_raw(c)) {
      out[k++] = (char)c;
    } else {
      out[k++] = '%';
      out[k++] = HEX[c >> 4];
      out[k++] = HEX[c & 15];
    }
  }
  out[k] = '\0';
  return out;
}

int lc_uri_is_file(const char *uri) {
  return strncasecmp(uri, "file:", 5) == 0;
}

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

static char *refuse(char *err, size_t errlen, const char *why) {
  if (err != NULL && errlen > 0) snprintf(err, errlen, "%s", why);
  return NULL;
}

char *lc_uri_to_path(const char *uri, char *err, size_t errlen) {
  const char *p, *end;
  char *out;
  size_t k = 0;

  if (!lc_uri_is_file(uri)) return refuse(err, errlen, "not a file: URI");
  p = uri + 5;
  if (p[0] == '/' && p[1] == '/') {
    /* An authority: empty or localhost, both meaning this machine. */
    const char *host = p + 2, *slash = strchr(host, '/');
    size_t hostlen = slash != NULL ? (size_t)(slash - host) : strlen(host);
    if (hostlen != 0 &&
        !(hostlen == 9 && strncasecmp(host, "localhost", 9) == 0))
      return refuse(err, errlen, "file URI names a remote host");
    p = host + hostlen;
  }
  if (p[0] != '/') return refuse(err, errlen, "file URI has no absolute path");
  end = p + strcspn(p, "?#");
  if (*end != '\0')
    return refuse(err, errlen, "file URI has a query or fragment");

  /* Decoding only shrinks the text. */
  out = malloc((size_t)(end - p) + 1);
  if (out == NULL) return refuse(err, errlen, "out of memory");
  while (p < end) {
    if (*p == '%') {
      int hi = p + 1 < end ? hexval(p[1]) : -1;
      int lo = hi >= 0 && p + 2 < end ? hexval(p[2]) : -1;
      if (lo < 0) {
        free(out);
        return refuse(err, errlen, "malformed percent escape in file URI");
      }
      if (hi == 0 && lo == 0) {
        free(out);
        return refuse(err, errlen, "file URI contains %00");
      }
      out[k++] = (char)(hi * 16 + lo);
      p += 3;
    } else {
      out[k++] = *p++;
    }
  }
  out[k] = '\0';
  return out;
}
