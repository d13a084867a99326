/* nnlite.h - the whole public C API of nnlite's core.
 *
 * Conventions (BLAS-like):
 *   - matrices are row-major; every matrix argument is followed by its leading
 *     dimension (distance in elements between the starts of two rows);
 *   - sizes are int64_t; the `s` prefix is float32, the `d` prefix float64;
 *   - functions that can fail return an NL_* status (NL_OK == 0); callers in
 *     Python check shapes and dtypes before calling, the status is a last guard;
 *   - nothing here keeps hidden global scratch memory: temporary buffers are
 *     owned by the call that needs them, so calls may run on several threads.
 */
#ifndef NNLITE_H
#define NNLITE_H

#include <stdint.h>

#define NL_OK       0
#define NL_EINVAL  -1   /* a size, flag or leading dimension is invalid */
#define NL_ENOMEM  -2   /* a temporary buffer could not be allocated */
#define NL_ERANGE  -3   /* an integer label lies outside [0, n) */
#define NL_ENONFINITE -4 /* an input holds NaN or infinity */

/* ---- version ---------------------------------------------------------- */
const char *nl_version(void);

/* ---- GEMM: C = alpha * op(A) * op(B) + beta * C ------------------------
 * op(A) is m x k, op(B) is k x n, C is m x n. trans_a != 0 means A is stored
 * k x m (op(A) = A^T), likewise for B. lda >= (trans_a ? m : k),
 * ldb >= (trans_b ? k : n), ldc >= n. beta == 0 never reads C (NaN in C is
 * overwritten); alpha == 0 never reads A or B (as reference BLAS).
 * Returns NL_OK, NL_EINVAL or NL_ENOMEM. */
int nl_sgemm(int trans_a, int trans_b, int64_t m, int64_t n, int64_t k,
             float alpha, const float *a, int64_t lda, const float *b, int64_t ldb,
             float beta, float *c, int64_t ldc);
int nl_dgemm(int trans_a, int trans_b, int64_t m, int64_t n, int64_t k,
             double alpha, const double *a, int64_t lda, const double *b, int64_t ldb,
             double beta, double *c, int64_t ldc);

/* Fused Dense forward: the GEMM above, then per tile while it is in cache
 *   C[i,j] += bias[j]            (bias may be NULL)
 *   Y[i,j]  = act(C[i,j])        (act = an nl_activation, or -1 for none;
 *                                 elementwise only: not NL_ACT_SOFTMAX)
 * y may be c (in place). With act == -1, y is unused. */
int nl_sgemm_bias_act(int trans_a, int trans_b, int64_t m, int64_t n, int64_t k,
                      float alpha, const float *a, int64_t lda, const float *b, int64_t ldb,
                      float beta, float *c, int64_t ldc, const float *bias, int act,
                      float act_alpha, float *y, int64_t ldy);
int nl_dgemm_bias_act(int trans_a, int trans_b, int64_t m, int64_t n, int64_t k,
                      double alpha, const double *a, int64_t lda, const double *b, int64_t ldb,
                      double beta, double *c, int64_t ldc, const double *bias, int act,
                      double act_alpha, double *y, int64_t ldy);

/* ---- run-time configuration ---------------------------------------------
 * The GEMM micro-kernels are chosen once from the CPU (cpuid + xgetbv on
 * x86: AVX-512, AVX2+FMA, else portable C), unless the environment variable
 * NNLITE_ISA names one ("avx512", "avx2", "ref"). nl_set_isa switches at run
 * time (NL_EINVAL if the CPU or build lacks it); nl_isa_name says which runs.
 * Threads: NNLITE_NUM_THREADS or the usable cores; nl_set_num_threads(n),
 * n >= 1 (NL_EINVAL otherwise). Work is split over M/N blocks, never K, so
 * results are bit-identical for any thread count. */
const char *nl_isa_name(void);
int nl_isa_supported(const char *name);
int nl_set_isa(const char *name);
int nl_get_num_threads(void);
int nl_set_num_threads(int n);
/* Memory: keep up to `bytes` of freed heap memory (and serve blocks up to
 * min(bytes, 32 MB) from the heap) instead of returning it to the system, so
 * buffers re-allocated every training step reuse pages already mapped (glibc
 * mallopt M_MMAP_THRESHOLD / M_TRIM_THRESHOLD; a hint, elsewhere or under an
 * allocator that refuses it no effect). NL_OK, or NL_EINVAL for bytes < 0. */
int nl_keep_freed_memory(int64_t bytes);

/* ---- bias ---------------------------------------------------------------
 * bias_add:      y[i,j] += b[j]           (y is m x n, in place)
 * bias_backward: db[j] = sum_i dy[i,j]    (overwrites db) */
void nl_sbias_add(int64_t m, int64_t n, const float *b, float *y, int64_t ldy);
void nl_dbias_add(int64_t m, int64_t n, const double *b, double *y, int64_t ldy);
void nl_sbias_backward(int64_t m, int64_t n, const float *dy, int64_t lddy, float *db);
void nl_dbias_backward(int64_t m, int64_t n, const double *dy, int64_t lddy, double *db);

/* ---- activations ------------------------------------------------------
 * forward:  y = f(x) elementwise on the contiguous m x n array x (softmax is
 *           taken over each row of n, after subtracting the row maximum).
 *           y may be x (in place).
 * backward: dx = dy * f'(x), written with x = pre-activation and y = f(x)
 *           (both must be given); dx may be dy. For softmax
 *           dx_ij = y_ij * (dy_ij - sum_k dy_ik y_ik).
 * alpha is the one parameter some activations take (ignored by the rest):
 *   LEAKY_RELU slope for x < 0, ELU alpha, GELU: nonzero = tanh approximation.
 * Returns NL_OK, or NL_EINVAL for an unknown activation. */
enum nl_activation {
    NL_ACT_LINEAR = 0, NL_ACT_RELU, NL_ACT_SIGMOID, NL_ACT_TANH, NL_ACT_SOFTMAX,
    NL_ACT_LEAKY_RELU, NL_ACT_ELU, NL_ACT_SELU, NL_ACT_SOFTPLUS, NL_ACT_SOFTSIGN,
    NL_ACT_SWISH, NL_ACT_GELU, NL_ACT_HARD_SIGMOID, NL_ACT_EXPONENTIAL
};
int nl_sactivation_forward(int act, int64_t m, int64_t n, float alpha,
                           const float *x, float *y);
int nl_dactivation_forward(int act, int64_t m, int64_t n, double alpha,
                           const double *x, double *y);
int nl_sactivation_backward(int act, int64_t m, int64_t n, float alpha,
                            const float *x, const float *y, const float *dy, float *dx);
