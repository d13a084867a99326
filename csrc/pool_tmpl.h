/* pool_tmpl.h - max and average pooling (2-D; 1-D is height 1), forward
 * beside backward, written once for any floating type. Included through
 * instantiate.h (T, NL(x), L(x), M(f)); pool.c provides conv_geom.h.
 *
 * Windows are kh x kw with strides (sh, sw) and padding (pt, pb, pl, pr);
 * padded positions are left out, never read as values: max takes the largest
 * valid element, average divides by the number of valid elements (Keras and
 * TensorFlow with 'same'; with 'valid' every element is valid). Padding must
 * be smaller than the window, so each window holds a valid element.
 * Forward splits output rows over tasks; backward adds overlapping windows
 * into dx, so it splits whole images, each image's windows in order: results
 * are bit-identical for any thread count. Loops run over the channels, the
 * contiguous axis, so they vectorize. */

/* ---- max pooling ------------------------------------------------------------ */

struct L(pool_job) {
    struct nl_geom g;
    const T *x, *dy;
    T *y, *dx;
    int tasks;
    int status[NL_MAX_TASKS];
};

static void L(maxpool_fwd_task)(void *arg, int t)
{
    struct L(pool_job) *j = (struct L(pool_job) *)arg;
    const struct nl_geom *g = &j->g;
    const int64_t c = g->c;
    int64_t lo, hi;
    geom_share(g->n * g->oh, t, j->tasks, &lo, &hi);
    for (int64_t row = lo; row < hi; row++) {
        const int64_t img = row / g->oh, oy = row % g->oh;
        const T *ximg = j->x + img * g->h * g->w * c;
        for (int64_t ox = 0; ox < g->ow; ox++) {
            T *__restrict yo = j->y + (row * g->ow + ox) * c;
            for (int64_t e = 0; e < c; e++) yo[e] = -(T)INFINITY;
            for (int64_t ky = 0; ky < g->kh; ky++) {
                const int64_t iy = oy * g->sh - g->pt + ky;
                if (iy < 0 || iy >= g->h) continue;
                for (int64_t kx = 0; kx < g->kw; kx++) {
                    const int64_t ix = ox * g->sw - g->pl + kx;
                    const T *__restrict xp;
                    if (ix < 0 || ix >= g->w) continue;
                    xp = ximg + (iy * g->w + ix) * c;
                    for (int64_t e = 0; e < c; e++) yo[e] = xp[e] > yo[e] ? xp[e] : yo[e];
                }
            }
        }
    }
}

/* The gradient of each window goes to its first largest element (row-major
 * order within the window), found again from x in vector passes over the
 * channels, one select per element each (branches would mispredict on
 * random data; NL_NO_TRAP lets the compiler turn these selects into vector
 * blends): the window's maximum m; walking the taps backwards, the number of
 * the last tap seen equal to m, i.e. the first; then that tap takes dy. */
NL_NO_TRAP static inline void L(tap_max)(int64_t c, const T *__restrict xp, T *__restrict m)
{
    for (int64_t e = 0; e < c; e++) {
        const T xv = xp[e], mv = m[e];
        m[e] = xv > mv ? xv : mv;
    }
}

NL_NO_TRAP static inline void L(tap_mark)(int64_t c, const T *__restrict xp, const T *__restrict m,
                                   T tap, T *__restrict at)
{
    for (int64_t e = 0; e < c; e++) {
        const T xv = xp[e], mv = m[e], av = at[e];
        at[e] = xv == mv ? tap : av;
    }
}

NL_NO_TRAP static inline void L(tap_give)(int64_t c, const T *__restrict at, T tap,
                                   const T *__restrict dy, T *__restrict dp)
{
    for (int64_t e = 0; e < c; e++) {
        const T av = at[e], dv = dp[e], g = dy[e];
        dp[e] = av == tap ? dv + g : dv;
    }
}

