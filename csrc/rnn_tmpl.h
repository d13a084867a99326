/* rnn_tmpl.h - SimpleRNN, LSTM and GRU over a whole sequence, forward beside
 * backward (BPTT), written once for any floating type. Included through
 * instantiate.h (T, NL(x), L(x), M(f)); rnn.c provides vmath.h, the thread
 * pool and the limits.
 *
 * Layout: x (B, T, F) and every per-step saved array (B, T, ...) are indexed
 * by the ORIGINAL time t, row b*T + t; y (B, T, U) is in processing order
 * (step s reads time t = s, or T-1-s with NL_RNN_GO_BACKWARDS). G gates of U
 * units each, N = G*U columns, Keras's gate order (lstm i f c o, gru z r h).
 *
 * Forward: P = X W + b for all steps as one GEMM (B*T x F times F x N; with
 * NL_RNN_PROJECTED x already is X W and only the bias is added); then each
 * step one recurrent GEMM Z = h' R (B x U times U x N; one per gate when the
 * recurrent dropout mask is per gate; gru without reset_after multiplies the
 * h gate's (r*h') R_h after r is known) and one elementwise pass over the
 * rows that applies the gates, updates the states, handles the time mask and
 * overwrites P's row with the gate activations (what backward needs).
 *
 * Backward: each step in reverse processing order, an elementwise pass writes
 * the pre-activation gradients dZ of the step into a B*T x N buffer and one
 * GEMM dZ R^T carries dh to the previous step. The weight gradients are one
 * GEMM each over all steps: dW = X^T dZ, dR = H'^T dZ, db = column sums,
 * dx = dZ W^T; in the sequence loop (below) dW, dR and db are summed per
 * group of row blocks as soon as the group's steps are done, then over the
 * groups in order. For gru with reset_after the recurrent part
 * of the h gate differs from the input part (d(hz_h) = d(hh_pre) * r), so dZ
 * holds the recurrent version and a B*T x U buffer the input h part.
 *
 * Threads: the elementwise passes split batch rows over tasks (each row is
 * computed by one task, in the same order); GEMMs split M/N, never K. Results
 * are bit-identical for any thread count. */

/* ---- gate nonlinearities ----------------------------------------------------- */

RNN_INLINE T L(r_sigmoid)(T x)
{
    if (sizeof(T) == sizeof(float))
        return (T)nl_vsigmoidf((float)x);
    if (x >= 0) return (T)1 / ((T)1 + M(exp)(-x));
    T e = M(exp)(x);
    return e / ((T)1 + e);
}

RNN_INLINE T L(r_tanh)(T x)
{
    return sizeof(T) == sizeof(float) ? (T)nl_vtanhf((float)x) : M(tanh)(x);
}

/* y = act(x) over n contiguous elements (y may be x); the switch sits outside
 * the loops so each loop vectorizes. */
RNN_INLINE void L(act_vec)(int act, int64_t n, const T *x, T *y)
{
    int64_t i;
    switch (act) {
    case NL_ACT_LINEAR:
        if (y != x) for (i = 0; i < n; i++) y[i] = x[i];
        break;
    case NL_ACT_RELU:
        for (i = 0; i < n; i++) y[i] = x[i] < 0 ? 0 : x[i];
        break;
    case NL_ACT_SIGMOID:
        for (i = 0; i < n; i++) y[i] = L(r_sigmoid)(x[i]);
        break;
    case NL_ACT_TANH:
        for (i = 0; i < n; i++) y[i] = L(r_tanh)(x[i]);
        break;
    default:   /* NL_ACT_HARD_SIGMOID, Keras 3: relu6(x + 3) / 6 */
        for (i = 0; i < n; i++) {
            T v = x[i] / (T)6 + (T)0.5;
            y[i] = v < 0 ? 0 : (v > 1 ? 1 : v);
        }
        break;
    }
}

/* dx = dy * act'(x), written from the activation's output y = act(x): every
 * activation accepted here has a derivative that y determines (relu: y > 0;
 * hard_sigmoid: 0 < y < 1). dx may be dy. */
RNN_INLINE void L(dact_vec)(int act, int64_t n, const T *y, const T *dy, T *dx)
{
    int64_t i;
    switch (act) {
    case NL_ACT_LINEAR:
        if (dx != dy) for (i = 0; i < n; i++) dx[i] = dy[i];
        break;
    case NL_ACT_RELU:
        for (i = 0; i < n; i++) dx[i] = y[i] > 0 ? dy[i] : 0;
        break;
    case NL_ACT_SIGMOID:
        for (i = 0; i < n; i++) dx[i] = dy[i] * (y[i] * ((T)1 - y[i]));
        break;
    case NL_ACT_TANH:
        for (i = 0; i < n; i++) dx[i] = dy[i] * ((T)1 - y[i] * y[i]);
        break;
    default:   /* NL_ACT_HARD_SIGMOID */
        for (i = 0; i < n; i++) dx[i] = (y[i] > 0 && y[i] < 1) ? dy[i] / (T)6 : 0;
        break;
    }
}

/* ---- the call's state ---------------------------------------------------------- */

struct L(rnn) {
    int cell, act, ract, flags, tasks;
    int64_t b, t, f, u, g, n;
    const T *x, *w, *r, *bias, *rmask;
    const int64_t *xrow;        /* projected: position i reads x's row xrow[i] (NULL: i) */
    int inloop;                 /* forward, projected: P's rows filled step by step */
    const uint8_t *mask;
    /* forward */
    T *y, *h, *c;               /* y (B,T,U); running states h, c (B,U): hn, cn */
    T *p;                       /* B*T x N: projection, then gate activations */
    T *z;                       /* B x N: this step's recurrent product */
    T *hm;                      /* B x U: masked h (or r*h' for gru's h gate) */
    T *hs, *cs, *aux, *tmp;     /* saved per (b, t) rows; tmp B x U scratch */
    /* backward */
    const T *gates, *dy;
    T *d, *dxh;                 /* dZ (B*T x N); gru reset_after: input h part (B*T x U) */
    T *dh, *dc, *carry, *q, *q2;
    int64_t s, tt;              /* the step: processing index and original time */
    /* the sequence loop (L(seq_forward), L(seq_backward)) */
    const L(rnn_kern) *kd;      /* the GEMM micro-kernel, tile mr x nr */
    T *ap;                      /* per block of mr rows: h' (forward) or dZ (backward),
                                 * packed as the kernel's A sliver */
    T *bp;                      /* R (forward) or R^T (backward) as the kernel's B slivers */
    int64_t psa, psb;           /* elements per A block / per B sliver */
    int64_t nblk;               /* blocks of mr batch rows */
    int zadded;                 /* forward: h' R already added into P (not in z) */
    int fuse;                   /* the input projection (forward) or dx (backward)
                                 * runs inside the loop, on W's slivers bw */
    T *bw, *ax;                 /* W or W^T packed; forward: x rows per block */
    int64_t psw, psx;
    T *dx;
    /* backward, weight gradients summed per group of blocks (c->ng > 0): group
     * g's partial dW, dR, db at c->part + g * c->psg (c->pw, pr, pb, pbx
     * offsets in it, -1: not computed); per task status */
    int64_t ng, psg, pw, pr, pb, pbx;
    T *part;
    int gst[NL_MAX_TASKS];
};

static inline int L(row_on)(const struct L(rnn) *c, int64_t b, int64_t tt)
{
    return c->mask == NULL || c->mask[b * c->t + tt] != 0;
}

/* The recurrent dropout mask of gate g for row b (NULL: none). */
static inline const T *L(rmask_row)(const struct L(rnn) *c, int64_t g, int64_t b)
{
    if (c->rmask == NULL)
        return NULL;
    if (c->flags & NL_RNN_GATE_MASKS)
        return c->rmask + (g * c->b + b) * c->u;
    return c->rmask + b * c->u;
}

