/* plan.c - a compiled network of dense layers: forward, loss, backward and
 * the optimizer update of a whole batch (or of many batches) in one call, with
 * every work buffer allocated once. Python builds a plan from a Sequential
 * model (a chain) or a Functional graph of Dense layers joined by Add and
 * Concatenate, and calls it once per chunk of steps.
 *
 * The graph is a list of nodes in topological order (the order the eager
 * executor runs them): a dense node (one input; a layer with its activation
 * and, in training, the dropout after it), an add node (the elementwise sum
 * of k inputs, summed left to right as k - 1 additions) or a concat node (its
 * inputs side by side, as column slices). Input -1 is the model's input. The
 * backward pass walks the nodes in reverse and, where a value feeds several
 * nodes, adds the gradients that reach it in the order the eager tape adds
 * them (one float addition per element each), so the results are the eager
 * executor's bit for bit.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "nnlite.h"
#include "simd_clones.h"

#define PLAN_MAX_LAYERS 64
#define PLAN_MAX_NODES 256
#define PLAN_MAX_EDGES 1024
#define PLAN_MAX_BYTES ((int64_t)1 << 62)   /* the largest buffer, in bytes */

struct plan_node {
    int kind;                     /* an nl_plan_node */
    int first, nin;               /* inputs: edges[first .. first + nin) */
    int layer;                    /* a dense node's layer, else -1 */
    int64_t width;                /* columns of the node's output */
    float *out;                   /* add / concat output, max_batch x width */
    float *g;                     /* gradient w.r.t. the output (training) */
    int needs;                    /* a trainable layer at or before it */
    int started;                  /* g holds its first contribution of the step */
};

struct nl_splan {
    int nl, nn;                   /* dense layers, nodes */
    struct plan_node node[PLAN_MAX_NODES];
    int edges[PLAN_MAX_EDGES];
    int64_t dims[PLAN_MAX_LAYERS + 1];   /* dims[0] inputs; dims[l+1] layer l's units */
    int64_t fan_in[PLAN_MAX_LAYERS];     /* layer l's kernel rows */
    int acts[PLAN_MAX_LAYERS];
    float alphas[PLAN_MAX_LAYERS];
    int64_t max_batch, max_dim, max_width;
    float *kernel[PLAN_MAX_LAYERS], *bias[PLAN_MAX_LAYERS];
    int trainable[PLAN_MAX_LAYERS];
    float *slot[PLAN_MAX_LAYERS][2][3];
    int decay[PLAN_MAX_LAYERS][2];       /* weight decay applies to (layer, var) */
    double l1[PLAN_MAX_LAYERS][2], l2[PLAN_MAX_LAYERS][2];   /* weight penalties */
    int nreg;                     /* variables with a penalty */
    int ckind[PLAN_MAX_LAYERS][2];       /* an nl_constraint per variable */
    float cmin[PLAN_MAX_LAYERS][2], cmax[PLAN_MAX_LAYERS][2];
    float crate[PLAN_MAX_LAYERS][2], ckeep[PLAN_MAX_LAYERS][2], ceps[PLAN_MAX_LAYERS][2];
    float *cnorm;                 /* column norms, max_dim */
    double drop_rate[PLAN_MAX_LAYERS];   /* dropout on layer l's output (0: none) */
    int dkey[PLAN_MAX_LAYERS];    /* layer l's key among a step's keys */
    int ndrop;                    /* layers with dropout: keys per training step */
    /* owned buffers */
    float *z[PLAN_MAX_LAYERS];    /* pre-activations, max_batch x dims[l+1] */
    float *y[PLAN_MAX_LAYERS];    /* activations (== z for linear layers) */
    float *drop[PLAN_MAX_LAYERS]; /* activations after dropout (training only) */
    float *dkernel[PLAN_MAX_LAYERS], *dbias[PLAN_MAX_LAYERS];
    float *scratch;               /* a gradient to add, max_batch x max_width (training) */
    float *xb, *tb;               /* gathered rows and targets */
    int64_t *lb;                  /* gathered labels */
    float *losses;                /* per-sample losses */
};

static int is_softmax(int act)
{
    return act == NL_ACT_SOFTMAX;
}

void nl_splan_free(nl_splan *p)
{
    if (!p)
        return;
    for (int l = 0; l < p->nl; l++) {
        free(p->z[l]);
        if (p->y[l] != p->z[l])
            free(p->y[l]);
        free(p->dkernel[l]);
        free(p->dbias[l]);
        free(p->drop[l]);
    }
    for (int i = 0; i < p->nn; i++) {
        free(p->node[i].out);
        free(p->node[i].g);
    }
    free(p->scratch);
    free(p->xb);
    free(p->tb);
    free(p->lb);
    free(p->losses);
    free(p->cnorm);
    free(p);
}

/* Columns of value i (a node's output; -1 the model's input). */
static int64_t width_of(const nl_splan *p, int i)
{
    return i < 0 ? p->dims[0] : p->node[i].width;
}

static int fits(int64_t rows, int64_t cols)
{
    return rows >= 1 && cols >= 1 && rows <= PLAN_MAX_BYTES / 8 / cols;
}

/* A buffer of rows x cols items of `size` bytes, or NULL when the byte count
 * would pass PLAN_MAX_BYTES or SIZE_MAX (size_t may be narrower than int64_t:
 * the product is checked before it is formed, never wrapped) or malloc fails.
 * Every plan buffer comes from here. */
static void *plan_alloc(int64_t rows, int64_t cols, size_t size)
{
    uint64_t count;
    if (rows < 1 || cols < 1 || size < 1
        || (uint64_t)rows > (uint64_t)PLAN_MAX_BYTES / size / (uint64_t)cols)
        return NULL;
    count = (uint64_t)rows * (uint64_t)cols;      /* <= 2^62 / size: exact */
    if (count > (uint64_t)(SIZE_MAX / size))
        return NULL;
    return malloc((size_t)count * size);
}