/* Disjoint windows (strides at least the window): each element of dx lies in
 * at most one window, so dx is written once, with no zeroing pass and no
 * read of dx: a window's taps get 0 + dy at its first largest element (the
 * sum the overlapping path forms, -0 included) and 0 elsewhere. */
NL_NO_TRAP static inline void L(tap_put)(int64_t c, const T *__restrict at, T tap,
                                  const T *__restrict dy, T *__restrict dp)
{
    for (int64_t e = 0; e < c; e++) {
        const T av = at[e], g = (T)0 + dy[e];
        dp[e] = av == tap ? g : (T)0;
    }
}

/* The full 2 x 2 window in one pass over the channels. */
NL_NO_TRAP static inline void L(window22)(int64_t c, const T *__restrict x0,
                                   const T *__restrict x1, const T *__restrict x2,
                                   const T *__restrict x3, const T *__restrict dy,
                                   T *__restrict d0, T *__restrict d1, T *__restrict d2,
                                   T *__restrict d3)
{
    for (int64_t e = 0; e < c; e++) {
        const T a = x0[e], b = x1[e], p = x2[e], q = x3[e], g = (T)0 + dy[e];
        T m = -(T)INFINITY, at = -1;
        m = a > m ? a : m;
        m = b > m ? b : m;
        m = p > m ? p : m;
        m = q > m ? q : m;
        at = q == m ? (T)3 : at;
        at = p == m ? (T)2 : at;
        at = b == m ? (T)1 : at;
        at = a == m ? (T)0 : at;
        d0[e] = at == (T)0 ? g : (T)0;
        d1[e] = at == (T)1 ? g : (T)0;
        d2[e] = at == (T)2 ? g : (T)0;
        d3[e] = at == (T)3 ? g : (T)0;
    }
}

static inline void L(zero_span)(T *p, int64_t len)
{
    for (int64_t e = 0; e < len; e++) p[e] = 0;
}

/* Disjoint windows of one output row cover dx rows [r0, r1): zeroes the rows
 * from `done_y` up to r0 that no window covers, and the columns no window
 * covers in rows r0..r1-1; returns r1, the first row not yet written. */
static inline int64_t L(zero_uncovered)(const struct nl_geom *g, T *dimg, int64_t done_y,
                                        int64_t r0, int64_t r1)
{
    const int64_t c = g->c, row_len = g->w * c;
    for (; done_y < r0; done_y++) L(zero_span)(dimg + done_y * row_len, row_len);
    for (int64_t y = r0; y < r1; y++) {
        int64_t done_x = 0;
        T *drow = dimg + y * row_len;
        for (int64_t ox = 0; ox < g->ow; ox++) {
            const int64_t x0 = ox * g->sw - g->pl;
            const int64_t kx0 = x0 < 0 ? -x0 : 0;
            const int64_t kx1 = x0 + g->kw > g->w ? g->w - x0 : g->kw;
            L(zero_span)(drow + done_x * c, (x0 + kx0 - done_x) * c);
            done_x = x0 + kx1;
        }
        L(zero_span)(drow + done_x * c, (g->w - done_x) * c);
    }
    return r1;
}

/* One image of dx with disjoint windows; rows and columns no window covers
 * become 0. */
