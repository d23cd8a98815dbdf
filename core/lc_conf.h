/*
** lc_conf.h: the project's configuration files, evaluated in a scratch Lua
** state: `.busted` (busted's task tables) and `.luacov` (LuaCov's settings).
** The core only evaluates them and hands back plain values; what a key
** means is the caller's business.
*/
#ifndef LC_CONF_H
#define LC_CONF_H

#include <stddef.h>

typedef enum lc_conf_type {
  LC_CONF_STRING,     /* a string, or a number as text */
  LC_CONF_BOOL,
  LC_CONF_LIST,       /* the array part of a table, as strings */
  LC_CONF_MAP         /* string keys of a table: list = key, value, key, ... */
} lc_conf_type;

/* One setting; every pointer is valid only during the callback. */
typedef struct lc_conf_value {
  const char *key;
  lc_conf_type type;
  const char *str;            /* LC_CONF_STRING */
  int boolean;                /* LC_CONF_BOOL */
  const char *const *list;    /* LC_CONF_LIST, LC_CONF_MAP */
  int nlist;
} lc_conf_value;

/* Called once per setting, in key order; a nonzero return stops the walk
   and is returned by the reader. */
typedef int (*lc_conf_fn)(void *ud, const lc_conf_value *v);

/*
** Reads the busted configuration file 'path' as busted 2 does: the file
** returns a table of tasks; the task named 'task' (busted --run), or
** `default` when 'task' is NULL or empty, is merged over `_all`, and each
** resulting key is passed to 'fn' (command-line flags are the caller's to
** put on top). Returns 0, 1 when the file does not exist, or -1 with a
** message in 'err' (a file that does not compile or return a table, a task
** that is not there).
*/
int lc_conf_busted(const char *path, const char *task, lc_conf_fn fn, void *ud,
                   char *err, size_t errlen);

/*
** Reads a LuaCov configuration file as LuaCov does: run with an environment
** that falls back to the globals; assignments and the returned table (if
** any) are the settings, assignments winning. Same return values.
*/
int lc_conf_luacov(const char *path, lc_conf_fn fn, void *ud, char *err, size_t errlen);

/*
** busted's --shuffle-files order: the permutation busted's shuffle makes
** of 'n' items with 'seed' (Lua's own math.randomseed/math.random, so the
** order equals busted's). Fills perm[i] with the 0-based index of the item
** that goes to place i. Returns 0, or -1 on no memory.
*/
int lc_conf_shuffle(long seed, int n, int *perm);

#endif