int nl_splan_create_graph(nl_splan **out, int nnodes, const int *kinds, const int *nin,
                          const int *inputs, const int64_t *dims, const int *acts,
                          const float *act_alphas, int64_t max_batch)
{
    nl_splan *p;
    int nl = 0, nedges = 0;
    *out = NULL;
    if (nnodes < 1 || nnodes > PLAN_MAX_NODES || max_batch < 1 || !kinds || !nin || !inputs
        || !dims || !acts || !act_alphas)
        return NL_EINVAL;
    for (int i = 0; i < nnodes; i++) {
        if (kinds[i] == NL_PLAN_DENSE) {
            if (nin[i] != 1 || nl >= PLAN_MAX_LAYERS)
                return NL_EINVAL;
            nl++;
        } else if (kinds[i] == NL_PLAN_ADD) {
            if (nin[i] < 2)
                return NL_EINVAL;
        } else if (kinds[i] == NL_PLAN_CONCAT) {
            if (nin[i] < 1)
                return NL_EINVAL;
        } else {
            return NL_EINVAL;
        }
        if (nin[i] > PLAN_MAX_EDGES - nedges)
            return NL_EINVAL;
        nedges += nin[i];
    }
    if (nl < 1 || kinds[nnodes - 1] != NL_PLAN_DENSE)   /* the output is a dense layer */
        return NL_EINVAL;
    for (int l = 0; l <= nl; l++)
        if (!fits(max_batch, dims[l]))
            return NL_EINVAL;
    for (int l = 0; l < nl; l++)
        if (acts[l] < NL_ACT_LINEAR || acts[l] > NL_ACT_EXPONENTIAL)
            return NL_EINVAL;
    p = (nl_splan *)calloc(1, sizeof(*p));
    if (!p)
        return NL_ENOMEM;
    p->max_batch = max_batch;
    p->dims[0] = dims[0];
    p->max_dim = dims[0];
    p->max_width = dims[0];
    for (int i = 0, e = 0, l = 0; i < nnodes; i++) {
        struct plan_node *nd = &p->node[i];
        nd->kind = kinds[i];
        nd->first = e;
        nd->nin = nin[i];
        nd->layer = -1;
        for (int j = 0; j < nin[i]; j++, e++) {
            const int src = inputs[e];
            if (src < -1 || src >= i)       /* topological order */
                goto invalid;
            p->edges[e] = src;
        }
        if (kinds[i] == NL_PLAN_DENSE) {
            const int64_t k = width_of(p, p->edges[nd->first]);
            nd->layer = l;
            nd->width = dims[l + 1];
            if (!fits(k, dims[l + 1]))
                goto invalid;
            p->fan_in[l] = k;
            p->dims[l + 1] = dims[l + 1];
            p->acts[l] = acts[l];
            p->alphas[l] = act_alphas[l];
            l++;
        } else if (kinds[i] == NL_PLAN_ADD) {
            nd->width = width_of(p, p->edges[nd->first]);
            for (int j = 1; j < nd->nin; j++)
                if (width_of(p, p->edges[nd->first + j]) != nd->width)
                    goto invalid;
        } else {
            int64_t w = 0;
            for (int j = 0; j < nd->nin; j++) {
                const int64_t wj = width_of(p, p->edges[nd->first + j]);
                if (wj > PLAN_MAX_BYTES / 8 - w)
                    goto invalid;
                w += wj;
            }
            nd->width = w;
        }
        if (!fits(max_batch, nd->width))
            goto invalid;
        if (nd->width > p->max_width)
            p->max_width = nd->width;
        p->nn = i + 1;
        p->nl = l;
    }
    /* every node but the output feeds a later one */
    for (int i = 0; i < nnodes - 1; i++) {
        int used = 0;
        for (int e = p->node[i + 1].first; e < nedges && !used; e++)
            used = p->edges[e] == i;
        if (!used)
            goto invalid;
    }
    for (int l = 1; l <= nl; l++)
        if (p->dims[l] > p->max_dim)
            p->max_dim = p->dims[l];
    for (int l = 0; l < nl; l++) {
        const int64_t n_out = p->dims[l + 1];
        p->z[l] = (float *)plan_alloc(max_batch, n_out, sizeof(float));
        p->y[l] = acts[l] == NL_ACT_LINEAR ? p->z[l]
                : (float *)plan_alloc(max_batch, n_out, sizeof(float));
        p->dkernel[l] = (float *)plan_alloc(p->fan_in[l], n_out, sizeof(float));
        p->dbias[l] = (float *)plan_alloc(1, n_out, sizeof(float));
        if (!p->z[l] || !p->y[l] || !p->dkernel[l] || !p->dbias[l])
            goto nomem;
    }
    for (int i = 0; i < p->nn; i++) {
        struct plan_node *nd = &p->node[i];
        if (nd->kind == NL_PLAN_DENSE)
            continue;
        nd->out = (float *)plan_alloc(max_batch, nd->width, sizeof(float));
        if (!nd->out)
            goto nomem;
    }
    p->xb = (float *)plan_alloc(max_batch, dims[0], sizeof(float));
    p->tb = (float *)plan_alloc(max_batch, dims[nl], sizeof(float));
    p->lb = (int64_t *)plan_alloc(max_batch, 1, sizeof(int64_t));
    p->losses = (float *)plan_alloc(max_batch, 1, sizeof(float));
    if (!p->xb || !p->tb || !p->lb || !p->losses)
        goto nomem;
    *out = p;
    return NL_OK;
invalid:
    nl_splan_free(p);
    return NL_EINVAL;
nomem:
    nl_splan_free(p);
    return NL_ENOMEM;
}