NL_CLONES NL_NO_TRAP static void L(maxpool_bwd_disjoint)(const struct nl_geom *g, const T *ximg,
                                               const T *dyimg, T *dimg, T *mx, T *at)
{
    const int64_t c = g->c, row_len = g->w * c;
    int64_t done_y = 0;     /* rows of dx written so far */
    for (int64_t oy = 0; oy < g->oh; oy++) {
        const int64_t y0 = oy * g->sh - g->pt;
        const int64_t ky0 = y0 < 0 ? -y0 : 0, ky1 = y0 + g->kh > g->h ? g->h - y0 : g->kh;
        done_y = L(zero_uncovered)(g, dimg, done_y, y0 + ky0, y0 + ky1);
        for (int64_t ox = 0; ox < g->ow; ox++) {
            const T *dyo = dyimg + (oy * g->ow + ox) * c;
            const int64_t x0 = ox * g->sw - g->pl;
            const int64_t kx0 = x0 < 0 ? -x0 : 0, kx1 = x0 + g->kw > g->w ? g->w - x0 : g->kw;
            if (ky0 == 0 && kx0 == 0 && ky1 == 2 && kx1 == 2 && g->kh == 2 && g->kw == 2) {
                const int64_t o = (y0 * g->w + x0) * c;
                L(window22)(c, ximg + o, ximg + o + c, ximg + o + row_len,
                            ximg + o + row_len + c, dyo, dimg + o, dimg + o + c,
                            dimg + o + row_len, dimg + o + row_len + c);
                continue;
            }
            for (int64_t e = 0; e < c; e++) { mx[e] = -(T)INFINITY; at[e] = -1; }
            for (int64_t ky = ky0; ky < ky1; ky++)
                for (int64_t kx = kx0; kx < kx1; kx++)
                    L(tap_max)(c, ximg + ((y0 + ky) * g->w + x0 + kx) * c, mx);
            for (int64_t ky = ky1 - 1; ky >= ky0; ky--)
                for (int64_t kx = kx1 - 1; kx >= kx0; kx--)
                    L(tap_mark)(c, ximg + ((y0 + ky) * g->w + x0 + kx) * c, mx,
                                (T)(ky * g->kw + kx), at);
            for (int64_t ky = ky0; ky < ky1; ky++)
                for (int64_t kx = kx0; kx < kx1; kx++)
                    L(tap_put)(c, at, (T)(ky * g->kw + kx), dyo,
                               dimg + ((y0 + ky) * g->w + x0 + kx) * c);
        }
    }
    L(zero_uncovered)(g, dimg, done_y, g->h, g->h);
}

NL_NO_TRAP static void L(maxpool_bwd_task)(void *arg, int t)
{
    struct L(pool_job) *j = (struct L(pool_job) *)arg;
    const struct nl_geom *g = &j->g;
    const int64_t c = g->c, img_len = g->h * g->w * c;
    int64_t lo, hi;
    T *mx, *at;
    geom_share(g->n, t, j->tasks, &lo, &hi);
    j->status[t] = NL_OK;
    if (lo >= hi)
        return;
    mx = (T *)malloc((size_t)(2 * c) * sizeof(T));
    if (!mx) {
        j->status[t] = NL_ENOMEM;
        return;
    }
    at = mx + c;
    for (int64_t img = lo; img < hi; img++) {
        const T *ximg = j->x + img * img_len;
        T *dimg = j->dx + img * img_len;
        if (g->sh >= g->kh && g->sw >= g->kw) {
            L(maxpool_bwd_disjoint)(g, ximg, j->dy + img * g->oh * g->ow * c, dimg, mx, at);
            continue;
        }
        for (int64_t e = 0; e < img_len; e++) dimg[e] = 0;
        for (int64_t oy = 0; oy < g->oh; oy++) {
            const int64_t y0 = oy * g->sh - g->pt;
            const int64_t ky0 = y0 < 0 ? -y0 : 0, ky1 = y0 + g->kh > g->h ? g->h - y0 : g->kh;
            for (int64_t ox = 0; ox < g->ow; ox++) {
                const T *dyo = j->dy + ((img * g->oh + oy) * g->ow + ox) * c;
                const int64_t x0 = ox * g->sw - g->pl;
                const int64_t kx0 = x0 < 0 ? -x0 : 0, kx1 = x0 + g->kw > g->w ? g->w - x0 : g->kw;
                /* taps numbered ky*kw + kx (exact in T: windows are small) */
                for (int64_t e = 0; e < c; e++) { mx[e] = -(T)INFINITY; at[e] = -1; }
                for (int64_t ky = ky0; ky < ky1; ky++)
                    for (int64_t kx = kx0; kx < kx1; kx++)
                        L(tap_max)(c, ximg + ((y0 + ky) * g->w + x0 + kx) * c, mx);
                for (int64_t ky = ky1 - 1; ky >= ky0; ky--)
                    for (int64_t kx = kx1 - 1; kx >= kx0; kx--)
                        L(tap_mark)(c, ximg + ((y0 + ky) * g->w + x0 + kx) * c, mx,
                                    (T)(ky * g->kw + kx), at);
                for (int64_t ky = ky0; ky < ky1; ky++)
                    for (int64_t kx = kx0; kx < kx1; kx++)
                        L(tap_give)(c, at, (T)(ky * g->kw + kx), dyo,
                                    dimg + ((y0 + ky) * g->w + x0 + kx) * c);
            }
        }
    }
    free(mx);
}

