/*
** fuzz_frame.c: a fuzz target for everything that reads client bytes: the
** frame reader, the JSON-RPC classifier, the LSP readers, URIs and
** document edits. Built two ways:
**   - normally, main() runs every file of the directories (or files) on
**     its command line through the target once; CTest runs it on
**     tests/protocol/corpus, so the corpus is a regression suite;
**   - with -DLIVECOV_FUZZ=ON (clang), as the libFuzzer binary
**     fuzz_frame_libfuzzer:
**       cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DLIVECOV_FUZZ=ON
**       cmake --build build-fuzz --target fuzz_frame_libfuzzer
**       mkdir -p /tmp/corpus && build-fuzz/tests/protocol/fuzz_frame_libfuzzer \
**           -max_len=4096 /tmp/corpus tests/protocol/corpus
**     (new inputs go to /tmp/corpus; copy the interesting ones to
**     tests/protocol/corpus, with a name saying what they exercise).
** A failure is a crash, a sanitizer report, a leak, or abort() on a broken
** invariant.
*/
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifndef LIVECOV_LIBFUZZER
#include <dirent.h>
#include <sys/stat.h>
#endif

#include "lc_doc.h"
#include "lc_frame.h"
#include "lc_lsp.h"
#include "lc_rpc.h"
#include "lc_uri.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "broken: %s\n", #c); abort(); } } while (0)

/* A URI string found in a message, through both directions of lc_uri. */
static void exercise_uri(const char *uri) {
  char err[LC_URI_ERR_LEN];
  char *path = lc_uri_to_path(uri, err, sizeof err), *back, *again;
  if (path == NULL) return;
  back = lc_uri_from_path(path);
  CHECK(back != NULL);
  again = lc_uri_to_path(back, err, sizeof err);
  CHECK(again != NULL && strcmp(again, path) == 0);
  free(again);
  free(back);
  free(path);
}

/* Treats the params as every message the server reads. */
static void exercise_params(json_t *params, const char *body, size_t len) {
  char err[LC_LSP_ERR_LEN];
  lc_lsp_initialize_params ip;
  lc_lsp_did_change_params dc;
  lc_lsp_text_document_item item;
  lc_lsp_text_document_id id;

  if (lc_lsp_initialize_params_from_json(params, &ip, err, sizeof err) == 0) {
    if (ip.root_uri != NULL) exercise_uri(ip.root_uri);
    lc_lsp_initialize_params_clear(&ip);
  }
  if (lc_lsp_did_open_from_json(params, &item, err, sizeof err) == 0)
    exercise_uri(item.uri);
  if (lc_lsp_text_document_of(params, &id, err, sizeof err) == 0)
    exercise_uri(id.uri);
  if (lc_lsp_did_change_from_json(params, &dc, err, sizeof err) == 0) {
    /* The body itself is the document: arbitrary bytes, many lines. */
    int enc;
    for (enc = 0; enc < 3; enc++) {
      lc_doc *d = lc_doc_new(dc.text_document.uri, 0, body, len);
      size_t i;
      if (d == NULL) continue;
      for (i = 0; i < dc.nchanges; i++) {
        uint32_t before = lc_doc_line_count(d);
        lc_doc_delta dl;
        if (lc_doc_apply(d, &dc.changes[i], (lc_pos_encoding)enc, &dl, NULL, 0) ==
            LC_DOC_OK) {
          CHECK(dl.first_line + dl.removed <= before);
          CHECK(before - dl.removed + dl.inserted == lc_doc_line_count(d));
        }
      }
      lc_doc_free(d);
    }
    lc_lsp_did_change_params_clear(&dc);
  }
}

