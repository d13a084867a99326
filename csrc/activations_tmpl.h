/* activations_tmpl.h - activations forward and backward, written once for
 * any floating type. Included through instantiate.h, which defines:
 *   T      the element type (float or double)
 *   NL(x)  the exported name for this type (nl_s##x or nl_d##x)
 *   L(x)   a file-local name for this type
 *   M(f)   the <math.h> function for this type (expf or exp)
 */

/* exp and tanh: float32 through vmath.h's vectorizable versions, float64
 * through libm (the dead branch folds away: sizeof(T) is a constant) */
static inline T L(vexp)(T x)
{
    return sizeof(T) == sizeof(float) ? (T)nl_vexpf((float)x) : M(exp)(x);
}

static inline T L(vtanh)(T x)
{
    return sizeof(T) == sizeof(float) ? (T)nl_vtanhf((float)x) : M(tanh)(x);
}

/* sigmoid that neither overflows exp() nor loses the small tail */
static inline T L(sigmoid)(T x)
{
    if (sizeof(T) == sizeof(float))
        return (T)nl_vsigmoidf((float)x);
    if (x >= 0) return (T)1 / ((T)1 + M(exp)(-x));
    T e = M(exp)(x);
    return e / ((T)1 + e);
}

NL_CLONES static void L(softmax_rows)(int64_t m, int64_t n, const T *x, T *y)
{
    for (int64_t i = 0; i < m; i++) {
        const T *xr = x + i * n;
        T *yr = y + i * n;
        T mx = xr[0];
        for (int64_t j = 1; j < n; j++) mx = xr[j] > mx ? xr[j] : mx;
        T sum = 0;
        for (int64_t j = 0; j < n; j++) yr[j] = L(vexp)(xr[j] - mx);   /* vectorized */
        for (int64_t j = 0; j < n; j++) sum += yr[j];
        T inv = (T)1 / sum;
        for (int64_t j = 0; j < n; j++) yr[j] *= inv;
    }
}

NL_CLONES static int L(forward_rows)(int act, int64_t m, int64_t n, T alpha, const T *x, T *y)
{
    const int64_t len = m * n;
    const T selu_a = (T)1.6732632423543772848170429916717;
    const T selu_s = (T)1.0507009873554804934193349852946;
    int64_t i;
    if (m < 0 || n < 0) return NL_EINVAL;
    switch (act) {
    case NL_ACT_LINEAR:
        if (y != x) for (i = 0; i < len; i++) y[i] = x[i];
        break;
    case NL_ACT_RELU:
        /* written so NaN propagates (as NumPy and TensorFlow): NaN < 0 is false */
        for (i = 0; i < len; i++) y[i] = x[i] < 0 ? 0 : x[i];
        break;
    case NL_ACT_SIGMOID:
        for (i = 0; i < len; i++) y[i] = L(sigmoid)(x[i]);
        break;
    case NL_ACT_TANH:
        for (i = 0; i < len; i++) y[i] = L(vtanh)(x[i]);
        break;
    case NL_ACT_SOFTMAX:
        if (n > 0) L(softmax_rows)(m, n, x, y);
        break;
    case NL_ACT_LEAKY_RELU:
        for (i = 0; i < len; i++) y[i] = x[i] > 0 ? x[i] : alpha * x[i];
        break;
    case NL_ACT_ELU:
        for (i = 0; i < len; i++) y[i] = x[i] > 0 ? x[i] : alpha * M(expm1)(x[i]);
        break;
    case NL_ACT_SELU:
        for (i = 0; i < len; i++)
            y[i] = selu_s * (x[i] > 0 ? x[i] : selu_a * M(expm1)(x[i]));
        break;
    case NL_ACT_SOFTPLUS:
        /* log(1 + e^x) = max(x, 0) + log1p(e^-|x|): no overflow for large x */
        for (i = 0; i < len; i++)
            y[i] = (x[i] > 0 ? x[i] : 0) + M(log1p)(M(exp)(-M(fabs)(x[i])));
        break;
    case NL_ACT_SOFTSIGN:
        for (i = 0; i < len; i++) y[i] = x[i] / ((T)1 + M(fabs)(x[i]));
        break;
    case NL_ACT_SWISH:
        for (i = 0; i < len; i++) y[i] = x[i] * L(sigmoid)(x[i]);
        break;
    case NL_ACT_GELU:
        if (alpha != 0) {
            const T c = (T)0.79788456080286535587989211986876; /* sqrt(2/pi) */
            for (i = 0; i < len; i++) {
                T v = x[i];
                y[i] = (T)0.5 * v * ((T)1 + L(vtanh)(c * (v + (T)0.044715 * v * v * v)));
            }
        } else {
            /* Phi(x) = erfc(-x/sqrt2)/2, as TensorFlow: 1 + erf(x/sqrt2) cancels to 0
             * for x < -5 or so and loses the negative tail */
            for (i = 0; i < len; i++)
                y[i] = (T)0.5 * x[i] * M(erfc)(-x[i] * (T)0.70710678118654752440084436210485);
        }
        break;
    case NL_ACT_HARD_SIGMOID:
        /* Keras 3: relu6(x + 3) / 6 */
        for (i = 0; i < len; i++) {
            T v = x[i] / (T)6 + (T)0.5;
            y[i] = v < 0 ? 0 : (v > 1 ? 1 : v);
        }
        break;
    case NL_ACT_EXPONENTIAL:
        for (i = 0; i < len; i++) y[i] = L(vexp)(x[i]);
        break;
    default:
        return NL_EINVAL;
    }
    return NL_OK;
}