/* ---- average pooling -------------------------------------------------------- */

/* Valid taps of a window along one axis: [*k0, *k1). */
static inline void L(valid_taps)(int64_t o, int64_t s, int64_t p, int64_t k, int64_t len,
                                 int64_t *k0, int64_t *k1)
{
    const int64_t start = o * s - p;
    *k0 = start < 0 ? -start : 0;
    *k1 = start + k > len ? len - start : k;
}

static void L(avgpool_fwd_task)(void *arg, int t)
{
    struct L(pool_job) *j = (struct L(pool_job) *)arg;
    const struct nl_geom *g = &j->g;
    const int64_t c = g->c;
    int64_t lo, hi;
    geom_share(g->n * g->oh, t, j->tasks, &lo, &hi);
    for (int64_t row = lo; row < hi; row++) {
        const int64_t img = row / g->oh, oy = row % g->oh;
        const T *ximg = j->x + img * g->h * g->w * c;
        int64_t y0, y1;
        L(valid_taps)(oy, g->sh, g->pt, g->kh, g->h, &y0, &y1);
        for (int64_t ox = 0; ox < g->ow; ox++) {
            T *__restrict yo = j->y + (row * g->ow + ox) * c;
            int64_t x0, x1;
            T inv;
            L(valid_taps)(ox, g->sw, g->pl, g->kw, g->w, &x0, &x1);
            for (int64_t e = 0; e < c; e++) yo[e] = 0;
            for (int64_t ky = y0; ky < y1; ky++)
                for (int64_t kx = x0; kx < x1; kx++) {
                    const T *__restrict xp =
                        ximg + ((oy * g->sh - g->pt + ky) * g->w + ox * g->sw - g->pl + kx) * c;
                    for (int64_t e = 0; e < c; e++) yo[e] += xp[e];
                }
            /* TensorFlow divides the sum by the count */
            inv = (T)((y1 - y0) * (x1 - x0));
            for (int64_t e = 0; e < c; e++) yo[e] /= inv;
        }
    }
}

static void L(avgpool_bwd_task)(void *arg, int t)
{
    struct L(pool_job) *j = (struct L(pool_job) *)arg;
    const struct nl_geom *g = &j->g;
    const int64_t c = g->c, img_len = g->h * g->w * c;
    int64_t lo, hi;
    geom_share(g->n, t, j->tasks, &lo, &hi);
    for (int64_t img = lo; img < hi; img++) {
        T *dimg = j->dx + img * img_len;
        for (int64_t e = 0; e < img_len; e++) dimg[e] = 0;
        for (int64_t oy = 0; oy < g->oh; oy++) {
            int64_t y0, y1;
            L(valid_taps)(oy, g->sh, g->pt, g->kh, g->h, &y0, &y1);
            for (int64_t ox = 0; ox < g->ow; ox++) {
                const T *__restrict dyo = j->dy + ((img * g->oh + oy) * g->ow + ox) * c;
                int64_t x0, x1;
                T cnt;
                L(valid_taps)(ox, g->sw, g->pl, g->kw, g->w, &x0, &x1);
                cnt = (T)((y1 - y0) * (x1 - x0));
                for (int64_t ky = y0; ky < y1; ky++)
                    for (int64_t kx = x0; kx < x1; kx++) {
                        T *__restrict dp = dimg +
                            ((oy * g->sh - g->pt + ky) * g->w + ox * g->sw - g->pl + kx) * c;
                        for (int64_t e = 0; e < c; e++) dp[e] += dyo[e] / cnt;
                    }
            }
        }
    }
}

