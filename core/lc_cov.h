/*
** lc_cov.h: the coverage recorder.
** A recorder holds one record per source file (its real path, the hit count
** of every line, which lines are executable) and, when per-test tracking is
** on, the set of lines each test touched. It fills records from a Lua state
** through Lua's line hook ("hook" mode), and it is also a plain store that
** results from several runs are merged into (no Lua state needed then).
*/
#ifndef LC_COV_H
#define LC_COV_H

#include <stdint.h>
#include <lua.h>

typedef struct lc_cov lc_cov;

/* One source file. All fields are read-only for callers. */
typedef struct lc_cov_file {
  char *path;            /* absolute real path; owned by the record */
  int maxline;           /* 'hits' and 'exec' have maxline + 1 entries */
  uint64_t *hits;        /* hits[line]: times the line hook fired for it */
  unsigned char *exec;   /* exec[line] != 0: Lua's activelines contain it */
  int loads;             /* chunks of this file seen (loaded) in a state */
  int id;                /* index in the recorder, stable */
  uint32_t *seen_;       /* private: per-test marks */
} lc_cov_file;

/* One (file, line) pair touched by a test. */
typedef struct lc_cov_point { int file; int line; } lc_cov_point;

lc_cov *lc_cov_new(void);
void lc_cov_free(lc_cov *c);

/*
** Hook mode. Starts recording in 'L' (a fresh state, before any code runs,
** before or after its libraries are opened): sets the recorder's hook (line
** events, and call events that keep its per-activation cache right) and
** remembers the recorder in the state's extra space, so that coroutines
** created later inherit both. It also opens the state's debug library (if
** not yet open) and replaces debug.sethook/debug.gethook with versions that
** keep the user's hook running behind the recorder's, so user code setting
** a hook sees plain Lua's behaviour and coverage goes on.
** Only files under 'root' are recorded; relative chunk names ("@src/a.lua")
** resolve from 'root' (NULL: record every file, names as given).
** Returns 0, or -1 on no memory.
*/
int lc_cov_attach(lc_cov *c, lua_State *L, const char *root);
/* Stops recording in 'L'; the state may be closed afterwards. */
void lc_cov_detach(lc_cov *c, lua_State *L);

/* Async-signal-safe: the recorder's hook calls 'h' once, at the next event
   of any thread of the attached state (hook mode's way to reach a running
   coroutine, which a signal handler cannot name). */
void lc_cov_interrupt(lc_cov *c, lua_Hook h);

int lc_cov_nfiles(const lc_cov *c);
lc_cov_file *lc_cov_file_at(lc_cov *c, int i);
lc_cov_file *lc_cov_find(lc_cov *c, const char *path);
/* Finds or creates the record for 'path' (used as given). NULL: no memory. */
lc_cov_file *lc_cov_get(lc_cov *c, const char *path);

/* Grows 'f' so that 'line' is addressable. 0, or -1 on no memory. */
int lc_cov_reserve(lc_cov_file *f, int line);
/*
** Records 'n' executions of 'line' of 'f' (and notes the point for the
** running test): the entry for recorders other than the line hook.
** 0, or -1 on no memory.
*/
int lc_cov_record(lc_cov *c, lc_cov_file *f, int line, uint64_t n);

/*
** Instrument mode (lc_instr.c). lc_cov_path_for: the absolute real path of
** the file of chunk name 'chunkname' ("@path"), resolved as the line hook
** resolves it, when that file is under 'root' (NULL: any file); NULL
** otherwise or on no memory; free() it. lc_cov_take_back: removes 'n' hits
** of 'line' that were recorded ahead of a line event that did not happen.
*/
char *lc_cov_path_for(const char *root, const char *chunkname);
void lc_cov_take_back(lc_cov_file *f, int line, uint64_t n);

/* Merging helpers: add hits / mark executable. 0, or -1 on no memory. */
int lc_cov_add_hits(lc_cov_file *f, int line, uint64_t hits);
int lc_cov_mark_exec(lc_cov_file *f, int line);

/*
** Marks the executable lines of 'f' by compiling it (without running it).
** Returns 0, or -1 with a message in 'err' (of 'errlen' bytes) when the file
** cannot be read or does not compile.
*/
int lc_cov_exec_from_file(lc_cov_file *f, char *err, size_t errlen);

/*
** Per-test tracking. Between test_begin and test_end every line event is
** also noted once in the current test's set; test_end hands that set to the
** caller (owned by the caller, free() it) and returns its size, or -1.
*/
void lc_cov_test_begin(lc_cov *c);
int lc_cov_test_end(lc_cov *c, lc_cov_point **points);

/* Line events seen by the hook, in any file or none (benchmarks, tests). */
uint64_t lc_cov_events(const lc_cov *c);

#endif
