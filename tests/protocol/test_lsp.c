/*
** test_lsp.c: LSP structs and their JSON (protocol/lc_lsp.c): what real
** clients send (VS Code and Neovim shaped initialize params), what is
** refused and why, and the exact JSON of diagnostics.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "lc_lsp.h"

static json_t *J(const char *text) {
  json_error_t e;
  json_t *j = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
  if (j == NULL) fail_msg("bad test JSON: %s: %s", e.text, text);
  return j;
}

static void assert_json(json_t *j, const char *expected) {
  char *s;
  assert_non_null(j);
  s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
  assert_string_equal(s, expected);
  free(s);
  json_decref(j);
}

static void positions_and_ranges(void **state) {
  json_t *j = J("{\"start\":{\"line\":1,\"character\":2},"
                "\"end\":{\"line\":3,\"character\":4}}");
  lc_range r;
  lc_position p;
  char err[LC_LSP_ERR_LEN];
  (void)state;
  assert_int_equal(lc_lsp_range_from_json(j, &r, err, sizeof err), 0);
  assert_int_equal(r.start.line, 1);
  assert_int_equal(r.start.character, 2);
  assert_int_equal(r.end.line, 3);
  assert_int_equal(r.end.character, 4);
  json_decref(j);
  assert_json(lc_lsp_range_to_json(r),
              "{\"end\":{\"character\":4,\"line\":3},"
              "\"start\":{\"character\":2,\"line\":1}}");

  j = J("{\"line\":-1,\"character\":0}");
  assert_int_equal(lc_lsp_position_from_json(j, &p, err, sizeof err), -1);
  assert_string_equal(err, "position.line: -1 is out of range");
  json_decref(j);
  j = J("{\"line\":0,\"character\":\"0\"}");
  assert_int_equal(lc_lsp_position_from_json(j, &p, err, sizeof err), -1);
  assert_string_equal(err, "position.character: expected an integer");
  json_decref(j);
  j = J("{\"line\":4294967296,\"character\":0}");
  assert_int_equal(lc_lsp_position_from_json(j, &p, err, sizeof err), -1);
  json_decref(j);
  j = J("{\"start\":{\"line\":0,\"character\":0}}");
  assert_int_equal(lc_lsp_range_from_json(j, &r, err, sizeof err), -1);
  assert_string_equal(err, "position: expected an object");
  json_decref(j);
  assert_int_equal(lc_lsp_range_from_json(NULL, &r, NULL, 0), -1);
}

static void vscode_initialize(void **state) {
  json_t *j = J(
      "{\"processId\":4242,\"clientInfo\":{\"name\":\"Visual Studio Code\"},"
      "\"rootPath\":\"/p\",\"rootUri\":\"file:///p\","
      "\"initializationOptions\":{\"livecov\":{\"runOnType\":true}},"
      "\"capabilities\":{"
      " \"workspace\":{\"configuration\":true,"
      "   \"didChangeConfiguration\":{\"dynamicRegistration\":true}},"
      " \"textDocument\":{\"publishDiagnostics\":{\"relatedInformation\":true,"
      "   \"versionSupport\":false,\"tagSupport\":{\"valueSet\":[1,2]}}},"
      " \"window\":{\"workDoneProgress\":true},"
      " \"general\":{\"positionEncodings\":[\"utf-16\"]}},"
      "\"workspaceFolders\":[{\"uri\":\"file:///other\",\"name\":\"o\"}]}");
  lc_lsp_initialize_params p;
  char err[LC_LSP_ERR_LEN];
  (void)state;
  assert_int_equal(lc_lsp_initialize_params_from_json(j, &p, err, sizeof err), 0);
  json_decref(j);   /* what the params keep is their own */
  assert_int_equal(p.process_id, 4242);
  assert_string_equal(p.root_uri, "file:///p");
  assert_json(json_incref(p.initialization_options),
              "{\"livecov\":{\"runOnType\":true}}");
  assert_true(p.caps.work_done_progress);
  assert_true(p.caps.configuration);
  assert_true(p.caps.did_change_configuration_dynamic);
  assert_false(p.caps.diagnostics_version);
  assert_true(p.caps.diagnostics_tags);
  assert_int_equal(p.caps.position_encodings, LC_POS_BIT(LC_POS_UTF16));
  assert_int_equal(p.caps.position_encoding, LC_POS_UTF16);
  lc_lsp_initialize_params_clear(&p);
  assert_null(p.root_uri);
}

