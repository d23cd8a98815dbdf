/*
** main.c: the livecov program. Dispatches to the command-line runner, the
** language server, or the internal worker mode.
*/
#include "lc_cli.h"
#include "lc_worker.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int lc_lsp_main(const char *self, int argc, char **argv);

static const char usage[] =
  "usage: livecov <command> [options]\n"
  "  run [paths...]   run specs with coverage and report (livecov run --help)\n"
  "  lsp              language server on stdio (livecov lsp --help)\n"
  "  --version        print the version\n";

/* The workers are this same binary: find it by /proc, which also works when
   livecov was started through a relative path or PATH lookup. */
static const char *self_path(const char *argv0) {
  static char buf[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n > 0) { buf[n] = '\0'; return buf; }
  return argv0;
}

int main(int argc, char **argv) {
  if (argc < 2) { fputs(usage, stderr); return 2; }
  const char *cmd = argv[1];
  if (!strcmp(cmd, "__worker")) return lc_worker_main(argc - 1, argv + 1);
  if (!strcmp(cmd, "run")) return lc_cli_run(self_path(argv[0]), argc - 1, argv + 1);
  if (!strcmp(cmd, "lsp")) return lc_lsp_main(self_path(argv[0]), argc - 1, argv + 1);
  if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
    printf("livecov %s (%s)\n", LIVECOV_VERSION, LUA_RELEASE_STR);
    return 0;
  }
  if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help")) { fputs(usage, stdout); return 0; }
  fprintf(stderr, "livecov: unknown command '%s'\n%s", cmd, usage);
  return 2;
}
