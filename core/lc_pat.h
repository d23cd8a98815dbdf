/*
** lc_pat.h: Lua patterns for callers outside Lua (spec discovery, .luacov
** include/exclude), evaluated by Lua's own string.find so the semantics are
** exactly Lua's. One private scratch state; not thread-safe.
*/
#ifndef LC_PAT_H
#define LC_PAT_H

/* 1 if 'pattern' matches somewhere in 's', 0 if not, -1 if the pattern is
   malformed (message in 'err' when not NULL). */
int lc_pat_find(const char *pattern, const char *s, char *err, unsigned errlen);
/* Frees the scratch state (optional, at exit, for leak checkers). */
void lc_pat_shutdown(void);

#endif
