/* conv_tmpl.h - 2-D convolution (1-D is height 1) and depthwise convolution,
 * forward beside the two backwards, written once for any floating type.
 * Included through instantiate.h (T, NL(x), L(x), M(f)); conv.c provides
 * conv_geom.h, gemm_internal.h and the block sizes below.
 *
 * Convolution is GEMM on blocks of output pixels. Rows of the flattened
 * output (image, oy, ox) are cut into blocks of `mb` rows, a size fixed by
 * the shape alone; each block's im2col slice (mb x kh*kw*cin/groups) goes
 * into a scratch buffer owned by the task, and the project's GEMM multiplies
 * it by the kernel, viewed as the (kh*kw*cin/groups) x out matrix it already
 * is in Keras's layout, with bias and activation fused into its output tiles.
 *   forward:         Z[block, g]  = col(X)[block, g] . K[:, g]       (+bias, act)
 *   input gradient:  col(dX)[block, g] = dZ[block, g] . K[:, g]^T, then col2im
 *   weight gradient: dK[:, g] += col(X)[block, g]^T . dZ[block, g]
 * A 1x1 stride-1 unpadded convolution needs no im2col: X is the matrix.
 *
 * Threads and determinism: the forward splits blocks over tasks (each output
 * element is computed by exactly one GEMM, whose result depends only on the
 * block); the input gradient splits whole images (col2im adds overlapping
 * windows, so one image's dX stays with one task, its blocks in order); the
 * weight gradient sums a number of fixed chunks of blocks that depends on
 * the shape only, each chunk into its own partial, then adds the partials in
 * chunk order. Thread count never changes a rounding. */

/* ---- im2col / col2im on one block of output rows ------------------------- */

/* col[i, (ky*kw + kx)*cg + ci] = x[img, iy, ix, c0 + ci] for output row
 * r0 + i, zero where the tap falls in the padding. */
static void L(im2col)(const struct nl_geom *g, int64_t cg, int64_t c0, const T *x,
                      int64_t r0, int64_t rows, T *__restrict col)
{
    const int64_t p = g->oh * g->ow;
    for (int64_t i = 0; i < rows; i++) {
        const int64_t r = r0 + i, img = r / p, oy = (r % p) / g->ow, ox = r % g->ow;
        const int64_t iy0 = oy * g->sh - g->pt, ix0 = ox * g->sw - g->pl;
        const T *ximg = x + img * g->h * g->w * g->c + c0;
        T *dst = col + i * g->kh * g->kw * cg;
        for (int64_t ky = 0; ky < g->kh; ky++) {
            const int64_t iy = iy0 + ky * g->dh;
            if (iy < 0 || iy >= g->h) {
                for (int64_t e = 0; e < g->kw * cg; e++) dst[e] = 0;
                dst += g->kw * cg;
                continue;
            }
            for (int64_t kx = 0; kx < g->kw; kx++, dst += cg) {
                const int64_t ix = ix0 + kx * g->dw;
                if (ix < 0 || ix >= g->w) {
                    for (int64_t e = 0; e < cg; e++) dst[e] = 0;
                } else {
                    const T *src = ximg + (iy * g->w + ix) * g->c;
                    for (int64_t e = 0; e < cg; e++) dst[e] = src[e];
                }
            }
        }
    }
}

/* The adjoint of im2col: dx[img, iy, ix, c0 + ci] += col[i, tap*cg + ci],
 * rows in order (the order of the additions is fixed by the shape). */
NL_CLONES static void L(col2im)(const struct nl_geom *g, int64_t cg, int64_t c0, const T *col,
                      int64_t r0, int64_t rows, T *dx)
{
    const int64_t p = g->oh * g->ow;
    for (int64_t i = 0; i < rows; i++) {
        const int64_t r = r0 + i, img = r / p, oy = (r % p) / g->ow, ox = r % g->ow;
        const int64_t iy0 = oy * g->sh - g->pt, ix0 = ox * g->sw - g->pl;
        T *dimg = dx + img * g->h * g->w * g->c + c0;
        const T *src = col + i * g->kh * g->kw * cg;
        for (int64_t ky = 0; ky < g->kh; ky++) {
            const int64_t iy = iy0 + ky * g->dh;
            if (iy < 0 || iy >= g->h) {
                src += g->kw * cg;
                continue;
            }
            for (int64_t kx = 0; kx < g->kw; kx++, src += cg) {
                const int64_t ix = ix0 + kx * g->dw;
                if (ix >= 0 && ix < g->w) {
                    T *__restrict d = dimg + (iy * g->w + ix) * g->c;
                    for (int64_t e = 0; e < cg; e++) d[e] += src[e];
                }
            }
        }
    }
}

/* dx[i] = x[i] > 0 ? dx[i] : 0, the gradient through the ReLU that made x
 * (as nl_activation_backward's ReLU, bit for bit). */
NL_CLONES static void L(relu_mask)(int64_t len, const T *__restrict x, T *__restrict dx)
{
    for (int64_t i = 0; i < len; i++) dx[i] = x[i] > 0 ? dx[i] : (T)0;
}

/* acc[e] += dz[r*f + e] for rows r0 <= r < r1 in order (a bias gradient's
 * partial, in double, over rows the weight gradient has just read). */
NL_CLONES static void L(bias_rows)(int64_t r0, int64_t r1, int64_t f, const T *dz,
                                   double *__restrict acc)
{
    for (int64_t r = r0; r < r1; r++) {
        const T *__restrict dr = dz + r * f;
        for (int64_t e = 0; e < f; e++) acc[e] += dr[e];
    }
}

/* ---- the shared job ------------------------------------------------------- */

struct L(conv_job) {
    struct nl_geom g;
    int64_t f, groups, cg, fg, kdim;     /* out channels, groups, per group, K of the GEMM */
    int64_t rows, mb, nblocks;           /* output rows, block rows, blocks */
    int64_t nchunks;                     /* weight gradient: partial sums */
    const T *x, *k, *bias, *dz;
    const struct nl_sconv_ukr *u;        /* AVX-512 float32 indirect path, else NULL */
    const T *bp;                         /* its B, packed once */
    const void *cols;                    /* input gradient: its column ranges */
    const T *relu_x;                     /* input gradient: times [relu_x > 0] */
    double *bpart;                       /* weight gradient: bias partials, nchunks x f */
    int act;
    T act_alpha;
    T *z, *y, *dx, *part;
    int tasks;
    int status[NL_MAX_TASKS];
};

/* Checks the sizes and fills the job; NL_EINVAL on a bad or too large size. */
static int L(conv_setup)(struct L(conv_job) *j, int64_t n, int64_t h, int64_t w, int64_t c,
                         int64_t kh, int64_t kw, int64_t f, int64_t groups, int64_t sh,
                         int64_t sw, int64_t dh, int64_t dw, int64_t pt, int64_t pb,
                         int64_t pl, int64_t pr)
{
    int64_t t;
    int st = geom_init(&j->g, n, h, w, c, kh, kw, sh, sw, dh, dw, pt, pb, pl, pr);
    if (st != NL_OK)
        return st;
    if (f < 1 || groups < 1 || c % groups != 0 || f % groups != 0 || c == 0)
        return NL_EINVAL;
    j->f = f; j->groups = groups; j->cg = c / groups; j->fg = f / groups;
    j->kdim = kh;
    if (!geom_mul(&j->kdim, kw) || !geom_mul(&j->kdim, j->cg)) return NL_EINVAL;
    t = j->kdim;                                   /* the kernel: kdim x f */
    if (!geom_mul(&t, f)) return NL_EINVAL;
    j->rows = n;                                   /* the output: rows x f */
    if (!geom_mul(&j->rows, j->g.oh) || !geom_mul(&j->rows, j->g.ow)) return NL_EINVAL;
    t = j->rows;
    if (!geom_mul(&t, f)) return NL_EINVAL;
    /* block rows: about CONV_BLOCK_ELEMS scratch elements, whole GEMM tiles */
    j->mb = CONV_BLOCK_ELEMS / j->kdim;
    j->mb = j->mb < CONV_BLOCK_MIN ? CONV_BLOCK_MIN : j->mb > CONV_BLOCK_MAX ? CONV_BLOCK_MAX
                                                                          : j->mb / 16 * 16;
    j->nblocks = (j->rows + j->mb - 1) / j->mb;
    j->x = j->k = j->bias = j->dz = NULL;
    j->z = j->y = j->dx = j->part = NULL;
    j->u = NULL;
    j->bp = NULL;
    j->cols = NULL;
    j->relu_x = NULL;
    j->bpart = NULL;
    j->act = -1;
    j->act_alpha = 0;
    return NL_OK;
}

static int L(is_pointwise)(const struct L(conv_job) *j)
{
    const struct nl_geom *g = &j->g;
    return g->kh == 1 && g->kw == 1 && g->sh == 1 && g->sw == 1 && g->pt == 0 && g->pl == 0
           && g->oh == g->h && g->ow == g->w;
}

/* Runs fn over j->tasks tasks and returns the first failure. With one task it
 * runs on the calling thread outside the pool, so the GEMM inside may still
 * use the threads (a GEMM's result does not depend on its thread count). */