/* One body from the reader, handled the way the server will. */
static void handle_body(const char *body, size_t len) {
  lc_rpc_msg m;
  json_t *reply = NULL;
  char *wire;
  size_t wlen;

  switch (lc_rpc_parse(body, len, &m)) {
    case LC_RPC_INVALID:
      CHECK(m.err_code != 0 && m.err_msg[0] != '\0');
      reply = lc_rpc_reply_invalid(&m);
      CHECK(reply != NULL);
      break;
    case LC_RPC_REQUEST:
      CHECK(m.method != NULL && m.id != NULL);
      exercise_params(m.params, body, len);
      reply = lc_rpc_error(m.id, LC_RPC_ERR_METHOD_NOT_FOUND, NULL, NULL);
      break;
    case LC_RPC_NOTIFICATION:
      CHECK(m.method != NULL && m.id == NULL);
      exercise_params(m.params, body, len);
      break;
    case LC_RPC_RESPONSE:
      CHECK((m.result == NULL) != (m.error == NULL));
      break;
  }
  if (reply != NULL) {
    /* Our own output must read back as one valid message. */
    lc_frame_reader *r = lc_frame_reader_new(0);
    char *back;
    size_t blen;
    lc_rpc_msg again;
    wire = lc_rpc_encode(reply, &wlen);
    CHECK(wire != NULL && r != NULL);
    CHECK(lc_frame_feed(r, wire, wlen) == 0);
    CHECK(lc_frame_next(r, &back, &blen, NULL, 0) == LC_FRAME_MSG);
    CHECK(lc_rpc_parse(back, blen, &again) == LC_RPC_RESPONSE);
    lc_rpc_msg_clear(&again);
    free(back);
    free(wire);
    lc_frame_reader_free(r);
    json_decref(reply);
  }
  lc_rpc_msg_clear(&m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  lc_frame_reader *r;
  size_t step, i;
  if (size == 0) return 0;
  /* The first byte picks the read size and a small or default body limit. */
  step = 1 + (data[0] & 0x3F);
  r = lc_frame_reader_new((data[0] & 0x40) ? 256 : 0);
  CHECK(r != NULL);
  for (i = 1; i < size; i += step) {
    size_t k = size - i < step ? size - i : step;
    CHECK(lc_frame_feed(r, (const char *)data + i, k) == 0);
    for (;;) {
      char *body, err[LC_FRAME_ERR_LEN];
      size_t len;
      int rc = lc_frame_next(r, &body, &len, err, sizeof err);
      if (rc == LC_FRAME_NONE) break;
      CHECK(rc == LC_FRAME_MSG || rc == LC_FRAME_ERROR);
      if (rc == LC_FRAME_ERROR) {
        CHECK(err[0] != '\0');
        continue;
      }
      CHECK(body[len] == '\0');
      handle_body(body, len);
      free(body);
    }
    CHECK(lc_frame_buffered(r) <= size);
  }
  lc_frame_reader_free(r);
  return 0;
}

#ifndef LIVECOV_LIBFUZZER
/*
** {======================================================
** Corpus runner
** =======================================================
*/

static int run_file(const char *path) {
  FILE *f = fopen(path, "rb");
  char *buf = NULL;
  size_t n = 0, cap = 0;
  if (f == NULL) {
    perror(path);
    return -1;
  }
  for (;;) {
    size_t got;
    if (n == cap) {
      char *nb = realloc(buf, cap ? cap * 2 : 4096);
      if (nb == NULL) { free(buf); fclose(f); return -1; }
      buf = nb;
      cap = cap ? cap * 2 : 4096;
    }
    got = fread(buf + n, 1, cap - n, f);
    n += got;
    if (got == 0) break;
  }
  fclose(f);
  LLVMFuzzerTestOneInput((const uint8_t *)buf, n);
  free(buf);
  return 0;
}

int main(int argc, char **argv) {
  int i, ran = 0;
  for (i = 1; i < argc; i++) {
    struct stat st;
    DIR *dir;
    struct dirent *e;
    if (stat(argv[i], &st) != 0) { perror(argv[i]); return 1; }
    if (!S_ISDIR(st.st_mode)) {
      if (run_file(argv[i]) != 0) return 1;
      ran++;
      continue;
    }
    dir = opendir(argv[i]);
    if (dir == NULL) { perror(argv[i]); return 1; }
    while ((e = readdir(dir)) != NULL) {
      char path[4096];
      if (e->d_name[0] == '.') continue;
      snprintf(path, sizeof path, "%s/%s", argv[i], e->d_name);
      if (run_file(path) != 0) { closedir(dir); return 1; }
      ran++;
    }
    closedir(dir);
  }
  printf("fuzz_frame: ran %d inputs\n", ran);
  /* An empty or missing corpus must not pass silently. */
  if (ran == 0) {
    fprintf(stderr, "fuzz_frame: no inputs (usage: fuzz_frame DIR|FILE...)\n");
    return 1;
  }
  return 0;
}

/* }====================================================== */
#endif
