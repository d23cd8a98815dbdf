/*
** lc_wire.c: encoding and decoding of worker records (JSON lines, jansson).
*/
#include "lc_wire.h"

#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

static char *dump_line(json_t *o) {
  if (!o) return NULL;
  char *s = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
  json_decref(o);
  if (!s) return NULL;
  size_t n = strlen(s);
  char *line = realloc(s, n + 2);
  if (!line) { free(s); return NULL; }
  line[n] = '\n';
  line[n + 1] = '\0';
  return line;
}

/* Lua strings may hold any bytes; JSON needs UTF-8. Invalid sequences are
   replaced so a binary message never loses the whole record. */
static json_t *jstr(const char *s) {
  if (!s) return json_null();
  json_t *j = json_string(s);
  if (j) return j;
  size_t n = strlen(s);
  char *c = malloc(n + 1);
  if (!c) return json_null();
  for (size_t i = 0; i <= n; i++)
    c[i] = ((unsigned char)s[i] < 0x80) ? s[i] : '?';
  j = json_string(c);
  free(c);
  return j ? j : json_null();
}

char *lc_wire_start(const char *name) {
  return dump_line(json_pack("{s:s, s:o}", "t", "start", "name", jstr(name)));
}

/* The runtime reports where a test failed as Lua names the chunk, often
   relative to the root (the worker's directory): make it absolute and real
   so the parent can match it with coverage paths. */
static json_t *abs_file(const char *f) {
  if (!f) return json_null();
  char buf[PATH_MAX];
  if (realpath(f, buf)) return jstr(buf);
  return jstr(f);
}

char *lc_wire_test(const lc_test_result *r, lc_cov *cov, const char *output) {
  json_t *path = json_array();
  for (int i = 0; i < r->npath; i++) json_array_append_new(path, jstr(r->path[i]));
  json_t *points = json_object();
  for (int i = 0; i < r->npoints; i++) {
    lc_cov_file *f = lc_cov_file_at(cov, r->points[i].file);
    if (!f) continue;
    json_t *arr = json_object_get(points, f->path);
    if (!arr) {
      arr = json_array();
      json_object_set_new(points, f->path, arr);
    }
    json_array_append_new(arr, json_integer(r->points[i].line));
  }
  json_t *o = json_pack("{s:s, s:o, s:o, s:i, s:s, s:o, s:o, s:o, s:i, s:f, s:o, s:o}",
    "t", "test", "name", jstr(r->name), "path", path, "line", r->line,
    "status", lc_status_name(r->status), "message", jstr(r->message),
    "trace", jstr(r->trace), "fail_file", abs_file(r->fail_file),
    "fail_line", r->fail_line, "ms", r->ms, "output", jstr(output),
    "points", points);
  if (o && r->kind) json_object_set_new(o, "kind", jstr(r->kind));
  return dump_line(o);
}

char *lc_wire_cov(lc_cov *cov) {
  json_t *files = json_array();
  for (int i = 0; i < lc_cov_nfiles(cov); i++) {
    lc_cov_file *f = lc_cov_file_at(cov, i);
    json_t *exec = json_array(), *hits = json_array();
    for (int l = 0; l <= f->maxline; l++) {
      if (f->exec[l]) json_array_append_new(exec, json_integer(l));
      if (f->hits[l])
        json_array_append_new(hits, json_pack("[i,I]", l, (json_int_t)f->hits[l]));
    }
    json_array_append_new(files, json_pack("{s:s, s:i, s:o, s:o}", "path", f->path,
                                           "loads", f->loads, "exec", exec, "hits", hits));
  }
  return dump_line(json_pack("{s:s, s:o}", "t", "cov", "files", files));
}

char *lc_wire_read(const char *path) {
  return dump_line(json_pack("{s:s, s:o}", "t", "read", "path", jstr(path)));
}

char *lc_wire_end(void) {
  return dump_line(json_pack("{s:s}", "t", "end"));
}

/* {====================================================== decoder */

struct lc_wire_dec {
  lc_specres *r;
  char *buf;
  size_t n, cap;
};

lc_wire_dec *lc_wire_dec_new(lc_specres *into) {
  lc_wire_dec *d = calloc(1, sizeof *d);
  if (d) d->r = into;
  return d;
}

void lc_wire_dec_free(lc_wire_dec *d) {
  if (!d) return;
  free(d->buf);
  free(d);
}

static char *dupj(json_t *o, const char *k) {
  const char *s = json_string_value(json_object_get(o, k));
  return s ? strdup(s) : NULL;
}

static lc_status status_of(const char *s) {
  if (!s) return LC_ERROR;
  if (!strcmp(s, "success")) return LC_SUCCESS;
  if (!strcmp(s, "failure")) return LC_FAILURE;
  if (!strcmp(s, "pending")) return LC_PENDING;
  return LC_ERROR;
}