static int L(conv_run)(struct L(conv_job) *j, void (*fn)(void *, int))
{
    int st = NL_OK;
    if (j->tasks <= 1) {
        j->tasks = 1;
        fn(j, 0);
    } else {
        nl_parallel_for(j->tasks, fn, j);
    }
    for (int t = 0; t < j->tasks; t++)
        if (j->status[t] != NL_OK)
            st = j->status[t];
    return st;
}

/* ---- few input channels: direct loops -------------------------------------
 * A first layer (1-3 channels) gives the GEMM a K of kh*kw*c = 9..27: packing
 * would cost more than the product. Instead each output pixel accumulates
 * its taps in order, a vector loop over the f outputs per (tap, channel);
 * the weight gradient likewise over chunks of output rows. Interior pixels
 * (no tap in the padding) and whole groups of CONV_DIRECT_VB outputs go
 * through register blocks - PB pixels x VB outputs (forward), TB taps x VB
 * outputs over a row's pixels (weight gradient) - which perform the same
 * additions in the same order as the plain loops (same results, bit for
 * bit); borders and the last f % VB outputs take the plain loops. */

static int L(is_direct)(const struct L(conv_job) *j)
{
    return j->groups == 1 && j->g.c <= CONV_DIRECT_MAX_C;
}

/* Pixels ox0..ox1 of one output row (image img, row oy), outputs e_lo..f:
 * zr[ox, e] = bias + sum of taps, in groups of CONV_DIRECT_NB outputs held in
 * a fixed-size accumulator, the rest one by one. Handles any padding. */
NL_CLONES static void L(direct_pixels)(const struct nl_geom *g, int64_t f, const T *ximg,
                                       const T *k, const T *bias, int64_t oy, int64_t ox0,
                                       int64_t ox1, int64_t e_lo, T *zr)
{
    const int64_t c = g->c;
    for (int64_t ox = ox0; ox < ox1; ox++) {
        T *__restrict zo = zr + ox * f;
        for (int64_t e0 = e_lo; e0 < f; e0 += CONV_DIRECT_NB) {
            const int64_t ne = f - e0 < CONV_DIRECT_NB ? f - e0 : CONV_DIRECT_NB;
            T acc[CONV_DIRECT_NB];
            for (int e = 0; e < CONV_DIRECT_NB; e++) acc[e] = 0;
            if (bias) for (int64_t e = 0; e < ne; e++) acc[e] = bias[e0 + e];
            for (int64_t ky = 0; ky < g->kh; ky++) {
                const int64_t iy = oy * g->sh - g->pt + ky * g->dh;
                if (iy < 0 || iy >= g->h) continue;
                for (int64_t kx = 0; kx < g->kw; kx++) {
                    const int64_t ix = ox * g->sw - g->pl + kx * g->dw;
                    const T *xp, *kp;
                    if (ix < 0 || ix >= g->w) continue;
                    xp = ximg + (iy * g->w + ix) * c;
                    kp = k + (ky * g->kw + kx) * c * f + e0;
                    for (int64_t ci = 0; ci < c; ci++) {
                        const T xv = xp[ci];
                        const T *__restrict kr = kp + ci * f;
                        if (ne == CONV_DIRECT_NB)
                            for (int e = 0; e < CONV_DIRECT_NB; e++) acc[e] += xv * kr[e];
                        else
                            for (int64_t e = 0; e < ne; e++) acc[e] += xv * kr[e];
                    }
                }
            }
            for (int64_t e = 0; e < ne; e++) zo[e0 + e] = acc[e];
        }
    }
}

/* CONV_DIRECT_PB interior pixels (every tap inside the image) by
 * CONV_DIRECT_VB outputs, all in registers: zo[p*f + e] = bias[e] + sum over
 * taps t in order of xp[p*xs + toff[t]] * k[t*f + e] (k, bias, zo already
 * offset to the output block) - the same additions, in the same order, as
 * direct_pixels. */
NL_CLONES static void L(direct_fwd_block)(int64_t kdim, const int64_t *toff, const T *xp,
                                          int64_t xs, const T *k, int64_t f, const T *bias,
                                          T *zo)
{
    T acc[CONV_DIRECT_PB][CONV_DIRECT_VB];
    for (int p = 0; p < CONV_DIRECT_PB; p++)
        for (int e = 0; e < CONV_DIRECT_VB; e++) acc[p][e] = bias ? bias[e] : (T)0;
    for (int64_t t = 0; t < kdim; t++) {
        const T *__restrict kr = k + t * f;
        const T *xt = xp + toff[t];
        for (int p = 0; p < CONV_DIRECT_PB; p++) {
            const T xv = xt[p * xs];
            for (int e = 0; e < CONV_DIRECT_VB; e++) acc[p][e] += xv * kr[e];
        }
    }
    for (int p = 0; p < CONV_DIRECT_PB; p++)
        for (int e = 0; e < CONV_DIRECT_VB; e++) zo[p * f + e] = acc[p][e];
}

/* Offsets of the taps (ky, kx, ci) from a pixel's first tap, in kernel order,
 * padded to a whole number of CONV_DIRECT_TB with copies of the first. */
static void L(direct_offsets)(const struct nl_geom *g, int64_t kdim, int64_t *toff)
{
    int64_t t = 0;
    for (int64_t ky = 0; ky < g->kh; ky++)
        for (int64_t kx = 0; kx < g->kw; kx++)
            for (int64_t ci = 0; ci < g->c; ci++)
                toff[t++] = (ky * g->dh * g->w + kx * g->dw) * g->c + ci;
    for (; t < (kdim + CONV_DIRECT_TB - 1) / CONV_DIRECT_TB * CONV_DIRECT_TB; t++)
        toff[t] = 0;
}

/* The output pixels of a row whose taps all fall inside the image: a range
 * [*a, *b) (empty when some tap row is padding). */
static void L(direct_interior)(const struct nl_geom *g, int64_t oy, int64_t *a, int64_t *b)
{
    const int64_t iy0 = oy * g->sh - g->pt, iy1 = iy0 + (g->kh - 1) * g->dh;
    int64_t lo = 0, hi = g->ow;
    if (iy0 < 0 || iy1 >= g->h) {
        *a = *b = 0;
        return;
    }
    while (lo < hi && lo * g->sw - g->pl < 0) lo++;
    while (hi > lo && (hi - 1) * g->sw - g->pl + (g->kw - 1) * g->dw >= g->w) hi--;
    *a = lo;
    *b = hi;
}

/* One output row: register blocks over the interior pixels and whole groups
 * of CONV_DIRECT_VB outputs, direct_pixels for the rest. */
static void L(direct_row)(const struct nl_geom *g, int64_t f, const int64_t *toff,
                          int64_t kdim, const T *ximg, const T *k, const T *bias, int64_t oy,
                          T *zr)
{
    const int64_t fe = f / CONV_DIRECT_VB * CONV_DIRECT_VB;
    int64_t a, b, ox = 0;
    L(direct_interior)(g, oy, &a, &b);
    if (fe > 0 && b - a >= CONV_DIRECT_PB) {
        const int64_t nblk = (b - a) / CONV_DIRECT_PB;
        L(direct_pixels)(g, f, ximg, k, bias, oy, 0, a, 0, zr);
        for (int64_t q = 0; q < nblk; q++) {
            const int64_t o = a + q * CONV_DIRECT_PB;
            const T *xp = ximg + ((oy * g->sh - g->pt) * g->w + o * g->sw - g->pl) * g->c;
            for (int64_t e0 = 0; e0 < fe; e0 += CONV_DIRECT_VB)
                L(direct_fwd_block)(kdim, toff, xp, g->sw * g->c, k + e0, f,
                                    bias ? bias + e0 : NULL, zr + o * f + e0);
        }
        ox = a + nblk * CONV_DIRECT_PB;
        if (ox < b) {
            /* the last interior pixels: one more block ending at b, which
             * writes a few pixels again with the same values (same sums in
             * the same order), instead of the plain loop */
            const int64_t o = b - CONV_DIRECT_PB;
            const T *xp = ximg + ((oy * g->sh - g->pt) * g->w + o * g->sw - g->pl) * g->c;
            for (int64_t e0 = 0; e0 < fe; e0 += CONV_DIRECT_VB)
                L(direct_fwd_block)(kdim, toff, xp, g->sw * g->c, k + e0, f,
                                    bias ? bias + e0 : NULL, zr + o * f + e0);
            ox = b;
        }
        if (fe < f)
            L(direct_pixels)(g, f, ximg, k, bias, oy, a, ox, fe, zr);
    }
    L(direct_pixels)(g, f, ximg, k, bias, oy, ox, g->ow, 0, zr);
}

