/*
** lc_worker.c: the worker process. Arguments describe one job:
**   __worker --root DIR --spec FILE [--lpath P] [--cpath P] [--helper F]... [--helper-arg A]...
**            [--exec STATEMENT]... [--tag T]... [--exclude-tag T]...
**            [--filter P]... [--filter-out P]...
**            [--shuffle] [--seed N] [--sort] [--lazy] [--no-auto-insulate]
**            [--no-keep-going] [--list] [--per-test] [--mem-limit BYTES]
**            [--coverage-mode hook|instrument] [--timeout-ms N]
** Its stdin is empty (/dev/null); its stdout is captured per test and sent
** with each test's record. SIGTERM (the pool's time limit) stops the running
** test at its current line: it is reported as timed out there, and the
** coverage gathered so far is sent before the process ends.
*/
#include "lc_worker.h"
#include "lc_run.h"
#include "lc_instr.h"
#include "lc_wire.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct worker {
  lc_cov *cov;
  char *running;        /* name of the test in progress */
  off_t out_start;      /* offset of the captured stdout at test start */
  int capture;          /* stdout is a seekable capture file */
} worker;

static void emit(char *line) {
  if (!line) {
    static const char oom[] = "{\"t\":\"error\",\"message\":\"out of memory\"}\n";
    line = (char *)oom;
    (void)!write(LC_WORKER_FD, oom, sizeof oom - 1);
    return;
  }
  size_t n = strlen(line), off = 0;
  while (off < n) {
    ssize_t w = write(LC_WORKER_FD, line + off, n - off);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) break;          /* the parent is gone: nothing to do */
    off += (size_t)w;
  }
  free(line);
}

/* Returns what the test printed since it started (malloc'd) or NULL. */
static char *take_output(worker *w) {
  if (!w->capture) return NULL;
  fflush(stdout);
  off_t end = lseek(STDOUT_FILENO, 0, SEEK_END);
  if (end <= w->out_start) return NULL;
  size_t n = (size_t)(end - w->out_start);
  if (n > (1u << 20)) n = 1u << 20;     /* keep a megabyte, not a flood */
  char *buf = malloc(n + 1);
  if (!buf) return NULL;
  ssize_t r = pread(STDOUT_FILENO, buf, n, w->out_start);
  if (r < 0) r = 0;
  buf[r] = '\0';
  w->out_start = end;
  return buf;
}

static void on_start(void *ud, const char *name) {
  worker *w = ud;
  free(w->running);
  w->running = strdup(name);
  if (w->capture) {
    fflush(stdout);
    w->out_start = lseek(STDOUT_FILENO, 0, SEEK_END);
  }
  emit(lc_wire_start(name));
}

static void on_read(void *ud, const char *path) {
  (void)ud;
  emit(lc_wire_read(path));
}

static void on_test(void *ud, const lc_test_result *r) {
  worker *w = ud;
  char *out = take_output(w);
  emit(lc_wire_test(r, w->cov, out));
  free(out);
  free(w->running);
  w->running = NULL;
}

/* os.exit in a test: report the test as an error with the code, save the
   coverage gathered so far, and end the process as the test asked. */
static void on_exit_cb(void *ud, const lc_test_result *r, int code) {
  worker *w = ud;
  char *out = take_output(w);
  emit(lc_wire_test(r, w->cov, out));
  free(out);
  emit(lc_wire_cov(w->cov));
  emit(lc_wire_end());
  _exit(code == 0 ? 0 : 3);     /* LC_RUN_STOPPED too: 3 */
}

static void on_sigterm(int sig) {
  (void)sig;
  lc_run_interrupt();
}

#define MAXLIST 64
typedef struct strlist { const char *v[MAXLIST]; int n; } strlist;

static int push(strlist *l, const char *s) {
  if (l->n == MAXLIST) return -1;
  l->v[l->n++] = s;
  return 0;
}

