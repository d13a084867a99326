/* activations.c - elementwise activations (and row-wise softmax), forward
 * next to backward, for float32 and float64 from one template. */
#include <math.h>
#include "nnlite.h"
#include "gemm_internal.h"   /* the thread pool */
#include "simd_clones.h"
#include "vmath.h"

#define NL_TEMPLATE "activations_tmpl.h"
#include "instantiate.h"