static void L(direct_fwd_task)(void *arg, int t)
{
    struct L(conv_job) *j = (struct L(conv_job) *)arg;
    const struct nl_geom *g = &j->g;
    int64_t lo, hi, *toff;
    geom_share(g->n * g->oh, t, j->tasks, &lo, &hi);
    j->status[t] = NL_OK;
    if (lo >= hi)
        return;
    toff = (int64_t *)malloc((size_t)(j->kdim + CONV_DIRECT_TB) * sizeof(int64_t));
    if (!toff) {
        j->status[t] = NL_ENOMEM;
        return;
    }
    L(direct_offsets)(g, j->kdim, toff);
    for (int64_t row = lo; row < hi; row++) {
        T *zr = j->z + row * g->ow * j->f;
        L(direct_row)(g, j->f, toff, j->kdim, j->x + (row / g->oh) * g->h * g->w * g->c,
                      j->k, j->bias, row % g->oh, zr);
        if (j->act >= 0)
            NL(activation_forward)(j->act, 1, g->ow * j->f, j->act_alpha, zr,
                                   j->y + row * g->ow * j->f);
    }
    free(toff);
}

/* dst[tap, ci, e] += x[tap pixel, ci] * dz[pixel, e], e from e_lo, over the
 * output pixels ox0..ox1 of one output row (any padding). */
NL_CLONES static void L(direct_wgrad_pixels)(const struct nl_geom *g, int64_t f, const T *ximg,
                                             const T *dz, int64_t row, int64_t ox0,
                                             int64_t ox1, int64_t e_lo, T *dst)
{
    const int64_t c = g->c, oy = row % g->oh;
    for (int64_t ox = ox0; ox < ox1; ox++) {
        const T *__restrict dzo = dz + (row * g->ow + ox) * f;
        for (int64_t ky = 0; ky < g->kh; ky++) {
            const int64_t iy = oy * g->sh - g->pt + ky * g->dh;
            if (iy < 0 || iy >= g->h) continue;
            for (int64_t kx = 0; kx < g->kw; kx++) {
                const int64_t ix = ox * g->sw - g->pl + kx * g->dw;
                const T *xp;
                if (ix < 0 || ix >= g->w) continue;
                xp = ximg + (iy * g->w + ix) * c;
                for (int64_t ci = 0; ci < c; ci++) {
                    const T xv = xp[ci];
                    T *__restrict d = dst + ((ky * g->kw + kx) * c + ci) * f;
                    for (int64_t e = e_lo; e < f; e++) d[e] += xv * dzo[e];
                }
            }
        }
    }
}

/* CONV_DIRECT_TB taps by CONV_DIRECT_VB outputs of dst in registers over np
 * interior pixels in order: dst[t*f + e] += xp[p*xs + toff[t]] * dz[p*f + e]
 * (dst, dz already offset to the block). toff entries past the kernel are
 * copies whose sums are dropped (ntap < CONV_DIRECT_TB). */
NL_CLONES static void L(direct_wgrad_block)(int64_t np, const int64_t *toff, int ntap,
                                            const T *xp, int64_t xs, const T *dz, int64_t f,
                                            T *dst)
{
    T acc[CONV_DIRECT_TB][CONV_DIRECT_VB];
    int64_t o[CONV_DIRECT_TB];
    for (int t = 0; t < CONV_DIRECT_TB; t++) {
        o[t] = toff[t];
        for (int e = 0; e < CONV_DIRECT_VB; e++) acc[t][e] = t < ntap ? dst[t * f + e] : (T)0;
    }
    for (int64_t p = 0; p < np; p++) {
        const T *__restrict dzp = dz + p * f;
        const T *xq = xp + p * xs;
        for (int t = 0; t < CONV_DIRECT_TB; t++) {
            const T xv = xq[o[t]];
            for (int e = 0; e < CONV_DIRECT_VB; e++) acc[t][e] += xv * dzp[e];
        }
    }
    for (int t = 0; t < ntap; t++)
        for (int e = 0; e < CONV_DIRECT_VB; e++) dst[t * f + e] = acc[t][e];
}

/* dst[tap, ci, :] += x[tap pixel, ci] * dz[pixel, :] over output rows lo..hi,
 * each element's sum over the pixels in order. */
static void L(direct_wgrad_rows)(const struct nl_geom *g, int64_t f, const int64_t *toff,
                                 int64_t kdim, const T *x, const T *dz, int64_t lo,
                                 int64_t hi, T *dst)
{
    const int64_t c = g->c, fe = f / CONV_DIRECT_VB * CONV_DIRECT_VB;
    for (int64_t row = lo; row < hi; row++) {
        const int64_t img = row / g->oh, oy = row % g->oh;
        const T *ximg = x + img * g->h * g->w * c;
        int64_t a, b;
        L(direct_interior)(g, oy, &a, &b);
        if (fe == 0 || b <= a) {
            L(direct_wgrad_pixels)(g, f, ximg, dz, row, 0, g->ow, 0, dst);
            continue;
        }
        L(direct_wgrad_pixels)(g, f, ximg, dz, row, 0, a, 0, dst);
        {
            const T *xp = ximg + ((oy * g->sh - g->pt) * g->w + a * g->sw - g->pl) * c;
            const T *dzp = dz + (row * g->ow + a) * f;
            for (int64_t t0 = 0; t0 < kdim; t0 += CONV_DIRECT_TB) {
                const int nt = kdim - t0 < CONV_DIRECT_TB ? (int)(kdim - t0) : CONV_DIRECT_TB;
                for (int64_t e0 = 0; e0 < fe; e0 += CONV_DIRECT_VB)
                    L(direct_wgrad_block)(b - a, toff + t0, nt, xp, g->sw * c, dzp + e0, f,
                                          dst + t0 * f + e0);
            }
        }
        if (fe < f)
            L(direct_wgrad_pixels)(g, f, ximg, dz, row, a, b, fe, dst);
        L(direct_wgrad_pixels)(g, f, ximg, dz, row, b, g->ow, 0, dst);
    }
}

static void L(direct_wgrad_task)(void *arg, int t)
{
    struct L(conv_job) *j = (struct L(conv_job) *)arg;
    const int64_t outrows = j->g.n * j->g.oh, klen = j->kdim * j->f;
    int64_t lo, hi, *toff;
    geom_share(j->nchunks, t, j->tasks, &lo, &hi);
    j->status[t] = NL_OK;
    if (lo >= hi)
        return;
    toff = (int64_t *)malloc((size_t)(j->kdim + CONV_DIRECT_TB) * sizeof(int64_t));
    if (!toff) {
        j->status[t] = NL_ENOMEM;
        return;
    }
    L(direct_offsets)(&j->g, j->kdim, toff);
    for (int64_t q = lo; q < hi; q++) {
        const int64_t r0 = geom_share_start(outrows, (int)q, (int)j->nchunks);
        const int64_t r1 = geom_share_start(outrows, (int)q + 1, (int)j->nchunks);
        T *dst = j->part + q * klen;
        for (int64_t e = 0; e < klen; e++) dst[e] = 0;
        L(direct_wgrad_rows)(&j->g, j->f, toff, j->kdim, j->x, j->dz, r0, r1, dst);
        if (j->bpart)
            L(bias_rows)(r0 * j->g.ow, r1 * j->g.ow, j->f, j->dz, j->bpart + q * j->f);
    }
    free(toff);
}

/* ---- AVX-512 float32: indirect GEMM -------------------------------------------
 * The micro-kernels of conv_ukr.h read A where it lies (rows of the input per
 * tap, rows of dZ, pixels of X) and B packed once per call. Each output
 * element is one FMA chain over its whole K in order, as in the GEMM, so the
 * results depend on the shape alone, never on blocks or threads. Float32 on
 * AVX-512 only; every other type and ISA takes the im2col + GEMM path. */

typedef void (*L(ind_fn))(int64_t, int64_t, const T *const *, const T *, T *, int64_t, const T *,
                          T *, int);
typedef void (*L(wg_fn))(int64_t, const int64_t *, const int64_t *, const T *, const T *,
                         int64_t, T *, int64_t, int);

/* The tile for an N of n columns: four vectors a row when n is a multiple of
 * 64, else two; NULL off the fast path. */
static const struct nl_sconv_ukr *L(ukr_for)(int64_t n)
{
    const struct nl_sconv_ukr *u;
    if (sizeof(T) != sizeof(float) || strcmp(nl_isa_name(), "avx512") != 0)
        return NULL;
    u = n % 64 == 0 ? &nl_sconv_ukr_6x64 : &nl_sconv_ukr_12x32;
    return u->ind ? u : NULL;
}

/* What the fast path's entry points return when the shape or ISA is not theirs. */
#ifndef CONV_NOT_FAST
#define CONV_NOT_FAST 1
#endif

/* GEMM_ALIGN-aligned malloc; *raw is what to free. */
static T *L(alloc_aligned)(int64_t count, void **raw)
{
    unsigned char *p = (unsigned char *)malloc((size_t)count * sizeof(T) + GEMM_ALIGN);
    *raw = p;
    if (!p)
        return NULL;
    return (T *)(p + (GEMM_ALIGN - (uintptr_t)p % GEMM_ALIGN) % GEMM_ALIGN);
}

/* Packs op(B) (kdim x n, op(B)[p][c] = trans ? b[c*ldb + p] : b[p*ldb + c]) into
 * slivers of nr columns: dst[(s*kdim + p)*nr + jj] = op(B)[p][s*nr + jj], zero
 * past n. */
