/*
** lc_lsp.c: conversions between LSP JSON and the structs of lc_lsp.h.
** Readers are strict about the fields a message exists to carry (a
** didChange without a version is refused) and lenient about capabilities,
** where absence and nonsense both mean "not supported".
*/
#include "lc_lsp.h"
#include "lc_uri.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/*
** {======================================================
** Helpers
** =======================================================
*/

static int fail(char *err, size_t errlen, const char *fmt, ...) {
  if (err != NULL && errlen > 0) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
  }
  return -1;
}

/*
** The value at a dotted 'path' ("window.workDoneProgress") under 'obj', or
** NULL when a step is missing or not an object. Keys hold no dots.
*/
static json_t *at_path(const json_t *obj, const char *path) {
  json_t *v = (json_t *)obj;   /* jansson's getters take non-const */
  while (v != NULL && *path != '\0') {
    char key[64];
    size_t n = strcspn(path, ".");
    if (n >= sizeof key || !json_is_object(v)) return NULL;
    memcpy(key, path, n);
    key[n] = '\0';
    v = json_object_get(v, key);
    path += n;
    if (*path == '.') path++;
  }
  return v;
}

/* True only when the value at 'path' is the JSON true. */
static bool flag_at(const json_t *obj, const char *path) {
  return json_is_true(at_path(obj, path));
}

/* A required string member; 'what' names the object for error messages. */
static int req_string(const json_t *obj, const char *key, const char *what,
                      const char **out, size_t *len, char *err, size_t errlen) {
  json_t *v = json_object_get(obj, key);
  if (!json_is_string(v))
    return fail(err, errlen, "%s%s: expected a string", what, key);
  *out = json_string_value(v);
  if (len != NULL) *len = json_string_length(v);
  return 0;
}

static int req_int(const json_t *obj, const char *key, const char *what,
                   int64_t *out, char *err, size_t errlen) {
  json_t *v = json_object_get(obj, key);
  if (!json_is_integer(v))
    return fail(err, errlen, "%s%s: expected an integer", what, key);
  *out = (int64_t)json_integer_value(v);
  return 0;
}

static int req_object(const json_t *j, const char *what, char *err,
                      size_t errlen) {
  if (!json_is_object(j))
    return fail(err, errlen, "%s: expected an object", what);
  return 0;
}

/* Sets obj[key] = v (stolen); returns -1 if 'v' is NULL or setting fails. */
static int put(json_t *obj, const char *key, json_t *v) {
  return json_object_set_new(obj, key, v) == 0 ? 0 : -1;
}

/* }====================================================== */


/*
** {======================================================
** Basic structures
** =======================================================
*/

static int uinteger(const json_t *obj, const char *key, uint32_t *out,
                    char *err, size_t errlen) {
  json_t *v = json_object_get(obj, key);
  json_int_t n;
  if (!json_is_integer(v))
    return fail(err, errlen, "position.%s: expected an integer", key);
  n = json_integer_value(v);
  if (n < 0 || (uint64_t)n > UINT32_MAX)
    return fail(err, errlen, "position.%s: %lld is out of range", key,
                (long long)n);
  *out = (uint32_t)n;
  return 0;
}

int lc_lsp_position_from_json(const json_t *j, lc_position *out, char *err,
                              size_t errlen) {
  lc_position p;
  if (req_object(j, "position", err, errlen) != 0 ||
      uinteger(j, "line", &p.line, err, errlen) != 0 ||
      uinteger(j, "character", &p.character, err, errlen) != 0)
    return -1;
  *out = p;
  return 0;
}

int lc_lsp_range_from_json(const json_t *j, lc_range *out, char *err,
                           size_t errlen) {
  lc_range r;
  if (req_object(j, "range", err, errlen) != 0 ||
      lc_lsp_position_from_json(json_object_get(j, "start"), &r.start, err,
                                errlen) != 0 ||
      lc_lsp_position_from_json(json_object_get(j, "end"), &r.end, err,
                                errlen) != 0)
    return -1;
  *out = r;
  return 0;
}

json_t *lc_lsp_position_to_json(lc_position p) {
  json_t *o = json_object();
  if (o == NULL || put(o, "line", json_integer(p.line)) != 0 ||
      put(o, "character", json_integer(p.character)) != 0) {
    json_decref(o);
    return NULL;
  }
  return o;
}

json_t *lc_lsp_range_to_json(lc_range r) {
  json_t *o = json_object();
  if (o == NULL || put(o, "start", lc_lsp_position_to_json(r.start)) != 0 ||
      put(o, "end", lc_lsp_position_to_json(r.end)) != 0) {
    json_decref(o);
    return NULL;
  }
  return o;
}

int lc_lsp_text_document_id_from_json(const json_t *j,
                                      lc_lsp_text_document_id *out,
                                      char *err, size_t errlen) {
  if (req_object(j, "textDocument", err, errlen) != 0) return -1;
  return req_string(j, "uri", "textDocument.", &out->uri, NULL, err, errlen);
}