/* ---- entry points ----------------------------------------------------------- */

static int L(pool_setup)(struct L(pool_job) *j, int64_t n, int64_t h, int64_t w, int64_t c,
                         int64_t kh, int64_t kw, int64_t sh, int64_t sw, int64_t pt,
                         int64_t pb, int64_t pl, int64_t pr)
{
    int64_t t;
    int st = geom_init(&j->g, n, h, w, c, kh, kw, sh, sw, 1, 1, pt, pb, pl, pr);
    if (st != NL_OK)
        return st;
    if (pt >= kh || pb >= kh || pl >= kw || pr >= kw)
        return NL_EINVAL;   /* a window of padding only */
    t = n;
    if (!geom_mul(&t, j->g.oh) || !geom_mul(&t, j->g.ow) || !geom_mul(&t, c))
        return NL_EINVAL;
    t = kh;
    if (!geom_mul(&t, kw) || t > ((int64_t)1 << 24))
        return NL_EINVAL;   /* tap numbers must be exact in float32 */
    j->x = j->dy = NULL;
    j->y = j->dx = NULL;
    return NL_OK;
}

static int L(pool_forward)(int avg, int64_t n, int64_t h, int64_t w, int64_t c, int64_t kh,
                           int64_t kw, int64_t sh, int64_t sw, int64_t pt, int64_t pb,
                           int64_t pl, int64_t pr, const T *x, T *y)
{
    struct L(pool_job) j;
    int st = L(pool_setup)(&j, n, h, w, c, kh, kw, sh, sw, pt, pb, pl, pr);
    if (st != NL_OK)
        return st;
    if (n * j.g.oh * j.g.ow * c == 0)
        return NL_OK;
    if (!x || !y)
        return NL_EINVAL;
    j.x = x; j.y = y;
    j.tasks = geom_tasks((double)(n * j.g.oh * j.g.ow * c) * (double)(kh * kw), n * j.g.oh);
    nl_parallel_for(j.tasks, avg ? L(avgpool_fwd_task) : L(maxpool_fwd_task), &j);
    return NL_OK;
}

static int L(pool_backward)(int avg, int64_t n, int64_t h, int64_t w, int64_t c, int64_t kh,
                            int64_t kw, int64_t sh, int64_t sw, int64_t pt, int64_t pb,
                            int64_t pl, int64_t pr, const T *x, const T *dy, T *dx)
{
    struct L(pool_job) j;
    int st = L(pool_setup)(&j, n, h, w, c, kh, kw, sh, sw, pt, pb, pl, pr);
    if (st != NL_OK)
        return st;
    if (n * h * w * c == 0)
        return NL_OK;
    if (!dx || (n * j.g.oh * j.g.ow * c > 0 && (!dy || (!avg && !x))))
        return NL_EINVAL;
    j.x = x; j.dy = dy; j.dx = dx;
    j.tasks = geom_tasks((double)(n * j.g.oh * j.g.ow * c) * (double)(kh * kw), n);
    for (int t = 0; t < j.tasks; t++) j.status[t] = NL_OK;
    nl_parallel_for(j.tasks, avg ? L(avgpool_bwd_task) : L(maxpool_bwd_task), &j);
    for (int t = 0; t < j.tasks; t++)
        if (j.status[t] != NL_OK) st = j.status[t];
    return st;
}

