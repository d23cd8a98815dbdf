/*
** lc_cli.h: `livecov run`, the command-line runner used by people and CI.
*/
#ifndef LC_CLI_H
#define LC_CLI_H

/* argv[0] is "run". 'self' is the path of the livecov binary (for workers).
   Returns the exit status: 0 all passed, 1 failures, 2 usage/internal. */
int lc_cli_run(const char *self, int argc, char **argv);

#endif