NL_CLONES static int L(backward_rows)(int act, int64_t m, int64_t n, T alpha, const T *x,
                           const T *y, const T *dy, T *dx)
{
    const int64_t len = m * n;
    const T selu_a = (T)1.6732632423543772848170429916717;
    const T selu_s = (T)1.0507009873554804934193349852946;
    int64_t i;
    if (m < 0 || n < 0) return NL_EINVAL;
    switch (act) {
    case NL_ACT_LINEAR:
        if (dx != dy) for (i = 0; i < len; i++) dx[i] = dy[i];
        break;
    case NL_ACT_RELU:
        for (i = 0; i < len; i++) dx[i] = x[i] > 0 ? dy[i] : 0;
        break;
    case NL_ACT_SIGMOID:
        for (i = 0; i < len; i++) dx[i] = dy[i] * y[i] * ((T)1 - y[i]);
        break;
    case NL_ACT_TANH:
        for (i = 0; i < len; i++) dx[i] = dy[i] * ((T)1 - y[i] * y[i]);
        break;
    case NL_ACT_SOFTMAX:
        for (int64_t r = 0; r < m; r++) {
            const T *yr = y + r * n, *dyr = dy + r * n;
            T *dxr = dx + r * n;
            T dot = 0;
            for (int64_t j = 0; j < n; j++) dot += dyr[j] * yr[j];
            for (int64_t j = 0; j < n; j++) dxr[j] = yr[j] * (dyr[j] - dot);
        }
        break;
    case NL_ACT_LEAKY_RELU:
        for (i = 0; i < len; i++) dx[i] = x[i] > 0 ? dy[i] : alpha * dy[i];
        break;
    case NL_ACT_ELU:
        /* for x <= 0: d/dx alpha*(e^x - 1) = alpha*e^x = y + alpha */
        for (i = 0; i < len; i++) dx[i] = x[i] > 0 ? dy[i] : dy[i] * (y[i] + alpha);
        break;
    case NL_ACT_SELU:
        /* slope scale at x == 0, as TensorFlow's SeluGrad */
        for (i = 0; i < len; i++)
            dx[i] = dy[i] * (x[i] >= 0 ? selu_s : selu_s * selu_a * M(exp)(x[i]));
        break;
    case NL_ACT_SOFTPLUS:
        for (i = 0; i < len; i++) dx[i] = dy[i] * L(sigmoid)(x[i]);
        break;
    case NL_ACT_SOFTSIGN:
        for (i = 0; i < len; i++) {
            T d = (T)1 + M(fabs)(x[i]);
            dx[i] = dy[i] / (d * d);
        }
        break;
    case NL_ACT_SWISH:
        for (i = 0; i < len; i++) {
            T s = L(sigmoid)(x[i]);
            dx[i] = dy[i] * s * ((T)1 + x[i] * ((T)1 - s));
        }
        break;
    case NL_ACT_GELU:
        if (alpha != 0) {
            const T c = (T)0.79788456080286535587989211986876;
            for (i = 0; i < len; i++) {
                T v = x[i];
                T t = L(vtanh)(c * (v + (T)0.044715 * v * v * v));
                T sech2 = (T)1 - t * t;
                /* once tanh saturates, v*v may overflow: 0 * inf would give NaN */
                T tail = sech2 != 0
                    ? (T)0.5 * v * sech2 * c * ((T)1 + (T)(3 * 0.044715) * v * v) : 0;
                dx[i] = dy[i] * ((T)0.5 * ((T)1 + t) + tail);
            }
        } else {
            const T inv_sqrt2pi = (T)0.39894228040143267793994605993438;
            for (i = 0; i < len; i++) {
                T v = x[i];
                T cdf = (T)0.5 * M(erfc)(-v * (T)0.70710678118654752440084436210485);
                dx[i] = dy[i] * (cdf + v * inv_sqrt2pi * M(exp)((T)-0.5 * v * v));
            }
        }
        break;
    case NL_ACT_HARD_SIGMOID:
        for (i = 0; i < len; i++)
            dx[i] = (x[i] > -3 && x[i] < 3) ? dy[i] / (T)6 : 0;
        break;
    case NL_ACT_EXPONENTIAL:
        for (i = 0; i < len; i++) dx[i] = dy[i] * y[i];
        break;
    default:
        return NL_EINVAL;
    }
    return NL_OK;
}

