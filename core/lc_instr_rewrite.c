/*
** lc_instr_rewrite.c: the bytecode rewriter of instrument mode.
** For each function prototype it works out, from the code alone, where
** Lua 5.4.4's line hook fires (luaG_traceexec: on the first instruction of
** an activation, and whenever the next traced instruction is at or before
** the previous one or on another line; ldo.c's rethook makes a returning
** call look like the call instruction itself), then lays the code out
** again with a counter increment on each of those edges, moves jumps, and
** rebuilds line info, local variable ranges, upvalues and stack size.
**
** The counting code needs registers that neither the user's code nor the
** garbage collector touches: they are hidden local variables placed right
** after the parameters, so every other register moves up by 'nfake'. Local
** numbering (debug.getlocal) and variable names in error messages stay
** right because the hidden locals are in the local variable list too;
** lc_instr.c hides them from the debug library.
*/
#include "lc_instr_rewrite.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* {====================================================== instruction format */

/* Opcodes of Lua 5.4 (lopcodes.h order). */
enum {
  I_MOVE, I_LOADI, I_LOADF, I_LOADK, I_LOADKX, I_LOADFALSE, I_LFALSESKIP,
  I_LOADTRUE, I_LOADNIL, I_GETUPVAL, I_SETUPVAL, I_GETTABUP, I_GETTABLE,
  I_GETI, I_GETFIELD, I_SETTABUP, I_SETTABLE, I_SETI, I_SETFIELD, I_NEWTABLE,
  I_SELF, I_ADDI, I_ADDK, I_SUBK, I_MULK, I_MODK, I_POWK, I_DIVK, I_IDIVK,
  I_BANDK, I_BORK, I_BXORK, I_SHRI, I_SHLI, I_ADD, I_SUB, I_MUL, I_MOD, I_POW,
  I_DIV, I_IDIV, I_BAND, I_BOR, I_BXOR, I_SHL, I_SHR, I_MMBIN, I_MMBINI,
  I_MMBINK, I_UNM, I_BNOT, I_NOT, I_LEN, I_CONCAT, I_CLOSE, I_TBC, I_JMP, I_EQ,
  I_LT, I_LE, I_EQK, I_EQI, I_LTI, I_LEI, I_GTI, I_GEI, I_TEST, I_TESTSET,
  I_CALL, I_TAILCALL, I_RETURN, I_RETURN0, I_RETURN1, I_FORLOOP, I_FORPREP,
  I_TFORPREP, I_TFORCALL, I_TFORLOOP, I_SETLIST, I_CLOSURE, I_VARARG,
  I_VARARGPREP, I_EXTRAARG, I_NUMOPS
};

#define TM_ADD_EVENT  6            /* ltm.h TM_ADD, for MMBINI */
#define OFFSET_sBx    65535        /* MAXARG_Bx >> 1 */
#define OFFSET_sJ     16777215     /* MAXARG_sJ >> 1 */
#define OFFSET_sC     127          /* MAXARG_C >> 1 */
#define MAXARG_Bx     131071
#define MAXREG        255

#define OP(i)   ((int)((i) & 0x7f))
#define GA(i)   ((int)(((i) >> 7) & 0xff))
#define GK(i)   ((int)(((i) >> 15) & 1))
#define GB(i)   ((int)(((i) >> 16) & 0xff))
#define GC(i)   ((int)(((i) >> 24) & 0xff))
#define GBx(i)  ((int)((i) >> 15))
#define GsBx(i) (GBx(i) - OFFSET_sBx)
#define GsJ(i)  ((int)((i) >> 7) - OFFSET_sJ)

static uint32_t mk_abck(int op, int a, int b, int c, int k) {
  return (uint32_t)op | ((uint32_t)a << 7) | ((uint32_t)k << 15) |
         ((uint32_t)b << 16) | ((uint32_t)c << 24);
}
static uint32_t mk_abx(int op, int a, int bx) {
  return (uint32_t)op | ((uint32_t)a << 7) | ((uint32_t)bx << 15);
}
static uint32_t mk_sj(int op, int sj) {
  return (uint32_t)op | ((uint32_t)(sj + OFFSET_sJ) << 7);
}
static uint32_t set_a(uint32_t i, int a) { return (i & ~(0xffu << 7)) | ((uint32_t)a << 7); }
static uint32_t set_b(uint32_t i, int b) { return (i & ~(0xffu << 16)) | ((uint32_t)b << 16); }
static uint32_t set_c(uint32_t i, int c) { return (i & ~(0xffu << 24)) | ((uint32_t)c << 24); }
static uint32_t set_bx(uint32_t i, int bx) {
  return (i & 0x7fffu) | ((uint32_t)bx << 15);
}

static int is_test(int op) {
  return (op >= I_EQ && op <= I_TESTSET);
}
static int is_arith(int op) {            /* followed by an MMBIN* */
  return (op >= I_ADDI && op <= I_SHR);
}
static int is_mmbin(int op) { return op >= I_MMBIN && op <= I_MMBINK; }

/* Leaves its results open at 'top' for the next instruction (lopcodes isOT). */
static int is_ot(uint32_t i) {
  int op = OP(i);
  return ((op == I_CALL || op == I_VARARG) && GC(i) == 0) || op == I_TAILCALL;
}
/* Takes its values from 'top' (lopcodes isIT). */
static int is_it(uint32_t i) {
  int op = OP(i);
  return (op == I_CALL || op == I_TAILCALL || op == I_RETURN || op == I_SETLIST) &&
         GB(i) == 0;
}

/* }====================================================== */

/* {====================================================== per-prototype state */

/* Where jumps of one kind land on an original instruction. */
enum { L_NONE, L_C, L_JMPC };       /* landing block: empty, counter, jump-over+counter */

typedef struct pcinfo {
  unsigned reach : 1;       /* traced: executed through the interpreter's fetch */
  unsigned exact : 1;       /* entered untraced by TFORPREP (must land on it) */
  unsigned seq_ev : 1;      /* a sequential arrival is a line event */
  unsigned seq_non : 1;     /* a sequential arrival is not */
  unsigned jmp_ev : 1;      /* some jump arrival is a line event */
  unsigned jmp_non : 1;
  unsigned in_chain : 1;    /* a later instruction of a chain (pre-counted) */
  unsigned chain_start : 1;
  unsigned chain_end : 1;
  unsigned expand_lfs : 1;  /* LFALSESKIP rewritten as LOADFALSE + JMP */
  signed char jev;          /* event of this jump instruction's jump edge, -1: none */
  int landing;              /* L_NONE, L_C, L_JMPC */
  int chain;                /* 1-based chain id at a chain start */
  int loop;                 /* innermost accumulating loop containing it, or -1 */
  int header;               /* accumulating loop headed here, or -1 */
  int stub;                 /* a jump leaving loops: its stub's position, or -1 */
  /* positions in the new code */
  int pseq, pland, pc_c, pnon, pins;
} pcinfo;

