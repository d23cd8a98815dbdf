/*
** lc_busted.h: busted's configuration as busted combines it: the command
** line over the .busted task over busted's defaults; and what of it shapes
** a spec run: the discovery rules and the worker's arguments. `livecov run`
** fills it from its command line and .busted, the language server from
** .busted alone: both run specs from one reading of the same rules.
*/
#ifndef LC_BUSTED_H
#define LC_BUSTED_H

#include <stddef.h>
#include "lc_project.h"

typedef enum { LC_BK_LIST, LC_BK_CSV, LC_BK_PATH, LC_BK_STR, LC_BK_BOOL } lc_bkind;

/* One of busted's options. 'given' marks a value from the command line,
   which .busted does not override. */
typedef struct lc_bsetting {
  const char *name;
  lc_bkind k;
  int given, set;
  lc_strv list;           /* LC_BK_LIST, LC_BK_CSV */
  char *str;              /* LC_BK_STR, LC_BK_PATH */
  int b;                  /* LC_BK_BOOL */
} lc_bsetting;

enum {
  LC_B_ROOT, LC_B_PATTERN, LC_B_XPATTERN, LC_B_TAGS, LC_B_XTAGS, LC_B_FILTER, LC_B_FILTEROUT, LC_B_LPATH,
  LC_B_CPATH, LC_B_HELPER, LC_B_OUTPUT, LC_B_XOUTPUT, LC_B_RUN, LC_B_DIRECTORY, LC_B_CONFIG, LC_B_COVCONFIG,
  LC_B_LUA, LC_B_SEED, LC_B_REPEAT, LC_B_VERBOSE, LC_B_LIST, LC_B_COVERAGE, LC_B_SHUFFLE_FILES,
  LC_B_SHUFFLE_TESTS, LC_B_SORT_FILES, LC_B_SORT_TESTS, LC_B_LAZY, LC_B_INSULATE, LC_B_KEEPGOING,
  LC_B_RECURSIVE, LC_B_SUPPRESS, LC_B_LOADERS, LC_B_E, LC_B_XHELPER, LC_B_LANG, LC_B_DEFER, LC_B_SOUND,
  LC_B_IGNORELUA, LC_B_NSETTINGS
};

/* Fills 's[LC_B_NSETTINGS]' with nothing set (busted's boolean defaults). */
void lc_busted_init(lc_bsetting *s);
void lc_busted_free(lc_bsetting *s);
/* The .busted name of setting 'id' ("lpath", "exclude-tags", ...). */
const char *lc_busted_key(int id);
/* Adds a string value as busted's option kinds combine repeats: lists
   append, CSV lists append split items, paths join with ';', the rest keep
   the last. 0, or -1 on no memory. */
int lc_busted_add(lc_bsetting *s, const char *v);
/* Reads task 'task' (NULL: "default") of the .busted file 'path' into the
   settings the command line left alone ('given'). Returns lc_conf_busted's
   result: 0, 1 (no file or no such task) or -1 with a message. */
int lc_busted_read(lc_bsetting *s, const char *path, const char *task, char *err, size_t errlen);
/* busted's defaults for what is still unset (ROOT spec, pattern _spec,
   lpath ./src/..., cpath ./csrc/...). 0, or -1 on no memory. */
int lc_busted_defaults(lc_bsetting *s);
/* ROOT, pattern and exclude-pattern as 'p's discovery rules (replaced).
   0, or -1 with a message (a bad pattern, no memory). */
int lc_busted_discovery(const lc_bsetting *s, lc_project *p, char *err, size_t errlen);
/* Appends the worker arguments that carry the settings into each spec's
   run: --lpath, --cpath, --exec (-e), --helper, --helper-arg (-Xhelper),
   --tag, --exclude-tag, --filter,
   --filter-out, --lazy, --no-auto-insulate, --no-keep-going. 0 or -1. */
int lc_busted_worker_args(const lc_bsetting *s, lc_strv *a);

#endif
