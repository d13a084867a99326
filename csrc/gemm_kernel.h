/* gemm_kernel.h - cache-blocked GEMM written once for any floating type:
 * the reference micro-kernel, the packing routines, the macro-kernel and the
 * blocking driver behind nl_sgemm / nl_dgemm. No include guard: gemm.c
 * includes it once per type with these macros defined:
 *   T       the element type (float or double)
 *   NL(x)   the exported name for this type (nl_s##x or nl_d##x)
 *   L(x)    a file-local name for this type (s_##x or d_##x)
 *   KERN    the kernel description type (struct nl_skernel / nl_dkernel)
 *   EPI     the epilogue type (struct nl_sepilogue / nl_depilogue)
 *   CHOSEN_KERNEL()         the kernel dispatch chose (cpu.c)
 *   REF_MR, REF_NR          tile of the reference micro-kernel
 *   REF_MC, REF_KC, REF_NC  cache blocks used with it
 * and with gemm_internal.h, gemm_min and gemm_round_up from gemm.c in scope.
 *
 * Layout of the algorithm (BLIS / Goto):
 *   for jc over n in steps of NC:        B panel  KC x NC  -> L3
 *     for pc over k in steps of KC:      pack op(B) into NR-wide slivers
 *       for ic over m in steps of MC:    A block  MC x KC  -> L2
 *         pack op(A) into MR-tall slivers
 *         for jr over nc in steps of NR: B sliver KC x NR  -> L1
 *           for ir over MC in steps of MR:
 *             micro-kernel: MR x NR tile of C += A sliver * B sliver
 * The transpose flags are absorbed entirely by the two packing routines, so
 * the micro-kernel sees one layout whatever the flags are.
 */

/* ---- reference micro-kernel (plain C) ----------------------------------- */

/* Portable: the accumulator tile is a fixed-size local array with
 * compile-time bounds, which gcc/clang -O3 unroll and turn into SIMD code for
 * the baseline ISA without intrinsics or -march flags. */
static void L(ukr_ref)(int64_t kc, T alpha, const T *__restrict a,
                       const T *__restrict b, T beta, T *__restrict c, int64_t ldc)
{
    T ab[REF_MR][REF_NR];
    int i, j;

    for (i = 0; i < REF_MR; i++)
        for (j = 0; j < REF_NR; j++)
            ab[i][j] = 0;

    /* One rank-1 update per p. Written with j outside and i inside: gcc 12
     * then vectorizes across j (a[i] broadcast into an SSE vector);
     * with i outside it vectorized the p loop instead for MR*NR > 32 and ran
     * 4x slower. Measured at 512^3 on x86-64 baseline SSE2. */
    for (int64_t p = 0; p < kc; p++) {
        for (j = 0; j < REF_NR; j++) {
            const T bj = b[j];
            for (i = 0; i < REF_MR; i++)
                ab[i][j] += a[i] * bj;
        }
        a += REF_MR;
        b += REF_NR;
    }

    /* Separate loops, not a multiply by beta: beta == 0 must overwrite a NaN
     * or Inf already in C, and 0 * NaN is NaN. */
    if (beta == 0) {
        for (i = 0; i < REF_MR; i++)
            for (j = 0; j < REF_NR; j++)
                c[i * ldc + j] = alpha * ab[i][j];
    } else {
        for (i = 0; i < REF_MR; i++)
            for (j = 0; j < REF_NR; j++)
                c[i * ldc + j] = alpha * ab[i][j] + beta * c[i * ldc + j];
    }
}

/* Read-only after compilation: not mutable global state. */
const KERN NL(kernel_ref) = {
    "ref", REF_MR, REF_NR, REF_MC, REF_KC, REF_NC, L(ukr_ref)
};

/* Catches a reference tile that would not fit the edge-tile buffer at
 * compile time (a negative array size is an error). */
typedef char L(ref_tile_fits)[REF_MR * REF_NR <= GEMM_TILE_MAX ? 1 : -1];

/* ---- packing -------------------------------------------------------------- */

/* Packs the mc x kc block of op(A) starting at `a` into MR-tall row slivers.
 * Sliver s holds rows s*mr .. s*mr+mr-1 column after column
 * (dst[s*ps + p*mr + r]), so the micro-kernel reads A with unit stride. Rows
 * past mc are zero-filled: the micro-kernel can always compute a full tile
 * and the extra rows are simply not written back. */
