/*
** lc_project.h: what a project is made of: its root, its spec files and the
** source files in coverage scope. Discovery follows busted (spec/ and the
** "_spec" pattern on file names) and LuaCov (.luacov include/exclude,
** Lua patterns on root-relative paths without ".lua").
*/
#ifndef LC_PROJECT_H
#define LC_PROJECT_H

#include <stddef.h>

typedef struct lc_strv { char **v; int n, cap; } lc_strv;
int lc_strv_push(lc_strv *s, const char *str);     /* copies; 0 or -1 */
void lc_strv_clear(lc_strv *s);
int lc_strv_has(const lc_strv *s, const char *str);
void lc_strv_sort(lc_strv *s);

typedef struct lc_project {
  char *root;              /* real absolute path, no trailing slash */
  lc_strv test_dirs;       /* roots of spec discovery, relative ("spec") */
  lc_strv patterns;        /* spec file name patterns ("_spec") */
  lc_strv exclude_patterns;
  lc_strv include, exclude;  /* coverage scope, .luacov style */
  char *statsfile;         /* .luacov's statsfile, or NULL (LuaCov's default) */
  lc_strv specs;           /* discovered spec files, absolute, sorted */
  lc_strv sources;         /* source files in scope, absolute, sorted */
} lc_project;

/* Sets the root (resolved with realpath) and busted/LuaCov defaults.
   Returns 0, or -1 with a message in 'err'. */
int lc_project_init(lc_project *p, const char *root, char *err, size_t errlen);
void lc_project_free(lc_project *p);
/* Reads .luacov (include/exclude/modules, statsfile) if present. 0, or -1
   with a message. */
int lc_project_read_luacov(lc_project *p, char *err, size_t errlen);
/* The same from another file (busted --coverage-config-file); a missing
   file is not an error. */
int lc_project_read_luacov_file(lc_project *p, const char *path, char *err, size_t errlen);
/* Walks the tree: fills 'specs' (from test_dirs) and 'sources'. */
int lc_project_scan(lc_project *p, char *err, size_t errlen);
/* Expands command-line paths (files or directories) into 'specs'. */
int lc_project_add_paths(lc_project *p, char **paths, int n, char *err, size_t errlen);

/* Root-relative form of an absolute path (points into 'abs'), or 'abs'. */
const char *lc_project_rel(const lc_project *p, const char *abs);
/* 1 if the absolute 'path' is a source file in coverage scope. */
int lc_project_in_scope(const lc_project *p, const char *path);
/* 1 if the absolute 'path' is a spec file by the discovery rules. */
int lc_project_is_spec(const lc_project *p, const char *path);

#endif
