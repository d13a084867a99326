/* norm.c - batch and layer normalization (forward and backward) for float32
 * and float64 from one template. */
#include <math.h>
#include <stdlib.h>
#include "nnlite.h"

#define T float
#define NL(x) nl_s##x
#define L(x) s_##x
#define M(fn) fn##f
#include "norm_tmpl.h"
#undef T
#undef NL
#undef L
#undef M

#define T double
#define NL(x) nl_d##x
#define L(x) d_##x
#define M(fn) fn
#include "norm_tmpl.h"
#undef T
#undef NL
#undef L
#undef M