static void neovim_initialize(void **state) {
  json_t *j = J(
      "{\"processId\":null,\"rootUri\":null,\"rootPath\":null,"
      "\"workspaceFolders\":[{\"uri\":\"file:///w%20s\",\"name\":\"/w s\"}],"
      "\"capabilities\":{"
      " \"textDocument\":{\"publishDiagnostics\":{\"versionSupport\":true,"
      "   \"tagSupport\":{\"valueSet\":[2]}}},"
      " \"general\":{\"positionEncodings\":[\"utf-8\",\"utf-16\",\"utf-32\"]},"
      " \"window\":{\"workDoneProgress\":\"yes\"}}}");
  lc_lsp_initialize_params p;
  (void)state;
  assert_int_equal(lc_lsp_initialize_params_from_json(j, &p, NULL, 0), 0);
  json_decref(j);
  assert_int_equal(p.process_id, -1);
  assert_string_equal(p.root_uri, "file:///w%20s");
  assert_null(p.initialization_options);
  assert_false(p.caps.work_done_progress);   /* "yes" is not true */
  assert_false(p.caps.configuration);
  assert_true(p.caps.diagnostics_version);
  assert_false(p.caps.diagnostics_tags);     /* Deprecated only */
  assert_int_equal(p.caps.position_encodings,
                   LC_POS_BIT(LC_POS_UTF8) | LC_POS_BIT(LC_POS_UTF16) |
                   LC_POS_BIT(LC_POS_UTF32));
  assert_int_equal(p.caps.position_encoding, LC_POS_UTF8);
  lc_lsp_initialize_params_clear(&p);
}

static void initialize_roots(void **state) {
  lc_lsp_initialize_params p;
  json_t *j;
  (void)state;
  /* rootPath alone is turned into a URI. */
  j = J("{\"rootPath\":\"/a b\",\"capabilities\":{}}");
  assert_int_equal(lc_lsp_initialize_params_from_json(j, &p, NULL, 0), 0);
  assert_string_equal(p.root_uri, "file:///a%20b");
  lc_lsp_initialize_params_clear(&p);
  json_decref(j);
  /* Nothing at all: no root, default capabilities. */
  j = J("{}");
  assert_int_equal(lc_lsp_initialize_params_from_json(j, &p, NULL, 0), 0);
  assert_null(p.root_uri);
  assert_int_equal(p.process_id, -1);
  assert_false(p.caps.configuration);
  assert_int_equal(p.caps.position_encoding, LC_POS_UTF16);
  lc_lsp_initialize_params_clear(&p);
  json_decref(j);
  /* A relative rootPath is ignored; the folder is used. */
  j = J("{\"rootPath\":\"rel\",\"workspaceFolders\":[{\"uri\":\"file:///f\"}]}");
  assert_int_equal(lc_lsp_initialize_params_from_json(j, &p, NULL, 0), 0);
  assert_string_equal(p.root_uri, "file:///f");
  lc_lsp_initialize_params_clear(&p);
  json_decref(j);
}

static void initialize_errors(void **state) {
  static const struct { const char *json, *err; } cases[] = {
      {"[]", "params: expected an object"},
      {"{\"processId\":\"1\"}", "processId: expected an integer or null"},
      {"{\"rootUri\":1}", "rootUri: expected a string or null"},
      {"{\"rootPath\":[]}", "rootPath: expected a string or null"},
      {"{\"workspaceFolders\":{}}", "workspaceFolders: expected an array or null"},
      {"{\"workspaceFolders\":[{}]}", "workspaceFolders[0].uri: expected a string"},
  };
  size_t i;
  (void)state;
  for (i = 0; i < sizeof cases / sizeof *cases; i++) {
    lc_lsp_initialize_params p;
    char err[LC_LSP_ERR_LEN] = "";
    json_t *j = J(cases[i].json);
    assert_int_equal(lc_lsp_initialize_params_from_json(j, &p, err, sizeof err), -1);
    assert_string_equal(err, cases[i].err);
    json_decref(j);
  }
}

