/* instantiate.h - compiles the template named by NL_TEMPLATE twice: once for
 * float (nl_s* functions, s_* helpers, f-suffixed <math.h> calls) and once for
 * double (nl_d*, d_*). Usage, in a .c file:
 *     #define NL_TEMPLATE "norm_tmpl.h"
 *     #include "instantiate.h"
 * Deliberately without an include guard: each .c includes it once per template. */

#define T float
#define NL(x) nl_s##x
#define L(x) s_##x
#define M(fn) fn##f
#include NL_TEMPLATE
#undef T
#undef NL
#undef L
#undef M

#define T double
#define NL(x) nl_d##x
#define L(x) d_##x
#define M(fn) fn
#include NL_TEMPLATE
#undef T
#undef NL
#undef L
#undef M

#undef NL_TEMPLATE
