/* update_tmpl.h - bias add/backward and in-place optimizer updates, written
 * once for any floating type (see activations_tmpl.h for the macros). */

void NL(bias_add)(int64_t m, int64_t n, const T *b, T *y, int64_t ldy)
{
    for (int64_t i = 0; i < m; i++) {
        T *yr = y + i * ldy;
        for (int64_t j = 0; j < n; j++) yr[j] += b[j];
    }
}

void NL(bias_backward)(int64_t m, int64_t n, const T *dy, int64_t lddy, T *db)
{
    for (int64_t j = 0; j < n; j++) db[j] = 0;
    for (int64_t i = 0; i < m; i++) {
        const T *r = dy + i * lddy;
        for (int64_t j = 0; j < n; j++) db[j] += r[j];
    }
}

void NL(sgd_update)(int64_t n, T lr, T momentum, int nesterov, const T *g, T *w, T *m)
{
    if (momentum == 0) {
        for (int64_t i = 0; i < n; i++) w[i] -= lr * g[i];
    } else if (nesterov) {
        for (int64_t i = 0; i < n; i++) {
            m[i] = momentum * m[i] - lr * g[i];
            w[i] += momentum * m[i] - lr * g[i];
        }
    } else {
        for (int64_t i = 0; i < n; i++) {
            m[i] = momentum * m[i] - lr * g[i];
            w[i] += m[i];
        }
    }
}

void NL(rmsprop_update)(int64_t n, T lr, T rho, T momentum, T eps, int centered,
                        const T *g, T *w, T *v, T *mg, T *m)
{
    for (int64_t i = 0; i < n; i++) {
        T gi = g[i];
        v[i] = rho * v[i] + ((T)1 - rho) * gi * gi;
        T den = v[i];
        if (centered) {
            mg[i] = rho * mg[i] + ((T)1 - rho) * gi;
            den -= mg[i] * mg[i];
        }
        T inc = lr * gi / M(sqrt)(den + eps);
        if (momentum > 0) {
            m[i] = momentum * m[i] + inc;
            w[i] -= m[i];
        } else {
            w[i] -= inc;
        }
    }
}

void NL(adam_update)(int64_t n, T alpha, T beta1, T beta2, T eps,
                     const T *g, T *w, T *m, T *v, T *vhat)
{
    const T one_b1 = (T)1 - beta1, one_b2 = (T)1 - beta2;
    for (int64_t i = 0; i < n; i++) {
        T gi = g[i];
        m[i] += (gi - m[i]) * one_b1;
        v[i] += (gi * gi - v[i]) * one_b2;
        T vv = v[i];
        if (vhat) {
            vhat[i] = vhat[i] > vv ? vhat[i] : vv;
            vv = vhat[i];
        }
        w[i] -= alpha * m[i] / (M(sqrt)(vv) + eps);
    }
}