static void L(pack_a)(int trans, int64_t mc, int64_t kc, const T *a, int64_t lda,
                      int mr, int64_t ps, T *__restrict dst)
{
    for (int64_t i0 = 0; i0 < mc; i0 += mr, dst += ps) {
        const int rows = (int)gemm_min(mr, mc - i0);
        int r;
        if (!trans) {
            /* op(A)[i][p] = a[i*lda + p]: mr row streams read in step */
            const T *src = a + i0 * lda;
            for (int64_t p = 0; p < kc; p++) {
                for (r = 0; r < rows; r++)
                    dst[p * mr + r] = src[r * lda + p];
                for (; r < mr; r++)
                    dst[p * mr + r] = 0;
            }
        } else {
            /* op(A)[i][p] = a[p*lda + i]: each packed column is contiguous */
            const T *src = a + i0;
            for (int64_t p = 0; p < kc; p++) {
                for (r = 0; r < rows; r++)
                    dst[p * mr + r] = src[p * lda + r];
                for (; r < mr; r++)
                    dst[p * mr + r] = 0;
            }
        }
    }
}

/* Packs the kc x nc panel of op(B) starting at `b` into NR-wide column
 * slivers: dst[s*ps + p*nr + j] = op(B)[p][s*nr + j], zero past nc. */
static void L(pack_b)(int trans, int64_t kc, int64_t nc, const T *b, int64_t ldb,
                      int nr, int64_t ps, T *__restrict dst)
{
    for (int64_t j0 = 0; j0 < nc; j0 += nr, dst += ps) {
        const int cols = (int)gemm_min(nr, nc - j0);
        int j;
        if (!trans) {
            /* op(B)[p][j] = b[p*ldb + j]: a packed row is a contiguous run */
            const T *src = b + j0;
            for (int64_t p = 0; p < kc; p++) {
                for (j = 0; j < cols; j++)
                    dst[p * nr + j] = src[p * ldb + j];
                for (; j < nr; j++)
                    dst[p * nr + j] = 0;
            }
        } else {
            /* op(B)[p][j] = b[j*ldb + p]: nr row streams of B read in step */
            const T *src = b + j0 * ldb;
            for (int64_t p = 0; p < kc; p++) {
                for (j = 0; j < cols; j++)
                    dst[p * nr + j] = src[j * ldb + p];
                for (; j < nr; j++)
                    dst[p * nr + j] = 0;
            }
        }
    }
}

/* ---- C update helpers ------------------------------------------------------ */

/* C = beta * C, for k == 0 or alpha == 0 where no product is formed.
 * beta == 0 stores zeros without reading C (NaN in C does not survive). */
static void L(scale_c)(int64_t m, int64_t n, T beta, T *c, int64_t ldc)
{
    if (beta == 1)
        return;
    for (int64_t i = 0; i < m; i++) {
        T *ci = c + i * ldc;
        if (beta == 0)
            for (int64_t j = 0; j < n; j++) ci[j] = 0;
        else
            for (int64_t j = 0; j < n; j++) ci[j] *= beta;
    }
}

/* Writes the valid mr x nr corner of an edge tile (already scaled by alpha)
 * into C: c = tile + beta * c, never reading c when beta == 0. */
static void L(merge_tile)(int mr, int nr, const T *tile, int ldt, T beta,
                          T *c, int64_t ldc)
{
    int i, j;
    if (beta == 0) {
        for (i = 0; i < mr; i++)
            for (j = 0; j < nr; j++)
                c[i * ldc + j] = tile[i * ldt + j];
    } else {
        for (i = 0; i < mr; i++)
            for (j = 0; j < nr; j++)
                c[i * ldc + j] = tile[i * ldt + j] + beta * c[i * ldc + j];
    }
}

/* ---- epilogue ------------------------------------------------------------ */

/* Bias and activation on an mr x nr block of C whose first column is column
 * `col` of the whole product; y (if not C itself) is written at the same
 * place. Used per tile, right after the tile's last K block. */
static void L(epilogue)(const EPI *ep, int64_t mr, int64_t nr, int64_t row, int64_t col,
                        T *c, int64_t ldc)
{
    for (int64_t i = 0; i < mr; i++) {
        T *ci = c + i * ldc;
        if (ep->bias) {
            const T *bj = ep->bias + col;
            for (int64_t j = 0; j < nr; j++) ci[j] += bj[j];
        }
        if (ep->act >= 0) {
            T *yi = ep->y + (row + i) * ep->ldy + col;
            NL(activation_forward)(ep->act, 1, nr, ep->act_alpha, ci, yi);
        }
    }
}

