/*
** lc_report_xml.c: XML reports: JUnit (busted's -o junit) and Cobertura
** (coverage-04.dtd), written with a few helpers rather than a library.
*/
#include "lc_report.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Character data and attribute values: the five entities escaped, control
   characters that XML 1.0 forbids replaced by '?'. */
static void put_esc(FILE *out, const char *s) {
  for (; s && *s; s++) {
    unsigned char c = (unsigned char)*s;
    switch (c) {
      case '&': fputs("&amp;", out); break;
      case '<': fputs("&lt;", out); break;
      case '>': fputs("&gt;", out); break;
      case '"': fputs("&quot;", out); break;
      case '\'': fputs("&apos;", out); break;
      default:
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') fputc('?', out);
        else fputc(c, out);
    }
  }
}

/* {====================================================== JUnit */

/* A record that is not a test: an error in a hook or a block body (busted
   writes those as <error> of the testsuite, not as a testcase). */
static int outside_test(const lc_testrec *t) {
  return t->kind && strcmp(t->kind, "it") != 0;
}

static void put_first_line_attr(FILE *out, const char *msg) {
  if (!msg) return;
  size_t n = strcspn(msg, "\n");
  char *first = malloc(n + 1);
  if (!first) return;
  memcpy(first, msg, n);
  first[n] = '\0';
  fputs(" message=\"", out);
  put_esc(out, first);
  fputc('"', out);
  free(first);
}

int lc_report_junit(const lc_results *r, const lc_report_opts *o, FILE *out) {
  int tests = 0, fail = 0, err = 0, skip = 0;
  for (int s = 0; s < r->nspecs; s++) {
    for (int i = 0; i < r->specs[s]->ntests; i++) {
      const lc_testrec *t = &r->specs[s]->tests[i];
      if (t->status == LC_PENDING && o->suppress_pending) continue;
      tests += !outside_test(t);
      fail += t->status == LC_FAILURE;
      err += t->status == LC_ERROR;
      skip += t->status == LC_PENDING;
    }
  }
  char stamp[32];
  time_t now = time(NULL);
  struct tm tm;
  gmtime_r(&now, &tm);
  strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
  fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
  fprintf(out, "<testsuites tests=\"%d\" errors=\"%d\" failures=\"%d\" skip=\"%d\" time=\"%.2f\">\n",
          tests, err, fail, skip, o->seconds);
  fprintf(out, "\t<testsuite name=\"Run 1 of 1\" tests=\"%d\" errors=\"%d\" failures=\"%d\" "
          "skip=\"%d\" timestamp=\"%s\" time=\"%.2f\">\n", tests, err, fail, skip, stamp, o->seconds);
  for (int s = 0; s < r->nspecs; s++) {
    const lc_specres *sr = r->specs[s];
    const char *file = lc_project_rel(r->proj, sr->spec);
    for (int i = 0; i < sr->ntests; i++) {
      const lc_testrec *t = &sr->tests[i];
      if (t->status == LC_PENDING && o->suppress_pending) continue;
      if (outside_test(t)) {
        fputs("\t\t<error", out);
        put_first_line_attr(out, t->message);
        fputc('>', out);
        put_esc(out, t->name);
        fputc('\n', out);
        if (t->message) put_esc(out, t->message);
        if (t->trace) {
          fputc('\n', out);
          put_esc(out, t->trace);
        }
        fputs("</error>\n", out);
        continue;
      }
      fputs("\t\t<testcase classname=\"", out);
      put_esc(out, file);
      fprintf(out, ":%d\" name=\"", t->line);
      put_esc(out, t->name);
      fprintf(out, "\" time=\"%.2f\"", t->ms / 1000.0);
      int has_out = t->output && *t->output;
      if (t->status == LC_SUCCESS && !has_out) { fputs("/>\n", out); continue; }
      fputs(">\n", out);
      if (t->status != LC_SUCCESS) {
        const char *tag = t->status == LC_FAILURE ? "failure"
                        : t->status == LC_ERROR ? "error" : "skipped";
        fprintf(out, "\t\t\t<%s", tag);
        put_first_line_attr(out, t->message);
        fputc('>', out);
        if (t->status != LC_PENDING && o->seed) fprintf(out, "Random seed: %ld\n", o->seed);
        if (t->message) put_esc(out, t->message);
        if (t->trace && t->status != LC_PENDING) {
          fputc('\n', out);
          put_esc(out, t->trace);
        }
        fprintf(out, "</%s>\n", tag);
      }
      if (has_out) {
        fputs("\t\t\t<system-out>", out);
        put_esc(out, t->output);
        fputs("</system-out>\n", out);
      }
      fputs("\t\t</testcase>\n", out);
    }
  }
  fputs("\t</testsuite>\n</testsuites>\n", out);
  return ferror(out) ? -1 : 0;
}

