/* update.c - bias add/backward and optimizer updates for float32 and float64
 * from one template. */
#include <math.h>
#include "nnlite.h"
#include "simd_clones.h"

const char *nl_version(void)
{
    return "0.1.0";
}

#define NL_TEMPLATE "update_tmpl.h"
#include "instantiate.h"
