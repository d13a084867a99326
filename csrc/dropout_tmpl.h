/* dropout_tmpl.h - inverted dropout from a 64-bit key, written once for any
 * floating type (see activations_tmpl.h for the macros). */

static T L(dropout_scale)(double rate)
{
    return rate >= 1.0 ? (T)0 : (T)(1.0 / (1.0 - rate));
}

/* y[i] = x[i] * (kept ? scale : 0) for i0 <= i < i1, x and y the same array
 * or disjoint; the mask is recomputed from (key, i) in integer vector lanes. */
NL_CLONES static void L(dropout_apply)(int64_t i0, int64_t i1, uint64_t key, uint64_t thr,
                                       T scale, const T *x, T *y)
{
    for (int64_t i = i0; i < i1; i++) {
        const T m = dropout_bits(key, (uint64_t)i) >= thr ? scale : (T)0;
        y[i] = x[i] * m;
    }
}

/* Contiguous shares of the elements over the threads: each element's mask
 * depends on (key, i) alone, so the split never changes a result. */
struct L(drop_job) {
    int64_t n;
    uint64_t key, thr;
    T scale;
    const T *x;
    T *y;
    int tasks;
};

static void L(dropout_task)(void *arg, int t)
{
    const struct L(drop_job) *j = (const struct L(drop_job) *)arg;
    const int64_t q = j->n / j->tasks, r = j->n % j->tasks;
    const int64_t lo = q * t + (t < r ? t : r), hi = lo + q + (t < r ? 1 : 0);
    L(dropout_apply)(lo, hi, j->key, j->thr, j->scale, j->x, j->y);
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
    struct L(drop_job) j;
    j.n = n; j.key = key; j.thr = dropout_threshold(rate); j.scale = L(dropout_scale)(rate);
    j.x = x; j.y = y;
    j.tasks = nl_threads_for(DROPOUT_WORK * (double)n);
    if (j.tasks > NL_MAX_TASKS) j.tasks = NL_MAX_TASKS;
    if (j.tasks <= 1 || n < j.tasks)
        L(dropout_apply)(0, n, j.key, j.thr, j.scale, x, y);
    else
        nl_parallel_for(j.tasks, L(dropout_task), &j);
    return NL_OK;
}

int NL(dropout_backward)(int64_t n, uint64_t key, double rate, const T *dy, T *dx)
{
    return NL(dropout_forward)(n, key, rate, dy, dx);
}