/* }====================================================== */

/* {====================================================== Cobertura */

static double rate(long hit, long lines) {
  return lines ? (double)hit / (double)lines : 1.0;
}

/* Length of the directory part of a relative path ("src/a/b.lua" -> 5). */
static size_t dir_len(const char *rel) {
  const char *s = strrchr(rel, '/');
  return s ? (size_t)(s - rel) : 0;
}

static int same_dir(const char *a, const char *b) {
  size_t n = dir_len(a);
  return n == dir_len(b) && strncmp(a, b, n) == 0;
}

/* Package name: the directory with '/' as '.', "." for the root. */
static void put_package_name(FILE *out, const char *rel) {
  size_t n = dir_len(rel);
  if (n == 0) { fputc('.', out); return; }
  char buf[PATH_MAX];
  if (n >= sizeof buf) n = sizeof buf - 1;
  for (size_t i = 0; i < n; i++) buf[i] = rel[i] == '/' ? '.' : rel[i];
  buf[n] = '\0';
  put_esc(out, buf);
}

int lc_report_cobertura(const lc_results *r, FILE *out) {
  int nf = lc_cov_nfiles(r->total);
  long tl = 0, th = 0;
  for (int i = 0; i < nf; i++) {
    long n, h;
    lc_file_counts(lc_cov_file_at(r->total, i), &n, &h);
    tl += n;
    th += h;
  }
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  fprintf(out, "<?xml version=\"1.0\" ?>\n"
          "<!DOCTYPE coverage SYSTEM \"http://cobertura.sourceforge.net/xml/coverage-04.dtd\">\n");
  fprintf(out, "<coverage line-rate=\"%.4f\" branch-rate=\"0\" lines-covered=\"%ld\" "
          "lines-valid=\"%ld\" branches-covered=\"0\" branches-valid=\"0\" complexity=\"0\" "
          "version=\"livecov %s\" timestamp=\"%lld\">\n", rate(th, tl), th, tl, LIVECOV_VERSION,
          (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
  fputs("\t<sources>\n\t\t<source>", out);
  put_esc(out, r->proj->root);
  fputs("</source>\n\t</sources>\n\t<packages>\n", out);
  char *done = calloc(nf > 0 ? (size_t)nf : 1, 1);
  if (!done) return -1;
  for (int i = 0; i < nf; i++) {
    if (done[i]) continue;
    const char *rel = lc_project_rel(r->proj, lc_cov_file_at(r->total, i)->path);
    long pl = 0, ph = 0;
    for (int j = i; j < nf; j++) {
      const char *o = lc_project_rel(r->proj, lc_cov_file_at(r->total, j)->path);
      if (!same_dir(rel, o)) continue;
      long n, h;
      lc_file_counts(lc_cov_file_at(r->total, j), &n, &h);
      pl += n;
      ph += h;
    }
    fputs("\t\t<package name=\"", out);
    put_package_name(out, rel);
    fprintf(out, "\" line-rate=\"%.4f\" branch-rate=\"0\" complexity=\"0\">\n\t\t\t<classes>\n",
            rate(ph, pl));
    for (int j = i; j < nf; j++) {
      lc_cov_file *f = lc_cov_file_at(r->total, j);
      const char *o = lc_project_rel(r->proj, f->path);
      if (done[j] || !same_dir(rel, o)) continue;
      done[j] = 1;
      long n, h;
      lc_file_counts(f, &n, &h);
      const char *base = o + dir_len(o) + (dir_len(o) ? 1 : 0);
      size_t bl = strlen(base);
      if (bl > 4 && !strcmp(base + bl - 4, ".lua")) bl -= 4;
      char name[PATH_MAX];
      snprintf(name, sizeof name, "%.*s", (int)bl, base);
      fputs("\t\t\t\t<class name=\"", out);
      put_esc(out, name);
      fputs("\" filename=\"", out);
      put_esc(out, o);
      fprintf(out, "\" line-rate=\"%.4f\" branch-rate=\"0\" complexity=\"0\">\n", rate(h, n));
      fputs("\t\t\t\t\t<methods/>\n\t\t\t\t\t<lines>\n", out);
      for (int l = 0; l <= f->maxline; l++)
        if (f->exec[l])
          fprintf(out, "\t\t\t\t\t\t<line number=\"%d\" hits=\"%llu\" branch=\"false\"/>\n",
                  l, (unsigned long long)f->hits[l]);
      fputs("\t\t\t\t\t</lines>\n\t\t\t\t</class>\n", out);
    }
    fputs("\t\t\t</classes>\n\t\t</package>\n", out);
  }
  free(done);
  fputs("\t</packages>\n</coverage>\n", out);
  return ferror(out) ? -1 : 0;
}

/* }====================================================== */