int nl_splan_create(nl_splan **out, int nlayers, const int64_t *dims, const int *acts,
                    const float *act_alphas, int64_t max_batch)
{
    int kinds[PLAN_MAX_LAYERS], nin[PLAN_MAX_LAYERS], inputs[PLAN_MAX_LAYERS];
    *out = NULL;
    if (nlayers < 1 || nlayers > PLAN_MAX_LAYERS)
        return NL_EINVAL;
    for (int l = 0; l < nlayers; l++) {     /* a chain: layer l reads layer l - 1 */
        kinds[l] = NL_PLAN_DENSE;
        nin[l] = 1;
        inputs[l] = l - 1;
    }
    return nl_splan_create_graph(out, nlayers, kinds, nin, inputs, dims, acts, act_alphas,
                                 max_batch);
}

/* The gradient buffers, allocated by the first training call. */
static int ensure_grads(nl_splan *p)
{
    if (p->scratch)
        return NL_OK;
    for (int i = 0; i < p->nn; i++) {
        struct plan_node *nd = &p->node[i];
        if (!nd->g) {
            nd->g = (float *)plan_alloc(p->max_batch, nd->width, sizeof(float));
            if (!nd->g)
                return NL_ENOMEM;
        }
    }
    p->scratch = (float *)plan_alloc(p->max_batch, p->max_width, sizeof(float));
    return p->scratch ? NL_OK : NL_ENOMEM;
}

int nl_splan_set_layer(nl_splan *p, int layer, float *kernel, float *bias, int trainable)
{
    if (!p || layer < 0 || layer >= p->nl || !kernel)
        return NL_EINVAL;
    p->kernel[layer] = kernel;
    p->bias[layer] = bias;
    p->trainable[layer] = trainable != 0;
    return NL_OK;
}

int nl_splan_set_slots(nl_splan *p, int layer, int var, float *s1, float *s2, float *s3)
{
    if (!p || layer < 0 || layer >= p->nl || var < 0 || var > 1)
        return NL_EINVAL;
    p->slot[layer][var][0] = s1;
    p->slot[layer][var][1] = s2;
    p->slot[layer][var][2] = s3;
    return NL_OK;
}

int nl_splan_set_dropout(nl_splan *p, int layer, double rate)
{
    if (!p || layer < 0 || layer >= p->nl - 1 || !(rate >= 0.0 && rate <= 1.0))
        return NL_EINVAL;
    if (rate > 0 && !p->drop[layer]) {
        p->drop[layer] = (float *)plan_alloc(p->max_batch, p->dims[layer + 1], sizeof(float));
        if (!p->drop[layer])
            return NL_ENOMEM;
    }
    p->drop_rate[layer] = rate;
    p->ndrop = 0;
    for (int l = 0; l < p->nl; l++)      /* keys in layer order */
        p->dkey[l] = p->drop_rate[l] > 0 ? p->ndrop++ : -1;
    return NL_OK;
}

int nl_splan_set_decay(nl_splan *p, int layer, int var, int on)
{
    if (!p || layer < 0 || layer >= p->nl || var < 0 || var > 1)
        return NL_EINVAL;
    p->decay[layer][var] = on != 0;
    return NL_OK;
}

int nl_splan_set_regularizer(nl_splan *p, int layer, int var, double l1, double l2)
{
    if (!p || layer < 0 || layer >= p->nl || var < 0 || var > 1 || !(l1 >= 0) || !(l2 >= 0))
        return NL_EINVAL;
    p->nreg += (l1 != 0 || l2 != 0) - (p->l1[layer][var] != 0 || p->l2[layer][var] != 0);
    p->l1[layer][var] = l1;
    p->l2[layer][var] = l2;
    return NL_OK;
}

/* The penalty of the current weights: sum of l1*sum|w| + l2*sum w^2 (double). */
static double penalty(const nl_splan *p)
{
    double total = 0;
    for (int l = 0; l < p->nl; l++)
        for (int v = 0; v < 2; v++) {
            const float *w = v ? p->bias[l] : p->kernel[l];
            const int64_t len = v ? p->dims[l + 1] : p->fan_in[l] * p->dims[l + 1];
            double sums[2], pen = 0;
            if (!w || (p->l1[l][v] == 0 && p->l2[l][v] == 0))
                continue;
            nl_sabs_square_sums(len, w, sums);
            if (p->l1[l][v] != 0)
                pen += p->l1[l][v] * sums[0];
            if (p->l2[l][v] != 0)
                pen += p->l2[l][v] * sums[1];
            total += pen;
        }
    return total;
}

/* g += l1*sign(w) + 2*l2*w, rounded as the regularizers' NumPy code rounds it:
 * the penalty gradient is formed in float first, then added to g. */
static void add_penalty_grad(float *g, const float *w, int64_t len, double l1, double l2)
{
    const float f1 = (float)l1, f2 = (float)(2.0 * l2);
    for (int64_t i = 0; i < len; i++) {
        float r;
        if (l1 != 0) {
            const float sg = w[i] > 0 ? 1.0f : (w[i] < 0 ? -1.0f : w[i] * 0.0f);
            r = f1 * sg;
            if (l2 != 0)
                r = r + f2 * w[i];
        } else {
            r = f2 * w[i];
        }
        g[i] = g[i] + r;
    }
}

int nl_splan_set_constraint(nl_splan *p, int layer, int var, int kind, double min_value,
                            double max_value, double rate, double eps)
{
    if (!p || layer < 0 || layer >= p->nl || var < 0 || var > 1 || kind < NL_CONSTRAINT_NONE
        || kind > NL_CONSTRAINT_MIN_MAX_NORM)
        return NL_EINVAL;
    if (kind != NL_CONSTRAINT_NONE && kind != NL_CONSTRAINT_NON_NEG) {
        if (var != 0)
            return NL_EINVAL;     /* norms are taken over the kernel's columns */
        if (!p->cnorm) {
            p->cnorm = (float *)plan_alloc(1, p->max_dim, sizeof(float));
            if (!p->cnorm)
                return NL_ENOMEM;
        }
    }
    p->ckind[layer][var] = kind;
    p->cmin[layer][var] = (float)min_value;
    p->cmax[layer][var] = (float)max_value;
    p->crate[layer][var] = (float)rate;
    p->ckeep[layer][var] = (float)(1.0 - rate);
    p->ceps[layer][var] = (float)eps;
    return NL_OK;
}

