/* embedding.c - the gather and scatter-add of an embedding table (Keras's
 * Embedding layer, ops.take along axis 0), forward and backward, for float32
 * and float64 from one template (embedding_tmpl.h).
 *
 * Indices are int64 (Python converts narrower integer types). Every index is
 * checked before anything is written, so an out-of-range id leaves the output
 * untouched and returns NL_ERANGE. The backward is threaded over blocks of
 * table rows, never over indices: each row receives its contributions in the
 * order of the indices whatever the thread count, so the sums are
 * bit-identical for any number of threads. */
#include <stdint.h>
#include <string.h>
#include "nnlite.h"
#include "gemm_internal.h"

/* NL_OK when every idx[i] lies in [0, v), else NL_ERANGE. */
static int embedding_check(int64_t n, int64_t v, const int64_t *idx)
{
    int bad = 0;
    for (int64_t i = 0; i < n; i++)
        bad |= (uint64_t)idx[i] >= (uint64_t)v;   /* negative ids wrap to huge */
    return bad ? NL_ERANGE : NL_OK;
}

/* Shared argument checks. *empty is left 0 only when there are rows to move
 * (n > 0 and d > 0); ids are checked even when d == 0. */
static int embedding_args(int64_t n, int64_t v, int64_t d, const int64_t *idx,
                          const void *src, int64_t lds, const void *dst, int64_t ldd,
                          int *empty)
{
    *empty = 1;
    if (n < 0 || v < 0 || d < 0 || lds < d || ldd < d)
        return NL_EINVAL;
    if (n == 0)
        return NL_OK;
    if (!idx)
        return NL_EINVAL;
    if (embedding_check(n, v, idx) != NL_OK)
        return NL_ERANGE;
    if (d == 0)
        return NL_OK;
    if (!src || !dst)
        return NL_EINVAL;
    *empty = 0;
    return NL_OK;
}

/* How many tasks a gather or scatter of n rows of d values deserves. */
static int embedding_tasks(int64_t n, int64_t d, int64_t units)
{
    int t = nl_threads_for((double)n * (double)d);
    if (t > NL_MAX_TASKS)
        t = NL_MAX_TASKS;
    if ((int64_t)t > units)
        t = units < 1 ? 1 : (int)units;
    return t;
}

int nl_unique_ids(int64_t n, int64_t v, const int64_t *idx, int64_t *slot, int64_t *uniq,
                  int64_t *first, int64_t *inv, int64_t *count)
{
    if (n < 0 || v < 0 || !count || (n && (!idx || !slot || !uniq || !first || !inv)))
        return NL_EINVAL;
    *count = 0;
    if (n == 0)
        return NL_OK;
    if (embedding_check(n, v, idx) != NL_OK)
        return NL_ERANGE;
    memset(slot, 0, (size_t)v * sizeof *slot);
    for (int64_t i = 0; i < n; i++)
        slot[idx[i]] = 1;
    int64_t k = 0;
    for (int64_t r = 0; r < v; r++)
        if (slot[r]) {
            uniq[k] = r;
            first[k] = -1;
            slot[r] = k++;
        }
    for (int64_t i = 0; i < n; i++) {
        const int64_t j = slot[idx[i]];
        inv[i] = j;
        if (first[j] < 0)
            first[j] = i;
    }
    *count = k;
    return NL_OK;
}

#define NL_TEMPLATE "embedding_tmpl.h"
#include "instantiate.h"