int nl_dactivation_backward(int act, int64_t m, int64_t n, double alpha,
                            const double *x, const double *y, const double *dy, double *dx);

/* ---- losses -------------------------------------------------------------
 * Per-sample loss over the rows of m x n contiguous arrays t (target) and
 * p (prediction, or logits when from_logits != 0), as Keras defines it:
 *   MSE  loss_i = mean_j (t_ij - p_ij)^2
 *   MAE  loss_i = mean_j |t_ij - p_ij|
 *   BCE  loss_i = mean_j -(t log q + (1-t) log(1-q)),
 *        q = clip(p, eps, 1-eps), or q = sigmoid(p) computed stably from logits
 *   CCE  loss_i = -sum_j t_ij log q_ij,
 *        q = clip(p / sum_j p, eps, 1-eps), or q = softmax(p) from logits
 * loss (length m) and grad (m x n) may each be NULL. When given, grad is
 *   grad_ij = scale * w_i * d loss_i / d p_ij    (w == NULL means w_i = 1)
 * with the derivative of the clipped formula (zero where the clip is active).
 * From logits the gradient is taken w.r.t. the logits: BCE (sigmoid(p)-t)/n,
 * CCE softmax(p)*sum_j t - t.  Returns NL_OK or NL_EINVAL. */
enum nl_loss { NL_LOSS_MSE = 0, NL_LOSS_MAE, NL_LOSS_BCE, NL_LOSS_CCE,
               NL_LOSS_HUBER, NL_LOSS_LOG_COSH, NL_LOSS_MAPE, NL_LOSS_MSLE,
               NL_LOSS_HINGE, NL_LOSS_SQUARED_HINGE, NL_LOSS_CATEGORICAL_HINGE,
               NL_LOSS_KLD, NL_LOSS_POISSON, NL_LOSS_COSINE, NL_LOSS_FOCAL };
int nl_sloss(int kind, int from_logits, int64_t m, int64_t n, float eps,
             const float *t, const float *p, float *loss,
             float scale, const float *w, float *grad);
int nl_dloss(int kind, int from_logits, int64_t m, int64_t n, double eps,
             const double *t, const double *p, double *loss,
             double scale, const double *w, double *grad);

/* nl_sloss with parameters (params NULL means Keras's defaults) and the
 * further Keras losses, e = p - t, all means over j of n values per row:
 *   HUBER          params {delta=1}: 0.5 e^2 if |e| <= delta else delta|e| - delta^2/2
 *   LOG_COSH       e + softplus(-2e) - log 2
 *   MAPE           100 |e| / max(|t|, eps)
 *   MSLE           (log(max(p,eps)+1) - log(max(t,eps)+1))^2
 *   HINGE          max(1 - t p, 0)      (t in {-1,1}: the caller converts {0,1})
 *   SQUARED_HINGE  max(1 - t p, 0)^2
 *   POISSON        p - t log(p + eps)
 *   FOCAL          params {gamma=2, alpha=0.25, balance=0}: w (1-p_t)^gamma bce,
 *                  1-p_t = q+t-2tq, w = t alpha + (1-t)(1-alpha) if balance else 1,
 *                  q = p (bce clipped as BCE) or sigmoid(p) (bce from logits)
 * and per row (sums, not means):
 *   CATEGORICAL_HINGE max(max_j (1-t_j) p_j - sum_j t_j p_j + 1, 0)
 *   KLD            sum_j tc log(tc/pc), tc = clip(t, eps, 1), pc = clip(p, eps, 1)
 *   COSINE         -sum_j t_j p_j r(t) r(p), r(x) = min(1/|x|, 1/eps)
 * Gradients follow TensorFlow at kinks (max takes ties, clips pass their ends). */
int nl_sloss_ex(int kind, int from_logits, int64_t m, int64_t n, float eps,
                const float *params, const float *t, const float *p, float *loss,
                float scale, const float *w, float *grad);
int nl_dloss_ex(int kind, int from_logits, int64_t m, int64_t n, double eps,
                const double *params, const double *t, const double *p, double *loss,
                double scale, const double *w, double *grad);

/* Sparse categorical cross-entropy: the target of row i is the class labels[i].
 *   loss_i = -log q_i,labels[i], q = clip(p, eps, 1-eps) renormalised over the
 *   row (Keras: log of the clipped probabilities fed to a softmax), or
 *   q = softmax(p) from logits. grad as for nl_sloss.
 * Returns NL_OK, NL_EINVAL, or NL_ERANGE when a label is outside [0, n). */
int nl_ssparse_crossentropy(int from_logits, int64_t m, int64_t n, float eps,
                            const int64_t *labels, const float *p, float *loss,
                            float scale, const float *w, float *grad);
int nl_dsparse_crossentropy(int from_logits, int64_t m, int64_t n, double eps,
                            const int64_t *labels, const double *p, double *loss,
                            double scale, const double *w, double *grad);

/* ---- optimizer updates (in place, over n contiguous parameters) ----------
 * SGD:      momentum == 0: w -= lr*g (m unused, may be NULL)
 *           else m = momentum*m - lr*g; w += m, or with nesterov
 *           w += momentum*m - lr*g (using the new m)
 * RMSprop:  v = rho*v + (1-rho)*g^2; centered: mg = rho*mg + (1-rho)*g,
 *           den = v - mg^2, else den = v; inc = lr*g/sqrt(den + eps);
 *           momentum > 0: m = momentum*m + inc, w -= m; else w -= inc
 *           (mg and m may be NULL when unused)
 * Adam:     m += (g-m)*(1-beta1); v += (g^2-v)*(1-beta2);
 *           amsgrad: vhat = max(vhat, v) and vhat replaces v below;
 *           w -= alpha * m / (sqrt(v) + eps), where the caller folds the
 *           bias correction into alpha = lr*sqrt(1-beta2^t)/(1-beta1^t).
 * Adagrad:  acc += g^2; w -= lr*g/sqrt(acc + eps) (acc starts at
 *           initial_accumulator_value, filled by the caller)
 * Adadelta: ag = rho*ag + (1-rho)*g^2; d = -sqrt(ad + eps)*g/sqrt(ag + eps)
 *           (ad before its update); ad = rho*ad + (1-rho)*d^2; w += lr*d
 * Adamax:   m += (g-m)*(1-beta1); u = max(beta2*u, |g|);
 *           w -= lr*m / (corr*(u + eps)), corr = 1 - beta1^t
 * Nadam:    m += (g-m)*(1-beta1); v += (g^2-v)*(1-beta2);
 *           w -= lr*(cm*m + cg*g) / (sqrt(v/vcorr) + eps), where the caller
 *           forms Keras's momentum-cache factors cm = u_{t+1}/(1 - U_{t+1}),
 *           cg = (1 - u_t)/(1 - U_t) (U_t = u_1*...*u_t) and vcorr = 1 - beta2^t
 * weight_decay: w -= w*wd*lr (decoupled decay, applied before the step)
 * Hyperparameters are double for both types: 1 - beta is formed in double
 * and then rounded, as Keras does. */
