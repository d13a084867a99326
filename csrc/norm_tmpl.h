/* norm_tmpl.h - batch and layer normalization, forward and backward, written
 * once for any floating type. Included by norm.c with these macros defined:
 *   T      the element type (float or double)
 *   NL(x)  the exported name for this type (nl_s##x or nl_d##x)
 *   L(x)   a file-local name for this type
 *   M(f)   the <math.h> function for this type (sqrtf or sqrt)
 * Sums run in double: a batch of many rows would otherwise lose the small
 * terms of a float32 mean or variance. */

/* ---- batch normalization: x is (outer, c, inner), statistics per channel
 * The common case inner == 1 (features last) runs as rows of c with per-channel
 * arrays, which the compiler vectorises; other layouts loop over inner. */

/* s[j] += sum of x over channel j; with mu given, the squared deviations */
static void L(channel_sums)(int64_t outer, int64_t c, int64_t inner, const T *x,
                            const double *mu, double *s)
{
    int64_t o, j, k;
    for (o = 0; o < outer; o++) {
        const T *xo = x + o * c * inner;
        if (inner == 1) {
            if (mu) for (j = 0; j < c; j++) { double d = xo[j] - mu[j]; s[j] += d * d; }
            else for (j = 0; j < c; j++) s[j] += xo[j];
            continue;
        }
        for (j = 0; j < c; j++) {
            const T *xr = xo + j * inner;
            double acc = 0;
            if (mu) for (k = 0; k < inner; k++) { double d = xr[k] - mu[j]; acc += d * d; }
            else for (k = 0; k < inner; k++) acc += xr[k];
            s[j] += acc;
        }
    }
}

/* y = x * a_j + b_j per channel */
static void L(channel_affine)(int64_t outer, int64_t c, int64_t inner, const T *x,
                              const T *a, const T *b, T *y)
{
    int64_t o, j, k;
    for (o = 0; o < outer; o++) {
        const T *xo = x + o * c * inner;
        T *yo = y + o * c * inner;
        if (inner == 1) {
            for (j = 0; j < c; j++) yo[j] = xo[j] * a[j] + b[j];
            continue;
        }
        for (j = 0; j < c; j++)
            for (k = 0; k < inner; k++) yo[j * inner + k] = xo[j * inner + k] * a[j] + b[j];
    }
}

int NL(batchnorm_forward)(int64_t outer, int64_t c, int64_t inner, int training,
                          double momentum, double eps, const T *x, const T *gamma,
                          const T *beta, T *moving_mean, T *moving_var, T *y,
                          T *mean, T *invstd)
{
    const int64_t count = outer * inner;
    int64_t j;
    double *s, *q;
    T *a, *b;
    if (outer < 0 || c < 0 || inner < 0 || !(eps >= 0)) return NL_EINVAL;
    if (c == 0) return NL_OK;
    if (training && count == 0) return NL_EINVAL;
    if (!training && (!moving_mean || !moving_var)) return NL_EINVAL;
    s = (double *)calloc((size_t)(2 * c), sizeof(double));
    a = (T *)malloc((size_t)(2 * c) * sizeof(T));
    if (!s || !a) { free(s); free(a); return NL_ENOMEM; }
    q = s + c;
    b = a + c;
    if (training) {
        /* two passes: mean, then the mean squared deviation (biased variance) */
        L(channel_sums)(outer, c, inner, x, NULL, s);
        for (j = 0; j < c; j++) s[j] /= (double)count;
        L(channel_sums)(outer, c, inner, x, s, q);
        for (j = 0; j < c; j++) {
            double var = q[j] / (double)count;
            mean[j] = (T)s[j];
            invstd[j] = (T)(1.0 / sqrt(var + eps));
            if (moving_mean && moving_var) {
                /* Keras: moving = moving * momentum + batch * (1 - momentum),
                 * in the variable's type */
                const T mom = (T)momentum, rest = (T)(1.0 - momentum);
                moving_mean[j] = moving_mean[j] * mom + (T)s[j] * rest;
                moving_var[j] = moving_var[j] * mom + (T)var * rest;
            }
        }
    } else {
        for (j = 0; j < c; j++) {
            mean[j] = moving_mean[j];
            invstd[j] = (T)(1.0 / sqrt((double)moving_var[j] + eps));
        }
    }
    /* y = x * a + b with a = gamma * invstd, b = beta - mean * a (as TF does) */
    for (j = 0; j < c; j++) {
        a[j] = (gamma ? gamma[j] : (T)1) * invstd[j];
        b[j] = (beta ? beta[j] : (T)0) - mean[j] * a[j];
    }
    L(channel_affine)(outer, c, inner, x, a, b, y);
    free(s);
    free(a);
    return NL_OK;
}