static void L(ind_pack_b)(int trans, int64_t kdim, int64_t n, const T *b, int64_t ldb,
                          int nr, T *dst)
{
    for (int64_t s = 0; s * nr < n; s++)
        for (int64_t p = 0; p < kdim; p++, dst += nr)
            for (int jj = 0; jj < nr; jj++) {
                const int64_t col = s * nr + jj;
                dst[jj] = col >= n ? (T)0 : trans ? b[col * ldb + p] : b[p * ldb + col];
            }
}

/* Output rows per block of the forward pass (a multiple of every tile's MR),
 * and about how many bytes of B one pass over the taps reads (half of L1). */
#define CONV_IND_ROWS 120
#define CONV_IND_PASS (24 * 1024)

static void L(ind_fwd_task)(void *arg, int t)
{
    struct L(conv_job) *j = (struct L(conv_job) *)arg;
    const struct nl_geom *g = &j->g;
    const int mr = j->u->mr, nr = j->u->nr;
    const L(ind_fn) fn = (L(ind_fn))j->u->ind;
    const int64_t ntap = g->kh * g->kw, p = g->oh * g->ow, f = j->f, fg = j->fg;
    const int64_t nsl = (fg + nr - 1) / nr, nblk = (j->rows + CONV_IND_ROWS - 1) / CONV_IND_ROWS;
    const int64_t tap_bytes = j->cg * nr * (int64_t)sizeof(T);
    const int64_t tpp = tap_bytes >= CONV_IND_PASS ? 1 : CONV_IND_PASS / tap_bytes;
    int64_t lo, hi;
    const T **ind;
    T *zero;
    T tile[NL_CONV_UKR_MR_MAX * NL_CONV_UKR_NR_MAX];
    geom_share(nblk, t, j->tasks, &lo, &hi);
    j->status[t] = NL_OK;
    if (lo >= hi)
        return;
    ind = (const T **)malloc((size_t)(CONV_IND_ROWS * ntap) * sizeof(T *));
    zero = (T *)calloc((size_t)j->cg, sizeof(T));
    if (!ind || !zero) {
        free(ind);
        free(zero);
        j->status[t] = NL_ENOMEM;
        return;
    }
    for (int64_t blk = lo; blk < hi; blk++) {
        const int64_t r0 = blk * CONV_IND_ROWS;
        const int64_t rows = j->rows - r0 < CONV_IND_ROWS ? j->rows - r0 : CONV_IND_ROWS;
        const int64_t ntile = (rows + mr - 1) / mr;
        for (int64_t gi = 0; gi < j->groups; gi++) {
            /* ind[(tile*ntap + tap)*mr + i]: row r0 + tile*mr + i at tap */
            for (int64_t i = 0; i < ntile * mr; i++) {
                const T **dst = ind + (i / mr) * ntap * mr + i % mr;
                const int64_t r = r0 + i;
                if (i >= rows) {
                    for (int64_t tp = 0; tp < ntap; tp++) dst[tp * mr] = zero;
                    continue;
                }
                {
                    const int64_t img = r / p, oy = (r % p) / g->ow, ox = r % g->ow;
                    const int64_t iy0 = oy * g->sh - g->pt, ix0 = ox * g->sw - g->pl;
                    const T *ximg = j->x + img * g->h * g->w * g->c + gi * j->cg;
                    for (int64_t ky = 0, tp = 0; ky < g->kh; ky++) {
                        const int64_t iy = iy0 + ky * g->dh;
                        for (int64_t kx = 0; kx < g->kw; kx++, tp++) {
                            const int64_t ix = ix0 + kx * g->dw;
                            dst[tp * mr] = iy < 0 || iy >= g->h || ix < 0 || ix >= g->w
                                               ? zero : ximg + (iy * g->w + ix) * g->c;
                        }
                    }
                }
            }
            /* Full tiles in passes over a few taps, so the passes' rows of B
             * (CONV_IND_PASS bytes) stay in L1 while every tile of the block
             * goes over them; each tile's chain continues from pass to pass,
             * and the last adds the bias and applies ReLU (the GEMM epilogue's
             * operations) while the tile is in registers. */
            for (int64_t t0 = 0; t0 < ntap; t0 += tpp) {
                const int64_t nt = ntap - t0 < tpp ? ntap - t0 : tpp;
                const int last = t0 + nt >= ntap;
                for (int64_t ti = 0; ti < ntile && (ti + 1) * mr <= rows; ti++)
                    for (int64_t sl = 0; sl < nsl && (sl + 1) * nr <= fg; sl++) {
                        const int64_t off = (r0 + ti * mr) * f + gi * fg + sl * nr;
                        fn(nt, j->cg, ind + (ti * ntap + t0) * mr,
                           j->bp + ((gi * nsl + sl) * j->kdim + t0 * j->cg) * nr, j->z + off, f,
                           last && j->bias ? j->bias + gi * fg + sl * nr : NULL,
                           last && j->act == NL_ACT_RELU ? j->y + off : NULL, t0 == 0);
                    }
            }
            /* the other activations, and the edge tiles (all taps at once
             * into a buffer, then the epilogue on the part inside Z) */
            for (int64_t ti = 0; ti < ntile; ti++) {
                const int64_t rr = r0 + ti * mr, valid = rows - ti * mr < mr ? rows - ti * mr : mr;
                for (int64_t sl = 0; sl < nsl; sl++) {
                    const int64_t cols = fg - sl * nr < nr ? fg - sl * nr : nr;
                    const int64_t off = rr * f + gi * fg + sl * nr;
                    const T *bias = j->bias ? j->bias + gi * fg + sl * nr : NULL;
                    T *dst = j->z + off;
                    if (valid == mr && cols == nr) {
                        if (j->act >= 0 && j->act != NL_ACT_RELU)
                            for (int64_t i = 0; i < mr; i++)
                                NL(activation_forward)(j->act, 1, nr, j->act_alpha, dst + i * f,
                                                       j->y + off + i * f);
                        continue;
                    }
                    fn(ntap, j->cg, ind + ti * ntap * mr, j->bp + (gi * nsl + sl) * j->kdim * nr,
                       tile, nr, NULL, NULL, 1);
                    for (int64_t i = 0; i < valid; i++) {
                        for (int64_t e = 0; e < cols; e++) dst[i * f + e] = tile[i * nr + e];
                        if (bias)
                            for (int64_t e = 0; e < cols; e++) dst[i * f + e] += bias[e];
                        if (j->act >= 0)
                            NL(activation_forward)(j->act, 1, cols, j->act_alpha, dst + i * f,
                                                   j->y + off + i * f);
                    }
                }
            }
        }
    }
    free(ind);
    free(zero);
}

/* The forward pass on the indirect path; CONV_NOT_FAST when it does not apply. */
static int L(ind_forward)(struct L(conv_job) *j)
{
    const struct nl_sconv_ukr *u = L(ukr_for)(j->fg);
    int64_t nsl;
    void *raw;
    T *bp;
    int st;
    if (!u || L(is_direct)(j))
        return CONV_NOT_FAST;
    nsl = (j->fg + u->nr - 1) / u->nr;
    bp = L(alloc_aligned)(j->groups * nsl * j->kdim * u->nr, &raw);
    if (!bp)
        return NL_ENOMEM;
    for (int64_t gi = 0; gi < j->groups; gi++)
        L(ind_pack_b)(0, j->kdim, j->fg, j->k + gi * j->fg, j->f, u->nr,
                      bp + gi * nsl * j->kdim * u->nr);
    j->u = u;
    j->bp = bp;
    j->tasks = geom_tasks((double)j->rows * (double)j->kdim * (double)j->f,
                          (j->rows + CONV_IND_ROWS - 1) / CONV_IND_ROWS);
    st = L(conv_run)(j, L(ind_fwd_task));
    free(raw);
    return st;
}

/* Input gradient: col(dX) of one image's rows = dZ rows . K^T (A = the rows
 * of dZ as they lie, one tap of fg values), then col2im, images split over
 * the tasks as on the GEMM path. The kdim columns of col are cut into two
 * ranges, each with its own tile and packed B: the 6 x 64 tile over whole
 * slivers of 64 and the 12 x 32 one over a tail of at most 32 (kdim =
 * 9 * 32 = 288 would otherwise run all in 12 x 32, whose two vectors a row
 * need a broadcast for every two FMAs). Every element of col is one FMA
 * chain over fg from zero whatever its tile, so the cut changes no result. */
struct L(ind_cols) {
    const struct nl_sconv_ukr *u;
    int64_t c0, ncols;          /* columns c0 .. c0 + ncols of col */
    const T *bp;                /* groups x slivers x fg x nr */
};

/* The ranges for kdim columns (the second empty when ncols == 0). */
static void L(ind_bwd_cols)(int64_t kdim, struct L(ind_cols) *r)
{
    const int64_t whole = kdim / 64 * 64;
    r[0].u = &nl_sconv_ukr_6x64;
    r[0].c0 = 0;
    r[0].ncols = whole;
    r[1].u = kdim - whole <= 32 ? &nl_sconv_ukr_12x32 : &nl_sconv_ukr_6x64;
    r[1].c0 = whole;
    r[1].ncols = kdim - whole;
    r[0].bp = r[1].bp = NULL;
}