void nl_ssgd_update(int64_t n, double lr, double momentum, int nesterov,
                    const float *g, float *w, float *m);
void nl_dsgd_update(int64_t n, double lr, double momentum, int nesterov,
                    const double *g, double *w, double *m);
void nl_srmsprop_update(int64_t n, double lr, double rho, double momentum, double eps,
                        int centered, const float *g, float *w, float *v,
                        float *mg, float *m);
void nl_drmsprop_update(int64_t n, double lr, double rho, double momentum, double eps,
                        int centered, const double *g, double *w, double *v,
                        double *mg, double *m);
void nl_sadam_update(int64_t n, double alpha, double beta1, double beta2, double eps,
                     const float *g, float *w, float *m, float *v, float *vhat);
void nl_dadam_update(int64_t n, double alpha, double beta1, double beta2, double eps,
                     const double *g, double *w, double *m, double *v, double *vhat);
void nl_sadagrad_update(int64_t n, double lr, double eps, const float *g, float *w,
                        float *acc);
void nl_dadagrad_update(int64_t n, double lr, double eps, const double *g, double *w,
                        double *acc);
void nl_sadadelta_update(int64_t n, double lr, double rho, double eps, const float *g,
                         float *w, float *acc_g, float *acc_d);
void nl_dadadelta_update(int64_t n, double lr, double rho, double eps, const double *g,
                         double *w, double *acc_g, double *acc_d);
void nl_sadamax_update(int64_t n, double lr, double beta1, double beta2, double eps,
                       double corr, const float *g, float *w, float *m, float *u);
void nl_dadamax_update(int64_t n, double lr, double beta1, double beta2, double eps,
                       double corr, const double *g, double *w, double *m, double *u);
void nl_snadam_update(int64_t n, double lr, double beta1, double beta2, double eps,
                      double cm, double cg, double vcorr, const float *g, float *w,
                      float *m, float *v);
void nl_dnadam_update(int64_t n, double lr, double beta1, double beta2, double eps,
                      double cm, double cg, double vcorr, const double *g, double *w,
                      double *m, double *v);
void nl_sweight_decay(int64_t n, double wd, double lr, float *w);
void nl_dweight_decay(int64_t n, double wd, double lr, double *w);
/* sums[0] = sum |x_i|, sums[1] = sum x_i^2 over the n values, in double and in
 * index order (the value of an L1/L2 weight penalty, as the plan adds it). */
void nl_sabs_square_sums(int64_t n, const float *x, double *sums);
void nl_dabs_square_sums(int64_t n, const double *x, double *sums);

/* ---- compiled MLP: a whole training step in one call (float32) -----------
 * A plan holds a stack of dense layers, layer l mapping dims[l] inputs to
 * dims[l+1] outputs: y_l = act_l(y_{l-1} @ W_l + b_l). It owns its work
 * buffers (activations and gradients for up to max_batch rows, allocated
 * once); the weights and optimizer slots stay in the caller's arrays, which
 * must not move or be freed while the plan uses them.
 *
 * Training steps take their rows from x (n x dims[0], row stride ldx) and
 * their targets from t (n x dims[L], stride ldt) or, for the sparse loss,
 * from labels (n integers): step s uses rows index[s*batch ...] (or the
 * contiguous rows s*batch ... when index is NULL); the last step may be
 * short. Each step runs forward, loss and gradient, backward and the
 * optimizer update. loss_kind is an nl_loss or NL_LOSS_SPARSE; with
 * from_logits the loss is taken on the last layer's pre-activation (as Keras
 * does for a softmax or sigmoid output). The metric counts hits:
 * NL_METRIC_BINARY (output > threshold equals the target),
 * NL_METRIC_CATEGORICAL (argmax equals argmax of the target),
 * NL_METRIC_SPARSE (argmax equals the label).
 * Dropout (nl_splan_set_dropout) acts on a layer's output in training only;
 * step s of a call uses drop_keys[(s - first_step)*ndrop + j] for the j-th
 * dropout layer (layer order; ndrop = layers with dropout), the mask of
 * nl_sdropout_forward. drop_keys may be NULL when no layer has dropout.
 * Step s takes its learning rate and bias corrections from
 * step_params[(s - first_step)*NL_PLAN_STEP_PARAMS ...].
 * sums[0] += each batch's mean loss times its size (as Keras's loss tracker
 * weights it; plus the weight penalties, see nl_splan_set_regularizer),
 * sums[1] += samples,
 * sums[2] += metric hits, sums[3] += metric values counted. */
#define NL_LOSS_SPARSE 16
enum nl_metric { NL_METRIC_NONE = 0, NL_METRIC_BINARY, NL_METRIC_CATEGORICAL, NL_METRIC_SPARSE };
enum nl_optimizer { NL_OPT_SGD = 0, NL_OPT_RMSPROP, NL_OPT_ADAM, NL_OPT_ADAGRAD,
                   NL_OPT_ADADELTA, NL_OPT_ADAMAX, NL_OPT_NADAM };
/* Values per training step in step_params: [0] the step's learning rate;
 * [1] Adam's alpha = lr*sqrt(1 - beta2^t)/(1 - beta1^t), Adamax's 1 - beta1^t,
 * Nadam's cm; [2] Nadam's cg; [3] Nadam's vcorr (see nl_snadam_update). */
#define NL_PLAN_STEP_PARAMS 4

struct nl_train_config {
    int loss_kind, from_logits, metric;
    double threshold;
    int optimizer;                 /* an nl_optimizer */
    double lr, momentum, rho, beta1, beta2, eps;
    int nesterov, centered, amsgrad;
    int64_t iteration;             /* optimizer steps taken before this call */
    /* before each variable's update: clipnorm > 0 rescales its gradient to at
     * most that L2 norm, else clipvalue > 0 clamps it to [-clipvalue,
     * clipvalue]; with use_weight_decay, w -= w*weight_decay*lr on the
     * variables nl_splan_set_decay marks. */
    double clipnorm, clipvalue, weight_decay;
    int use_weight_decay;
};

typedef struct nl_splan nl_splan;

/* NL_OK, NL_EINVAL (also when a buffer, max_batch x dims[l] or dims[l] x dims[l+1]
 * floats, would exceed 2^62 bytes) or NL_ENOMEM; *plan is NULL on failure. */
