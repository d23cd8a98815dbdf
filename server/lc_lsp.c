/*
** lc_lsp.c: `livecov lsp`, the Language Server Protocol face of lc_engine.
** Reads framed JSON-RPC from stdin on the libuv loop, dispatches each method
** through one table, and turns engine callbacks into notifications
** (publishDiagnostics, livecov/coverage, livecov/summary, ...). Lines go
** from the engine's 1-based to LSP's 0-based here and nowhere else.
**
** The LSP channel is a private duplicate of fd 1; fd 1 itself is pointed at
** stderr, so nothing else in the process can corrupt the stream.
*/
#include "lc_engine.h"
#include "lc_pat.h"
#include "lc_doc.h"
#include "lc_frame.h"
#include "lc_lsp.h"
#include "lc_pos.h"
#include "lc_rpc.h"
#include "lc_uri.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

typedef enum { ST_NEW, ST_RUNNING, ST_SHUTDOWN } lsp_state;

typedef struct pending_sync { json_t *id; struct pending_sync *next; } pending_sync;

/* An open document: its text as the editor has it (lc_doc). */
typedef struct open_doc { char *path; lc_doc *doc; struct open_doc *next; } open_doc;

typedef struct lsp {
  uv_loop_t *loop;
  const char *self;
  int out_fd;
  lc_frame_reader *reader;
  union { uv_pipe_t pipe; uv_tty_t tty; } in;
  uv_fs_t fsreq;               /* stdin is a regular file */
  char fsbuf[65536];
  int in_kind;                 /* 0 pipe/tty stream, 1 file */
  lsp_state state;
  int exit_code;
  int exiting;
  lc_engine *eng;
  lc_pos_encoding enc;
  int cap_progress, cap_diag_version, cap_watch;
  json_int_t next_id;
  char token[64];
  int progress_open;
  pending_sync *syncs;
  FILE *logf;
  int verbose;
  json_t *init_opts;
  open_doc *docs;
} lsp;

static open_doc *doc_find(lsp *s, const char *path) {
  for (open_doc *d = s->docs; d; d = d->next)
    if (!strcmp(d->path, path)) return d;
  return NULL;
}

static void doc_drop(lsp *s, const char *path) {
  for (open_doc **pp = &s->docs; *pp; pp = &(*pp)->next) {
    if (strcmp((*pp)->path, path) != 0) continue;
    open_doc *d = *pp;
    *pp = d->next;
    lc_doc_free(d->doc);
    free(d->path);
    free(d);
    return;
  }
}

/* {====================================================== output */

static void log_line(lsp *s, int level, const char *fmt, ...)
  __attribute__((format(printf, 3, 4)));

static void write_all(int fd, const char *p, size_t n) {
  while (n) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0 && errno == EAGAIN) { usleep(1000); continue; }
    if (w <= 0) return;          /* the client is gone; exit comes with EOF */
    p += w;
    n -= (size_t)w;
  }
}

static void send_msg(lsp *s, json_t *msg) {
  if (!msg) { log_line(s, 1, "out of memory building a message"); return; }
  size_t n;
  char *wire = lc_rpc_encode(msg, &n);
  if (s->verbose && s->logf) {
    char *txt = json_dumps(msg, JSON_COMPACT);
    if (txt) { fprintf(s->logf, "--> %s\n", txt); fflush(s->logf); free(txt); }
  }
  json_decref(msg);
  if (!wire) { log_line(s, 1, "out of memory encoding a message"); return; }
  write_all(s->out_fd, wire, n);
  free(wire);
}

static void notify(lsp *s, const char *method, json_t *params) {
  send_msg(s, lc_rpc_notification(method, params));
}

static void log_line(lsp *s, int level, const char *fmt, ...) {
  char buf[2048];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  if (s->logf) { fprintf(s->logf, "[%d] %s\n", level, buf); fflush(s->logf); }
  if (level <= 3 || s->verbose)
    notify(s, "window/logMessage", json_pack("{s:i, s:s}", "type", level, "message", buf));
}

/* }====================================================== */

/* {====================================================== conversions */

static char *path_of(lsp *s, const char *uri) {
  char err[LC_URI_ERR_LEN];
  char *p = uri ? lc_uri_to_path(uri, err, sizeof err) : NULL;
  if (!p && uri) log_line(s, 4, "ignoring %s: %s", uri, err);
  return p;
}

static json_t *uri_json(const char *path) {
  char *u = lc_uri_from_path(path);
  json_t *j = u ? json_string(u) : json_null();
  free(u);
  return j ? j : json_null();
}

/* Length of line 'line0' (0-based) of 'text' in the negotiated encoding. */
static uint32_t line_units(lsp *s, const char *text, size_t len, int line0) {
  if (!text) return 0;
  size_t i = 0;
  for (int l = 0; l < line0 && i < len; i++)
    if (text[i] == '\n') l++;
  size_t j = i;
  while (j < len && text[j] != '\n' && text[j] != '\r') j++;
  return lc_pos_units(text + i, j - i, s->enc);
}

static char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 8192, n = 0;
  char *buf = malloc(cap);
  while (buf) {
    size_t r = fread(buf + n, 1, cap - n, f);
    n += r;
    if (n < cap) break;
    char *nb = realloc(buf, cap * 2);
    if (!nb) { free(buf); buf = NULL; break; }
    buf = nb;
    cap *= 2;
  }
  fclose(f);
  if (buf) *len = n;
  return buf;
}

static json_t *range_json(int l0, uint32_t c0, int l1, uint32_t c1) {
  return json_pack("{s:{s:i, s:i}, s:{s:i, s:i}}", "start", "line", l0, "character", (int)c0,
                   "end", "line", l1, "character", (int)c1);
}

static const char *first_line(const char *msg, char *buf, size_t n) {
  size_t i = 0;
  while (msg[i] && msg[i] != '\n' && i + 1 < n) { buf[i] = msg[i]; i++; }
  buf[i] = '\0';
  return buf;
}

/* }====================================================== */

/* {====================================================== publishing */

/* The livecov/coverage params of a view (also the livecov/fileCoverage
   result); 'uri' is stolen. Lines go 1-based -> 0-based here. */
