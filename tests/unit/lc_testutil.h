/*
** lc_testutil.h: helpers shared by the unit tests: temporary directories,
** running a command for its output, line sets written as "1-3 7 9".
*/
#ifndef LC_TESTUTIL_H
#define LC_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>

/* A set of lines with a count each; hits[l] for 0 <= l < n. */
typedef struct tu_lines {
  uint64_t *hits;
  int n;
} tu_lines;

void tu_lines_set(tu_lines *s, int line, uint64_t hits);
void tu_lines_add(tu_lines *s, int line, uint64_t hits);
void tu_lines_free(tu_lines *s);
/* "1-3 7 9" (lines with a count != 0), malloc'd. */
char *tu_lines_str(const tu_lines *s);
/* Parses "1-3 7 9" (each with count 1); -1 on a malformed list. */
int tu_lines_parse(tu_lines *s, const char *text);

/* Runs 'cmd' with sh; returns its stdout (malloc'd) and exit status. */
char *tu_capture(const char *cmd, int *status);
/* mkdtemp under $TMPDIR or /tmp; aborts the test on failure. */
char *tu_tmpdir(const char *tag);
void tu_rmrf(const char *dir);
/* Writes 'text' to dir/name, creating parent directories. 0 or -1. */
int tu_write(const char *dir, const char *name, const char *text);
char *tu_read(const char *path, size_t *len);
/* printf into a malloc'd string. */
char *tu_fmt(const char *fmt, ...);

#endif
