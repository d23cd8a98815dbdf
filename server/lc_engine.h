/*
** lc_engine.h: the language server's logic, free of JSON and LSP: the
** project, the open documents, the per-spec results, the dependency map
** (which spec loaded which file), and the scheduling of reruns on the worker
** pool (debounce, cancel superseded runs). It reports through callbacks;
** lc_lsp.c turns those into LSP messages (clangd's ClangdServer /
** ClangdLSPServer split). Lines in this API are 1-based (Lua's).
*/
#ifndef LC_ENGINE_H
#define LC_ENGINE_H

#include <uv.h>
#include "lc_project.h"
#include "lc_results.h"
#include "lc_specres.h"

typedef enum { LC_SEV_OFF = 0, LC_SEV_ERROR = 1, LC_SEV_WARNING, LC_SEV_INFO, LC_SEV_HINT } lc_severity;

/* Settings (section "livecov"); the defaults are documented in ARCHITECTURE.md. */
typedef struct lc_settings {
  int run_tests;            /* 1; 0 in untrusted workspaces */
  int run_on_save;          /* 1 */
  int run_on_type;          /* 0 */
  unsigned debounce_ms;     /* 150 */
  int workers;              /* 0 = cores */
  unsigned timeout_ms;      /* 10000 */
  unsigned memory_mb;       /* 1024 */
  lc_severity uncovered;    /* LC_SEV_HINT */
  int failures;             /* 1 */
  int unnecessary;          /* 0 */
  lc_strv include, exclude;
  int instrument;           /* coverageMode "instrument" (1) or "hook" (0) */
} lc_settings;

void lc_settings_default(lc_settings *s);
void lc_settings_free(lc_settings *s);

typedef enum { LC_REASON_INITIAL, LC_REASON_SAVE, LC_REASON_CHANGE,
               LC_REASON_COMMAND, LC_REASON_CONFIG } lc_reason;
const char *lc_reason_name(lc_reason r);

/* A line as published: 1-based, after shifting for unsaved edits. */
typedef struct lc_line_hits { int line; uint64_t hits; } lc_line_hits;
typedef struct lc_failmark { int line; const char *message; const char *test; } lc_failmark;

/* The published view of one file; every array owned by the engine and
   valid until the next engine call. */
typedef struct lc_file_view {
  const char *path;
  int version;              /* document version, -1 when not open */
  int stale;
  const lc_line_hits *covered; int ncovered;
  const int *uncovered; int nuncovered;
  const lc_failmark *failed; int nfailed;
} lc_file_view;

typedef struct lc_engine lc_engine;

typedef struct lc_engine_cbs {
  /* The coverage or failures of 'path' changed: fetch with lc_engine_view. */
  void (*file_changed)(void *ud, const char *path);
  void (*run_started)(void *ud, int id, lc_reason why, const lc_strv *specs);
  void (*run_progress)(void *ud, int id, int done, int total, const char *spec);
  void (*run_finished)(void *ud, int id, const lc_strv *specs, double ms, int cancelled);
  void (*spec_done)(void *ud, const lc_specres *r);   /* tests of one spec */
  void (*summary)(void *ud);
  void (*idle)(void *ud);                             /* nothing pending */
  void (*log)(void *ud, int level, const char *msg);  /* 1 error .. 4 log */
  /* The editor's text of an open document (runOnType overlays); NULL when
     unknown. Borrowed until the next engine call. */
  const char *(*doc_text)(void *ud, const char *path, size_t *len);
} lc_engine_cbs;

lc_engine *lc_engine_new(uv_loop_t *loop, const char *self_exe, const char *root,
                         const lc_engine_cbs *cbs, void *ud, char *err, size_t errlen);
/* Kills workers and closes handles; 'done' runs when the loop may close. */
void lc_engine_close(lc_engine *e, void (*done)(void *), void *ud);

/* Takes a copy of the settings; reruns everything when tests got enabled. */
void lc_engine_configure(lc_engine *e, const lc_settings *s);
const lc_settings *lc_engine_settings(const lc_engine *e);
const lc_project *lc_engine_project(const lc_engine *e);

/* Runs every spec file (rescans the project first). */
void lc_engine_run_all(lc_engine *e, lc_reason why);
/* Runs the specs affected by 'path' (the spec itself or its loaders). */
void lc_engine_run_for(lc_engine *e, const char *path, lc_reason why);

/* Documents. 'text' may be NULL (the engine reads disk when it must). */
void lc_engine_open(lc_engine *e, const char *path, int version);
/* An edit turned old lines [first, first + removed) into new lines
   [first, first + inserted) (1-based; lc_doc_delta + 1). */
void lc_engine_change(lc_engine *e, const char *path, int version,
                      int first, int removed, int inserted);
/* Called once per didChange, after its edits: publishes the stale view and
   reruns when runOnType is set. */
void lc_engine_changed(lc_engine *e, const char *path);
void lc_engine_save(lc_engine *e, const char *path);
void lc_engine_close_doc(lc_engine *e, const char *path);
void lc_engine_files_changed(lc_engine *e);      /* created/deleted on disk */

/* Views and queries. */
int lc_engine_view(lc_engine *e, const char *path, lc_file_view *out);
int lc_engine_busy(const lc_engine *e);
/* Files whose view exists (in scope or failing), for publishing. */
int lc_engine_nfiles(const lc_engine *e);
const char *lc_engine_file(const lc_engine *e, int i);
const lc_results *lc_engine_results(lc_engine *e);
/* Tests that executed 'line' of 'path' (before shifting); owned array of
   borrowed pointers, free() it. */
int lc_engine_tests_at(lc_engine *e, const char *path, int line,
                       const lc_testrec ***out, const lc_specres ***specs);
/* Specs with results, in project order. */
int lc_engine_nspecs(const lc_engine *e);
const lc_specres *lc_engine_spec(const lc_engine *e, int i);
/* Maps a current (shifted) line of an open document back to the run's line. */
int lc_engine_unshift(lc_engine *e, const char *path, int line);

#endif
