/*
** lc_pool.c: worker processes on libuv. A job is finished only when all
** three of its sources are done (process exit, EOF on fd 3, EOF on
** stderr), so no record written just before exit is lost; then its handles
** are closed and the job is freed in the last close callback.
*/
#include "lc_pool.h"
#include "lc_wire.h"
#include "lc_worker.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct lc_pool {
  uv_loop_t *loop;
  char *exe;
  int workers;
  unsigned timeout_ms;
  lc_pool_done_cb cb;
  void *ud;
  lc_job *queue, *queue_tail;   /* waiting jobs, FIFO */
  lc_job *running;              /* running jobs (list) */
  int nrunning;
  int next_id;
  int closing;
  int keep_spare;
  lc_job *spare;                /* started, waiting for a job, or NULL */
  int nspares;                  /* spare processes not yet reaped */
  void (*closed)(void *);
  void *closed_ud;
};

static void start_jobs(lc_pool *p);

lc_pool *lc_pool_new(uv_loop_t *loop, const char *exe, int workers,
                     unsigned timeout_ms, lc_pool_done_cb cb, void *ud) {
  lc_pool *p = calloc(1, sizeof *p);
  if (!p) return NULL;
  p->exe = strdup(exe);
  if (!p->exe) { free(p); return NULL; }
  p->loop = loop;
  p->workers = workers < 1 ? 1 : workers;
  p->timeout_ms = timeout_ms;
  p->cb = cb;
  p->ud = ud;
  return p;
}

void lc_pool_set_limits(lc_pool *p, int workers, unsigned timeout_ms) {
  p->workers = workers < 1 ? 1 : workers;
  p->timeout_ms = timeout_ms;
  start_jobs(p);
}

static void free_job(lc_job *j) {
  if (j->argv_) {
    for (int i = 0; j->argv_[i]; i++) free(j->argv_[i]);
    free(j->argv_);
  }
  lc_wire_dec_free(j->dec_);
  lc_specres_free(j->res);
  free(j->spec);
  free(j->errtext);
  free(j->errbuf_);
  free(j);
}

int lc_pool_submit(lc_pool *p, const char *spec, const char *const *args, void *data) {
  if (p->closing) return -1;
  lc_job *j = calloc(1, sizeof *j);
  if (!j) return -1;
  int nargs = 0;
  while (args && args[nargs]) nargs++;
  j->argv_ = calloc((size_t)nargs + 5, sizeof *j->argv_);
  j->spec = strdup(spec);
  j->res = lc_specres_new(spec);
  if (!j->argv_ || !j->spec || !j->res) { free_job(j); return -1; }
  int k = 0;
  const char *fixed[] = { p->exe, "__worker", "--spec", spec };
  for (int i = 0; i < 4; i++)
    if (!(j->argv_[k++] = strdup(fixed[i]))) { free_job(j); return -1; }
  for (int i = 0; i < nargs; i++)
    if (!(j->argv_[k++] = strdup(args[i]))) { free_job(j); return -1; }
  j->dec_ = lc_wire_dec_new(j->res);
  if (!j->dec_) { free_job(j); return -1; }
  j->id = ++p->next_id;
  j->data = data;
  j->pool_ = p;
  if (p->queue_tail) p->queue_tail->next_ = j;
  else p->queue = j;
  p->queue_tail = j;
  int id = j->id;          /* 'j' may be handed to a spare and freed */
  start_jobs(p);
  return id;
}

int lc_pool_busy(const lc_pool *p) {
  return p->nrunning + (p->queue != NULL);
}

static void unlink_running(lc_pool *p, lc_job *j) {
  for (lc_job **pp = &p->running; *pp; pp = &(*pp)->next_)
    if (*pp == j) { *pp = j->next_; break; }
  p->nrunning--;
}

static void maybe_closed(lc_pool *p) {
  if (p->closing && p->nrunning == 0 && p->queue == NULL && p->nspares == 0) {
    void (*cb)(void *) = p->closed;
    void *ud = p->closed_ud;
    free(p->exe);
    free(p);
    if (cb) cb(ud);
  }
}

