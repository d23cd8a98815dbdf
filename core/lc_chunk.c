/*
** lc_chunk.c: reader of Lua 5.4 binary chunks.
** The layout mirrors ldump.c/lundump.c of Lua 5.4: a header that pins the
** version, format and number sizes, then a tree of prototypes. Lines are
** rebuilt from 'lineinfo' (deltas) and 'abslineinfo' (absolute anchors) the
** same way luaG_getfuncline does, so they agree with debug.getinfo.
*/
#include "lc_chunk.h"

#include <lua.h>
#include <stdlib.h>
#include <string.h>

#define LC_SIG        "\x1bLua"
#define LC_VERSION    0x54
#define LC_FORMAT     0
#define LC_DATA       "\x19\x93\r\n\x1a\n"
#define LC_INT        0x5678
#define LC_NUM        ((lua_Number)370.5)
#define LC_ABSLINE    (-0x80)

/* Constant tags as dumped (type | variant << 4), lobject.h. */
#define T_NIL     0
#define T_FALSE   (1 | (0 << 4))
#define T_TRUE    (1 | (1 << 4))
#define T_INT     (3 | (0 << 4))
#define T_FLT     (3 | (1 << 4))
#define T_SHRSTR  (4 | (0 << 4))
#define T_LNGSTR  (4 | (1 << 4))

typedef struct reader {
  const unsigned char *p, *end;
  int err;
} reader;

typedef struct store {          /* what priv_ points to */
  unsigned char *copy;          /* aligned copy of the code arrays */
} store;

static int need(reader *r, size_t n) {
  if (r->err) return 0;
  if (r->p > r->end || (size_t)(r->end - r->p) < n) {
    r->err = LC_CHUNK_ETRUNC;
    return 0;
  }
  return 1;
}

static int rbyte(reader *r) {
  if (!need(r, 1)) return 0;
  return *r->p++;
}

/* ldump.c dumpSize: big-endian groups of 7 bits, last byte has bit 0x80. */
static size_t rsize(reader *r) {
  size_t x = 0;
  int b;
  do {
    b = rbyte(r);
    if (r->err) return 0;
    if (x >= ((size_t)-1 >> 7)) { r->err = LC_CHUNK_ETRUNC; return 0; }
    x = (x << 7) | (size_t)(b & 0x7f);
  } while ((b & 0x80) == 0);
  return x;
}

static int rdint(reader *r) {
  size_t x = rsize(r);
  if (x > (size_t)0x7fffffff) { r->err = LC_CHUNK_ETRUNC; return 0; }
  return (int)x;
}

/* Returns a pointer into the buffer (not NUL-terminated) and its length. */
static const unsigned char *rstring(reader *r, size_t *len) {
  size_t n = rsize(r);
  *len = 0;
  if (n == 0 || r->err) return NULL;
  n--;
  if (!need(r, n)) return NULL;
  const unsigned char *s = r->p;
  r->p += n;
  *len = n;
  return s;
}

static void skip(reader *r, size_t n) {
  if (need(r, n)) r->p += n;
}

typedef struct builder {
  lc_proto *v;
  int n, cap;
} builder;

static lc_proto *push_proto(builder *b, reader *r) {
  if (b->n == b->cap) {
    int ncap = b->cap ? b->cap * 2 : 8;
    lc_proto *nv = realloc(b->v, (size_t)ncap * sizeof *nv);
    if (!nv) { r->err = LC_CHUNK_ENOMEM; return NULL; }
    b->v = nv;
    b->cap = ncap;
  }
  lc_proto *p = &b->v[b->n++];
  memset(p, 0, sizeof *p);
  return p;
}