/* clip(x, lo, hi) as NumPy's: NaN stays NaN. */
static float clampf(float x, float lo, float hi)
{
    x = x < lo ? lo : x;
    return x > hi ? hi : x;
}

/* Projects variable v of layer l (rows x cols) after its update, rounding as
 * the constraints' NumPy code does: column sums of squares accumulated row by
 * row in float, sqrtf, then w * (desired / (eps + norm)) (unit_norm divides). */
static void constrain(nl_splan *p, int l, int v, float *w, int64_t rows, int64_t cols)
{
    const int kind = p->ckind[l][v];
    float *norm = p->cnorm;
    if (kind == NL_CONSTRAINT_NONE)
        return;
    if (kind == NL_CONSTRAINT_NON_NEG) {
        for (int64_t i = 0; i < rows * cols; i++)
            if (w[i] == w[i])
                w[i] = w[i] > 0 ? w[i] : 0.0f;
        return;
    }
    for (int64_t j = 0; j < cols; j++)
        norm[j] = 0.0f;
    for (int64_t i = 0; i < rows; i++)
        for (int64_t j = 0; j < cols; j++) {
            const float sq = w[i * cols + j] * w[i * cols + j];
            norm[j] = norm[j] + sq;
        }
    for (int64_t j = 0; j < cols; j++)
        norm[j] = sqrtf(norm[j]);
    for (int64_t j = 0; j < cols; j++) {
        const float den = p->ceps[l][v] + norm[j];
        float desired;
        if (kind == NL_CONSTRAINT_UNIT_NORM) {
            norm[j] = den;          /* divisor */
            continue;
        }
        if (kind == NL_CONSTRAINT_MAX_NORM) {
            desired = clampf(norm[j], 0.0f, p->cmax[l][v]);
        } else {
            const float a = p->crate[l][v] * clampf(norm[j], p->cmin[l][v], p->cmax[l][v]);
            const float b = p->ckeep[l][v] * norm[j];
            desired = a + b;
        }
        norm[j] = desired / den;    /* factor */
    }
    for (int64_t i = 0; i < rows; i++)
        for (int64_t j = 0; j < cols; j++)
            w[i * cols + j] = kind == NL_CONSTRAINT_UNIT_NORM ? w[i * cols + j] / norm[j]
                                                               : w[i * cols + j] * norm[j];
}

/* ---- passes ------------------------------------------------------------------ */

/* Value i (a node's output, -1 the model's input x) and its row stride; in
 * training a dense layer's output is the one after its dropout. */
static const float *value(const nl_splan *p, int i, const float *x, int64_t ldx, int training,
                          int64_t *ld)
{
    const struct plan_node *nd;
    if (i < 0) {
        *ld = ldx;
        return x;
    }
    nd = &p->node[i];
    *ld = nd->width;
    if (nd->kind == NL_PLAN_DENSE)
        return training && p->drop_rate[nd->layer] > 0 ? p->drop[nd->layer] : p->y[nd->layer];
    return nd->out;
}

/* o = a + c over b rows of w columns (o may be a), one float addition each, as
 * NumPy adds two float32 arrays. */
static void add_rows(float *o, int64_t ldo, const float *a, int64_t lda, const float *c,
                     int64_t ldc, int64_t b, int64_t w)
{
    for (int64_t r = 0; r < b; r++) {
        float *orow = o + r * ldo;
        const float *arow = a + r * lda, *crow = c + r * ldc;
        for (int64_t j = 0; j < w; j++)
            orow[j] = arow[j] + crow[j];
    }
}

static void copy_rows(float *o, int64_t ldo, const float *a, int64_t lda, int64_t b, int64_t w)
{
    for (int64_t r = 0; r < b; r++)
        memcpy(o + r * ldo, a + r * lda, (size_t)w * sizeof(float));
}

/* Forward over b rows starting at x; the output is p->y[nl-1] (and, for the
 * last layer, p->z[nl-1] holds the logits). With keys (one per dropout layer,
 * in layer order) the dropout layers apply their masks; without, they are
 * the identity (inference). */
static int forward(nl_splan *p, const float *x, int64_t ldx, int64_t b, const uint64_t *keys)
{
    const int training = keys != NULL;
    for (int i = 0; i < p->nn; i++) {
        const struct plan_node *nd = &p->node[i];
        const int *in = p->edges + nd->first;
        int64_t ld_in, ld2;
        const float *a = value(p, in[0], x, ldx, training, &ld_in);
        int st = NL_OK;
        if (nd->kind == NL_PLAN_DENSE) {
            const int l = nd->layer;
            const int64_t n = p->dims[l + 1], k = p->fan_in[l];
            const int act = p->acts[l];
            if (act == NL_ACT_LINEAR || is_softmax(act)) {
                st = nl_sgemm_bias_act(0, 0, b, n, k, 1.0f, a, ld_in, p->kernel[l], n,
                                       0.0f, p->z[l], n, p->bias[l], -1, 0.0f, NULL, n);
                if (st == NL_OK && is_softmax(act))
                    st = nl_sactivation_forward(act, b, n, 0.0f, p->z[l], p->y[l]);
            } else {
                st = nl_sgemm_bias_act(0, 0, b, n, k, 1.0f, a, ld_in, p->kernel[l], n,
                                       0.0f, p->z[l], n, p->bias[l], act, p->alphas[l],
                                       p->y[l], n);
            }
            if (st == NL_OK && training && p->drop_rate[l] > 0)
                st = nl_sdropout_forward(b * n, keys[p->dkey[l]], p->drop_rate[l], p->y[l],
                                         p->drop[l]);
        } else if (nd->kind == NL_PLAN_ADD) {
            /* ((in0 + in1) + in2) + ..., as Add sums its inputs */
            const float *c = value(p, in[1], x, ldx, training, &ld2);
            add_rows(nd->out, nd->width, a, ld_in, c, ld2, b, nd->width);
            for (int j = 2; j < nd->nin; j++) {
                c = value(p, in[j], x, ldx, training, &ld2);
                add_rows(nd->out, nd->width, nd->out, nd->width, c, ld2, b, nd->width);
            }
        } else {
            int64_t off = 0;
            for (int j = 0; j < nd->nin; j++) {
                const int64_t wj = width_of(p, in[j]);
                const float *c = value(p, in[j], x, ldx, training, &ld2);
                copy_rows(nd->out + off, nd->width, c, ld2, b, wj);
                off += wj;
            }
        }
        if (st != NL_OK)
            return st;
    }
    return NL_OK;
}

