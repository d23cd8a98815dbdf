/*
** lc_wire.h: the worker → parent record stream.
** A worker writes one JSON object per line on fd 3:
**   {"t":"start","name":N}                  a test begins (for crash reports)
**   {"t":"test", name, path, line, status, message, trace, fail_file,
**    fail_line, ms, output, points:{path:[line...]}}   a test finished
**   {"t":"read","path":P}                  the spec read a file under the root
**   {"t":"cov","files":[{path, loads, exec:[line...], hits:[[line,n]...]}]}
**   {"t":"end"}                             the worker is done
** Lines are 1-based here (Lua's); the LSP layer converts.
*/
#ifndef LC_WIRE_H
#define LC_WIRE_H

#include <stddef.h>
#include "lc_run.h"
#include "lc_specres.h"

/* {=== worker side: each returns a malloc'd line ending in '\n', or NULL */
char *lc_wire_start(const char *name);
char *lc_wire_test(const lc_test_result *r, lc_cov *cov, const char *output);
char *lc_wire_cov(lc_cov *cov);
char *lc_wire_read(const char *path);
char *lc_wire_end(void);
/* }=== */

/* {=== parent side: an incremental decoder into a lc_specres */
typedef struct lc_wire_dec lc_wire_dec;
lc_wire_dec *lc_wire_dec_new(lc_specres *into);   /* does not own 'into' */
void lc_wire_dec_free(lc_wire_dec *d);
/* Feeds bytes; complete lines are applied. Returns 0, or -1 on a record
   that is not valid (the rest is still read). */
int lc_wire_dec_feed(lc_wire_dec *d, const char *buf, size_t n);
/* }=== */

#endif
