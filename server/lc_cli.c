/*
** lc_cli.c: `livecov run`, a drop-in for `busted` (+ LuaCov). Settings come
** from the command line, then the project's .busted task, then busted's
** defaults; spec files are discovered as busted does and each runs in a
** worker process (in parallel); results are merged in spec order (so -j1
** and -jN print the same) and reported in busted's output formats, with
** coverage reports on top.
*/
#include "lc_cli.h"
#include "lc_instr.h"
#include "lc_busted.h"
#include "lc_conf.h"
#include "lc_pat.h"
#include "lc_pool.h"
#include "lc_project.h"
#include "lc_report.h"
#include "lc_results.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

static const char usage[] =
  "usage: livecov run [options] [ROOT...]\n"
  "Runs the project's busted specs (or the given spec files, directories or\n"
  "plain Lua scripts) with line coverage. Settings come from these options,\n"
  "then the .busted file (task `default`, or --run TASK), then busted's defaults.\n"
  "\n"
  "busted's options:\n"
  "  -C, --directory DIR       project root (default: current directory); alias --root\n"
  "  -f, --config-file FILE    configuration file (default: ROOT/.busted)\n"
  "  -r, --run TASK            task of the configuration file (default: default)\n"
  "  -p, --pattern PAT         spec file name pattern (default: _spec)\n"
  "      --exclude-pattern PAT skip spec files whose name matches\n"
  "  -t, --tags TAGS           run only tests with these #tags (comma separated)\n"
  "      --exclude-tags TAGS   skip tests with these #tags\n"
  "      --filter PAT          run only tests whose full name matches\n"
  "      --filter-out PAT      skip tests whose full name matches\n"
  "  -m, --lpath PATH          prepend to package.path (default: ./src/?.lua;...)\n"
  "      --cpath PATH          prepend to package.cpath (default: ./csrc/?.so;...)\n"
  "      --helper FILE         run FILE (or require a module) before each spec file\n"
  "  -Xhelper OPTION           for the helper: its arg[1], arg[2]... (comma separated)\n"
  "  -e STATEMENT              run a Lua statement before the helpers, in each spec's state\n"
  "  -o, --output FORMAT       utfTerminal, plainTerminal, TAP, gtest, json, junit\n"
  "  -Xoutput OPTION           for junit: the file to write; gtest: --color, --plain\n"
  "  -v, --[no-]verbose        tracebacks, and the output of passing tests\n"
  "  -l, --list                list the tests instead of running them\n"
  "      --[no-]shuffle        randomise file and test order (--shuffle-files/-tests)\n"
  "      --[no-]sort           sort file and test order (--sort-files/-tests)\n"
  "      --seed N              random seed for shuffling\n"
  "      --[no-]lazy           setup/teardown are lazy_setup/lazy_teardown\n"
  "      --[no-]auto-insulate  insulate each spec file (default on)\n"
  "  -k, --[no-]keep-going     go on after an error or failure (default on)\n"
  "  -R, --[no-]recursive      search ROOT directories recursively (default on)\n"
  "      --[no-]suppress-pending  leave pending tests out of the output\n"
  "  -c, --[no-]coverage       also write LuaCov's statistics file (.luacov's\n"
  "                            statsfile, default luacov.stats.out), added to\n"
  "                            as LuaCov does\n"
  "      --coverage-config-file FILE  LuaCov configuration (default: ROOT/.luacov)\n"
  "      --lua LUA             ignored: specs run on livecov's own Lua 5.4\n"
  "\n"
  "livecov's options:\n"
  "      --lcov FILE           write lcov coverage to FILE\n"
  "      --json FILE           write the JSON report (tests, per-test lines, coverage)\n"
  "      --cobertura FILE      write Cobertura XML coverage to FILE\n"
  "  -j, --jobs N              worker processes (default: number of cores); also -jN\n"
  "      --timeout T           time limit per spec file: ms, or with s/ms (default 10s)\n"
  "      --memory-limit MB     memory limit per spec file (default 1024)\n"
  "      --coverage-mode MODE  hook (Lua's line hook) or instrument (rewritten\n"
  "                            bytecode, same counts, faster) (default: instrument)\n"
  "  -h, --help                this text\n";

/* {====================================================== settings */

