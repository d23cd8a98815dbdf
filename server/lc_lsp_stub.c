/* temporary: replaced by the language server */
#include <stdio.h>
int lc_lsp_main(const char *self, int argc, char **argv);
int lc_lsp_main(const char *self, int argc, char **argv) {
  (void)self; (void)argc; (void)argv;
  fprintf(stderr, "livecov lsp: not built yet\n");
  return 2;
}
