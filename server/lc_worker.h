/*
** lc_worker.h: `livecov __worker`, the child process that runs one spec file
** and streams its records (lc_wire.h) on fd 3. Its stdin is empty, its
** stdout is captured per test; nothing it does can reach the parent's
** stdio, so a test cannot write to the LSP channel.
*/
#ifndef LC_WORKER_H
#define LC_WORKER_H

#define LC_WORKER_FD 3

/* Entry point; argv[0] is "__worker". Returns the process exit status. */
int lc_worker_main(int argc, char **argv);

#endif