int nl_splan_create(nl_splan **plan, int nlayers, const int64_t *dims, const int *acts,
                    const float *act_alphas, int64_t max_batch);
/* A plan over a graph (nl_splan_create makes the chain of nlayers dense nodes):
 * nnodes nodes in topological order, node i of kind kinds[i] reading nin[i]
 * inputs taken in turn from inputs[] (earlier nodes' indices, -1 the model's
 * input of dims[0] columns). NL_PLAN_DENSE: one input, the next layer l
 * (layers are numbered in node order; dims[l+1] units, acts[l]; its kernel has
 * as many rows as its input has columns); NL_PLAN_ADD: two or more inputs of
 * one width, summed left to right; NL_PLAN_CONCAT: its inputs side by side.
 * The last node is the output and must be dense; every other node must feed a
 * later one. Gradients that reach a value along several edges are added in
 * the eager tape's order (see plan.c). NL_EINVAL for a malformed graph or a
 * buffer over 2^62 bytes. */
enum nl_plan_node { NL_PLAN_DENSE = 0, NL_PLAN_ADD, NL_PLAN_CONCAT };
int nl_splan_create_graph(nl_splan **plan, int nnodes, const int *kinds, const int *nin,
                          const int *inputs, const int64_t *dims, const int *acts,
                          const float *act_alphas, int64_t max_batch);
void nl_splan_free(nl_splan *plan);
/* Layer l's kernel (its input's columns x dims[l+1]) and bias (dims[l+1], or NULL);
 * trainable == 0 freezes the layer. */
int nl_splan_set_layer(nl_splan *plan, int layer, float *kernel, float *bias, int trainable);
/* Optimizer slots of variable v (0 kernel, 1 bias) of a layer, each the size
 * of the variable (NULL when the optimizer does not use it): SGD s1 = momentum;
 * RMSprop s1 = velocity, s2 = average gradient, s3 = momentum; Adam s1 = m,
 * s2 = v, s3 = v-hat; Adagrad s1 = accumulator; Adadelta s1 = accumulated
 * gradient, s2 = accumulated delta; Adamax s1 = m, s2 = u; Nadam s1 = m,
 * s2 = v. */
int nl_splan_set_slots(nl_splan *plan, int layer, int var, float *s1, float *s2, float *s3);
/* Whether decoupled weight decay applies to variable v (0 kernel, 1 bias) of
 * a layer (cfg->use_weight_decay turns it on as a whole). */
int nl_splan_set_decay(nl_splan *plan, int layer, int var, int on);
/* Weight penalty of variable v (0 kernel, 1 bias) of a layer, as the L1, L2
 * and L1L2 regularizers: each training step (and each evaluated batch) adds
 * l1*sum|w| + l2*sum w^2 of the weights before the step (times the batch
 * size, after the batch's losses; the sums of nl_sabs_square_sums) to sums[0], and
 * (float)l1*sign(w) + (float)(2*l2)*w to the variable's gradient. */
int nl_splan_set_regularizer(nl_splan *plan, int layer, int var, double l1, double l2);
/* Constraint of variable v (0 kernel, 1 bias) of a layer, applied after each
 * update as Keras's constraints (norms over the kernel's columns, axis 0; the
 * norm constraints take only the kernel): NL_CONSTRAINT_MAX_NORM (max_value),
 * NL_CONSTRAINT_NON_NEG, NL_CONSTRAINT_UNIT_NORM, NL_CONSTRAINT_MIN_MAX_NORM
 * (min_value, max_value, rate); eps is the fuzz factor added to the norms. */
enum nl_constraint { NL_CONSTRAINT_NONE = 0, NL_CONSTRAINT_MAX_NORM, NL_CONSTRAINT_NON_NEG,
                     NL_CONSTRAINT_UNIT_NORM, NL_CONSTRAINT_MIN_MAX_NORM };
int nl_splan_set_constraint(nl_splan *plan, int layer, int var, int kind, double min_value,
                            double max_value, double rate, double eps);
/* Dropout with `rate` (0 < rate <= 1; 0 removes it) on the output of layer l
 * (not the last); NL_EINVAL or NL_ENOMEM. */
int nl_splan_set_dropout(nl_splan *plan, int layer, double rate);
int nl_splan_train(nl_splan *plan, const struct nl_train_config *cfg,
                   const float *x, int64_t ldx, const float *t, int64_t ldt,
                   const int64_t *labels, const int64_t *index, int64_t n,
                   int64_t batch, int64_t first_step, int64_t nsteps,
                   const double *step_params, const uint64_t *drop_keys, double *sums);
/* nl_splan_train returns NL_EINVAL for a stride below its row (ldx < dims[0],
 * ldt < dims[L]), nsteps < 0 or steps whose first row (first_step + nsteps) *
 * batch passes INT64_MAX, and NL_ERANGE, before the step that would read it,
 * for an index value outside [0, n). */
/* Data parallelism: one step in two halves, so that the gradients can be
 * summed over processes in between.
 * nl_splan_gradients: forward, loss and backward of the b rows rows[0..b) of
 * x (b may be 0: grad is zeroed), without the update; writes every trainable
 * variable's gradient times `scale` into grad, packed in layer order (kernel,
 * then bias), nl_splan_gradient_size floats, and adds to sums as
 * nl_splan_train. Plans with dropout are refused (NL_EINVAL).
 * nl_splan_apply: the update of every trainable variable from gradients in
 * that layout (penalties, clipping, the optimizer, constraints), with the
 * step's NL_PLAN_STEP_PARAMS values. */
int64_t nl_splan_gradient_size(const nl_splan *plan);
int nl_splan_gradients(nl_splan *plan, const struct nl_train_config *cfg,
                       const float *x, int64_t ldx, const float *t, int64_t ldt,
                       const int64_t *labels, const int64_t *rows, int64_t n, int64_t b,
                       double scale, float *grad, double *sums);
int nl_splan_apply(nl_splan *plan, const struct nl_train_config *cfg, const float *grad,
                   const double *step_params);
/* Loss and metric sums over all n rows, without training, in batches of
 * max_batch rows (the last may be short), each reported as a training step. */
int nl_splan_evaluate(nl_splan *plan, const struct nl_train_config *cfg,
                      const float *x, int64_t ldx, const float *t, int64_t ldt,
                      const int64_t *labels, int64_t n, double *sums);
/* The model's output for n rows of x into out (n x dims[L], stride ldo);
 * NL_ENONFINITE (and nothing written) if x holds NaN or infinity, NL_EINVAL
 * for a stride below its row. Every plan buffer's byte count is checked
 * against 2^62 and SIZE_MAX before it is formed (NL_EINVAL / NL_ENOMEM). */