int NL(batchnorm_backward)(int64_t outer, int64_t c, int64_t inner, int training,
                           const T *x, const T *gamma, const T *mean, const T *invstd,
                           const T *dy, T *dx, T *dgamma, T *dbeta)
{
    const int64_t count = outer * inner;
    int64_t o, j, k;
    double *sdy, *sdyx, *mu, *is, *k1, *m1, *m2;
    if (outer < 0 || c < 0 || inner < 0) return NL_EINVAL;
    if (c == 0) return NL_OK;
    sdy = (double *)calloc((size_t)(7 * c), sizeof(double));
    if (!sdy) return NL_ENOMEM;
    sdyx = sdy + c; mu = sdy + 2 * c; is = sdy + 3 * c;
    k1 = sdy + 4 * c; m1 = sdy + 5 * c; m2 = sdy + 6 * c;
    for (j = 0; j < c; j++) { mu[j] = mean[j]; is[j] = invstd[j]; }
    /* sums of dy and dy * xhat per channel, xhat = (x - mean) * invstd */
    for (o = 0; o < outer; o++) {
        const T *xo = x + o * c * inner, *dro = dy + o * c * inner;
        if (inner == 1) {
            for (j = 0; j < c; j++) {
                sdy[j] += dro[j];
                sdyx[j] += dro[j] * ((xo[j] - mu[j]) * is[j]);
            }
            continue;
        }
        for (j = 0; j < c; j++) {
            double a1 = 0, a2 = 0;
            for (k = 0; k < inner; k++) {
                a1 += dro[j * inner + k];
                a2 += dro[j * inner + k] * ((xo[j * inner + k] - mu[j]) * is[j]);
            }
            sdy[j] += a1;
            sdyx[j] += a2;
        }
    }
    if (dgamma) for (j = 0; j < c; j++) dgamma[j] = (T)sdyx[j];
    if (dbeta) for (j = 0; j < c; j++) dbeta[j] = (T)sdy[j];
    if (dx) {
        /* training: the batch statistics depend on x too,
         *   dx = gamma*invstd * (dy - sum(dy)/N - xhat*sum(dy*xhat)/N);
         * inference: dx = gamma*invstd * dy */
        for (j = 0; j < c; j++) {
            k1[j] = (gamma ? (double)gamma[j] : 1.0) * is[j];
            m1[j] = (training && count) ? sdy[j] / (double)count : 0.0;
            m2[j] = (training && count) ? sdyx[j] / (double)count : 0.0;
        }
        for (o = 0; o < outer; o++) {
            const T *xo = x + o * c * inner, *dro = dy + o * c * inner;
            T *dxo = dx + o * c * inner;
            if (inner == 1) {
                for (j = 0; j < c; j++)
                    dxo[j] = (T)(k1[j] * (dro[j] - m1[j] - (xo[j] - mu[j]) * is[j] * m2[j]));
                continue;
            }
            for (j = 0; j < c; j++)
                for (k = 0; k < inner; k++) {
                    const int64_t e = j * inner + k;
                    dxo[e] = (T)(k1[j] * (dro[e] - m1[j] - (xo[e] - mu[j]) * is[j] * m2[j]));
                }
        }
    }
    free(sdy);
    return NL_OK;
}

/* ---- layer normalization: statistics per row of the m x n array x ------ */

int NL(layernorm_forward)(int64_t m, int64_t n, int rms, double eps, const T *x,
                          const T *gamma, const T *beta, T *y, T *mean, T *invstd)
{
    int64_t i, j;
    if (m < 0 || n <= 0 || !(eps >= 0)) return (m >= 0 && n == 0) ? NL_OK : NL_EINVAL;
    for (i = 0; i < m; i++) {
        const T *xr = x + i * n;
        T *yr = y + i * n;
        double mu = 0, var = 0, is;
        for (j = 0; j < n; j++) mu += xr[j];
        mu /= (double)n;
        for (j = 0; j < n; j++) { double d = xr[j] - mu; var += d * d; }
        var /= (double)n;
        is = 1.0 / sqrt(var + eps);
        mean[i] = (T)mu;
        invstd[i] = (T)is;
        if (rms) {
            /* Keras's deprecated rms_scaling: x * rsqrt(var + eps) * gamma */
            for (j = 0; j < n; j++)
                yr[j] = (T)(xr[j] * is * (gamma ? gamma[j] : 1.0));
        } else {
            for (j = 0; j < n; j++)
                yr[j] = (T)((xr[j] - mu) * is * (gamma ? gamma[j] : 1.0)
                            + (beta ? beta[j] : 0.0));
        }
    }
    return NL_OK;
}

int NL(layernorm_backward)(int64_t m, int64_t n, int rms, const T *x, const T *gamma,
                           const T *mean, const T *invstd, const T *dy, T *dx,
                           T *dgamma, T *dbeta)
{
    int64_t i, j;
    double *sg, *sb;
    if (m < 0 || n < 0) return NL_EINVAL;
    if (n == 0) return NL_OK;
    sg = (double *)calloc((size_t)(2 * n), sizeof(double));
    if (!sg) return NL_ENOMEM;
    sb = sg + n;
    for (i = 0; i < m; i++) {
        const T *xr = x + i * n, *dr = dy + i * n;
        const double mu = mean[i], is = invstd[i];
        double s1 = 0, s2 = 0;
        for (j = 0; j < n; j++) {
            const double g = dr[j] * (gamma ? (double)gamma[j] : 1.0);
            const double xh = rms ? xr[j] * is : (xr[j] - mu) * is;
            sg[j] += dr[j] * xh;
            sb[j] += dr[j];
            s1 += g;
            s2 += rms ? g * xr[j] : g * xh;
        }
        if (!dx) continue;
        T *dxr = dx + i * n;
        if (rms) {
            /* y = x*s*gamma with s = (var + eps)^-1/2, var the centred variance */
            const double c3 = is * is * is * s2 / (double)n;
            for (j = 0; j < n; j++) {
                const double g = dr[j] * (gamma ? (double)gamma[j] : 1.0);
                dxr[j] = (T)(is * g - c3 * (xr[j] - mu));
            }
        } else {
            const double m1 = s1 / (double)n, m2 = s2 / (double)n;
            for (j = 0; j < n; j++) {
                const double g = dr[j] * (gamma ? (double)gamma[j] : 1.0);
                const double xh = (xr[j] - mu) * is;
                dxr[j] = (T)(is * (g - m1 - xh * m2));
            }
        }
    }
    if (dgamma) for (j = 0; j < n; j++) dgamma[j] = (T)sg[j];
    if (dbeta) for (j = 0; j < n; j++) dbeta[j] = (T)sb[j];
    free(sg);
    return NL_OK;
}
