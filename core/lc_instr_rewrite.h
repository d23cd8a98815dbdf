/*
** lc_instr_rewrite.h: the bytecode rewriter of instrument mode.
** Takes a parsed Lua 5.4.4 chunk and returns a copy in which every function
** counts its own line events: wherever Lua's line hook would fire (entering
** the function, moving to an instruction of another line, jumping back),
** the rewritten code adds one to a counter of that line. Everything the user
** can observe keeps its value: lines of every original instruction, active
** lines, local variable names and numbers (the rewriter's own registers are
** hidden locals, see lc_instr.c), upvalues (one is appended, hidden too).
*/
#ifndef LC_INSTR_REWRITE_H
#define LC_INSTR_REWRITE_H

#include "lc_instr_chunk.h"

/* The name of the appended upvalue is LC_IR_UPNAME followed by the index of
   the prototype (1-based, depth first) and ')'; hidden locals start with
   LC_IR_LOCPFX. */
#define LC_IR_UPNAME   "(livecov "
#define LC_IR_LOCPFX   "(lc "

/*
** A chain is a run of instructions where each one leaves its results open
** ("top") for the next, as in f(a,\n g()). No instruction may go between
** them, so the line events inside a chain are counted before it starts and
** the frame's flag local holds the chain's number until it ends; when the
** frame dies inside the chain (an error), the events not reached are taken
** back (lc_instr.c, abort fixups). A chain is a list of segments, one per
** line it runs through, with distinct lines; entering every segment but the
** first is a line event.
*/
typedef struct lc_ir_seg { int line; int counter; } lc_ir_seg;
typedef struct lc_ir_chainref {
  int first, n;
  int armed;             /* counts itself in the state's armed count (G[1]) */
} lc_ir_chainref;

typedef struct lc_ir_proto {
  int numparams;
  int nfake;             /* hidden locals after the parameters */
  int reg_flag;          /* register of the chain flag, or -1 */
  int ncounters;         /* slot ncounters + 1 of the counter table is G */
  int *counter_line;     /* [1..ncounters]: the line each counter counts */
  lc_ir_chainref *chains; /* chain c (1-based in the flag) is segs[first..] */
  int nchains;
  lc_ir_seg *segs;       /* counter 0 for the first segment of a chain */
  int nsegs;
  int nacc;              /* accumulators: registers counting the line events */
  int *acc_reg;          /* of loops, added to counter acc_counter[i] on */
  int *acc_counter;      /* the way out (and by abort fixups) */
} lc_ir_proto;

typedef struct lc_ir_result {
  ic_chunk out;          /* the rewritten chunk */
  lc_ir_proto *protos;   /* depth-first order, main first */
  int nprotos;
} lc_ir_result;

/*
** Rewrites 'in' into 'res' (free with lc_ir_free). Returns 0, or -1 with a
** reason in 'err' when some function cannot be rewritten (stripped debug
** info, limits of the instruction format, a shape the rewriter does not
** know); the caller then counts that chunk another way.
*/
int lc_ir_rewrite(const ic_chunk *in, lc_ir_result *res, char *err, size_t errlen);
void lc_ir_free(lc_ir_result *res);

#endif
