/*
** lc_chunk.h: a reader of Lua 5.4 binary chunks (the output of lua_dump).
** It walks the function prototypes of a dumped chunk and reports, for each
** one, the line of every instruction, exactly as ldebug.c computes it.
** It is the only place in livecov that knows the binary chunk layout.
*/
#ifndef LC_CHUNK_H
#define LC_CHUNK_H

#include <stddef.h>
#include <stdint.h>
#include <lua.h>

/* One function prototype, as found in the chunk. Owned by its lc_chunk. */
typedef struct lc_proto {
  int linedefined;        /* 0 for a main chunk */
  int lastlinedefined;
  int is_vararg;
  int ncode;              /* number of instructions */
  const uint32_t *code;   /* instructions, host byte order (points into copy) */
  int *lines;             /* lines[pc] = source line of instruction pc, or -1 */
  int nlines;             /* == ncode when debug info is present, else 0 */
} lc_proto;

typedef struct lc_chunk {
  char *source;           /* chunk name of the main prototype ("@file"), or NULL */
  lc_proto *protos;       /* depth-first order: main first */
  int nprotos;
  void *priv_;            /* private storage */
} lc_chunk;

/* Error codes: 0 is success. */
#define LC_CHUNK_OK        0
#define LC_CHUNK_EHEADER  (-1)  /* not a Lua 5.4 chunk for this build */
#define LC_CHUNK_ETRUNC   (-2)  /* truncated or malformed */
#define LC_CHUNK_ENOMEM   (-3)

/*
** Parses 'size' bytes at 'buf' (a full lua_dump output, header included).
** On success fills '*out' (release it with lc_chunk_free) and returns 0.
*/
int lc_chunk_parse(const void *buf, size_t size, lc_chunk *out);
void lc_chunk_free(lc_chunk *c);
const char *lc_chunk_strerror(int err);

/*
** lua_dump of the function on top of L's stack (left there) into a malloc'd
** buffer: '*out' (the caller frees it) and '*size'. Returns LC_CHUNK_OK,
** LC_CHUNK_ENOMEM, or LC_CHUNK_EHEADER when it is not a Lua function.
*/
int lc_chunk_dump(lua_State *L, int strip, unsigned char **out, size_t *size);

/* Checks only the header: 1 if this build of livecov reads this Lua's chunks. */
int lc_chunk_header_ok(const void *buf, size_t size);

#endif
