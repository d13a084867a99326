/* losses_tmpl.h - per-sample losses and their gradients, written once for
 * any floating type (see activations_tmpl.h for the macros T, NL, L, M). */

/* log(sum_j exp(z_j)) of one row, shifted by the row maximum */
static T L(logsumexp)(int64_t n, const T *z)
{
    T mx = z[0];
    for (int64_t j = 1; j < n; j++) mx = z[j] > mx ? z[j] : mx;
    T s = 0;
    for (int64_t j = 0; j < n; j++) s += M(exp)(z[j] - mx);
    return mx + M(log)(s);
}

static inline T L(clip)(T v, T lo, T hi)
{
    return v < lo ? lo : (v > hi ? hi : v);
}

static inline T L(sign)(T v)
{
    return v > 0 ? (T)1 : (v < 0 ? (T)-1 : (T)0);
}

/* log(1 + e^y) without overflow */
static inline T L(softplus)(T y)
{
    return (y > 0 ? y : 0) + M(log1p)(M(exp)(-M(fabs)(y)));
}

static inline T L(sigmoid)(T z)
{
    return z >= 0 ? (T)1 / ((T)1 + M(exp)(-z)) : M(exp)(z) / ((T)1 + M(exp)(z));
}

NL_CLONES int NL(loss_ex)(int kind, int from_logits, int64_t m, int64_t n, T eps,
                const T *params, const T *t, const T *p, T *loss, T scale,
                const T *w, T *grad)
{
    if (m < 0 || n <= 0) return (m >= 0 && n == 0 && m == 0) ? NL_OK : NL_EINVAL;
    const T inv_n = (T)1 / (T)n;
    /* kind-specific parameters, Keras's defaults when params is NULL */
    const T delta = params && kind == NL_LOSS_HUBER ? params[0] : (T)1;
    const T gamma = params && kind == NL_LOSS_FOCAL ? params[0] : (T)2;
    const T alpha = params && kind == NL_LOSS_FOCAL ? params[1] : (T)0.25;
    const int balance = params && kind == NL_LOSS_FOCAL ? params[2] != 0 : 0;
    const T log2 = M(log)((T)2);
    for (int64_t i = 0; i < m; i++) {
        const T *tr = t + i * n, *pr = p + i * n;
        T *gr = grad ? grad + i * n : 0;
        const T gs = scale * (w ? w[i] : (T)1);
        T acc = 0;
        switch (kind) {
        case NL_LOSS_MSE:
            for (int64_t j = 0; j < n; j++) {
                T d = pr[j] - tr[j];
                acc += d * d;
                if (gr) gr[j] = gs * (T)2 * d * inv_n;
            }
            acc *= inv_n;
            break;
        case NL_LOSS_MAE:
            for (int64_t j = 0; j < n; j++) {
                T d = pr[j] - tr[j];
                acc += M(fabs)(d);
                if (gr) gr[j] = gs * (d > 0 ? inv_n : (d < 0 ? -inv_n : 0));
            }
            acc *= inv_n;
            break;
        case NL_LOSS_BCE:
            if (from_logits) {
                /* max(z,0) - z t + log(1 + e^-|z|), gradient sigmoid(z) - t */
                for (int64_t j = 0; j < n; j++) {
                    T z = pr[j];
                    acc += (z > 0 ? z : 0) - z * tr[j] + M(log1p)(M(exp)(-M(fabs)(z)));
                    if (gr) {
                        T s = z >= 0 ? (T)1 / ((T)1 + M(exp)(-z))
                                     : M(exp)(z) / ((T)1 + M(exp)(z));
                        gr[j] = gs * (s - tr[j]) * inv_n;
                    }
                }
            } else {
                for (int64_t j = 0; j < n; j++) {
                    T q = L(clip)(pr[j], eps, (T)1 - eps);
                    acc -= tr[j] * M(log)(q) + ((T)1 - tr[j]) * M(log)((T)1 - q);
                    if (gr) {
                        int inside = pr[j] >= eps && pr[j] <= (T)1 - eps;
                        gr[j] = inside ? gs * (q - tr[j]) / (q * ((T)1 - q)) * inv_n : 0;
                    }
                }
            }
            acc *= inv_n;
            break;
        case NL_LOSS_CCE:
            if (from_logits) {
                T lse = L(logsumexp)(n, pr), tsum = 0;
                for (int64_t j = 0; j < n; j++) {
                    acc += tr[j] * (lse - pr[j]);
                    tsum += tr[j];
                }
                if (gr)
                    for (int64_t j = 0; j < n; j++)
                        gr[j] = gs * (M(exp)(pr[j] - lse) * tsum - tr[j]);
            } else {
                /* q = clip(p / sum(p)); dL/dp_k = (g_k - sum_j g_j r_j) / s
                 * with r = p / s and g_j = dL/dr_j = -t_j / q_j (0 if clipped) */
                T s = 0, gdot = 0;
                for (int64_t j = 0; j < n; j++) s += pr[j];
                for (int64_t j = 0; j < n; j++) {
                    T r = pr[j] / s;
                    T q = L(clip)(r, eps, (T)1 - eps);
                    acc -= tr[j] * M(log)(q);
                    if (gr) {
                        T g = (r >= eps && r <= (T)1 - eps) ? -tr[j] / q : 0;
                        gr[j] = g;
                        gdot += g * r;
                    }
                }
                if (gr)
                    for (int64_t j = 0; j < n; j++) gr[j] = gs * (gr[j] - gdot) / s;
            }
            break;
        case NL_LOSS_HUBER:
            for (int64_t j = 0; j < n; j++) {
                T e = pr[j] - tr[j], a = M(fabs)(e);
                int quad = a <= delta;
                acc += quad ? (T)0.5 * e * e : delta * a - (T)0.5 * delta * delta;
                if (gr) gr[j] = gs * (quad ? e : delta * L(sign)(e)) * inv_n;
            }
            acc *= inv_n;
            break;
        case NL_LOSS_LOG_COSH:
            /* Keras: x + softplus(-2x) - log 2, derivative tanh(x) */
            for (int64_t j = 0; j < n; j++) {
                T x = pr[j] - tr[j];
                acc += x + L(softplus)((T)-2 * x) - log2;
                if (gr) gr[j] = gs * M(tanh)(x) * inv_n;
            }
            acc *= inv_n;
            break;
        case NL_LOSS_MAPE:
            for (int64_t j = 0; j < n; j++) {
                T den = M(fabs)(tr[j]);
                den = den > eps ? den : eps;
                acc += M(fabs)(tr[j] - pr[j]) / den;
                if (gr) gr[j] = gs * (T)100 * L(sign)(pr[j] - tr[j]) / den * inv_n;
            }
            acc *= (T)100 * inv_n;
            break;
        case NL_LOSS_MSLE:
            for (int64_t j = 0; j < n; j++) {
                T pc = pr[j] >= eps ? pr[j] : eps, tc = tr[j] >= eps ? tr[j] : eps;
                T d = M(log)(pc + (T)1) - M(log)(tc + (T)1);
                acc += d * d;
                if (gr) gr[j] = pr[j] >= eps ? gs * (T)2 * d / (pc + (T)1) * inv_n : 0;
            }
            acc *= inv_n;
            break;
        case NL_LOSS_HINGE:
            /* targets in {-1, 1} (the caller converts {0, 1}); the kink
             * 1 - t p == 0 takes the gradient -t, as TensorFlow's maximum */
            for (int64_t j = 0; j < n; j++) {
                T v = (T)1 - tr[j] * pr[j];
                acc += v > 0 ? v : 0;
                if (gr) gr[j] = v >= 0 ? -gs * tr[j] * inv_n : 0;
            }
            acc *= inv_n;
            break;
        case NL_LOSS_SQUARED_HINGE:
            for (int64_t j = 0; j < n; j++) {
                T v = (T)1 - tr[j] * pr[j];
                v = v > 0 ? v : 0;
                acc += v * v;
                if (gr) gr[j] = -gs * (T)2 * v * tr[j] * inv_n;
            }
            acc *= inv_n;
            break;
        case NL_LOSS_CATEGORICAL_HINGE: {
            /* max(neg - pos + 1, 0), pos = sum t p, neg = max (1 - t) p; the
             * gradient of the max is shared among ties (TensorFlow reduce_max) */
            T pos = 0, neg = ((T)1 - tr[0]) * pr[0];
            for (int64_t j = 0; j < n; j++) {
                T u = ((T)1 - tr[j]) * pr[j];
                pos += tr[j] * pr[j];
                neg = u > neg ? u : neg;
            }
            T v = neg - pos + (T)1;
            acc = v > 0 ? v : 0;
            if (gr) {
                T ties = 0;
                for (int64_t j = 0; j < n; j++) ties += ((T)1 - tr[j]) * pr[j] == neg;
                for (int64_t j = 0; j < n; j++) {
                    T top = ((T)1 - tr[j]) * pr[j] == neg ? ((T)1 - tr[j]) / ties : 0;
                    gr[j] = v >= 0 ? gs * (top - tr[j]) : 0;
                }
            }
            break;
        }
        case NL_LOSS_KLD:
            for (int64_t j = 0; j < n; j++) {
                T tc = L(clip)(tr[j], eps, (T)1), pc = L(clip)(pr[j], eps, (T)1);
                acc += tc * M(log)(tc / pc);
                if (gr) gr[j] = pr[j] >= eps && pr[j] <= (T)1 ? -gs * tc / pc : 0;
            }
            break;
        case NL_LOSS_POISSON:
            for (int64_t j = 0; j < n; j++) {
                acc += pr[j] - tr[j] * M(log)(pr[j] + eps);
                if (gr) gr[j] = gs * ((T)1 - tr[j] / (pr[j] + eps)) * inv_n;
            }
            acc *= inv_n;
            break;
        case NL_LOSS_COSINE: {
            /* -sum(t * r(t) * p * r(p)), r(x) = min(rsqrt(sum x^2), 1/eps) */
            T st = 0, sp = 0, dot = 0;
            for (int64_t j = 0; j < n; j++) {
                st += tr[j] * tr[j];
                sp += pr[j] * pr[j];
                dot += tr[j] * pr[j];
            }
            T cap = (T)1 / eps;
            T it = st > 0 ? (T)1 / M(sqrt)(st) : cap, ip = sp > 0 ? (T)1 / M(sqrt)(sp) : cap;
            int p_free = ip <= cap;
            it = it < cap ? it : cap;
            ip = ip < cap ? ip : cap;
            acc = -dot * it * ip;
            if (gr)
                for (int64_t j = 0; j < n; j++)
                    gr[j] = -gs * it * ip * (tr[j] - (p_free ? dot * ip * ip * pr[j] : 0));
            break;
        }
        case NL_LOSS_FOCAL:
            /* focal_factor * bce with focal_factor = (1 - p_t)^gamma,
             * 1 - p_t = p + t - 2 t p (p = sigmoid(logit) from logits), times
             * t alpha + (1 - t)(1 - alpha) when balancing. From logits the
             * cross-entropy is TensorFlow's stable form, otherwise clipped. */
            for (int64_t j = 0; j < n; j++) {
                T tj = tr[j], q, bce, dbce, dq;
                if (from_logits) {
                    T z = pr[j];
                    q = L(sigmoid)(z);
                    bce = (z > 0 ? z : 0) - z * tj + M(log1p)(M(exp)(-M(fabs)(z)));
                    dbce = q - tj;
                    dq = q * ((T)1 - q);
                } else {
                    q = pr[j];
                    T c = L(clip)(q, eps, (T)1 - eps);
                    bce = -(tj * M(log)(c) + ((T)1 - tj) * M(log)((T)1 - c));
                    dbce = q >= eps && q <= (T)1 - eps ? (c - tj) / (c * ((T)1 - c)) : 0;
                    dq = 1;
                }
                T u = q + tj - (T)2 * tj * q;
                T f = M(pow)(u, gamma);
                T wc = balance ? tj * alpha + ((T)1 - tj) * ((T)1 - alpha) : (T)1;
                acc += wc * f * bce;
                if (gr) {
                    T df = gamma * M(pow)(u, gamma - (T)1) * ((T)1 - (T)2 * tj) * dq;
                    gr[j] = gs * wc * (df * bce + f * dbce) * inv_n;
                }
            }
            acc *= inv_n;
            break;
        default:
            return NL_EINVAL;
        }
        if (loss) loss[i] = acc;
    }
    return NL_OK;
}