int NL(maxpool2d_forward)(int64_t n, int64_t h, int64_t w, int64_t c, int64_t kh, int64_t kw,
                          int64_t sh, int64_t sw, int64_t pt, int64_t pb, int64_t pl,
                          int64_t pr, const T *x, T *y)
{
    return L(pool_forward)(0, n, h, w, c, kh, kw, sh, sw, pt, pb, pl, pr, x, y);
}

int NL(maxpool2d_backward)(int64_t n, int64_t h, int64_t w, int64_t c, int64_t kh, int64_t kw,
                           int64_t sh, int64_t sw, int64_t pt, int64_t pb, int64_t pl,
                           int64_t pr, const T *x, const T *dy, T *dx)
{
    return L(pool_backward)(0, n, h, w, c, kh, kw, sh, sw, pt, pb, pl, pr, x, dy, dx);
}

int NL(avgpool2d_forward)(int64_t n, int64_t h, int64_t w, int64_t c, int64_t kh, int64_t kw,
                          int64_t sh, int64_t sw, int64_t pt, int64_t pb, int64_t pl,
                          int64_t pr, const T *x, T *y)
{
    return L(pool_forward)(1, n, h, w, c, kh, kw, sh, sw, pt, pb, pl, pr, x, y);
}

int NL(avgpool2d_backward)(int64_t n, int64_t h, int64_t w, int64_t c, int64_t kh, int64_t kw,
                           int64_t sh, int64_t sw, int64_t pt, int64_t pb, int64_t pl,
                           int64_t pr, const T *dy, T *dx)
{
    return L(pool_backward)(1, n, h, w, c, kh, kw, sh, sw, pt, pb, pl, pr, NULL, dy, dx);
}

/* ---- max pooling that records its choices (disjoint windows) --------------
 * Forward also writes, per output value, the tap number (ky * kw + kx) of the
 * window's first largest element, -1 when there is none (every valid
 * element NaN), as a T (exact: at most 255 taps), so backward reads neither x nor dx: it writes dx once, 0 + dy
 * at the recorded tap and 0 elsewhere, which is what maxpool_bwd_disjoint
 * finds again from x. Windows must be disjoint and hold at most 255 taps. */

struct L(pidx_job) {
    struct nl_geom g;
    const T *x, *dy;
    T *y, *dx;
    T *idx;           /* forward writes it */
    const T *cidx;    /* backward reads it */
    int relu_grad;    /* forward: -1 where the max is not > 0 */
    int tasks;
};

