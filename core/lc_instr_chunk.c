/*
** lc_instr_chunk.c: complete reader and writer of Lua 5.4 binary chunks.
** The format follows ldump.c/lundump.c of Lua 5.4.4: a header pinning the
** version, format and number sizes, the main function's upvalue count, then
** each function as source, lines, sizes, code, constants, upvalues, nested
** functions and debug info. Sizes are written big-endian in 7-bit groups
** with the last byte marked by 0x80.
*/
#include "lc_instr_chunk.h"

#include <stdlib.h>
#include <string.h>

#define IC_SIG       "\x1bLua"
#define IC_VERSION   0x54
#define IC_FORMAT    0
#define IC_DATA      "\x19\x93\r\n\x1a\n"
#define IC_INT       ((lua_Integer)0x5678)
#define IC_NUM       ((lua_Number)370.5)
#define IC_ABSLINE   (-0x80)
#define IC_LIMLINEDIFF 0x80
#define IC_MAXIWTHABS  128

/* {====================================================== reading */

typedef struct rd {
  const unsigned char *p, *end;
  int err;
} rd;

static int need(rd *r, size_t n) {
  if (r->err) return 0;
  if ((size_t)(r->end - r->p) < n) { r->err = IC_ETRUNC; return 0; }
  return 1;
}

static int rbyte(rd *r) {
  if (!need(r, 1)) return 0;
  return *r->p++;
}

static size_t rsize(rd *r) {
  size_t x = 0;
  int b;
  do {
    b = rbyte(r);
    if (r->err) return 0;
    if (x >= ((size_t)-1 >> 7)) { r->err = IC_ETRUNC; return 0; }
    x = (x << 7) | (size_t)(b & 0x7f);
  } while ((b & 0x80) == 0);
  return x;
}

static int rdint(rd *r) {
  size_t x = rsize(r);
  if (x > (size_t)0x7fffffff) { r->err = IC_ETRUNC; return 0; }
  return (int)x;
}

static void rblock(rd *r, void *dst, size_t n) {
  if (!need(r, n)) return;
  memcpy(dst, r->p, n);
  r->p += n;
}

static void *ralloc(rd *r, size_t n, size_t sz) {
  if (r->err) return NULL;
  if (n == 0) return NULL;
  if (n > (size_t)(r->end - r->p) + 1 && sz >= 1) {   /* cannot be that many */
    r->err = IC_ETRUNC;
    return NULL;
  }
  void *v = calloc(n, sz);
  if (!v) r->err = IC_ENOMEM;
  return v;
}

static ic_str rstring(rd *r) {
  ic_str s = { NULL, 0 };
  size_t n = rsize(r);
  if (n == 0 || r->err) return s;
  n--;
  if (!need(r, n)) return s;
  s.s = malloc(n + 1);
  if (!s.s) { r->err = IC_ENOMEM; return s; }
  memcpy(s.s, r->p, n);
  s.s[n] = '\0';
  s.len = n;
  r->p += n;
  return s;
}

