/*
** test_rpc.c: JSON-RPC classification and construction (protocol/lc_rpc.c).
** Classification goes through kind_of() and invalid_reply(), so each case
** is one line: a body and the kind, or the exact error object, it yields.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "lc_rpc.h"

/* Compact, key-sorted text of 'j', which this steals; a fresh string. */
static char *dump(json_t *j) {
  char *s;
  assert_non_null(j);
  s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
  assert_non_null(s);
  json_decref(j);
  return s;
}

static void assert_json(json_t *j, const char *expected) {
  char *s = dump(j);
  assert_string_equal(s, expected);
  free(s);
}

static lc_rpc_kind kind_of(const char *body) {
  lc_rpc_msg m;
  lc_rpc_kind k = lc_rpc_parse(body, strlen(body), &m);
  assert_int_equal(k, m.kind);
  lc_rpc_msg_clear(&m);
  return k;
}

/* Requires 'body' to be INVALID and its reply to be exactly 'expected'. */
static void invalid_reply(const char *body, const char *expected) {
  lc_rpc_msg m;
  assert_int_equal(lc_rpc_parse(body, strlen(body), &m), LC_RPC_INVALID);
  assert_json(lc_rpc_reply_invalid(&m), expected);
  lc_rpc_msg_clear(&m);
}

static void error_table(void **state) {
  (void)state;
  assert_int_equal(LC_RPC_ERR_PARSE_ERROR, -32700);
  assert_int_equal(LC_RPC_ERR_INVALID_REQUEST, -32600);
  assert_int_equal(LC_RPC_ERR_METHOD_NOT_FOUND, -32601);
  assert_int_equal(LC_RPC_ERR_INVALID_PARAMS, -32602);
  assert_int_equal(LC_RPC_ERR_INTERNAL_ERROR, -32603);
  assert_int_equal(LC_RPC_ERR_SERVER_NOT_INITIALIZED, -32002);
  assert_int_equal(LC_RPC_ERR_UNKNOWN_ERROR_CODE, -32001);
  assert_int_equal(LC_RPC_ERR_REQUEST_CANCELLED, -32800);
  assert_int_equal(LC_RPC_ERR_CONTENT_MODIFIED, -32801);
  assert_int_equal(LC_RPC_ERR_REQUEST_FAILED, -32803);
  assert_string_equal(lc_rpc_err_name(-32700), "ParseError");
  assert_string_equal(lc_rpc_err_name(-32002), "ServerNotInitialized");
  assert_string_equal(lc_rpc_err_name(-32800), "RequestCancelled");
  assert_string_equal(lc_rpc_err_name(-32803), "RequestFailed");
  assert_string_equal(lc_rpc_strerror(-32601), "Method not found");
  assert_string_equal(lc_rpc_strerror(-32801), "Content modified");
  assert_string_equal(lc_rpc_err_name(12345), "Unknown");
  assert_string_equal(lc_rpc_strerror(12345), "Unknown error");
}

static void classify_valid(void **state) {
  lc_rpc_msg m;
  const char *req = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"initialize\","
                    "\"params\":{\"a\":1}}";
  (void)state;
  assert_int_equal(lc_rpc_parse(req, strlen(req), &m), LC_RPC_REQUEST);
  assert_string_equal(m.method, "initialize");
  assert_int_equal(json_integer_value(m.id), 7);
  assert_int_equal(json_integer_value(json_object_get(m.params, "a")), 1);
  assert_null(m.result);
  assert_null(m.error);
  lc_rpc_msg_clear(&m);
  assert_null(m.root);

  assert_int_equal(kind_of("{\"jsonrpc\":\"2.0\",\"id\":\"abc\",\"method\":\"x\"}"),
                   LC_RPC_REQUEST);
  assert_int_equal(kind_of("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\",\"params\":[]}"),
                   LC_RPC_REQUEST);
  assert_int_equal(kind_of("{\"jsonrpc\":\"2.0\",\"method\":\"exit\"}"),
                   LC_RPC_NOTIFICATION);
  assert_int_equal(kind_of("{\"jsonrpc\":\"2.0\",\"method\":\"x\",\"params\":{},"
                           "\"extra\":true}"),
                   LC_RPC_NOTIFICATION);
  assert_int_equal(kind_of("{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":null}"),
                   LC_RPC_RESPONSE);
  assert_int_equal(kind_of("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":"
                           "{\"code\":-32600,\"message\":\"m\"}}"),
                   LC_RPC_RESPONSE);
}