int lc_lsp_versioned_text_document_id_from_json(
    const json_t *j, lc_lsp_versioned_text_document_id *out, char *err,
    size_t errlen) {
  if (req_object(j, "textDocument", err, errlen) != 0 ||
      req_string(j, "uri", "textDocument.", &out->uri, NULL, err, errlen) != 0 ||
      req_int(j, "version", "textDocument.", &out->version, err, errlen) != 0)
    return -1;
  return 0;
}

int lc_lsp_text_document_item_from_json(const json_t *j,
                                        lc_lsp_text_document_item *out,
                                        char *err, size_t errlen) {
  const char *w = "textDocument.";
  if (req_object(j, "textDocument", err, errlen) != 0 ||
      req_string(j, "uri", w, &out->uri, NULL, err, errlen) != 0 ||
      req_string(j, "languageId", w, &out->language_id, NULL, err, errlen) != 0 ||
      req_int(j, "version", w, &out->version, err, errlen) != 0 ||
      req_string(j, "text", w, &out->text, &out->text_len, err, errlen) != 0)
    return -1;
  return 0;
}

/* }====================================================== */


/*
** {======================================================
** initialize
** =======================================================
*/

static void read_caps(const json_t *caps, lc_lsp_client_caps *c) {
  const json_t *tags, *encs;
  size_t i;

  memset(c, 0, sizeof *c);
  c->work_done_progress = flag_at(caps, "window.workDoneProgress");
  c->configuration = flag_at(caps, "workspace.configuration");
  c->did_change_configuration_dynamic =
      flag_at(caps, "workspace.didChangeConfiguration.dynamicRegistration");
  c->diagnostics_version =
      flag_at(caps, "textDocument.publishDiagnostics.versionSupport");

  /* json_array_size is 0 for anything but an array, NULL included. */
  tags = at_path(caps, "textDocument.publishDiagnostics.tagSupport.valueSet");
  for (i = 0; i < json_array_size(tags); i++)
    if (json_integer_value(json_array_get(tags, i)) == 1)
      c->diagnostics_tags = true;

  encs = at_path(caps, "general.positionEncodings");
  for (i = 0; i < json_array_size(encs); i++) {
    const char *s = json_string_value(json_array_get(encs, i));
    if (s == NULL) continue;
    if (strcmp(s, "utf-8") == 0) c->position_encodings |= LC_POS_BIT(LC_POS_UTF8);
    else if (strcmp(s, "utf-16") == 0) c->position_encodings |= LC_POS_BIT(LC_POS_UTF16);
    else if (strcmp(s, "utf-32") == 0) c->position_encodings |= LC_POS_BIT(LC_POS_UTF32);
  }
  c->position_encoding = lc_pos_pick_bits(c->position_encodings);
}

/* Sets p->root_uri from the first of rootUri, rootPath, workspaceFolders. */
static int read_root(const json_t *j, lc_lsp_initialize_params *p, char *err,
                     size_t errlen) {
  json_t *uri = json_object_get(j, "rootUri");
  json_t *path = json_object_get(j, "rootPath");
  json_t *folders = json_object_get(j, "workspaceFolders");
  const char *found = NULL;

  if (uri != NULL && !json_is_null(uri) && !json_is_string(uri))
    return fail(err, errlen, "rootUri: expected a string or null");
  if (path != NULL && !json_is_null(path) && !json_is_string(path))
    return fail(err, errlen, "rootPath: expected a string or null");
  if (folders != NULL && !json_is_null(folders) && !json_is_array(folders))
    return fail(err, errlen, "workspaceFolders: expected an array or null");

  if (json_is_string(uri)) {
    found = json_string_value(uri);
  } else if (json_is_string(path) && json_string_value(path)[0] == '/') {
    /* A relative rootPath cannot be made a URI; it is treated as absent. */
    p->root_uri = lc_uri_from_path(json_string_value(path));
    if (p->root_uri == NULL) return fail(err, errlen, "out of memory");
    return 0;
  } else if (json_array_size(folders) > 0) {
    json_t *f = json_object_get(json_array_get(folders, 0), "uri");
    if (!json_is_string(f))
      return fail(err, errlen, "workspaceFolders[0].uri: expected a string");
    found = json_string_value(f);
  }
  if (found != NULL) {
    p->root_uri = strdup(found);
    if (p->root_uri == NULL) return fail(err, errlen, "out of memory");
  }
  return 0;
}

int lc_lsp_initialize_params_from_json(const json_t *j,
                                       lc_lsp_initialize_params *out,
                                       char *err, size_t errlen) {
  lc_lsp_initialize_params p;
  json_t *v;

  memset(&p, 0, sizeof p);
  p.process_id = -1;
  if (req_object(j, "params", err, errlen) != 0) return -1;

  v = json_object_get(j, "processId");
  if (json_is_integer(v)) p.process_id = (int64_t)json_integer_value(v);
  else if (v != NULL && !json_is_null(v))
    return fail(err, errlen, "processId: expected an integer or null");

  read_caps(json_object_get(j, "capabilities"), &p.caps);
  if (read_root(j, &p, err, errlen) != 0) {
    free(p.root_uri);
    return -1;
  }
  v = json_object_get(j, "initializationOptions");
  if (v != NULL && !json_is_null(v)) p.initialization_options = json_incref(v);
  *out = p;
  return 0;
}