static inline void L(rows)(const struct L(rnn) *c, int task, int64_t *lo, int64_t *hi)
{
    const int64_t per = c->b / c->tasks, extra = c->b % c->tasks;
    *lo = task * per + (task < extra ? task : extra);
    *hi = *lo + per + (task < extra ? 1 : 0);
}

static void L(run)(struct L(rnn) *c, void (*fn)(void *, int))
{
    if (c->tasks <= 1)
        fn(c, 0);
    else
        nl_parallel_for(c->tasks, fn, c);
}

/* Z[:, g0*U .. g1*U) = sum over those gates of (h * m_g) R_g (+ bias), as one
 * GEMM unless the masks differ per gate. h is B x U (ld U); premasked means h
 * already carries its mask. */
static int L(rec_forward)(struct L(rnn) *c, const T *h, int premasked, int64_t g0,
                          int64_t g1, const T *bias)
{
    const int64_t B = c->b, U = c->u, N = c->n;
    int st = NL_OK;
    if (premasked || c->rmask == NULL)
        return NL(gemm_bias_act)(0, 0, B, (g1 - g0) * U, U, 1, h, U, c->r + g0 * U, N, 0,
                                 c->z + g0 * U, N, bias ? bias + g0 * U : NULL, -1, 0, NULL, 0);
    if (!(c->flags & NL_RNN_GATE_MASKS)) {
        for (int64_t i = 0; i < B * U; i++) c->hm[i] = h[i] * c->rmask[i];
        return NL(gemm_bias_act)(0, 0, B, (g1 - g0) * U, U, 1, c->hm, U, c->r + g0 * U, N, 0,
                                 c->z + g0 * U, N, bias ? bias + g0 * U : NULL, -1, 0, NULL, 0);
    }
    for (int64_t g = g0; g < g1 && st == NL_OK; g++) {
        const T *m = c->rmask + g * B * U;
        for (int64_t i = 0; i < B * U; i++) c->hm[i] = h[i] * m[i];
        st = NL(gemm_bias_act)(0, 0, B, U, U, 1, c->hm, U, c->r + g * U, N, 0, c->z + g * U, N,
                               bias ? bias + g * U : NULL, -1, 0, NULL, 0);
    }
    return st;
}

/* ---- the sequence loop: R packed once, rows through all steps ------------------
 * Batch rows never mix in a recurrence: step s of row b reads only row b of
 * step s-1. So when every gate shares one h' (no per-gate recurrent masks, not
 * gru without reset_after) each task takes whole blocks of mr rows through all
 * T steps with no barrier between steps. R is packed once per call into the
 * micro-kernel's B layout (R^T for backward); each step's new h' (or dZ) rows
 * are packed straight into its A layout by the pass that produces them, so a
 * step is the micro-kernel over the block's tiles plus the elementwise pass,
 * all on data in L1. The kernel sums each element over k in the same order
 * as the GEMM (one K block), so results match the per-step GEMMs bit for bit
 * whenever k fits the GEMM's KC, and never depend on the thread count. */

/* Packs op(B) into the kernel's NR-wide slivers (ps elements apart):
 * op(B)[p][j] = m[p*ld + j], or m[j*ld + p] when trans; zero past cols. */
static void L(seq_pack_b)(int trans, int64_t k, int64_t cols, const T *m, int64_t ld,
                          int64_t nr, int64_t ps, T *dst)
{
    for (int64_t sl = 0; sl * nr < cols; sl++, dst += ps)
        for (int64_t p = 0; p < k; p++)
            for (int64_t j = 0; j < nr; j++) {
                const int64_t col = sl * nr + j;
                dst[p * nr + j] = col >= cols ? 0 : (trans ? m[col * ld + p] : m[p * ld + col]);
            }
}

static int64_t L(seq_round)(int64_t n)
{
    const int64_t pad = GEMM_ALIGN / (int64_t)sizeof(T);
    return (n + pad - 1) / pad * pad;
}

/* Packs the operands of the sequence loop: forward R (U x N) and, when the
 * input projection runs inside the loop (c->fuse), W (F x N); backward R^T
 * (N x U) and, when dx runs inside the loop, W^T (N x F). A blocks zeroed
 * (rows past B stay so). */
static int L(seq_setup)(struct L(rnn) *c, int backward)
{
    const L(rnn_kern) *kd = L(rnn_kernel)();
    const int64_t U = c->u, N = c->n, F = c->fuse ? c->f : 0, mr = kd->mr, nr = kd->nr;
    const int64_t k = backward ? N : U, cols = backward ? U : N;
    const int64_t nsl = (cols + nr - 1) / nr;
    const int64_t kw = backward ? N : F, colw = backward ? F : N;
    const int64_t nslw = F > 0 ? (colw + nr - 1) / nr : 0;
    double elems;
    c->kd = kd;
    c->nblk = (c->b + mr - 1) / mr;
    c->psa = L(seq_round)(k * mr);
    c->psx = backward ? 0 : L(seq_round)(F * mr);
    c->psb = L(seq_round)(k * nr);
    c->psw = L(seq_round)(kw * nr);
    elems = (double)c->nblk * (double)(c->psa + c->psx) + (double)nsl * (double)c->psb +
            (double)nslw * (double)c->psw;
    if (elems > (double)RNN_MAX_ELEMS)
        return NL_ENOMEM;
    c->bp = (T *)nl_aligned_malloc((size_t)elems * sizeof(T));
    if (c->bp == NULL)
        return NL_ENOMEM;
    c->bw = c->bp + nsl * c->psb;
    c->ap = c->bw + nslw * c->psw;
    c->ax = c->ap + c->nblk * c->psa;
    L(seq_pack_b)(backward, k, cols, c->r, N, nr, c->psb, c->bp);
    if (nslw > 0)
        L(seq_pack_b)(backward, kw, colw, c->w, N, nr, c->psw, c->bw);
    memset(c->ap, 0, (size_t)(c->nblk * (c->psa + c->psx)) * sizeof(T));
    return NL_OK;
}

/* rows of src (ld lds, k columns), times the row mask m (ld U, NULL: none),
 * into the A block dst. */
static void L(seq_pack)(const struct L(rnn) *c, T *__restrict dst, int64_t rows, int64_t k,
                        const T *src, int64_t lds, const T *m)
{
    const int64_t mr = c->kd->mr;
    for (int64_t r = 0; r < rows; r++) {
        const T *__restrict sr = src + r * lds;
        if (m)
            for (int64_t p = 0; p < k; p++) dst[p * mr + r] = sr[p] * m[r * c->u + p];
        else
            for (int64_t p = 0; p < k; p++) dst[p * mr + r] = sr[p];
    }
}

/* out[0:rows, 0:cols] (ld ldo) = the A block a times the B slivers bp (ps
 * apart), depth k, or out + that product with acc (the kernel's beta = 1:
 * the sum out + p rounded once, as a separate add would give it); then
 * + bias (per column) when given, as the GEMM's epilogue adds it. */
static void L(seq_product)(const struct L(rnn) *c, const T *a, int64_t rows, int64_t k,
                           int64_t cols, const T *bp, int64_t ps, const T *bias, T *out,
                           int64_t ldo, int acc)
{
    const L(rnn_kern) *kd = c->kd;
    const int64_t nr = kd->nr;
    T tile[GEMM_TILE_MAX];
    for (int64_t j0 = 0; j0 < cols; j0 += nr, bp += ps) {
        const int64_t w = cols - j0 < nr ? cols - j0 : nr;
        if (rows == kd->mr && w == nr) {
            kd->ukr(k, 1, a, bp, acc ? 1 : 0, out + j0, ldo);
        } else {
            kd->ukr(k, 1, a, bp, 0, tile, nr);
            for (int64_t i = 0; i < rows; i++) {
                T *o = out + i * ldo + j0;
                const T *tr = tile + i * nr;
                if (acc)
                    for (int64_t j = 0; j < w; j++) o[j] = o[j] + tr[j];
                else
                    memcpy(o, tr, (size_t)w * sizeof(T));
            }
        }
    }
    if (bias)
        for (int64_t i = 0; i < rows; i++)
            for (int64_t j = 0; j < cols; j++) out[i * ldo + j] += bias[j];
}