int nl_splan_predict(nl_splan *plan, const float *x, int64_t ldx, int64_t n,
                     float *out, int64_t ldo);

/* ---- dropout ---------------------------------------------------------------
 * Inverted dropout of n values with a mask drawn from a 64-bit key: value i
 * is kept when u(key, i) >= rate and then scaled by 1/(1 - rate), else it
 * becomes 0 (rate == 1 drops everything). u(key, i) in [0, 1) is the top 53
 * bits of the i-th output of the splitmix64 sequence seeded with key, so the
 * same key gives the same mask every time (backward recomputes it).
 *   mask:     mask[i] = kept ? 1/(1 - rate) : 0
 *   forward:  y[i] = x[i] * mask[i]   (y may be x)
 *   backward: dx[i] = dy[i] * mask[i] (dx may be dy)
 * NL_OK or NL_EINVAL (n < 0, rate outside [0, 1], NULL arrays). */
int nl_sdropout_mask(int64_t n, uint64_t key, double rate, float *mask);
int nl_ddropout_mask(int64_t n, uint64_t key, double rate, double *mask);
int nl_sdropout_forward(int64_t n, uint64_t key, double rate, const float *x, float *y);
int nl_ddropout_forward(int64_t n, uint64_t key, double rate, const double *x, double *y);
int nl_sdropout_backward(int64_t n, uint64_t key, double rate, const float *dy, float *dx);
int nl_ddropout_backward(int64_t n, uint64_t key, double rate, const double *dy, double *dx);

/* ---- normalization --------------------------------------------------------
 * Batch normalization over x viewed as (outer, c, inner) contiguous: channel j
 * holds x[(o*c + j)*inner + k] for all o, k (count = outer*inner values).
 *   training != 0: mean_j, var_j = the batch mean and biased variance; when
 *     moving_mean and moving_var are both given they are updated in place,
 *     moving = moving*momentum + batch*(1 - momentum) (count must be > 0).
 *   training == 0: mean_j = moving_mean_j, var_j = moving_var_j (both needed).
 *   y = x*a + b, a = gamma_j*invstd_j, b = beta_j - mean_j*a,
 *   invstd_j = 1/sqrt(var_j + eps); mean and invstd (length c) are written
 *   for the backward pass. gamma / beta may be NULL (1 / 0).
 * Backward (training as in forward, mean/invstd from it; dx, dgamma, dbeta
 * may each be NULL and are overwritten):
 *   dgamma_j = sum dy*xhat, dbeta_j = sum dy, xhat = (x - mean_j)*invstd_j;
 *   training: dx = gamma_j*invstd_j*(dy - dbeta_j/count - xhat*dgamma_j/count)
 *   else:     dx = gamma_j*invstd_j*dy
 * Layer normalization over the rows of the m x n array x:
 *   y = (x - mean_i)*invstd_i*gamma_j + beta_j, invstd_i = 1/sqrt(var_i + eps)
 *   (biased variance of row i); rms != 0 is Keras's deprecated rms_scaling,
 *   y = x*invstd_i*gamma_j (beta unused). mean, invstd (length m) are written.
 *   Backward overwrites dx (m x n), dgamma and dbeta (length n; any may be NULL).
 * All return NL_OK, NL_EINVAL (negative size, eps < 0, empty training batch,
 * missing moving statistics) or NL_ENOMEM. */
int nl_sbatchnorm_forward(int64_t outer, int64_t c, int64_t inner, int training,
                          double momentum, double eps, const float *x, const float *gamma,
                          const float *beta, float *moving_mean, float *moving_var, float *y,
                          float *mean, float *invstd);
int nl_dbatchnorm_forward(int64_t outer, int64_t c, int64_t inner, int training,
                          double momentum, double eps, const double *x, const double *gamma,
                          const double *beta, double *moving_mean, double *moving_var,
                          double *y, double *mean, double *invstd);
int nl_sbatchnorm_backward(int64_t outer, int64_t c, int64_t inner, int training,
                           const float *x, const float *gamma, const float *mean,
                           const float *invstd, const float *dy, float *dx, float *dgamma,
                           float *dbeta);
int nl_dbatchnorm_backward(int64_t outer, int64_t c, int64_t inner, int training,
                           const double *x, const double *gamma, const double *mean,
                           const double *invstd, const double *dy, double *dx,
                           double *dgamma, double *dbeta);
int nl_slayernorm_forward(int64_t m, int64_t n, int rms, double eps, const float *x,
                          const float *gamma, const float *beta, float *y, float *mean,
                          float *invstd);
int nl_dlayernorm_forward(int64_t m, int64_t n, int rms, double eps, const double *x,
                          const double *gamma, const double *beta, double *y, double *mean,
                          double *invstd);
int nl_slayernorm_backward(int64_t m, int64_t n, int rms, const float *x, const float *gamma,
                           const float *mean, const float *invstd, const float *dy,
                           float *dx, float *dgamma, float *dbeta);
int nl_dlayernorm_backward(int64_t m, int64_t n, int rms, const double *x,
                           const double *gamma, const double *mean, const double *invstd,
                           const double *dy, double *dx, double *dgamma, double *dbeta);

/* ---- convolution (channels-last) -------------------------------------------
 * x is (n, h, w, c) contiguous, the kernel k is Keras's (kh, kw, c/groups, f),
 * the output z is (n, oh, ow, f); 1-D convolution is the 2-D one with h = kh
 * = 1. Output channel j of group g = j / (f/groups) reads input channels
 * g*c/groups ... Strides (sh, sw), dilations (dh, dw), zero padding of pt
 * rows on top, pb below, pl columns left, pr right ('valid', 'same' and
 * 'causal' amounts are computed by the caller); oh = floor((h + pt + pb -
 * dh*(kh-1) - 1) / sh) + 1, or 0 if negative, likewise ow.
 *   forward:          z[n,oy,ox,j] = sum_{ky,kx,ci} x[n, oy*sh-pt+ky*dh, ox*sw-pl+kx*dw,
 *                     g*c/groups+ci] * k[ky,kx,ci,j] + bias[j] (bias may be NULL);
 *                     y = act(z) as nl_sgemm_bias_act (act -1: none, y unused;
 *                     y may be z)
 *   backward_input:   dx = d(sum z*dz)/dx, overwrites dx (n, h, w, c)
 *   backward_weight:  dk = d(sum z*dz)/dk, overwrites dk (kh, kw, c/groups, f);
 *                     dbias[j] = sum of dz over n, oy, ox (dbias may be NULL)
 * dz is the gradient of the pre-activation z (the caller applies
 * nl_sactivation_backward first). backward_input's relu_x, when not NULL, is
 * x = relu(...) of the layer before: dx is then multiplied by [relu_x > 0]
 * (that ReLU's backward, bit for bit, while each image's dx is in cache). Implicit GEMM on blocks of output rows with
 * scratch owned by the call; 1x1 stride-1 unpadded convolution is one plain
 * GEMM. A transposed convolution (Conv2DTranspose, kernel (kh, kw, f_out,
 * c_in)) is backward_input with dz = its input and c = its output channels;
 * its gradients are forward (for its input) and backward_weight with x = its
 * output gradient and dz = its input. Bit-identical for any thread count.
 * Return NL_OK, NL_EINVAL (a size < 0 or a count past 2^59, c or f not a
 * multiple of groups) or NL_ENOMEM. */