NL_CLONES int NL(loss)(int kind, int from_logits, int64_t m, int64_t n, T eps,
             const T *t, const T *p, T *loss, T scale, const T *w, T *grad)
{
    return NL(loss_ex)(kind, from_logits, m, n, eps, 0, t, p, loss, scale, w, grad);
}

NL_CLONES int NL(sparse_crossentropy)(int from_logits, int64_t m, int64_t n, T eps,
                            const int64_t *labels, const T *p, T *loss,
                            T scale, const T *w, T *grad)
{
    if (m < 0 || n <= 0) return (m == 0 && n == 0) ? NL_OK : NL_EINVAL;
    for (int64_t i = 0; i < m; i++)
        if (labels[i] < 0 || labels[i] >= n) return NL_ERANGE;
    for (int64_t i = 0; i < m; i++) {
        const T *pr = p + i * n;
        T *gr = grad ? grad + i * n : 0;
        const T gs = scale * (w ? w[i] : (T)1);
        const int64_t y = labels[i];
        if (from_logits) {
            T lse = L(logsumexp)(n, pr);
            if (loss) loss[i] = lse - pr[y];
            if (gr) {
                for (int64_t j = 0; j < n; j++) gr[j] = gs * M(exp)(pr[j] - lse);
                gr[y] -= gs;
            }
        } else {
            /* Keras (TensorFlow): logits = log(clip(p)), then softmax
             * cross-entropy: loss = -log c_y + log(sum_j c_j) */
            T csum = 0;
            for (int64_t j = 0; j < n; j++) csum += L(clip)(pr[j], eps, (T)1 - eps);
            T cy = L(clip)(pr[y], eps, (T)1 - eps);
            if (loss) loss[i] = M(log)(csum) - M(log)(cy);
            if (gr) {
                for (int64_t j = 0; j < n; j++) {
                    int inside = pr[j] >= eps && pr[j] <= (T)1 - eps;
                    T c = L(clip)(pr[j], eps, (T)1 - eps);
                    T g = (T)1 / csum - (j == y ? (T)1 / c : 0);
                    gr[j] = inside ? gs * g : 0;
                }
            }
        }
    }
    return NL_OK;
}
