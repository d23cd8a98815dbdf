/*
** lc_pool.h: a pool of worker processes on a libuv loop.
** Jobs (one spec file each) queue up and run on at most 'workers' child
** processes at once. Each child is watched by a timer (the per-file time
** limit), its fd 3 is decoded into the job's lc_specres, and its stderr is
** kept for the report. Lifetime rules:
**  1. a submitted job always gets exactly one done callback (finished,
**     crashed, timed out or cancelled), after its child is reaped;
**  2. the job and its result are owned by the pool: copy or steal
**     (job->res = NULL) the result inside the callback;
**  3. lc_pool_close kills every child; the closed callback runs once every
**     handle is closed, and only then may the loop be closed.
*/
#ifndef LC_POOL_H
#define LC_POOL_H

#include <uv.h>
#include "lc_specres.h"

typedef struct lc_job {
  /* read-only for the callback */
  int id;
  char *spec;               /* absolute path */
  lc_specres *res;          /* may be stolen by the callback */
  int cancelled;            /* cancelled before or while running */
  char *errtext;            /* worker's stderr (trimmed), or NULL */
  void *data;               /* the submitter's, untouched */
  /* private */
  char **argv_;
  struct lc_pool *pool_;
  struct lc_job *next_;
  uv_process_t proc_;
  uv_pipe_t out_, err_;
  uv_timer_t timer_;
  uv_pipe_t job_;           /* spare workers: the job goes down this pipe */
  int spare_;               /* a spare waiting for its job: never reported */
  int stopping_;            /* asked to stop (SIGTERM); SIGKILL when the grace ends */
  int open_, pending_, started_;
  void *dec_;
  char *errbuf_;
  size_t errlen_;
  uint64_t t0_;
} lc_job;

typedef struct lc_pool lc_pool;
typedef void (*lc_pool_done_cb)(lc_pool *p, lc_job *job, void *ud);

/* 'exe' is the livecov binary; 'workers' >= 1; timeout_ms 0 = none. */
lc_pool *lc_pool_new(uv_loop_t *loop, const char *exe, int workers,
                     unsigned timeout_ms, lc_pool_done_cb cb, void *ud);
void lc_pool_set_limits(lc_pool *p, int workers, unsigned timeout_ms);
/*
** Keeps one worker process started ahead of need, blocked until a job is
** handed to it, so a job does not wait for exec and dynamic linking (the
** language server's save latency). Off by default.
*/
void lc_pool_keep_spare(lc_pool *p, int on);
/*
** Queues a job for 'spec'; 'args' (NULL-terminated, copied) are passed to
** `livecov __worker` after --spec. Returns the job id (> 0) or -1.
*/
int lc_pool_submit(lc_pool *p, const char *spec, const char *const *args, void *data);
/* Cancels queued and running jobs for 'spec' (all when NULL). */
void lc_pool_cancel(lc_pool *p, const char *spec);
int lc_pool_busy(const lc_pool *p);          /* jobs queued or running */
void lc_pool_close(lc_pool *p, void (*closed)(void *), void *ud);

#endif