/* Blocks [lo, hi) of task `task` out of c->tasks, over c->nblk. */
static void L(seq_blocks)(const struct L(rnn) *c, int task, int64_t *lo, int64_t *hi)
{
    *lo = c->nblk * task / c->tasks;
    *hi = c->nblk * (task + 1) / c->tasks;
}

static int L(seq_tasks)(const struct L(rnn) *c)
{
    int tasks = nl_threads_for((double)c->b * (double)c->n * (double)c->t *
                               ((double)c->u + RNN_ROW_WORK));
    if (tasks > c->nblk) tasks = (int)c->nblk;
    return tasks < 1 ? 1 : tasks;
}

/* ---- forward ------------------------------------------------------------------ */

/* Asks for the n elements at p to be brought into L2: a row of the next step
 * (the next row of each of the block's streams; still measurably faster than
 * leaving them to the hardware prefetcher, for the backward above all). */
static inline void L(prefetch)(const T *p, int64_t n, int write)
{
#if defined(__GNUC__)
    const char *q = (const char *)p, *end = (const char *)(p + n);
    if (write)
        for (; q < end; q += 64) __builtin_prefetch(q, 1, 2);
    else
        for (; q < end; q += 64) __builtin_prefetch(q, 0, 2);
#else
    (void)p; (void)n; (void)write;
#endif
}

/* The row offset (in rows of the per-time arrays) from step s to step s+1,
 * 0 after the last step. */
static inline int64_t L(next_row)(const struct L(rnn) *c, int64_t s)
{
    if (s + 1 >= c->t) return 0;
    return (c->flags & NL_RNN_GO_BACKWARDS) ? -1 : 1;
}

/* The output of a step whose row is masked: the previous step's output (zeros
 * before the first), or zeros with NL_RNN_ZERO_OUTPUT_FOR_MASK. */
static inline void L(masked_output)(const struct L(rnn) *c, int64_t s, T *yrow)
{
    const int64_t U = c->u;
    if (s == 0 || (c->flags & NL_RNN_ZERO_OUTPUT_FOR_MASK))
        for (int64_t j = 0; j < U; j++) yrow[j] = 0;
    else
        memcpy(yrow, yrow - U, (size_t)U * sizeof(T));
}

/* dst = src over n elements: a loop the clone vectorizes, not a call per
 * 256-byte row. */
RNN_INLINE void L(copy)(T *__restrict dst, const T *__restrict src, int64_t n)
{
    for (int64_t j = 0; j < n; j++) dst[j] = src[j];
}

/* Step s (original time tt) of every cell but gru without reset_after, on rows
 * [lo, hi), from this step's recurrent product in Z. */
NL_CLONES static void L(fwd_rows)(struct L(rnn) *c, int64_t s, int64_t tt, int64_t lo,
                                  int64_t hi)
{
    const int64_t U = c->u, N = c->n, nxt = L(next_row)(c, s);
    for (int64_t b = lo; b < hi; b++) {
        const int64_t row = b * c->t + tt;
        T *__restrict pg = c->p + row * N;
        const T *__restrict zr = c->z + b * N;
        T *__restrict h = c->h + b * U;
        T *__restrict yrow = c->y ? c->y + (b * c->t + s) * U : NULL;
        if (nxt) {
            L(prefetch)(pg + nxt * N, N, 1);
            if (yrow) L(prefetch)(yrow + U, U, 1);
            if (c->hs) L(prefetch)(c->hs + (row + nxt) * U, U, 1);
            if (c->cs) L(prefetch)(c->cs + (row + nxt) * U, U, 1);
            if (c->aux) L(prefetch)(c->aux + (row + nxt) * U, U, 1);
        }
        if (c->hs) L(copy)(c->hs + row * U, h, U);
        if (!L(row_on)(c, b, tt)) {
            if (c->hs) {   /* backward never reads these; keep them finite */
                for (int64_t j = 0; j < N; j++) pg[j] = 0;
                if (c->aux) for (int64_t j = 0; j < U; j++) c->aux[row * U + j] = 0;
            }
            if (c->cs) L(copy)(c->cs + row * U, c->c + b * U, U);
            L(masked_output)(c, s, yrow);
            continue;
        }
        if (c->cell == NL_RNN_SIMPLE) {
            if (!c->zadded) for (int64_t j = 0; j < U; j++) pg[j] = pg[j] + zr[j];
            L(act_vec)(c->act, U, pg, pg);
            L(copy)(h, pg, U);
        } else if (c->cell == NL_RNN_LSTM) {
            T *__restrict cc = c->c + b * U;
            T *__restrict ac = c->aux ? c->aux + row * U : c->tmp + b * U;
            const T *ig = pg, *fg = pg + U, *gg = pg + 2 * U, *og = pg + 3 * U;
            if (!c->zadded) for (int64_t j = 0; j < N; j++) pg[j] = pg[j] + zr[j];
            L(act_vec)(c->ract, 2 * U, pg, pg);
            L(act_vec)(c->act, U, pg + 2 * U, pg + 2 * U);
            L(act_vec)(c->ract, U, pg + 3 * U, pg + 3 * U);
            if (c->cs) L(copy)(c->cs + row * U, cc, U);
            for (int64_t j = 0; j < U; j++) cc[j] = fg[j] * cc[j] + ig[j] * gg[j];
            L(act_vec)(c->act, U, cc, ac);
            for (int64_t j = 0; j < U; j++) h[j] = og[j] * ac[j];
        } else {   /* gru, reset_after: z carries the recurrent bias */
            T *__restrict pre = c->tmp + b * U;
            const T *zg = pg, *rg = pg + U;
            T *hh = pg + 2 * U;
            for (int64_t j = 0; j < 2 * U; j++) pg[j] = pg[j] + zr[j];
            L(act_vec)(c->ract, 2 * U, pg, pg);
            if (c->aux) L(copy)(c->aux + row * U, zr + 2 * U, U);
            for (int64_t j = 0; j < U; j++) pre[j] = hh[j] + rg[j] * zr[2 * U + j];
            L(act_vec)(c->act, U, pre, hh);
            for (int64_t j = 0; j < U; j++) h[j] = zg[j] * h[j] + ((T)1 - zg[j]) * hh[j];
        }
        if (yrow) L(copy)(yrow, h, U);
    }
}

static void L(fwd_task)(void *arg, int task)
{
    struct L(rnn) *c = (struct L(rnn) *)arg;
    int64_t lo, hi;
    L(rows)(c, task, &lo, &hi);
    L(fwd_rows)(c, c->s, c->tt, lo, hi);
}

/* gru without reset_after, first half: z and r from P + Z, and hm = r * h'
 * (h' = h times the h gate's mask) for the h gate's recurrent GEMM. */
NL_CLONES static void L(gru_zr_task)(void *arg, int task)
{
    struct L(rnn) *c = (struct L(rnn) *)arg;
    const int64_t U = c->u, N = c->n;
    int64_t lo, hi;
    L(rows)(c, task, &lo, &hi);
    for (int64_t b = lo; b < hi; b++) {
        T *__restrict pg = c->p + (b * c->t + c->tt) * N;
        const T *__restrict zr = c->z + b * N;
        const T *__restrict h = c->h + b * U;
        const T *m = L(rmask_row)(c, 2, b);
        T *__restrict hm = c->hm + b * U;
        for (int64_t j = 0; j < 2 * U; j++) pg[j] = pg[j] + zr[j];
        L(act_vec)(c->ract, 2 * U, pg, pg);
        if (m)
            for (int64_t j = 0; j < U; j++) hm[j] = pg[U + j] * (h[j] * m[j]);
        else
            for (int64_t j = 0; j < U; j++) hm[j] = pg[U + j] * h[j];
    }
}