/*
** A loop whose line events are counted in registers ("accumulators"): an
** interval [h, e] of the original code, entered only at h, with no call in
** it. Its counters become one ADDI each; the registers start at 0 when the
** loop is entered from outside and are added to the counters on every way
** out (falling out, a jump out, a return) and, when the frame dies inside,
** by lc_instr.c's abort fixups.
*/
typedef struct loopi {
  int h, e;
  int ok;
  int out_ev;               /* arrivals at h from outside are line events */
  int acc0, nacc;           /* its accumulators: registers acc0.. (unshifted index) */
  int *acc_line, *acc_cnt;
} loopi;

/* A slot of the new code that needs its jump offset once positions are known. */
enum { F_NONE, F_JMP_EV, F_JMP_NON, F_JMP_LAND, F_TO_NON, F_FORPREP, F_FORLOOP,
       F_TFORPREP, F_TFORLOOP, F_STUB_OUT, F_TO_SEQ, F_TO_POS };

typedef struct emitted {
  uint32_t ins;
  int line;
  int fix;                  /* F_* */
  int target;               /* original pc the jump goes to */
  int jev;                  /* for F_FORPREP etc.: event of the edge */
  int src;                  /* original pc of the jump, or -1 */
} emitted;

typedef struct rw {
  const ic_proto *p;
  int *lines;
  pcinfo *pi;
  int pc0;                  /* first traced instruction */
  int np, K;                /* parameters, hidden locals */
  int reg_t, reg_s, reg_s2, reg_f;
  int upidx;                /* index of the counter upvalue */
  int protoidx;             /* 1-based depth-first index */
  /* counters: line -> id */
  int *cline;               /* [1..ncnt] */
  int ncnt, capcnt;
  /* chains */
  lc_ir_chainref *chains;
  int nchains;
  lc_ir_seg *segs;
  int nsegs, capsegs;
  /* accumulating loops */
  loopi *loops;
  int nloops;
  int reg_acc;              /* first accumulator register (shifted), or -1 */
  int nacc;
  /* output */
  emitted *out;
  int nout, capout;
  int *stack;
  char *err;
  size_t errlen;
  int failed;
} rw;

static int fail(rw *w, const char *fmt, ...) {
  if (!w->failed) {
    va_list ap;
    va_start(ap, fmt);
    int n = snprintf(w->err, w->errlen, "function at line %d: ", w->p->linedefined);
    if (n >= 0 && (size_t)n < w->errlen)
      vsnprintf(w->err + n, w->errlen - (size_t)n, fmt, ap);
    va_end(ap);
  }
  w->failed = 1;
  return -1;
}

static int counter_of(rw *w, int line) {
  for (int i = 1; i <= w->ncnt; i++)
    if (w->cline[i] == line) return i;
  if (w->ncnt + 1 >= w->capcnt) {
    int ncap = w->capcnt ? w->capcnt * 2 : 16;
    int *nv = realloc(w->cline, (size_t)ncap * sizeof *nv);
    if (!nv) { fail(w, "out of memory"); return 1; }
    w->cline = nv;
    w->capcnt = ncap;
  }
  w->cline[++w->ncnt] = line;
  return w->ncnt;
}

/* }====================================================== */

/* {====================================================== control flow */

static int event(rw *w, int target, int pred) {
  return target <= pred || w->lines[target] != w->lines[pred];
}

static int in_code(rw *w, int pc) { return pc >= 0 && pc < w->p->ncode; }

static void visit(rw *w, int pc, int *sp) {
  if (!w->pi[pc].reach) {
    w->pi[pc].reach = 1;
    w->stack[(*sp)++] = pc;
  }
}

static void arrive_seq(rw *w, int t, int pred, int *sp) {
  if (!in_code(w, t)) { fail(w, "falls off the code at %d", t); return; }
  if (event(w, t, pred)) w->pi[t].seq_ev = 1; else w->pi[t].seq_non = 1;
  visit(w, t, sp);
}

static void arrive_jump(rw *w, int t, int pred, int src, int *sp) {
  if (!in_code(w, t)) { fail(w, "jump out of the code at %d", src); return; }
  int ev = event(w, t, pred);
  if (w->pi[src].jev >= 0 && w->pi[src].jev != ev) {
    fail(w, "jump at %d is an event on one path and not on another", src);
    return;
  }
  w->pi[src].jev = (signed char)ev;
  if (ev) w->pi[t].jmp_ev = 1; else w->pi[t].jmp_non = 1;
  visit(w, t, sp);
}

/* The iterator call of a generic for at 'c' (a TFORCALL, traced or not): the
   TFORLOOP after it runs untraced, and its successors see 'c' as previous. */
static void tfor_next(rw *w, int c, int *sp) {
  int q = c + 1;
  if (!in_code(w, q) || OP(w->p->code[q]) != I_TFORLOOP) {
    fail(w, "TFORCALL at %d without TFORLOOP", c);
    return;
  }
  arrive_seq(w, q + 1, c, sp);
  arrive_jump(w, q + 1 - GBx(w->p->code[q]), c, q, sp);
}

static int need_op(rw *w, int pc, int op) {
  if (!in_code(w, pc) || OP(w->p->code[pc]) != op)
    return fail(w, "expected opcode %d at %d", op, pc);
  return 0;
}

/* Explores every traced instruction from the entry and classifies arrivals. */
static int explore(rw *w) {
  const ic_proto *p = w->p;
  int sp = 0;
  if (p->is_vararg && (p->ncode < 2 || OP(p->code[0]) != I_VARARGPREP))
    return fail(w, "vararg function without VARARGPREP");
  w->pi[w->pc0].seq_ev = 1;            /* entering: always an event */
  visit(w, w->pc0, &sp);
  while (sp > 0 && !w->failed) {
    int pc = w->stack[--sp];
    uint32_t i = p->code[pc];
    int op = OP(i);
    if (is_test(op)) {
      if (need_op(w, pc + 1, I_JMP)) break;
      arrive_seq(w, pc + 2, pc, &sp);
      arrive_jump(w, pc + 2 + GsJ(p->code[pc + 1]), pc, pc + 1, &sp);
    } else if (is_arith(op)) {
      if (!in_code(w, pc + 1) || !is_mmbin(OP(p->code[pc + 1]))) {
        fail(w, "arithmetic at %d without MMBIN", pc);
        break;
      }
      arrive_seq(w, pc + 2, pc, &sp);
      arrive_seq(w, pc + 1, pc, &sp);
    } else switch (op) {
      case I_JMP:
        arrive_jump(w, pc + 1 + GsJ(i), pc, pc, &sp);
        break;
      case I_LOADKX: case I_NEWTABLE:
        if (need_op(w, pc + 1, I_EXTRAARG)) break;
        arrive_seq(w, pc + 2, pc, &sp);
        break;
      case I_SETLIST:
        if (GK(i)) {
          if (need_op(w, pc + 1, I_EXTRAARG)) break;
          arrive_seq(w, pc + 2, pc, &sp);
        } else {
          arrive_seq(w, pc + 1, pc, &sp);
        }
        break;
      case I_LFALSESKIP:
        arrive_seq(w, pc + 2, pc, &sp);
        break;
      case I_FORPREP:
        arrive_seq(w, pc + 1, pc, &sp);
        arrive_jump(w, pc + GBx(i) + 2, pc, pc, &sp);
        break;
      case I_FORLOOP:
        arrive_seq(w, pc + 1, pc, &sp);
        arrive_jump(w, pc + 1 - GBx(i), pc, pc, &sp);
        break;
      case I_TFORPREP: {
        int c = pc + 1 + GBx(i);
        if (need_op(w, c, I_TFORCALL)) break;
        if (GA(p->code[c]) != GA(i)) { fail(w, "TFORPREP/TFORCALL registers"); break; }
        w->pi[c].exact = 1;
        w->pi[pc].jev = 0;
        tfor_next(w, c, &sp);
        break;
      }
      case I_TFORCALL:
        tfor_next(w, pc, &sp);
        break;
      case I_TAILCALL: case I_RETURN: case I_RETURN0: case I_RETURN1:
        break;
      case I_VARARGPREP: case I_EXTRAARG:
        fail(w, "opcode %d reached as an instruction at %d", op, pc);
        break;
      default:
        arrive_seq(w, pc + 1, pc, &sp);
        break;
    }
  }
  return w->failed ? -1 : 0;
}