/* Output rows per block of the input gradient (a multiple of 6 and 12). */
#define CONV_IND_BWD_ROWS 120

static void L(ind_bwd_input_task)(void *arg, int t)
{
    struct L(conv_job) *j = (struct L(conv_job) *)arg;
    const struct nl_geom *g = &j->g;
    const struct L(ind_cols) *ranges = (const struct L(ind_cols) *)j->cols;
    const int64_t p = g->oh * g->ow, img_len = g->h * g->w * g->c, kdim = j->kdim;
    const int64_t mb = p < CONV_IND_BWD_ROWS ? p : CONV_IND_BWD_ROWS;
    int64_t lo, hi;
    T *col = NULL;
    T tile[NL_CONV_UKR_MR_MAX * NL_CONV_UKR_NR_MAX];
    geom_share(g->n, t, j->tasks, &lo, &hi);
    j->status[t] = NL_OK;
    if (lo >= hi)
        return;
    if (p > 0) {
        col = (T *)malloc((size_t)(mb * kdim) * sizeof(T));
        if (!col) {
            j->status[t] = NL_ENOMEM;
            return;
        }
    }
    for (int64_t img = lo; img < hi; img++) {
        T *dimg = j->dx + img * img_len;
        for (int64_t e = 0; e < img_len; e++) dimg[e] = 0;
        for (int64_t b0 = 0; b0 < p; b0 += mb) {
            const int64_t r0 = img * p + b0, rows = p - b0 < mb ? p - b0 : mb;
            for (int64_t gi = 0; gi < j->groups; gi++) {
                for (int rg = 0; rg < 2; rg++) {
                    const struct L(ind_cols) *cr = &ranges[rg];
                    const int mr = cr->u->mr, nr = cr->u->nr;
                    const L(ind_fn) fn = (L(ind_fn))cr->u->ind;
                    const int64_t nsl = (cr->ncols + nr - 1) / nr;
                    /* one sliver of B (fg x nr, in L1) over all the block's rows */
                    for (int64_t sl = 0; sl < nsl; sl++) {
                        const int64_t cols = cr->ncols - sl * nr < nr ? cr->ncols - sl * nr : nr;
                        const T *bs = cr->bp + (gi * nsl + sl) * j->fg * nr;
                        for (int64_t i0 = 0; i0 < rows; i0 += mr) {
                            const int64_t valid = rows - i0 < mr ? rows - i0 : mr;
                            const T *ap[NL_CONV_UKR_MR_MAX];
                            T *dst = col + i0 * kdim + cr->c0 + sl * nr;
                            for (int i = 0; i < mr; i++)
                                ap[i] = j->dz + (r0 + i0 + (i < valid ? i : 0)) * j->f
                                        + gi * j->fg;
                            if (valid == mr && cols == nr) {
                                fn(1, j->fg, ap, bs, dst, kdim, NULL, NULL, 1);
                            } else {
                                fn(1, j->fg, ap, bs, tile, nr, NULL, NULL, 1);
                                for (int64_t i = 0; i < valid; i++)
                                    for (int64_t e = 0; e < cols; e++)
                                        dst[i * kdim + e] = tile[i * nr + e];
                            }
                        }
                    }
                }
                L(col2im)(g, j->cg, gi * j->cg, col, r0, rows, j->dx);
            }
        }
        if (j->relu_x)      /* the image's dx is still in cache */
            L(relu_mask)(img_len, j->relu_x + img * img_len, dimg);
    }
    free(col);
}

static int L(ind_backward_input)(struct L(conv_job) *j)
{
    struct L(ind_cols) ranges[2];
    int64_t len[2];
    void *raw;
    T *bp;
    int st;
    if (!L(ukr_for)(64))
        return CONV_NOT_FAST;
    L(ind_bwd_cols)(j->kdim, ranges);
    for (int rg = 0; rg < 2; rg++) {
        const int nr = ranges[rg].u->nr;
        len[rg] = j->groups * ((ranges[rg].ncols + nr - 1) / nr) * j->fg * nr;
    }
    bp = L(alloc_aligned)(len[0] + len[1], &raw);
    if (!bp)
        return NL_ENOMEM;
    ranges[0].bp = bp;
    ranges[1].bp = bp + len[0];   /* len[0] is a multiple of 64 elements: still aligned */
    for (int rg = 0; rg < 2; rg++) {
        const struct L(ind_cols) *cr = &ranges[rg];
        const int nr = cr->u->nr;
        const int64_t nsl = (cr->ncols + nr - 1) / nr;
        for (int64_t gi = 0; gi < j->groups && cr->ncols > 0; gi++)
            L(ind_pack_b)(1, j->fg, cr->ncols, j->k + gi * j->fg + cr->c0 * j->f, j->f, nr,
                          (T *)cr->bp + gi * nsl * j->fg * nr);
    }
    j->cols = ranges;
    j->tasks = geom_tasks((double)j->rows * (double)j->kdim * (double)j->f, j->g.n);
    st = L(conv_run)(j, L(ind_bwd_input_task));
    free(raw);
    return st;
}

/* Weight gradient without padding (every tap of every output pixel inside
 * the image) and f a multiple of 32: chunk q of the output pixels into its
 * partial (kdim rounded up to whole tiles, x f), pixels in runs of
 * CONV_WG_RUN so a run's dZ rows stay in L1 while every tile passes over
 * them; each tile's chain continues from run to run. */
#define CONV_WG_RUN 96

static void L(ind_wgrad_task)(void *arg, int t)
{
    struct L(conv_job) *j = (struct L(conv_job) *)arg;
    const struct nl_geom *g = &j->g;
    const int mr = j->u->mr, nr = j->u->nr;
    const L(wg_fn) fn = (L(wg_fn))j->u->wgrad;
    const int64_t f = j->f, kpad = (j->kdim + mr - 1) / mr * mr, p = g->oh * g->ow;
    int64_t lo, hi, *roff, *off;
    geom_share(j->nchunks, t, j->tasks, &lo, &hi);
    j->status[t] = NL_OK;
    if (lo >= hi)
        return;
    roff = (int64_t *)malloc((size_t)(kpad + CONV_WG_RUN) * sizeof(int64_t));
    if (!roff) {
        j->status[t] = NL_ENOMEM;
        return;
    }
    off = roff + kpad;
    {
        int64_t k = 0;
        for (int64_t ky = 0; ky < g->kh; ky++)
            for (int64_t kx = 0; kx < g->kw; kx++)
                for (int64_t ci = 0; ci < g->c; ci++)
                    roff[k++] = (ky * g->dh * g->w + kx * g->dw) * g->c + ci;
        for (; k < kpad; k++) roff[k] = 0;
    }
    for (int64_t q = lo; q < hi; q++) {
        const int64_t plo = geom_share_start(j->rows, (int)q, (int)j->nchunks);
        const int64_t phi = geom_share_start(j->rows, (int)q + 1, (int)j->nchunks);
        T *dst = j->part + q * kpad * f;
        for (int64_t e = 0; e < kpad * f; e++) dst[e] = 0;
        for (int64_t r0 = plo; r0 < phi; r0 += CONV_WG_RUN) {
            const int64_t np = phi - r0 < CONV_WG_RUN ? phi - r0 : CONV_WG_RUN;
            for (int64_t i = 0; i < np; i++) {
                const int64_t r = r0 + i, img = r / p, oy = (r % p) / g->ow, ox = r % g->ow;
                off[i] = ((img * g->h + oy * g->sh) * g->w + ox * g->sw) * g->c;
            }
            for (int64_t k0 = 0; k0 < kpad; k0 += mr)
                for (int64_t e0 = 0; e0 < f; e0 += nr)
                    fn(np, off, roff + k0, j->x, j->dz + r0 * f + e0, f, dst + k0 * f + e0, f,
                       r0 == plo);
            if (j->bpart)       /* the run's dZ rows are still in cache */
                L(bias_rows)(r0, r0 + np, f, j->dz, j->bpart + q * f);
        }
    }
    free(roff);
}

static int L(ind_backward_weight)(struct L(conv_job) *j, T *dk)
{
    const struct nl_geom *g = &j->g;
    const struct nl_sconv_ukr *u = L(ukr_for)(j->f);
    int64_t kpad, klen = j->kdim * j->f;
    void *raw;
    int st;
    if (!u || j->f % 32 != 0 || j->groups != 1 || L(is_direct)(j) || g->pt != 0 || g->pl != 0
        || (g->oh - 1) * g->sh + (g->kh - 1) * g->dh >= g->h
        || (g->ow - 1) * g->sw + (g->kw - 1) * g->dw >= g->w)
        return CONV_NOT_FAST;
    kpad = (j->kdim + u->mr - 1) / u->mr * u->mr;
    j->part = L(alloc_aligned)(j->nchunks * kpad * j->f, &raw);
    if (!j->part)
        return NL_ENOMEM;
    j->u = u;
    j->tasks = geom_tasks((double)j->rows * (double)j->kdim * (double)j->f, j->nchunks);
    st = L(conv_run)(j, L(ind_wgrad_task));
    if (st == NL_OK) {
        for (int64_t e = 0; e < klen; e++) dk[e] = j->part[e];
        for (int64_t q = 1; q < j->nchunks; q++) {
            const T *pq = j->part + q * kpad * j->f;
            for (int64_t e = 0; e < klen; e++) dk[e] += pq[e];
        }
    }
    free(raw);
    return st;
}

