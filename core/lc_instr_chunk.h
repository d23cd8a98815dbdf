/*
** lc_instr_chunk.h: a complete reader and writer of Lua 5.4 binary chunks,
** for the rewriter of instrument mode (lc_instr_rewrite.c).
** lc_chunk.c reads only what executable lines need; this module keeps every
** field of every prototype, so that a chunk read here and written back is
** byte for byte what lua_dump produced, and a changed chunk is one that
** lua_load accepts. Layout as ldump.c/lundump.c of Lua 5.4.4.
*/
#ifndef LC_INSTR_CHUNK_H
#define LC_INSTR_CHUNK_H

#include <stddef.h>
#include <stdint.h>
#include <lua.h>

/* A dumped string: 's' is NULL when the dump says "no string". */
typedef struct ic_str { char *s; size_t len; } ic_str;

/* Constant tags as dumped (lobject.h: type | variant << 4). */
#define IC_TNIL     0x00
#define IC_TFALSE   0x01
#define IC_TTRUE    0x11
#define IC_TINT     0x03
#define IC_TFLT     0x13
#define IC_TSHRSTR  0x04
#define IC_TLNGSTR  0x14

typedef struct ic_const {
  int tag;
  lua_Integer i;
  lua_Number n;
  ic_str s;
} ic_const;

typedef struct ic_upval { unsigned char instack, idx, kind; } ic_upval;
typedef struct ic_locvar { ic_str name; int startpc, endpc; } ic_locvar;
typedef struct ic_abs { int pc, line; } ic_abs;

typedef struct ic_proto {
  ic_str source;              /* as dumped: absent when equal to the parent's */
  int linedefined, lastlinedefined;
  int numparams, is_vararg, maxstacksize;
  uint32_t *code;
  int ncode;
  ic_const *k;
  int nk;
  ic_upval *up;
  int nup;
  struct ic_proto *p;         /* nested prototypes */
  int np;
  signed char *lineinfo;      /* debug info: all four are empty when stripped */
  int nlineinfo;
  ic_abs *abs;
  int nabs;
  ic_locvar *loc;
  int nloc;
  ic_str *upname;
  int nupname;
} ic_proto;

typedef struct ic_chunk {
  int nupvalues;              /* the byte before the main function */
  ic_proto main;
} ic_chunk;

/* Error codes, as lc_chunk.h: 0 is success. */
#define IC_OK       0
#define IC_EHEADER  (-1)
#define IC_ETRUNC   (-2)
#define IC_ENOMEM   (-3)

/* Parses a whole lua_dump output. On success fills '*c' (free with
   lc_ic_free) and returns IC_OK. */
int lc_ic_parse(const void *buf, size_t size, ic_chunk *c);
void lc_ic_free(ic_chunk *c);
void lc_ic_proto_free(ic_proto *p);

/* A growable byte buffer. */
typedef struct ic_buf { unsigned char *p; size_t n, cap; int oom; } ic_buf;
void lc_ic_buf_free(ic_buf *b);

/*
** Writes 'c' as a binary chunk into 'b' (appending). With 'strip', debug
** information is left out as lua_dump(L, w, d, 1) does. Returns IC_OK or
** IC_ENOMEM.
*/
int lc_ic_write(const ic_chunk *c, int strip, ic_buf *b);

/*
** Lines of every instruction of 'p' (lines[pc]), rebuilt as luaG_getfuncline
** does. Returns a malloc'd array of p->ncode ints, or NULL (stripped, no
** memory, or inconsistent line info).
*/
int *lc_ic_lines(const ic_proto *p);

/*
** Replaces the line info of 'p' with an encoding of 'lines' (one per
** instruction, p->ncode of them), as lcode.c's savelineinfo encodes it.
** Returns IC_OK or IC_ENOMEM.
*/
int lc_ic_set_lines(ic_proto *p, const int *lines);

/* Deep copy of 'src' into 'dst'. IC_OK or IC_ENOMEM. */
int lc_ic_proto_copy(ic_proto *dst, const ic_proto *src);

#endif