/* }====================================================== */

/* {====================================================== chains */

static int add_seg(rw *w, int line, int counter) {
  if (w->nsegs == w->capsegs) {
    int ncap = w->capsegs ? w->capsegs * 2 : 8;
    lc_ir_seg *nv = realloc(w->segs, (size_t)ncap * sizeof *nv);
    if (!nv) return fail(w, "out of memory");
    w->segs = nv;
    w->capsegs = ncap;
  }
  w->segs[w->nsegs].line = line;
  w->segs[w->nsegs].counter = counter;
  w->nsegs++;
  return 0;
}

/*
** Finds runs s..e where each instruction leaves its results open for the
** next, and whose line changes are line events. Their events are counted
** before 's' and the flag register holds the chain's id until after 'e'.
*/
static int find_chains(rw *w) {
  const ic_proto *p = w->p;
  for (int s = 0; s < p->ncode && !w->failed; s++) {
    if (!w->pi[s].reach || !is_ot(p->code[s])) continue;
    if (s > 0 && w->pi[s - 1].reach && is_ot(p->code[s - 1]) && is_it(p->code[s])) continue;
    int e = s;
    while (e + 1 < p->ncode && is_ot(p->code[e]) && is_it(p->code[e + 1]) &&
           OP(p->code[e]) != I_TAILCALL)
      e++;
    if (e == s) continue;
    int events = 0;
    for (int t = s + 1; t <= e; t++) {
      pcinfo *x = &w->pi[t];
      if (x->jmp_ev || x->jmp_non || x->exact || (x->seq_ev && x->seq_non))
        return fail(w, "a jump into open results at %d", t);
      if (!x->reach) return fail(w, "open results without a consumer at %d", t);
      events += x->seq_ev;
    }
    if (events == 0) { s = e; continue; }
    int first = w->nsegs;
    if (add_seg(w, w->lines[s], 0)) return -1;
    for (int t = s + 1; t <= e; t++) {
      w->pi[t].in_chain = 1;
      if (!w->pi[t].seq_ev) continue;
      for (int k = first; k < w->nsegs; k++)
        if (w->segs[k].line == w->lines[t])
          return fail(w, "a chain of open calls comes back to line %d", w->lines[t]);
      if (add_seg(w, w->lines[t], counter_of(w, w->lines[t]))) return -1;
    }
    lc_ir_chainref *nc = realloc(w->chains, (size_t)(w->nchains + 1) * sizeof *nc);
    if (!nc) return fail(w, "out of memory");
    w->chains = nc;
    w->chains[w->nchains].first = first;
    w->chains[w->nchains].n = w->nsegs - first;
    w->chains[w->nchains].armed = OP(p->code[e]) != I_RETURN && OP(p->code[e]) != I_TAILCALL;
    w->nchains++;
    w->pi[s].chain_start = 1;
    w->pi[s].chain = w->nchains;
    w->pi[e].chain_end = 1;
    s = e;
  }
  return w->failed ? -1 : 0;
}

/* }====================================================== */

/* {====================================================== accumulating loops */

/* The target of the jump instruction at 'pc', or -1 when it is none. */
static int jump_target(const ic_proto *p, int pc) {
  uint32_t i = p->code[pc];
  switch (OP(i)) {
    case I_JMP: return pc + 1 + GsJ(i);
    case I_FORPREP: return pc + GBx(i) + 2;
    case I_FORLOOP: case I_TFORLOOP: return pc + 1 - GBx(i);
    case I_TFORPREP: return pc + 1 + GBx(i);
    default: return -1;
  }
}

static int is_skipper(const ic_proto *p, int pc) {
  uint32_t i = p->code[pc];
  int op = OP(i);
  return is_test(op) || is_arith(op) || op == I_LFALSESKIP || op == I_LOADKX ||
         op == I_NEWTABLE || (op == I_SETLIST && GK(i));
}

static int in_loop(const loopi *l, int pc) { return pc >= l->h && pc <= l->e; }

/* Is the interval [h, e] a loop the accumulators can handle? Sets out_ev. */
static int loop_ok(rw *w, loopi *l) {
  const ic_proto *p = w->p;
  int h = l->h, e = l->e;
  if (!w->pi[h].reach || w->pi[h].landing == L_NONE) return 0;
  if (h > 0 && is_skipper(p, h - 1)) return 0;
  for (int x = h; x <= e; x++) {
    uint32_t i = p->code[x];
    int op = OP(i);
    if (op == I_CALL || op == I_TAILCALL || op == I_TFORCALL || op == I_TFORPREP ||
        op == I_VARARGPREP || is_ot(i) || is_it(i) || w->pi[x].in_chain ||
        w->pi[x].chain_start || w->pi[x].exact)
      return 0;
  }
  int ev = -1;
  if (w->pi[h].seq_ev || w->pi[h].seq_non) ev = w->pi[h].seq_ev;
  for (int j = 0; j < p->ncode; j++) {
    int t = jump_target(p, j);
    if (t < 0 || (j >= h && j <= e)) continue;
    if (t > h && t <= e) return 0;                 /* entered in the middle */
    if (t == h && w->pi[j].jev >= 0) {
      if (ev >= 0 && ev != w->pi[j].jev) return 0;
      ev = w->pi[j].jev;
    }
  }
  if (ev < 0) return 0;
  l->out_ev = ev;
  return 1;
}

static int add_acc(loopi *l, int line, int counter) {
  for (int k = 0; k < l->nacc; k++)
    if (l->acc_line[k] == line) return 0;
  int *nl = realloc(l->acc_line, (size_t)(l->nacc + 1) * sizeof *nl);
  if (!nl) return -1;
  l->acc_line = nl;
  int *nc = realloc(l->acc_cnt, (size_t)(l->nacc + 1) * sizeof *nc);
  if (!nc) return -1;
  l->acc_cnt = nc;
  l->acc_line[l->nacc] = line;
  l->acc_cnt[l->nacc] = counter;
  l->nacc++;
  return 0;
}