void lc_lsp_initialize_params_clear(lc_lsp_initialize_params *p) {
  free(p->root_uri);
  json_decref(p->initialization_options);
  memset(p, 0, sizeof *p);
}

/* }====================================================== */


/*
** {======================================================
** Document synchronisation
** =======================================================
*/

int lc_lsp_did_open_from_json(const json_t *params,
                              lc_lsp_text_document_item *out, char *err,
                              size_t errlen) {
  if (req_object(params, "params", err, errlen) != 0) return -1;
  return lc_lsp_text_document_item_from_json(
      json_object_get(params, "textDocument"), out, err, errlen);
}

int lc_lsp_text_document_of(const json_t *params, lc_lsp_text_document_id *out,
                            char *err, size_t errlen) {
  if (req_object(params, "params", err, errlen) != 0) return -1;
  return lc_lsp_text_document_id_from_json(
      json_object_get(params, "textDocument"), out, err, errlen);
}

int lc_lsp_did_change_from_json(const json_t *params,
                                lc_lsp_did_change_params *out, char *err,
                                size_t errlen) {
  lc_lsp_did_change_params p;
  json_t *arr;
  size_t i;

  memset(&p, 0, sizeof p);
  if (req_object(params, "params", err, errlen) != 0 ||
      lc_lsp_versioned_text_document_id_from_json(
          json_object_get(params, "textDocument"), &p.text_document, err,
          errlen) != 0)
    return -1;
  arr = json_object_get(params, "contentChanges");
  if (!json_is_array(arr))
    return fail(err, errlen, "contentChanges: expected an array");
  p.nchanges = json_array_size(arr);
  if (p.nchanges > 0) {
    p.changes = calloc(p.nchanges, sizeof *p.changes);
    if (p.changes == NULL) return fail(err, errlen, "out of memory");
  }
  for (i = 0; i < p.nchanges; i++) {
    json_t *c = json_array_get(arr, i);
    json_t *range = json_object_get(c, "range");
    lc_doc_change *dc = &p.changes[i];
    char sub[LC_LSP_ERR_LEN];
    if (!json_is_object(c)) {
      free(p.changes);
      return fail(err, errlen, "contentChanges[%zu]: expected an object", i);
    }
    if (req_string(c, "text", "", &dc->text, &dc->text_len, sub, sizeof sub) != 0 ||
        (range != NULL &&
         lc_lsp_range_from_json(range, &dc->range, sub, sizeof sub) != 0)) {
      free(p.changes);
      return fail(err, errlen, "contentChanges[%zu].%s", i, sub);
    }
    dc->has_range = range != NULL;
  }
  *out = p;
  return 0;
}

void lc_lsp_did_change_params_clear(lc_lsp_did_change_params *p) {
  free(p->changes);
  memset(p, 0, sizeof *p);
}

/* }====================================================== */


/*
** {======================================================
** Diagnostics
** =======================================================
*/

json_t *lc_lsp_diagnostic_to_json(const lc_lsp_diagnostic *d) {
  json_t *o = json_object();
  if (o == NULL) return NULL;
  if (put(o, "range", lc_lsp_range_to_json(d->range)) != 0) goto error;
  if (d->severity != LC_LSP_SEVERITY_NONE &&
      put(o, "severity", json_integer(d->severity)) != 0)
    goto error;
  if (d->source != NULL && put(o, "source", json_string(d->source)) != 0)
    goto error;
  if (put(o, "message", json_string(d->message != NULL ? d->message : "")) != 0)
    goto error;
  if (d->tags != 0) {
    json_t *tags = json_array();
    if (put(o, "tags", tags) != 0) goto error;
    /* DiagnosticTag n is flag bit n-1. */
    if ((d->tags & LC_LSP_TAG_UNNECESSARY) &&
        json_array_append_new(tags, json_integer(1)) != 0)
      goto error;
    if ((d->tags & LC_LSP_TAG_DEPRECATED) &&
        json_array_append_new(tags, json_integer(2)) != 0)
      goto error;
  }
  return o;
error:
  json_decref(o);
  return NULL;
}

json_t *lc_lsp_publish_diagnostics_params(const char *uri, bool has_version,
                                          int64_t version,
                                          const lc_lsp_diagnostic *diags,
                                          size_t n) {
  json_t *o = json_object(), *arr;
  size_t i;
  if (o == NULL) return NULL;
  if (put(o, "uri", json_string(uri)) != 0) goto error;
  if (has_version && put(o, "version", json_integer(version)) != 0) goto error;
  arr = json_array();
  if (put(o, "diagnostics", arr) != 0) goto error;
  for (i = 0; i < n; i++)
    if (json_array_append_new(arr, lc_lsp_diagnostic_to_json(&diags[i])) != 0)
      goto error;
  return o;
error:
  json_decref(o);
  return NULL;
}

/* }====================================================== */