/* Loss of b rows (targets in p->tb or p->lb) into p->losses and, with
 * want_grad, its gradient w.r.t. the last layer's pre-activation into the
 * output node's gradient buffer. */
static int loss_and_grad(nl_splan *p, const struct nl_train_config *cfg, int64_t b,
                         int want_grad)
{
    const int last = p->nl - 1;
    const int64_t n = p->dims[p->nl];
    const float *out = cfg->from_logits ? p->z[last] : p->y[last];
    float *g = want_grad ? p->node[p->nn - 1].g : NULL;
    const float scale = 1.0f / (float)b;
    int st;
    if (cfg->loss_kind == NL_LOSS_SPARSE)
        st = nl_ssparse_crossentropy(cfg->from_logits, b, n, 1e-7f, p->lb, out, p->losses,
                                     scale, NULL, g);
    else
        st = nl_sloss(cfg->loss_kind, cfg->from_logits, b, n, 1e-7f, p->tb, out, p->losses,
                      scale, NULL, g);
    if (st != NL_OK || !want_grad || cfg->from_logits || p->acts[last] == NL_ACT_LINEAR)
        return st;
    /* gradient w.r.t. the output: back through the last activation, in place */
    return nl_sactivation_backward(p->acts[last], b, n, p->alphas[last], p->z[last],
                                   p->y[last], g, g);
}

static void metric_hits(const nl_splan *p, const struct nl_train_config *cfg, int64_t b,
                        double *sums)
{
    const int64_t n = p->dims[p->nl];
    const float *out = p->y[p->nl - 1];
    double hits = 0, count = 0;
    if (cfg->metric == NL_METRIC_NONE)
        return;
    for (int64_t i = 0; i < b; i++) {
        const float *o = out + i * n;
        if (cfg->metric == NL_METRIC_BINARY) {
            const float *t = p->tb + i * n;
            for (int64_t j = 0; j < n; j++)
                hits += (t[j] == (o[j] > (float)cfg->threshold ? 1.0f : 0.0f)) ? 1.0 / n : 0;
            count += 1;
        } else {
            int64_t best = 0;
            for (int64_t j = 1; j < n; j++)
                if (o[j] > o[best])
                    best = j;
            if (cfg->metric == NL_METRIC_SPARSE) {
                hits += p->lb[i] == best;
            } else {
                const float *t = p->tb + i * n;
                int64_t tbest = 0;
                for (int64_t j = 1; j < n; j++)
                    if (t[j] > t[tbest])
                        tbest = j;
                hits += tbest == best;
            }
            count += 1;
        }
    }
    sums[2] += hits;
    sums[3] += count;
}

/* Per-variable gradient clipping, in place, as the optimizer's Python code
 * clips: clipnorm scales by (float)(c / max(norm, c)), norm = the L2 norm
 * summed in double (a NaN norm poisons the gradient, as max(nan, c) is nan);
 * clipvalue clamps to [-v, v] rounded to float (NaN stays NaN). */
static void clip(const struct nl_train_config *cfg, float *g, int64_t len)
{
    if (cfg->clipnorm > 0) {
        double acc = 0, norm, m;
        for (int64_t i = 0; i < len; i++)
            acc += (double)g[i] * (double)g[i];
        norm = sqrt(acc);
        m = cfg->clipnorm > norm ? cfg->clipnorm : norm;
        const float scale = (float)(cfg->clipnorm / m);
        for (int64_t i = 0; i < len; i++)
            g[i] = g[i] * scale;
    } else if (cfg->clipvalue > 0) {
        const float hi = (float)cfg->clipvalue, lo = -hi;
        for (int64_t i = 0; i < len; i++)
            g[i] = g[i] < lo ? lo : (g[i] > hi ? hi : g[i]);
    }
}

/* One variable's step: clipping, decoupled weight decay, then the optimizer's
 * update kernel. sp holds the step's NL_PLAN_STEP_PARAMS values. */
static void update(const struct nl_train_config *cfg, float *w, float *g, int64_t len,
                   float **s, const double *sp, int decay)
{
    const double lr = sp[0];
    clip(cfg, g, len);
    if (decay && cfg->use_weight_decay)
        nl_sweight_decay(len, cfg->weight_decay, lr, w);
    switch (cfg->optimizer) {
    case NL_OPT_SGD:
        nl_ssgd_update(len, lr, cfg->momentum, cfg->nesterov, g, w, s[0]);
        break;
    case NL_OPT_RMSPROP:
        nl_srmsprop_update(len, lr, cfg->rho, cfg->momentum, cfg->eps, cfg->centered,
                           g, w, s[0], s[1], s[2]);
        break;
    case NL_OPT_ADAGRAD:
        nl_sadagrad_update(len, lr, cfg->eps, g, w, s[0]);
        break;
    case NL_OPT_ADADELTA:
        nl_sadadelta_update(len, lr, cfg->rho, cfg->eps, g, w, s[0], s[1]);
        break;
    case NL_OPT_ADAMAX:
        nl_sadamax_update(len, lr, cfg->beta1, cfg->beta2, cfg->eps, sp[1], g, w, s[0], s[1]);
        break;
    case NL_OPT_NADAM:
        nl_snadam_update(len, lr, cfg->beta1, cfg->beta2, cfg->eps, sp[1], sp[2], sp[3], g, w,
                         s[0], s[1]);
        break;
    default:
        nl_sadam_update(len, sp[1], cfg->beta1, cfg->beta2, cfg->eps, g, w, s[0], s[1],
                        cfg->amsgrad ? s[2] : NULL);
    }
}