static json_t *coverage_json(const lc_file_view *v, json_t *uri) {
  json_t *cov = json_array(), *unc = json_array(), *fail = json_array();
  for (int i = 0; i < v->ncovered; i++)
    json_array_append_new(cov, json_pack("[i,I]", v->covered[i].line - 1, (json_int_t)v->covered[i].hits));
  for (int i = 0; i < v->nuncovered; i++) json_array_append_new(unc, json_integer(v->uncovered[i] - 1));
  char buf[1024];
  for (int i = 0; i < v->nfailed; i++)
    json_array_append_new(fail, json_pack("{s:i, s:s}", "line", v->failed[i].line - 1,
                                          "message", first_line(v->failed[i].message, buf, sizeof buf)));
  return json_pack("{s:o, s:o, s:b, s:o, s:o, s:[], s:o}", "uri", uri,
                   "version", v->version >= 0 ? json_integer(v->version) : json_null(),
                   "stale", v->stale, "covered", cov, "uncovered", unc, "partial", "failed", fail);
}

static void publish_file(lsp *s, const char *path) {
  lc_file_view v;
  if (lc_engine_view(s->eng, path, &v) != 0) return;
  const lc_settings *set = lc_engine_settings(s->eng);
  notify(s, "livecov/coverage", coverage_json(&v, uri_json(path)));

  /* diagnostics: ranges end at the end of the line as the editor has it */
  size_t tlen = 0;
  open_doc *od = doc_find(s, path);
  char *text = NULL;
  if (od) {
    const char *t = lc_doc_text(od->doc, &tlen);
    text = malloc(tlen + 1);
    if (text) memcpy(text, t, tlen + 1);
  } else {
    text = read_file(path, &tlen);
  }
  json_t *diags = json_array();
  if (set->failures) {
    for (int i = 0; i < v.nfailed; i++) {
      int l0 = v.failed[i].line - 1;
      json_t *d = json_pack("{s:o, s:i, s:s, s:s}", "range",
                            range_json(l0, 0, l0, line_units(s, text, tlen, l0)),
                            "severity", 1, "source", "livecov", "message", v.failed[i].message);
      json_array_append_new(diags, d);
    }
  }
  if (set->uncovered != LC_SEV_OFF && v.nuncovered) {
    /* one diagnostic per run of uncovered lines with no covered line between */
    int ci = 0;
    for (int i = 0; i < v.nuncovered;) {
      int a = v.uncovered[i], b = a, j = i + 1;
      while (ci < v.ncovered && v.covered[ci].line < a) ci++;
      int next_cov = ci < v.ncovered ? v.covered[ci].line : 1 << 30;
      while (j < v.nuncovered && v.uncovered[j] < next_cov) { b = v.uncovered[j]; j++; }
      char msg[96];
      if (a == b) snprintf(msg, sizeof msg, "line %d is not covered by any test", a);
      else snprintf(msg, sizeof msg, "lines %d-%d are not covered by any test", a, b);
      json_t *d = json_pack("{s:o, s:i, s:s, s:s}", "range",
                            range_json(a - 1, 0, b - 1, line_units(s, text, tlen, b - 1)),
                            "severity", (int)set->uncovered, "source", "livecov", "message", msg);
      if (set->unnecessary) json_object_set_new(d, "tags", json_pack("[i]", 1));
      json_array_append_new(diags, d);
      i = j;
    }
  }
  free(text);
  json_t *dp = json_pack("{s:o, s:o}", "uri", uri_json(path), "diagnostics", diags);
  if (s->cap_diag_version && v.version >= 0) json_object_set_new(dp, "version", json_integer(v.version));
  notify(s, "textDocument/publishDiagnostics", dp);
}

static double pct(long h, long n) { return n ? (double)((long)(10000.0 * (double)h / (double)n + 0.5)) / 100.0 : 100.0; }

typedef struct perfile { const char *path; long n, h; double p; } perfile;
static int cmp_perfile(const void *a, const void *b) {
  const perfile *x = a, *y = b;
  if (x->p != y->p) return x->p < y->p ? -1 : 1;
  return strcmp(x->path, y->path);
}

static json_t *summary_json(lsp *s) {
  const lc_results *r = lc_engine_results(s->eng);
  lc_totals t;
  lc_results_totals(r, &t);
  json_t *per = json_array();
  int n = r->total ? lc_cov_nfiles(r->total) : 0;
  perfile *pf = calloc((size_t)(n ? n : 1), sizeof *pf);
  if (pf) {
    for (int i = 0; i < n; i++) {
      lc_cov_file *f = lc_cov_file_at(r->total, i);
      pf[i].path = f->path;
      lc_file_counts(f, &pf[i].n, &pf[i].h);
      pf[i].p = pct(pf[i].h, pf[i].n);
    }
    qsort(pf, (size_t)n, sizeof *pf, cmp_perfile);
    for (int i = 0; i < n; i++)
      json_array_append_new(per, json_pack("{s:o, s:I, s:I, s:f}", "uri", uri_json(pf[i].path),
        "lines", (json_int_t)pf[i].n, "hit", (json_int_t)pf[i].h, "percent", pf[i].p));
    free(pf);
  }
  return json_pack("{s:i, s:I, s:I, s:f, s:{s:i, s:i, s:i, s:i}, s:b, s:b, s:o}",
    "files", t.files, "lines", (json_int_t)t.lines, "hit", (json_int_t)t.hit,
    "percent", pct(t.hit, t.lines), "tests", "success", t.success, "failure", t.failure,
    "error", t.error, "pending", t.pending, "running", lc_engine_busy(s->eng),
    "disabled", !lc_engine_settings(s->eng)->run_tests, "perFile", per);
}

/* }====================================================== */

/* {====================================================== engine callbacks */

static void cb_file_changed(void *ud, const char *path) { publish_file(ud, path); }

static json_t *uris_json(const lc_strv *v) {
  json_t *a = json_array();
  for (int i = 0; i < v->n; i++) json_array_append_new(a, uri_json(v->v[i]));
  return a;
}