static void spawn_spare(lc_pool *p);

/* The job pipe is closed early (after the job is written); close_job then
   skips it, so its close callback must not count down the job's handles. */
static void on_handle_closed_job(uv_handle_t *h) { (void)h; }

static void on_handle_closed(uv_handle_t *h) {
  lc_job *j = h->data;
  if (--j->open_ > 0) return;
  lc_pool *p = j->pool_;
  if (j->spare_) p->nspares--;
  else unlink_running(p, j);
  free_job(j);
  if (p->closing) maybe_closed(p);
  else start_jobs(p);
}

static void close_job(lc_job *j) {
  uv_handle_t *hs[] = { (uv_handle_t *)&j->proc_, (uv_handle_t *)&j->out_,
                        (uv_handle_t *)&j->err_, (uv_handle_t *)&j->timer_,
                        (uv_handle_t *)&j->job_ };
  j->open_ = 5;
  for (int i = 0; i < 5; i++) {
    if (uv_is_closing(hs[i])) { j->open_--; continue; }
    uv_close(hs[i], on_handle_closed);
  }
}

/* Called when a source of the job is done; the last one reports it. */
static void source_done(lc_job *j) {
  if (--j->pending_ > 0) return;
  lc_pool *p = j->pool_;
  uv_timer_stop(&j->timer_);
  if (j->res) j->res->ms = (double)(uv_hrtime() - j->t0_) / 1e6;
  if (j->errbuf_ && j->errlen_) {
    while (j->errlen_ && (j->errbuf_[j->errlen_ - 1] == '\n')) j->errlen_--;
    j->errbuf_[j->errlen_] = '\0';
    j->errtext = j->errbuf_;
    j->errbuf_ = NULL;
  }
  if (j->spare_) {                     /* died before it got a job */
    if (p->spare == j) p->spare = NULL;
  } else if (!p->closing && p->cb) {
    p->cb(p, j, p->ud);
  }
  close_job(j);
  if (!j->spare_ && p->keep_spare && !p->spare && !p->closing) spawn_spare(p);
}

static void on_exit_proc(uv_process_t *proc, int64_t status, int sig) {
  lc_job *j = proc->data;
  if (j->res) {
    j->res->exit_code = (int)status;
    j->res->term_signal = sig;
  }
  source_done(j);
}

static void alloc_cb(uv_handle_t *h, size_t sz, uv_buf_t *buf) {
  (void)h;
  buf->base = malloc(sz);
  buf->len = buf->base ? sz : 0;
}

static void on_out(uv_stream_t *s, ssize_t n, const uv_buf_t *buf) {
  lc_job *j = s->data;
  if (n > 0 && j->dec_) lc_wire_dec_feed(j->dec_, buf->base, (size_t)n);
  free(buf->base);
  if (n < 0) {
    uv_read_stop(s);
    source_done(j);
  }
}

static void on_err(uv_stream_t *s, ssize_t n, const uv_buf_t *buf) {
  lc_job *j = s->data;
  if (n > 0 && j->errlen_ < 65536) {
    char *nb = realloc(j->errbuf_, j->errlen_ + (size_t)n + 1);
    if (nb) {
      memcpy(nb + j->errlen_, buf->base, (size_t)n);
      j->errbuf_ = nb;
      j->errlen_ += (size_t)n;
    }
  }
  free(buf->base);
  if (n < 0) {
    uv_read_stop(s);
    source_done(j);
  }
}

/* How long a worker told to stop gets to report where it was and save its
   coverage before it is killed. */
#define STOP_GRACE_MS 1000

/* The time limit: SIGTERM first (the worker stops its test at the current
   line and flushes what it recorded), SIGKILL if it is stuck where Lua
   cannot stop it (in C code). */
