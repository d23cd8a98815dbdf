/*
** lc_run.h: runs one test file (a busted spec or a plain Lua script) in a
** fresh, sandboxed lua_State with coverage recording, and reports each test
** as it finishes. This is the core's entry point for every caller (the
** worker process of `livecov run` and of the language server).
** No I/O of its own beyond loading the files it is asked to run.
** The runtime's semantics (busted 2.x over luassert) and its contract with
** this file are in core/runtime/README.md.
*/
#ifndef LC_RUN_H
#define LC_RUN_H

#include <stddef.h>
#include "lc_cov.h"
#include "lc_overlay.h"

typedef enum lc_status {
  LC_SUCCESS = 0,   /* passed */
  LC_FAILURE,       /* an assertion failed */
  LC_ERROR,         /* any other error, a crash, a timeout */
  LC_PENDING        /* pending(), registered or called inside a test */
} lc_status;

const char *lc_status_name(lc_status s);    /* "success", "failure", ... */

/*
** One finished test, or one error outside a test (a hook, a describe body,
** the file itself: busted counts those as errors too, named after the
** block, e.g. "Money before_each"). Strings are owned by the runner; copy
** what you keep.
*/
typedef struct lc_test_result {
  const char *name;         /* full name, describe names and it name joined by ' ' */
  const char **path;        /* the same as a list: describe..., it */
  int npath;
  const char *file;         /* the spec file (absolute) */
  const char *kind;         /* "it" for a test (pending ones too); else the
                               block that erred: "before_each", "describe",
                               "file", ... ; may be NULL (unknown) */
  int line;                 /* line of the it() call, 0 when unknown */
  lc_status status;
  const char *message;      /* failure/error message, NULL on success */
  const char *trace;        /* traceback, may be NULL */
  const char *fail_file;    /* where it failed (absolute when in the project) */
  int fail_line;
  double ms;                /* wall time of the test, hooks included */
  const lc_cov_point *points; /* per-test coverage, 'npoints' pairs */
  int npoints;
} lc_test_result;

/* How coverage is recorded (lc_cov.h: the line hook; lc_instr.h: rewritten code). */
enum { LC_COVERAGE_HOOK = 0, LC_COVERAGE_INSTRUMENT = 1 };

typedef struct lc_run_opts {
  const char *root;           /* project root (absolute); required */
  size_t mem_limit;           /* bytes a state may allocate; 0 for no limit */
  const char *lpath;          /* prepended to package.path (";"-list), or NULL */
  const char *cpath;          /* prepended to package.cpath, or NULL */
  const char *const *helpers; /* files run before the spec, in the same state */
  int nhelpers;
  const char *const *exec;    /* Lua statements run before the helpers (busted -e) */
  int nexec;
  const char *const *helper_args;  /* the helpers' arg[1..n] (busted -Xhelper) */
  int nhelper_args;
  const char *const *tags;          /* run only tests with one of these tags */
  int ntags;
  const char *const *exclude_tags;  /* skip tests with any of these tags */
  int nexclude_tags;
  const char *const *filter;        /* Lua patterns the full name must match */
  int nfilter;
  const char *const *filter_out;    /* Lua patterns the full name must not match */
  int nfilter_out;
  int shuffle;                /* run tests in random order (busted --shuffle) */
  long seed;                  /* seed for shuffle and randomize */
  int per_test;               /* record per-test coverage points */
  int coverage_mode;          /* LC_COVERAGE_HOOK (0) or LC_COVERAGE_INSTRUMENT */
  const lc_overlay *overlays; /* unsaved buffers that replace files on disk */
  int noverlays;
  int sort;                   /* run tests sorted by name (busted --sort-tests) */
  int lazy;                   /* setup/teardown mean lazy_setup/lazy_teardown */
  int no_auto_insulate;       /* the file is not insulated (--no-auto-insulate) */
  int no_keep_going;          /* stop after the first error or failure */
  int list;                   /* report the tests without running them */
  /* Callbacks, all optional. 'ud' is passed back untouched. */
  void (*on_test_start)(void *ud, const char *name);
  void (*on_test)(void *ud, const lc_test_result *r);
  /* os.exit(code) in test code: the caller may end the process here; if it
     returns, os.exit raises an error instead. */
  void (*on_exit)(void *ud, int code);
  /* The same with the result the run reports for it (when set, on_exit is
     not called): an error "os.exit(N) called" in the running test, with the
     file and line of the call. */
  void (*on_exit_result)(void *ud, const lc_test_result *r, int code);
  /* (code is LC_RUN_STOPPED after lc_run_interrupt.) */
  /* The message of the error a lc_run_interrupt() stop reports ("timed
     out after 5 s"); NULL for "stopped". */
  const char *stop_message;
  /* A file under the root was opened for reading (io.open, io.lines):
     its real absolute path, once per path and run. */
  void (*on_read)(void *ud, const char *path);
  void *ud;
} lc_run_opts;

typedef struct lc_run_summary {
  int success, failure, error, pending;
  int oom;                    /* the memory limit was hit */
} lc_run_summary;

/*
** Runs 'path' (absolute) with options 'o', recording coverage into 'cov'.
** Returns 0 when the file ran (whatever its tests' results), -1 when the
** state could not be created. Load or runtime errors outside tests are
** reported through on_test as an error result named after the file.
*/
int lc_run_file(const lc_run_opts *o, const char *path, lc_cov *cov,
                lc_run_summary *sum);

/*
** Async-signal-safe: asks the lc_run_file running in this process to stop
** at the next instruction of Lua code it runs, on any thread: the running test
** ends as an error with o->stop_message and the line it was at, reported
** through on_exit_result with code LC_RUN_STOPPED, so that a caller that
** ends the process there keeps the coverage gathered so far. Does nothing
** (returns 0) when no file is running. Code stuck in C never gets there.
*/
#define LC_RUN_STOPPED (-1)
int lc_run_interrupt(void);

#endif