static void cb_run_started(void *ud, int id, lc_reason why, const lc_strv *specs) {
  lsp *s = ud;
  log_line(s, 4, "run %d (%s): %d spec file(s)", id, lc_reason_name(why), specs->n);
  notify(s, "livecov/runStarted", json_pack("{s:i, s:s, s:o}", "id", id,
         "reason", lc_reason_name(why), "specs", uris_json(specs)));
  if (s->cap_progress && !s->progress_open) {
    snprintf(s->token, sizeof s->token, "livecov/run/%d", id);
    send_msg(s, lc_rpc_request(++s->next_id, "window/workDoneProgress/create",
                               json_pack("{s:s}", "token", s->token)));
    notify(s, "$/progress", json_pack("{s:s, s:{s:s, s:s, s:b, s:s, s:i}}", "token", s->token,
           "value", "kind", "begin", "title", "livecov", "cancellable", 0,
           "message", "running tests", "percentage", 0));
    s->progress_open = 1;
  }
}

static void cb_run_progress(void *ud, int id, int done, int total, const char *spec) {
  lsp *s = ud;
  (void)id;
  if (!s->progress_open || total <= 0) return;
  char msg[512];
  const lc_project *p = lc_engine_project(s->eng);
  snprintf(msg, sizeof msg, "%d/%d files (%s)", done, total, lc_project_rel(p, spec));
  notify(s, "$/progress", json_pack("{s:s, s:{s:s, s:s, s:i}}", "token", s->token,
         "value", "kind", "report", "message", msg, "percentage", done * 100 / total));
}

static void cb_run_finished(void *ud, int id, const lc_strv *specs, double ms, int cancelled) {
  lsp *s = ud;
  notify(s, "livecov/runFinished", json_pack("{s:i, s:o, s:f, s:b}", "id", id,
         "specs", uris_json(specs), "durationMs", ms, "cancelled", cancelled));
  if (s->progress_open) {
    notify(s, "$/progress", json_pack("{s:s, s:{s:s, s:s}}", "token", s->token,
           "value", "kind", "end", "message", "done"));
    s->progress_open = 0;
  }
}

static char *test_id(const char *spec, const char *name) {
  char *u = lc_uri_from_path(spec);
  if (!u) return NULL;
  size_t n = strlen(u) + strlen(name) + 3;
  char *id = malloc(n);
  if (id) snprintf(id, n, "%s::%s", u, name);
  free(u);
  return id;
}

static void cb_spec_done(void *ud, const lc_specres *r) {
  lsp *s = ud;
  json_t *tests = json_array();
  for (int i = 0; i < r->ntests; i++) {
    const lc_testrec *t = &r->tests[i];
    json_t *path = json_array();
    for (int k = 0; k < t->npath; k++) json_array_append_new(path, json_string(t->path[k]));
    char *id = test_id(r->spec, t->name);
    json_t *o = json_pack("{s:s, s:s, s:o, s:i, s:s, s:f}", "id", id ? id : "",
      "label", t->npath ? t->path[t->npath - 1] : t->name, "path", path,
      "line", t->line > 0 ? t->line - 1 : 0, "status", lc_status_name(t->status), "durationMs", t->ms);
    free(id);
    if (!o) continue;
    if (t->message) json_object_set_new(o, "message", json_string(t->message));
    if (t->fail_file) {
      json_object_set_new(o, "failUri", uri_json(t->fail_file));
      json_object_set_new(o, "failLine", json_integer(t->fail_line > 0 ? t->fail_line - 1 : 0));
    }
    if (t->output && *t->output) json_object_set_new(o, "output", json_string(t->output));
    json_array_append_new(tests, o);
  }
  notify(s, "livecov/tests", json_pack("{s:o, s:o}", "uri", uri_json(r->spec), "tests", tests));
}

static void cb_summary(void *ud) {
  lsp *s = ud;
  notify(s, "livecov/summary", summary_json(s));
}

static void cb_idle(void *ud) {
  lsp *s = ud;
  while (s->syncs) {
    pending_sync *p = s->syncs;
    s->syncs = p->next;
    send_msg(s, lc_rpc_result(p->id, json_object()));
    json_decref(p->id);
    free(p);
  }
}

static void cb_log(void *ud, int level, const char *msg) { log_line(ud, level, "%s", msg); }

static const char *cb_doc_text(void *ud, const char *path, size_t *len) {
  open_doc *d = doc_find(ud, path);
  return d ? lc_doc_text(d->doc, len) : NULL;
}

/* }====================================================== */

/* {====================================================== settings */

static lc_severity sev_of(const char *v, lc_severity dflt) {
  if (!v) return dflt;
  if (!strcmp(v, "error")) return LC_SEV_ERROR;
  if (!strcmp(v, "warning")) return LC_SEV_WARNING;
  if (!strcmp(v, "information") || !strcmp(v, "info")) return LC_SEV_INFO;
  if (!strcmp(v, "hint")) return LC_SEV_HINT;
  if (!strcmp(v, "off") || !strcmp(v, "none")) return LC_SEV_OFF;
  return dflt;
}

static void strv_from(lc_strv *dst, json_t *arr) {
  size_t i;
  json_t *v;
  json_array_foreach(arr, i, v)
    if (json_is_string(v)) lc_strv_push(dst, json_string_value(v));
}