NL_CLONES NL_NO_TRAP static void L(maxpool_fwd_idx_task)(void *arg, int t)
{
    struct L(pidx_job) *j = (struct L(pidx_job) *)arg;
    const struct nl_geom *g = &j->g;
    const int64_t c = g->c, row_len = g->w * c;
    const int rg = j->relu_grad;
    int64_t lo, hi;
    geom_share(g->n * g->oh, t, j->tasks, &lo, &hi);
    for (int64_t row = lo; row < hi; row++) {
        const int64_t img = row / g->oh, oy = row % g->oh;
        const T *ximg = j->x + img * g->h * row_len;
        const int64_t y0 = oy * g->sh - g->pt;
        const int64_t ky0 = y0 < 0 ? -y0 : 0, ky1 = y0 + g->kh > g->h ? g->h - y0 : g->kh;
        for (int64_t ox = 0; ox < g->ow; ox++) {
            T *__restrict yo = j->y + (row * g->ow + ox) * c;
            T *__restrict io = j->idx + (row * g->ow + ox) * c;
            const int64_t x0 = ox * g->sw - g->pl;
            const int64_t kx0 = x0 < 0 ? -x0 : 0, kx1 = x0 + g->kw > g->w ? g->w - x0 : g->kw;
            if (ky0 == 0 && kx0 == 0 && ky1 == 2 && kx1 == 2 && g->kh == 2 && g->kw == 2) {
                const T *__restrict p0 = ximg + (y0 * g->w + x0) * c;
                const T *__restrict p1 = p0 + c, *__restrict p2 = p0 + row_len;
                const T *__restrict p3 = p2 + c;
                for (int64_t e = 0; e < c; e++) {
                    const T a = p0[e], b = p1[e], p = p2[e], q = p3[e];
                    T m = -(T)INFINITY;
                    T at = -1;
                    m = a > m ? a : m;
                    m = b > m ? b : m;
                    m = p > m ? p : m;
                    m = q > m ? q : m;
                    at = q == m ? (T)3 : at;
                    at = p == m ? (T)2 : at;
                    at = b == m ? (T)1 : at;
                    at = a == m ? (T)0 : at;
                    yo[e] = m;
                    io[e] = rg && !(m > 0) ? (T)-1 : at;
                }
                continue;
            }
            for (int64_t e = 0; e < c; e++) { yo[e] = -(T)INFINITY; io[e] = -1; }
            for (int64_t ky = ky0; ky < ky1; ky++)
                for (int64_t kx = kx0; kx < kx1; kx++)
                    L(tap_max)(c, ximg + ((y0 + ky) * g->w + x0 + kx) * c, yo);
            for (int64_t ky = ky1 - 1; ky >= ky0; ky--)
                for (int64_t kx = kx1 - 1; kx >= kx0; kx--) {
                    const T *__restrict xp = ximg + ((y0 + ky) * g->w + x0 + kx) * c;
                    const T tap = (T)(ky * g->kw + kx);
                    for (int64_t e = 0; e < c; e++) io[e] = xp[e] == yo[e] ? tap : io[e];
                }
            if (rg)
                for (int64_t e = 0; e < c; e++) io[e] = yo[e] > 0 ? io[e] : (T)-1;
        }
    }
}

NL_NO_TRAP static inline void L(put22)(int64_t c, const T *__restrict at,
                                      const T *__restrict dy, T *__restrict d0,
                                      T *__restrict d1, T *__restrict d2, T *__restrict d3)
{
    for (int64_t e = 0; e < c; e++) {
        const T a = at[e], g = (T)0 + dy[e];
        d0[e] = a == (T)0 ? g : (T)0;
        d1[e] = a == (T)1 ? g : (T)0;
        d2[e] = a == (T)2 ? g : (T)0;
        d3[e] = a == (T)3 ? g : (T)0;
    }
}

NL_CLONES NL_NO_TRAP static void L(maxpool_bwd_idx_task)(void *arg, int t)
{
    struct L(pidx_job) *j = (struct L(pidx_job) *)arg;
    const struct nl_geom *g = &j->g;
    const int64_t c = g->c, row_len = g->w * c;
    int64_t lo, hi;
    geom_share(g->n, t, j->tasks, &lo, &hi);
    for (int64_t img = lo; img < hi; img++) {
        T *dimg = j->dx + img * g->h * row_len;
        const T *dyimg = j->dy + img * g->oh * g->ow * c;
        const T *iimg = j->cidx + img * g->oh * g->ow * c;
        int64_t done_y = 0;
        for (int64_t oy = 0; oy < g->oh; oy++) {
            const int64_t y0 = oy * g->sh - g->pt;
            const int64_t ky0 = y0 < 0 ? -y0 : 0, ky1 = y0 + g->kh > g->h ? g->h - y0 : g->kh;
            done_y = L(zero_uncovered)(g, dimg, done_y, y0 + ky0, y0 + ky1);
            for (int64_t ox = 0; ox < g->ow; ox++) {
                const T *__restrict dyo = dyimg + (oy * g->ow + ox) * c;
                const T *__restrict io = iimg + (oy * g->ow + ox) * c;
                const int64_t x0 = ox * g->sw - g->pl;
                const int64_t kx0 = x0 < 0 ? -x0 : 0;
                const int64_t kx1 = x0 + g->kw > g->w ? g->w - x0 : g->kw;
                if (ky0 == 0 && kx0 == 0 && ky1 == 2 && kx1 == 2 && g->kh == 2 && g->kw == 2) {
                    const int64_t o = (y0 * g->w + x0) * c;
                    L(put22)(c, io, dyo, dimg + o, dimg + o + c, dimg + o + row_len,
                             dimg + o + row_len + c);
                    continue;
                }
                for (int64_t ky = ky0; ky < ky1; ky++)
                    for (int64_t kx = kx0; kx < kx1; kx++)
                        L(tap_put)(c, io, (T)(ky * g->kw + kx), dyo,
                                   dimg + ((y0 + ky) * g->w + x0 + kx) * c);
            }
        }
        L(zero_uncovered)(g, dimg, done_y, g->h, g->h);
    }
}

