/* embedding_tmpl.h - embedding gather and scatter-add, written once for any
 * floating type (see instantiate.h for the macros). */

struct L(embedding_job) {
    int64_t n, v, d;
    const int64_t *idx;
    const T *src;
    int64_t lds;
    T *dst;
    int64_t ldd;
    int tasks;
};

/* ---- forward: out[i, :] = table[idx[i], :] ------------------------------- */

/* Task t copies the output rows of its block of indices. */
static void L(embedding_fwd_task)(void *arg, int t)
{
    const struct L(embedding_job) *j = arg;
    const int64_t i0 = j->n * t / j->tasks, i1 = j->n * (t + 1) / j->tasks;
    for (int64_t i = i0; i < i1; i++)
        memcpy(j->dst + i * j->ldd, j->src + j->idx[i] * j->lds, (size_t)j->d * sizeof(T));
}

int NL(embedding_forward)(int64_t n, int64_t v, int64_t d, const int64_t *idx,
                          const T *table, int64_t ldt, T *out, int64_t ldo)
{
    int empty;
    int st = embedding_args(n, v, d, idx, table, ldt, out, ldo, &empty);
    if (st != NL_OK || empty)
        return st;
    struct L(embedding_job) j = {n, v, d, idx, table, ldt, out, ldo, 1};
    j.tasks = embedding_tasks(n, d, n);
    nl_parallel_for(j.tasks, L(embedding_fwd_task), &j);
    return NL_OK;
}

/* ---- backward: dtable[idx[i], :] += dy[i, :] ------------------------------ */

/* Task t owns the table rows [r0, r1): it walks every index in order and adds
 * the rows of dy that land in its block, so no two tasks write one row. */
static void L(embedding_bwd_task)(void *arg, int t)
{
    const struct L(embedding_job) *j = arg;
    const int64_t r0 = j->v * t / j->tasks, r1 = j->v * (t + 1) / j->tasks;
    const int64_t d = j->d;
    for (int64_t i = 0; i < j->n; i++) {
        const int64_t r = j->idx[i];
        if (r < r0 || r >= r1)
            continue;
        const T *restrict g = j->src + i * j->lds;
        T *restrict w = j->dst + r * j->ldd;
        for (int64_t k = 0; k < d; k++)
            w[k] += g[k];
    }
}

int NL(embedding_backward)(int64_t n, int64_t v, int64_t d, const int64_t *idx,
                           const T *dy, int64_t lddy, T *dtable, int64_t ldt)
{
    int empty;
    int st = embedding_args(n, v, d, idx, dy, lddy, dtable, ldt, &empty);
    if (st != NL_OK || empty)
        return st;
    struct L(embedding_job) j = {n, v, d, idx, dy, lddy, dtable, ldt, 1};
    j.tasks = embedding_tasks(n, d, v);
    nl_parallel_for(j.tasks, L(embedding_bwd_task), &j);
    return NL_OK;
}