/* gru without reset_after, second half: hh = act(P_h + (r*h') R_h), update. */
NL_CLONES static void L(gru_h_task)(void *arg, int task)
{
    struct L(rnn) *c = (struct L(rnn) *)arg;
    const int64_t U = c->u, N = c->n;
    int64_t lo, hi;
    L(rows)(c, task, &lo, &hi);
    for (int64_t b = lo; b < hi; b++) {
        const int64_t row = b * c->t + c->tt;
        T *__restrict pg = c->p + row * N;
        const T *__restrict zr = c->z + b * N;
        T *__restrict h = c->h + b * U;
        T *__restrict yrow = c->y ? c->y + (b * c->t + c->s) * U : NULL;
        const T *zg = pg;
        T *hh = pg + 2 * U;
        if (c->hs) memcpy(c->hs + row * U, h, (size_t)U * sizeof(T));
        if (!L(row_on)(c, b, c->tt)) {
            if (c->hs) for (int64_t j = 0; j < N; j++) pg[j] = 0;
            L(masked_output)(c, c->s, yrow);
            continue;
        }
        for (int64_t j = 0; j < U; j++) hh[j] = hh[j] + zr[2 * U + j];
        L(act_vec)(c->act, U, hh, hh);
        for (int64_t j = 0; j < U; j++) h[j] = zg[j] * h[j] + ((T)1 - zg[j]) * hh[j];
        if (yrow) memcpy(yrow, h, (size_t)U * sizeof(T));
    }
}

/* P's row for position i (b*T + t) from the projected input: x's row i, or
 * row xrow[i], plus the (input) bias. */
static inline void L(projected_row)(const struct L(rnn) *c, int64_t i)
{
    const int64_t N = c->n;
    const T *__restrict xi = c->x + (c->xrow ? c->xrow[i] : i) * N;
    T *__restrict pi = c->p + i * N;
    if (c->bias)
        for (int64_t j = 0; j < N; j++) pi[j] = xi[j] + c->bias[j];
    else
        for (int64_t j = 0; j < N; j++) pi[j] = xi[j];
}

/* The whole forward recurrence of this task's row blocks (see above). */
static void L(seq_forward_task)(void *arg, int task)
{
    struct L(rnn) *c = (struct L(rnn) *)arg;
    const int64_t U = c->u, N = c->n, F = c->f, T_ = c->t, mr = c->kd->mr, B = c->b;
    const int gru_ra = c->cell == NL_RNN_GRU;   /* the sequence loop never runs gru_rf */
    const T *b1 = gru_ra && c->bias ? c->bias + N : NULL;
    int64_t qlo, qhi;
    L(seq_blocks)(c, task, &qlo, &qhi);
    /* block by block, each through all steps: a block's rows of the per-time
     * arrays (T rows each, contiguous) stream through L2 and the TLB, where
     * a step over all blocks would touch B rows T apart, a page each */
    for (int64_t q = qlo; q < qhi; q++) {
        const int64_t b0 = q * mr, rows = B - b0 < mr ? B - b0 : mr;
        L(seq_pack)(c, c->ap + q * c->psa, rows, U, c->h + b0 * U, U,
                    c->rmask ? c->rmask + b0 * U : NULL);
        for (int64_t s = 0; s < T_; s++) {
            const int64_t tt = (c->flags & NL_RNN_GO_BACKWARDS) ? T_ - 1 - s : s;
            const int64_t nxt = L(next_row)(c, s);
            T *z = c->z + b0 * N;
            if (c->inloop) {   /* this step's rows of P from the projected input */
                for (int64_t i = 0; i < rows; i++) {
                    const int64_t at = (b0 + i) * T_ + tt;
                    L(projected_row)(c, at);
                    if (nxt)
                        L(prefetch)(c->x + (c->xrow ? c->xrow[at + nxt] : at + nxt) * N, N, 0);
                }
            }
            if (c->fuse) {   /* this step's rows of P = x W + b, as the GEMM would */
                const T *xr = c->x + (b0 * T_ + tt) * F;
                T *ax = c->ax + q * c->psx;
                L(seq_pack)(c, ax, rows, F, xr, T_ * F, NULL);
                if (nxt)
                    for (int64_t i = 0; i < rows; i++)
                        L(prefetch)(xr + i * T_ * F + nxt * F, F, 0);
                L(seq_product)(c, ax, rows, F, N, c->bw, c->psw, c->bias,
                               c->p + (b0 * T_ + tt) * N, T_ * N, 0);
            }
            if (c->zadded)   /* P + h' R straight into P's rows */
                L(seq_product)(c, c->ap + q * c->psa, rows, U, N, c->bp, c->psb, NULL,
                               c->p + (b0 * T_ + tt) * N, T_ * N, 1);
            else
                L(seq_product)(c, c->ap + q * c->psa, rows, U, N, c->bp, c->psb, b1, z, N, 0);
            L(fwd_rows)(c, s, tt, b0, b0 + rows);
            L(seq_pack)(c, c->ap + q * c->psa, rows, U, c->h + b0 * U, U,
                        c->rmask ? c->rmask + b0 * U : NULL);
        }
    }
}

static int L(check)(int cell, int act, int ract, int flags, int64_t b, int64_t t, int64_t f,
                    int64_t u, int64_t *g)
{
    int64_t n;
    const int ok_act = (1 << NL_ACT_LINEAR) | (1 << NL_ACT_RELU) | (1 << NL_ACT_SIGMOID) |
                       (1 << NL_ACT_TANH) | (1 << NL_ACT_HARD_SIGMOID);
    if (cell != NL_RNN_SIMPLE && cell != NL_RNN_LSTM && cell != NL_RNN_GRU)
        return NL_EINVAL;
    if (act < 0 || act > 30 || !((ok_act >> act) & 1) || ract < 0 || ract > 30 ||
        !((ok_act >> ract) & 1))
        return NL_EINVAL;
    if (flags & ~(NL_RNN_GO_BACKWARDS | NL_RNN_RESET_AFTER | NL_RNN_ZERO_OUTPUT_FOR_MASK |
                  NL_RNN_PROJECTED | NL_RNN_GATE_MASKS))
        return NL_EINVAL;
    if (b < 0 || t < 1 || f < 0 || u < 1)
        return NL_EINVAL;
    *g = cell == NL_RNN_SIMPLE ? 1 : (cell == NL_RNN_LSTM ? 4 : 3);
    if (u > RNN_MAX_ELEMS / 4 || f > RNN_MAX_ELEMS || t > RNN_MAX_ELEMS)
        return NL_EINVAL;
    n = *g * u;
    if (b > 0 && (t > RNN_MAX_ELEMS / b || b * t > RNN_MAX_ELEMS / n ||
                  b * t > RNN_MAX_ELEMS / (f > 0 ? f : 1) ||
                  (f > 0 && f > RNN_MAX_ELEMS / n) || u > RNN_MAX_ELEMS / n))
        return NL_EINVAL;
    return NL_OK;
}

static int L(tasks_for)(int64_t b, int64_t n)
{
    int tasks = nl_threads_for((double)b * (double)n * RNN_ROW_WORK);
    if (tasks > b) tasks = (int)b;
    return tasks < 1 ? 1 : tasks;
}