/* ---- threaded entry points ----------------------------------------------------- */

/* Large arrays are split into blocks of whole rows over the thread pool; each
 * element is computed by the same code whatever the split, so results do not
 * depend on the thread count. */
struct L(act_job) {
    int act, backward;
    int64_t m, n, rows_per_task;
    T alpha;
    const T *x, *y, *dy;
    T *out;
};

static void L(act_task)(void *arg, int t)
{
    const struct L(act_job) *j = (const struct L(act_job) *)arg;
    const int64_t lo = t * j->rows_per_task;
    const int64_t rows = j->m - lo < j->rows_per_task ? j->m - lo : j->rows_per_task;
    const int64_t off = lo * j->n;
    if (rows <= 0)
        return;
    if (j->backward)
        L(backward_rows)(j->act, rows, j->n, j->alpha, j->x + off, j->y + off, j->dy + off,
                         j->out + off);
    else
        L(forward_rows)(j->act, rows, j->n, j->alpha, j->x + off, j->out + off);
}

static int L(act_run)(struct L(act_job) *j)
{
    /* ~8 flops an element: the same work scale as a GEMM's multiply-adds */
    int tasks = nl_threads_for(8.0 * (double)j->m * (double)j->n);
    if (tasks > j->m)
        tasks = (int)j->m;
    if (j->act < 0 || j->act > NL_ACT_EXPONENTIAL || j->m < 0 || j->n < 0)
        return NL_EINVAL;
    if (tasks <= 1)
        return j->backward
            ? L(backward_rows)(j->act, j->m, j->n, j->alpha, j->x, j->y, j->dy, j->out)
            : L(forward_rows)(j->act, j->m, j->n, j->alpha, j->x, j->out);
    j->rows_per_task = (j->m + tasks - 1) / tasks;
    nl_parallel_for(tasks, L(act_task), j);
    return NL_OK;
}

int NL(activation_forward)(int act, int64_t m, int64_t n, T alpha, const T *x, T *y)
{
    struct L(act_job) j = {act, 0, m, n, 0, alpha, x, 0, 0, y};
    return L(act_run)(&j);
}

int NL(activation_backward)(int act, int64_t m, int64_t n, T alpha, const T *x,
                            const T *y, const T *dy, T *dx)
{
    struct L(act_job) j = {act, 1, m, n, 0, alpha, x, y, dy, dx};
    return L(act_run)(&j);
}