/* Adds the gradient src (b rows, stride ld) that reaches node t to its
 * gradient: the first one is copied, later ones added, as the tape does. */
static void contribute(nl_splan *p, int t, const float *src, int64_t ld, int64_t b)
{
    struct plan_node *nd = &p->node[t];
    if (!nd->started) {
        copy_rows(nd->g, nd->width, src, ld, b, nd->width);
        nd->started = 1;
    } else {
        add_rows(nd->g, nd->width, nd->g, nd->width, src, ld, b, nd->width);
    }
}

/* Which nodes need a gradient: those at or after a trainable layer. */
static void mark_needs(nl_splan *p)
{
    for (int i = 0; i < p->nn; i++) {
        struct plan_node *nd = &p->node[i];
        int needs = nd->kind == NL_PLAN_DENSE && p->trainable[nd->layer];
        for (int j = 0; j < nd->nin && !needs; j++) {
            const int src = p->edges[nd->first + j];
            needs = src >= 0 && p->node[src].needs;
        }
        nd->needs = needs;
    }
}

/* One dense layer's step: penalties, update, constraints. */
static void update_layer(nl_splan *p, const struct nl_train_config *cfg, int l,
                         const double *sp)
{
    const int64_t n = p->dims[l + 1], k = p->fan_in[l];
    if (p->l1[l][0] != 0 || p->l2[l][0] != 0)
        add_penalty_grad(p->dkernel[l], p->kernel[l], k * n, p->l1[l][0], p->l2[l][0]);
    if (p->bias[l] && (p->l1[l][1] != 0 || p->l2[l][1] != 0))
        add_penalty_grad(p->dbias[l], p->bias[l], n, p->l1[l][1], p->l2[l][1]);
    update(cfg, p->kernel[l], p->dkernel[l], k * n, p->slot[l][0], sp, p->decay[l][0]);
    if (p->bias[l])
        update(cfg, p->bias[l], p->dbias[l], n, p->slot[l][1], sp, p->decay[l][1]);
    constrain(p, l, 0, p->kernel[l], k, n);
    if (p->bias[l])
        constrain(p, l, 1, p->bias[l], 1, n);
}

/* Backward from the output node's gradient (w.r.t. the last pre-activation)
 * and the optimizer update of every trainable variable. Nodes run in reverse;
 * a node's inputs receive their gradients in the order the eager tape gives
 * them: a dense layer's one input; an add node's (recorded as k - 1 binary
 * additions, the last first) inputs k-1, ..., 2, then 0 and 1; a concat
 * node's in order. */
static int backward_and_update(nl_splan *p, const struct nl_train_config *cfg,
                               const float *x, int64_t ldx, int64_t b, const double *sp,
                               const uint64_t *keys, int apply)
{
    for (int i = 0; i < p->nn; i++)
        p->node[i].started = 0;
    p->node[p->nn - 1].started = 1;
    for (int i = p->nn - 1; i >= 0; i--) {
        struct plan_node *nd = &p->node[i];
        const int *in = p->edges + nd->first;
        if (!nd->needs || !nd->started)
            continue;
        if (nd->kind == NL_PLAN_DENSE) {
            const int l = nd->layer;
            const int64_t n = p->dims[l + 1], k = p->fan_in[l];
            const int src = in[0];
            float *dz = nd->g;
            int64_t ld_in;
            const float *a = value(p, src, x, ldx, 1, &ld_in);
            int st = NL_OK;
            if (i != p->nn - 1) {
                /* from the output to the pre-activation: dropout, activation */
                if (p->drop_rate[l] > 0)
                    st = nl_sdropout_backward(b * n, keys[p->dkey[l]], p->drop_rate[l], dz, dz);
                if (st == NL_OK && p->acts[l] != NL_ACT_LINEAR)
                    st = nl_sactivation_backward(p->acts[l], b, n, p->alphas[l], p->z[l],
                                                 p->y[l], dz, dz);
                if (st != NL_OK)
                    return st;
            }
            if (p->trainable[l]) {
                st = nl_sgemm(1, 0, k, n, b, 1.0f, a, ld_in, dz, n, 0.0f, p->dkernel[l], n);
                if (st != NL_OK)
                    return st;
                if (p->bias[l])
                    nl_sbias_backward(b, n, dz, n, p->dbias[l]);
            }
            if (src >= 0 && p->node[src].needs) {
                /* the gradient w.r.t. the input: written in place when it is the
                 * first to reach it, else added */
                struct plan_node *t = &p->node[src];
                float *dst = t->started ? p->scratch : t->g;
                st = nl_sgemm(0, 1, b, k, n, 1.0f, dz, n, p->kernel[l], n, 0.0f, dst, k);
                if (st != NL_OK)
                    return st;
                if (t->started)
                    contribute(p, src, dst, k, b);
                t->started = 1;
            }
            /* the update comes after dz was pushed back through this layer's kernel */
            if (p->trainable[l] && apply)
                update_layer(p, cfg, l, sp);
        } else if (nd->kind == NL_PLAN_ADD) {
            for (int j = nd->nin - 1; j >= 0; j--) {
                /* order: k-1, ..., 2, 0, 1 */
                const int jj = j >= 2 ? j : 1 - j;
                const int src = in[jj];
                if (src >= 0 && p->node[src].needs)
                    contribute(p, src, nd->g, nd->width, b);
            }
        } else {
            int64_t off = 0;
            for (int j = 0; j < nd->nin; j++) {
                const int src = in[j];
                if (src >= 0 && p->node[src].needs)
                    contribute(p, src, nd->g + off, nd->width, b);
                off += width_of(p, src);
            }
        }
    }
    return NL_OK;
}

/* Whether n rows of d values with row stride ld can be addressed: ld >= d and
 * the offset of the last row fits int64 (n <= 1 needs no stride). */