/* ---- macro-kernel ------------------------------------------------------- */

/* C[0:mc, 0:nc] = alpha * Apack * Bpack + beta * C[0:mc, 0:nc] for one packed
 * A block and one packed B panel; (row, col) is where this block of C starts
 * in the whole product (for the epilogue, given only with the last K block). */
static void L(macro_kernel)(const KERN *kd, int64_t mc, int64_t nc,
                            int64_t kc, T alpha, const T *ap, int64_t psa,
                            const T *bp, int64_t psb, T beta, T *c, int64_t ldc,
                            const EPI *ep, int64_t row, int64_t col)
{
    const int mr = kd->mr, nr = kd->nr;
    T tile[GEMM_TILE_MAX];   /* per call, on the stack: safe under threads */

    for (int64_t jr = 0; jr < nc; jr += nr, bp += psb) {
        const int nr_e = (int)gemm_min(nr, nc - jr);
        const T *as = ap;
        for (int64_t ir = 0; ir < mc; ir += mr, as += psa) {
            const int mr_e = (int)gemm_min(mr, mc - ir);
            T *cij = c + ir * ldc + jr;
            if (mr_e == mr && nr_e == nr) {
                kd->ukr(kc, alpha, as, bp, beta, cij, ldc);
            } else {
                /* Full tile into the buffer (beta = 0: it is uninitialised),
                 * then only the part inside C is merged. */
                kd->ukr(kc, alpha, as, bp, 0, tile, nr);
                L(merge_tile)(mr_e, nr_e, tile, nr, beta, cij, ldc);
            }
            if (ep)
                L(epilogue)(ep, mr_e, nr_e, row + ir, col + jr, cij, ldc);
        }
    }
}

/* ---- driver ------------------------------------------------------------------ */

/* Blocking loops around the macro-kernel for one kernel description.
 * Expects validated arguments with m, n, k > 0. (row0, col0) is where this
 * block of C starts in the whole product, for the epilogue. */
static int L(gemm_blocked)(const KERN *kd, int trans_a, int trans_b,
                           int64_t m, int64_t n, int64_t k, T alpha,
                           const T *a, int64_t lda, const T *b, int64_t ldb,
                           T beta, T *c, int64_t ldc, const EPI *ep,
                           int64_t row0, int64_t col0)
{
    const int mr = kd->mr, nr = kd->nr;
    /* Slivers are padded to whole GEMM_ALIGN units so every sliver, and the
     * B panel after the A block, starts aligned for SIMD kernels. */
    const int64_t pad = GEMM_ALIGN / (int64_t)sizeof(T);
    const int64_t mc_max = gemm_min(m, kd->mc);
    const int64_t kc_max = gemm_min(k, kd->kc);
    const int64_t nc_max = gemm_min(n, kd->nc);
    const int64_t a_len = (mc_max + mr - 1) / mr * gemm_round_up(kc_max * mr, pad);
    const int64_t b_len = (nc_max + nr - 1) / nr * gemm_round_up(kc_max * nr, pad);
    T *ap, *bp;

    /* One allocation per call (no static scratch), freed before returning. */
    ap = (T *)nl_aligned_malloc((size_t)(a_len + b_len) * sizeof(T));
    if (ap == NULL)
        return NL_ENOMEM;
    bp = ap + a_len;

    for (int64_t jc = 0; jc < n; jc += kd->nc) {
        const int64_t nc = gemm_min(kd->nc, n - jc);
        for (int64_t pc = 0; pc < k; pc += kd->kc) {
            const int64_t kc = gemm_min(kd->kc, k - pc);
            const int64_t psa = gemm_round_up(kc * mr, pad);
            const int64_t psb = gemm_round_up(kc * nr, pad);
            /* The caller's beta applies once; later K blocks accumulate. */
            const T beta_pc = pc == 0 ? beta : (T)1;
            const EPI *ep_pc = pc + kc >= k ? ep : NULL;

            L(pack_b)(trans_b, kc, nc,
                      trans_b ? b + jc * ldb + pc : b + pc * ldb + jc, ldb,
                      nr, psb, bp);
            for (int64_t ic = 0; ic < m; ic += kd->mc) {
                const int64_t mc = gemm_min(kd->mc, m - ic);
                L(pack_a)(trans_a, mc, kc,
                          trans_a ? a + pc * lda + ic : a + ic * lda + pc, lda,
                          mr, psa, ap);
                L(macro_kernel)(kd, mc, nc, kc, alpha, ap, psa, bp, psb,
                                beta_pc, c + ic * ldc + jc, ldc, ep_pc,
                                row0 + ic, col0 + jc);
            }
        }
    }

    nl_aligned_free(ap);
    return NL_OK;
}