int nl_sconv2d_forward(int64_t n, int64_t h, int64_t w, int64_t c, int64_t kh, int64_t kw,
                       int64_t f, int64_t groups, int64_t sh, int64_t sw, int64_t dh,
                       int64_t dw, int64_t pt, int64_t pb, int64_t pl, int64_t pr,
                       const float *x, const float *k, const float *bias, int act,
                       float act_alpha, float *z, float *y);
int nl_dconv2d_forward(int64_t n, int64_t h, int64_t w, int64_t c, int64_t kh, int64_t kw,
                       int64_t f, int64_t groups, int64_t sh, int64_t sw, int64_t dh,
                       int64_t dw, int64_t pt, int64_t pb, int64_t pl, int64_t pr,
                       const double *x, const double *k, const double *bias, int act,
                       double act_alpha, double *z, double *y);
int nl_sconv2d_backward_input(int64_t n, int64_t h, int64_t w, int64_t c, int64_t kh,
                              int64_t kw, int64_t f, int64_t groups, int64_t sh, int64_t sw,
                              int64_t dh, int64_t dw, int64_t pt, int64_t pb, int64_t pl,
                              int64_t pr, const float *dz, const float *k,
                              const float *relu_x, float *dx);
int nl_dconv2d_backward_input(int64_t n, int64_t h, int64_t w, int64_t c, int64_t kh,
                              int64_t kw, int64_t f, int64_t groups, int64_t sh, int64_t sw,
                              int64_t dh, int64_t dw, int64_t pt, int64_t pb, int64_t pl,
                              int64_t pr, const double *dz, const double *k,
                              const double *relu_x, double *dx);
int nl_sconv2d_backward_weight(int64_t n, int64_t h, int64_t w, int64_t c, int64_t kh,
                               int64_t kw, int64_t f, int64_t groups, int64_t sh, int64_t sw,
                               int64_t dh, int64_t dw, int64_t pt, int64_t pb, int64_t pl,
                               int64_t pr, const float *x, const float *dz, float *dk,
                               float *dbias);
int nl_dconv2d_backward_weight(int64_t n, int64_t h, int64_t w, int64_t c, int64_t kh,
                               int64_t kw, int64_t f, int64_t groups, int64_t sh, int64_t sw,
                               int64_t dh, int64_t dw, int64_t pt, int64_t pb, int64_t pl,
                               int64_t pr, const double *x, const double *dz, double *dk,
                               double *dbias);

/* Depthwise convolution (DepthwiseConv2D): kernel (kh, kw, c, mult), output
 * (n, oh, ow, c*mult), channel ci*mult+m = sum_{ky,kx} x[.., ci] * k[ky,kx,ci,m]
 * (+ bias, act as above). Geometry, dz and the overwrite rules as for
 * nl_sconv2d_*; its own elementwise-vector kernel, no GEMM. */
int nl_sdepthwise_conv2d_forward(int64_t n, int64_t h, int64_t w, int64_t c, int64_t kh,
                                 int64_t kw, int64_t mult, int64_t sh, int64_t sw, int64_t dh,
                                 int64_t dw, int64_t pt, int64_t pb, int64_t pl, int64_t pr,
                                 const float *x, const float *k, const float *bias, int act,
                                 float act_alpha, float *z, float *y);
int nl_ddepthwise_conv2d_forward(int64_t n, int64_t h, int64_t w, int64_t c, int64_t kh,
                                 int64_t kw, int64_t mult, int64_t sh, int64_t sw, int64_t dh,
                                 int64_t dw, int64_t pt, int64_t pb, int64_t pl, int64_t pr,
                                 const double *x, const double *k, const double *bias, int act,
                                 double act_alpha, double *z, double *y);
int nl_sdepthwise_conv2d_backward_input(int64_t n, int64_t h, int64_t w, int64_t c,
                                        int64_t kh, int64_t kw, int64_t mult, int64_t sh,
                                        int64_t sw, int64_t dh, int64_t dw, int64_t pt,
                                        int64_t pb, int64_t pl, int64_t pr, const float *dz,
                                        const float *k, float *dx);
int nl_ddepthwise_conv2d_backward_input(int64_t n, int64_t h, int64_t w, int64_t c,
                                        int64_t kh, int64_t kw, int64_t mult, int64_t sh,
                                        int64_t sw, int64_t dh, int64_t dw, int64_t pt,
                                        int64_t pb, int64_t pl, int64_t pr, const double *dz,
                                        const double *k, double *dx);
int nl_sdepthwise_conv2d_backward_weight(int64_t n, int64_t h, int64_t w, int64_t c,
                                         int64_t kh, int64_t kw, int64_t mult, int64_t sh,
                                         int64_t sw, int64_t dh, int64_t dw, int64_t pt,
                                         int64_t pb, int64_t pl, int64_t pr, const float *x,
                                         const float *dz, float *dk, float *dbias);
int nl_ddepthwise_conv2d_backward_weight(int64_t n, int64_t h, int64_t w, int64_t c,
                                         int64_t kh, int64_t kw, int64_t mult, int64_t sh,
                                         int64_t sw, int64_t dh, int64_t dw, int64_t pt,
                                         int64_t pb, int64_t pl, int64_t pr, const double *x,
                                         const double *dz, double *dk, double *dbias);

/* ---- pooling (channels-last) ------------------------------------------------
 * x (n, h, w, c) -> y (n, oh, ow, c), windows kh x kw, strides (sh, sw),
 * padding pt, pb, pl, pr (each smaller than the window), oh and ow as for
 * convolution with dilation 1. Padded positions are left out:
 *   max:     y = max of the window's valid elements; backward sends dy to the
 *            first largest (row-major in the window), found again from x
 *   average: y = sum of the valid elements / their count (Keras 'same');
 *            backward spreads dy/count over them
 * Backward overwrites dx (n, h, w, c). 1-D pooling is h = kh = 1; global
 * pooling is a reduction left to the caller. NL_OK or NL_EINVAL. */