static void on_timeout(uv_timer_t *t) {
  lc_job *j = t->data;
  if (j->res) j->res->timed_out = 1;
  if (!j->stopping_) {
    j->stopping_ = 1;
    if (uv_process_kill(&j->proc_, SIGTERM) == 0) {
      uv_timer_start(t, on_timeout, STOP_GRACE_MS, 0);
      return;
    }
  }
  uv_process_kill(&j->proc_, SIGKILL);
}

/* Reports a job that never ran (cancelled in the queue or spawn failed). */
static void finish_unstarted(lc_pool *p, lc_job *j) {
  if (!p->closing && p->cb) p->cb(p, j, p->ud);
  free_job(j);
}

typedef struct job_write { uv_write_t req; char *buf; } job_write;

static void on_job_written(uv_write_t *req, int status) {
  job_write *w = (job_write *)req;
  lc_job *j = req->handle->data;
  (void)status;                  /* a dead spare is reported by its exit */
  free(w->buf);
  free(w);
  if (!uv_is_closing((uv_handle_t *)&j->job_))
    uv_close((uv_handle_t *)&j->job_, on_handle_closed_job);
}

/* Hands job 'j' to the waiting spare: the spare takes j's identity and j's
   shell is freed. Returns the job now running, or NULL if it failed. */
static lc_job *give_to_spare(lc_pool *p, lc_job *j) {
  lc_job *s = p->spare;
  size_t n = 0;
  for (int i = 2; j->argv_[i]; i++) n += strlen(j->argv_[i]) + 1;
  job_write *w = malloc(sizeof *w);
  char *buf = malloc(n ? n : 1);
  if (!w || !buf) { free(w); free(buf); return NULL; }
  size_t off = 0;
  for (int i = 2; j->argv_[i]; i++) {
    size_t l = strlen(j->argv_[i]) + 1;
    memcpy(buf + off, j->argv_[i], l);
    off += l;
  }
  w->buf = buf;
  uv_buf_t b = uv_buf_init(buf, (unsigned)n);
  if (uv_write(&w->req, (uv_stream_t *)&s->job_, &b, 1, on_job_written) != 0) {
    free(buf);
    free(w);
    return NULL;
  }
  p->spare = NULL;
  p->nspares--;
  s->spare_ = 0;
  s->id = j->id; s->spec = j->spec; s->res = j->res; s->data = j->data;
  s->argv_ = j->argv_; s->dec_ = j->dec_;
  j->spec = NULL; j->res = NULL; j->argv_ = NULL; j->dec_ = NULL;
  free_job(j);
  s->t0_ = uv_hrtime();
  s->next_ = p->running;
  p->running = s;
  p->nrunning++;
  if (p->timeout_ms) uv_timer_start(&s->timer_, on_timeout, p->timeout_ms, 0);
  return s;
}

/*
** Initialises j's handles and spawns `args`: stdin and stdout empty, stderr
** and fd 3 piped to us, and (spares) fd 4 a pipe we write the job into.
** Returns uv_spawn's result; the handles need close_job either way.
*/
static int spawn_worker(lc_pool *p, lc_job *j, char **args, int with_job_fd) {
  uv_stdio_container_t stdio[5];
  uv_pipe_init(p->loop, &j->out_, 0);
  uv_pipe_init(p->loop, &j->err_, 0);
  uv_pipe_init(p->loop, &j->job_, 0);
  uv_timer_init(p->loop, &j->timer_);
  j->proc_.data = j->out_.data = j->err_.data = j->timer_.data = j->job_.data = j;
  stdio[0].flags = UV_IGNORE;
  stdio[1].flags = UV_IGNORE;
  stdio[2].flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE;
  stdio[2].data.stream = (uv_stream_t *)&j->err_;
  stdio[3].flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE;
  stdio[3].data.stream = (uv_stream_t *)&j->out_;
  stdio[4].flags = UV_CREATE_PIPE | UV_READABLE_PIPE;
  stdio[4].data.stream = (uv_stream_t *)&j->job_;
  uv_process_options_t o;
  memset(&o, 0, sizeof o);
  o.file = p->exe;
  o.args = args;
  o.exit_cb = on_exit_proc;
  o.stdio = stdio;
  o.stdio_count = with_job_fd ? 5 : 4;
  return uv_spawn(p->loop, &j->proc_, &o);
}