int NL(rnn_forward)(int cell, int act, int ract, int flags, int64_t b, int64_t t, int64_t f,
                    int64_t u, const T *x, int64_t nx, const int64_t *xrow, const T *w,
                    const T *r, const T *bias, const T *h0, const T *c0, const uint8_t *mask,
                    const T *rmask, T *y, T *hn, T *cn, T *gates, T *hs, T *cs, T *aux)
{
    struct L(rnn) c;
    int64_t g, N, BT;
    int st = L(check)(cell, act, ract, flags, b, t, f, u, &g);
    const int projected = (flags & NL_RNN_PROJECTED) != 0;
    const int gru_ra = cell == NL_RNN_GRU && (flags & NL_RNN_RESET_AFTER);
    const int keep = gates != NULL;
    /* one h' for every gate: the sequence loop (else a GEMM per step) */
    const int seq = !(cell == NL_RNN_GRU && !gru_ra) &&
                    !(rmask != NULL && (flags & NL_RNN_GATE_MASKS));
    T *scratch;
    size_t elems;
    if (st != NL_OK)
        return st;
    if (b == 0)
        return NL_OK;
    /* y NULL: outputs not written (hn is the last one), only without a mask,
     * whose masked steps repeat the previous output */
    if (!x || !r || (!y && mask) || !hn || (cell == NL_RNN_LSTM && !cn) ||
        (!projected && f > 0 && !w))
        return NL_EINVAL;
    if (keep && (!hs || (cell == NL_RNN_LSTM && (!cs || !aux)) || (gru_ra && !aux)))
        return NL_EINVAL;
    N = g * u;
    BT = b * t;
    if (xrow) {   /* gathered rows: projected only, each row inside x */
        int bad = 0;
        if (!projected || nx < 0)
            return NL_EINVAL;
        for (int64_t i = 0; i < BT; i++)
            bad |= (uint64_t)xrow[i] >= (uint64_t)nx;
        if (bad)
            return NL_ERANGE;
    }
    memset(&c, 0, sizeof c);
    c.cell = cell; c.act = act; c.ract = ract; c.flags = flags;
    c.b = b; c.t = t; c.f = f; c.u = u; c.g = g; c.n = N;
    c.x = x; c.xrow = xrow; c.w = w; c.r = r; c.bias = bias; c.rmask = rmask; c.mask = mask;
    c.y = y; c.h = hn; c.c = cell == NL_RNN_LSTM ? cn : NULL;
    c.hs = keep ? hs : NULL;
    c.cs = keep && cell == NL_RNN_LSTM ? cs : NULL;
    c.aux = keep && (cell == NL_RNN_LSTM || gru_ra) ? aux : NULL;
    c.tasks = L(tasks_for)(b, N);

    /* scratch: Z (B x N), hm and tmp (B x U each), and P unless kept */
    elems = (size_t)(b * N + 2 * b * u) + (keep ? 0 : (size_t)(BT * N));
    scratch = (T *)malloc(elems * sizeof(T));
    if (!scratch)
        return NL_ENOMEM;
    c.z = scratch;
    c.hm = c.z + b * N;
    c.tmp = c.hm + b * u;
    c.p = keep ? gates : c.tmp + b * u;
    c.fuse = seq && !projected && f > 0;   /* P step by step inside the sequence loop */

    /* the input projection of every step, with the (input) bias: in the
     * sequence loop each block's rows just before the step reads them, else
     * all here */
    c.inloop = seq && projected;
    if (projected && !c.inloop) {
        for (int64_t i = 0; i < BT; i++)
            L(projected_row)(&c, i);
    } else if (!projected && !c.fuse) {
        st = NL(gemm_bias_act)(0, 0, BT, N, f, 1, x, f > 0 ? f : 1, w, N, 0, c.p, N, bias, -1,
                               0, NULL, 0);
    }
    if (h0) memcpy(hn, h0, (size_t)(b * u) * sizeof(T));
    else memset(hn, 0, (size_t)(b * u) * sizeof(T));
    if (c.c) {
        if (c0) memcpy(c.c, c0, (size_t)(b * u) * sizeof(T));
        else memset(c.c, 0, (size_t)(b * u) * sizeof(T));
    }

    if (st == NL_OK && seq) {
        c.zadded = cell != NL_RNN_GRU;   /* gru adds the recurrent bias to z first */
        st = L(seq_setup)(&c, 0);
        if (st == NL_OK) {
            c.tasks = L(seq_tasks)(&c);
            L(run)(&c, L(seq_forward_task));
        }
        nl_aligned_free(c.bp);
    }
    for (int64_t s = 0; s < t && st == NL_OK && !seq; s++) {
        c.s = s;
        c.tt = (flags & NL_RNN_GO_BACKWARDS) ? t - 1 - s : s;
        if (cell == NL_RNN_GRU && !gru_ra) {
            st = L(rec_forward)(&c, c.h, 0, 0, 2, NULL);
            if (st != NL_OK) break;
            L(run)(&c, L(gru_zr_task));
            st = L(rec_forward)(&c, c.hm, 1, 2, 3, NULL);
            if (st != NL_OK) break;
            L(run)(&c, L(gru_h_task));
        } else {
            st = L(rec_forward)(&c, c.h, 0, 0, g, gru_ra && bias ? bias + N : NULL);
            if (st != NL_OK) break;
            L(run)(&c, L(fwd_task));
        }
    }
    free(scratch);
    return st;
}

/* ---- backward ----------------------------------------------------------------- */

/* Q = sum over gates [g0, g1) of (D_g R_g^T) (* m_g unless unmasked), D the
 * step's rows of dZ (ld T*N); out B x U. */
static int L(rec_backward)(struct L(rnn) *c, const T *d, int unmasked, int64_t g0, int64_t g1,
                           T *out)
{
    const int64_t B = c->b, U = c->u, N = c->n, ldd = c->t * N;
    int st;
    if (unmasked || c->rmask == NULL || !(c->flags & NL_RNN_GATE_MASKS)) {
        st = NL(gemm)(0, 1, B, U, (g1 - g0) * U, 1, d + g0 * U, ldd, c->r + g0 * U, N, 0, out,
                      U);
        if (st == NL_OK && !unmasked && c->rmask)
            for (int64_t i = 0; i < B * U; i++) out[i] *= c->rmask[i];
        return st;
    }
    for (int64_t i = 0; i < B * U; i++) out[i] = 0;
    for (int64_t g = g0; g < g1; g++) {
        const T *m = c->rmask + g * B * U;
        st = NL(gemm)(0, 1, B, U, U, 1, d + g * U, ldd, c->r + g * U, N, 0, c->q2, U);
        if (st != NL_OK) return st;
        for (int64_t i = 0; i < B * U; i++) out[i] += c->q2[i] * m[i];
    }
    return NL_OK;
}

/* The step's pre-activation gradients of every row [lo, hi) into dZ; dh is
 * replaced by the part of dh_prev that does not pass through R (gru: dh*z,
 * else 0); dc by dc_prev. Masked rows: zero dZ, states' gradients pass. */