static void rfunction(rd *r, ic_proto *f, int depth) {
  if (depth > 250) { r->err = IC_ETRUNC; return; }
  f->source = rstring(r);
  f->linedefined = rdint(r);
  f->lastlinedefined = rdint(r);
  f->numparams = rbyte(r);
  f->is_vararg = rbyte(r);
  f->maxstacksize = rbyte(r);
  f->ncode = rdint(r);
  f->code = ralloc(r, (size_t)f->ncode, 4);
  rblock(r, f->code, (size_t)f->ncode * 4);
  f->nk = rdint(r);
  f->k = ralloc(r, (size_t)f->nk, sizeof *f->k);
  for (int i = 0; i < f->nk && !r->err; i++) {
    ic_const *k = &f->k[i];
    k->tag = rbyte(r);
    switch (k->tag) {
      case IC_TNIL: case IC_TFALSE: case IC_TTRUE: break;
      case IC_TINT: rblock(r, &k->i, sizeof k->i); break;
      case IC_TFLT: rblock(r, &k->n, sizeof k->n); break;
      case IC_TSHRSTR: case IC_TLNGSTR:
        k->s = rstring(r);
        if (!k->s.s && !r->err) r->err = IC_ETRUNC;
        break;
      default: r->err = IC_ETRUNC; break;
    }
  }
  f->nup = rdint(r);
  f->up = ralloc(r, (size_t)f->nup, sizeof *f->up);
  for (int i = 0; i < f->nup && !r->err; i++) {
    f->up[i].instack = (unsigned char)rbyte(r);
    f->up[i].idx = (unsigned char)rbyte(r);
    f->up[i].kind = (unsigned char)rbyte(r);
  }
  f->np = rdint(r);
  f->p = ralloc(r, (size_t)f->np, sizeof *f->p);
  for (int i = 0; i < f->np && !r->err; i++) rfunction(r, &f->p[i], depth + 1);
  f->nlineinfo = rdint(r);
  f->lineinfo = ralloc(r, (size_t)f->nlineinfo, 1);
  rblock(r, f->lineinfo, (size_t)f->nlineinfo);
  f->nabs = rdint(r);
  f->abs = ralloc(r, (size_t)f->nabs, sizeof *f->abs);
  for (int i = 0; i < f->nabs && !r->err; i++) {
    f->abs[i].pc = rdint(r);
    f->abs[i].line = rdint(r);
  }
  f->nloc = rdint(r);
  f->loc = ralloc(r, (size_t)f->nloc, sizeof *f->loc);
  for (int i = 0; i < f->nloc && !r->err; i++) {
    f->loc[i].name = rstring(r);
    f->loc[i].startpc = rdint(r);
    f->loc[i].endpc = rdint(r);
  }
  f->nupname = rdint(r);
  f->upname = ralloc(r, (size_t)f->nupname, sizeof *f->upname);
  for (int i = 0; i < f->nupname && !r->err; i++) f->upname[i] = rstring(r);
  if (!r->err && (f->nupname > f->nup)) r->err = IC_ETRUNC;
}

static int header_ok(rd *r) {
  if (!need(r, 4) || memcmp(r->p, IC_SIG, 4) != 0) return 0;
  r->p += 4;
  if (rbyte(r) != IC_VERSION || rbyte(r) != IC_FORMAT) return 0;
  if (!need(r, 6) || memcmp(r->p, IC_DATA, 6) != 0) return 0;
  r->p += 6;
  if (rbyte(r) != 4 || rbyte(r) != sizeof(lua_Integer) ||
      rbyte(r) != sizeof(lua_Number))
    return 0;
  lua_Integer i;
  lua_Number n;
  if (!need(r, sizeof i + sizeof n)) return 0;
  memcpy(&i, r->p, sizeof i);
  memcpy(&n, r->p + sizeof i, sizeof n);
  r->p += sizeof i + sizeof n;
  return !r->err && i == IC_INT && n == IC_NUM;
}

int lc_ic_parse(const void *buf, size_t size, ic_chunk *c) {
  memset(c, 0, sizeof *c);
  rd r = { buf, (const unsigned char *)buf + size, 0 };
  if (!header_ok(&r)) return IC_EHEADER;
  c->nupvalues = rbyte(&r);
  rfunction(&r, &c->main, 0);
  if (!r.err && r.p != r.end) r.err = IC_ETRUNC;     /* trailing bytes */
  if (r.err) {
    lc_ic_free(c);
    return r.err;
  }
  return IC_OK;
}

void lc_ic_proto_free(ic_proto *f) {
  free(f->source.s);
  free(f->code);
  for (int i = 0; i < f->nk; i++) free(f->k[i].s.s);
  free(f->k);
  free(f->up);
  for (int i = 0; i < f->np; i++) lc_ic_proto_free(&f->p[i]);
  free(f->p);
  free(f->lineinfo);
  free(f->abs);
  for (int i = 0; i < f->nloc; i++) free(f->loc[i].name.s);
  free(f->loc);
  for (int i = 0; i < f->nupname; i++) free(f->upname[i].s);
  free(f->upname);
  memset(f, 0, sizeof *f);
}

void lc_ic_free(ic_chunk *c) {
  lc_ic_proto_free(&c->main);
  memset(c, 0, sizeof *c);
}

/* }====================================================== */

/* {====================================================== writing */

static void wblock(ic_buf *b, const void *p, size_t n) {
  if (b->oom || n == 0) return;
  if (b->n + n > b->cap) {
    size_t ncap = b->cap ? b->cap : 1024;
    while (ncap < b->n + n) ncap *= 2;
    unsigned char *np = realloc(b->p, ncap);
    if (!np) { b->oom = 1; return; }
    b->p = np;
    b->cap = ncap;
  }
  memcpy(b->p + b->n, p, n);
  b->n += n;
}

static void wbyte(ic_buf *b, int x) {
  unsigned char c = (unsigned char)x;
  wblock(b, &c, 1);
}