static void classify_response(void **state) {
  lc_rpc_msg m;
  const char *ok = "{\"jsonrpc\":\"2.0\",\"id\":\"s1\",\"result\":[1]}";
  const char *bad = "{\"jsonrpc\":\"2.0\",\"id\":4,\"error\":{\"code\":-32601,"
                    "\"message\":\"no\",\"data\":1}}";
  (void)state;
  assert_int_equal(lc_rpc_parse(ok, strlen(ok), &m), LC_RPC_RESPONSE);
  assert_string_equal(json_string_value(m.id), "s1");
  assert_true(json_is_array(m.result));
  assert_null(m.error);
  assert_null(m.method);
  lc_rpc_msg_clear(&m);
  assert_int_equal(lc_rpc_parse(bad, strlen(bad), &m), LC_RPC_RESPONSE);
  assert_int_equal(json_integer_value(json_object_get(m.error, "code")), -32601);
  assert_null(m.result);
  lc_rpc_msg_clear(&m);
}

static void parse_errors(void **state) {
  lc_rpc_msg m;
  char deep[5000];
  (void)state;
  assert_int_equal(lc_rpc_parse("{", 1, &m), LC_RPC_INVALID);
  assert_int_equal(m.err_code, LC_RPC_ERR_PARSE_ERROR);
  assert_null(m.root);
  assert_null(m.id);
  lc_rpc_msg_clear(&m);
  /* The reply carries id null and jansson's reason. */
  assert_int_equal(lc_rpc_parse("{\"id\":1,", 8, &m), LC_RPC_INVALID);
  {
    json_t *r = lc_rpc_reply_invalid(&m);
    json_t *e = json_object_get(r, "error");
    assert_true(json_is_null(json_object_get(r, "id")));
    assert_string_equal(json_string_value(json_object_get(r, "jsonrpc")), "2.0");
    assert_int_equal(json_integer_value(json_object_get(e, "code")), -32700);
    assert_non_null(strstr(json_string_value(json_object_get(e, "message")),
                           "(at byte 8)"));
    json_decref(r);
  }
  lc_rpc_msg_clear(&m);
  assert_int_equal(kind_of(""), LC_RPC_INVALID);
  assert_int_equal(kind_of("{} trailing"), LC_RPC_INVALID);
  assert_int_equal(kind_of("\xff"), LC_RPC_INVALID);
  /* Nesting beyond jansson's depth limit is a parse error, not a crash. */
  memset(deep, '[', sizeof deep - 1);
  deep[sizeof deep - 1] = '\0';
  assert_int_equal(lc_rpc_parse(deep, strlen(deep), &m), LC_RPC_INVALID);
  assert_int_equal(m.err_code, LC_RPC_ERR_PARSE_ERROR);
  lc_rpc_msg_clear(&m);
}

