/*
** lc_busted.c: busted's options and their .busted keys, combined as busted
** does (see lc_busted.h); the one reading of .busted for both the command
** line runner and the language server.
*/
#include "lc_busted.h"
#include "lc_conf.h"
#include "lc_pat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const lc_bsetting settings_proto[LC_B_NSETTINGS] = {
  [LC_B_ROOT] = { "ROOT", LC_BK_LIST, 0, 0, {0}, 0, 0 },
  [LC_B_PATTERN] = { "pattern", LC_BK_LIST, 0, 0, {0}, 0, 0 },
  [LC_B_XPATTERN] = { "exclude-pattern", LC_BK_LIST, 0, 0, {0}, 0, 0 },
  [LC_B_TAGS] = { "tags", LC_BK_CSV, 0, 0, {0}, 0, 0 },
  [LC_B_XTAGS] = { "exclude-tags", LC_BK_CSV, 0, 0, {0}, 0, 0 },
  [LC_B_FILTER] = { "filter", LC_BK_LIST, 0, 0, {0}, 0, 0 },
  [LC_B_FILTEROUT] = { "filter-out", LC_BK_LIST, 0, 0, {0}, 0, 0 },
  [LC_B_LPATH] = { "lpath", LC_BK_PATH, 0, 0, {0}, 0, 0 },
  [LC_B_CPATH] = { "cpath", LC_BK_PATH, 0, 0, {0}, 0, 0 },
  [LC_B_HELPER] = { "helper", LC_BK_LIST, 0, 0, {0}, 0, 0 },
  [LC_B_OUTPUT] = { "output", LC_BK_STR, 0, 0, {0}, 0, 0 },
  [LC_B_XOUTPUT] = { "Xoutput", LC_BK_CSV, 0, 0, {0}, 0, 0 },
  [LC_B_RUN] = { "run", LC_BK_STR, 0, 0, {0}, 0, 0 },
  [LC_B_DIRECTORY] = { "directory", LC_BK_STR, 0, 0, {0}, 0, 0 },
  [LC_B_CONFIG] = { "config-file", LC_BK_STR, 0, 0, {0}, 0, 0 },
  [LC_B_COVCONFIG] = { "coverage-config-file", LC_BK_STR, 0, 0, {0}, 0, 0 },
  [LC_B_LUA] = { "lua", LC_BK_STR, 0, 0, {0}, 0, 0 },
  [LC_B_SEED] = { "seed", LC_BK_STR, 0, 0, {0}, 0, 0 },
  [LC_B_REPEAT] = { "repeat", LC_BK_STR, 0, 0, {0}, 0, 0 },
  [LC_B_VERBOSE] = { "verbose", LC_BK_BOOL, 0, 0, {0}, 0, 0 },
  [LC_B_LIST] = { "list", LC_BK_BOOL, 0, 0, {0}, 0, 0 },
  [LC_B_COVERAGE] = { "coverage", LC_BK_BOOL, 0, 0, {0}, 0, 0 },
  [LC_B_SHUFFLE_FILES] = { "shuffle-files", LC_BK_BOOL, 0, 0, {0}, 0, 0 },
  [LC_B_SHUFFLE_TESTS] = { "shuffle-tests", LC_BK_BOOL, 0, 0, {0}, 0, 0 },
  [LC_B_SORT_FILES] = { "sort-files", LC_BK_BOOL, 0, 0, {0}, 0, 0 },
  [LC_B_SORT_TESTS] = { "sort-tests", LC_BK_BOOL, 0, 0, {0}, 0, 0 },
  [LC_B_LAZY] = { "lazy", LC_BK_BOOL, 0, 0, {0}, 0, 0 },
  [LC_B_INSULATE] = { "auto-insulate", LC_BK_BOOL, 0, 0, {0}, 0, 1 },
  [LC_B_KEEPGOING] = { "keep-going", LC_BK_BOOL, 0, 0, {0}, 0, 1 },
  [LC_B_RECURSIVE] = { "recursive", LC_BK_BOOL, 0, 0, {0}, 0, 1 },
  [LC_B_SUPPRESS] = { "suppress-pending", LC_BK_BOOL, 0, 0, {0}, 0, 0 },
  [LC_B_LOADERS] = { "loaders", LC_BK_CSV, 0, 0, {0}, 0, 0 },
  [LC_B_E] = { "e", LC_BK_LIST, 0, 0, {0}, 0, 0 },
  [LC_B_XHELPER] = { "Xhelper", LC_BK_CSV, 0, 0, {0}, 0, 0 },
  [LC_B_LANG] = { "lang", LC_BK_STR, 0, 0, {0}, 0, 0 },
  /* accepted: only gtest prints differently when deferred; nothing is spoken */
  [LC_B_DEFER] = { "defer-print", LC_BK_BOOL, 0, 0, {0}, 0, 0 },
  [LC_B_SOUND] = { "enable-sound", LC_BK_BOOL, 0, 0, {0}, 0, 0 },
  [LC_B_IGNORELUA] = { "ignore-lua", LC_BK_BOOL, 0, 0, {0}, 0, 0 },
};