/*
** A spare worker is started before its job is known, so that a save does
** not wait for exec and dynamic linking: `__worker --job-fd N` blocks on fd
** N for the job's arguments (NUL-separated, until EOF) and then runs as if
** they had been on its command line. EOF with no arguments: not needed.
*/
static char **read_job(int fd, int *argc) {
  size_t cap = 4096, n = 0;
  char *buf = malloc(cap);
  if (!buf) return NULL;
  for (;;) {
    if (n == cap) {
      char *nb = realloc(buf, cap *= 2);
      if (!nb) { free(buf); return NULL; }
      buf = nb;
    }
    ssize_t r = read(fd, buf + n, cap - n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    n += (size_t)r;
  }
  close(fd);
  int count = 1;
  for (size_t i = 0; i < n; i++) if (buf[i] == '\0') count++;
  char **v = calloc((size_t)count + 1, sizeof *v);   /* freed by the caller */
  if (!v) { free(buf); return NULL; }                /* with v[1] (buf) */
  v[0] = "__worker";
  int k = 1;
  for (size_t i = 0, start = 0; i < n; i++)
    if (buf[i] == '\0') { v[k++] = buf + start; start = i + 1; }
  if (k == 1) free(buf);               /* no job: nothing points into it */
  *argc = k;
  return v;
}

/* --overlay REALPATH=FILE: an editor buffer for REALPATH, in FILE (a
   temporary file of the server's, removed once read). */
static lc_overlay overlays[MAXLIST];
static int noverlays;

static int add_overlay(const char *arg) {
  const char *eq = strchr(arg, '=');
  if (!eq || noverlays == MAXLIST) return -1;
  FILE *f = fopen(eq + 1, "rb");
  if (!f) { fprintf(stderr, "livecov worker: overlay %s: %s\n", eq + 1, strerror(errno)); return -1; }
  size_t cap = 4096, n = 0;
  char *buf = malloc(cap);
  while (buf) {
    n += fread(buf + n, 1, cap - n, f);
    if (n < cap) break;
    char *nb = realloc(buf, cap *= 2);
    if (!nb) { free(buf); buf = NULL; }
    else buf = nb;
  }
  fclose(f);
  unlink(eq + 1);
  char *path = strndup(arg, (size_t)(eq - arg));
  if (!buf || !path) { free(buf); free(path); return -1; }
  overlays[noverlays].path = path;      /* both live until the process ends */
  overlays[noverlays].text = buf;
  overlays[noverlays].len = n;
  noverlays++;
  return 0;
}

static int worker_main(int argc, char **argv);

int lc_worker_main(int argc, char **argv) {
  if (argc == 3 && !strcmp(argv[1], "--job-fd")) {
    argv = read_job(atoi(argv[2]), &argc);
    if (!argv) { fprintf(stderr, "livecov worker: cannot read the job\n"); return 2; }
    int rc = argc == 1 ? 0 : worker_main(argc, argv);   /* argc 1: the pool closed */
    if (argc > 1) free(argv[1]);                          /* the job's buffer */
    free(argv);
    return rc;
  }
  return worker_main(argc, argv);
}

static int worker_main(int argc, char **argv) {
  lc_run_opts o;
  memset(&o, 0, sizeof o);
  strlist helpers = {0}, hargs = {0}, exec = {0}, tags = {0}, xtags = {0}, filt = {0},
          filtout = {0};
  const char *spec = NULL;
  o.mem_limit = (size_t)1 << 30;
  o.coverage_mode = LC_COVERAGE_INSTRUMENT;   /* the default, when this Lua allows it */
  int mode_given = 0;
  unsigned long timeout_ms = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *v = (i + 1 < argc) ? argv[i + 1] : NULL;
    int bad = 0;
    if (!strcmp(a, "--shuffle")) { o.shuffle = 1; continue; }
    if (!strcmp(a, "--per-test")) { o.per_test = 1; continue; }
    if (!strcmp(a, "--sort")) { o.sort = 1; continue; }
    if (!strcmp(a, "--lazy")) { o.lazy = 1; continue; }
    if (!strcmp(a, "--no-auto-insulate")) { o.no_auto_insulate = 1; continue; }
    if (!strcmp(a, "--no-keep-going")) { o.no_keep_going = 1; continue; }
    if (!strcmp(a, "--list")) { o.list = 1; continue; }
    if (!v) { fprintf(stderr, "livecov worker: %s needs a value\n", a); return 2; }
    i++;
    if (!strcmp(a, "--root")) o.root = v;
    else if (!strcmp(a, "--spec")) spec = v;
    else if (!strcmp(a, "--lpath")) o.lpath = v;
    else if (!strcmp(a, "--cpath")) o.cpath = v;
    else if (!strcmp(a, "--helper")) bad = push(&helpers, v);
    else if (!strcmp(a, "--exec")) bad = push(&exec, v);
    else if (!strcmp(a, "--helper-arg")) bad = push(&hargs, v);
    else if (!strcmp(a, "--tag")) bad = push(&tags, v);
    else if (!strcmp(a, "--exclude-tag")) bad = push(&xtags, v);
    else if (!strcmp(a, "--filter")) bad = push(&filt, v);
    else if (!strcmp(a, "--filter-out")) bad = push(&filtout, v);
    else if (!strcmp(a, "--overlay")) bad = add_overlay(v);
    else if (!strcmp(a, "--seed")) o.seed = strtol(v, NULL, 10);
    else if (!strcmp(a, "--mem-limit")) o.mem_limit = (size_t)strtoull(v, NULL, 10);
    else if (!strcmp(a, "--timeout-ms")) timeout_ms = strtoul(v, NULL, 10);
    else if (!strcmp(a, "--coverage-mode")) {
      mode_given = 1;
      if (!strcmp(v, "hook")) o.coverage_mode = LC_COVERAGE_HOOK;
      else if (!strcmp(v, "instrument")) o.coverage_mode = LC_COVERAGE_INSTRUMENT;
      else { fprintf(stderr, "livecov worker: --coverage-mode is hook or instrument\n"); return 2; }
    }
    else { fprintf(stderr, "livecov worker: unknown option %s\n", a); return 2; }
    if (bad) { fprintf(stderr, "livecov worker: too many %s\n", a); return 2; }
  }
  if (o.coverage_mode == LC_COVERAGE_INSTRUMENT) {
    char why[256];
    if (!lc_instr_supported(why, sizeof why)) {
      if (mode_given)
        fprintf(stderr, "livecov: instrument mode unavailable (%s); using the line hook\n", why);
      o.coverage_mode = LC_COVERAGE_HOOK;
    }
  }
  if (!o.root || !spec) {
    fprintf(stderr, "livecov worker: --root and --spec are required\n");
    return 2;
  }
  if (chdir(o.root) != 0) {
    fprintf(stderr, "livecov worker: cannot enter %s: %s\n", o.root, strerror(errno));
    return 2;
  }
  /* Tests read an empty stdin, whoever started the worker. */
  if (!freopen("/dev/null", "r", stdin)) { /* keep the inherited one */ }
  worker w;
  memset(&w, 0, sizeof w);
  /* Capture the test's stdout in an anonymous file, read back per test. */
  FILE *cap = tmpfile();
  if (cap && dup2(fileno(cap), STDOUT_FILENO) >= 0) w.capture = 1;
  w.cov = lc_cov_new();
  if (!w.cov) { fprintf(stderr, "livecov worker: out of memory\n"); return 2; }
  o.helpers = helpers.v; o.nhelpers = helpers.n;
  o.exec = exec.v; o.nexec = exec.n;
  o.helper_args = hargs.v; o.nhelper_args = hargs.n;
  o.overlays = overlays; o.noverlays = noverlays;
  o.tags = tags.v; o.ntags = tags.n;
  o.exclude_tags = xtags.v; o.nexclude_tags = xtags.n;
  o.filter = filt.v; o.nfilter = filt.n;
  o.filter_out = filtout.v; o.nfilter_out = filtout.n;
  o.on_test_start = on_start;
  o.on_test = on_test;
  o.on_exit_result = on_exit_cb;
  o.on_read = on_read;
  o.ud = &w;
  /* the same words as lc_specres_close's, for a worker that cannot stop */
  char stop_msg[64];
  snprintf(stop_msg, sizeof stop_msg, "timed out after %g s", (double)timeout_ms / 1000.0);
  if (timeout_ms) o.stop_message = stop_msg;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_sigterm;
  sigemptyset(&sa.sa_mask);
  if (sigaction(SIGTERM, &sa, NULL) != 0)
    fprintf(stderr, "livecov worker: SIGTERM handler: %s\n", strerror(errno));
  lc_run_summary sum;
  int rc = lc_run_file(&o, spec, w.cov, &sum);
  if (rc != 0) fprintf(stderr, "livecov worker: cannot create a Lua state\n");
  emit(lc_wire_cov(w.cov));
  emit(lc_wire_end());
  lc_cov_free(w.cov);
  free(w.running);
  if (cap) fclose(cap);
  return rc == 0 ? 0 : 2;
}
