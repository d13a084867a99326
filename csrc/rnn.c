/* rnn.c - fused recurrent layers (SimpleRNN, LSTM, GRU) over a whole
 * sequence, forward and backward through time, for float32 and float64 from
 * one template (rnn_tmpl.h), on the project's GEMM and thread pool. */
/* Selects (vmath.h's range reductions, relu, the clamp of hard_sigmoid) become
 * vector blends only when the compiler may ignore floating-point traps. GCC
 * takes that per function (pool.c does it with an attribute); here it covers
 * the whole file, vmath.h's inline functions included, because GCC will not
 * inline a function into one whose optimization options differ, and a call
 * per element is slower than the scalar loop. Only the exception flags
 * change, never a result. */
/* The same pragma keeps GCC from turning the short row copies of the gate
 * passes (U elements, a few cache lines) into memmove calls, which cost more
 * than the copy (12 % of a GRU step). */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("no-trapping-math", "no-tree-loop-distribute-patterns")
#endif
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "nnlite.h"
#include "gemm_internal.h"
#include "simd_clones.h"
#include "vmath.h"

/* Largest element count of any array or scratch buffer (as conv_geom.h):
 * every byte count of 8-byte doubles and every index stays inside int64_t. */
#define RNN_MAX_ELEMS ((int64_t)1 << 59)

/* An elementwise pass over a batch row of G*U gates costs about this many
 * multiply-adds an element (exp, division, the state update), for deciding
 * whether splitting rows over threads pays. */
#define RNN_ROW_WORK 24.0

/* The backward sums the weight gradients per group of row blocks (each
 * group's dZ still in L2), at most this many groups, whose partial sums take
 * at most RNN_PART_MAX elements; then adds the groups up in order. The group
 * count depends only on the sizes, never on the thread count. */
#define RNN_GROUPS 16
#define RNN_PART_MAX ((int64_t)1 << 22)

/* The gate loops must be inlined into the NL_CLONES passes that call them, so
 * each clone vectorizes them for its own ISA (an out-of-line helper would be
 * built for the baseline only, where the selects of vmath.h stay scalar). */
#if defined(__GNUC__)
#define RNN_INLINE static inline __attribute__((always_inline))
#else
#define RNN_INLINE static inline
#endif

/* The GEMM micro-kernel the dispatcher chose, per type, for the template:
 * the sequence loops call it on operands they pack themselves (the recurrent
 * weights once per call, each step's h or dZ rows as they are produced). */
typedef struct nl_skernel s_rnn_kern;
typedef struct nl_dkernel d_rnn_kern;
static const struct nl_skernel *s_rnn_kernel(void) { return nl_gemm_skernel(); }
static const struct nl_dkernel *d_rnn_kernel(void) { return nl_gemm_dkernel(); }

#define NL_TEMPLATE "rnn_tmpl.h"
#include "instantiate.h"

/* The backward's scratch: dZ (B*T x N), gru reset_after's input h part
 * (B*T x U) and six B x U state buffers, as NL(rnn_backward) lays it out. */
int64_t nl_rnn_backward_work(int cell, int flags, int64_t b, int64_t t, int64_t u)
{
    int64_t g;
    if (s_check(cell, NL_ACT_TANH, NL_ACT_SIGMOID, flags, b, t, 0, u, &g) != NL_OK)
        return 0;
    return b * t * g * u + (cell == NL_RNN_GRU && (flags & NL_RNN_RESET_AFTER) ? b * t * u : 0)
           + 6 * b * u;
}
