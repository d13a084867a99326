/* update.c - bias add/backward and optimizer updates for float32 and float64
 * from one template. */
#include <math.h>
#include "nnlite.h"
#include "simd_clones.h"

const char *nl_version(void)
{
    return "0.1.0";
}

#define T float
#define NL(x) nl_s##x
#define L(x) s_##x
#define M(fn) fn##f
#include "update_tmpl.h"
#undef T
#undef NL
#undef L
#undef M

#define T double
#define NL(x) nl_d##x
#define L(x) d_##x
#define M(fn) fn
#include "update_tmpl.h"
#undef T
#undef NL
#undef L
#undef M