NL_CLONES static void L(bwd_rows)(struct L(rnn) *c, int64_t s, int64_t tt, int64_t lo,
                                  int64_t hi)
{
    /* the step processed next is s-1: the row offset of step s-1 from step s */
    const int64_t U = c->u, N = c->n, prv = s == 0 ? 0 : -L(next_row)(c, s - 1);
    for (int64_t b = lo; b < hi; b++) {
        const int64_t row = b * c->t + tt;
        const T *__restrict gy = c->dy ? c->dy + (b * c->t + s) * U : NULL;
        const T *__restrict gt = c->gates + row * N;
        const T *__restrict hp = c->hs + row * U;
        T *__restrict dz = c->d + row * N;
        T *__restrict dh = c->dh + b * U;
        T *__restrict cy = c->carry + b * U;
        T *__restrict t2 = c->tmp + b * U;
        if (prv) {
            L(prefetch)(gt + prv * N, N, 0);
            L(prefetch)(dz + prv * N, N, 1);
            if (c->cell == NL_RNN_GRU) L(prefetch)(hp + prv * U, U, 0);
            if (gy) L(prefetch)(gy - U, U, 0);
            if (c->cs) L(prefetch)(c->cs + (row + prv) * U, U, 0);
            if (c->aux) L(prefetch)(c->aux + (row + prv) * U, U, 0);
            if (c->dxh) L(prefetch)(c->dxh + (row + prv) * U, U, 1);
        }
        if (!L(row_on)(c, b, tt)) {
            for (int64_t j = 0; j < N; j++) dz[j] = 0;
            if (c->dxh) for (int64_t j = 0; j < U; j++) c->dxh[row * U + j] = 0;
            if (gy && !(c->flags & NL_RNN_ZERO_OUTPUT_FOR_MASK))
                for (int64_t j = 0; j < U; j++) cy[j] += gy[j];
            continue;
        }
        /* the output of this step is the new h: its gradient joins the state's */
        if (c->mask) {
            for (int64_t j = 0; j < U; j++) { dh[j] += cy[j]; cy[j] = 0; }
        }
        if (gy) for (int64_t j = 0; j < U; j++) dh[j] += gy[j];
        if (c->cell == NL_RNN_SIMPLE) {
            L(dact_vec)(c->act, U, gt, dh, dz);
            for (int64_t j = 0; j < U; j++) dh[j] = 0;
        } else if (c->cell == NL_RNN_LSTM) {
            const T *ig = gt, *fg = gt + U, *gg = gt + 2 * U, *og = gt + 3 * U;
            const T *__restrict ac = c->aux + row * U, *__restrict cp = c->cs + row * U;
            T *__restrict dc = c->dc + b * U;
            for (int64_t j = 0; j < U; j++) t2[j] = dh[j] * og[j];
            L(dact_vec)(c->act, U, ac, t2, t2);
            for (int64_t j = 0; j < U; j++) dc[j] += t2[j];
            for (int64_t j = 0; j < U; j++) t2[j] = dh[j] * ac[j];
            L(dact_vec)(c->ract, U, og, t2, dz + 3 * U);
            for (int64_t j = 0; j < U; j++) t2[j] = dc[j] * gg[j];
            L(dact_vec)(c->ract, U, ig, t2, dz);
            for (int64_t j = 0; j < U; j++) t2[j] = dc[j] * cp[j];
            L(dact_vec)(c->ract, U, fg, t2, dz + U);
            for (int64_t j = 0; j < U; j++) t2[j] = dc[j] * ig[j];
            L(dact_vec)(c->act, U, gg, t2, dz + 2 * U);
            for (int64_t j = 0; j < U; j++) dc[j] *= fg[j];
            for (int64_t j = 0; j < U; j++) dh[j] = 0;
        } else {
            const T *zg = gt, *rg = gt + U, *hh = gt + 2 * U;
            for (int64_t j = 0; j < U; j++) t2[j] = dh[j] * (hp[j] - hh[j]);
            L(dact_vec)(c->ract, U, zg, t2, dz);
            for (int64_t j = 0; j < U; j++) t2[j] = dh[j] * ((T)1 - zg[j]);
            if (c->dxh) {   /* reset_after: d(hh_pre) is the input part */
                T *__restrict dxh = c->dxh + row * U;
                const T *__restrict hzh = c->aux + row * U;
                L(dact_vec)(c->act, U, hh, t2, dxh);
                for (int64_t j = 0; j < U; j++) t2[j] = dxh[j] * hzh[j];
                L(dact_vec)(c->ract, U, rg, t2, dz + U);
                for (int64_t j = 0; j < U; j++) dz[2 * U + j] = dxh[j] * rg[j];
            } else {        /* d(r) needs d(hh_pre) R_h^T first: gru_r_task */
                L(dact_vec)(c->act, U, hh, t2, dz + 2 * U);
            }
            for (int64_t j = 0; j < U; j++) dh[j] = dh[j] * zg[j];
        }
    }
}

static void L(bwd_task)(void *arg, int task)
{
    struct L(rnn) *c = (struct L(rnn) *)arg;
    int64_t lo, hi;
    L(rows)(c, task, &lo, &hi);
    L(bwd_rows)(c, c->s, c->tt, lo, hi);
}

/* gru without reset_after: with q = d(hh_pre) R_h^T (in c->q), the gradient
 * of r*h' is q: dr = q * h', and dh_prev gains q * r * m_h. */
NL_CLONES static void L(gru_r_task)(void *arg, int task)
{
    struct L(rnn) *c = (struct L(rnn) *)arg;
    const int64_t U = c->u, N = c->n;
    int64_t lo, hi;
    L(rows)(c, task, &lo, &hi);
    for (int64_t b = lo; b < hi; b++) {
        const int64_t row = b * c->t + c->tt;
        const T *__restrict rg = c->gates + row * N + U;
        const T *__restrict hp = c->hs + row * U;
        const T *__restrict q = c->q + b * U;
        const T *m = L(rmask_row)(c, 2, b);
        T *__restrict dz = c->d + row * N;
        T *__restrict dh = c->dh + b * U;
        T *__restrict t2 = c->tmp + b * U;
        if (!L(row_on)(c, b, c->tt))
            continue;
        if (m) {
            for (int64_t j = 0; j < U; j++) t2[j] = q[j] * (hp[j] * m[j]);
            for (int64_t j = 0; j < U; j++) dh[j] += (q[j] * rg[j]) * m[j];
        } else {
            for (int64_t j = 0; j < U; j++) t2[j] = q[j] * hp[j];
            for (int64_t j = 0; j < U; j++) dh[j] += q[j] * rg[j];
        }
        L(dact_vec)(c->ract, U, rg, t2, dz + U);
    }
}

/* dh += Q on the unmasked rows (Q = the gradient through R, in c->q2 or q). */
static void L(add_q_rows)(struct L(rnn) *c, int64_t tt, int64_t lo, int64_t hi)
{
    const int64_t U = c->u;
    for (int64_t b = lo; b < hi; b++) {
        const T *__restrict q = c->q + b * U;
        T *__restrict dh = c->dh + b * U;
        if (!L(row_on)(c, b, tt))
            continue;
        for (int64_t j = 0; j < U; j++) dh[j] += q[j];
    }
}

static void L(add_q_task)(void *arg, int task)
{
    struct L(rnn) *c = (struct L(rnn) *)arg;
    int64_t lo, hi;
    L(rows)(c, task, &lo, &hi);
    L(add_q_rows)(c, c->tt, lo, hi);
}

/* The whole backward recurrence of this task's row blocks: each step the
 * elementwise pass writes dZ, whose rows are packed as A for dZ R^T. */
/* Group g's partial weight gradients from its rows of dZ (blocks [q0, q1):
 * rows q0*mr*T ... of every per-time array, contiguous), while they are in
 * L2: dW_g = X_g^T dZ_g, dR_g = H'_g^T dZ_g, db_g = column sums of dZ_g
 * (gru reset_after: the h columns of dW and the input h bias from dxh). */
