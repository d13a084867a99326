/* norm.c - batch and layer normalization (forward and backward) for float32
 * and float64 from one template. */
#include <math.h>
#include <stdlib.h>
#include "nnlite.h"

#define NL_TEMPLATE "norm_tmpl.h"
#include "instantiate.h"