/* Finds the accumulating loops; returns the number of accumulators. */
static int find_loops(rw *w) {
  const ic_proto *p = w->p;
  int n = p->ncode;
  int *endof = malloc((size_t)n * sizeof *endof);
  if (!endof) return fail(w, "out of memory");
  for (int pc = 0; pc < n; pc++) {
    endof[pc] = -1;
    w->pi[pc].loop = w->pi[pc].header = w->pi[pc].stub = -1;
  }
  for (int pc = 0; pc < n; pc++) {                 /* back edges */
    int op = OP(p->code[pc]);
    if (op != I_JMP && op != I_FORLOOP) continue;
    if (w->pi[pc].jev < 0) continue;               /* never jumps */
    int t = jump_target(p, pc);
    if (t >= 0 && t <= pc && pc > endof[t]) endof[t] = pc;
  }
  for (int h = 0; h < n; h++) {
    if (endof[h] < 0) continue;
    loopi *nl = realloc(w->loops, (size_t)(w->nloops + 1) * sizeof *nl);
    if (!nl) { free(endof); return fail(w, "out of memory"); }
    w->loops = nl;
    loopi *l = &w->loops[w->nloops++];
    memset(l, 0, sizeof *l);
    l->h = h;
    l->e = endof[h];
    l->ok = loop_ok(w, l);
  }
  free(endof);
  /* properly nested or disjoint only */
  for (int a = 0; a < w->nloops; a++)
    for (int b = 0; b < w->nloops; b++) {
      loopi *A = &w->loops[a], *B = &w->loops[b];
      if (a == b || !A->ok || !B->ok) continue;
      int overlap = A->h <= B->e && B->h <= A->e;
      int nested = (A->h < B->h && B->e <= A->e) || (B->h < A->h && A->e <= B->e);
      if (overlap && !nested) A->ok = B->ok = 0;
    }
  /* counters of instructions in loops become accumulators of the innermost */
  for (int pc = 0; pc < n; pc++) {
    int best = -1;
    for (int k = 0; k < w->nloops; k++) {
      loopi *l = &w->loops[k];
      if (l->ok && in_loop(l, pc) && (best < 0 || l->h > w->loops[best].h)) best = k;
    }
    w->pi[pc].loop = best;
    if (best >= 0 && w->pi[pc].landing != L_NONE &&
        add_acc(&w->loops[best], w->lines[pc], counter_of(w, w->lines[pc])))
      return fail(w, "out of memory");
  }
  int total = 0;
  for (int k = 0; k < w->nloops; k++) {
    loopi *l = &w->loops[k];
    if (!l->ok) continue;
    l->acc0 = total;
    total += l->nacc;
    w->pi[l->h].header = k;
  }
  return total;
}

/* Loop 'k' contains the jump at 'src' but not its target 't'. */
static int leaves(rw *w, int k, int src, int t) {
  loopi *l = &w->loops[k];
  return l->ok && in_loop(l, src) && !in_loop(l, t);
}

static int exits_loops(rw *w, int src, int t) {
  for (int k = 0; k < w->nloops; k++)
    if (leaves(w, k, src, t)) return 1;
  return 0;
}

/* }====================================================== */

/* {====================================================== emitting */

static int emit(rw *w, uint32_t ins, int line, int fix, int target, int jev);
static int emit_src(rw *w, uint32_t ins, int line, int fix, int target, int jev, int src) {
  if (emit(w, ins, line, fix, target, jev)) return -1;
  w->out[w->nout - 1].src = src;
  return 0;
}

static int emit(rw *w, uint32_t ins, int line, int fix, int target, int jev) {
  if (w->nout == w->capout) {
    int ncap = w->capout ? w->capout * 2 : 64;
    emitted *nv = realloc(w->out, (size_t)ncap * sizeof *nv);
    if (!nv) return fail(w, "out of memory");
    w->out = nv;
    w->capout = ncap;
  }
  emitted *e = &w->out[w->nout++];
  e->ins = ins;
  e->line = line;
  e->fix = fix;
  e->target = target;
  e->jev = jev;
  e->src = -1;
  return 0;
}

static void emit_counter(rw *w, int id, int line) {
  int t = w->reg_t, s = w->reg_s;
  if (id <= 255) {
    emit(w, mk_abck(I_GETI, s, t, id, 0), line, F_NONE, 0, 0);
    emit(w, mk_abck(I_ADDI, s, s, 1 + OFFSET_sC, 0), line, F_NONE, 0, 0);
    emit(w, mk_abck(I_MMBINI, s, 1 + OFFSET_sC, TM_ADD_EVENT, 0), line, F_NONE, 0, 0);
    emit(w, mk_abck(I_SETI, t, id, s, 0), line, F_NONE, 0, 0);
  } else {
    int s2 = w->reg_s2;
    emit(w, mk_abx(I_LOADI, s2, id + OFFSET_sBx), line, F_NONE, 0, 0);
    emit(w, mk_abck(I_GETTABLE, s, t, s2, 0), line, F_NONE, 0, 0);
    emit(w, mk_abck(I_ADDI, s, s, 1 + OFFSET_sC, 0), line, F_NONE, 0, 0);
    emit(w, mk_abck(I_MMBINI, s, 1 + OFFSET_sC, TM_ADD_EVENT, 0), line, F_NONE, 0, 0);
    emit(w, mk_abck(I_SETTABLE, t, s2, s, 0), line, F_NONE, 0, 0);
  }
}

/*
** The state's count of frames inside an armed chain (a chain that ends with
** a call or SETLIST, so that its end can count down): G[1], where G is slot
** ncounters + 1 of every counter table. It lets an error walk stop early
** when no chain can be pending below. Uses F as scratch: F is set after.
*/
static void emit_armed(rw *w, int delta, int line) {
  int t = w->reg_t, s = w->reg_s, f = w->reg_f, g = w->ncnt + 1;
  if (g <= 255) {
    emit(w, mk_abck(I_GETI, s, t, g, 0), line, F_NONE, 0, 0);
  } else {
    emit(w, mk_abx(I_LOADI, w->reg_s2, g + OFFSET_sBx), line, F_NONE, 0, 0);
    emit(w, mk_abck(I_GETTABLE, s, t, w->reg_s2, 0), line, F_NONE, 0, 0);
  }
  emit(w, mk_abck(I_GETI, f, s, 1, 0), line, F_NONE, 0, 0);
  emit(w, mk_abck(I_ADDI, f, f, delta + OFFSET_sC, 0), line, F_NONE, 0, 0);
  emit(w, mk_abck(I_MMBINI, f, 1 + OFFSET_sC, delta > 0 ? TM_ADD_EVENT : TM_ADD_EVENT + 1, 0),
       line, F_NONE, 0, 0);
  emit(w, mk_abck(I_SETI, s, 1, f, 0), line, F_NONE, 0, 0);
}

static int shr(rw *w, int r) {
  return r >= w->np ? r + w->K : r;
}

