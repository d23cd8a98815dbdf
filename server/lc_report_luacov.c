/*
** lc_report_luacov.c: LuaCov's statistics file (luacov.stats.out), so that
** `livecov run -c` leaves what `busted -c` leaves and the tools built on
** LuaCov's file (its reporter, luacov-coveralls, luacov-cobertura...) read
** livecov's counts. The format is LuaCov's stats.lua: per file, sorted by
** name, "MAX:NAME\n" then the hits of lines 1..MAX each followed by a
** space, then "\n"; MAX is the last line with a hit and files without one
** are left out. Like LuaCov, an existing file is added to, not replaced.
*/
#include "lc_report.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct sfile {
  char *name;
  unsigned long long *hits;   /* [1..max] */
  int max;
} sfile;

typedef struct stats { sfile *v; int n, cap; } stats;

static void stats_free(stats *s) {
  for (int i = 0; i < s->n; i++) {
    free(s->v[i].name);
    free(s->v[i].hits);
  }
  free(s->v);
}

/* The record of 'name', made or grown to hold lines up to 'max'. */
static sfile *stats_get(stats *s, const char *name, int max) {
  sfile *f = NULL;
  for (int i = 0; i < s->n && !f; i++)
    if (!strcmp(s->v[i].name, name)) f = &s->v[i];
  if (!f) {
    if (s->n == s->cap) {
      int ncap = s->cap ? s->cap * 2 : 16;
      sfile *nv = realloc(s->v, (size_t)ncap * sizeof *nv);
      if (!nv) return NULL;
      s->v = nv;
      s->cap = ncap;
    }
    f = &s->v[s->n];
    memset(f, 0, sizeof *f);
    if (!(f->name = strdup(name))) return NULL;
    s->n++;
  }
  if (max > f->max) {
    unsigned long long *nh = realloc(f->hits, ((size_t)max + 1) * sizeof *nh);
    if (!nh) return NULL;
    memset(nh + f->max + 1, 0, (size_t)(max - f->max) * sizeof *nh);
    f->hits = nh;
    f->max = max;
  }
  return f;
}

/* Reads an existing stats file; like LuaCov's loader it keeps what it read
   up to the first thing that does not fit the format. */
static int stats_load(stats *s, FILE *in) {
  char *name = NULL;
  size_t cap = 0;
  int rc = 0;
  for (;;) {
    int max;
    if (fscanf(in, "%d", &max) != 1 || max < 0 || fgetc(in) != ':') break;
    ssize_t len = getline(&name, &cap, in);
    if (len <= 0) break;
    if (name[len - 1] == '\n') name[len - 1] = '\0';
    sfile *f = stats_get(s, name, max);
    if (!f) { rc = -1; break; }
    int i = 1;
    for (; i <= max; i++) {
      unsigned long long h;
      if (fscanf(in, "%llu", &h) != 1 || fgetc(in) != ' ') break;
      f->hits[i] += h;
    }
    if (i <= max) break;
  }
  free(name);
  return rc;
}

static int by_name(const void *a, const void *b) {
  return strcmp(((const sfile *)a)->name, ((const sfile *)b)->name);
}

int lc_report_luacov_stats(const lc_results *r, const char *path, char *err, size_t errlen) {
  stats s = { NULL, 0, 0 };
  int rc = -1;
  FILE *in = fopen(path, "r");
  if (in) {
    int lrc = stats_load(&s, in);
    fclose(in);
    if (lrc != 0) { snprintf(err, errlen, "out of memory"); goto done; }
  }
  for (int i = 0; i < lc_cov_nfiles(r->total); i++) {
    lc_cov_file *f = lc_cov_file_at(r->total, i);
    int max = 0;
    for (int l = 1; l <= f->maxline; l++)
      if (f->hits[l]) max = l;
    if (max == 0) continue;                   /* LuaCov lists files it saw run */
    sfile *e = stats_get(&s, lc_project_rel(r->proj, f->path), max);
    if (!e) { snprintf(err, errlen, "out of memory"); goto done; }
    for (int l = 1; l <= max; l++) e->hits[l] += f->hits[l];
  }
  qsort(s.v, (size_t)s.n, sizeof *s.v, by_name);
  FILE *out = fopen(path, "w");
  if (!out) {
    snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
    goto done;
  }
  for (int i = 0; i < s.n; i++) {
    fprintf(out, "%d:%s\n", s.v[i].max, s.v[i].name);
    for (int l = 1; l <= s.v[i].max; l++) fprintf(out, "%llu ", s.v[i].hits[l]);
    fputc('\n', out);
  }
  if (ferror(out) | (fclose(out) != 0)) {
    snprintf(err, errlen, "cannot write %s", path);
    goto done;
  }
  rc = 0;
done:
  stats_free(&s);
  return rc;
}