static void did_open(void **state) {
  json_t *j = J("{\"textDocument\":{\"uri\":\"file:///p/a.lua\","
                "\"languageId\":\"lua\",\"version\":3,\"text\":\"x\\u0000y\\n\"}}");
  lc_lsp_text_document_item it;
  char err[LC_LSP_ERR_LEN];
  (void)state;
  assert_int_equal(lc_lsp_did_open_from_json(j, &it, err, sizeof err), 0);
  assert_string_equal(it.uri, "file:///p/a.lua");
  assert_string_equal(it.language_id, "lua");
  assert_int_equal(it.version, 3);
  assert_int_equal(it.text_len, 4);
  assert_memory_equal(it.text, "x\0y\n", 4);
  json_decref(j);

  j = J("{\"textDocument\":{\"uri\":\"file:///a\",\"languageId\":\"lua\","
        "\"version\":\"3\",\"text\":\"\"}}");
  assert_int_equal(lc_lsp_did_open_from_json(j, &it, err, sizeof err), -1);
  assert_string_equal(err, "textDocument.version: expected an integer");
  json_decref(j);
  j = J("{}");
  assert_int_equal(lc_lsp_did_open_from_json(j, &it, err, sizeof err), -1);
  assert_string_equal(err, "textDocument: expected an object");
  json_decref(j);
}

static void did_change(void **state) {
  json_t *j = J("{\"textDocument\":{\"uri\":\"file:///a\",\"version\":5},"
                "\"contentChanges\":["
                " {\"range\":{\"start\":{\"line\":0,\"character\":1},"
                "  \"end\":{\"line\":0,\"character\":2}},\"rangeLength\":1,"
                "  \"text\":\"Z\"},"
                " {\"text\":\"all new\"}]}");
  lc_lsp_did_change_params p;
  char err[LC_LSP_ERR_LEN];
  lc_doc *d;
  (void)state;
  assert_int_equal(lc_lsp_did_change_from_json(j, &p, err, sizeof err), 0);
  assert_string_equal(p.text_document.uri, "file:///a");
  assert_int_equal(p.text_document.version, 5);
  assert_int_equal(p.nchanges, 2);
  assert_true(p.changes[0].has_range);
  assert_int_equal(p.changes[0].range.start.character, 1);
  assert_int_equal(p.changes[0].range.end.character, 2);
  assert_false(p.changes[1].has_range);
  assert_int_equal(p.changes[1].text_len, 7);

  /* Straight into a document. */
  d = lc_doc_new("file:///a", 4, "abc", 3);
  assert_int_equal(lc_doc_apply(d, &p.changes[0], LC_POS_UTF16, NULL, NULL, 0), 0);
  assert_string_equal(lc_doc_text(d, NULL), "aZc");
  assert_int_equal(lc_doc_apply(d, &p.changes[1], LC_POS_UTF16, NULL, NULL, 0), 0);
  assert_string_equal(lc_doc_text(d, NULL), "all new");
  lc_doc_free(d);
  lc_lsp_did_change_params_clear(&p);
  json_decref(j);

  j = J("{\"textDocument\":{\"uri\":\"file:///a\",\"version\":5},"
        "\"contentChanges\":[{\"text\":\"\"},{\"text\":1}]}");
  assert_int_equal(lc_lsp_did_change_from_json(j, &p, err, sizeof err), -1);
  assert_string_equal(err, "contentChanges[1].text: expected a string");
  json_decref(j);
  j = J("{\"textDocument\":{\"uri\":\"file:///a\",\"version\":5},"
        "\"contentChanges\":[{\"text\":\"\",\"range\":{\"start\":{}}}]}");
  assert_int_equal(lc_lsp_did_change_from_json(j, &p, err, sizeof err), -1);
  assert_string_equal(err, "contentChanges[0].position.line: expected an integer");
  json_decref(j);
  j = J("{\"textDocument\":{\"uri\":\"file:///a\",\"version\":5},"
        "\"contentChanges\":[3]}");
  assert_int_equal(lc_lsp_did_change_from_json(j, &p, err, sizeof err), -1);
  assert_string_equal(err, "contentChanges[0]: expected an object");
  json_decref(j);
  j = J("{\"textDocument\":{\"uri\":\"file:///a\"},\"contentChanges\":[]}");
  assert_int_equal(lc_lsp_did_change_from_json(j, &p, err, sizeof err), -1);
  assert_string_equal(err, "textDocument.version: expected an integer");
  json_decref(j);
  j = J("{\"textDocument\":{\"uri\":\"file:///a\",\"version\":1}}");
  assert_int_equal(lc_lsp_did_change_from_json(j, &p, err, sizeof err), -1);
  assert_string_equal(err, "contentChanges: expected an array");
  json_decref(j);
  j = J("{\"textDocument\":{\"uri\":\"file:///a\",\"version\":1},"
        "\"contentChanges\":[]}");
  assert_int_equal(lc_lsp_did_change_from_json(j, &p, err, sizeof err), 0);
  assert_int_equal(p.nchanges, 0);
  lc_lsp_did_change_params_clear(&p);
  json_decref(j);
}