/* Short and alternative spellings of the command line. */
static const struct { const char *flag; int id; } aliases[] = {
  { "-p", LC_B_PATTERN }, { "-t", LC_B_TAGS }, { "-m", LC_B_LPATH }, { "-o", LC_B_OUTPUT },
  { "-r", LC_B_RUN }, { "-C", LC_B_DIRECTORY }, { "--root", LC_B_DIRECTORY }, { "-f", LC_B_CONFIG },
  { "-v", LC_B_VERBOSE }, { "-l", LC_B_LIST }, { "-c", LC_B_COVERAGE }, { "-k", LC_B_KEEPGOING },
  { "-R", LC_B_RECURSIVE }, { "-e", LC_B_E }, { "-s", LC_B_SOUND }, { "-Xoutput", LC_B_XOUTPUT }, { "-Xhelper", LC_B_XHELPER },
};

/* }====================================================== */

/* {====================================================== the run */

typedef struct cli {
  lc_project proj;
  lc_specres **res;          /* indexed like proj.specs */
  int nres;
  int next_mark;             /* progress printed for specs before this one */
  int gtest;                 /* -o gtest: print each spec file's block as it comes */
  lc_results live;           /* the project only, for those blocks */
  lc_gtest gcount;
  int marks;                 /* print progress marks */
  int stop_on_error;         /* busted --no-keep-going */
  int cutoff;                /* with it: specs from here on are not reported */
  lc_pool *pool;
  unsigned timeout_ms;
  lc_report_opts ro;
} cli;

static int spec_index(cli *c, const char *spec) {
  for (int i = 0; i < c->proj.specs.n; i++)
    if (!strcmp(c->proj.specs.v[i], spec)) return i;
  return -1;
}

/* Progress marks, one per test, in spec order whatever order the workers
   finish in (the same output for -j1 and -jN). */
static void print_marks(cli *c) {
  while (c->next_mark < c->cutoff && c->res[c->next_mark]) {
    lc_specres *r = c->res[c->next_mark++];
    if (c->marks)
      for (int t = 0; t < r->ntests; t++) fputs(lc_report_mark(&r->tests[t], &c->ro), stdout);
    if (c->gtest) {
      if (c->next_mark == 1) lc_report_gtest_begin(&c->ro, stdout);
      lc_report_gtest_file(&c->live, r, &c->ro, &c->gcount, stdout);
    }
    int fail, err;
    lc_specres_count(r, NULL, &fail, &err, NULL);
    if (c->stop_on_error && (fail || err)) {
      /* busted stops at the first failure: the specs after this one (in
         order, whatever has run already) are cancelled and not reported */
      c->cutoff = c->next_mark;
      if (c->pool) lc_pool_cancel(c->pool, NULL);
    }
  }
  fflush(stdout);
}

static void on_done(lc_pool *p, lc_job *job, void *ud) {
  (void)p;
  cli *c = ud;
  int i = spec_index(c, job->spec);
  if (i < 0 || c->res[i] || i >= c->cutoff) return;
  lc_specres_close(job->res, job->errtext, c->timeout_ms);
  c->res[i] = job->res;
  job->res = NULL;                     /* stolen */
  print_marks(c);
}

/* "10000", "10s", "500ms" -> milliseconds; 0 on a malformed value. */
static unsigned parse_ms(const char *v) {
  char *end;
  double d = strtod(v, &end);
  if (end == v || d < 0) return 0;
  if (!strcmp(end, "s")) d *= 1000.0;
  else if (*end && strcmp(end, "ms") != 0) return 0;
  return (unsigned)(d + 0.5);
}

/* A path of the command line or .busted, relative to the root. */
static char *under_root(const char *root, const char *p) {
  if (p[0] == '/') return strdup(p);
  while (p[0] == '.' && p[1] == '/') p += 2;
  size_t n = strlen(root) + strlen(p) + 2;
  char *s = malloc(n);
  if (s) snprintf(s, n, "%s/%s", root, p);
  return s;
}

static int write_file(const char *path, const lc_results *r, const lc_report_opts *o,
                      int (*fn)(const lc_results *, const lc_report_opts *, FILE *)) {
  FILE *f = fopen(path, "w");
  int rc = (!f || fn(r, o, f) != 0) ? -1 : 0;
  if (f && fclose(f) != 0) rc = -1;
  if (rc) fprintf(stderr, "livecov run: cannot write %s\n", path);
  return rc;
}

