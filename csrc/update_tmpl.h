/* update_tmpl.h - bias add/backward and in-place optimizer updates, written
 * once for any floating type (see activations_tmpl.h for the macros). */

NL_CLONES void NL(bias_add)(int64_t m, int64_t n, const T *b, T *y, int64_t ldy)
{
    for (int64_t i = 0; i < m; i++) {
        T *yr = y + i * ldy;
        for (int64_t j = 0; j < n; j++) yr[j] += b[j];
    }
}

NL_CLONES void NL(bias_backward)(int64_t m, int64_t n, const T *dy, int64_t lddy, T *db)
{
    for (int64_t j = 0; j < n; j++) db[j] = 0;
    for (int64_t i = 0; i < m; i++) {
        const T *r = dy + i * lddy;
        for (int64_t j = 0; j < n; j++) db[j] += r[j];
    }
}

/* Hyperparameters arrive as double, so 1 - beta is formed before rounding to T
 * (as Keras forms it in Python): (float)(1 - 0.999) is 1e-3, 1 - 0.999f is not. */
NL_CLONES void NL(sgd_update)(int64_t n, double lr_, double momentum_, int nesterov, const T *g, T *w,
                    T *m)
{
    const T lr = (T)lr_, momentum = (T)momentum_;
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

NL_CLONES void NL(rmsprop_update)(int64_t n, double lr_, double rho_, double momentum_, double eps_,
                        int centered, const T *g, T *w, T *v, T *mg, T *m)
{
    const T lr = (T)lr_, rho = (T)rho_, one_rho = (T)(1.0 - rho_);
    const T momentum = (T)momentum_, eps = (T)eps_;
    for (int64_t i = 0; i < n; i++) {
        T gi = g[i];
        v[i] = rho * v[i] + one_rho * gi * gi;
        T den = v[i];
        if (centered) {
            mg[i] = rho * mg[i] + one_rho * gi;
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

NL_CLONES void NL(adam_update)(int64_t n, double alpha_, double beta1, double beta2, double eps_,
                     const T *g, T *w, T *m, T *v, T *vhat)
{
    const T alpha = (T)alpha_, eps = (T)eps_;
    const T one_b1 = (T)(1.0 - beta1), one_b2 = (T)(1.0 - beta2);
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

/* Adagrad: the accumulator starts at initial_accumulator_value (the caller
 * fills it); epsilon sits inside the square root, as in Keras. */
NL_CLONES void NL(adagrad_update)(int64_t n, double lr_, double eps_, const T *g, T *w, T *acc)
{
    const T lr = (T)lr_, eps = (T)eps_;
    for (int64_t i = 0; i < n; i++) {
        T gi = g[i];
        acc[i] += gi * gi;
        w[i] -= lr * gi / M(sqrt)(acc[i] + eps);
    }
}

/* Adadelta: the step uses the delta accumulator from before this update and
 * the gradient accumulator from after it. */
NL_CLONES void NL(adadelta_update)(int64_t n, double lr_, double rho_, double eps_, const T *g,
                                   T *w, T *acc_g, T *acc_d)
{
    const T lr = (T)lr_, rho = (T)rho_, one_rho = (T)(1.0 - rho_), eps = (T)eps_;
    for (int64_t i = 0; i < n; i++) {
        T gi = g[i];
        acc_g[i] = rho * acc_g[i] + one_rho * gi * gi;
        T delta = -(M(sqrt)(acc_d[i] + eps) * gi) / M(sqrt)(acc_g[i] + eps);
        acc_d[i] = rho * acc_d[i] + one_rho * delta * delta;
        w[i] += lr * delta;
    }
}

/* Adamax: u is the decayed infinity norm; the caller passes
 * corr = 1 - beta1^t for the bias correction. */
NL_CLONES void NL(adamax_update)(int64_t n, double lr_, double beta1, double beta2_, double eps_,
                                 double corr_, const T *g, T *w, T *m, T *u)
{
    const T lr = (T)lr_, one_b1 = (T)(1.0 - beta1), beta2 = (T)beta2_, eps = (T)eps_;
    const T corr = (T)corr_;
    for (int64_t i = 0; i < n; i++) {
        T gi = g[i];
        m[i] += (gi - m[i]) * one_b1;
        T ag = M(fabs)(gi), bu = beta2 * u[i];
        u[i] = bu > ag ? bu : ag;
        w[i] -= lr * m[i] / (corr * (u[i] + eps));
    }
}

/* Nadam (Keras's momentum-cache form): the caller folds the schedule into
 * cm = u_{t+1} / (1 - prod_{s<=t+1} u_s), cg = (1 - u_t) / (1 - prod_{s<=t} u_s)
 * and vcorr = 1 - beta2^t. */
NL_CLONES void NL(nadam_update)(int64_t n, double lr_, double beta1, double beta2, double eps_,
                                double cm_, double cg_, double vcorr_, const T *g, T *w, T *m,
                                T *v)
{
    const T lr = (T)lr_, eps = (T)eps_;
    const T one_b1 = (T)(1.0 - beta1), one_b2 = (T)(1.0 - beta2);
    const T cm = (T)cm_, cg = (T)cg_, vcorr = (T)vcorr_;
    for (int64_t i = 0; i < n; i++) {
        T gi = g[i];
        m[i] += (gi - m[i]) * one_b1;
        v[i] += (gi * gi - v[i]) * one_b2;
        T mhat = cm * m[i] + cg * gi;
        T vhat = v[i] / vcorr;
        w[i] -= mhat * lr / (M(sqrt)(vhat) + eps);
    }
}

/* Decoupled weight decay, as Keras applies it before the step:
 * w -= w * wd * lr. */
NL_CLONES void NL(weight_decay)(int64_t n, double wd_, double lr_, T *w)
{
    const T wd = (T)wd_, lr = (T)lr_;
    for (int64_t i = 0; i < n; i++) w[i] -= w[i] * wd * lr;
}

/* The sums a weight penalty needs: sums[0] = sum |x_i|, sums[1] = sum x_i^2,
 * in double and in index order, so the regularizers and the compiled plan
 * add a penalty the same way. */
void NL(abs_square_sums)(int64_t n, const T *x, double *sums)
{
    double s1 = 0, s2 = 0;
    for (int64_t i = 0; i < n; i++) {
        const double v = (double)x[i];
        s1 += fabs(v);
        s2 += v * v;
    }
    sums[0] = s1;
    sums[1] = s2;
}