/* Applies a `livecov` settings object on top of the current settings. */
static void apply_settings(lsp *s, json_t *o) {
  if (json_is_object(json_object_get(o, "livecov"))) o = json_object_get(o, "livecov");
  if (!json_is_object(o)) return;
  const lc_settings *cur = lc_engine_settings(s->eng);
  lc_settings n = *cur;
  memset(&n.include, 0, sizeof n.include);
  memset(&n.exclude, 0, sizeof n.exclude);
  json_t *v;
#define BOOL(key, field) if (json_is_boolean(v = json_object_get(o, key))) n.field = json_is_true(v)
#define UINT(key, field) if (json_is_integer(v = json_object_get(o, key)) && json_integer_value(v) >= 0) n.field = (unsigned)json_integer_value(v)
  BOOL("runTests", run_tests);
  BOOL("runOnSave", run_on_save);
  BOOL("runOnType", run_on_type);
  UINT("debounceMs", debounce_ms);
  UINT("timeoutMs", timeout_ms);
  UINT("memoryLimitMb", memory_mb);
  if (json_is_integer(v = json_object_get(o, "workers"))) n.workers = (int)json_integer_value(v);
  if (json_is_string(v = json_object_get(o, "coverageMode"))) {
    const char *m = json_string_value(v);
    if (!strcmp(m, "instrument")) n.instrument = 1;
    else if (!strcmp(m, "hook")) n.instrument = 0;
    else log_line(s, 2, "coverageMode '%s' is neither \"hook\" nor \"instrument\"; keeping %s",
                  m, n.instrument ? "instrument" : "hook");
  }
#undef BOOL
#undef UINT
  json_t *d = json_object_get(o, "diagnostics");
  if (json_is_object(d)) {
    v = json_object_get(d, "uncovered");
    if (json_is_string(v)) n.uncovered = sev_of(json_string_value(v), n.uncovered);
    else if (json_is_false(v)) n.uncovered = LC_SEV_OFF;
    if (json_is_boolean(v = json_object_get(d, "failures"))) n.failures = json_is_true(v);
    if (json_is_boolean(v = json_object_get(d, "unnecessary"))) n.unnecessary = json_is_true(v);
  } else if (json_is_string(d)) {   /* shorthand: "uncovered" | "failures" | "off" */
    const char *m = json_string_value(d);
    if (!strcmp(m, "off")) { n.uncovered = LC_SEV_OFF; n.failures = 0; }
    else if (!strcmp(m, "failures")) { n.uncovered = LC_SEV_OFF; n.failures = 1; }
  }
  if (json_is_array(v = json_object_get(o, "include"))) strv_from(&n.include, v);
  else for (int i = 0; i < cur->include.n; i++) lc_strv_push(&n.include, cur->include.v[i]);
  if (json_is_array(v = json_object_get(o, "exclude"))) strv_from(&n.exclude, v);
  else for (int i = 0; i < cur->exclude.n; i++) lc_strv_push(&n.exclude, cur->exclude.v[i]);
  lc_engine_configure(s->eng, &n);
  lc_settings_free(&n);
}

/* }====================================================== */

/* {====================================================== methods */

typedef json_t *(*req_fn)(lsp *s, json_t *params, int *err, char *msg);
typedef void (*note_fn)(lsp *s, json_t *params);

static lc_engine_cbs engine_cbs = {
  cb_file_changed, cb_run_started, cb_run_progress, cb_run_finished,
  cb_spec_done, cb_summary, cb_idle, cb_log, cb_doc_text };

static json_t *m_initialize(lsp *s, json_t *p, int *err, char *msg) {
  char *root = NULL;
  const char *ru = json_string_value(json_object_get(p, "rootUri"));
  if (ru) root = path_of(s, ru);
  if (!root) {
    json_t *wf = json_array_get(json_object_get(p, "workspaceFolders"), 0);
    const char *u = json_string_value(json_object_get(wf, "uri"));
    if (u) root = path_of(s, u);
  }
  if (!root && json_string_value(json_object_get(p, "rootPath")))
    root = strdup(json_string_value(json_object_get(p, "rootPath")));
  if (!root) {
    char cwd[4096];
    root = strdup(getcwd(cwd, sizeof cwd) ? cwd : ".");
  }
  json_t *caps = json_object_get(p, "capabilities");
  s->cap_progress = json_is_true(json_object_get(json_object_get(caps, "window"), "workDoneProgress"));
  json_t *pd = json_object_get(json_object_get(caps, "textDocument"), "publishDiagnostics");
  s->cap_diag_version = json_is_true(json_object_get(pd, "versionSupport"));
  s->cap_watch = json_is_true(json_object_get(json_object_get(json_object_get(caps, "workspace"),
                              "didChangeWatchedFiles"), "dynamicRegistration"));
  s->enc = lc_pos_pick(json_object_get(json_object_get(caps, "general"), "positionEncodings"));
  char e[512];
  s->eng = lc_engine_new(s->loop, s->self, root, &engine_cbs, s, e, sizeof e);
  free(root);
  if (!s->eng) {
    *err = LC_RPC_ERR_REQUEST_FAILED;
    snprintf(msg, 256, "livecov: %.200s", e);
    return NULL;
  }
  s->init_opts = json_incref(json_object_get(p, "initializationOptions"));
  s->state = ST_RUNNING;
  return json_pack("{s:{s:s, s:{s:b, s:i, s:{s:b}}, s:b, s:{s:b}, s:{s:[s,s,s,s]}, s:{s:{s:b}}},"
                   " s:{s:s, s:s}}",
    "capabilities",
      "positionEncoding", lc_pos_encoding_name(s->enc),
      "textDocumentSync", "openClose", 1, "change", 2, "save", "includeText", 0,
      "hoverProvider", 1,
      "codeLensProvider", "resolveProvider", 0,
      "executeCommandProvider", "commands", "livecov.runAll", "livecov.runFile",
        "livecov.writeLcov", "livecov.summary",
      "workspace", "workspaceFolders", "supported", 1,
    "serverInfo", "name", "livecov", "version", LIVECOV_VERSION);
}

static void n_initialized(lsp *s, json_t *p) {
  (void)p;
  if (s->cap_watch) {
    /* Files changed outside the editor (git checkout, generators) and
       deleted or renamed specs reach the dependency map through these. */
    json_t *reg = json_pack("{s:[{s:s, s:s, s:{s:[{s:s}, {s:s}, {s:s}]}}]}", "registrations",
      "id", "livecov-watch", "method", "workspace/didChangeWatchedFiles", "registerOptions",
      "watchers", "globPattern", "**/*.lua", "globPattern", "**/.busted", "globPattern", "**/.luacov");
    send_msg(s, lc_rpc_request(++s->next_id, "client/registerCapability", reg));
  }
  if (s->init_opts) apply_settings(s, s->init_opts);
  if (!lc_engine_settings(s->eng)->run_tests) {
    notify(s, "window/showMessage", json_pack("{s:i, s:s}", "type", 3, "message",
           "livecov: the workspace is not trusted, so no test code runs (runTests is false)."));
    notify(s, "livecov/summary", summary_json(s));
  }
  lc_engine_run_all(s->eng, LC_REASON_INITIAL);
}

