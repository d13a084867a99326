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

NL_CLONES int NL(loss)(int kind, int from_logits, int64_t m, int64_t n, T eps,
             const T *t, const T *p, T *loss, T scale, const T *w, T *grad)
{
    if (m < 0 || n <= 0) return (m >= 0 && n == 0 && m == 0) ? NL_OK : NL_EINVAL;
    const T inv_n = (T)1 / (T)n;
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
        default:
            return NL_EINVAL;
        }
        if (loss) loss[i] = acc;
    }
    return NL_OK;
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