static int L(pidx_setup)(struct L(pidx_job) *j, int64_t n, int64_t h, int64_t w, int64_t c,
                         int64_t kh, int64_t kw, int64_t sh, int64_t sw, int64_t pt,
                         int64_t pb, int64_t pl, int64_t pr)
{
    struct L(pool_job) pj;
    int st = L(pool_setup)(&pj, n, h, w, c, kh, kw, sh, sw, pt, pb, pl, pr);
    if (st != NL_OK)
        return st;
    if (sh < kh || sw < kw || kh * kw > 255)
        return NL_EINVAL;
    j->g = pj.g;
    j->x = j->dy = NULL;
    j->y = j->dx = NULL;
    j->idx = NULL;
    j->cidx = NULL;
    j->relu_grad = 0;
    return NL_OK;
}

int NL(maxpool2d_forward_idx)(int64_t n, int64_t h, int64_t w, int64_t c, int64_t kh,
                              int64_t kw, int64_t sh, int64_t sw, int64_t pt, int64_t pb,
                              int64_t pl, int64_t pr, int relu_grad, const T *x, T *y,
                              T *idx)
{
    struct L(pidx_job) j;
    int st = L(pidx_setup)(&j, n, h, w, c, kh, kw, sh, sw, pt, pb, pl, pr);
    if (st != NL_OK)
        return st;
    if (n * j.g.oh * j.g.ow * c == 0)
        return NL_OK;
    if (!x || !y || !idx)
        return NL_EINVAL;
    j.x = x; j.y = y; j.idx = idx; j.relu_grad = relu_grad != 0;
    j.tasks = geom_tasks(POOL_TOUCH_WORK * (double)(n * j.g.oh * j.g.ow * c) * (double)(kh * kw + 2),
                         n * j.g.oh);
    nl_parallel_for(j.tasks, L(maxpool_fwd_idx_task), &j);
    return NL_OK;
}

int NL(maxpool2d_backward_idx)(int64_t n, int64_t h, int64_t w, int64_t c, int64_t kh,
                               int64_t kw, int64_t sh, int64_t sw, int64_t pt, int64_t pb,
                               int64_t pl, int64_t pr, const T *idx, const T *dy, T *dx)
{
    struct L(pidx_job) j;
    int st = L(pidx_setup)(&j, n, h, w, c, kh, kw, sh, sw, pt, pb, pl, pr);
    if (st != NL_OK)
        return st;
    if (n * h * w * c == 0)
        return NL_OK;
    if (!dx || (n * j.g.oh * j.g.ow * c > 0 && (!dy || !idx)))
        return NL_EINVAL;
    j.dy = dy; j.dx = dx; j.cidx = idx;
    j.tasks = geom_tasks(POOL_TOUCH_WORK * ((double)(n * h * w * c) +
                                            2 * (double)(n * j.g.oh * j.g.ow * c)), n);
    nl_parallel_for(j.tasks, L(maxpool_bwd_idx_task), &j);
    return NL_OK;
}

