/* conv_geom.h - the window geometry that convolution (conv.c) and pooling
 * (pool.c) share: sizes checked for overflow once, output sizes computed the
 * one way both use. Not part of the public API (nnlite.h).
 *
 * Layout is channels-last (NHWC). A window of kh x kw taps, tap (ky, kx) of
 * output (oy, ox) reading input row oy*sh - pt + ky*dh and column
 * ox*sw - pl + kx*dw; taps outside the input read zero (convolution) or are
 * left out (pooling). */
#ifndef NNLITE_CONV_GEOM_H
#define NNLITE_CONV_GEOM_H

#include <stdint.h>
#include <stdlib.h>
#include "nnlite.h"
#include "gemm_internal.h"   /* the thread pool */

/* Largest element count of any array or scratch block: 2^59 elements keep
 * every byte count (8-byte doubles) and every index sum inside int64_t. */
#define NL_GEOM_MAX ((int64_t)1 << 59)

struct nl_geom {
    int64_t n, h, w, c;          /* input: n images of h x w x c */
    int64_t kh, kw;              /* window */
    int64_t sh, sw, dh, dw;      /* strides, dilations */
    int64_t pt, pl;              /* padding before (top, left) */
    int64_t oh, ow;              /* output rows and columns */
};

/* *acc *= v unless that leaves [0, NL_GEOM_MAX]; returns 0 on overflow. */
static inline int geom_mul(int64_t *acc, int64_t v)
{
    if (v < 0 || *acc < 0)
        return 0;
    if (v != 0 && *acc > NL_GEOM_MAX / v)
        return 0;
    *acc *= v;
    return 1;
}

/* Output length of one axis: floor((len + pads - dil*(k-1) - 1) / stride) + 1,
 * or 0 when the dilated window is longer than the padded input. */
static inline int64_t geom_out_len(int64_t len, int64_t k, int64_t s, int64_t d,
                                   int64_t pb, int64_t pa)
{
    const int64_t span = d * (k - 1) + 1, padded = len + pb + pa;
    return padded < span ? 0 : (padded - span) / s + 1;
}

/* Fills g and checks every size; NL_EINVAL for a negative or zero size
 * where one is needed, or a count past NL_GEOM_MAX. */
static inline int geom_init(struct nl_geom *g, int64_t n, int64_t h, int64_t w, int64_t c,
                            int64_t kh, int64_t kw, int64_t sh, int64_t sw, int64_t dh,
                            int64_t dw, int64_t pt, int64_t pb, int64_t pl, int64_t pr)
{
    int64_t t;
    if (n < 0 || h < 0 || w < 0 || c < 0 || kh < 1 || kw < 1 || sh < 1 || sw < 1 ||
        dh < 1 || dw < 1 || pt < 0 || pb < 0 || pl < 0 || pr < 0)
        return NL_EINVAL;
    if (h > NL_GEOM_MAX || w > NL_GEOM_MAX || pt > NL_GEOM_MAX || pb > NL_GEOM_MAX ||
        pl > NL_GEOM_MAX || pr > NL_GEOM_MAX || sh > NL_GEOM_MAX || sw > NL_GEOM_MAX)
        return NL_EINVAL;
    t = kh - 1;
    if (!geom_mul(&t, dh)) return NL_EINVAL;
    t = kw - 1;
    if (!geom_mul(&t, dw)) return NL_EINVAL;
    t = n;
    if (!geom_mul(&t, h) || !geom_mul(&t, w) || !geom_mul(&t, c)) return NL_EINVAL;
    g->n = n; g->h = h; g->w = w; g->c = c; g->kh = kh; g->kw = kw;
    g->sh = sh; g->sw = sw; g->dh = dh; g->dw = dw; g->pt = pt; g->pl = pl;
    g->oh = geom_out_len(h, kh, sh, dh, pt, pb);
    g->ow = geom_out_len(w, kw, sw, dw, pl, pr);
    return NL_OK;
}

/* Contiguous share [lo, hi) of `count` items for task t of `tasks` (the
 * first count % tasks shares one longer; no product that could overflow). */
static inline int64_t geom_share_start(int64_t count, int t, int tasks)
{
    const int64_t q = count / tasks, r = count % tasks;
    return q * t + (t < r ? t : r);
}

static inline void geom_share(int64_t count, int t, int tasks, int64_t *lo, int64_t *hi)
{
    *lo = geom_share_start(count, t, tasks);
    *hi = geom_share_start(count, t + 1, tasks);
}

/* Tasks for a job of `work` multiply-adds split into `units` pieces. */
static inline int geom_tasks(double work, int64_t units)
{
    int64_t t = nl_threads_for(work);
    if (t > units) t = units;
    if (t > NL_MAX_TASKS) t = NL_MAX_TASKS;
    return t < 1 ? 1 : (int)t;
}

#endif