static json_t *m_shutdown(lsp *s, json_t *p, int *err, char *msg) {
  (void)p; (void)err; (void)msg;
  s->state = ST_SHUTDOWN;
  return json_null();
}

static void finish(lsp *s);
static void n_exit(lsp *s, json_t *p) {
  (void)p;
  s->exit_code = s->state == ST_SHUTDOWN ? 0 : 1;
  finish(s);
}

static void n_did_open(lsp *s, json_t *p) {
  json_t *td = json_object_get(p, "textDocument");
  const char *uri = json_string_value(json_object_get(td, "uri"));
  char *path = path_of(s, uri);
  if (!path) return;
  json_t *text = json_object_get(td, "text");
  int64_t version = json_integer_value(json_object_get(td, "version"));
  doc_drop(s, path);
  open_doc *d = calloc(1, sizeof *d);
  if (d) {
    d->path = strdup(path);
    d->doc = lc_doc_new(uri, version, json_string_value(text) ? json_string_value(text) : "",
                        json_string_length(text));
    if (!d->path || !d->doc) {
      lc_doc_free(d->doc);
      free(d->path);
      free(d);
      log_line(s, 1, "out of memory opening %s", path);
    } else {
      d->next = s->docs;
      s->docs = d;
    }
  }
  lc_engine_open(s->eng, path, (int)version);
  free(path);
}

static void n_did_change(lsp *s, json_t *p) {
  lc_lsp_did_change_params dc;
  char err[256];
  if (lc_lsp_did_change_from_json(p, &dc, err, sizeof err) != 0) {
    log_line(s, 1, "didChange: %s", err);
    return;
  }
  char *path = path_of(s, dc.text_document.uri);
  open_doc *d = path ? doc_find(s, path) : NULL;
  if (!d) {
    if (path) log_line(s, 2, "didChange for a document that is not open: %s", path);
    free(path);
    lc_lsp_did_change_params_clear(&dc);
    return;
  }
  int version = (int)dc.text_document.version;
  lc_doc_set_version(d->doc, version);
  for (size_t i = 0; i < dc.nchanges; i++) {
    lc_doc_delta delta;
    if (lc_doc_apply(d->doc, &dc.changes[i], s->enc, &delta, err, sizeof err) != LC_DOC_OK) {
      log_line(s, 1, "didChange %s: %s", path, err);
      continue;
    }
    lc_engine_change(s->eng, path, version, (int)delta.first_line + 1,
                     (int)delta.removed, (int)delta.inserted);
  }
  lc_engine_changed(s->eng, path);
  free(path);
  lc_lsp_did_change_params_clear(&dc);
}

static void n_did_save(lsp *s, json_t *p) {
  char *path = path_of(s, json_string_value(json_object_get(json_object_get(p, "textDocument"), "uri")));
  if (!path) return;
  lc_engine_save(s->eng, path);
  free(path);
}

static void n_did_close(lsp *s, json_t *p) {
  char *path = path_of(s, json_string_value(json_object_get(json_object_get(p, "textDocument"), "uri")));
  if (!path) return;
  doc_drop(s, path);
  lc_engine_close_doc(s->eng, path);
  free(path);
}

static void n_did_change_config(lsp *s, json_t *p) {
  apply_settings(s, json_object_get(p, "settings"));
}

/* Changes on disk: created/deleted files change the project; a changed
   file that is not open in the editor (whose saves come as didSave) is
   treated like a save. */
static void n_watched(lsp *s, json_t *p) {
  size_t i;
  json_t *ch;
  int structure = 0;
  json_array_foreach(json_object_get(p, "changes"), i, ch)
    if (json_integer_value(json_object_get(ch, "type")) != 2) structure = 1;
  if (structure) lc_engine_files_changed(s->eng);
  json_array_foreach(json_object_get(p, "changes"), i, ch) {
    json_int_t type = json_integer_value(json_object_get(ch, "type"));
    char *path = path_of(s, json_string_value(json_object_get(ch, "uri")));
    if (path && type != 3 && !doc_find(s, path)) lc_engine_run_for(s->eng, path, LC_REASON_SAVE);
    free(path);
  }
}

static int want_pos(json_t *p, char **path, int *line, lsp *s, int *err, char *msg) {
  const char *uri = json_string_value(json_object_get(json_object_get(p, "textDocument"), "uri"));
  json_t *l = json_object_get(json_object_get(p, "position"), "line");
  if (!uri || !json_is_integer(l)) {
    *err = LC_RPC_ERR_INVALID_PARAMS;
    snprintf(msg, 256, "expected textDocument.uri and position.line");
    return -1;
  }
  *path = path_of(s, uri);
  if (!*path) {
    *err = LC_RPC_ERR_INVALID_PARAMS;
    snprintf(msg, 256, "not a file URI: %.200s", uri);
    return -1;
  }
  *line = (int)json_integer_value(l) + 1;
  return 0;
}