static int rows_ok(int64_t d, int64_t ld, int64_t n)
{
    if (n <= 1)
        return ld >= 0;
    return ld >= d && ld >= 1 && n - 1 <= INT64_MAX / ld;
}

/* Copies the rows and targets of one batch into the plan's buffers. */
static const float *gather(nl_splan *p, const struct nl_train_config *cfg, const float *x,
                           int64_t ldx, const float *t, int64_t ldt, const int64_t *labels,
                           const int64_t *rows, int64_t lo, int64_t b, int64_t *ld_used)
{
    const int64_t d = p->dims[0], n = p->dims[p->nl];
    for (int64_t i = 0; i < b; i++) {
        const int64_t r = rows ? rows[lo + i] : lo + i;
        if (rows)
            memcpy(p->xb + i * d, x + r * ldx, (size_t)d * sizeof(float));
        if (cfg->loss_kind == NL_LOSS_SPARSE)
            p->lb[i] = labels[r];
        else
            memcpy(p->tb + i * n, t + r * ldt, (size_t)n * sizeof(float));
    }
    if (cfg->metric == NL_METRIC_SPARSE && cfg->loss_kind != NL_LOSS_SPARSE)
        return NULL;   /* not a combination Python asks for */
    if (rows) {
        *ld_used = d;
        return p->xb;
    }
    *ld_used = ldx;    /* contiguous rows: read x in place */
    return x + lo * ldx;
}

/* A step's share of the reported loss: its mean loss (the sum times 1/b, as
 * the eager executor forms it) times its size, as Keras's loss tracker
 * weights a batch's mean by the batch size. */
static double batch_loss(const float *v, int64_t b)
{
    double s = 0;
    for (int64_t i = 0; i < b; i++)
        s += v[i];
    return s * (1.0 / (double)b) * (double)b;
}

/* A training step's first half: gathers its b rows (rows[lo ..], or the
 * contiguous rows lo ..), runs forward, loss and the loss gradient, and adds
 * its loss (with the penalty of the weights before the step, per sample) and
 * metric hits to sums. *in and *ld_in: the rows as backward reads them. */
static int step_forward(nl_splan *p, const struct nl_train_config *cfg, const float *x,
                        int64_t ldx, const float *t, int64_t ldt, const int64_t *labels,
                        const int64_t *rows, int64_t lo, int64_t b, const uint64_t *keys,
                        double *sums, const float **in, int64_t *ld_in)
{
    int st;
    *in = gather(p, cfg, x, ldx, t, ldt, labels, rows, lo, b, ld_in);
    if (!*in)
        return NL_EINVAL;
    st = forward(p, *in, *ld_in, b, keys);
    if (st == NL_OK)
        st = loss_and_grad(p, cfg, b, 1);
    if (st != NL_OK)
        return st;
    metric_hits(p, cfg, b, sums);
    sums[0] += batch_loss(p->losses, b);
    if (p->nreg)
        sums[0] += penalty(p) * (double)b;
    sums[1] += (double)b;
    return NL_OK;
}

/* Whether every one of the count row numbers lies in [0, n). */
static int rows_in_range(const int64_t *rows, int64_t count, int64_t n)
{
    for (int64_t i = 0; i < count; i++)
        if (rows[i] < 0 || rows[i] >= n)
            return 0;
    return 1;
}

/* What every training call checks and prepares: targets, weights, gradient buffers. */
static int ready_to_train(nl_splan *p, const struct nl_train_config *cfg, const float *t,
                          int64_t ldt, const int64_t *labels, int64_t n)
{
    if (cfg->loss_kind == NL_LOSS_SPARSE ? !labels : (!t || !rows_ok(p->dims[p->nl], ldt, n)))
        return NL_EINVAL;
    for (int l = 0; l < p->nl; l++)
        if (!p->kernel[l])
            return NL_EINVAL;
    if (ensure_grads(p) != NL_OK)
        return NL_ENOMEM;
    mark_needs(p);
    return NL_OK;
}

int nl_splan_train(nl_splan *p, const struct nl_train_config *cfg,
                   const float *x, int64_t ldx, const float *t, int64_t ldt,
                   const int64_t *labels, const int64_t *index, int64_t n,
                   int64_t batch, int64_t first_step, int64_t nsteps,
                   const double *step_params, const uint64_t *drop_keys, double *sums)
{
    if (!p || !cfg || !x || !step_params || batch < 1 || batch > p->max_batch || n < 0
        || first_step < 0 || nsteps < 0 || !rows_ok(p->dims[0], ldx, n))
        return NL_EINVAL;
    /* the row s*batch of every step, and the steps themselves, stay in int64 */
    if (nsteps > INT64_MAX - first_step || first_step + nsteps > INT64_MAX / batch)
        return NL_EINVAL;
    if (p->ndrop > 0 && !drop_keys)
        return NL_EINVAL;
    int st0 = ready_to_train(p, cfg, t, ldt, labels, n);
    if (st0 != NL_OK)
        return st0;
    for (int64_t s = first_step; s < first_step + nsteps; s++) {
        const int64_t lo = s * batch;
        const int64_t b = n - lo < batch ? n - lo : batch;
        const uint64_t *keys = p->ndrop ? drop_keys + (s - first_step) * p->ndrop : NULL;
        int64_t ld_in;
        const float *in;
        int st;
        if (b <= 0)
            break;
        if (index && !rows_in_range(index + lo, b, n))     /* gather() reads them */
            return NL_ERANGE;
        st = step_forward(p, cfg, x, ldx, t, ldt, labels, index, lo, b, keys, sums,
                          &in, &ld_in);
        if (st != NL_OK)
            return st;
        st = backward_and_update(p, cfg, in, ld_in, b,
                                 step_params + (s - first_step) * NL_PLAN_STEP_PARAMS, keys, 1);
        if (st != NL_OK)
            return st;
    }
    return NL_OK;
}

