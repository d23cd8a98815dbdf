/*
** lc_instr.h: instrument mode, the second way the recorder fills its
** records. Instead of a line hook, every file-backed chunk that a state
** loads (require's Lua searcher, load, loadfile, dofile) is rewritten by
** lc_instr_rewrite.c so that its functions count their own line events into
** Lua tables, which lc_instr_sync folds into the lc_cov records. The counts
** are the ones the line hook would give; see ARCHITECTURE.md, "Coverage
** modes", for how and for the cases it cannot see.
*/
#ifndef LC_INSTR_H
#define LC_INSTR_H

#include <stddef.h>
#include <lua.h>
#include "lc_cov.h"

typedef struct lc_instr lc_instr;

/*
** 1 if the running Lua writes binary chunks in the format the rewriter
** reads (Lua 5.4 header, sizes, built against 5.4.4); otherwise 0 with a
** one-line reason in 'why'.
*/
int lc_instr_supported(char *why, size_t whylen);

/*
** Starts instrument mode in 'L' (a fresh state, before any code runs,
** before or after its libraries are opened): replaces package.searchers[2],
** load, loadfile, dofile, string.dump, pcall, xpcall, coroutine.resume,
** coroutine.wrap, coroutine.close and the parts of the debug library that
** could see the rewriter's hidden locals and upvalue. Files under 'root'
** are recorded into 'cov'. Returns NULL on no memory.
*/
lc_instr *lc_instr_attach(lc_cov *cov, lua_State *L, const char *root);

/* Adds the counts gathered since the last call to the records of 'cov'
   (and to the running test's points, as lc_cov_record does). */
void lc_instr_sync(lc_instr *in, lua_State *L);

/* The frames of 'L' will never run again (os.exit): settles what they
   counted ahead, then syncs. */
void lc_instr_abandon(lc_instr *in, lua_State *L);

/* Syncs a last time and frees 'in'; call before lua_close. */
void lc_instr_detach(lc_instr *in, lua_State *L);

/*
** Chunks that could not be rewritten (counted by no one) since attach, and
** the first reason, or NULL. The caller decides how to tell the user.
*/
int lc_instr_skipped(const lc_instr *in, const char **first_reason);

/* For tests and benchmarks: rewrites the Lua function on top of the stack
   as attach's loaders do; 0, or -1 when it is left as it was. */
int lc_instr_function(lc_instr *in, lua_State *L);

/* The coroutine that the replaced coroutine.resume/wrap is running now
   (innermost), or NULL. Async-signal-safe to read. */
lua_State *lc_instr_resumed(void);

#endif