int nl_smaxpool2d_forward(int64_t n, int64_t h, int64_t w, int64_t c, int64_t kh, int64_t kw,
                          int64_t sh, int64_t sw, int64_t pt, int64_t pb, int64_t pl,
                          int64_t pr, const float *x, float *y);
int nl_dmaxpool2d_forward(int64_t n, int64_t h, int64_t w, int64_t c, int64_t kh, int64_t kw,
                          int64_t sh, int64_t sw, int64_t pt, int64_t pb, int64_t pl,
                          int64_t pr, const double *x, double *y);
int nl_smaxpool2d_backward(int64_t n, int64_t h, int64_t w, int64_t c, int64_t kh, int64_t kw,
                           int64_t sh, int64_t sw, int64_t pt, int64_t pb, int64_t pl,
                           int64_t pr, const float *x, const float *dy, float *dx);
int nl_dmaxpool2d_backward(int64_t n, int64_t h, int64_t w, int64_t c, int64_t kh, int64_t kw,
                           int64_t sh, int64_t sw, int64_t pt, int64_t pb, int64_t pl,
                           int64_t pr, const double *x, const double *dy, double *dx);
/* Max pooling with disjoint windows (strides >= pool, pool area <= 255)
 * recording in idx (n, oh, ow, c) each window's chosen tap (ky * kw + kx of
 * its first largest element, -1 for none; in x's type); backward from idx and dy alone
 * gives the dx of nl_?maxpool2d_backward bit for bit. With relu_grad != 0 idx
 * is -1 also where the max is not > 0, so backward gives that dx times
 * [x > 0] (the gradient through a ReLU that made x, in its own pass for free).
 * NL_EINVAL otherwise. */
int nl_smaxpool2d_forward_idx(int64_t n, int64_t h, int64_t w, int64_t c, int64_t kh,
                              int64_t kw, int64_t sh, int64_t sw, int64_t pt, int64_t pb,
                              int64_t pl, int64_t pr, int relu_grad, const float *x,
                              float *y, float *idx);
int nl_dmaxpool2d_forward_idx(int64_t n, int64_t h, int64_t w, int64_t c, int64_t kh,
                              int64_t kw, int64_t sh, int64_t sw, int64_t pt, int64_t pb,
                              int64_t pl, int64_t pr, int relu_grad, const double *x,
                              double *y, double *idx);
int nl_smaxpool2d_backward_idx(int64_t n, int64_t h, int64_t w, int64_t c, int64_t kh,
                               int64_t kw, int64_t sh, int64_t sw, int64_t pt, int64_t pb,
                               int64_t pl, int64_t pr, const float *idx, const float *dy,
                               float *dx);
int nl_dmaxpool2d_backward_idx(int64_t n, int64_t h, int64_t w, int64_t c, int64_t kh,
                               int64_t kw, int64_t sh, int64_t sw, int64_t pt, int64_t pb,
                               int64_t pl, int64_t pr, const double *idx, const double *dy,
                               double *dx);
int nl_savgpool2d_forward(int64_t n, int64_t h, int64_t w, int64_t c, int64_t kh, int64_t kw,
                          int64_t sh, int64_t sw, int64_t pt, int64_t pb, int64_t pl,
                          int64_t pr, const float *x, float *y);
int nl_davgpool2d_forward(int64_t n, int64_t h, int64_t w, int64_t c, int64_t kh, int64_t kw,
                          int64_t sh, int64_t sw, int64_t pt, int64_t pb, int64_t pl,
                          int64_t pr, const double *x, double *y);
int nl_savgpool2d_backward(int64_t n, int64_t h, int64_t w, int64_t c, int64_t kh, int64_t kw,
                           int64_t sh, int64_t sw, int64_t pt, int64_t pb, int64_t pl,
                           int64_t pr, const float *dy, float *dx);
int nl_davgpool2d_backward(int64_t n, int64_t h, int64_t w, int64_t c, int64_t kh, int64_t kw,
                           int64_t sh, int64_t sw, int64_t pt, int64_t pb, int64_t pl,
                           int64_t pr, const double *dy, double *dx);

/* ---- embedding (gather / scatter-add of table rows) ------------------------
 * table is v x d (stride ldt), idx holds n int64 ids:
 *   forward:  out[i, :] = table[idx[i], :]           (out n x d, stride ldo)
 *   backward: dtable[idx[i], :] += dy[i, :]          (dy n x d, stride lddy;
 *             accumulates: the caller zeroes dtable; repeated ids add up in
 *             index order, bit-identical for any thread count)
 * Every id is checked before anything is written: NL_ERANGE if one lies
 * outside [0, v). NL_EINVAL for a negative size or a stride below d. */
int nl_sembedding_forward(int64_t n, int64_t v, int64_t d, const int64_t *idx,
                          const float *table, int64_t ldt, float *out, int64_t ldo);
int nl_dembedding_forward(int64_t n, int64_t v, int64_t d, const int64_t *idx,
                          const double *table, int64_t ldt, double *out, int64_t ldo);
int nl_sembedding_backward(int64_t n, int64_t v, int64_t d, const int64_t *idx,
                           const float *dy, int64_t lddy, float *dtable, int64_t ldt);
int nl_dembedding_backward(int64_t n, int64_t v, int64_t d, const int64_t *idx,
                           const double *dy, int64_t lddy, double *dtable, int64_t ldt);
/* The distinct ids among n ids in [0, v): writes *count = k, uniq[0..k) the
 * distinct ids ascending, first[j] the position of uniq[j]'s first
 * occurrence and inv[i] the j with uniq[j] == idx[i] (uniq, first: room for
 * min(n, v) each; inv: n). slot is scratch of v elements. Lets an op run a
 * row-wise computation once per distinct id (an embedding feeding a layer's
 * input projection). NL_ERANGE for an id outside [0, v) (nothing written but
 * slot), NL_EINVAL for a negative size or a missing array. */
int nl_unique_ids(int64_t n, int64_t v, const int64_t *idx, int64_t *slot, int64_t *uniq,
                  int64_t *first, int64_t *inv, int64_t *count);