int64_t nl_splan_gradient_size(const nl_splan *p)
{
    int64_t total = 0;
    for (int l = 0; p && l < p->nl; l++)
        if (p->trainable[l])
            total += p->fan_in[l] * p->dims[l + 1] + (p->bias[l] ? p->dims[l + 1] : 0);
    return total;
}

/* Copies each trainable variable's gradient between the plan's buffers and
 * the packed layout (to_flat: plan -> flat, times scale; else flat -> plan). */
static void move_gradients(nl_splan *p, float *flat, float scale, int to_flat)
{
    for (int l = 0; l < p->nl; l++) {
        const int64_t n = p->dims[l + 1], len[2] = {p->fan_in[l] * n, p->bias[l] ? n : 0};
        float *g[2] = {p->dkernel[l], p->dbias[l]};
        if (!p->trainable[l])
            continue;
        for (int v = 0; v < 2; v++) {
            if (to_flat)
                for (int64_t i = 0; i < len[v]; i++)
                    flat[i] = g[v][i] * scale;
            else
                memcpy(g[v], flat, (size_t)len[v] * sizeof(float));
            flat += len[v];
        }
    }
}

int nl_splan_gradients(nl_splan *p, const struct nl_train_config *cfg,
                       const float *x, int64_t ldx, const float *t, int64_t ldt,
                       const int64_t *labels, const int64_t *rows, int64_t n, int64_t b,
                       double scale, float *grad, double *sums)
{
    int64_t ld_in;
    const float *in;
    int st;
    if (!p || !cfg || !x || !grad || !sums || b < 0 || b > p->max_batch || n < 0
        || (b > 0 && !rows) || p->ndrop > 0 || !rows_ok(p->dims[0], ldx, n))
        return NL_EINVAL;
    st = ready_to_train(p, cfg, t, ldt, labels, n);
    if (st != NL_OK)
        return st;
    if (!rows_in_range(rows, b, n))
        return NL_ERANGE;
    if (b == 0) {       /* an empty shard adds nothing */
        memset(grad, 0, (size_t)nl_splan_gradient_size(p) * sizeof(float));
        return NL_OK;
    }
    st = step_forward(p, cfg, x, ldx, t, ldt, labels, rows, 0, b, NULL, sums, &in, &ld_in);
    if (st != NL_OK)
        return st;
    st = backward_and_update(p, cfg, in, ld_in, b, NULL, NULL, 0);
    if (st != NL_OK)
        return st;
    move_gradients(p, grad, (float)scale, 1);
    return NL_OK;
}

int nl_splan_apply(nl_splan *p, const struct nl_train_config *cfg, const float *grad,
                   const double *step_params)
{
    if (!p || !cfg || !grad || !step_params)
        return NL_EINVAL;
    for (int l = 0; l < p->nl; l++)
        if (!p->kernel[l])
            return NL_EINVAL;
    if (ensure_grads(p) != NL_OK)
        return NL_ENOMEM;
    move_gradients(p, (float *)grad, 1.0f, 0);
    for (int l = 0; l < p->nl; l++)
        if (p->trainable[l])
            update_layer(p, cfg, l, step_params);
    return NL_OK;
}

int nl_splan_evaluate(nl_splan *p, const struct nl_train_config *cfg,
                      const float *x, int64_t ldx, const float *t, int64_t ldt,
                      const int64_t *labels, int64_t n, double *sums)
{
    if (!p || !cfg || !x || n < 0 || !rows_ok(p->dims[0], ldx, n))
        return NL_EINVAL;
    if (cfg->loss_kind == NL_LOSS_SPARSE ? !labels : (!t || !rows_ok(p->dims[p->nl], ldt, n)))
        return NL_EINVAL;
    const double pen = p->nreg ? penalty(p) : 0.0;
    for (int64_t lo = 0; lo < n; lo += p->max_batch) {
        const int64_t b = n - lo < p->max_batch ? n - lo : p->max_batch;
        int64_t ld_in;
        const float *in = gather(p, cfg, x, ldx, t, ldt, labels, NULL, lo, b, &ld_in);
        int st;
        if (!in)
            return NL_EINVAL;
        st = forward(p, in, ld_in, b, NULL);
        if (st == NL_OK)
            st = loss_and_grad(p, cfg, b, 0);
        if (st != NL_OK)
            return st;
        metric_hits(p, cfg, b, sums);
        sums[0] += batch_loss(p->losses, b);
        if (p->nreg)   /* the penalty of the weights, per sample, as in training */
            sums[0] += pen * (double)b;
        sums[1] += (double)b;
    }
    return NL_OK;
}

/* Whether every value of the n x d rows is finite (x - x is 0 only then). */
NL_CLONES static int rows_finite(const float *x, int64_t ldx, int64_t n, int64_t d)
{
    for (int64_t i = 0; i < n; i++) {
        const float *r = x + i * ldx;
        float acc = 0;
        for (int64_t j = 0; j < d; j++)
            acc += r[j] - r[j];
        if (acc != 0 || acc != acc)
            return 0;
    }
    return 1;
}

int nl_splan_predict(nl_splan *p, const float *x, int64_t ldx, int64_t n, float *out,
                     int64_t ldo)
{
    const int64_t m = p ? p->dims[p->nl] : 0;
    if (!p || !x || !out || n < 0 || !rows_ok(p->dims[0], ldx, n) || !rows_ok(m, ldo, n))
        return NL_EINVAL;
    if (!rows_finite(x, ldx, n, p->dims[0]))
        return NL_ENONFINITE;
    for (int64_t lo = 0; lo < n; lo += p->max_batch) {
        const int64_t b = n - lo < p->max_batch ? n - lo : p->max_batch;
        const float *y;
        int st = forward(p, x + lo * ldx, ldx, b, NULL);
        if (st != NL_OK)
            return st;
        y = p->y[p->nl - 1];
        for (int64_t i = 0; i < b; i++)
            memcpy(out + (lo + i) * ldo, y + i * m, (size_t)m * sizeof(float));
    }
    return NL_OK;
}
