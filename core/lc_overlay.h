/*
** lc_overlay.h: unsaved editor buffers standing in for files on disk.
** The language server's runOnType reruns specs while a module is being
** edited; the module must then load from the buffer, not from disk. This
** wraps the state's loadfile, dofile and Lua-file searcher so that a file
** with an overlay loads from memory under its own chunk name ("@path"), and
** every other file loads exactly as before. No require wrapping in Lua: the
** searcher is a C function, as Lua's own.
*/
#ifndef LC_OVERLAY_H
#define LC_OVERLAY_H

#include <stddef.h>
#include <lua.h>

typedef struct lc_overlay {
  const char *path;        /* absolute real path of the file it replaces */
  const char *text;        /* its content; 'len' bytes */
  size_t len;
} lc_overlay;

/* Called with a freshly loaded chunk on top of the stack (e.g. to
   instrument it); returns 0 or raises. May be NULL. */
typedef int (*lc_overlay_loaded)(void *ud, lua_State *L);

/*
** Installs the overlays in 'L' (after the standard libraries are open).
** The texts are copied into the state. Returns 0, or -1 on no memory.
*/
int lc_overlay_install(lua_State *L, const lc_overlay *v, int n,
                       lc_overlay_loaded loaded, void *ud);

#endif
