/* pool.c - max and average pooling (2-D; 1-D is height 1), forward and
 * backward, for float32 and float64 from one template (pool_tmpl.h). Global
 * pooling is a reduction and stays in Python. */
#include <math.h>
#include <stdlib.h>
#include "nnlite.h"
#include "gemm_internal.h"
#include "conv_geom.h"
#include "simd_clones.h"

/* Selects in the max-pooling backward become vector blends only when the
 * compiler may ignore floating-point traps (comparisons of data never need
 * them); GCC takes that per function. */
#if defined(__GNUC__) && !defined(__clang__)
#define NL_NO_TRAP __attribute__((optimize("no-trapping-math")))
#else
#define NL_NO_TRAP
#endif

/* The pooling passes with recorded taps move data rather than compute: each
 * element they read or write counts as this many units of nl_threads_for's
 * work (multiply-adds), so a pass over a few MB uses the threads; they split
 * the elements without any sum, so the results never depend on the tasks. */
#define POOL_TOUCH_WORK 4

#define NL_TEMPLATE "pool_tmpl.h"
#include "instantiate.h"