static json_t *m_hover(lsp *s, json_t *p, int *err, char *msg) {
  char *path;
  int line;
  if (want_pos(p, &path, &line, s, err, msg)) return NULL;
  lc_file_view v;
  json_t *res = json_null();
  if (lc_engine_view(s->eng, path, &v) == 0) {
    char text[4096];
    text[0] = '\0';
    for (int i = 0; i < v.nfailed; i++) {
      if (v.failed[i].line != line) continue;
      snprintf(text, sizeof text, "**livecov: %s failed**\n\n```\n%s\n```",
               v.failed[i].test ? v.failed[i].test : "test", v.failed[i].message);
      break;
    }
    if (!text[0]) {
      uint64_t hits = 0;
      int exec = 0;
      for (int i = 0; i < v.ncovered; i++) if (v.covered[i].line == line) { hits = v.covered[i].hits; exec = 1; }
      for (int i = 0; i < v.nuncovered; i++) if (v.uncovered[i] == line) exec = 1;
      if (exec && hits == 0) {
        snprintf(text, sizeof text, "livecov: not covered%s", v.stale ? " (stale)" : "");
      } else if (exec) {
        const lc_testrec **tests;
        const lc_specres **specs;
        int n = lc_engine_tests_at(s->eng, path, lc_engine_unshift(s->eng, path, line), &tests, &specs);
        int off = snprintf(text, sizeof text, "livecov: %llu hit%s \xc2\xb7 %d test%s",
                           (unsigned long long)hits, hits == 1 ? "" : "s", n < 0 ? 0 : n, n == 1 ? "" : "s");
        for (int i = 0; i < n && off < (int)sizeof text - 64; i++) {
          const lc_testrec *t = tests[i];
          off += snprintf(text + off, sizeof text - (size_t)off, "%s", i ? ", " : ": ");
          for (int k = 0; k < t->npath && off < (int)sizeof text - 64; k++)
            off += snprintf(text + off, sizeof text - (size_t)off, "%s%s", k ? " \xe2\x80\xba " : "", t->path[k]);
          if (i == 9 && n > 10) {
            off += snprintf(text + off, sizeof text - (size_t)off, ", and %d more", n - 10);
            break;
          }
        }
        if (v.stale && off < (int)sizeof text - 16) snprintf(text + off, sizeof text - (size_t)off, " (stale)");
        free(tests);
        free(specs);
      }
    }
    if (text[0])
      res = json_pack("{s:{s:s, s:s}, s:o}", "contents", "kind", "markdown", "value", text,
                      "range", range_json(line - 1, 0, line - 1, 0));
  }
  free(path);
  return res;
}

static json_t *m_code_lens(lsp *s, json_t *p, int *err, char *msg) {
  const char *uri = json_string_value(json_object_get(json_object_get(p, "textDocument"), "uri"));
  if (!uri) { *err = LC_RPC_ERR_INVALID_PARAMS; snprintf(msg, 256, "expected textDocument.uri"); return NULL; }
  char *path = path_of(s, uri);
  json_t *lenses = json_array();
  for (int i = 0; path && i < lc_engine_nspecs(s->eng); i++) {
    const lc_specres *r = lc_engine_spec(s->eng, i);
    if (strcmp(r->spec, path) != 0) continue;
    for (int t = 0; t < r->ntests; t++) {
      const lc_testrec *tr = &r->tests[t];
      if (tr->line <= 0) continue;
      static const char *marks[] = { "\xe2\x9c\x93 passed", "\xe2\x9c\x97 failed", "\xe2\x9c\x97 error", "\xe2\x80\xa6 pending" };
      char title[128];
      snprintf(title, sizeof title, "%s (%.1f ms)", marks[tr->status], tr->ms);
      int l0 = tr->line - 1;
      json_array_append_new(lenses, json_pack("{s:o, s:{s:s, s:s, s:[o]}}",
        "range", range_json(l0, 0, l0, 0), "command", "title", title,
        "command", "livecov.runFile", "arguments", json_string(uri)));
    }
  }
  free(path);
  return lenses;
}

static json_t *m_execute(lsp *s, json_t *p, int *err, char *msg) {
  const char *cmd = json_string_value(json_object_get(p, "command"));
  json_t *args = json_object_get(p, "arguments");
  if (!cmd) { *err = LC_RPC_ERR_INVALID_PARAMS; snprintf(msg, 256, "expected command"); return NULL; }
  if (!strcmp(cmd, "livecov.runAll")) {
    lc_engine_run_all(s->eng, LC_REASON_COMMAND);
    return json_null();
  }
  if (!strcmp(cmd, "livecov.runFile")) {
    const char *uri = json_string_value(json_array_get(args, 0));
    char *path = uri ? path_of(s, uri) : NULL;
    if (!path) { *err = LC_RPC_ERR_INVALID_PARAMS; snprintf(msg, 256, "livecov.runFile needs a file URI"); return NULL; }
    lc_engine_run_for(s->eng, path, LC_REASON_COMMAND);
    free(path);
    return json_null();
  }
  if (!strcmp(cmd, "livecov.writeLcov")) {
    const char *out = json_string_value(json_array_get(args, 0));
    char def[4200];
    if (!out) {
      snprintf(def, sizeof def, "%s/lcov.info", lc_engine_project(s->eng)->root);
      out = def;
    }
    FILE *f = fopen(out, "w");
    if (!f || lc_report_lcov(lc_engine_results(s->eng), f) != 0) {
      if (f) fclose(f);
      *err = LC_RPC_ERR_REQUEST_FAILED;
      snprintf(msg, 256, "cannot write %.180s: %.60s", out, strerror(errno));
      return NULL;
    }
    if (fclose(f) != 0) {
      *err = LC_RPC_ERR_REQUEST_FAILED;
      snprintf(msg, 256, "cannot write %.200s", out);
      return NULL;
    }
    return json_pack("{s:s}", "path", out);
  }
  if (!strcmp(cmd, "livecov.summary")) return summary_json(s);
  *err = LC_RPC_ERR_INVALID_PARAMS;
  snprintf(msg, 256, "unknown command '%.200s'", cmd);
  return NULL;
}

static json_t *m_file_coverage(lsp *s, json_t *p, int *err, char *msg) {
  const char *uri = json_string_value(json_object_get(p, "uri"));
  char *path = uri ? path_of(s, uri) : NULL;
  if (!path) { *err = LC_RPC_ERR_INVALID_PARAMS; snprintf(msg, 256, "expected uri"); return NULL; }
  lc_file_view v;
  json_t *res = json_null();
  if (lc_engine_view(s->eng, path, &v) == 0) res = coverage_json(&v, json_string(uri));
  free(path);
  return res;
}

