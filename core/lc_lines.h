/*
** lc_lines.h: Lua's executable lines of a function and all functions nested
** in it, the union of debug.getinfo(f, "L").activelines over the tree of
** prototypes, computed from the function's binary dump.
*/
#ifndef LC_LINES_H
#define LC_LINES_H

#include <lua.h>

/* Callback for each executable line; returns 0 to go on, non-zero to stop. */
typedef int (*lc_lines_fn)(void *ud, int line);

/*
** Reports the executable lines of the Lua function at 'idx' (not stripped).
** Lines may be reported more than once. Returns 0, or an LC_CHUNK_* error.
*/
int lc_lines_of_function(lua_State *L, int idx, lc_lines_fn fn, void *ud);

/*
** The same for a whole file, compiled in a scratch state. Returns 0, or -1
** with a message (like lua's "file:line: ...") written into 'err'.
*/
int lc_lines_of_file(const char *path, lc_lines_fn fn, void *ud,
                     char *err, size_t errlen);

#endif
