/*
** test_uri.c: file URIs and paths (protocol/lc_uri.c): exact encodings,
** the accepted URI forms, refusals with their reasons, and round trips.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "lc_uri.h"

static void to_uri(const char *path, const char *expected) {
  char *u = lc_uri_from_path(path);
  if (expected == NULL) {
    assert_null(u);
    return;
  }
  assert_non_null(u);
  assert_string_equal(u, expected);
  free(u);
}

static void to_path(const char *uri, const char *expected) {
  char err[LC_URI_ERR_LEN] = "";
  char *p = lc_uri_to_path(uri, err, sizeof err);
  if (p == NULL) fail_msg("%s: %s", uri, err);
  assert_string_equal(p, expected);
  free(p);
}

static void refused(const char *uri, const char *why) {
  char err[LC_URI_ERR_LEN] = "";
  assert_null(lc_uri_to_path(uri, err, sizeof err));
  assert_string_equal(err, why);
}

static void round_trip(const char *path) {
  char *u = lc_uri_from_path(path), *p;
  assert_non_null(u);
  p = lc_uri_to_path(u, NULL, 0);
  assert_non_null(p);
  assert_string_equal(p, path);
  free(p);
  free(u);
}

static void encodes_paths(void **state) {
  (void)state;
  to_uri("/", "file:///");
  to_uri("/p/src/money.lua", "file:///p/src/money.lua");
  to_uri("/a b/c d.lua", "file:///a%20b/c%20d.lua");
  to_uri("/100%/x", "file:///100%25/x");
  to_uri("/a#b?c", "file:///a%23b%3Fc");
  to_uri("/A-z_0.9~", "file:///A-z_0.9~");
  to_uri("/c:/x+y=z", "file:///c%3A/x%2By%3Dz");
  to_uri("/ünï/日本", "file:///%C3%BCn%C3%AF/%E6%97%A5%E6%9C%AC");
  to_uri("/\x7f\x80\xff", "file:///%7F%80%FF");
  /* Relative paths have no file URI. */
  to_uri("src/a.lua", NULL);
  to_uri("", NULL);
}

static void decodes_uris(void **state) {
  (void)state;
  to_path("file:///p/src/money.lua", "/p/src/money.lua");
  to_path("file://localhost/p/a.lua", "/p/a.lua");
  to_path("FILE://LocalHost/p/a.lua", "/p/a.lua");
  to_path("file:/p/a.lua", "/p/a.lua");
  to_path("file:///", "/");
  to_path("file:///a%20b", "/a b");
  to_path("file:///%c3%bcn%C3%AF", "/ünï");
  /* Neovim leaves some bytes unencoded; they are taken as they are. */
  to_path("file:///ünï/日本/a+b:c", "/ünï/日本/a+b:c");
  to_path("file:///a%2Fb", "/a/b");
}

static void refuses_bad_uris(void **state) {
  (void)state;
  refused("http://example.com/a", "not a file: URI");
  refused("untitled:Untitled-1", "not a file: URI");
  refused("/p/a.lua", "not a file: URI");
  refused("file://server/share/a.lua", "file URI names a remote host");
  refused("file://localhost.evil/a", "file URI names a remote host");
  refused("file:relative/a.lua", "file URI has no absolute path");
  refused("file://localhost", "file URI has no absolute path");
  refused("file:///a?x=1", "file URI has a query or fragment");
  refused("file:///a#L3", "file URI has a query or fragment");
  refused("file:///a%2", "malformed percent escape in file URI");
  refused("file:///a%zz", "malformed percent escape in file URI");
  refused("file:///a%", "malformed percent escape in file URI");
  refused("file:///a%00b", "file URI contains %00");
  /* A NULL error buffer is allowed. */
  assert_null(lc_uri_to_path("http://x/", NULL, 0));
}

static void is_file(void **state) {
  (void)state;
  assert_true(lc_uri_is_file("file:///a"));
  assert_true(lc_uri_is_file("File:/a"));
  assert_false(lc_uri_is_file("untitled:1"));
  assert_false(lc_uri_is_file("fil"));
}

static void round_trips(void **state) {
  char all[300];
  int i, k = 0;
  (void)state;
  round_trip("/");
  round_trip("/p/spec/money_spec.lua");
  round_trip("/with space/and%percent/#hash/?query/");
  round_trip("/ünï/日本/😀.lua");
  round_trip("//double//slashes/");
  round_trip("/trailing%");
  /* Every byte but NUL. */
  all[k++] = '/';
  for (i = 1; i < 256; i++) all[k++] = (char)i;
  all[k] = '\0';
  round_trip(all);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(encodes_paths),
      cmocka_unit_test(decodes_uris),
      cmocka_unit_test(refuses_bad_uris),
      cmocka_unit_test(is_file),
      cmocka_unit_test(round_trips),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