static int L(group_grads)(struct L(rnn) *c, int64_t g, int64_t q0, int64_t q1)
{
    const int64_t U = c->u, N = c->n, F = c->f, mr = c->kd->mr, T_ = c->t;
    const int64_t b1 = q1 * mr < c->b ? q1 * mr : c->b, r0 = q0 * mr * T_;
    const int64_t k = (b1 - q0 * mr) * T_;
    const int gru_ra = c->dxh != NULL;
    const T *d = c->d + r0 * N, *dxh = gru_ra ? c->dxh + r0 * U : NULL;
    T *part = c->part + g * c->psg;
    int st = NL_OK;
    if (c->pw >= 0) {
        const T *x = c->x + r0 * F;
        if (gru_ra) {
            st = NL(gemm)(1, 0, F, 2 * U, k, 1, x, F, d, N, 0, part + c->pw, N);
            if (st == NL_OK)
                st = NL(gemm)(1, 0, F, U, k, 1, x, F, dxh, U, 0, part + c->pw + 2 * U, N);
        } else {
            st = NL(gemm)(1, 0, F, N, k, 1, x, F, d, N, 0, part + c->pw, N);
        }
    }
    if (st == NL_OK && c->pr >= 0)
        st = NL(gemm)(1, 0, U, N, k, 1, c->hs + r0 * U, U, d, N, 0, part + c->pr, N);
    if (st == NL_OK && c->pb >= 0) {
        NL(bias_backward)(k, N, d, N, part + c->pb);
        if (gru_ra) NL(bias_backward)(k, U, dxh, U, part + c->pbx);
    }
    return st;
}

/* out[0:n] = the sum over groups of the partials at offset off, in group order
 * (the same for any thread count). */
static void L(sum_groups)(const struct L(rnn) *c, int64_t off, int64_t n, T *out)
{
    memcpy(out, c->part + off, (size_t)n * sizeof(T));
    for (int64_t g = 1; g < c->ng; g++) {
        const T *p = c->part + g * c->psg + off;
        for (int64_t i = 0; i < n; i++) out[i] += p[i];
    }
}

static void L(seq_backward_task)(void *arg, int task)
{
    struct L(rnn) *c = (struct L(rnn) *)arg;
    const int64_t U = c->u, N = c->n, F = c->f, mr = c->kd->mr, B = c->b, TN = c->t * N;
    int64_t qlo, qhi, glo = 0, gq0;
    if (c->ng > 0) {   /* whole groups per task, each group's blocks in turn */
        glo = c->ng * task / c->tasks;
        qlo = c->nblk * glo / c->ng;
        qhi = c->nblk * (c->ng * (task + 1) / c->tasks) / c->ng;
    } else {
        L(seq_blocks)(c, task, &qlo, &qhi);
    }
    c->gst[task] = NL_OK;
    gq0 = qlo;
    /* block by block, each through all steps (see L(seq_forward_task)) */
    for (int64_t q = qlo; q < qhi; q++) {
        for (int64_t s = c->t - 1; s >= 0; s--) {
            const int64_t tt = (c->flags & NL_RNN_GO_BACKWARDS) ? c->t - 1 - s : s;
            const int64_t prv = s == 0 ? 0 : -L(next_row)(c, s - 1);
            const int64_t b0 = q * mr, rows = B - b0 < mr ? B - b0 : mr;
            T *a = c->ap + q * c->psa, *qq = c->q + b0 * U;
            L(bwd_rows)(c, s, tt, b0, b0 + rows);
            L(seq_pack)(c, a, rows, N, c->d + b0 * TN + tt * N, TN, NULL);
            L(seq_product)(c, a, rows, N, U, c->bp, c->psb, NULL, qq, U, 0);
            if (c->rmask) {
                const T *m = c->rmask + b0 * U;
                for (int64_t i = 0; i < rows * U; i++) qq[i] *= m[i];
            }
            L(add_q_rows)(c, tt, b0, b0 + rows);
            if (c->fuse) {   /* this step's rows of dx = dZ W^T, as the GEMM would */
                T *dxr = c->dx + (b0 * c->t + tt) * F;
                L(seq_product)(c, a, rows, N, F, c->bw, c->psw, NULL, dxr, c->t * F, 0);
                if (prv)
                    for (int64_t i = 0; i < rows; i++)
                        L(prefetch)(dxr + i * c->t * F + prv * F, F, 1);
            }
        }
        if (c->ng > 0 && q + 1 == c->nblk * (glo + 1) / c->ng) {   /* the group's last block */
            if (c->gst[task] == NL_OK)
                c->gst[task] = L(group_grads)(c, glo, gq0, q + 1);
            glo++;
            gq0 = q + 1;
        }
    }
}

/* dst = hs * m (rows b*T + t use mask row b of gate g), or with r too:
 * dst = r * hs * m for gru's h gate (r from the saved gates). */
static void L(masked_states)(const struct L(rnn) *c, int64_t g, int with_r, T *dst)
{
    const int64_t U = c->u, N = c->n;
    for (int64_t b = 0; b < c->b; b++) {
        const T *m = L(rmask_row)(c, g, b);
        for (int64_t tt = 0; tt < c->t; tt++) {
            const int64_t row = b * c->t + tt;
            const T *__restrict hp = c->hs + row * U;
            const T *__restrict rg = c->gates + row * N + U;
            T *__restrict o = dst + row * U;
            if (with_r && m) for (int64_t j = 0; j < U; j++) o[j] = rg[j] * (hp[j] * m[j]);
            else if (with_r) for (int64_t j = 0; j < U; j++) o[j] = rg[j] * hp[j];
            else if (m) for (int64_t j = 0; j < U; j++) o[j] = hp[j] * m[j];
            else memcpy(o, hp, (size_t)U * sizeof(T));
        }
    }
}