/* The original instruction with its registers moved; may emit two. */
static void emit_shifted(rw *w, int pc) {
  uint32_t i = w->p->code[pc];
  int op = OP(i), line = w->lines[pc];
  int a = GA(i), b = GB(i), c = GC(i), k = GK(i);
  int np = w->np;
  switch (op) {
    case I_LOADNIL:
      if (a < np && a + b >= np) {       /* crosses the hidden locals: split */
        emit(w, mk_abck(I_LOADNIL, a, np - 1 - a, 0, 0), line, F_NONE, 0, 0);
        emit(w, mk_abck(I_LOADNIL, np + w->K, a + b - np, 0, 0), line, F_NONE, 0, 0);
        return;
      }
      i = set_a(i, shr(w, a));
      break;
    case I_VARARG:                       /* R[A] .. R[A+C-2]: may be parameters */
      if (a < np && (c == 0 || a + c - 2 >= np)) {
        fail(w, "vararg range across the parameters at %d", pc);
        return;
      }
      i = set_a(i, shr(w, a));
      break;
    case I_CONCAT: case I_CALL: case I_TAILCALL: case I_RETURN:
    case I_SETLIST: case I_TFORCALL: case I_FORPREP: case I_FORLOOP:
    case I_TFORPREP: case I_TFORLOOP:
      if (a < np && op != I_RETURN) { fail(w, "register range below locals at %d", pc); return; }
      if (op == I_RETURN && a < np && b != 2 && b != 1) {
        fail(w, "RETURN of a parameter range at %d", pc);
        return;
      }
      i = set_a(i, shr(w, a));
      break;
    case I_MOVE: case I_GETTABLE: case I_GETI: case I_GETFIELD: case I_ADDI:
    case I_ADDK: case I_SUBK: case I_MULK: case I_MODK: case I_POWK: case I_DIVK:
    case I_IDIVK: case I_BANDK: case I_BORK: case I_BXORK: case I_SHRI: case I_SHLI:
    case I_UNM: case I_BNOT: case I_NOT: case I_LEN: case I_MMBIN: case I_EQ:
    case I_LT: case I_LE: case I_TESTSET:
      i = set_a(i, shr(w, a));
      i = set_b(i, shr(w, b));
      if (op == I_GETTABLE) i = set_c(i, shr(w, c));
      break;
    case I_ADD: case I_SUB: case I_MUL: case I_MOD: case I_POW: case I_DIV:
    case I_IDIV: case I_BAND: case I_BOR: case I_BXOR: case I_SHL: case I_SHR:
      i = set_a(i, shr(w, a));
      i = set_b(i, shr(w, b));
      i = set_c(i, shr(w, c));
      break;
    case I_SETTABUP:                     /* A is an upvalue */
      if (!k) i = set_c(i, shr(w, c));
      break;
    case I_SETTABLE: case I_SELF:
      i = set_a(i, shr(w, a));
      i = set_b(i, shr(w, b));
      if (!k) i = set_c(i, shr(w, c));
      break;
    case I_SETI: case I_SETFIELD:
      i = set_a(i, shr(w, a));
      if (!k) i = set_c(i, shr(w, c));
      break;
    case I_JMP: case I_RETURN0: case I_VARARGPREP: case I_EXTRAARG:
      break;
    default:                             /* register in A only */
      i = set_a(i, shr(w, a));
      break;
  }
  int fix = F_NONE, jev = 0;
  switch (op) {
    case I_JMP:
      fix = w->pi[pc].jev < 0 ? F_JMP_NON : (w->pi[pc].jev ? F_JMP_EV : F_JMP_NON);
      emit_src(w, i, line, fix, pc + 1 + GsJ(i), 0, pc);
      return;
    case I_FORPREP: fix = F_FORPREP; jev = w->pi[pc].jev; break;
    case I_FORLOOP: fix = F_FORLOOP; jev = w->pi[pc].jev; break;
    case I_TFORPREP: fix = F_TFORPREP; break;
    case I_TFORLOOP: fix = F_TFORLOOP; jev = w->pi[pc].jev; break;
    default: break;
  }
  int target = 0;
  if (op == I_FORPREP) target = pc + GBx(i) + 2;
  else if (op == I_FORLOOP || op == I_TFORLOOP) target = pc + 1 - GBx(i);
  else if (op == I_TFORPREP) target = pc + 1 + GBx(i);
  emit_src(w, i, line, fix, target, jev < 0 ? 0 : jev, pc);
}

/*
** Decides the landing block of every instruction: a counter when it is
** entered with a line event; in front of the counter a jump over it when
** it is also entered in sequence without one. Some instructions must stay
** right after the one before them (the jump after a test, MMBIN after
** arithmetic, EXTRAARG, TFORLOOP after TFORCALL): they cannot have one.
** A LOADTRUE skipped by LFALSESKIP can, once LFALSESKIP becomes LOADFALSE
** and a jump.
*/
static int plan_landings(rw *w) {
  const ic_proto *p = w->p;
  for (int pc = 0; pc < p->ncode; pc++) {
    pcinfo *x = &w->pi[pc];
    x->landing = L_NONE;
    if (x->in_chain) continue;                 /* counted at the chain start */
    if (x->seq_ev && x->seq_non)
      return fail(w, "instruction %d entered both with and without an event", pc);
    if (!x->seq_ev && !x->jmp_ev) continue;
    x->landing = x->seq_non ? L_JMPC : L_C;
    int op = OP(p->code[pc]);
    int prev = pc > 0 ? OP(p->code[pc - 1]) : -1;
    int fixed = op == I_EXTRAARG || is_mmbin(op) || op == I_TFORLOOP ||
                op == I_VARARGPREP || (op == I_JMP && is_test(prev));
    if (fixed) return fail(w, "a line event on instruction %d, which cannot move", pc);
    if (prev == I_LFALSESKIP && w->pi[pc - 1].reach) w->pi[pc - 1].expand_lfs = 1;
  }
  return 0;
}

static int acc_reg(rw *w, int k, int line) {
  loopi *l = &w->loops[k];
  for (int a = 0; a < l->nacc; a++)
    if (l->acc_line[a] == line) return w->reg_acc + l->acc0 + a;
  fail(w, "internal: no accumulator for line %d", line);
  return w->reg_acc;
}

static void emit_landing(rw *w, int pc) {
  pcinfo *x = &w->pi[pc];
  int line = w->lines[pc];
  x->pland = w->nout;
  if (x->landing == L_JMPC) {
    emit(w, mk_sj(I_JMP, 0), line, F_TO_NON, pc, 0);     /* over the counter */
  }
  x->pc_c = w->nout;
  if (x->landing == L_NONE) return;
  if (x->loop >= 0) {                                     /* an accumulator */
    int a = acc_reg(w, x->loop, line);
    emit(w, mk_abck(I_ADDI, a, a, 1 + OFFSET_sC, 0), line, F_NONE, 0, 0);
    emit(w, mk_abck(I_MMBINI, a, 1 + OFFSET_sC, TM_ADD_EVENT, 0), line, F_NONE, 0, 0);
  } else {
    emit_counter(w, counter_of(w, line), line);
  }
}