static void invalid_requests_exact_replies(void **state) {
  (void)state;
  invalid_reply("42",
                "{\"error\":{\"code\":-32600,\"message\":\"message is not a JSON "
                "object\"},\"id\":null,\"jsonrpc\":\"2.0\"}");
  invalid_reply("[{\"jsonrpc\":\"2.0\",\"method\":\"x\"}]",
                "{\"error\":{\"code\":-32600,\"message\":\"batch messages are not "
                "supported\"},\"id\":null,\"jsonrpc\":\"2.0\"}");
  /* The id of a request-like object is kept, so the client can match it. */
  invalid_reply("{\"id\":9,\"method\":\"x\"}",
                "{\"error\":{\"code\":-32600,\"message\":\"missing or wrong "
                "\\\"jsonrpc\\\" member (want \\\"2.0\\\")\"},\"id\":9,"
                "\"jsonrpc\":\"2.0\"}");
  invalid_reply("{\"jsonrpc\":\"1.0\",\"id\":\"q\",\"method\":\"x\"}",
                "{\"error\":{\"code\":-32600,\"message\":\"missing or wrong "
                "\\\"jsonrpc\\\" member (want \\\"2.0\\\")\"},\"id\":\"q\","
                "\"jsonrpc\":\"2.0\"}");
  invalid_reply("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":5}",
                "{\"error\":{\"code\":-32600,\"message\":\"\\\"method\\\" is not "
                "a string\"},\"id\":1,\"jsonrpc\":\"2.0\"}");
  invalid_reply("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"x\",\"params\":\"s\"}",
                "{\"error\":{\"code\":-32600,\"message\":\"\\\"params\\\" is "
                "neither an object nor an array\"},\"id\":2,\"jsonrpc\":\"2.0\"}");
  /* Ids of the wrong type are not echoed. */
  invalid_reply("{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":\"x\"}",
                "{\"error\":{\"code\":-32600,\"message\":\"\\\"id\\\" is neither "
                "an integer nor a string\"},\"id\":null,\"jsonrpc\":\"2.0\"}");
  invalid_reply("{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"x\"}",
                "{\"error\":{\"code\":-32600,\"message\":\"\\\"id\\\" is neither "
                "an integer nor a string\"},\"id\":null,\"jsonrpc\":\"2.0\"}");
  invalid_reply("{\"jsonrpc\":\"2.0\",\"id\":true,\"method\":\"x\"}",
                "{\"error\":{\"code\":-32600,\"message\":\"\\\"id\\\" is neither "
                "an integer nor a string\"},\"id\":null,\"jsonrpc\":\"2.0\"}");
  invalid_reply("{\"jsonrpc\":\"2.0\"}",
                "{\"error\":{\"code\":-32600,\"message\":\"neither \\\"method\\\" "
                "nor \\\"id\\\": not a request, notification or response\"},"
                "\"id\":null,\"jsonrpc\":\"2.0\"}");
}

static void invalid_responses(void **state) {
  (void)state;
  /* A broken response's id is never echoed: it names one of our requests. */
  invalid_reply("{\"jsonrpc\":\"2.0\",\"id\":1}",
                "{\"error\":{\"code\":-32600,\"message\":\"response needs exactly "
                "one of \\\"result\\\" and \\\"error\\\"\"},\"id\":null,"
                "\"jsonrpc\":\"2.0\"}");
  assert_int_equal(kind_of("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":1,"
                           "\"error\":{\"code\":1,\"message\":\"m\"}}"),
                   LC_RPC_INVALID);
  assert_int_equal(kind_of("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"message\":\"m\"}}"),
                   LC_RPC_INVALID);
  assert_int_equal(kind_of("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":1}}"),
                   LC_RPC_INVALID);
  assert_int_equal(kind_of("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":\"x\"}"),
                   LC_RPC_INVALID);
  assert_int_equal(kind_of("{\"jsonrpc\":\"2.0\",\"id\":null,\"result\":1}"),
                   LC_RPC_INVALID);
  assert_int_equal(kind_of("{\"jsonrpc\":\"2.0\",\"id\":[1],\"result\":1}"),
                   LC_RPC_INVALID);
}

static void invalid_message_fields_are_cleared(void **state) {
  lc_rpc_msg m;
  const char *b = "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":7,\"params\":{}}";
  (void)state;
  assert_int_equal(lc_rpc_parse(b, strlen(b), &m), LC_RPC_INVALID);
  assert_null(m.method);
  assert_null(m.params);
  assert_int_equal(json_integer_value(m.id), 3);
  assert_non_null(m.root);
  lc_rpc_msg_clear(&m);
}

static void nul_in_strings_is_accepted(void **state) {
  lc_rpc_msg m;
  const char *b = "{\"jsonrpc\":\"2.0\",\"method\":\"m\",\"params\":{\"t\":\"a\\u0000b\"}}";
  json_t *t;
  (void)state;
  assert_int_equal(lc_rpc_parse(b, strlen(b), &m), LC_RPC_NOTIFICATION);
  t = json_object_get(m.params, "t");
  assert_int_equal(json_string_length(t), 3);
  assert_memory_equal(json_string_value(t), "a\0b", 3);
  lc_rpc_msg_clear(&m);
}

