/*
** lc_project.c: project discovery (directory walk, busted and LuaCov rules).
*/
#include "lc_project.h"
#include "lc_conf.h"
#include "lc_pat.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* {====================================================== string vectors */

int lc_strv_push(lc_strv *s, const char *str) {
  if (s->n == s->cap) {
    int ncap = s->cap ? s->cap * 2 : 8;
    char **nv = realloc(s->v, (size_t)ncap * sizeof *nv);
    if (!nv) return -1;
    s->v = nv;
    s->cap = ncap;
  }
  if (!(s->v[s->n] = strdup(str))) return -1;
  s->n++;
  return 0;
}

void lc_strv_clear(lc_strv *s) {
  for (int i = 0; i < s->n; i++) free(s->v[i]);
  free(s->v);
  s->v = NULL;
  s->n = s->cap = 0;
}

int lc_strv_has(const lc_strv *s, const char *str) {
  for (int i = 0; i < s->n; i++)
    if (!strcmp(s->v[i], str)) return 1;
  return 0;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

void lc_strv_sort(lc_strv *s) {
  if (s->n > 1) qsort(s->v, (size_t)s->n, sizeof *s->v, cmp_str);
}

/* }====================================================== */

int lc_project_init(lc_project *p, const char *root, char *err, size_t errlen) {
  char buf[PATH_MAX];
  memset(p, 0, sizeof *p);
  if (!realpath(root, buf)) {
    snprintf(err, errlen, "cannot open project root '%s': %s", root, strerror(errno));
    return -1;
  }
  struct stat st;
  if (stat(buf, &st) != 0 || !S_ISDIR(st.st_mode)) {
    snprintf(err, errlen, "project root '%s' is not a directory", root);
    return -1;
  }
  p->root = strdup(buf);
  if (!p->root || lc_strv_push(&p->test_dirs, "spec") || lc_strv_push(&p->patterns, "_spec")) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  return 0;
}

void lc_project_free(lc_project *p) {
  free(p->root);
  lc_strv_clear(&p->test_dirs);
  lc_strv_clear(&p->patterns);
  lc_strv_clear(&p->exclude_patterns);
  lc_strv_clear(&p->include);
  lc_strv_clear(&p->exclude);
  free(p->statsfile);
  lc_strv_clear(&p->specs);
  lc_strv_clear(&p->sources);
  memset(p, 0, sizeof *p);
}

const char *lc_project_rel(const lc_project *p, const char *abs) {
  size_t n = strlen(p->root);
  if (strncmp(abs, p->root, n) == 0 && abs[n] == '/') return abs + n + 1;
  return abs;
}

static const char *base_name(const char *path) {
  const char *s = strrchr(path, '/');
  return s ? s + 1 : path;
}

static int ends_with(const char *s, const char *suf) {
  size_t a = strlen(s), b = strlen(suf);
  return a >= b && strcmp(s + a - b, suf) == 0;
}

static int any_match(const lc_strv *pats, const char *s) {
  for (int i = 0; i < pats->n; i++)
    if (lc_pat_find(pats->v[i], s, NULL, 0) == 1) return 1;
  return 0;
}

int lc_project_is_spec(const lc_project *p, const char *path) {
  const char *b = base_name(path);
  if (!ends_with(b, ".lua")) return 0;
  return any_match(&p->patterns, b) && !any_match(&p->exclude_patterns, b);
}

/* Directories never searched for sources: tooling, dependencies, tests. */
static int skip_dir(const lc_project *p, const char *rel, const char *name) {
  if (name[0] == '.') return 1;
  if (!strcmp(name, "lua_modules") || !strcmp(name, "node_modules")) return 1;
  return lc_strv_has(&p->test_dirs, rel);
}

int lc_project_in_scope(const lc_project *p, const char *path) {
  const char *rel = lc_project_rel(p, path);
  if (rel == path || !ends_with(rel, ".lua")) return 0;
  /* inside a skipped directory? */
  char buf[PATH_MAX];
  snprintf(buf, sizeof buf, "%s", rel);
  for (char *s = buf; (s = strchr(s, '/')) != NULL; s++) {
    *s = '\0';
    const char *name = strrchr(buf, '/');
    name = name ? name + 1 : buf;
    int skip = skip_dir(p, buf, name);
    *s = '/';
    if (skip) return 0;
  }
  if (lc_project_is_spec(p, path)) return 0;
  /* LuaCov matches on the path without its extension. */
  size_t n = strlen(rel) - 4;
  char mod[PATH_MAX];
  snprintf(mod, sizeof mod, "%.*s", (int)n, rel);
  if (p->include.n && !any_match(&p->include, mod)) return 0;
  if (any_match(&p->exclude, mod)) return 0;
  return 1;
}

/* dir + "/" + name into 'out' (PATH_MAX); -1 when it does not fit. */
static int join_path(char *out, const char *dir, const char *name) {
  size_t a = strlen(dir), b = strlen(name);
  if (a + 1 + b + 1 > PATH_MAX) return -1;
  memcpy(out, dir, a);
  out[a] = '/';
  memcpy(out + a + 1, name, b + 1);
  return 0;
}

typedef int (*visit_fn)(lc_project *p, const char *abs, void *ud);

static int walk(lc_project *p, const char *dir, int depth, visit_fn fn, void *ud,
                int skip_rules, char *err, size_t errlen) {
  if (depth > 64) return 0;
  DIR *d = opendir(dir);
  if (!d) {
    snprintf(err, errlen, "cannot read directory '%s': %s", dir, strerror(errno));
    return -1;
  }
  lc_strv names = {0};
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    if (lc_strv_push(&names, e->d_name)) { closedir(d); lc_strv_clear(&names); return -1; }
  }
  closedir(d);
  lc_strv_sort(&names);           /* deterministic order */
  int rc = 0;
  for (int i = 0; i < names.n && rc == 0; i++) {
    char path[PATH_MAX];
    struct stat st;
    if (join_path(path, dir, names.v[i]) != 0) continue;   /* too long */
    if (stat(path, &st) != 0) continue;        /* dangling link */
    if (S_ISDIR(st.st_mode)) {
      if (skip_rules && skip_dir(p, lc_project_rel(p, path), names.v[i])) continue;
      if (!skip_rules && names.v[i][0] == '.') continue;
      rc = walk(p, path, depth + 1, fn, ud, skip_rules, err, errlen);
    } else if (S_ISREG(st.st_mode)) {
      rc = fn(p, path, ud);
    }
  }
  lc_strv_clear(&names);
  return rc;
}