static int apply_test(lc_specres *r, json_t *o) {
  lc_testrec *t = lc_specres_add_test(r);
  if (!t) return -1;
  t->name = dupj(o, "name");
  if (!t->name) t->name = strdup("");
  json_t *path = json_object_get(o, "path");
  size_t np = json_array_size(path);
  if (np) {
    t->path = calloc(np, sizeof *t->path);
    if (!t->path) return -1;
    for (size_t i = 0; i < np; i++) {
      const char *s = json_string_value(json_array_get(path, i));
      t->path[t->npath] = strdup(s ? s : "");
      if (!t->path[t->npath]) return -1;
      t->npath++;
    }
  }
  t->line = (int)json_integer_value(json_object_get(o, "line"));
  t->status = status_of(json_string_value(json_object_get(o, "status")));
  t->message = dupj(o, "message");
  t->trace = dupj(o, "trace");
  t->fail_file = dupj(o, "fail_file");
  t->fail_line = (int)json_integer_value(json_object_get(o, "fail_line"));
  t->output = dupj(o, "output");
  t->kind = dupj(o, "kind");
  t->ms = json_number_value(json_object_get(o, "ms"));
  json_t *points = json_object_get(o, "points");
  const char *key;
  json_t *arr;
  size_t total = 0;
  json_object_foreach(points, key, arr) total += json_array_size(arr);
  if (total) {
    t->points = malloc(total * sizeof *t->points);
    if (!t->points) return -1;
    json_object_foreach(points, key, arr) {
      lc_cov_file *f = lc_cov_get(r->cov, key);
      if (!f) return -1;
      size_t i;
      json_t *v;
      json_array_foreach(arr, i, v) {
        t->points[t->npoints].file = f->id;
        t->points[t->npoints].line = (int)json_integer_value(v);
        t->npoints++;
      }
    }
  }
  free(r->running);
  r->running = NULL;
  return 0;
}

static int apply_cov(lc_specres *r, json_t *o) {
  size_t i, j;
  json_t *f, *v;
  json_array_foreach(json_object_get(o, "files"), i, f) {
    const char *path = json_string_value(json_object_get(f, "path"));
    if (!path) return -1;
    lc_cov_file *cf = lc_cov_get(r->cov, path);
    if (!cf) return -1;
    cf->loads += (int)json_integer_value(json_object_get(f, "loads"));
    json_array_foreach(json_object_get(f, "exec"), j, v)
      if (lc_cov_mark_exec(cf, (int)json_integer_value(v)) != 0) return -1;
    json_array_foreach(json_object_get(f, "hits"), j, v) {
      int line = (int)json_integer_value(json_array_get(v, 0));
      json_int_t h = json_integer_value(json_array_get(v, 1));
      if (line < 0 || h < 0) continue;
      if (lc_cov_add_hits(cf, line, (uint64_t)h) != 0) return -1;
    }
  }
  return 0;
}

static int apply(lc_specres *r, const char *line, size_t n) {
  json_error_t e;
  json_t *o = json_loadb(line, n, 0, &e);
  if (!o) return -1;
  const char *t = json_string_value(json_object_get(o, "t"));
  int rc = 0;
  if (!t) rc = -1;
  else if (!strcmp(t, "start")) {
    free(r->running);
    r->running = dupj(o, "name");
  } else if (!strcmp(t, "test")) rc = apply_test(r, o);
  else if (!strcmp(t, "cov")) rc = apply_cov(r, o);
  else if (!strcmp(t, "read")) {
    const char *p = json_string_value(json_object_get(o, "path"));
    rc = p ? lc_specres_add_read(r, p) : -1;
  }
  else if (!strcmp(t, "end")) r->finished = 1;
  json_decref(o);
  return rc;
}

int lc_wire_dec_feed(lc_wire_dec *d, const char *buf, size_t n) {
  if (d->n + n + 1 > d->cap) {
    size_t ncap = d->cap ? d->cap : 4096;
    while (ncap < d->n + n + 1) ncap *= 2;
    char *nb = realloc(d->buf, ncap);
    if (!nb) return -1;
    d->buf = nb;
    d->cap = ncap;
  }
  memcpy(d->buf + d->n, buf, n);
  d->n += n;
  int rc = 0;
  size_t start = 0;
  for (size_t i = 0; i < d->n; i++) {
    if (d->buf[i] != '\n') continue;
    if (i > start && apply(d->r, d->buf + start, i - start) != 0) rc = -1;
    start = i + 1;
  }
  memmove(d->buf, d->buf + start, d->n - start);
  d->n -= start;
  return rc;
}

/* }====================================================== */
