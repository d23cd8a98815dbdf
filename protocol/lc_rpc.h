/*
** lc_rpc.h: JSON-RPC 2.0 messages over jansson: the error table, a
** classifier for incoming bodies, and constructors for outgoing messages.
** LSP adds its own error codes and forbids batches; nothing here knows an
** LSP method.
*/
#ifndef LC_RPC_H
#define LC_RPC_H

#include <jansson.h>
#include <stddef.h>

/*
** Error codes, with the name LSP gives each and the message sent when the
** caller has nothing more specific. The single source for lc_rpc_err_name,
** lc_rpc_strerror and the LC_RPC_ERR_* constants.
*/
#define LC_RPC_ERRNO_MAP(XX)                                                  \
  XX(PARSE_ERROR,            -32700, "ParseError",           "Parse error")    \
  XX(INVALID_REQUEST,        -32600, "InvalidRequest",       "Invalid request")\
  XX(METHOD_NOT_FOUND,       -32601, "MethodNotFound",       "Method not found")\
  XX(INVALID_PARAMS,         -32602, "InvalidParams",        "Invalid params") \
  XX(INTERNAL_ERROR,         -32603, "InternalError",        "Internal error") \
  XX(SERVER_NOT_INITIALIZED, -32002, "ServerNotInitialized",                  \
     "Server not initialized")                                                 \
  XX(UNKNOWN_ERROR_CODE,     -32001, "UnknownErrorCode",     "Unknown error")  \
  XX(REQUEST_CANCELLED,      -32800, "RequestCancelled",     "Request cancelled")\
  XX(CONTENT_MODIFIED,       -32801, "ContentModified",      "Content modified")\
  XX(REQUEST_FAILED,         -32803, "RequestFailed",        "Request failed")

typedef enum {
#define XX(id, code, name, msg) LC_RPC_ERR_##id = (code),
  LC_RPC_ERRNO_MAP(XX)
#undef XX
} lc_rpc_errcode;

/* "ParseError" for -32700...; "Unknown" for a code not in the table. */
const char *lc_rpc_err_name(int code);
/* "Parse error" for -32700...; "Unknown error" for a code not in the table. */
const char *lc_rpc_strerror(int code);

typedef enum {
  LC_RPC_INVALID = 0,     /* see err_code: reply with lc_rpc_reply_invalid */
  LC_RPC_REQUEST,         /* method and id: must be answered */
  LC_RPC_NOTIFICATION,    /* method, no id: must not be answered */
  LC_RPC_RESPONSE         /* id and result or error: answers one of ours */
} lc_rpc_kind;

/* Size of the err_msg buffer. */
#define LC_RPC_MSG_LEN 200

/*
** One parsed message. 'root' is owned by the struct (release it with
** lc_rpc_msg_clear); every other pointer is borrowed from 'root' and dies
** with it. Fields that do not apply to the kind are NULL.
*/
typedef struct lc_rpc_msg {
  lc_rpc_kind kind;
  json_t *root;           /* the whole message; NULL if the body was not JSON */
  json_t *id;             /* integer or string; for INVALID, the id if one
                             of those types could be found, else NULL */
  const char *method;     /* request and notification */
  json_t *params;         /* object or array; NULL when absent */
  json_t *result;         /* successful response (any JSON, null included) */
  json_t *error;          /* error response: object with code and message */
  int err_code;           /* INVALID: LC_RPC_ERR_PARSE_ERROR,
                             LC_RPC_ERR_INVALID_REQUEST, or
                             LC_RPC_ERR_INTERNAL_ERROR (out of memory) */
  char err_msg[LC_RPC_MSG_LEN];  /* INVALID: what was wrong, printable ASCII */
} lc_rpc_msg;

/*
** Parses and classifies 'len' bytes of 'body'. Returns the kind, also
** stored in 'out->kind'. Not JSON (or nested too deep) is INVALID with
** LC_RPC_ERR_PARSE_ERROR; JSON that is not a JSON-RPC 2.0 object (a batch, no
** "jsonrpc":"2.0", a non-string method, an id that is neither an integer
** nor a string, params that are neither object nor array, a response with
** neither or both of result and error) is INVALID with
** LC_RPC_ERR_INVALID_REQUEST; running out of memory while parsing is
** INVALID with LC_RPC_ERR_INTERNAL_ERROR. The body may contain "\u0000" in strings: use
** json_string_length, not strlen, for document text.
** Always call lc_rpc_msg_clear on 'out' afterwards, whatever the result.
*/
lc_rpc_kind lc_rpc_parse(const char *body, size_t len, lc_rpc_msg *out);
void lc_rpc_msg_clear(lc_rpc_msg *m);

/*
** Constructors. Each returns a new reference the caller owns, or NULL when
** out of memory or when a string argument is not valid UTF-8. Arguments named 'params', 'result' and 'data' are stolen
** (as json_object_set_new does), even on failure, and may be NULL; 'id' is
** borrowed and may be NULL, which writes "id": null (allowed in error
** responses to a message whose id could not be read).
*/
json_t *lc_rpc_request(json_int_t id, const char *method, json_t *params);
json_t *lc_rpc_notification(const char *method, json_t *params);
json_t *lc_rpc_result(json_t *id, json_t *result);
/* 'message' NULL means lc_rpc_strerror(code). */
json_t *lc_rpc_error(json_t *id, int code, const char *message,
                     json_t *data);
/* The error response owed to an INVALID message 'm'. */
json_t *lc_rpc_reply_invalid(const lc_rpc_msg *m);

/*
** Serialises 'msg' compactly and frames it for the wire (lc_frame_encode).
** Returns a new NUL-terminated string the caller frees, its length in
** '*outlen' (if not NULL), or NULL when out of memory.
*/
char *lc_rpc_encode(const json_t *msg, size_t *outlen);

#endif