static int w_lcov(const lc_results *r, const lc_report_opts *o, FILE *f) { (void)o; return lc_report_lcov(r, f); }
static int w_json(const lc_results *r, const lc_report_opts *o, FILE *f) { (void)o; return lc_report_json(r, f); }
static int w_cobertura(const lc_results *r, const lc_report_opts *o, FILE *f) { (void)o; return lc_report_cobertura(r, f); }

/* A seed when shuffling without --seed (busted: /dev/urandom or time). */
static long pick_seed(void) {
  unsigned char b[4] = { 0, 0, 0, 0 };
  FILE *f = fopen("/dev/urandom", "rb");
  if (f) {
    if (fread(b, 1, 4, f) != 4) memset(b, 0, 4);
    fclose(f);
  }
  long v = ((long)b[0] << 24 | (long)b[1] << 16 | (long)b[2] << 8 | (long)b[3]) & 0x7fffffffL;
  return v ? v : (long)(uv_hrtime() & 0x7fffffff);
}

/* --shuffle-files: busted's own order for the seed. 0, or -1 on no memory. */
static int shuffle_specs(lc_strv *v, long seed) {
  if (v->n < 2) return 0;
  int *perm = malloc((size_t)v->n * sizeof *perm);
  char **nv = malloc((size_t)v->n * sizeof *nv);
  if (!perm || !nv || lc_conf_shuffle(seed, v->n, perm) != 0) {
    free(perm);
    free(nv);
    return -1;
  }
  for (int i = 0; i < v->n; i++) nv[i] = v->v[perm[i]];
  memcpy(v->v, nv, (size_t)v->n * sizeof *nv);
  free(perm);
  free(nv);
  return 0;
}

int lc_cli_run(const char *self, int argc, char **argv) {
  lc_bsetting s[LC_B_NSETTINGS];
  lc_busted_init(s);
  const char *lcov = NULL, *json = NULL, *cobertura = NULL;
  const char *covmode = "instrument";
  int jobs = 0;
  unsigned long mem_mb = 1024;
  cli c;
  memset(&c, 0, sizeof c);
  c.timeout_ms = 10000;
  lc_strv paths = {0}, wargs = {0};
  lc_results res;
  memset(&res, 0, sizeof res);
  int rc = 2, missing = 0, explicit_none = 0;
  char err[1024];

  /* {=== the command line */
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    char flag[128];
    const char *inl = NULL;            /* value given as --flag=value */
    if (a[0] == '-' && a[1] == '-' && strchr(a, '=')) {
      size_t n = (size_t)(strchr(a, '=') - a);
      if (n >= sizeof flag) n = sizeof flag - 1;
      memcpy(flag, a, n);
      flag[n] = '\0';
      inl = a + n + 1;
      a = flag;
    }
#define VALUE() (inl ? inl : (i + 1 < argc ? argv[++i] : NULL))
#define NEED(v) if (!(v)) { fprintf(stderr, "livecov run: %s needs a value\n", a); goto out; }
    const char *v;
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) { fputs(usage, stdout); rc = 0; goto out; }
    if (!strcmp(a, "--version")) { printf("%s\n", LIVECOV_VERSION); rc = 0; goto out; }
    if (!strcmp(a, "--lcov")) { v = VALUE(); NEED(v); lcov = v; continue; }
    if (!strcmp(a, "--json")) { v = VALUE(); NEED(v); json = v; continue; }
    if (!strcmp(a, "--cobertura")) { v = VALUE(); NEED(v); cobertura = v; continue; }
    if (!strcmp(a, "-j") || !strcmp(a, "--jobs") || (a[0] == '-' && a[1] == 'j' && a[2])) {
      v = a[1] == 'j' && a[2] ? a + 2 : VALUE();     /* -j4 as make takes it */
      NEED(v);
      jobs = atoi(v);
      if (jobs < 1) { fprintf(stderr, "livecov run: -j needs a positive number\n"); goto out; }
      continue;
    }
    if (!strcmp(a, "--timeout")) {
      v = VALUE(); NEED(v);
      if (!(c.timeout_ms = parse_ms(v))) {
        fprintf(stderr, "livecov run: --timeout needs a time (ms, or with s/ms)\n");
        goto out;
      }
      continue;
    }
    if (!strcmp(a, "--memory-limit")) { v = VALUE(); NEED(v); mem_mb = strtoul(v, NULL, 10); continue; }
    if (!strcmp(a, "--coverage-mode")) {
      v = VALUE(); NEED(v);
      if (strcmp(v, "hook") != 0 && strcmp(v, "instrument") != 0) {
        fprintf(stderr, "livecov run: --coverage-mode is hook or instrument\n");
        goto out;
      }
      covmode = v;
      continue;
    }
    /* busted's flags, with their --no- forms */
    if (!strcmp(a, "--shuffle") || !strcmp(a, "--no-shuffle") ||
        !strcmp(a, "--sort") || !strcmp(a, "--no-sort")) {
      int on = a[2] != 'n';
      int id = strstr(a, "shuffle") ? LC_B_SHUFFLE_FILES : LC_B_SORT_FILES;
      s[id].b = s[id + 1].b = on;
      s[id].given = s[id + 1].given = s[id].set = s[id + 1].set = 1;
      continue;
    }
    int id = -1, negated = 0;
    for (size_t k = 0; k < sizeof aliases / sizeof *aliases; k++)
      if (!strcmp(a, aliases[k].flag)) id = aliases[k].id;
    if (id < 0 && a[0] == '-' && a[1] == '-') {
      const char *name = a + 2;
      if (!strncmp(name, "no-", 3)) { name += 3; negated = 1; }
      for (int k = 0; k < LC_B_NSETTINGS; k++)
        if (!strcmp(lc_busted_key(k), name) && strcmp(name, "ROOT") != 0) id = k;
      if (id >= 0 && negated && s[id].k != LC_BK_BOOL) id = -1;
    }
    if (id >= 0) {
      s[id].given = 1;
      if (s[id].k == LC_BK_BOOL) {
        s[id].b = !negated;
        s[id].set = 1;
        if (inl) s[id].b = strcmp(inl, "false") != 0;
      } else {
        v = VALUE(); NEED(v);
        if (id == LC_B_DIRECTORY && s[id].str) {
          /* -C is relative to the previous -C, as busted's */
          char *j = under_root(s[id].str, v);
          if (!j) goto oom;
          free(s[id].str);
          s[id].str = j;
          s[id].set = 1;
        } else if (lc_busted_add(&s[id], v)) goto oom;
      }
      continue;
    }
    if (a[0] == '-' && a[1]) {
      fprintf(stderr, "livecov run: unknown option '%s' (see livecov run --help)\n", a);
      goto out;
    }
    if (lc_strv_push(&paths, a)) goto oom;
  }
