/*
** lc_lsp.h: the LSP messages livecov reads and writes, one C struct per
** message with a from_json or to_json function, added when the server
** needs one. This is not a complete LSP binding, and the capability
** struct keeps only the flags livecov acts on rather than mirroring LSP.
**
** Strings in structs filled by *_from_json are borrowed from the json_t
** they were read from and live as long as it does; anything owned says so.
** from_json functions return 0, or -1 with a reason naming the offending
** field in 'err' (if not NULL); the server answers -1 with InvalidParams.
*/
#ifndef LC_LSP_H
#define LC_LSP_H

#include "lc_doc.h"
#include "lc_pos.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Suggested size of 'err' buffers. */
#define LC_LSP_ERR_LEN 160


/*
** {======================================================
** Basic structures
** =======================================================
*/

/*
** Position {line, character} and Range {start, end}.
** WARNING: 'character' is in the negotiated encoding's code units (UTF-16
** unless utf-8 was agreed), never a byte offset: see lc_pos.h.
*/
int lc_lsp_position_from_json(const json_t *j, lc_position *out, char *err,
                              size_t errlen);
int lc_lsp_range_from_json(const json_t *j, lc_range *out, char *err,
                           size_t errlen);
/* New references, or NULL when out of memory. */
json_t *lc_lsp_position_to_json(lc_position p);
json_t *lc_lsp_range_to_json(lc_range r);

/* TextDocumentIdentifier { uri }. */
typedef struct lc_lsp_text_document_id {
  const char *uri;
} lc_lsp_text_document_id;

int lc_lsp_text_document_id_from_json(const json_t *j,
                                      lc_lsp_text_document_id *out,
                                      char *err, size_t errlen);

/* VersionedTextDocumentIdentifier { uri, version }. */
typedef struct lc_lsp_versioned_text_document_id {
  const char *uri;
  int64_t version;
} lc_lsp_versioned_text_document_id;

int lc_lsp_versioned_text_document_id_from_json(
    const json_t *j, lc_lsp_versioned_text_document_id *out, char *err,
    size_t errlen);

/* TextDocumentItem { uri, languageId, version, text }. */
typedef struct lc_lsp_text_document_item {
  const char *uri;
  const char *language_id;
  int64_t version;
  const char *text;       /* 'text_len' bytes, may contain NUL */
  size_t text_len;
} lc_lsp_text_document_item;

int lc_lsp_text_document_item_from_json(const json_t *j,
                                        lc_lsp_text_document_item *out,
                                        char *err, size_t errlen);

/* }====================================================== */


/*
** {======================================================
** Lifecycle: initialize
** =======================================================
*/

/*
** The client capabilities livecov uses, flattened to flags. A flag is true
** only when the client sets it to true; anything absent or of the wrong
** type counts as unsupported.
*/
typedef struct lc_lsp_client_caps {
  bool work_done_progress;    /* window.workDoneProgress */
  bool configuration;         /* workspace.configuration */
  bool did_change_configuration_dynamic;
                              /* workspace.didChangeConfiguration
                                 .dynamicRegistration */
  bool diagnostics_version;   /* textDocument.publishDiagnostics
                                 .versionSupport */
  bool diagnostics_tags;      /* textDocument.publishDiagnostics.tagSupport
                                 lists Unnecessary (1) in its valueSet */
  unsigned position_encodings;  /* general.positionEncodings, as
                                   LC_POS_BIT flags */
  lc_pos_encoding position_encoding;  /* the one to use: lc_pos_pick */
} lc_lsp_client_caps;

typedef struct lc_lsp_initialize_params {
  int64_t process_id;         /* -1 when null or absent */
  char *root_uri;             /* owned: rootUri, else rootPath made a URI,
                                 else the first workspaceFolders uri;
                                 NULL when the client opened no folder */
  json_t *initialization_options;  /* owned reference; NULL when absent */
  lc_lsp_client_caps caps;
} lc_lsp_initialize_params;

/*
** Reads InitializeParams. Only fields of the wrong type that livecov needs
** (processId, rootUri, rootPath, workspaceFolders) are errors. On success
** release 'out' with lc_lsp_initialize_params_clear; on error nothing is
** left to release.
*/
int lc_lsp_initialize_params_from_json(const json_t *j,
                                       lc_lsp_initialize_params *out,
                                       char *err, size_t errlen);
void lc_lsp_initialize_params_clear(lc_lsp_initialize_params *p);

/* }====================================================== */


/*
** {======================================================
** Document synchronisation
** =======================================================
*/

/* DidOpenTextDocumentParams { textDocument }. */
int lc_lsp_did_open_from_json(const json_t *params,
                              lc_lsp_text_document_item *out, char *err,
                              size_t errlen);

/* DidChangeTextDocumentParams { textDocument, contentChanges }. */
typedef struct lc_lsp_did_change_params {
  lc_lsp_versioned_text_document_id text_document;
  lc_doc_change *changes;     /* owned array, freed by ..._clear; each
                                 change's text and range as for lc_doc */
  size_t nchanges;
} lc_lsp_did_change_params;

/*
** Reads DidChangeTextDocumentParams; a change with a "range" is
** incremental, one without replaces the document ("rangeLength", which is
** deprecated, is ignored). On success release 'out' with
** lc_lsp_did_change_params_clear; on error nothing is left to release.
*/
int lc_lsp_did_change_from_json(const json_t *params,
                                lc_lsp_did_change_params *out, char *err,
                                size_t errlen);
void lc_lsp_did_change_params_clear(lc_lsp_did_change_params *p);

/* The textDocument of didSave / didClose params ({ textDocument: {uri} }). */
int lc_lsp_text_document_of(const json_t *params, lc_lsp_text_document_id *out,
                            char *err, size_t errlen);

/* }====================================================== */


/*
** {======================================================
** Diagnostics
** =======================================================
*/

typedef enum {
  LC_LSP_SEVERITY_NONE = 0,   /* omitted: the client decides */
  LC_LSP_SEVERITY_ERROR = 1,
  LC_LSP_SEVERITY_WARNING = 2,
  LC_LSP_SEVERITY_INFORMATION = 3,
  LC_LSP_SEVERITY_HINT = 4
} lc_lsp_severity;

/* Flags for lc_lsp_diagnostic.tags; written as LSP DiagnosticTag values. */
#define LC_LSP_TAG_UNNECESSARY 0x1u   /* DiagnosticTag 1: greyed out */
#define LC_LSP_TAG_DEPRECATED  0x2u   /* DiagnosticTag 2: struck through */

typedef struct lc_lsp_diagnostic {
  lc_range range;         /* WARNING: character in negotiated encoding units */
  lc_lsp_severity severity;
  const char *source;     /* e.g. "livecov"; NULL to omit */
  const char *message;    /* NULL is sent as "" (message is required) */
  unsigned tags;          /* LC_LSP_TAG_* flags; send only if the client
                             has diagnostics_tags */
} lc_lsp_diagnostic;

/* A new reference, or NULL when out of memory or on invalid UTF-8. */
json_t *lc_lsp_diagnostic_to_json(const lc_lsp_diagnostic *d);

/*
** PublishDiagnosticsParams for 'uri' with 'n' diagnostics. "version" is
** written only when 'has_version' (send it when the client has
** diagnostics_version and the document is open). A new reference, or NULL.
*/
json_t *lc_lsp_publish_diagnostics_params(const char *uri, bool has_version,
                                          int64_t version,
                                          const lc_lsp_diagnostic *diags,
                                          size_t n);

/* }====================================================== */

#endif
