/* losses.c - Keras's losses (value per sample and gradient) for float32 and
 * float64 from one template. */
#include <math.h>
#include "nnlite.h"
#include "simd_clones.h"

#define NL_TEMPLATE "losses_tmpl.h"
#include "instantiate.h"