static void constructors(void **state) {
  json_t *id;
  (void)state;
  assert_json(lc_rpc_request(5, "workspace/configuration", json_object()),
              "{\"id\":5,\"jsonrpc\":\"2.0\",\"method\":\"workspace/configuration\","
              "\"params\":{}}");
  assert_json(lc_rpc_request(6, "shutdown", NULL),
              "{\"id\":6,\"jsonrpc\":\"2.0\",\"method\":\"shutdown\"}");
  assert_json(lc_rpc_notification("livecov/summary", json_pack("{s:i}", "files", 2)),
              "{\"jsonrpc\":\"2.0\",\"method\":\"livecov/summary\","
              "\"params\":{\"files\":2}}");
  assert_json(lc_rpc_notification("exit", NULL),
              "{\"jsonrpc\":\"2.0\",\"method\":\"exit\"}");

  id = json_integer(12);
  assert_json(lc_rpc_result(id, json_pack("{s:b}", "ok", 1)),
              "{\"id\":12,\"jsonrpc\":\"2.0\",\"result\":{\"ok\":true}}");
  /* A NULL result is null: shutdown's answer. */
  assert_json(lc_rpc_result(id, NULL),
              "{\"id\":12,\"jsonrpc\":\"2.0\",\"result\":null}");
  /* 'id' is borrowed: still ours after three uses. */
  assert_json(lc_rpc_error(id, LC_RPC_ERR_METHOD_NOT_FOUND, NULL, NULL),
              "{\"error\":{\"code\":-32601,\"message\":\"Method not found\"},"
              "\"id\":12,\"jsonrpc\":\"2.0\"}");
  assert_int_equal(id->refcount, 1);
  json_decref(id);

  id = json_string("abc");
  assert_json(lc_rpc_error(id, LC_RPC_ERR_SERVER_NOT_INITIALIZED,
                           "initialize first", json_string("d")),
              "{\"error\":{\"code\":-32002,\"data\":\"d\",\"message\":"
              "\"initialize first\"},\"id\":\"abc\",\"jsonrpc\":\"2.0\"}");
  json_decref(id);
  assert_json(lc_rpc_error(NULL, LC_RPC_ERR_PARSE_ERROR, NULL, NULL),
              "{\"error\":{\"code\":-32700,\"message\":\"Parse error\"},"
              "\"id\":null,\"jsonrpc\":\"2.0\"}");
  /* Invalid UTF-8 in a method name fails cleanly, stolen params freed. */
  assert_null(lc_rpc_notification("\xff", json_object()));
}

static void encode_frames_compact_json(void **state) {
  json_t *m = lc_rpc_notification("exit", NULL);
  size_t n;
  char *s = lc_rpc_encode(m, &n);
  (void)state;
  assert_string_equal(s, "Content-Length: 33\r\n\r\n"
                         "{\"jsonrpc\":\"2.0\",\"method\":\"exit\"}");
  assert_int_equal(n, strlen(s));
  free(s);
  json_decref(m);
}

static void parsed_request_round_trip(void **state) {
  const char *b = "{\"jsonrpc\":\"2.0\",\"id\":\"r-1\",\"method\":\"livecov/sync\","
                  "\"params\":{}}";
  lc_rpc_msg m;
  (void)state;
  assert_int_equal(lc_rpc_parse(b, strlen(b), &m), LC_RPC_REQUEST);
  assert_json(lc_rpc_result(m.id, json_object()),
              "{\"id\":\"r-1\",\"jsonrpc\":\"2.0\",\"result\":{}}");
  lc_rpc_msg_clear(&m);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(error_table),
      cmocka_unit_test(classify_valid),
      cmocka_unit_test(classify_response),
      cmocka_unit_test(parse_errors),
      cmocka_unit_test(invalid_requests_exact_replies),
      cmocka_unit_test(invalid_responses),
      cmocka_unit_test(invalid_message_fields_are_cleared),
      cmocka_unit_test(nul_in_strings_is_accepted),
      cmocka_unit_test(constructors),
      cmocka_unit_test(encode_frames_compact_json),
      cmocka_unit_test(parsed_request_round_trip),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