/* ---- forward ---------------------------------------------------------------- */

static void L(fwd_task)(void *arg, int t)
{
    struct L(conv_job) *j = (struct L(conv_job) *)arg;
    int64_t lo, hi;
    T *col;
    int st = NL_OK;
    geom_share(j->nblocks, t, j->tasks, &lo, &hi);
    j->status[t] = NL_OK;
    if (lo >= hi)
        return;
    col = (T *)malloc((size_t)(j->mb * j->kdim) * sizeof(T));
    if (!col) {
        j->status[t] = NL_ENOMEM;
        return;
    }
    for (int64_t b = lo; b < hi && st == NL_OK; b++) {
        const int64_t r0 = b * j->mb, rows = j->rows - r0 < j->mb ? j->rows - r0 : j->mb;
        for (int64_t gi = 0; gi < j->groups && st == NL_OK; gi++) {
            const int64_t off = r0 * j->f + gi * j->fg;
            L(im2col)(&j->g, j->cg, gi * j->cg, j->x, r0, rows, col);
            st = NL(gemm_bias_act)(0, 0, rows, j->fg, j->kdim, 1, col, j->kdim,
                                   j->k + gi * j->fg, j->f, 0, j->z + off, j->f,
                                   j->bias ? j->bias + gi * j->fg : NULL, j->act,
                                   j->act_alpha, j->act >= 0 ? j->y + off : NULL, j->f);
        }
    }
    free(col);
    j->status[t] = st;
}

int NL(conv2d_forward)(int64_t n, int64_t h, int64_t w, int64_t c, int64_t kh, int64_t kw,
                       int64_t f, int64_t groups, int64_t sh, int64_t sw, int64_t dh,
                       int64_t dw, int64_t pt, int64_t pb, int64_t pl, int64_t pr,
                       const T *x, const T *k, const T *bias, int act, T act_alpha,
                       T *z, T *y)
{
    struct L(conv_job) j;
    int st = L(conv_setup)(&j, n, h, w, c, kh, kw, f, groups, sh, sw, dh, dw, pt, pb, pl, pr);
    if (st != NL_OK)
        return st;
    if (act == NL_ACT_SOFTMAX || act < -1 || act > NL_ACT_EXPONENTIAL)
        return NL_EINVAL;
    if (j.rows == 0)
        return NL_OK;
    if (!x || !k || !z || (act >= 0 && !y))
        return NL_EINVAL;
    if (L(is_pointwise)(&j)) {
        /* 1x1: Z[:, g] = X[:, g] . K[:, g], one GEMM per group over all rows */
        for (int64_t gi = 0; gi < groups && st == NL_OK; gi++)
            st = NL(gemm_bias_act)(0, 0, j.rows, j.fg, j.cg, 1, x + gi * j.cg, c,
                                   k + gi * j.fg, f, 0, z + gi * j.fg, f,
                                   bias ? bias + gi * j.fg : NULL, act, act_alpha,
                                   act >= 0 ? y + gi * j.fg : NULL, f);
        return st;
    }
    j.x = x; j.k = k; j.bias = bias; j.act = act; j.act_alpha = act_alpha; j.z = z; j.y = y;
    if (L(is_direct)(&j)) {
        j.tasks = geom_tasks((double)j.rows * (double)j.kdim * (double)f, n * j.g.oh);
        return L(conv_run)(&j, L(direct_fwd_task));
    }
    if ((st = L(ind_forward)(&j)) != CONV_NOT_FAST)
        return st;
    st = NL_OK;
    j.tasks = geom_tasks((double)j.rows * (double)j.kdim * (double)f, j.nblocks);
    return L(conv_run)(&j, L(fwd_task));
}

/* ---- input gradient --------------------------------------------------------- */

static void L(bwd_input_task)(void *arg, int t)
{
    struct L(conv_job) *j = (struct L(conv_job) *)arg;
    const struct nl_geom *g = &j->g;
    const int64_t p = g->oh * g->ow, img_len = g->h * g->w * g->c;
    const int64_t mb = p < j->mb ? p : j->mb;
    int64_t lo, hi;
    T *col = NULL;
    int st = NL_OK;
    geom_share(g->n, t, j->tasks, &lo, &hi);
    j->status[t] = NL_OK;
    if (lo >= hi)
        return;
    if (p > 0) {
        col = (T *)malloc((size_t)(mb * j->kdim) * sizeof(T));
        if (!col) {
            j->status[t] = NL_ENOMEM;
            return;
        }
    }
    for (int64_t img = lo; img < hi && st == NL_OK; img++) {
        T *dimg = j->dx + img * img_len;
        for (int64_t e = 0; e < img_len; e++) dimg[e] = 0;
        /* blocks of this image only: its dX is this task's alone */
        for (int64_t b0 = 0; b0 < p && st == NL_OK; b0 += mb) {
            const int64_t r0 = img * p + b0, rows = p - b0 < mb ? p - b0 : mb;
            for (int64_t gi = 0; gi < j->groups && st == NL_OK; gi++) {
                st = NL(gemm)(0, 1, rows, j->kdim, j->fg, 1, j->dz + r0 * j->f + gi * j->fg,
                              j->f, j->k + gi * j->fg, j->f, 0, col, j->kdim);
                if (st == NL_OK)
                    L(col2im)(g, j->cg, gi * j->cg, col, r0, rows, j->dx);
            }
        }
        if (st == NL_OK && j->relu_x)
            L(relu_mask)(img_len, j->relu_x + img * img_len, dimg);
    }
    free(col);
    j->status[t] = st;
}

int NL(conv2d_backward_input)(int64_t n, int64_t h, int64_t w, int64_t c, int64_t kh,
                              int64_t kw, int64_t f, int64_t groups, int64_t sh, int64_t sw,
                              int64_t dh, int64_t dw, int64_t pt, int64_t pb, int64_t pl,
                              int64_t pr, const T *dz, const T *k, const T *relu_x, T *dx)
{
    struct L(conv_job) j;
    int st = L(conv_setup)(&j, n, h, w, c, kh, kw, f, groups, sh, sw, dh, dw, pt, pb, pl, pr);
    if (st != NL_OK)
        return st;
    if (n * h * w == 0)
        return NL_OK;
    if (!dx || (j.rows > 0 && (!dz || !k)))
        return NL_EINVAL;
    if (L(is_pointwise)(&j)) {
        for (int64_t gi = 0; gi < groups && st == NL_OK; gi++)
            st = NL(gemm)(0, 1, j.rows, j.cg, j.fg, 1, dz + gi * j.fg, f, k + gi * j.fg, f,
                          0, dx + gi * j.cg, c);
        if (st == NL_OK && relu_x)
            L(relu_mask)(n * h * w * c, relu_x, dx);
        return st;
    }
    j.dz = dz; j.k = k; j.dx = dx; j.relu_x = relu_x;
    if (j.rows > 0 && (st = L(ind_backward_input)(&j)) != CONV_NOT_FAST)
        return st;
    st = NL_OK;
    j.tasks = geom_tasks((double)j.rows * (double)j.kdim * (double)f, n);
    return L(conv_run)(&j, L(bwd_input_task));
}

/* ---- weight gradient ------------------------------------------------------------ */

/* Chunk q of the blocks, summed into part + q * kdim * f (overwritten). */
static int L(wgrad_chunk)(struct L(conv_job) *j, int64_t q, T *col)
{
    int64_t lo, hi;
    T *dst = j->part + q * j->kdim * j->f;
    int st = NL_OK;
    lo = geom_share_start(j->nblocks, (int)q, (int)j->nchunks);
    hi = geom_share_start(j->nblocks, (int)q + 1, (int)j->nchunks);
    for (int64_t b = lo; b < hi && st == NL_OK; b++) {
        const int64_t r0 = b * j->mb, rows = j->rows - r0 < j->mb ? j->rows - r0 : j->mb;
        for (int64_t gi = 0; gi < j->groups && st == NL_OK; gi++) {
            L(im2col)(&j->g, j->cg, gi * j->cg, j->x, r0, rows, col);
            st = NL(gemm)(1, 0, j->kdim, j->fg, rows, 1, col, j->kdim,
                          j->dz + r0 * j->f + gi * j->fg, j->f, b == lo ? 0 : 1,
                          dst + gi * j->fg, j->f);
        }
        if (j->bpart)
            L(bias_rows)(r0, r0 + rows, j->f, j->dz, j->bpart + q * j->f);
    }
    return st;
}

