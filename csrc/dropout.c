/* dropout.c - dropout masks from a counter-based generator: element i of the
 * mask drawn with key k keeps its input when u(k, i) >= rate, where u(k, i) is
 * the i-th output of the splitmix64 sequence seeded with k, as a double in
 * [0, 1) (its top 53 bits). The same (key, i) always gives the same mask, so
 * the backward pass and the compiled plan recompute it instead of storing it. */
#include <math.h>
#include <stdint.h>
#include "nnlite.h"
#include "gemm_internal.h"   /* the thread pool */
#include "simd_clones.h"

/* Multiply-adds' worth of work per element (the hash and the select), for
 * nl_threads_for. */
#define DROPOUT_WORK 8

static inline int dropout_keep(uint64_t key, int64_t i, double rate)
{
    uint64_t z = key + ((uint64_t)i + 1u) * UINT64_C(0x9E3779B97F4A7C15);
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    z ^= z >> 31;
    return (double)(z >> 11) * (1.0 / 9007199254740992.0) >= rate;
}

/* The same test in integers, so the loops vectorize: u = z >> 11 is exact in
 * a double and so is u * 2^-53, hence u * 2^-53 >= rate exactly when
 * u >= rate * 2^53 (a power-of-two scaling, exact), i.e. when u >= ceil of
 * it: dropout_keep(key, i, rate) == (dropout_bits(key, i) >= threshold). */
static inline uint64_t dropout_threshold(double rate)
{
    return (uint64_t)ceil(rate * 9007199254740992.0);   /* rate in [0, 1]: <= 2^53 */
}

static inline uint64_t dropout_bits(uint64_t key, uint64_t i)
{
    uint64_t z = key + (i + 1u) * UINT64_C(0x9E3779B97F4A7C15);
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    z ^= z >> 31;
    return z >> 11;
}

#define NL_TEMPLATE "dropout_tmpl.h"
#include "instantiate.h"
