/* activations.c - elementwise activations (and row-wise softmax), forward
 * next to backward, for float32 and float64 from one template. */
#include <math.h>
#include "nnlite.h"
#include "gemm_internal.h"   /* the thread pool */
#include "simd_clones.h"

#define T float
#define NL(x) nl_s##x
#define L(x) s_##x
#define M(fn) fn##f
#include "activations_tmpl.h"
#undef T
#undef NL
#undef L
#undef M

#define T double
#define NL(x) nl_d##x
#define L(x) d_##x
#define M(fn) fn
#include "activations_tmpl.h"
#undef T
#undef NL
#undef L
#undef M