void lc_busted_free(lc_bsetting *s) {
  for (int i = 0; i < LC_B_NSETTINGS; i++) {
    lc_strv_clear(&s[i].list);
    free(s[i].str);
  }
}

static int push_csv(lc_strv *v, const char *s) {
  const char *p = s;
  for (;;) {
    size_t n = strcspn(p, ",");
    if (n) {
      char *tok = strndup(p, n);
      if (!tok || lc_strv_push(v, tok)) { free(tok); return -1; }
      free(tok);
    }
    if (!p[n]) return 0;
    p += n + 1;
  }
}

/* Adds a string value the way busted's option kinds combine repeats:
   lists append, CSV lists append split items, paths join with ';',
   plain options keep the last. */
int lc_busted_add(lc_bsetting *s, const char *v) {
  s->set = 1;
  switch (s->k) {
    case LC_BK_LIST: return lc_strv_push(&s->list, v);
    case LC_BK_CSV: return push_csv(&s->list, v);
    case LC_BK_PATH:
      if (s->str) {
        size_t n = strlen(s->str) + strlen(v) + 2;
        char *j = malloc(n);
        if (!j) return -1;
        snprintf(j, n, "%s;%s", s->str, v);
        free(s->str);
        s->str = j;
        return 0;
      }
      /* fall through */
    case LC_BK_STR:
      free(s->str);
      s->str = strdup(v);
      return s->str ? 0 : -1;
    case LC_BK_BOOL:
      s->b = strcmp(v, "false") != 0 && strcmp(v, "0") != 0;
      return 0;
  }
  return 0;
}

/* A key of the .busted task: fills settings the command line left alone. */
static int conf_key(void *ud, const lc_conf_value *v) {
  lc_bsetting *s = ud;
  const char *key = v->key;
  /* busted reads `shuffle`/`sort` only from the command line; livecov
     also takes them from .busted, for both files and tests */
  if (!strcmp(key, "shuffle") || !strcmp(key, "sort")) {
    int a = key[1] == 'h' ? LC_B_SHUFFLE_FILES : LC_B_SORT_FILES;
    for (int id = a; id <= a + 1; id++) {
      if (s[id].given || v->type != LC_CONF_BOOL) continue;
      s[id].b = v->boolean;
      s[id].set = 1;
    }
    return 0;
  }
  for (int i = 0; i < LC_B_NSETTINGS; i++) {
    if (strcmp(s[i].name, key) != 0) continue;
    if (s[i].given) return 0;
    lc_strv_clear(&s[i].list);
    free(s[i].str);
    s[i].str = NULL;
    s[i].set = 1;
    if (v->type == LC_CONF_BOOL) {
      if (s[i].k == LC_BK_BOOL) s[i].b = v->boolean;
    } else if (v->type == LC_CONF_STRING) {
      if (lc_busted_add(&s[i], v->str)) return -1;
    } else if (v->type == LC_CONF_LIST) {
      for (int j = 0; j < v->nlist; j++)
        if (lc_busted_add(&s[i], v->list[j])) return -1;
    }
    return 0;
  }
  return 0;                   /* keys busted does not know are ignored, as there */
}

void lc_busted_init(lc_bsetting *s) {
  memcpy(s, settings_proto, sizeof settings_proto);
}

