/* dropout.c - dropout masks from a counter-based generator: element i of the
 * mask drawn with key k keeps its input when u(k, i) >= rate, where u(k, i) is
 * the i-th output of the splitmix64 sequence seeded with k, as a double in
 * [0, 1) (its top 53 bits). The same (key, i) always gives the same mask, so
 * the backward pass and the compiled plan recompute it instead of storing it. */
#include <stdint.h>
#include "nnlite.h"
#include "simd_clones.h"

static inline int dropout_keep(uint64_t key, int64_t i, double rate)
{
    uint64_t z = key + ((uint64_t)i + 1u) * UINT64_C(0x9E3779B97F4A7C15);
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    z ^= z >> 31;
    return (double)(z >> 11) * (1.0 / 9007199254740992.0) >= rate;
}

#define NL_TEMPLATE "dropout_tmpl.h"
#include "instantiate.h"