/* ---- threads ------------------------------------------------------------------ */

/* One GEMM split into blocks of C along M or N. Block boundaries fall on
 * multiples of the tile (and every block is computed with the same K order),
 * so each element of C comes out bit for bit the same for any thread count. */
struct L(job) {
    const KERN *kd;
    int trans_a, trans_b;
    int64_t m, n, k;
    T alpha, beta;
    const T *a, *b;
    T *c;
    int64_t lda, ldb, ldc;
    const EPI *ep;
    int split_m;            /* split rows (else columns) */
    int64_t step;           /* rows or columns per task, a multiple of the tile */
    int status[NL_MAX_TASKS];
};

static void L(job_task)(void *arg, int t)
{
    struct L(job) *j = (struct L(job) *)arg;
    const int64_t lo = t * j->step;
    const int64_t total = j->split_m ? j->m : j->n;
    const int64_t len = gemm_min(j->step, total - lo);
    j->status[t] = NL_OK;
    if (len <= 0)
        return;
    if (j->split_m)
        j->status[t] = L(gemm_blocked)(
            j->kd, j->trans_a, j->trans_b, len, j->n, j->k, j->alpha,
            j->trans_a ? j->a + lo : j->a + lo * j->lda, j->lda, j->b, j->ldb,
            j->beta, j->c + lo * j->ldc, j->ldc, j->ep, lo, 0);
    else
        j->status[t] = L(gemm_blocked)(
            j->kd, j->trans_a, j->trans_b, j->m, len, j->k, j->alpha, j->a, j->lda,
            j->trans_b ? j->b + lo * j->ldb : j->b + lo, j->ldb,
            j->beta, j->c + lo, j->ldc, j->ep, 0, lo);
}

static int L(gemm_run)(const KERN *kd, int trans_a, int trans_b, int64_t m, int64_t n,
                       int64_t k, T alpha, const T *a, int64_t lda, const T *b, int64_t ldb,
                       T beta, T *c, int64_t ldc, const EPI *ep)
{
    struct L(job) j;
    const int64_t mtiles = (m + kd->mr - 1) / kd->mr, ntiles = (n + kd->nr - 1) / kd->nr;
    int64_t tasks = nl_threads_for((double)m * (double)n * (double)k);
    int status = NL_OK;

    /* Split the longer side (counted in tiles); never more tasks than tiles. */
    j.split_m = mtiles >= ntiles;
    if (tasks > (j.split_m ? mtiles : ntiles))
        tasks = j.split_m ? mtiles : ntiles;
    if (tasks <= 1)
        return L(gemm_blocked)(kd, trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb,
                               beta, c, ldc, ep, 0, 0);
    j.kd = kd; j.trans_a = trans_a; j.trans_b = trans_b;
    j.m = m; j.n = n; j.k = k; j.alpha = alpha; j.beta = beta;
    j.a = a; j.b = b; j.c = c; j.lda = lda; j.ldb = ldb; j.ldc = ldc; j.ep = ep;
    {
        const int64_t tiles = j.split_m ? mtiles : ntiles;
        const int64_t unit = j.split_m ? kd->mr : kd->nr;
        j.step = (tiles + tasks - 1) / tasks * unit;
    }
    nl_parallel_for((int)tasks, L(job_task), &j);
    for (int t = 0; t < tasks; t++)
        if (j.status[t] != NL_OK)
            status = j.status[t];
    return status;
}

/* ---- a few rows: no packing ------------------------------------------------------ */

/* C = alpha * op(A) * B for m <= GEMM_SMALL_M rows and beta == 0 (C is
 * written, never read). Packing B would cost more than the product (one input
 * row of a prediction reads each weight once), so each row of C accumulates
 * straight from the rows of B, eight at a time. Single-threaded and chosen by
 * the shape alone, so the result does not depend on the thread count. */
#define GEMM_SMALL_M 4