static void document_identifiers(void **state) {
  json_t *j = J("{\"textDocument\":{\"uri\":\"file:///s\"},\"text\":\"t\"}");
  lc_lsp_text_document_id id;
  char err[LC_LSP_ERR_LEN];
  (void)state;
  assert_int_equal(lc_lsp_text_document_of(j, &id, err, sizeof err), 0);
  assert_string_equal(id.uri, "file:///s");
  json_decref(j);
  j = J("{\"textDocument\":{\"uri\":null}}");
  assert_int_equal(lc_lsp_text_document_of(j, &id, err, sizeof err), -1);
  assert_string_equal(err, "textDocument.uri: expected a string");
  json_decref(j);
  assert_int_equal(lc_lsp_text_document_of(NULL, &id, err, sizeof err), -1);
  assert_string_equal(err, "params: expected an object");
}

static void diagnostics(void **state) {
  lc_lsp_diagnostic d[2];
  (void)state;
  memset(d, 0, sizeof d);
  d[0].range.start.line = 4;
  d[0].range.end.line = 4;
  d[0].range.end.character = 12;
  d[0].severity = LC_LSP_SEVERITY_HINT;
  d[0].source = "livecov";
  d[0].message = "not covered";
  d[0].tags = LC_LSP_TAG_UNNECESSARY;
  d[1].range.start.line = 9;
  d[1].range.end.line = 10;
  d[1].severity = LC_LSP_SEVERITY_ERROR;
  d[1].message = "Expected objects to be equal.";
  d[1].tags = LC_LSP_TAG_UNNECESSARY | LC_LSP_TAG_DEPRECATED;

  assert_json(lc_lsp_diagnostic_to_json(&d[0]),
              "{\"message\":\"not covered\",\"range\":{\"end\":{\"character\":12,"
              "\"line\":4},\"start\":{\"character\":0,\"line\":4}},\"severity\":4,"
              "\"source\":\"livecov\",\"tags\":[1]}");
  d[1].tags = 0;
  assert_json(lc_lsp_diagnostic_to_json(&d[1]),
              "{\"message\":\"Expected objects to be equal.\",\"range\":{\"end\":"
              "{\"character\":0,\"line\":10},\"start\":{\"character\":0,\"line\":9}},"
              "\"severity\":1}");
  d[1].tags = LC_LSP_TAG_UNNECESSARY | LC_LSP_TAG_DEPRECATED;
  d[1].severity = LC_LSP_SEVERITY_NONE;
  assert_json(lc_lsp_diagnostic_to_json(&d[1]),
              "{\"message\":\"Expected objects to be equal.\",\"range\":{\"end\":"
              "{\"character\":0,\"line\":10},\"start\":{\"character\":0,\"line\":9}},"
              "\"tags\":[1,2]}");

  assert_json(lc_lsp_publish_diagnostics_params("file:///p/a.lua", true, 7, d, 1),
              "{\"diagnostics\":[{\"message\":\"not covered\",\"range\":{\"end\":"
              "{\"character\":12,\"line\":4},\"start\":{\"character\":0,\"line\":4}},"
              "\"severity\":4,\"source\":\"livecov\",\"tags\":[1]}],"
              "\"uri\":\"file:///p/a.lua\",\"version\":7}");
  assert_json(lc_lsp_publish_diagnostics_params("file:///p/a.lua", false, 7, NULL, 0),
              "{\"diagnostics\":[],\"uri\":\"file:///p/a.lua\"}");
  /* Invalid UTF-8 in a message fails cleanly rather than sending garbage. */
  d[0].message = "\xff";
  assert_null(lc_lsp_diagnostic_to_json(&d[0]));
  assert_null(lc_lsp_publish_diagnostics_params("file:///a", false, 0, d, 1));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(positions_and_ranges),
      cmocka_unit_test(vscode_initialize),
      cmocka_unit_test(neovim_initialize),
      cmocka_unit_test(initialize_roots),
      cmocka_unit_test(initialize_errors),
      cmocka_unit_test(did_open),
      cmocka_unit_test(did_change),
      cmocka_unit_test(document_identifiers),
      cmocka_unit_test(diagnostics),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
