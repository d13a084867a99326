/* dropout_tmpl.h - inverted dropout from a 64-bit key, written once for any
 * floating type (see activations_tmpl.h for the macros). */

static T L(dropout_scale)(double rate)
{
    return rate >= 1.0 ? (T)0 : (T)(1.0 / (1.0 - rate));
}

/* y[i] = x[i] * (kept ? scale : 0), x and y the same array or disjoint; the
 * mask is recomputed from (key, i) in integer vector lanes. */
NL_CLONES static void L(dropout_apply)(int64_t n, uint64_t key, uint64_t thr, T scale,
                                       const T *x, T *y)
{
    for (int64_t i = 0; i < n; i++) {
        const T m = dropout_bits(key, (uint64_t)i) >= thr ? scale : (T)0;
        y[i] = x[i] * m;
    }
}

NL_CLONES static void L(dropout_fill)(int64_t n, uint64_t key, uint64_t thr, T scale, T *mask)
{
    for (int64_t i = 0; i < n; i++)
        mask[i] = dropout_bits(key, (uint64_t)i) >= thr ? scale : (T)0;
}

int NL(dropout_mask)(int64_t n, uint64_t key, double rate, T *mask)
{
    if (n < 0 || !(rate >= 0.0 && rate <= 1.0) || (n > 0 && !mask))
        return NL_EINVAL;
    const T scale = L(dropout_scale)(rate);
    L(dropout_fill)(n, key, dropout_threshold(rate), scale, mask);
    return NL_OK;
}

int NL(dropout_forward)(int64_t n, uint64_t key, double rate, const T *x, T *y)
{
    if (n < 0 || !(rate >= 0.0 && rate <= 1.0) || (n > 0 && (!x || !y)))
        return NL_EINVAL;
    const T scale = L(dropout_scale)(rate);
    L(dropout_apply)(n, key, dropout_threshold(rate), scale, x, y);
    return NL_OK;
}

int NL(dropout_backward)(int64_t n, uint64_t key, double rate, const T *dy, T *dx)
{
    return NL(dropout_forward)(n, key, rate, dy, dx);
}