static void start_one(lc_pool *p, lc_job *j) {
  if (p->spare && !p->closing && give_to_spare(p, j)) return;
  j->t0_ = uv_hrtime();
  j->next_ = p->running;
  p->running = j;
  p->nrunning++;
  j->started_ = 1;
  int rc = spawn_worker(p, j, j->argv_, 0);
  if (rc != 0) {
    /* uv_spawn needs uv_close even when it fails (libuv process.rst). */
    char msg[256];
    snprintf(msg, sizeof msg, "cannot start worker %s: %s", p->exe, uv_strerror(rc));
    j->errtext = strdup(msg);
    j->res->exit_code = -1;
    if (!p->closing && p->cb) p->cb(p, j, p->ud);
    close_job(j);
    return;
  }
  j->pending_ = 3;
  uv_read_start((uv_stream_t *)&j->out_, alloc_cb, on_out);
  uv_read_start((uv_stream_t *)&j->err_, alloc_cb, on_err);
  if (p->timeout_ms) uv_timer_start(&j->timer_, on_timeout, p->timeout_ms, 0);
}

static void start_jobs(lc_pool *p) {
  while (!p->closing && p->queue && p->nrunning < p->workers) {
    lc_job *j = p->queue;
    p->queue = j->next_;
    if (!p->queue) p->queue_tail = NULL;
    j->next_ = NULL;
    start_one(p, j);
  }
}

/* Starts the spare: `livecov __worker --job-fd 4`, blocked on fd 4. */
static void spawn_spare(lc_pool *p) {
  lc_job *j = calloc(1, sizeof *j);
  if (!j) return;
  j->pool_ = p;
  j->spare_ = 1;
  char *args[] = { p->exe, "__worker", "--job-fd", "4", NULL };
  p->nspares++;
  if (spawn_worker(p, j, args, 1) != 0) {
    close_job(j);                    /* counted down in on_handle_closed */
    return;
  }
  j->pending_ = 3;
  j->started_ = 1;
  p->spare = j;
  uv_read_start((uv_stream_t *)&j->out_, alloc_cb, on_out);
  uv_read_start((uv_stream_t *)&j->err_, alloc_cb, on_err);
}

void lc_pool_keep_spare(lc_pool *p, int on) {
  p->keep_spare = on;
  if (on && !p->spare && !p->closing) spawn_spare(p);
}

void lc_pool_cancel(lc_pool *p, const char *spec) {
  lc_job **pp = &p->queue, *done = NULL;
  p->queue_tail = NULL;
  while (*pp) {                      /* walk first, call out after */
    lc_job *j = *pp;
    if (!spec || !strcmp(j->spec, spec)) {
      *pp = j->next_;
      j->next_ = done;
      done = j;
    } else {
      p->queue_tail = j;
      pp = &j->next_;
    }
  }
  for (lc_job *j = p->running; j; j = j->next_) {
    if ((!spec || !strcmp(j->spec, spec)) && !j->cancelled && j->pending_ > 0) {
      j->cancelled = 1;
      uv_process_kill(&j->proc_, SIGKILL);
    }
  }
  while (done) {
    lc_job *j = done;
    done = j->next_;
    j->cancelled = 1;
    finish_unstarted(p, j);
  }
}

void lc_pool_close(lc_pool *p, void (*closed)(void *), void *ud) {
  p->closed = closed;
  p->closed_ud = ud;
  p->closing = 1;              /* no callbacks from here on */
  lc_pool_cancel(p, NULL);
  if (p->spare) {              /* EOF on its job pipe: it exits with no job */
    lc_job *s = p->spare;
    p->spare = NULL;
    if (!uv_is_closing((uv_handle_t *)&s->job_))
      uv_close((uv_handle_t *)&s->job_, on_handle_closed_job);
  }
  maybe_closed(p);
}