static int add_source(lc_project *p, const char *abs, void *ud) {
  (void)ud;
  if (!lc_project_in_scope(p, abs)) return 0;
  return lc_strv_push(&p->sources, abs);
}

static int add_spec(lc_project *p, const char *abs, void *ud) {
  (void)ud;
  if (!lc_project_is_spec(p, abs) || lc_strv_has(&p->specs, abs)) return 0;
  return lc_strv_push(&p->specs, abs);
}

int lc_project_scan(lc_project *p, char *err, size_t errlen) {
  lc_strv_clear(&p->sources);
  if (walk(p, p->root, 0, add_source, NULL, 1, err, errlen) != 0) return -1;
  lc_strv_sort(&p->sources);
  if (p->specs.n) return 0;          /* explicit paths were given */
  for (int i = 0; i < p->test_dirs.n; i++) {
    char path[PATH_MAX];
    struct stat st;
    if (join_path(path, p->root, p->test_dirs.v[i]) != 0) continue;
    if (stat(path, &st) != 0) continue;       /* no spec/ is not an error */
    if (S_ISDIR(st.st_mode)) {
      if (walk(p, path, 0, add_spec, NULL, 0, err, errlen) != 0) return -1;
    } else if (lc_strv_push(&p->specs, path)) return -1;
  }
  lc_strv_sort(&p->specs);
  return 0;
}