/* Adds loop k's accumulators to their counters and clears them. */
static void emit_flush(rw *w, int k, int line) {
  loopi *l = &w->loops[k];
  int t = w->reg_t, s = w->reg_s;
  for (int a = 0; a < l->nacc; a++) {
    int r = w->reg_acc + l->acc0 + a, id = l->acc_cnt[a];
    if (id <= 255) {
      emit(w, mk_abck(I_GETI, s, t, id, 0), line, F_NONE, 0, 0);
      emit(w, mk_abck(I_ADD, s, s, r, 0), line, F_NONE, 0, 0);
      emit(w, mk_abck(I_MMBIN, s, r, TM_ADD_EVENT, 0), line, F_NONE, 0, 0);
      emit(w, mk_abck(I_SETI, t, id, s, 0), line, F_NONE, 0, 0);
    } else {
      int s2 = w->reg_s2;
      emit(w, mk_abx(I_LOADI, s2, id + OFFSET_sBx), line, F_NONE, 0, 0);
      emit(w, mk_abck(I_GETTABLE, s, t, s2, 0), line, F_NONE, 0, 0);
      emit(w, mk_abck(I_ADD, s, s, r, 0), line, F_NONE, 0, 0);
      emit(w, mk_abck(I_MMBIN, s, r, TM_ADD_EVENT, 0), line, F_NONE, 0, 0);
      emit(w, mk_abck(I_SETTABLE, t, s2, s, 0), line, F_NONE, 0, 0);
    }
  }
  if (l->nacc > 0)
    emit(w, mk_abck(I_LOADNIL, w->reg_acc + l->acc0, l->nacc - 1, 0, 0), line, F_NONE, 0, 0);
}

/*
** After the last instruction of loop k: falling out of it (FORLOOP done,
** or a test skipping the jump back) adds the accumulators to the counters;
** then one stub per jump that leaves the loop from inside (and from no
** inner accumulating loop): add, then go where the jump went.
*/
static void emit_loop_exits(rw *w, int k) {
  const ic_proto *p = w->p;
  loopi *l = &w->loops[k];
  int e = l->e;
  int op = OP(p->code[e]);
  int seqexit = op == I_FORLOOP || (op == I_JMP && e > 0 && is_test(OP(p->code[e - 1])));
  int nstubs = 0;
  for (int j = l->h; j <= e; j++) {
    int t = jump_target(p, j);
    if (t >= 0 && w->pi[j].jev >= 0 && w->pi[j].loop == k && exits_loops(w, j, t)) nstubs++;
  }
  if (seqexit && e + 1 < p->ncode) {
    int line = w->lines[e + 1];
    emit_flush(w, k, line);
    if (nstubs) emit(w, mk_sj(I_JMP, 0), line, F_TO_SEQ, e + 1, 0);
  }
  for (int j = l->h; j <= e; j++) {
    int t = jump_target(p, j);
    if (t < 0 || w->pi[j].jev < 0 || w->pi[j].loop != k || !exits_loops(w, j, t)) continue;
    int line = t < l->h ? w->lines[j] : w->lines[t];
    w->pi[j].stub = w->nout;
    for (int m = 0; m < w->nloops; m++)
      if (leaves(w, m, j, t)) emit_flush(w, m, line);
    emit_src(w, mk_sj(I_JMP, 0), line, F_STUB_OUT, t, w->pi[j].jev, j);
  }
}

static int emit_all(rw *w) {
  const ic_proto *p = w->p;
  int up = w->upidx;
  for (int pc = 0; pc < p->ncode && !w->failed; pc++) {
    pcinfo *x = &w->pi[pc];
    int line = w->lines[pc];
    if (pc == w->pc0) {                      /* entry: load the counter table */
      emit(w, mk_abck(I_GETUPVAL, w->reg_t, up, 0, 0), line, F_NONE, 0, 0);
      if (w->protoidx <= 255) {
        emit(w, mk_abck(I_GETI, w->reg_t, w->reg_t, w->protoidx, 0), line, F_NONE, 0, 0);
      } else {
        emit(w, mk_abx(I_LOADI, w->reg_s, w->protoidx + OFFSET_sBx), line, F_NONE, 0, 0);
        emit(w, mk_abck(I_GETTABLE, w->reg_t, w->reg_t, w->reg_s, 0), line, F_NONE, 0, 0);
      }
      if (w->reg_f >= 0)
        emit(w, mk_abck(I_LOADNIL, w->reg_f, 0, 0, 0), line, F_NONE, 0, 0);
      if (w->nacc > 0)
        emit(w, mk_abck(I_LOADNIL, w->reg_acc, w->nacc - 1, 0, 0), line, F_NONE, 0, 0);
    }
    x->pseq = w->nout;
    if (x->header >= 0) {                    /* entering a loop: accumulators at 0 */
      loopi *l = &w->loops[x->header];
      for (int a = 0; a < l->nacc; a++)
        emit(w, mk_abx(I_LOADI, w->reg_acc + l->acc0 + a, OFFSET_sBx), line, F_NONE, 0, 0);
      if (!l->out_ev && x->landing == L_C)   /* not an event from outside */
        emit(w, mk_sj(I_JMP, 0), line, F_TO_NON, pc, 0);
    }
    emit_landing(w, pc);
    x->pnon = w->nout;
    {                                        /* returning from inside loops */
      int op = OP(p->code[pc]);
      if (op == I_RETURN || op == I_RETURN0 || op == I_RETURN1)
        for (int k = 0; k < w->nloops; k++)
          if (w->loops[k].ok && in_loop(&w->loops[k], pc)) emit_flush(w, k, line);
    }
    if (x->chain_start) {
      lc_ir_chainref *ch = &w->chains[x->chain - 1];
      for (int k = 1; k < ch->n; k++)
        emit_counter(w, w->segs[ch->first + k].counter, line);
      if (ch->armed) emit_armed(w, 1, line);
      emit(w, mk_abx(I_LOADI, w->reg_f, x->chain + OFFSET_sBx), line, F_NONE, 0, 0);
    }
    x->pins = w->nout;
    if (x->expand_lfs) {
      uint32_t i = p->code[pc];
      emit(w, mk_abck(I_LOADFALSE, shr(w, GA(i)), 0, 0, 0), line, F_NONE, 0, 0);
      emit(w, mk_sj(I_JMP, 0), line, F_JMP_LAND, pc + 2, 0);
    } else {
      emit_shifted(w, pc);
    }
    /* after a chain's last instruction (and its EXTRAARG), clear the flag */
    int endpc = -1;
    uint32_t i = p->code[pc];
    if (x->chain_end && !(OP(i) == I_SETLIST && GK(i))) endpc = pc;
    if (pc > 0 && w->pi[pc - 1].chain_end && OP(p->code[pc - 1]) == I_SETLIST)
      endpc = pc - 1;
    if (endpc >= 0) {
      int op = OP(p->code[endpc]);
      if (op != I_RETURN && op != I_TAILCALL) {
        emit_armed(w, -1, w->lines[endpc]);
        emit(w, mk_abck(I_LOADNIL, w->reg_f, 0, 0, 0), w->lines[endpc], F_NONE, 0, 0);
      }
    }
    for (int k = 0; k < w->nloops; k++)      /* the end of a loop: the ways out */
      if (w->loops[k].ok && w->loops[k].e == pc) emit_loop_exits(w, k);
  }
  return w->failed ? -1 : 0;
}

