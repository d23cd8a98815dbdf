/*
** lc_testutil.c: helpers shared by the unit tests (see lc_testutil.h).
*/
#include "lc_testutil.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void die(const char *what) {
  fprintf(stderr, "testutil: %s\n", what);
  abort();
}

static void grow(tu_lines *s, int line) {
  if (line < s->n) return;
  int n = s->n ? s->n : 64;
  while (n <= line) n *= 2;
  uint64_t *h = realloc(s->hits, (size_t)n * sizeof *h);
  if (!h) die("out of memory");
  memset(h + s->n, 0, (size_t)(n - s->n) * sizeof *h);
  s->hits = h;
  s->n = n;
}

void tu_lines_set(tu_lines *s, int line, uint64_t hits) {
  if (line < 0) die("negative line");
  grow(s, line);
  s->hits[line] = hits;
}

void tu_lines_add(tu_lines *s, int line, uint64_t hits) {
  if (line < 0) die("negative line");
  grow(s, line);
  s->hits[line] += hits;
}

void tu_lines_free(tu_lines *s) {
  free(s->hits);
  s->hits = NULL;
  s->n = 0;
}

char *tu_lines_str(const tu_lines *s) {
  size_t cap = 64, len = 0;
  char *out = malloc(cap);
  if (!out) die("out of memory");
  out[0] = '\0';
  for (int l = 0; l < s->n; l++) {
    if (!s->hits[l]) continue;
    int e = l;
    while (e + 1 < s->n && s->hits[e + 1]) e++;
    char item[32];
    int k = e > l ? snprintf(item, sizeof item, "%s%d-%d", len ? " " : "", l, e)
                  : snprintf(item, sizeof item, "%s%d", len ? " " : "", l);
    if (len + (size_t)k + 1 > cap) {
      while (len + (size_t)k + 1 > cap) cap *= 2;
      out = realloc(out, cap);
      if (!out) die("out of memory");
    }
    memcpy(out + len, item, (size_t)k + 1);
    len += (size_t)k;
    l = e;
  }
  return out;
}

int tu_lines_parse(tu_lines *s, const char *text) {
  const char *p = text;
  while (*p) {
    if (*p == ' ') { p++; continue; }
    char *end;
    long a = strtol(p, &end, 10), b = a;
    if (end == p || a < 0) return -1;
    p = end;
    if (*p == '-') {
      b = strtol(p + 1, &end, 10);
      if (end == p + 1 || b < a) return -1;
      p = end;
    }
    for (long l = a; l <= b; l++) tu_lines_set(s, (int)l, 1);
  }
  return 0;
}

char *tu_capture(const char *cmd, int *status) {
  fflush(NULL);
  FILE *f = popen(cmd, "r");
  if (!f) die("popen failed");
  size_t cap = 4096, len = 0;
  char *buf = malloc(cap);
  if (!buf) die("out of memory");
  size_t n;
  while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
    len += n;
    if (cap - len < 2) {
      cap *= 2;
      buf = realloc(buf, cap);
      if (!buf) die("out of memory");
    }
  }
  buf[len] = '\0';
  int st = pclose(f);
  if (status) *status = st;
  return buf;
}

char *tu_fmt(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  char *s = malloc((size_t)n + 1);
  if (!s) die("out of memory");
  va_start(ap, fmt);
  vsnprintf(s, (size_t)n + 1, fmt, ap);
  va_end(ap);
  return s;
}

char *tu_tmpdir(const char *tag) {
  const char *base = getenv("TMPDIR");
  char *tmpl = tu_fmt("%s/livecov-%s-XXXXXX", base && *base ? base : "/tmp", tag);
  if (!mkdtemp(tmpl)) die("mkdtemp failed");
  /* The real path: /tmp may itself be a symlink. */
  char *real = realpath(tmpl, NULL);
  if (!real) die("realpath failed");
  free(tmpl);
  return real;
}

void tu_rmrf(const char *dir) {
  if (!dir || strncmp(dir, "/tmp/", 5) != 0 || strstr(dir, "livecov-") == NULL) {
    const char *base = getenv("TMPDIR");
    if (!dir || !base || strncmp(dir, base, strlen(base)) != 0) return;
  }
  char *cmd = tu_fmt("chmod -R u+rwx '%s' 2>/dev/null; rm -rf '%s'", dir, dir);
  if (system(cmd) != 0) fprintf(stderr, "testutil: cannot remove %s\n", dir);
  free(cmd);
}

static void mkparents(char *path) {
  for (char *s = path + 1; *s; s++) {
    if (*s != '/') continue;
    *s = '\0';
    mkdir(path, 0755);
    *s = '/';
  }
}

int tu_write(const char *dir, const char *name, const char *text) {
  char *path = tu_fmt("%s/%s", dir, name);
  mkparents(path);
  FILE *f = fopen(path, "w");
  free(path);
  if (!f) return -1;
  size_t n = strlen(text);
  int rc = fwrite(text, 1, n, f) == n ? 0 : -1;
  if (fclose(f) != 0) rc = -1;
  return rc;
}

char *tu_read(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 4096, n = 0, r;
  char *buf = malloc(cap);
  if (!buf) die("out of memory");
  while ((r = fread(buf + n, 1, cap - n - 1, f)) > 0) {
    n += r;
    if (cap - n < 2) {
      cap *= 2;
      buf = realloc(buf, cap);
      if (!buf) die("out of memory");
    }
  }
  fclose(f);
  buf[n] = '\0';
  if (len) *len = n;
  return buf;
}