static void wsize(ic_buf *b, size_t x) {
  unsigned char buf[sizeof(size_t) * 8 / 7 + 1];
  int n = 0;
  size_t cap = sizeof buf;
  do {
    buf[cap - (size_t)(++n)] = (unsigned char)(x & 0x7f);
    x >>= 7;
  } while (x != 0);
  buf[cap - 1] |= 0x80;
  wblock(b, buf + cap - (size_t)n, (size_t)n);
}

static void wstring(ic_buf *b, const ic_str *s) {
  if (!s || !s->s) { wsize(b, 0); return; }
  wsize(b, s->len + 1);
  wblock(b, s->s, s->len);
}

static void wfunction(ic_buf *b, const ic_proto *f, int strip) {
  wstring(b, strip ? NULL : &f->source);
  wsize(b, (size_t)f->linedefined);
  wsize(b, (size_t)f->lastlinedefined);
  wbyte(b, f->numparams);
  wbyte(b, f->is_vararg);
  wbyte(b, f->maxstacksize);
  wsize(b, (size_t)f->ncode);
  wblock(b, f->code, (size_t)f->ncode * 4);
  wsize(b, (size_t)f->nk);
  for (int i = 0; i < f->nk; i++) {
    const ic_const *k = &f->k[i];
    wbyte(b, k->tag);
    switch (k->tag) {
      case IC_TINT: wblock(b, &k->i, sizeof k->i); break;
      case IC_TFLT: wblock(b, &k->n, sizeof k->n); break;
      case IC_TSHRSTR: case IC_TLNGSTR: wstring(b, &k->s); break;
      default: break;
    }
  }
  wsize(b, (size_t)f->nup);
  for (int i = 0; i < f->nup; i++) {
    wbyte(b, f->up[i].instack);
    wbyte(b, f->up[i].idx);
    wbyte(b, f->up[i].kind);
  }
  wsize(b, (size_t)f->np);
  for (int i = 0; i < f->np; i++) wfunction(b, &f->p[i], strip);
  int n = strip ? 0 : f->nlineinfo;
  wsize(b, (size_t)n);
  wblock(b, f->lineinfo, (size_t)n);
  n = strip ? 0 : f->nabs;
  wsize(b, (size_t)n);
  for (int i = 0; i < n; i++) {
    wsize(b, (size_t)f->abs[i].pc);
    wsize(b, (size_t)f->abs[i].line);
  }
  n = strip ? 0 : f->nloc;
  wsize(b, (size_t)n);
  for (int i = 0; i < n; i++) {
    wstring(b, &f->loc[i].name);
    wsize(b, (size_t)f->loc[i].startpc);
    wsize(b, (size_t)f->loc[i].endpc);
  }
  n = strip ? 0 : f->nupname;
  wsize(b, (size_t)n);
  for (int i = 0; i < n; i++) wstring(b, &f->upname[i]);
}

int lc_ic_write(const ic_chunk *c, int strip, ic_buf *b) {
  lua_Integer i = IC_INT;
  lua_Number n = IC_NUM;
  wblock(b, IC_SIG, 4);
  wbyte(b, IC_VERSION);
  wbyte(b, IC_FORMAT);
  wblock(b, IC_DATA, 6);
  wbyte(b, 4);
  wbyte(b, sizeof(lua_Integer));
  wbyte(b, sizeof(lua_Number));
  wblock(b, &i, sizeof i);
  wblock(b, &n, sizeof n);
  wbyte(b, c->nupvalues);
  wfunction(b, &c->main, strip);
  return b->oom ? IC_ENOMEM : IC_OK;
}

void lc_ic_buf_free(ic_buf *b) {
  free(b->p);
  memset(b, 0, sizeof *b);
}

/* }====================================================== */

/* {====================================================== lines */

int *lc_ic_lines(const ic_proto *p) {
  if (p->nlineinfo == 0 || p->nlineinfo != p->ncode) return NULL;
  int *lines = malloc((size_t)p->ncode * sizeof *lines);
  if (!lines) return NULL;
  int line = p->linedefined, a = 0;
  for (int pc = 0; pc < p->ncode; pc++) {
    if (p->lineinfo[pc] == IC_ABSLINE) {
      while (a < p->nabs && p->abs[a].pc < pc) a++;
      if (a == p->nabs || p->abs[a].pc != pc) { free(lines); return NULL; }
      line = p->abs[a].line;
    } else {
      line += p->lineinfo[pc];
    }
    lines[pc] = line;
  }
  return lines;
}