/* Position a jump to original instruction 't' lands on. */
static int land_pos(rw *w, int t, int ev) {
  pcinfo *x = &w->pi[t];
  if (ev) {
    if (x->landing == L_NONE) { fail(w, "event jump to %d without counter", t); return 0; }
    return x->pc_c;
  }
  return x->pnon;
}

/* Where a jump from 'src' to 't' lands: a loop entered from outside starts
   with its accumulators at zero. */
static int jump_to(rw *w, int src, int t, int ev) {
  int k = w->pi[t].header;
  if (k >= 0 && (src < 0 || !in_loop(&w->loops[k], src))) return w->pi[t].pseq;
  return land_pos(w, t, ev);
}

static int fix_jumps(rw *w) {
  for (int n = 0; n < w->nout && !w->failed; n++) {
    emitted *e = &w->out[n];
    int to;
    if (e->src >= 0 && e->fix != F_STUB_OUT && w->pi[e->src].stub >= 0 &&
        e->fix != F_FORLOOP && e->fix != F_TFORLOOP) {
      to = w->pi[e->src].stub;                  /* out of loops: via the stub */
    } else switch (e->fix) {
      case F_NONE: continue;
      case F_JMP_EV: to = jump_to(w, e->src, e->target, 1); break;
      case F_JMP_NON: to = jump_to(w, e->src, e->target, 0); break;
      case F_JMP_LAND: case F_TO_SEQ: to = w->pi[e->target].pseq; break;
      case F_TO_NON: to = w->pi[e->target].pnon; break;
      case F_STUB_OUT: to = jump_to(w, e->src, e->target, e->jev); break;
      case F_FORPREP: case F_FORLOOP: case F_TFORLOOP:
        to = jump_to(w, e->src, e->target, e->jev);
        break;
      case F_TFORPREP: to = w->pi[e->target].pins; break;
      default: return fail(w, "internal: bad fixup");
    }
    switch (e->fix) {
      case F_FORPREP: {
        int bx = to - n - 2;
        if (bx < 0 || bx > MAXARG_Bx) return fail(w, "for loop too long");
        e->ins = set_bx(e->ins, bx);
        break;
      }
      case F_TFORPREP: {
        int bx = to - n - 1;
        if (bx < 0 || bx > MAXARG_Bx) return fail(w, "for loop too long");
        e->ins = set_bx(e->ins, bx);
        break;
      }
      case F_FORLOOP: case F_TFORLOOP: {
        int bx = n + 1 - to;
        if (bx < 0 || bx > MAXARG_Bx) return fail(w, "for loop too long");
        e->ins = set_bx(e->ins, bx);
        break;
      }
      default: {
        int sj = to - (n + 1);
        if (sj < -OFFSET_sJ || sj > OFFSET_sJ) return fail(w, "jump too long");
        e->ins = mk_sj(I_JMP, sj);
        break;
      }
    }
  }
  return w->failed ? -1 : 0;
}

/* }====================================================== */

/* {====================================================== one prototype */

static int set_str(ic_str *s, const char *text) {
  s->len = strlen(text);
  s->s = malloc(s->len + 1);
  if (!s->s) return -1;
  memcpy(s->s, text, s->len + 1);
  return 0;
}

/* Maps an original pc (a local's start or end) to the new code. */
static int map_pc(rw *w, int pc) {
  if (pc <= 0) return 0;
  if (pc >= w->p->ncode) return w->nout;
  return w->pi[pc].pseq;
}

/* The hidden locals, in register order: T, S, S2, F, then accumulators. */
static int hidden_locals(rw *w, ic_locvar *loc, int *j, int start) {
  static const char *const names[] = { "(lc T)", "(lc S)", "(lc S2)", "(lc F)" };
  int roles[4] = { w->reg_t, w->reg_s, w->reg_s2, w->reg_f };
  int bad = 0;
  for (int r = 0; r < 4 + w->nacc; r++) {
    if (r < 4 && roles[r] < 0) continue;
    bad |= set_str(&loc[*j].name, r < 4 ? names[r] : "(lc A)");
    loc[*j].startpc = start;
    loc[*j].endpc = w->nout;
    (*j)++;
  }
  return bad;
}

static int build_proto(rw *w, ic_proto *out, lc_ir_proto *meta) {
  const ic_proto *p = w->p;
  /* code and lines */
  free(out->code);
  out->code = malloc((size_t)(w->nout ? w->nout : 1) * 4);
  int *nl = malloc((size_t)(w->nout ? w->nout : 1) * sizeof *nl);
  if (!out->code || !nl) { free(nl); return fail(w, "out of memory"); }
  for (int n = 0; n < w->nout; n++) {
    out->code[n] = w->out[n].ins;
    nl[n] = w->out[n].line;
  }
  out->ncode = w->nout;
  if (lc_ic_set_lines(out, nl) != IC_OK) { free(nl); return fail(w, "out of memory"); }
  free(nl);
  if (p->maxstacksize + w->K > MAXREG) return fail(w, "too many registers");
  out->maxstacksize = p->maxstacksize + w->K;
  /* locals: parameters, hidden locals, the rest moved */
  for (int i = 0; i < w->np; i++)
    if (i >= p->nloc || p->loc[i].startpc != 0)
      return fail(w, "parameters are not the first locals");
  int nloc = p->nloc + w->K;
  ic_locvar *loc = calloc((size_t)nloc, sizeof *loc);
  if (!loc) return fail(w, "out of memory");
  int hstart = w->pi[w->pc0].pseq, j = 0, bad = 0;
  for (int i = 0; i < p->nloc; i++) {
    if (i == w->np) {                      /* hidden locals go here */
      bad |= hidden_locals(w, loc, &j, hstart);
    }
    const ic_locvar *v = &p->loc[i];
    loc[j].startpc = map_pc(w, v->startpc);
    loc[j].endpc = map_pc(w, v->endpc);
    if (v->name.s) {
      ic_str n = { NULL, 0 };
      n.s = malloc(v->name.len + 1);
      if (n.s) {
        memcpy(n.s, v->name.s, v->name.len + 1);
        n.len = v->name.len;
      } else {
        bad = 1;
      }
      loc[j].name = n;
    }
    j++;
  }
  if (p->nloc == w->np)                    /* no other locals: hidden ones last */
    bad |= hidden_locals(w, loc, &j, hstart);
  for (int i = 0; i < out->nloc; i++) free(out->loc[i].name.s);
  free(out->loc);
  out->loc = loc;
  out->nloc = nloc;
  if (bad) return fail(w, "out of memory");
  /* the counter upvalue */
  if (p->nup >= MAXREG) return fail(w, "too many upvalues");
  ic_upval *nu = realloc(out->up, (size_t)(p->nup + 1) * sizeof *nu);
  if (!nu) return fail(w, "out of memory");
  out->up = nu;
  out->up[p->nup].instack = 1;          /* main: unused; nested: set by parent */
  out->up[p->nup].idx = 0;
  out->up[p->nup].kind = 0;
  out->nup = p->nup + 1;
  if (p->nupname == p->nup) {
    ic_str *nn = realloc(out->upname, (size_t)(p->nup + 1) * sizeof *nn);
    if (!nn) return fail(w, "out of memory");
    out->upname = nn;
    char upname[32];
    snprintf(upname, sizeof upname, "%s%d)", LC_IR_UPNAME, w->protoidx);
    if (set_str(&out->upname[p->nup], upname)) return fail(w, "out of memory");
    out->nupname = p->nup + 1;
  } else {
    return fail(w, "upvalue names missing");
  }
  /* nested functions: registers they capture moved; the counter upvalue */
  for (int c = 0; c < out->np; c++) {
    ic_proto *ch = &out->p[c];
    for (int u = 0; u < ch->nup; u++)
      if (ch->up[u].instack) ch->up[u].idx = (unsigned char)shr(w, ch->up[u].idx);
  }
  /* metadata */
  meta->numparams = w->np;
  meta->nfake = w->K;
  meta->reg_flag = w->reg_f;
  meta->ncounters = w->ncnt;
  meta->counter_line = w->cline;
  w->cline = NULL;
  meta->chains = w->chains;
  meta->nchains = w->nchains;
  w->chains = NULL;
  meta->segs = w->segs;
  meta->nsegs = w->nsegs;
  w->segs = NULL;
  if (w->nacc > 0) {
    meta->acc_reg = malloc((size_t)w->nacc * sizeof *meta->acc_reg);
    meta->acc_counter = malloc((size_t)w->nacc * sizeof *meta->acc_counter);
    if (!meta->acc_reg || !meta->acc_counter) return fail(w, "out of memory");
    for (int k = 0; k < w->nloops; k++) {
      loopi *l = &w->loops[k];
      if (!l->ok) continue;
      for (int a = 0; a < l->nacc; a++) {
        meta->acc_reg[l->acc0 + a] = w->reg_acc + l->acc0 + a;
        meta->acc_counter[l->acc0 + a] = l->acc_cnt[a];
      }
    }
    meta->nacc = w->nacc;
  }
  return 0;
}