/* Reads one function and, recursively, its children (ldump.c dumpFunction). */
static void rfunction(reader *r, builder *b, int depth, char **mainsrc) {
  size_t len;
  if (depth > 250) { r->err = LC_CHUNK_ETRUNC; return; }  /* LUAI_MAXCCALLS bound */
  const unsigned char *src = rstring(r, &len);
  if (depth == 0 && src) {
    *mainsrc = malloc(len + 1);
    if (!*mainsrc) { r->err = LC_CHUNK_ENOMEM; return; }
    memcpy(*mainsrc, src, len);
    (*mainsrc)[len] = '\0';
  }
  int idx = b->n;
  lc_proto *p = push_proto(b, r);
  if (!p) return;
  p->linedefined = rdint(r);
  p->lastlinedefined = rdint(r);
  rbyte(r);                                  /* numparams */
  p->is_vararg = rbyte(r);
  rbyte(r);                                  /* maxstacksize */
  int ncode = rdint(r);
  if (!need(r, (size_t)ncode * 4)) return;
  b->v[idx].ncode = ncode;
  /* The code is unaligned in the buffer: remember the offset, copy later. */
  b->v[idx].code = (const uint32_t *)(uintptr_t)r->p;
  r->p += (size_t)ncode * 4;
  int nk = rdint(r);
  for (int i = 0; i < nk && !r->err; i++) {
    switch (rbyte(r)) {
      case T_NIL: case T_FALSE: case T_TRUE: break;
      case T_INT: skip(r, sizeof(lua_Integer)); break;
      case T_FLT: skip(r, sizeof(lua_Number)); break;
      case T_SHRSTR: case T_LNGSTR: rstring(r, &len); break;
      default: r->err = LC_CHUNK_ETRUNC; break;
    }
  }
  int nup = rdint(r);
  skip(r, (size_t)nup * 3);                  /* instack, idx, kind */
  int np = rdint(r);
  for (int i = 0; i < np && !r->err; i++)
    rfunction(r, b, depth + 1, mainsrc);
  /* debug info; 'b->v' may have moved while reading children */
  int nli = rdint(r);
  const signed char *li = (const signed char *)r->p;
  skip(r, (size_t)nli);
  int nabs = rdint(r);
  const unsigned char *absstart = r->p;
  for (int i = 0; i < nabs && !r->err; i++) { rdint(r); rdint(r); }
  int nloc = rdint(r);
  for (int i = 0; i < nloc && !r->err; i++) { rstring(r, &len); rdint(r); rdint(r); }
  int nupn = rdint(r);
  for (int i = 0; i < nupn && !r->err; i++) rstring(r, &len);
  if (r->err) return;
  p = &b->v[idx];
  if (nli == 0) return;                      /* stripped: no lines */
  if (nli != p->ncode) { r->err = LC_CHUNK_ETRUNC; return; }
  p->lines = malloc((size_t)nli * sizeof(int));
  if (!p->lines) { r->err = LC_CHUNK_ENOMEM; return; }
  p->nlines = nli;
  /* Rebuild as luaG_getfuncline: absolute anchors replace the running sum. */
  reader ar = { absstart, r->end, 0 };
  int nextabs_pc = -1, nextabs_line = 0, absleft = nabs;
  if (absleft > 0) { nextabs_pc = rdint(&ar); nextabs_line = rdint(&ar); absleft--; }
  int line = p->linedefined;
  for (int pc = 0; pc < nli; pc++) {
    if (li[pc] == LC_ABSLINE) {
      while (nextabs_pc >= 0 && nextabs_pc < pc) {   /* anchors are sorted */
        if (absleft > 0) { nextabs_pc = rdint(&ar); nextabs_line = rdint(&ar); absleft--; }
        else nextabs_pc = -1;
      }
      if (nextabs_pc != pc) { r->err = LC_CHUNK_ETRUNC; return; }
      line = nextabs_line;
    } else {
      line += li[pc];
    }
    p->lines[pc] = line;
  }
}

int lc_chunk_header_ok(const void *buf, size_t size) {
  reader r = { buf, (const unsigned char *)buf + size, 0 };
  if (!need(&r, 4) || memcmp(r.p, LC_SIG, 4) != 0) return 0;
  r.p += 4;
  if (rbyte(&r) != LC_VERSION || rbyte(&r) != LC_FORMAT) return 0;
  if (!need(&r, 6) || memcmp(r.p, LC_DATA, 6) != 0) return 0;
  r.p += 6;
  if (rbyte(&r) != 4 || rbyte(&r) != sizeof(lua_Integer) ||
      rbyte(&r) != sizeof(lua_Number))
    return 0;
  lua_Integer i;
  lua_Number n;
  if (!need(&r, sizeof i + sizeof n)) return 0;
  memcpy(&i, r.p, sizeof i);
  memcpy(&n, r.p + sizeof i, sizeof n);
  return i == LC_INT && n == LC_NUM && sizeof(uint32_t) == 4;
}