int lc_ic_set_lines(ic_proto *p, const int *lines) {
  signed char *li = malloc(p->ncode ? (size_t)p->ncode : 1);
  ic_abs *abs = malloc(((size_t)p->ncode / IC_MAXIWTHABS + (size_t)p->ncode + 1) *
                       sizeof *abs);
  if (!li || !abs) { free(li); free(abs); return IC_ENOMEM; }
  int nabs = 0, iwthabs = 0, prev = p->linedefined;
  for (int pc = 0; pc < p->ncode; pc++) {
    int dif = lines[pc] - prev;
    if ((dif < 0 ? -dif : dif) >= IC_LIMLINEDIFF || iwthabs++ >= IC_MAXIWTHABS) {
      abs[nabs].pc = pc;
      abs[nabs++].line = lines[pc];
      dif = IC_ABSLINE;
      iwthabs = 1;
    }
    li[pc] = (signed char)dif;
    prev = lines[pc];
  }
  free(p->lineinfo);
  free(p->abs);
  p->lineinfo = li;
  p->nlineinfo = p->ncode;
  p->abs = abs;
  p->nabs = nabs;
  return IC_OK;
}

/* }====================================================== */

/* {====================================================== copying */

static int str_copy(ic_str *d, const ic_str *s) {
  d->len = s->len;
  d->s = NULL;
  if (!s->s) return 0;
  d->s = malloc(s->len + 1);
  if (!d->s) return -1;
  memcpy(d->s, s->s, s->len + 1);
  return 0;
}

static void *dup_array(const void *src, size_t n, size_t sz, int *err) {
  if (n == 0 || !src) return NULL;
  void *d = malloc(n * sz);
  if (!d) { *err = 1; return NULL; }
  memcpy(d, src, n * sz);
  return d;
}

int lc_ic_proto_copy(ic_proto *d, const ic_proto *s) {
  int err = 0;
  memset(d, 0, sizeof *d);
  *d = *s;
  d->source.s = NULL;
  d->code = NULL; d->k = NULL; d->up = NULL; d->p = NULL;
  d->lineinfo = NULL; d->abs = NULL; d->loc = NULL; d->upname = NULL;
  d->nk = d->np = d->nloc = d->nupname = 0;
  if (str_copy(&d->source, &s->source)) err = 1;
  d->code = dup_array(s->code, (size_t)s->ncode, 4, &err);
  d->up = dup_array(s->up, (size_t)s->nup, sizeof *s->up, &err);
  d->lineinfo = dup_array(s->lineinfo, (size_t)s->nlineinfo, 1, &err);
  d->abs = dup_array(s->abs, (size_t)s->nabs, sizeof *s->abs, &err);
  if (!err && s->nk) {
    d->k = calloc((size_t)s->nk, sizeof *d->k);
    if (!d->k) err = 1;
    else {
      d->nk = s->nk;
      for (int i = 0; i < s->nk; i++) {
        d->k[i] = s->k[i];
        d->k[i].s.s = NULL;
        if (str_copy(&d->k[i].s, &s->k[i].s)) err = 1;
      }
    }
  }
  if (!err && s->nloc) {
    d->loc = calloc((size_t)s->nloc, sizeof *d->loc);
    if (!d->loc) err = 1;
    else {
      d->nloc = s->nloc;
      for (int i = 0; i < s->nloc; i++) {
        d->loc[i] = s->loc[i];
        d->loc[i].name.s = NULL;
        if (str_copy(&d->loc[i].name, &s->loc[i].name)) err = 1;
      }
    }
  }
  if (!err && s->nupname) {
    d->upname = calloc((size_t)s->nupname, sizeof *d->upname);
    if (!d->upname) err = 1;
    else {
      d->nupname = s->nupname;
      for (int i = 0; i < s->nupname; i++)
        if (str_copy(&d->upname[i], &s->upname[i])) err = 1;
    }
  }
  if (!err && s->np) {
    d->p = calloc((size_t)s->np, sizeof *d->p);
    if (!d->p) err = 1;
    else {
      d->np = s->np;
      for (int i = 0; i < s->np && !err; i++)
        if (lc_ic_proto_copy(&d->p[i], &s->p[i]) != IC_OK) err = 1;
    }
  }
  if (err) {
    lc_ic_proto_free(d);
    return IC_ENOMEM;
  }
  return IC_OK;
}

/* }====================================================== */
