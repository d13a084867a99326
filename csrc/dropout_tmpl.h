/* dropout_tmpl.h - inverted dropout from a 64-bit key, written once for any
 * floating type (see activations_tmpl.h for the macros). */

static T L(dropout_scale)(double rate)
{
    return rate >= 1.0 ? (T)0 : (T)(1.0 / (1.0 - rate));
}

int NL(dropout_mask)(int64_t n, uint64_t key, double rate, T *mask)
{
    if (n < 0 || !(rate >= 0.0 && rate <= 1.0) || (n > 0 && !mask))
        return NL_EINVAL;
    const T scale = L(dropout_scale)(rate);
    for (int64_t i = 0; i < n; i++)
        mask[i] = dropout_keep(key, i, rate) ? scale : (T)0;
    return NL_OK;
}

int NL(dropout_forward)(int64_t n, uint64_t key, double rate, const T *x, T *y)
{
    if (n < 0 || !(rate >= 0.0 && rate <= 1.0) || (n > 0 && (!x || !y)))
        return NL_EINVAL;
    const T scale = L(dropout_scale)(rate);
    for (int64_t i = 0; i < n; i++)
        y[i] = x[i] * (dropout_keep(key, i, rate) ? scale : (T)0);
    return NL_OK;
}

int NL(dropout_backward)(int64_t n, uint64_t key, double rate, const T *dy, T *dx)
{
    return NL(dropout_forward)(n, key, rate, dy, dx);
}