static json_t *m_test_coverage(lsp *s, json_t *p, int *err, char *msg) {
  const char *id = json_string_value(json_object_get(p, "id"));
  if (!id) { *err = LC_RPC_ERR_INVALID_PARAMS; snprintf(msg, 256, "expected id"); return NULL; }
  json_t *files = json_array();
  for (int i = 0; i < lc_engine_nspecs(s->eng); i++) {
    const lc_specres *r = lc_engine_spec(s->eng, i);
    for (int t = 0; t < r->ntests; t++) {
      char *tid = test_id(r->spec, r->tests[t].name);
      int same = tid && !strcmp(tid, id);
      free(tid);
      if (!same) continue;
      const lc_testrec *tr = &r->tests[t];
      for (int f = 0; f < lc_cov_nfiles(r->cov); f++) {
        lc_cov_file *cf = lc_cov_file_at(r->cov, f);
        if (!lc_project_in_scope(lc_engine_project(s->eng), cf->path)) continue;
        json_t *lines = json_array();
        for (int k = 0; k < tr->npoints; k++)
          if (tr->points[k].file == cf->id) json_array_append_new(lines, json_integer(tr->points[k].line - 1));
        if (json_array_size(lines))
          json_array_append_new(files, json_pack("{s:o, s:o}", "uri", uri_json(cf->path), "lines", lines));
        else json_decref(lines);
      }
    }
  }
  return json_pack("{s:o}", "files", files);
}

static json_t *m_sync(lsp *s, json_t *p, int *err, char *msg);

typedef struct method { const char *name; req_fn req; note_fn note; } method;
static const method methods[] = {
  { "initialize", m_initialize, NULL },
  { "initialized", NULL, n_initialized },
  { "shutdown", m_shutdown, NULL },
  { "exit", NULL, n_exit },
  { "textDocument/didOpen", NULL, n_did_open },
  { "textDocument/didChange", NULL, n_did_change },
  { "textDocument/didSave", NULL, n_did_save },
  { "textDocument/didClose", NULL, n_did_close },
  { "workspace/didChangeConfiguration", NULL, n_did_change_config },
  { "workspace/didChangeWatchedFiles", NULL, n_watched },
  { "textDocument/hover", m_hover, NULL },
  { "textDocument/codeLens", m_code_lens, NULL },
  { "workspace/executeCommand", m_execute, NULL },
  { "livecov/fileCoverage", m_file_coverage, NULL },
  { "livecov/testCoverage", m_test_coverage, NULL },
  { "livecov/sync", m_sync, NULL },
  { NULL, NULL, NULL } };

/* Replied later, from cb_idle. Returns NULL with *err = 0: no reply now. */
static json_t *m_sync(lsp *s, json_t *p, int *err, char *msg) {
  (void)p; (void)err; (void)msg;
  if (!lc_engine_busy(s->eng)) return json_object();
  return NULL;
}

static void dispatch(lsp *s, lc_rpc_msg *m) {
  if (m->kind == LC_RPC_INVALID) {
    log_line(s, 1, "bad message: %s", m->err_msg);
    send_msg(s, lc_rpc_reply_invalid(m));
    return;
  }
  if (m->kind == LC_RPC_RESPONSE) return;      /* answers to our requests */
  const method *mt = NULL;
  for (const method *x = methods; x->name; x++)
    if (!strcmp(x->name, m->method)) { mt = x; break; }
  if (m->kind == LC_RPC_NOTIFICATION) {
    if (!strcmp(m->method, "exit")) { n_exit(s, m->params); return; }
    if (!strcmp(m->method, "$/cancelRequest")) {
      /* Only livecov/sync waits; everything else is answered at once. */
      json_t *id = json_object_get(m->params, "id");
      for (pending_sync **pp = &s->syncs; *pp; pp = &(*pp)->next) {
        if (!json_equal((*pp)->id, id)) continue;
        pending_sync *p = *pp;
        *pp = p->next;
        send_msg(s, lc_rpc_error(p->id, LC_RPC_ERR_REQUEST_CANCELLED, NULL, NULL));
        json_decref(p->id);
        free(p);
        break;
      }
      return;
    }
    if (s->state == ST_NEW || !mt || !mt->note) return;   /* ignored, per spec */
    if (s->state == ST_SHUTDOWN) return;
    mt->note(s, m->params);
    return;
  }
  /* a request */
  if (!strcmp(m->method, "$/cancelRequest")) return;
  if (s->state == ST_NEW && strcmp(m->method, "initialize") != 0) {
    send_msg(s, lc_rpc_error(m->id, LC_RPC_ERR_SERVER_NOT_INITIALIZED, NULL, NULL));
    return;
  }
  if (s->state != ST_NEW && !strcmp(m->method, "initialize")) {
    send_msg(s, lc_rpc_error(m->id, LC_RPC_ERR_INVALID_REQUEST, "initialize was already called", NULL));
    return;
  }
  if (s->state == ST_SHUTDOWN) {
    send_msg(s, lc_rpc_error(m->id, LC_RPC_ERR_INVALID_REQUEST, "the server is shutting down", NULL));
    return;
  }
  if (!mt || !mt->req) {
    send_msg(s, lc_rpc_error(m->id, LC_RPC_ERR_METHOD_NOT_FOUND, NULL, NULL));
    return;
  }
  if (m->params && !json_is_object(m->params) && strcmp(m->method, "shutdown") != 0) {
    send_msg(s, lc_rpc_error(m->id, LC_RPC_ERR_INVALID_PARAMS, "params must be an object", NULL));
    return;
  }
  int err = 0;
  char msg[256] = "";
  json_t *params = m->params ? m->params : json_object();
  json_t *res = mt->req(s, params, &err, msg);
  if (!m->params) json_decref(params);
  if (err) {
    send_msg(s, lc_rpc_error(m->id, err, msg[0] ? msg : NULL, NULL));
  } else if (!res && mt->req == m_sync) {
    pending_sync *ps = malloc(sizeof *ps);
    if (!ps) { send_msg(s, lc_rpc_error(m->id, LC_RPC_ERR_INTERNAL_ERROR, NULL, NULL)); return; }
    ps->id = json_incref(m->id);
    ps->next = s->syncs;
    s->syncs = ps;
  } else {
    send_msg(s, lc_rpc_result(m->id, res ? res : json_null()));
  }
}

/* }====================================================== */

/* {====================================================== input */