/* Rewrites 'out' (a copy of the original 'p' whose children are already
   rewritten) in place. */
static int rewrite_one(const ic_proto *p, ic_proto *out, int protoidx,
                       lc_ir_proto *meta, char *err, size_t errlen) {
  rw w;
  memset(&w, 0, sizeof w);
  w.p = p;
  w.err = err;
  w.errlen = errlen;
  w.protoidx = protoidx;
  w.upidx = p->nup;
  w.np = p->numparams;
  w.pc0 = p->is_vararg ? 1 : 0;
  int rc = -1;
  w.lines = lc_ic_lines(p);
  if (!w.lines) { fail(&w, "no line information"); goto out; }
  if (p->ncode <= w.pc0) { fail(&w, "empty code"); goto out; }
  w.pi = calloc((size_t)p->ncode, sizeof *w.pi);
  w.stack = malloc((size_t)p->ncode * sizeof *w.stack);
  if (!w.pi || !w.stack) { fail(&w, "out of memory"); goto out; }
  for (int pc = 0; pc < p->ncode; pc++) w.pi[pc].jev = -1;
  if (explore(&w) || find_chains(&w) || plan_landings(&w)) goto out;
  /* counters known so far come from chains; landings add the rest */
  for (int pc = 0; pc < p->ncode; pc++)
    if (w.pi[pc].landing != L_NONE) counter_of(&w, w.lines[pc]);
  /* hidden locals */
  w.reg_t = w.np;
  w.reg_s = w.np + 1;
  w.K = 2;
  w.reg_s2 = -1;
  w.reg_f = -1;
  int nacc = find_loops(&w);
  if (w.failed) goto out;
  if (w.ncnt >= 255) w.reg_s2 = w.np + w.K++;
  if (w.nchains > 0) w.reg_f = w.np + w.K++;
  if (p->maxstacksize + w.K + nacc > MAXREG) {   /* no room: counters only */
    for (int k = 0; k < w.nloops; k++) w.loops[k].ok = 0;
    for (int pc = 0; pc < p->ncode; pc++) w.pi[pc].loop = w.pi[pc].header = -1;
    nacc = 0;
  }
  w.reg_acc = w.np + w.K;
  w.nacc = nacc;
  w.K += nacc;
  if (emit_all(&w) || fix_jumps(&w)) goto out;
  if (build_proto(&w, out, meta)) goto out;
  rc = 0;
out:
  free(w.lines);
  free(w.pi);
  free(w.stack);
  free(w.out);
  free(w.cline);
  free(w.chains);
  free(w.segs);
  for (int k = 0; k < w.nloops; k++) {
    free(w.loops[k].acc_line);
    free(w.loops[k].acc_cnt);
  }
  free(w.loops);
  return rc;
}

/* }====================================================== */

/* {====================================================== the chunk */

typedef struct walk {
  lc_ir_result *res;
  int cap;
  char *err;
  size_t errlen;
} walk;

static int count_protos(const ic_proto *p) {
  int n = 1;
  for (int i = 0; i < p->np; i++) n += count_protos(&p->p[i]);
  return n;
}

/* Depth first, parent before children, as lc_chunk numbers them. */
static int rewrite_tree(walk *wk, const ic_proto *p, ic_proto *out, int *next,
                        int parent_upidx) {
  int idx = (*next)++;
  lc_ir_proto *meta = &wk->res->protos[idx];
  if (rewrite_one(p, out, idx + 1, meta, wk->err, wk->errlen)) return -1;
  if (parent_upidx >= 0) {                 /* capture the parent's counter table */
    out->up[out->nup - 1].instack = 0;
    out->up[out->nup - 1].idx = (unsigned char)parent_upidx;
  }
  for (int c = 0; c < p->np; c++)
    if (rewrite_tree(wk, &p->p[c], &out->p[c], next, p->nup)) return -1;
  return 0;
}

int lc_ir_rewrite(const ic_chunk *in, lc_ir_result *res, char *err, size_t errlen) {
  memset(res, 0, sizeof *res);
  if (errlen) err[0] = '\0';
  int n = count_protos(&in->main);
  res->protos = calloc((size_t)n, sizeof *res->protos);
  if (!res->protos) { snprintf(err, errlen, "out of memory"); return -1; }
  res->nprotos = n;
  if (lc_ic_proto_copy(&res->out.main, &in->main) != IC_OK) {
    snprintf(err, errlen, "out of memory");
    lc_ir_free(res);
    return -1;
  }
  res->out.nupvalues = in->nupvalues + 1;
  walk wk = { res, n, err, errlen };
  int next = 0;
  if (rewrite_tree(&wk, &in->main, &res->out.main, &next, -1)) {
    lc_ir_free(res);
    return -1;
  }
  return 0;
}

void lc_ir_free(lc_ir_result *res) {
  lc_ic_free(&res->out);
  for (int i = 0; i < res->nprotos; i++) {
    free(res->protos[i].counter_line);
    free(res->protos[i].chains);
    free(res->protos[i].segs);
    free(res->protos[i].acc_reg);
    free(res->protos[i].acc_counter);
  }
  free(res->protos);
  memset(res, 0, sizeof *res);
}

/* }====================================================== */