/* ---- recurrent layers (rnn.c) -----------------------------------------------
 * SimpleRNN, LSTM and GRU over a whole sequence in one call each way, as
 * Keras 3 defines them. x (b, t, f) row-major; U = u units; G gates (1
 * simple, 4 lstm in order i f c o, 3 gru in order z r h); N = G*u.
 * kernel w (f, N), recurrent r (u, N); bias (N), or (2, N) for gru with
 * NL_RNN_RESET_AFTER (row 0 input, row 1 recurrent), or NULL.
 *   simple: h = act(x W + h' R + b)
 *   lstm:   i, f, o = ract(.), g = act(.); c = f*c + i*g; h = o*act(c)
 *   gru:    z = ract(xz_z + hz_z), r = ract(xz_r + hz_r), h = z*h + (1-z)*hh,
 *           reset_after: hh = act(xz_h + r*(h' R_h + b1_h)) (hz = h' R + b1),
 *           else hh = act(xz_h + (r*h') R_h), xz = x W + b
 * h' is h times the recurrent dropout mask rmask (b, u), or gate g's mask
 * rmask[g] of (G, b, u) with NL_RNN_GATE_MASKS; NULL: none. mask (b, t),
 * by original time, NULL = all on: a masked step keeps the states and
 * outputs the previous output (zeros before the first; always zeros with
 * NL_RNN_ZERO_OUTPUT_FOR_MASK). NL_RNN_GO_BACKWARDS runs t-1 ... 0; y (b, t, u)
 * is in processing order. NL_RNN_PROJECTED: x is already x W (b, t, N), w and
 * f unused (pass f = 0), the bias is still added. xrow (forward, projected
 * only; NULL: none): x holds nx rows of N and position (b, t) reads row
 * xrow[b*t_ + t] of it (b*t_ ids, each checked to lie in [0, nx): NL_ERANGE)
 * - one projection per distinct input row, as for embedded tokens.
 * act, ract: NL_ACT_LINEAR, RELU, SIGMOID, TANH or HARD_SIGMOID.
 * forward: writes y, hn (b, u) and, for lstm, cn (b, u); h0, c0 NULL = zeros;
 *   y may be NULL when mask is (no outputs kept: the last one is hn).
 *   gates (b, t, N) non-NULL keeps what backward needs: the gate activations
 *   there, hs (b, t, u) the h before each step; lstm: cs (b, t, u) the c
 *   before each step and aux (b, t, u) act(c) after it; gru reset_after: aux
 *   the recurrent h part h' R_h + b1_h. gates NULL: inference, hs, cs, aux
 *   unused.
 * backward: from forward's saved arrays and dy (b, t, u), dhn, dcn (b, u)
 *   (each NULL = zeros) overwrites dx (b, t, f; projected: b, t, N), dw, dr,
 *   dbias (the bias's shape), dh0, dc0 (b, u); any output may be NULL
 *   (skipped). Bit-identical for any thread count. work: NULL, or scratch
 *   of nl_rnn_backward_work(cell, flags, b, t, u) elements of the type, which
 *   a caller reuses from call to call (no fresh pages each batch).
 * nl_rnn_backward_work: that count (0 for invalid sizes).
 * Return NL_OK, NL_EINVAL (unknown cell, activation or flag, t < 1, u < 1, a
 * missing array, a count past 2^59) or NL_ENOMEM. */
enum nl_rnn_cell { NL_RNN_SIMPLE = 0, NL_RNN_LSTM, NL_RNN_GRU };
#define NL_RNN_GO_BACKWARDS 1
#define NL_RNN_RESET_AFTER 2
#define NL_RNN_ZERO_OUTPUT_FOR_MASK 4
#define NL_RNN_PROJECTED 8
#define NL_RNN_GATE_MASKS 16
int64_t nl_rnn_backward_work(int cell, int flags, int64_t b, int64_t t, int64_t u);
int nl_srnn_forward(int cell, int act, int ract, int flags, int64_t b, int64_t t, int64_t f,
                    int64_t u, const float *x, int64_t nx, const int64_t *xrow,
                    const float *w, const float *r, const float *bias, const float *h0,
                    const float *c0, const uint8_t *mask, const float *rmask, float *y,
                    float *hn, float *cn, float *gates, float *hs, float *cs, float *aux);
int nl_drnn_forward(int cell, int act, int ract, int flags, int64_t b, int64_t t, int64_t f,
                    int64_t u, const double *x, int64_t nx, const int64_t *xrow,
                    const double *w, const double *r, const double *bias, const double *h0,
                    const double *c0, const uint8_t *mask, const double *rmask, double *y,
                    double *hn, double *cn, double *gates, double *hs, double *cs,
                    double *aux);
int nl_srnn_backward(int cell, int act, int ract, int flags, int64_t b, int64_t t, int64_t f,
                     int64_t u, const float *x, const float *w, const float *r,
                     const uint8_t *mask, const float *rmask, const float *gates,
                     const float *hs, const float *cs, const float *aux, const float *dy,
                     const float *dhn, const float *dcn, float *dx, float *dw, float *dr,
                     float *dbias, float *dh0, float *dc0,
                     float *work);
int nl_drnn_backward(int cell, int act, int ract, int flags, int64_t b, int64_t t, int64_t f,
                     int64_t u, const double *x, const double *w, const double *r,
                     const uint8_t *mask, const double *rmask, const double *gates,
                     const double *hs, const double *cs, const double *aux, const double *dy,
                     const double *dhn, const double *dcn, double *dx, double *dw,
                     double *dr, double *dbias, double *dh0, double *dc0,
                     double *work);

/* ---- image resampling (ops.image.affine_transform) -------------------------
 * TensorFlow's ImageProjectiveTransformV3 on n NHWC images (h x w x c,
 * contiguous): output pixel (col x, row y) of image i reads the input at
 * ((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k), k = c0 x + c1 y + 1, from
 * transform row t = [a0 a1 a2 b0 b1 b2 c0 c1] (float32; nt == 1 row for the
 * batch or nt == n, one per image). Coordinates and weights are float32 for
 * both types. The fill mode first maps an outside coordinate back into the
 * image (reflect dcba|abcd|dcba, wrap abcd|abcd, nearest aaaa|abcd, each then
 * clamped to [0, size - 1]; constant leaves it); interpolation is nearest
 * (halves away from zero) or bilinear (4 taps); a tap outside the image reads
 * fill_value. k == 0 gives fill_value. y must not overlap x.
 * NL_OK or NL_EINVAL (negative sizes, nt not 1 or n, unknown flags, NULL). */
#define NL_INTERP_NEAREST 0
#define NL_INTERP_BILINEAR 1
#define NL_FILL_CONSTANT 0
#define NL_FILL_NEAREST 1
#define NL_FILL_WRAP 2
#define NL_FILL_REFLECT 3
int nl_saffine_transform(int64_t n, int64_t h, int64_t w, int64_t c, int64_t nt,
                         int interpolation, int fill_mode, double fill_value,
                         const float *transform, const float *x, float *y);
int nl_daffine_transform(int64_t n, int64_t h, int64_t w, int64_t c, int64_t nt,
                         int interpolation, int fill_mode, double fill_value,
                         const float *transform, const double *x, double *y);

#endif /* NNLITE_H */