static void L(bwd_weight_task)(void *arg, int t)
{
    struct L(conv_job) *j = (struct L(conv_job) *)arg;
    int64_t lo, hi;
    T *col;
    int st = NL_OK;
    geom_share(j->nchunks, t, j->tasks, &lo, &hi);
    j->status[t] = NL_OK;
    if (lo >= hi)
        return;
    col = (T *)malloc((size_t)(j->mb * j->kdim) * sizeof(T));
    if (!col) {
        j->status[t] = NL_ENOMEM;
        return;
    }
    for (int64_t q = lo; q < hi && st == NL_OK; q++)
        st = L(wgrad_chunk)(j, q, col);
    free(col);
    j->status[t] = st;
}

/* db[j] = sum over rows of dz[r, j], rows in order, summed in double. */
NL_CLONES static int L(bias_grad)(int64_t rows, int64_t f, const T *dz, T *db)
{
    double *acc = (double *)calloc((size_t)f, sizeof(double));
    if (!acc)
        return NL_ENOMEM;
    for (int64_t r = 0; r < rows; r++) {
        const T *dr = dz + r * f;
        for (int64_t e = 0; e < f; e++) acc[e] += dr[e];
    }
    for (int64_t e = 0; e < f; e++) db[e] = (T)acc[e];
    free(acc);
    return NL_OK;
}

int NL(conv2d_backward_weight)(int64_t n, int64_t h, int64_t w, int64_t c, int64_t kh,
                               int64_t kw, int64_t f, int64_t groups, int64_t sh, int64_t sw,
                               int64_t dh, int64_t dw, int64_t pt, int64_t pb, int64_t pl,
                               int64_t pr, const T *x, const T *dz, T *dk, T *dbias)
{
    struct L(conv_job) j;
    int64_t klen;
    int st = L(conv_setup)(&j, n, h, w, c, kh, kw, f, groups, sh, sw, dh, dw, pt, pb, pl, pr);
    if (st != NL_OK)
        return st;
    if (!dk || (j.rows > 0 && (!x || !dz)))
        return NL_EINVAL;
    klen = j.kdim * f;
    if (j.rows == 0 || L(is_pointwise)(&j)) {
        if (dbias && (st = L(bias_grad)(j.rows, f, dz, dbias)) != NL_OK)
            return st;
    }
    if (j.rows == 0) {
        for (int64_t e = 0; e < klen; e++) dk[e] = 0;
        return NL_OK;
    }
    if (L(is_pointwise)(&j)) {
        /* one GEMM over all rows per group: the GEMM never splits K */
        for (int64_t gi = 0; gi < groups && st == NL_OK; gi++)
            st = NL(gemm)(1, 0, j.cg, j.fg, j.rows, 1, x + gi * j.cg, c, dz + gi * j.fg, f,
                          0, dk + gi * j.fg, f);
        return st;
    }
    /* the chunk count depends on the shape only; partials bounded in size */
    j.nchunks = CONV_WGRAD_CHUNKS;
    if (j.nchunks > (L(is_direct)(&j) ? n * j.g.oh : j.nblocks))
        j.nchunks = L(is_direct)(&j) ? n * j.g.oh : j.nblocks;
    if (j.nchunks > CONV_PART_ELEMS / klen) j.nchunks = CONV_PART_ELEMS / klen;
    if (j.nchunks < 1) j.nchunks = 1;
    j.x = x; j.dz = dz;
    /* the bias gradient in the same tasks: per chunk a partial in double over
     * the chunk's rows in order, then the partials in chunk order */
    if (dbias) {
        j.bpart = (double *)calloc((size_t)(j.nchunks * f), sizeof(double));
        if (!j.bpart)
            return NL_ENOMEM;
    }
    if ((st = L(ind_backward_weight)(&j, dk)) == CONV_NOT_FAST) {
        st = NL_OK;
        if (j.nchunks == 1) {
            j.part = dk;
        } else {
            j.part = (T *)malloc((size_t)(j.nchunks * klen) * sizeof(T));
            if (!j.part) {
                free(j.bpart);
                return NL_ENOMEM;
            }
        }
        j.tasks = geom_tasks((double)j.rows * (double)j.kdim * (double)f, j.nchunks);
        st = L(conv_run)(&j, L(is_direct)(&j) ? L(direct_wgrad_task) : L(bwd_weight_task));
        if (j.nchunks > 1) {
            if (st == NL_OK) {
                for (int64_t e = 0; e < klen; e++) dk[e] = j.part[e];
                for (int64_t q = 1; q < j.nchunks; q++) {
                    const T *pq = j.part + q * klen;
                    for (int64_t e = 0; e < klen; e++) dk[e] += pq[e];
                }
            }
            free(j.part);
        }
    }
    if (dbias && st == NL_OK) {
        for (int64_t e = 0; e < f; e++) {
            double acc = j.bpart[e];
            for (int64_t q = 1; q < j.nchunks; q++) acc += j.bpart[q * f + e];
            dbias[e] = (T)acc;
        }
    }
    free(j.bpart);
    return st;
}

/* ---- depthwise convolution ---------------------------------------------------
 * Output channel ci*mult + m of tap (ky, kx) is x[..., ci] * k[ky, kx, ci, m]:
 * the kernel (kh, kw, c, mult) is kh*kw rows of c*mult. Each output pixel
 * accumulates its taps in order with elementwise vector loops over channels
 * (no GEMM: there is no reduction over channels). */

/* y[e] += a[e] * b[e] */
NL_CLONES static void L(mul_acc)(int64_t len, const T *__restrict a, const T *__restrict b,
                                 T *__restrict y)
{
    for (int64_t e = 0; e < len; e++) y[e] += a[e] * b[e];
}

/* y[ci*mult + m] += x[ci] * b[ci*mult + m] */
static void L(mul_acc_mult)(int64_t c, int64_t mult, const T *__restrict x,
                            const T *__restrict b, T *__restrict y)
{
    for (int64_t ci = 0; ci < c; ci++)
        for (int64_t m = 0; m < mult; m++) y[ci * mult + m] += x[ci] * b[ci * mult + m];
}

struct L(dw_job) {
    struct nl_geom g;
    int64_t mult, f, nchunks, outrows;     /* outrows = n * oh */
    const T *x, *k, *bias, *dz;
    int act;
    T act_alpha;
    T *z, *y, *dx, *part;
    int tasks;
    int status[NL_MAX_TASKS];
};

static int L(dw_setup)(struct L(dw_job) *j, int64_t n, int64_t h, int64_t w, int64_t c,
                       int64_t kh, int64_t kw, int64_t mult, int64_t sh, int64_t sw,
                       int64_t dh, int64_t dw, int64_t pt, int64_t pb, int64_t pl, int64_t pr)
{
    int64_t t;
    int st = geom_init(&j->g, n, h, w, c, kh, kw, sh, sw, dh, dw, pt, pb, pl, pr);
    if (st != NL_OK)
        return st;
    if (mult < 1 || c < 1)
        return NL_EINVAL;
    j->mult = mult;
    j->f = c;
    if (!geom_mul(&j->f, mult)) return NL_EINVAL;
    t = kh;
    if (!geom_mul(&t, kw) || !geom_mul(&t, j->f)) return NL_EINVAL;
    j->outrows = n;
    if (!geom_mul(&j->outrows, j->g.oh)) return NL_EINVAL;
    t = j->outrows;
    if (!geom_mul(&t, j->g.ow) || !geom_mul(&t, j->f)) return NL_EINVAL;
    j->x = j->k = j->bias = j->dz = NULL;
    j->z = j->y = j->dx = j->part = NULL;
    j->act = -1;
    j->act_alpha = 0;
    j->nchunks = 1;
    return NL_OK;
}

static int L(dw_run)(struct L(dw_job) *j, void (*fn)(void *, int))
{
    int st = NL_OK;
    nl_parallel_for(j->tasks, fn, j);
    for (int t = 0; t < j->tasks; t++)
        if (j->status[t] != NL_OK)
            st = j->status[t];
    return st;
}

static void L(dw_fwd_task)(void *arg, int t)
{
    struct L(dw_job) *j = (struct L(dw_job) *)arg;
    const struct nl_geom *g = &j->g;
    const int64_t f = j->f, c = g->c;
    int64_t lo, hi;
    geom_share(j->outrows, t, j->tasks, &lo, &hi);
    j->status[t] = NL_OK;
    for (int64_t row = lo; row < hi; row++) {
        const int64_t img = row / g->oh, oy = row % g->oh;
        T *zr = j->z + row * g->ow * f;
        const T *ximg = j->x + img * g->h * g->w * c;
        for (int64_t ox = 0; ox < g->ow; ox++) {
            T *zo = zr + ox * f;
            for (int64_t e = 0; e < f; e++) zo[e] = j->bias ? j->bias[e] : (T)0;
            for (int64_t ky = 0; ky < g->kh; ky++) {
                const int64_t iy = oy * g->sh - g->pt + ky * g->dh;
                if (iy < 0 || iy >= g->h) continue;
                for (int64_t kx = 0; kx < g->kw; kx++) {
                    const int64_t ix = ox * g->sw - g->pl + kx * g->dw;
                    const T *xp, *kp;
                    if (ix < 0 || ix >= g->w) continue;
                    xp = ximg + (iy * g->w + ix) * c;
                    kp = j->k + (ky * g->kw + kx) * f;
                    if (j->mult == 1) L(mul_acc)(c, xp, kp, zo);
                    else L(mul_acc_mult)(c, j->mult, xp, kp, zo);
                }
            }
        }
        if (j->act >= 0)
            NL(activation_forward)(j->act, 1, g->ow * f, j->act_alpha, zr,
                                   j->y + row * g->ow * f);
    }
}