static size_t header_size(void) {
  return 4 + 2 + 6 + 3 + sizeof(lua_Integer) + sizeof(lua_Number) + 1;
}

int lc_chunk_parse(const void *buf, size_t size, lc_chunk *out) {
  memset(out, 0, sizeof *out);
  if (!lc_chunk_header_ok(buf, size)) return LC_CHUNK_EHEADER;
  if (size < header_size()) return LC_CHUNK_ETRUNC;   /* no upvalue count */
  reader r = { (const unsigned char *)buf + header_size(),
               (const unsigned char *)buf + size, 0 };
  builder b = { NULL, 0, 0 };
  char *src = NULL;
  rfunction(&r, &b, 0, &src);
  store *st = NULL;
  if (!r.err) {
    /* Copy every code array into one aligned block. */
    size_t total = 0;
    for (int i = 0; i < b.n; i++) total += (size_t)b.v[i].ncode * 4;
    st = malloc(sizeof *st);
    if (st) st->copy = malloc(total ? total : 1);
    if (!st || !st->copy) {
      free(st);
      st = NULL;
      r.err = LC_CHUNK_ENOMEM;
    } else {
      size_t off = 0;
      for (int i = 0; i < b.n; i++) {
        size_t n = (size_t)b.v[i].ncode * 4;
        memcpy(st->copy + off, (const void *)(uintptr_t)b.v[i].code, n);
        b.v[i].code = (const uint32_t *)(void *)(st->copy + off);
        off += n;
      }
    }
  }
  out->protos = b.v;
  out->nprotos = b.n;
  out->source = src;
  out->priv_ = st;
  if (r.err) {
    lc_chunk_free(out);
    return r.err;
  }
  return LC_CHUNK_OK;
}

void lc_chunk_free(lc_chunk *c) {
  for (int i = 0; i < c->nprotos; i++) free(c->protos[i].lines);
  free(c->protos);
  free(c->source);
  if (c->priv_) {
    store *st = c->priv_;
    free(st->copy);
    free(st);
  }
  memset(c, 0, sizeof *c);
}

const char *lc_chunk_strerror(int err) {
  switch (err) {
    case LC_CHUNK_OK: return "ok";
    case LC_CHUNK_EHEADER: return "not a Lua 5.4 binary chunk of this build";
    case LC_CHUNK_ETRUNC: return "truncated or malformed binary chunk";
    case LC_CHUNK_ENOMEM: return "out of memory";
    default: return "unknown error";
  }
}

/* {====================================================== dumping */

typedef struct dumpbuf {
  unsigned char *p;
  size_t n, cap;
  int oom;
} dumpbuf;

static int dump_writer(lua_State *L, const void *p, size_t sz, void *ud) {
  (void)L;
  dumpbuf *b = ud;
  if (b->n + sz > b->cap) {
    size_t ncap = b->cap ? b->cap : 4096;
    while (ncap < b->n + sz) ncap *= 2;
    unsigned char *np = realloc(b->p, ncap);
    if (!np) { b->oom = 1; return 1; }
    b->p = np;
    b->cap = ncap;
  }
  memcpy(b->p + b->n, p, sz);
  b->n += sz;
  return 0;
}

int lc_chunk_dump(lua_State *L, int strip, unsigned char **out, size_t *size) {
  dumpbuf b = { NULL, 0, 0, 0 };
  int st = lua_dump(L, dump_writer, &b, strip);
  if (b.oom || st != 0) {
    free(b.p);
    return b.oom ? LC_CHUNK_ENOMEM : LC_CHUNK_EHEADER;
  }
  *out = b.p;
  *size = b.n;
  return LC_CHUNK_OK;
}

/* }====================================================== */