int lc_project_add_paths(lc_project *p, char **paths, int n, char *err, size_t errlen) {
  for (int i = 0; i < n; i++) {
    char abs[PATH_MAX];
    if (!realpath(paths[i], abs)) {
      snprintf(err, errlen, "cannot open '%s': %s", paths[i], strerror(errno));
      return -1;
    }
    struct stat st;
    if (stat(abs, &st) != 0) {
      snprintf(err, errlen, "cannot open '%s': %s", paths[i], strerror(errno));
      return -1;
    }
    if (S_ISDIR(st.st_mode)) {
      if (walk(p, abs, 0, add_spec, NULL, 0, err, errlen) != 0) return -1;
    } else if (!lc_strv_has(&p->specs, abs) && lc_strv_push(&p->specs, abs)) {
      snprintf(err, errlen, "out of memory");
      return -1;
    }
  }
  return 0;
}

/* {====================================================== .luacov */

/* A Lua pattern matching 's' literally. */
static void pat_escape(char *out, size_t n, const char *s, size_t len) {
  size_t o = 0;
  for (size_t i = 0; i < len && o + 3 < n; i++) {
    if (strchr("^$()%.[]*+-?", s[i])) out[o++] = '%';
    out[o++] = s[i];
  }
  out[o] = '\0';
}

/* LuaCov's keys that decide what is reported: include and exclude (Lua
   patterns on root-relative paths without ".lua") and modules (module
   name -> file, or "name.*" -> directory), which adds to include; and
   statsfile, where -c writes LuaCov's statistics. */
static int luacov_key(void *ud, const lc_conf_value *v) {
  lc_project *p = ud;
  lc_strv *dst = !strcmp(v->key, "include") ? &p->include
               : !strcmp(v->key, "exclude") ? &p->exclude : NULL;
  if (!strcmp(v->key, "statsfile") && v->type == LC_CONF_STRING) {
    free(p->statsfile);
    if (!(p->statsfile = strdup(v->str))) return -1;
  } else if (dst && v->type == LC_CONF_LIST) {
    for (int i = 0; i < v->nlist; i++)
      if (lc_strv_push(dst, v->list[i])) return -1;
  } else if (!strcmp(v->key, "modules") && v->type == LC_CONF_MAP) {
    for (int i = 0; i + 1 < v->nlist; i += 2) {
      const char *name = v->list[i], *file = v->list[i + 1];
      char pat[PATH_MAX * 2 + 8], esc[PATH_MAX * 2];
      size_t len = strlen(file);
      if (strncmp(file, "./", 2) == 0) { file += 2; len -= 2; }
      if (strchr(name, '*')) {
        while (len && file[len - 1] == '/') len--;
        pat_escape(esc, sizeof esc, file, len);
        snprintf(pat, sizeof pat, "^%s/", esc);
      } else {
        if (len > 4 && !strcmp(file + len - 4, ".lua")) len -= 4;
        pat_escape(esc, sizeof esc, file, len);
        snprintf(pat, sizeof pat, "^%s$", esc);
      }
      if (lc_strv_push(&p->include, pat)) return -1;
    }
  }
  return 0;
}

int lc_project_read_luacov_file(lc_project *p, const char *path, char *err, size_t errlen) {
  int rc = lc_conf_luacov(path, luacov_key, p, err, errlen);
  return rc < 0 ? -1 : 0;
}

/* .luacov is a Lua file LuaCov runs for its settings (lc_conf_luacov). */
int lc_project_read_luacov(lc_project *p, char *err, size_t errlen) {
  char path[PATH_MAX];
  if (join_path(path, p->root, ".luacov") != 0) return 0;
  return lc_project_read_luacov_file(p, path, err, errlen);
}

/* }====================================================== */