int NL(depthwise_conv2d_forward)(int64_t n, int64_t h, int64_t w, int64_t c, int64_t kh,
                                 int64_t kw, int64_t mult, int64_t sh, int64_t sw, int64_t dh,
                                 int64_t dw, int64_t pt, int64_t pb, int64_t pl, int64_t pr,
                                 const T *x, const T *k, const T *bias, int act, T act_alpha,
                                 T *z, T *y)
{
    struct L(dw_job) j;
    int st = L(dw_setup)(&j, n, h, w, c, kh, kw, mult, sh, sw, dh, dw, pt, pb, pl, pr);
    if (st != NL_OK)
        return st;
    if (act == NL_ACT_SOFTMAX || act < -1 || act > NL_ACT_EXPONENTIAL)
        return NL_EINVAL;
    if (j.outrows * j.g.ow == 0)
        return NL_OK;
    if (!x || !k || !z || (act >= 0 && !y))
        return NL_EINVAL;
    j.x = x; j.k = k; j.bias = bias; j.act = act; j.act_alpha = act_alpha; j.z = z; j.y = y;
    j.tasks = geom_tasks((double)j.outrows * (double)j.g.ow * (double)(kh * kw) * (double)j.f,
                         j.outrows);
    return L(dw_run)(&j, L(dw_fwd_task));
}

static void L(dw_bwd_input_task)(void *arg, int t)
{
    struct L(dw_job) *j = (struct L(dw_job) *)arg;
    const struct nl_geom *g = &j->g;
    const int64_t f = j->f, c = g->c, mult = j->mult, img_len = g->h * g->w * c;
    int64_t lo, hi;
    geom_share(g->n, t, j->tasks, &lo, &hi);
    j->status[t] = NL_OK;
    for (int64_t img = lo; img < hi; img++) {
        T *dimg = j->dx + img * img_len;
        for (int64_t e = 0; e < img_len; e++) dimg[e] = 0;
        for (int64_t oy = 0; oy < g->oh; oy++)
            for (int64_t ox = 0; ox < g->ow; ox++) {
                const T *dzo = j->dz + ((img * g->oh + oy) * g->ow + ox) * f;
                for (int64_t ky = 0; ky < g->kh; ky++) {
                    const int64_t iy = oy * g->sh - g->pt + ky * g->dh;
                    if (iy < 0 || iy >= g->h) continue;
                    for (int64_t kx = 0; kx < g->kw; kx++) {
                        const int64_t ix = ox * g->sw - g->pl + kx * g->dw;
                        const T *kp;
                        T *dxp;
                        if (ix < 0 || ix >= g->w) continue;
                        kp = j->k + (ky * g->kw + kx) * f;
                        dxp = dimg + (iy * g->w + ix) * c;
                        if (mult == 1) {
                            L(mul_acc)(c, dzo, kp, dxp);
                        } else {
                            for (int64_t ci = 0; ci < c; ci++) {
                                T s = 0;
                                for (int64_t m = 0; m < mult; m++)
                                    s += dzo[ci * mult + m] * kp[ci * mult + m];
                                dxp[ci] += s;
                            }
                        }
                    }
                }
            }
    }
}

int NL(depthwise_conv2d_backward_input)(int64_t n, int64_t h, int64_t w, int64_t c,
                                        int64_t kh, int64_t kw, int64_t mult, int64_t sh,
                                        int64_t sw, int64_t dh, int64_t dw, int64_t pt,
                                        int64_t pb, int64_t pl, int64_t pr, const T *dz,
                                        const T *k, T *dx)
{
    struct L(dw_job) j;
    int st = L(dw_setup)(&j, n, h, w, c, kh, kw, mult, sh, sw, dh, dw, pt, pb, pl, pr);
    if (st != NL_OK)
        return st;
    if (n * h * w == 0)
        return NL_OK;
    if (!dx || (j.outrows * j.g.ow > 0 && (!dz || !k)))
        return NL_EINVAL;
    j.dz = dz; j.k = k; j.dx = dx;
    j.tasks = geom_tasks((double)j.outrows * (double)j.g.ow * (double)(kh * kw) * (double)j.f,
                         n);
    return L(dw_run)(&j, L(dw_bwd_input_task));
}

/* Chunk q of the output rows into part + q*kh*kw*f (overwritten). */
static void L(dw_wgrad_chunk)(struct L(dw_job) *j, int64_t q)
{
    const struct nl_geom *g = &j->g;
    const int64_t f = j->f, c = g->c, mult = j->mult, klen = g->kh * g->kw * f;
    const int64_t lo = geom_share_start(j->outrows, (int)q, (int)j->nchunks);
    const int64_t hi = geom_share_start(j->outrows, (int)q + 1, (int)j->nchunks);
    T *dst = j->part + q * klen;
    for (int64_t e = 0; e < klen; e++) dst[e] = 0;
    for (int64_t row = lo; row < hi; row++) {
        const int64_t img = row / g->oh, oy = row % g->oh;
        const T *ximg = j->x + img * g->h * g->w * c;
        for (int64_t ox = 0; ox < g->ow; ox++) {
            const T *dzo = j->dz + (row * g->ow + ox) * f;
            for (int64_t ky = 0; ky < g->kh; ky++) {
                const int64_t iy = oy * g->sh - g->pt + ky * g->dh;
                if (iy < 0 || iy >= g->h) continue;
                for (int64_t kx = 0; kx < g->kw; kx++) {
                    const int64_t ix = ox * g->sw - g->pl + kx * g->dw;
                    const T *xp;
                    if (ix < 0 || ix >= g->w) continue;
                    xp = ximg + (iy * g->w + ix) * c;
                    if (mult == 1) L(mul_acc)(c, dzo, xp, dst + (ky * g->kw + kx) * f);
                    else L(mul_acc_mult)(c, mult, xp, dzo, dst + (ky * g->kw + kx) * f);
                }
            }
        }
    }
}

static void L(dw_bwd_weight_task)(void *arg, int t)
{
    struct L(dw_job) *j = (struct L(dw_job) *)arg;
    int64_t lo, hi;
    geom_share(j->nchunks, t, j->tasks, &lo, &hi);
    j->status[t] = NL_OK;
    for (int64_t q = lo; q < hi; q++)
        L(dw_wgrad_chunk)(j, q);
}

int NL(depthwise_conv2d_backward_weight)(int64_t n, int64_t h, int64_t w, int64_t c,
                                         int64_t kh, int64_t kw, int64_t mult, int64_t sh,
                                         int64_t sw, int64_t dh, int64_t dw, int64_t pt,
                                         int64_t pb, int64_t pl, int64_t pr, const T *x,
                                         const T *dz, T *dk, T *dbias)
{
    struct L(dw_job) j;
    int64_t klen;
    int st = L(dw_setup)(&j, n, h, w, c, kh, kw, mult, sh, sw, dh, dw, pt, pb, pl, pr);
    if (st != NL_OK)
        return st;
    if (!dk || (j.outrows * j.g.ow > 0 && (!x || !dz)))
        return NL_EINVAL;
    klen = kh * kw * j.f;
    if (dbias && (st = L(bias_grad)(j.outrows * j.g.ow, j.f, dz, dbias)) != NL_OK)
        return st;
    if (j.outrows * j.g.ow == 0) {
        for (int64_t e = 0; e < klen; e++) dk[e] = 0;
        return NL_OK;
    }
    j.nchunks = CONV_WGRAD_CHUNKS;
    if (j.nchunks > j.outrows) j.nchunks = j.outrows;
    if (j.nchunks > CONV_PART_ELEMS / klen) j.nchunks = CONV_PART_ELEMS / klen;
    if (j.nchunks < 1) j.nchunks = 1;
    j.x = x; j.dz = dz;
    if (j.nchunks == 1) {
        j.part = dk;
    } else {
        j.part = (T *)malloc((size_t)(j.nchunks * klen) * sizeof(T));
        if (!j.part)
            return NL_ENOMEM;
    }
    j.tasks = geom_tasks((double)j.outrows * (double)j.g.ow * (double)klen, j.nchunks);
    st = L(dw_run)(&j, L(dw_bwd_weight_task));
    if (j.nchunks > 1) {
        for (int64_t e = 0; e < klen; e++) dk[e] = j.part[e];
        for (int64_t q = 1; q < j.nchunks; q++) {
            const T *pq = j.part + q * klen;
            for (int64_t e = 0; e < klen; e++) dk[e] += pq[e];
        }
        free(j.part);
    }
    return st;
}