const char *lc_busted_key(int id) {
  return id >= 0 && id < LC_B_NSETTINGS ? settings_proto[id].name : NULL;
}

int lc_busted_read(lc_bsetting *s, const char *path, const char *task, char *err, size_t errlen) {
  return lc_conf_busted(path, task, conf_key, s, err, errlen);
}

int lc_busted_defaults(lc_bsetting *s) {
  if (!s[LC_B_ROOT].set && lc_strv_push(&s[LC_B_ROOT].list, "spec")) return -1;
  if (!s[LC_B_PATTERN].set && lc_strv_push(&s[LC_B_PATTERN].list, "_spec")) return -1;
  if (!s[LC_B_LPATH].set && lc_busted_add(&s[LC_B_LPATH], "./src/?.lua;./src/?/?.lua;./src/?/init.lua"))
    return -1;
  if (!s[LC_B_CPATH].set && lc_busted_add(&s[LC_B_CPATH], "./csrc/?.so;./csrc/?/?.so;")) return -1;
  return 0;
}

/* ROOT entry -> test_dirs form: relative, without "./" or a trailing '/'. */
static char *root_entry(const char *p) {
  while (p[0] == '.' && p[1] == '/') p += 2;
  char *s = strdup(*p ? p : ".");
  if (!s) return NULL;
  size_t n = strlen(s);
  while (n > 1 && s[n - 1] == '/') s[--n] = '\0';
  return s;
}

static int copy_list(lc_strv *dst, const lc_strv *src) {
  lc_strv_clear(dst);
  for (int i = 0; i < src->n; i++)
    if (lc_strv_push(dst, src->v[i])) return -1;
  return 0;
}

int lc_busted_discovery(const lc_bsetting *s, lc_project *p, char *err, size_t errlen) {
  const lc_strv *pats = &s[LC_B_PATTERN].list;
  for (int i = 0; i < pats->n; i++)
    if (lc_pat_find(pats->v[i], "", err, errlen) < 0) return -1;
  if (copy_list(&p->patterns, pats) || copy_list(&p->exclude_patterns, &s[LC_B_XPATTERN].list))
    goto oom;
  lc_strv_clear(&p->test_dirs);
  for (int i = 0; i < s[LC_B_ROOT].list.n; i++) {
    char *e = root_entry(s[LC_B_ROOT].list.v[i]);
    if (!e || lc_strv_push(&p->test_dirs, e)) { free(e); goto oom; }
    free(e);
  }
  return 0;
oom:
  snprintf(err, errlen, "out of memory");
  return -1;
}

int lc_busted_worker_args(const lc_bsetting *s, lc_strv *a) {
  int bad = 0;
  if (s[LC_B_LPATH].str && *s[LC_B_LPATH].str)
    bad |= lc_strv_push(a, "--lpath") | lc_strv_push(a, s[LC_B_LPATH].str);
  if (s[LC_B_CPATH].str && *s[LC_B_CPATH].str)
    bad |= lc_strv_push(a, "--cpath") | lc_strv_push(a, s[LC_B_CPATH].str);
  static const struct { int id; const char *flag; } lists[] = {
    { LC_B_E, "--exec" }, { LC_B_HELPER, "--helper" }, { LC_B_XHELPER, "--helper-arg" },
    { LC_B_TAGS, "--tag" },
    { LC_B_XTAGS, "--exclude-tag" },
    { LC_B_FILTER, "--filter" }, { LC_B_FILTEROUT, "--filter-out" } };
  for (size_t k = 0; k < sizeof lists / sizeof *lists; k++)
    for (int i = 0; i < s[lists[k].id].list.n; i++)
      if (*s[lists[k].id].list.v[i])
        bad |= lc_strv_push(a, lists[k].flag) | lc_strv_push(a, s[lists[k].id].list.v[i]);
  if (s[LC_B_LAZY].b) bad |= lc_strv_push(a, "--lazy");
  if (!s[LC_B_INSULATE].b) bad |= lc_strv_push(a, "--no-auto-insulate");
  if (!s[LC_B_KEEPGOING].b) bad |= lc_strv_push(a, "--no-keep-going");
  return bad ? -1 : 0;
}