#undef VALUE
#undef NEED
  /* }=== */

  const char *root = s[LC_B_DIRECTORY].str ? s[LC_B_DIRECTORY].str : ".";
  if (lc_project_init(&c.proj, root, err, sizeof err) != 0) {
    fprintf(stderr, "livecov run: %s\n", err);
    goto out;
  }

  /* {=== .busted: under the command line, over the defaults */
  {
    char *conf = s[LC_B_CONFIG].str ? strdup(s[LC_B_CONFIG].str) : under_root(c.proj.root, ".busted");
    if (!conf) goto oom;
    int crc = lc_busted_read(s, conf, s[LC_B_RUN].str, err, sizeof err);
    if (crc == 1 && s[LC_B_CONFIG].str) {
      fprintf(stderr, "livecov run: specified config file '%s' not found\n", conf);
      free(conf);
      goto out;
    }
    if (crc == 1 && s[LC_B_RUN].str && *s[LC_B_RUN].str) {
      fprintf(stderr, "livecov run: error: Task `%s` not found, or not a table.\n", s[LC_B_RUN].str);
      free(conf);
      goto out;
    }
    if (crc < 0) {
      fprintf(stderr, "livecov run: error: %s: %s\n", conf, err);
      free(conf);
      goto out;
    }
    free(conf);
  }
  /* busted's defaults */
  if (lc_busted_defaults(s) != 0) goto oom;
  for (int i = 0; i < s[LC_B_TAGS].list.n; i++)
    if (lc_strv_has(&s[LC_B_XTAGS].list, s[LC_B_TAGS].list.v[i])) {
      fprintf(stderr, "livecov run: error: Cannot use --tags and --exclude-tags for the same tags\n");
      goto out;
    }
  if (s[LC_B_LUA].str)
    fprintf(stderr, "livecov: --lua %s ignored: specs run on livecov's own Lua 5.4\n", s[LC_B_LUA].str);
  if (s[LC_B_REPEAT].str && atoi(s[LC_B_REPEAT].str) > 1)
    fprintf(stderr, "livecov: --repeat is not supported; running once\n");
  /* }=== */

  /* {=== output */
  const char *fmt = s[LC_B_OUTPUT].str;
  int tty = isatty(STDOUT_FILENO);
  if (!fmt) fmt = tty ? "utfTerminal" : "plainTerminal";
  int terminal = 0;
  if (!strcmp(fmt, "utfTerminal")) { terminal = 1; c.ro.utf = 1; c.ro.color = tty; }
  else if (!strcmp(fmt, "plainTerminal")) terminal = 1;
  else if (!strcmp(fmt, "gtest")) {
    const lc_strv *x = &s[LC_B_XOUTPUT].list;   /* busted: --plain wins */
    c.ro.color = lc_strv_has(x, "--plain") ? 0 : lc_strv_has(x, "--color") ? 1 : tty;
  } else if (strcmp(fmt, "TAP") && strcmp(fmt, "json") && strcmp(fmt, "junit")) {
    fprintf(stderr, "livecov run: unknown output format '%s' "
                    "(utfTerminal, plainTerminal, TAP, gtest, json, junit)\n", fmt);
    goto out;
  }
  c.ro.verbose = s[LC_B_VERBOSE].b;
  c.ro.suppress_pending = s[LC_B_SUPPRESS].b;
  c.ro.defer_print = s[LC_B_DEFER].b;
  int list = s[LC_B_LIST].b;
  c.marks = terminal && !list;
  c.gtest = !strcmp(fmt, "gtest") && !list;
  c.live.proj = &c.proj;
  /* }=== */

  /* {=== discovery */
  if (lc_busted_discovery(s, &c.proj, err, sizeof err) != 0) {
    fprintf(stderr, "livecov run: %s\n", err);
    goto out;
  }
  {
    int lrc = s[LC_B_COVCONFIG].str
      ? lc_project_read_luacov_file(&c.proj, s[LC_B_COVCONFIG].str, err, sizeof err)
      : lc_project_read_luacov(&c.proj, err, sizeof err);
    if (lrc != 0) {
      fprintf(stderr, "livecov run: .luacov: %s\n", err);
      goto out;
    }
  }
  if (paths.n) {
    /* given ROOTs: relative to the project root, as busted after -C */
    lc_strv abs = {0};
    for (int i = 0; i < paths.n; i++) {
      char *p = under_root(c.proj.root, paths.v[i]);
      if (!p || lc_strv_push(&abs, p)) { free(p); lc_strv_clear(&abs); goto oom; }
      free(p);
      if (access(abs.v[abs.n - 1], F_OK) != 0) {
        fprintf(stderr, "livecov run: Cannot find file or directory: %s\n", paths.v[i]);
        free(abs.v[--abs.n]);
        missing++;
      }
    }
    if (missing) {       /* a path the user named is not there: usage error */
      lc_strv_clear(&abs);
      goto out;
    }
    int arc = lc_project_add_paths(&c.proj, abs.v, abs.n, err, sizeof err);
    lc_strv_clear(&abs);
    if (arc != 0) {
      fprintf(stderr, "livecov run: %s\n", err);
      goto out;
    }
    explicit_none = c.proj.specs.n == 0;
  } else {
    for (int i = 0; i < c.proj.test_dirs.n; i++) {
      char *p = under_root(c.proj.root, c.proj.test_dirs.v[i]);
      if (!p) goto oom;
      if (access(p, F_OK) != 0) {
        fprintf(stderr, "livecov run: Cannot find file or directory: %s\n", c.proj.test_dirs.v[i]);
        missing++;
      }
      free(p);
    }
  }
  if (lc_project_scan(&c.proj, err, sizeof err) != 0) {
    fprintf(stderr, "livecov run: %s\n", err);
    goto out;
  }
  if (explicit_none) lc_strv_clear(&c.proj.specs);   /* no fallback to ROOT */
  if (!s[LC_B_RECURSIVE].b && !paths.n) {
    /* only the files directly in each ROOT directory */
    for (int i = 0; i < c.proj.specs.n;) {
      const char *rel = lc_project_rel(&c.proj, c.proj.specs.v[i]);
      const char *slash = strrchr(rel, '/');
      size_t dl = slash ? (size_t)(slash - rel) : 0;
      int keep = 0;
      for (int d = 0; d < c.proj.test_dirs.n && !keep; d++)
        keep = strlen(c.proj.test_dirs.v[d]) == dl && !strncmp(c.proj.test_dirs.v[d], rel, dl);
      keep = keep || lc_strv_has(&c.proj.test_dirs, rel);
      if (keep) { i++; continue; }
      free(c.proj.specs.v[i]);
      memmove(&c.proj.specs.v[i], &c.proj.specs.v[i + 1],
              (size_t)(c.proj.specs.n - i - 1) * sizeof *c.proj.specs.v);
      c.proj.specs.n--;
    }
  }
  if (c.proj.specs.n == 0 && !missing) {
    fprintf(stderr, "livecov run: No test files found matching Lua pattern: %s\n",
            c.proj.patterns.n ? c.proj.patterns.v[0] : "_spec");
    missing++;
  }
  /* }=== */

  /* {=== order and seed */
  long seed = s[LC_B_SEED].str ? strtol(s[LC_B_SEED].str, NULL, 10) : 0;
  int shuffle_tests = s[LC_B_SHUFFLE_TESTS].b, sort_tests = s[LC_B_SORT_TESTS].b;
  if ((shuffle_tests || s[LC_B_SHUFFLE_FILES].b) && !seed) seed = pick_seed();
  if (s[LC_B_SHUFFLE_FILES].b && shuffle_specs(&c.proj.specs, seed) != 0) goto oom;
  if (shuffle_tests && !sort_tests) c.ro.seed = seed;
  /* }=== */

  /* {=== workers */
  char num[64];
  int wok = 0;
  wok |= lc_strv_push(&wargs, "--root") | lc_strv_push(&wargs, c.proj.root);
  snprintf(num, sizeof num, "%lu", mem_mb * 1024ul * 1024ul);
  wok |= lc_strv_push(&wargs, "--mem-limit") | lc_strv_push(&wargs, num);
  wok |= lc_strv_push(&wargs, "--per-test");
  snprintf(num, sizeof num, "%u", c.timeout_ms);
  wok |= lc_strv_push(&wargs, "--timeout-ms") | lc_strv_push(&wargs, num);
  if (!strcmp(covmode, "instrument")) {
    char why[256];
    if (lc_instr_supported(why, sizeof why))
      wok |= lc_strv_push(&wargs, "--coverage-mode") | lc_strv_push(&wargs, "instrument");
    else {
      fprintf(stderr, "livecov: instrument mode unavailable (%s); using the line hook\n", why);
      wok |= lc_strv_push(&wargs, "--coverage-mode") | lc_strv_push(&wargs, "hook");
    }
  } else {
    wok |= lc_strv_push(&wargs, "--coverage-mode") | lc_strv_push(&wargs, "hook");
  }
  wok |= lc_busted_worker_args(s, &wargs) != 0;
  if (sort_tests) wok |= lc_strv_push(&wargs, "--sort");
  else if (shuffle_tests) wok |= lc_strv_push(&wargs, "--shuffle");
  if (seed) {
    snprintf(num, sizeof num, "%ld", seed);
    wok |= lc_strv_push(&wargs, "--seed") | lc_strv_push(&wargs, num);
  }
  if (list) wok |= lc_strv_push(&wargs, "--list");
  wok |= lc_strv_push(&wargs, "");
  if (wok) goto oom;
  free(wargs.v[wargs.n - 1]);
  wargs.v[--wargs.n] = NULL;            /* NULL-terminated for lc_pool_submit */

  c.nres = c.proj.specs.n;
  c.cutoff = c.nres;
  c.stop_on_error = !s[LC_B_KEEPGOING].b;
  c.res = calloc((size_t)(c.nres ? c.nres : 1), sizeof *c.res);
  if (!c.res) goto oom;
  if (jobs == 0) {
    uv_cpu_info_t *ci;
    int ncpu = 1;
    if (uv_cpu_info(&ci, &ncpu) == 0) uv_free_cpu_info(ci, ncpu);
    jobs = ncpu > 0 ? ncpu : 1;
  }
  uv_loop_t loop;
  uv_loop_init(&loop);
  uint64_t t0 = uv_hrtime();
  lc_pool *pool = lc_pool_new(&loop, self, jobs, c.timeout_ms, on_done, &c);
  if (!pool) { uv_loop_close(&loop); goto oom; }
  c.pool = pool;
  for (int i = 0; i < c.proj.specs.n; i++)
    if (lc_pool_submit(pool, c.proj.specs.v[i], (const char *const *)wargs.v, NULL) < 0)
      fprintf(stderr, "livecov run: cannot queue %s\n", c.proj.specs.v[i]);
  uv_run(&loop, UV_RUN_DEFAULT);
  c.pool = NULL;
  lc_pool_close(pool, NULL, NULL);
  uv_run(&loop, UV_RUN_DEFAULT);
  uv_loop_close(&loop);
  c.ro.seconds = (double)(uv_hrtime() - t0) / 1e9;
  for (int i = c.cutoff; i < c.nres; i++) {
    lc_specres_free(c.res[i]);
    c.res[i] = NULL;
  }
  c.nres = c.cutoff;
  for (int i = 0; i < c.nres; i++) {
    if (!c.res[i]) {     /* never reported (cannot queue): say so */
      c.res[i] = lc_specres_new(c.proj.specs.v[i]);
      if (!c.res[i]) goto oom;
      lc_specres_close(c.res[i], "not run", c.timeout_ms);
    }
  }
  print_marks(&c);
  /* }=== */

  /* {=== reports */
  res.proj = &c.proj;
  res.specs = c.res;
  res.nspecs = c.nres;
  if (lc_results_merge(&res) != 0) goto oom;
  lc_totals t;
  lc_results_totals(&res, &t);
  rc = (t.failure || t.error || missing) ? 1 : 0;
  if (list) lc_report_list(&res, stdout);
  else if (terminal) {
    lc_report_terminal(&res, &c.ro, stdout);
    fputc('\n', stdout);
    lc_report_summary(&res, stdout);
  } else if (!strcmp(fmt, "gtest")) {
    if (!c.next_mark) lc_report_gtest_begin(&c.ro, stdout);   /* no spec file */
    lc_report_gtest_end(&res, &c.ro, &c.gcount, stdout);
    fputc('\n', stdout);
    lc_report_summary(&res, stdout);
  } else if (!strcmp(fmt, "TAP")) lc_report_tap(&res, &c.ro, stdout);
  else if (!strcmp(fmt, "json")) lc_report_busted_json(&res, &c.ro, stdout);
  else if (!strcmp(fmt, "junit")) {
    if (s[LC_B_XOUTPUT].list.n) {
      /* busted opens it after changing to the project directory */
      char *file = under_root(c.proj.root, s[LC_B_XOUTPUT].list.v[0]);
      if (!file || write_file(file, &res, &c.ro, lc_report_junit)) rc = 2;
      free(file);
    } else lc_report_junit(&res, &c.ro, stdout);
  }
  fflush(stdout);
  for (int i = 0; i < res.problems.n; i++)
    fprintf(stderr, "livecov: cannot compute lines of %s\n", res.problems.v[i]);
  if (lcov && write_file(lcov, &res, NULL, w_lcov)) rc = 2;
  if (json && write_file(json, &res, NULL, w_json)) rc = 2;
  if (cobertura && write_file(cobertura, &res, NULL, w_cobertura)) rc = 2;
  if (s[LC_B_COVERAGE].b) {
    /* busted -c: LuaCov's statistics file, where LuaCov would write it */
    char *stats = under_root(c.proj.root, c.proj.statsfile ? c.proj.statsfile : "luacov.stats.out");
    char why[PATH_MAX + 64];
    if (!stats) goto oom;
    if (lc_report_luacov_stats(&res, stats, why, sizeof why) != 0) {
      fprintf(stderr, "livecov run: %s\n", why);
      rc = 2;
    }
    free(stats);
  }
  goto out;
  /* }=== */

oom:
  fprintf(stderr, "livecov run: out of memory\n");
  rc = 2;
out:
  lc_results_free(&res);
  for (int i = 0; i < c.nres; i++) lc_specres_free(c.res[i]);
  free(c.res);
  lc_project_free(&c.proj);
  lc_strv_clear(&paths);
  lc_strv_clear(&wargs);
  lc_busted_free(s);
  lc_pat_shutdown();
  return rc;
}

/* }====================================================== */