NL_CLONES static void L(gemm_small)(int trans_a, int64_t m, int64_t n, int64_t k, T alpha,
                                    const T *a, int64_t lda, const T *b, int64_t ldb,
                                    T *c, int64_t ldc)
{
    for (int64_t i = 0; i < m; i++) {
        T *__restrict ci = c + i * ldc;
        const T *ai = trans_a ? a + i : a + i * lda;
        const int64_t as = trans_a ? lda : 1;   /* stride between a[i, p] and a[i, p+1] */
        int64_t p = 0;
        for (int64_t j = 0; j < n; j++)
            ci[j] = 0;
        /* eight rows of B per pass over the row of C: an eighth of the C traffic */
        for (; p + 8 <= k; p += 8) {
            const T a0 = ai[p * as], a1 = ai[(p + 1) * as], a2 = ai[(p + 2) * as],
                    a3 = ai[(p + 3) * as], a4 = ai[(p + 4) * as], a5 = ai[(p + 5) * as],
                    a6 = ai[(p + 6) * as], a7 = ai[(p + 7) * as];
            const T *__restrict b0 = b + p * ldb;
            const T *__restrict b1 = b0 + ldb, *__restrict b2 = b1 + ldb, *__restrict b3 = b2 + ldb;
            const T *__restrict b4 = b3 + ldb, *__restrict b5 = b4 + ldb, *__restrict b6 = b5 + ldb;
            const T *__restrict b7 = b6 + ldb;
            for (int64_t j = 0; j < n; j++)
                ci[j] += ((a0 * b0[j] + a1 * b1[j]) + (a2 * b2[j] + a3 * b3[j]))
                       + ((a4 * b4[j] + a5 * b5[j]) + (a6 * b6[j] + a7 * b7[j]));
        }
        for (; p < k; p++) {
            const T av = ai[p * as];
            const T *__restrict bp = b + p * ldb;
            for (int64_t j = 0; j < n; j++)
                ci[j] += av * bp[j];
        }
        if (alpha != 1)
            for (int64_t j = 0; j < n; j++)
                ci[j] *= alpha;
    }
}

/* ---- entry points -------------------------------------------------------------- */

static int L(gemm_checked)(int trans_a, int trans_b, int64_t m, int64_t n, int64_t k,
                           T alpha, const T *a, int64_t lda, const T *b, int64_t ldb,
                           T beta, T *c, int64_t ldc, const EPI *ep)
{
    if (m < 0 || n < 0 || k < 0)
        return NL_EINVAL;
    if (lda < (trans_a ? m : k) || ldb < (trans_b ? k : n) || ldc < n)
        return NL_EINVAL;
    if (m == 0 || n == 0)
        return NL_OK;
    if (c == NULL)
        return NL_EINVAL;
    /* As in reference BLAS: with no product to form, A and B are not read. */
    if (k == 0 || alpha == 0) {
        L(scale_c)(m, n, beta, c, ldc);
        if (ep)
            L(epilogue)(ep, m, n, 0, 0, c, ldc);
        return NL_OK;
    }
    if (a == NULL || b == NULL)
        return NL_EINVAL;
    if (m <= GEMM_SMALL_M && !trans_b && beta == 0) {
        L(gemm_small)(trans_a, m, n, k, alpha, a, lda, b, ldb, c, ldc);
        if (ep)
            L(epilogue)(ep, m, n, 0, 0, c, ldc);
        return NL_OK;
    }
    return L(gemm_run)(CHOSEN_KERNEL(), trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb,
                       beta, c, ldc, ep);
}

int NL(gemm)(int trans_a, int trans_b, int64_t m, int64_t n, int64_t k,
             T alpha, const T *a, int64_t lda, const T *b, int64_t ldb,
             T beta, T *c, int64_t ldc)
{
    return L(gemm_checked)(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc,
                           NULL);
}

int NL(gemm_bias_act)(int trans_a, int trans_b, int64_t m, int64_t n, int64_t k,
                      T alpha, const T *a, int64_t lda, const T *b, int64_t ldb,
                      T beta, T *c, int64_t ldc, const T *bias, int act, T act_alpha,
                      T *y, int64_t ldy)
{
    EPI ep;
    if (act == NL_ACT_SOFTMAX || act < -1 || act > NL_ACT_EXPONENTIAL)
        return NL_EINVAL;   /* row-wise or unknown: not an elementwise epilogue */
    if (act >= 0 && (y == NULL || ldy < n))
        return NL_EINVAL;
    ep.bias = bias; ep.act = act; ep.act_alpha = act_alpha; ep.y = y; ep.ldy = ldy;
    return L(gemm_checked)(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc,
                           (bias || act >= 0) ? &ep : NULL);
}