static void handle_bytes(lsp *s, const char *buf, size_t n) {
  if (lc_frame_feed(s->reader, buf, n) != 0) {
    log_line(s, 1, "out of memory reading input");
    return;
  }
  for (;;) {
    if (s->exiting) return;
    char *body;
    size_t len;
    char err[LC_FRAME_ERR_LEN];
    int r = lc_frame_next(s->reader, &body, &len, err, sizeof err);
    if (r == LC_FRAME_NONE || r == LC_FRAME_NOMEM) return;
    if (r == LC_FRAME_ERROR) {
      log_line(s, 1, "bad frame: %s", err);
      send_msg(s, lc_rpc_error(NULL, LC_RPC_ERR_PARSE_ERROR, err, NULL));
      continue;
    }
    if (s->verbose && s->logf) { fprintf(s->logf, "<-- %.*s\n", (int)len, body); fflush(s->logf); }
    lc_rpc_msg m;
    lc_rpc_parse(body, len, &m);
    dispatch(s, &m);
    lc_rpc_msg_clear(&m);
    free(body);
  }
}

static void on_eof(lsp *s) {
  if (s->exiting) return;
  if (s->state != ST_SHUTDOWN) s->exit_code = 1;
  finish(s);
}

static void alloc_cb(uv_handle_t *h, size_t sz, uv_buf_t *b) {
  (void)h;
  b->base = malloc(sz);
  b->len = b->base ? sz : 0;
}

static void on_read(uv_stream_t *st, ssize_t n, const uv_buf_t *b) {
  lsp *s = st->data;
  if (n > 0) handle_bytes(s, b->base, (size_t)n);
  free(b->base);
  if (n < 0) on_eof(s);
}

static void on_fs_read(uv_fs_t *req) {
  lsp *s = req->data;
  ssize_t n = req->result;
  uv_fs_req_cleanup(req);
  if (n > 0) handle_bytes(s, s->fsbuf, (size_t)n);
  if (n <= 0) { on_eof(s); return; }
  if (s->exiting) return;
  uv_buf_t b = uv_buf_init(s->fsbuf, sizeof s->fsbuf);
  uv_fs_read(s->loop, &s->fsreq, 0, &b, 1, -1, on_fs_read);
}

static void on_in_closed(uv_handle_t *h) { (void)h; }

static void engine_closed(void *ud) {
  lsp *s = ud;
  s->eng = NULL;
}

static void finish(lsp *s) {
  if (s->exiting) return;
  s->exiting = 1;
  if (s->in_kind == 0) {
    uv_read_stop((uv_stream_t *)&s->in);
    uv_close((uv_handle_t *)&s->in, on_in_closed);
  }
  if (s->eng) lc_engine_close(s->eng, engine_closed, s);
}

/* }====================================================== */

static const char usage[] =
  "usage: livecov lsp [--log FILE] [--verbose]\n"
  "Speaks the Language Server Protocol on stdin/stdout.\n";

int lc_lsp_main(const char *self, int argc, char **argv);
int lc_lsp_main(const char *self, int argc, char **argv) {
  lsp s;
  memset(&s, 0, sizeof s);
  s.self = self;
  const char *logpath = NULL;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--log") && i + 1 < argc) logpath = argv[++i];
    else if (!strcmp(argv[i], "--verbose")) s.verbose = 1;
    else if (!strcmp(argv[i], "--stdio")) {}
    else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) { fputs(usage, stdout); return 0; }
    else { fprintf(stderr, "livecov lsp: unknown option '%s'\n%s", argv[i], usage); return 2; }
  }
  if (logpath && !(s.logf = fopen(logpath, "a"))) {
    fprintf(stderr, "livecov lsp: cannot open log %s: %s\n", logpath, strerror(errno));
    return 2;
  }
  /* Keep the LSP channel private: fd 1 becomes stderr for everything else. */
  s.out_fd = dup(STDOUT_FILENO);
  if (s.out_fd < 0 || dup2(STDERR_FILENO, STDOUT_FILENO) < 0) {
    fprintf(stderr, "livecov lsp: cannot set up stdout: %s\n", strerror(errno));
    return 2;
  }
  fcntl(s.out_fd, F_SETFD, FD_CLOEXEC);
  s.reader = lc_frame_reader_new(LC_FRAME_DEFAULT_MAX_BODY);
  s.loop = malloc(sizeof *s.loop);
  if (!s.reader || !s.loop || uv_loop_init(s.loop) != 0) {
    fprintf(stderr, "livecov lsp: out of memory\n");
    return 2;
  }
  s.exit_code = 1;
  uv_handle_type t = uv_guess_handle(0);
  int rc;
  if (t == UV_FILE) {
    s.in_kind = 1;
    s.fsreq.data = &s;
    uv_buf_t b = uv_buf_init(s.fsbuf, sizeof s.fsbuf);
    rc = uv_fs_read(s.loop, &s.fsreq, 0, &b, 1, -1, on_fs_read);
  } else if (t == UV_TTY) {
    rc = uv_tty_init(s.loop, &s.in.tty, 0, 1);
    s.in.tty.data = &s;
    if (!rc) rc = uv_read_start((uv_stream_t *)&s.in.tty, alloc_cb, on_read);
  } else {
    rc = uv_pipe_init(s.loop, &s.in.pipe, 0);
    s.in.pipe.data = &s;
    if (!rc) rc = uv_pipe_open(&s.in.pipe, 0);
    if (!rc) rc = uv_read_start((uv_stream_t *)&s.in.pipe, alloc_cb, on_read);
  }
  if (rc) {
    fprintf(stderr, "livecov lsp: cannot read stdin: %s\n", uv_strerror(rc));
    return 2;
  }
  uv_run(s.loop, UV_RUN_DEFAULT);
  if (s.eng) {                 /* the loop ended without exit: close anyway */
    lc_engine_close(s.eng, engine_closed, &s);
    uv_run(s.loop, UV_RUN_DEFAULT);
  }
  while (s.syncs) {
    pending_sync *p = s.syncs;
    s.syncs = p->next;
    json_decref(p->id);
    free(p);
  }
  json_decref(s.init_opts);
  while (s.docs) doc_drop(&s, s.docs->path);
  int lrc = uv_loop_close(s.loop);
  if (lrc) fprintf(stderr, "livecov lsp: loop not closed cleanly: %s\n", uv_strerror(lrc));
  free(s.loop);
  lc_frame_reader_free(s.reader);
  if (s.logf) fclose(s.logf);
  close(s.out_fd);
  lc_pat_shutdown();
  return s.exit_code;
}
