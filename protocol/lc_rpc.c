/*
** lc_rpc.c: JSON-RPC 2.0 classification and construction.
** Parsing is strict about what JSON-RPC requires (so a broken client gets
** a precise error instead of odd behaviour later) and lenient about the
** rest: unknown members are ignored.
*/
#include "lc_rpc.h"
#include "lc_frame.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/*
** {======================================================
** Error table
** =======================================================
*/

const char *lc_rpc_err_name(int code) {
  switch (code) {
#define XX(id, c, name, msg) case c: return name;
    LC_RPC_ERRNO_MAP(XX)
#undef XX
    default: return "Unknown";
  }
}

const char *lc_rpc_strerror(int code) {
  switch (code) {
#define XX(id, c, name, msg) case c: return msg;
    LC_RPC_ERRNO_MAP(XX)
#undef XX
    default: return "Unknown error";
  }
}

/* }====================================================== */


/*
** {======================================================
** Parsing
** =======================================================
*/

static lc_rpc_kind invalid(lc_rpc_msg *out, int code, const char *fmt, ...) {
  va_list ap;
  char *c;
  out->kind = LC_RPC_INVALID;
  out->err_code = code;
  va_start(ap, fmt);
  vsnprintf(out->err_msg, sizeof out->err_msg, fmt, ap);
  va_end(ap);
  /*
  ** jansson quotes the offending input ("invalid token near '...'"), which
  ** may be invalid UTF-8 or cut mid-character by the buffer size; the text
  ** goes into a JSON string of the reply, so keep it printable ASCII.
  */
  for (c = out->err_msg; *c != '\0'; c++)
    if ((unsigned char)*c < 0x20 || (unsigned char)*c > 0x7e) *c = '?';
  /* Pointers into a message we refuse must not be used by mistake. */
  out->method = NULL;
  out->params = out->result = out->error = NULL;
  return LC_RPC_INVALID;
}

/* LSP ids are integers or strings; a real such as 1.5 or 1.0 is refused. */
static int valid_id(const json_t *id) {
  return json_is_integer(id) || json_is_string(id);
}

lc_rpc_kind lc_rpc_parse(const char *body, size_t len, lc_rpc_msg *out) {
  json_error_t jerr;
  json_t *root, *v, *id;

  memset(out, 0, sizeof *out);
  /*
  ** DECODE_ANY: a bare 42 is valid JSON, hence InvalidRequest, not a parse
  ** error. ALLOW_NUL: a document may contain NUL characters.
  */
  root = json_loadb(body, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
  if (root == NULL) {
    if (json_error_code(&jerr) == json_error_out_of_memory)
      return invalid(out, LC_RPC_ERR_INTERNAL_ERROR, "out of memory");
    return invalid(out, LC_RPC_ERR_PARSE_ERROR, "%s (at byte %d)", jerr.text,
                   jerr.position);
  }
  out->root = root;

  if (json_is_array(root))
    return invalid(out, LC_RPC_ERR_INVALID_REQUEST,
                   "batch messages are not supported");
  if (!json_is_object(root))
    return invalid(out, LC_RPC_ERR_INVALID_REQUEST,
                   "message is not a JSON object");

  /*
  ** Recorded before validation so an invalid request can be answered under
  ** its id. Only for objects with a method: echoing the id of a broken
  ** response would look to the peer like an answer to its own request.
  */
  id = json_object_get(root, "id");
  if (json_object_get(root, "method") != NULL && valid_id(id)) out->id = id;

  v = json_object_get(root, "jsonrpc");
  if (!json_is_string(v) || strcmp(json_string_value(v), "2.0") != 0)
    return invalid(out, LC_RPC_ERR_INVALID_REQUEST,
                   "missing or wrong \"jsonrpc\" member (want \"2.0\")");

  v = json_object_get(root, "method");
  if (v != NULL) {
    json_t *params = json_object_get(root, "params");
    if (!json_is_string(v))
      return invalid(out, LC_RPC_ERR_INVALID_REQUEST, "\"method\" is not a string");
    if (params != NULL && !json_is_object(params) && !json_is_array(params))
      return invalid(out, LC_RPC_ERR_INVALID_REQUEST,
                     "\"params\" is neither an object nor an array");
    if (id != NULL && !valid_id(id))
      return invalid(out, LC_RPC_ERR_INVALID_REQUEST,
                     "\"id\" is neither an integer nor a string");
    out->method = json_string_value(v);
    out->params = params;
    out->kind = id != NULL ? LC_RPC_REQUEST : LC_RPC_NOTIFICATION;
    return out->kind;
  }

  /* No method: a response to one of our requests. */
  if (id == NULL)
    return invalid(out, LC_RPC_ERR_INVALID_REQUEST,
                   "neither \"method\" nor \"id\": not a request, "
                   "notification or response");
  if (!valid_id(id) && !json_is_null(id))
    return invalid(out, LC_RPC_ERR_INVALID_REQUEST,
                   "response \"id\" is neither an integer, a string nor null");
  {
    json_t *result = json_object_get(root, "result");
    json_t *error = json_object_get(root, "error");
    if ((result == NULL) == (error == NULL))
      return invalid(out, LC_RPC_ERR_INVALID_REQUEST,
                     "response needs exactly one of \"result\" and \"error\"");
    if (error != NULL &&
        (!json_is_object(error) || !json_is_integer(json_object_get(error, "code")) ||
         !json_is_string(json_object_get(error, "message"))))
      return invalid(out, LC_RPC_ERR_INVALID_REQUEST,
                     "response \"error\" needs an integer code and a string message");
    if (result != NULL && json_is_null(id))
      return invalid(out, LC_RPC_ERR_INVALID_REQUEST,
                     "successful response with a null \"id\"");
    out->id = id;
    out->result = result;
    out->error = error;
  }
  out->kind = LC_RPC_RESPONSE;
  return LC_RPC_RESPONSE;
}

void lc_rpc_msg_clear(lc_rpc_msg *m) {
  json_decref(m->root);
  memset(m, 0, sizeof *m);
}

/* }====================================================== */


/*
** {======================================================
** Construction
** =======================================================
*/

/* A message with "jsonrpc" set, or NULL. */
static json_t *new_message(void) {
  json_t *m = json_object();
  if (m != NULL && json_object_set_new(m, "jsonrpc", json_string("2.0")) != 0) {
    json_decref(m);
    return NULL;
  }
  return m;
}

/*
** Sets m[key] = v, stealing 'v'; a NULL 'v' (a failed constructor) fails.
** On failure frees 'm' and returns NULL, so calls can be chained.
*/
static json_t *set(json_t *m, const char *key, json_t *v) {
  if (m == NULL) { json_decref(v); return NULL; }
  if (v == NULL || json_object_set_new(m, key, v) != 0) {
    json_decref(m);
    return NULL;
  }
  return m;
}

/* A new reference to 'id', or a new null for NULL. */
static json_t *id_ref(json_t *id) {
  return id != NULL ? json_incref(id) : json_null();
}

json_t *lc_rpc_request(json_int_t id, const char *method, json_t *params) {
  json_t *m = set(new_message(), "id", json_integer(id));
  m = set(m, "method", json_string(method));
  if (params != NULL) m = set(m, "params", params);
  return m;
}

json_t *lc_rpc_notification(const char *method, json_t *params) {
  json_t *m = set(new_message(), "method", json_string(method));
  if (params != NULL) m = set(m, "params", params);
  return m;
}

json_t *lc_rpc_result(json_t *id, json_t *result) {
  json_t *m = set(new_message(), "id", id_ref(id));
  return set(m, "result", result != NULL ? result : json_null());
}

json_t *lc_rpc_error(json_t *id, int code, const char *message,
                     json_t *data) {
  json_t *m = set(new_message(), "id", id_ref(id));
  json_t *e = set(json_object(), "code", json_integer(code));
  e = set(e, "message",
          json_string(message != NULL ? message : lc_rpc_strerror(code)));
  if (data != NULL) e = set(e, "data", data);
  return set(m, "error", e);
}

json_t *lc_rpc_reply_invalid(const lc_rpc_msg *m) {
  int code = m->err_code != 0 ? m->err_code : LC_RPC_ERR_INVALID_REQUEST;
  const char *text = m->err_msg[0] != '\0' ? m->err_msg : NULL;
  return lc_rpc_error(m->id, code, text, NULL);
}

char *lc_rpc_encode(const json_t *msg, size_t *outlen) {
  /* jansson writes strings by length, so NULs inside them survive. */
  char *body = json_dumps(msg, JSON_COMPACT);
  char *framed;
  if (body == NULL) return NULL;
  framed = lc_frame_encode(body, strlen(body), outlen);
  free(body);
  return framed;
}

/* }====================================================== */