int NL(rnn_backward)(int cell, int act, int ract, int flags, int64_t b, int64_t t, int64_t f,
                     int64_t u, const T *x, const T *w, const T *r, const uint8_t *mask,
                     const T *rmask, const T *gates, const T *hs, const T *cs, const T *aux,
                     const T *dy, const T *dhn, const T *dcn, T *dx, T *dw, T *dr, T *dbias,
                     T *dh0, T *dc0, T *work)
{
    struct L(rnn) c;
    int64_t g, N, BT;
    int st = L(check)(cell, act, ract, flags, b, t, f, u, &g);
    const int projected = (flags & NL_RNN_PROJECTED) != 0;
    const int gru_ra = cell == NL_RNN_GRU && (flags & NL_RNN_RESET_AFTER);
    const int gru_rf = cell == NL_RNN_GRU && !gru_ra;
    const int seq = !gru_rf && !(rmask != NULL && (flags & NL_RNN_GATE_MASKS));
    T *scratch, *hm = NULL;
    size_t elems;
    if (st != NL_OK)
        return st;
    N = g * u;
    BT = b * t;
    if (b == 0) {
        if (dw && !projected) memset(dw, 0, (size_t)(f * N) * sizeof(T));
        if (dr) memset(dr, 0, (size_t)(u * N) * sizeof(T));
        if (dbias) memset(dbias, 0, (size_t)((gru_ra ? 2 : 1) * N) * sizeof(T));
        return NL_OK;
    }
    if (!r || !gates || !hs || (cell == NL_RNN_LSTM && (!cs || !aux)) || (gru_ra && !aux))
        return NL_EINVAL;
    if (!projected && f > 0 && ((dw && !x) || (dx && !w)))
        return NL_EINVAL;
    memset(&c, 0, sizeof c);
    c.cell = cell; c.act = act; c.ract = ract; c.flags = flags;
    c.b = b; c.t = t; c.f = f; c.u = u; c.g = g; c.n = N;
    c.x = x; c.w = w; c.r = r; c.rmask = rmask; c.mask = mask;
    c.gates = gates; c.hs = (T *)hs; c.cs = (T *)cs; c.aux = (T *)aux; c.dy = dy;
    c.tasks = L(tasks_for)(b, N);

    /* scratch: dZ (B*T x N), gru reset_after's input h part (B*T x U), and
     * dh, dc, carry, q, q2, tmp (B x U each); later the masked states */
    elems = (size_t)(BT * N) + (gru_ra ? (size_t)(BT * u) : 0) + (size_t)(6 * b * u);
    scratch = work ? work : (T *)malloc(elems * sizeof(T));
    if (!scratch)
        return NL_ENOMEM;
    /* projected: dZ is dx (its input part but gru reset_after's h gate,
     * written in at the end), so it goes straight there */
    c.d = projected && dx ? dx : scratch;
    c.dxh = gru_ra ? scratch + BT * N : NULL;
    c.dh = scratch + BT * N + (gru_ra ? BT * u : 0);
    c.dc = c.dh + b * u;
    c.carry = c.dc + b * u;
    c.q = c.carry + b * u;
    c.q2 = c.q + b * u;
    c.tmp = c.q2 + b * u;
    if (dhn) memcpy(c.dh, dhn, (size_t)(b * u) * sizeof(T));
    else memset(c.dh, 0, (size_t)(b * u) * sizeof(T));
    if (cell == NL_RNN_LSTM && dcn) memcpy(c.dc, dcn, (size_t)(b * u) * sizeof(T));
    else memset(c.dc, 0, (size_t)(b * u) * sizeof(T));
    memset(c.carry, 0, (size_t)(b * u) * sizeof(T));

    c.fuse = seq && dx && !projected && f > 0 && !gru_ra;   /* dx inside the loop */
    c.dx = dx;
    c.pw = c.pr = c.pb = c.pbx = -1;
    if (seq) {
        st = L(seq_setup)(&c, 1);
        if (st == NL_OK && rmask == NULL) {
            /* the weight gradients per group of blocks, while each group's dZ
             * is in L2, then summed in group order: RNN_GROUPS groups (fewer
             * for few blocks or large weights; under 2, after the loop) */
            int64_t per = 0;
            if (dw && !projected && f > 0) { c.pw = per; per += f * N; }
            if (dr) { c.pr = per; per += u * N; }
            if (dbias) { c.pb = per; per += N; if (gru_ra) { c.pbx = per; per += u; } }
            c.ng = per == 0 ? 0 : (c.nblk < RNN_GROUPS ? c.nblk : RNN_GROUPS);
            if (per > 0 && c.ng > RNN_PART_MAX / per) c.ng = RNN_PART_MAX / per;
            if (c.ng < 2) {
                c.ng = 0;
                c.pw = c.pr = c.pb = c.pbx = -1;
            } else {
                c.psg = L(seq_round)(per);
                c.part = (T *)malloc((size_t)(c.ng * c.psg) * sizeof(T));
                if (c.part == NULL) st = NL_ENOMEM;
            }
        }
        if (st == NL_OK) {
            c.tasks = L(seq_tasks)(&c);
            if (c.ng > 0 && c.tasks > c.ng) c.tasks = (int)c.ng;
            L(run)(&c, L(seq_backward_task));
            for (int i = 0; i < c.tasks; i++)
                if (c.gst[i] != NL_OK) st = c.gst[i];
        }
        nl_aligned_free(c.bp);
    }
    if (st == NL_OK && c.ng > 0) {
        if (c.pw >= 0) L(sum_groups)(&c, c.pw, f * N, dw);
        if (c.pr >= 0) L(sum_groups)(&c, c.pr, u * N, dr);
        if (c.pb >= 0) {
            T *db1 = gru_ra ? dbias + N : dbias;
            L(sum_groups)(&c, c.pb, N, db1);
            if (gru_ra) {   /* input bias: z and r columns as the recurrent's, h from dxh */
                memcpy(dbias, db1, (size_t)(2 * u) * sizeof(T));
                L(sum_groups)(&c, c.pbx, u, dbias + 2 * u);
            }
        }
    }
    free(c.part);
    for (int64_t s = t - 1; s >= 0 && st == NL_OK && !seq; s--) {
        const T *ds;
        c.s = s;
        c.tt = (flags & NL_RNN_GO_BACKWARDS) ? t - 1 - s : s;
        ds = c.d + c.tt * N;
        L(run)(&c, L(bwd_task));
        if (gru_rf) {
            st = L(rec_backward)(&c, ds, 1, 2, 3, c.q);
            if (st != NL_OK) break;
            L(run)(&c, L(gru_r_task));
            st = L(rec_backward)(&c, ds, 0, 0, 2, c.q);
        } else {
            st = L(rec_backward)(&c, ds, 0, 0, g, c.q);
        }
        if (st != NL_OK) break;
        L(run)(&c, L(add_q_task));
    }
    if (st == NL_OK) {
        if (dh0) memcpy(dh0, c.dh, (size_t)(b * u) * sizeof(T));
        if (dc0 && cell == NL_RNN_LSTM) memcpy(dc0, c.dc, (size_t)(b * u) * sizeof(T));
    }

    /* the weight gradients, one GEMM each over all steps; dZ's input part is
     * D, except gru reset_after's h gate whose input part is dxh */
    if (st == NL_OK && dx && !projected) {
        if (f > 0 && !c.fuse) {
            if (gru_ra) {
                st = NL(gemm)(0, 1, BT, f, 2 * u, 1, c.d, N, w, N, 0, dx, f);
                if (st == NL_OK)
                    st = NL(gemm)(0, 1, BT, f, u, 1, c.dxh, u, w + 2 * u, N, 1, dx, f);
            } else {
                st = NL(gemm)(0, 1, BT, f, N, 1, c.d, N, w, N, 0, dx, f);
            }
        }
    }
    if (st == NL_OK && dw && !projected && f > 0 && c.pw < 0) {
        if (gru_ra) {
            st = NL(gemm)(1, 0, f, 2 * u, BT, 1, x, f, c.d, N, 0, dw, N);
            if (st == NL_OK)
                st = NL(gemm)(1, 0, f, u, BT, 1, x, f, c.dxh, u, 0, dw + 2 * u, N);
        } else {
            st = NL(gemm)(1, 0, f, N, BT, 1, x, f, c.d, N, 0, dw, N);
        }
    }
    if (st == NL_OK && dbias && c.pb < 0) {
        if (gru_ra) {   /* the input bias's z and r columns are the recurrent's */
            NL(bias_backward)(BT, N, c.d, N, dbias + N);
            memcpy(dbias, dbias + N, (size_t)(2 * u) * sizeof(T));
            NL(bias_backward)(BT, u, c.dxh, u, dbias + 2 * u);
        } else {
            NL(bias_backward)(BT, N, c.d, N, dbias);
        }
    }
    if (st == NL_OK && dr && c.pr < 0) {
        const int need_hm = rmask != NULL || gru_rf;
        if (need_hm) {
            hm = (T *)malloc((size_t)(BT * u) * sizeof(T));
            if (!hm) st = NL_ENOMEM;
        }
        if (st == NL_OK && (rmask == NULL || !(flags & NL_RNN_GATE_MASKS))) {
            const int64_t gl = gru_rf ? 2 : g;   /* gates sharing one H' */
            const T *hsrc = hs;
            if (rmask) { L(masked_states)(&c, 0, 0, hm); hsrc = hm; }
            st = NL(gemm)(1, 0, u, gl * u, BT, 1, hsrc, u, c.d, N, 0, dr, N);
        } else if (st == NL_OK) {
            for (int64_t gi = 0; gi < (gru_rf ? 2 : g) && st == NL_OK; gi++) {
                L(masked_states)(&c, gi, 0, hm);
                st = NL(gemm)(1, 0, u, u, BT, 1, hm, u, c.d + gi * u, N, 0, dr + gi * u, N);
            }
        }
        if (st == NL_OK && gru_rf) {
            L(masked_states)(&c, 2, 1, hm);
            st = NL(gemm)(1, 0, u, u, BT, 1, hm, u, c.d + 2 * u, N, 0, dr + 2 * u, N);
        }
        free(hm);
    }
    if (st == NL_OK && dx && projected && gru_ra)   /* dZ's uses are over */
        for (int64_t i = 0; i < BT; i++)
            memcpy(dx + i * N + 2 * u, c.dxh + i * u, (size_t)u * sizeof(T));
    if (!work) free(scratch);
    return st;
}
