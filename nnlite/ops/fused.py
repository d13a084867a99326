"""The fused ops behind the built-in layers and the trainer, forward beside backward.

Each is one C sweep each way where the C core has the kernel: Dense's GEMM +
bias + activation, activations by their C name, dropout from a 64-bit key,
batch and layer normalization, a compiled loss (value and gradient in one
call) and weight penalties. Layers call these through `nnlite.ops.fused`;
user code uses `nnlite.ops`.
"""
import math

import numpy as np

from nnlite import _core
from nnlite.backend.tensor import apply, takes_needs, unwrap

_NO_GRAD = (None,)


def _contig(a):
    return a if a.flags.c_contiguous else np.ascontiguousarray(a)


# -- dense ---------------------------------------------------------------------
@takes_needs
def _dense(x, kernel, bias, activation, alpha, keep_z, needs=(True, True, True)):
    """y = f(x @ kernel + bias) over the last axis; with `keep_z` the
    pre-activation z is a second output (the logits of a softmax/sigmoid)."""
    shape = x.shape
    x2 = _contig(x).reshape(math.prod(shape[:-1]), shape[-1])   # -1 fails for 0 features
    units = kernel.shape[1]
    fused = activation if activation not in (None, "linear", "softmax") else None
    if fused is not None:
        z, y = _core.dense_forward(x2, kernel, bias, fused, alpha,
                                   y=np.empty((len(x2), units), dtype=x2.dtype))
    else:
        z, _ = _core.dense_forward(x2, kernel, bias)
        y = z if activation in (None, "linear") else \
            _core.activation_forward(activation, z, alpha)
    out_shape = shape[:-1] + (units,)

    def backward(dz_out, dy=None):
        if not keep_z:
            dy, dz_out = dz_out, None
        dz = None
        if dy is not None:
            dy2 = _contig(dy).reshape(-1, units)
            dz = dy2 if activation in (None, "linear") else \
                _core.activation_backward(activation, z, y, dy2, alpha)
        if dz_out is not None:
            dz_out = dz_out.reshape(-1, units)
            dz = dz_out if dz is None else dz_out + dz
        dz = _contig(dz)
        dk = _core.gemm(x2, dz, trans_a=True) if needs[1] else None
        db = _core.bias_backward(dz) if bias is not None and needs[2] else None
        dx = _core.gemm(dz, kernel, trans_b=True).reshape(shape) if needs[0] else None
        return dx, dk, db

    y = y.reshape(out_shape)
    if keep_z:
        return (z.reshape(out_shape), y), backward
    return y, backward


def dense(x, kernel, bias=None, activation=None, alpha=0.0):
    """`activation(x @ kernel + bias)` in one sweep (activation a C name or None)."""
    return apply("dense", _dense, (x, kernel, bias), activation, alpha, False)


def dense_with_logits(x, kernel, bias, activation, alpha=0.0):
    """(z, y): the pre-activation and `activation(z)`, one sweep; y carries
    `(z, activation)` as its logits (`y._keras_logits`), so a cross-entropy can
    be taken on them."""
    z, y = apply("dense", _dense, (x, kernel, bias), activation, alpha, True,
                 none_grads=True)
    y._keras_logits = (z, activation)
    return z, y


# -- activations ---------------------------------------------------------------------
def _activation(x, name, alpha):
    x = _contig(x)
    y = _core.activation_forward(name, x, alpha)

    def backward(dy):
        return (_core.activation_backward(name, x, y, _contig(dy), alpha),)
    return y, backward


def activation(x, name, alpha=0.0):
    """The C core's activation `name` (relu, softmax, ...) with parameter `alpha`."""
    if name == "linear":
        return x
    out = apply(name, _activation, (x,), name, alpha)
    if name in ("softmax", "sigmoid"):
        out._keras_logits = (x, name)
    return out


# -- dropout ---------------------------------------------------------------------
def _dropout(x, key, rate, mask):
    if mask is None:
        y = _core.dropout_forward(_contig(x), key, rate)

        def backward(dy):
            return (_core.dropout_backward(_contig(dy), key, rate),)
        return y, backward

    def backward_mask(dy):
        return (np.ascontiguousarray(dy * mask),)
    return x * mask, backward_mask


def dropout(x, key, rate, mask=None):
    """Inverted dropout from the 64-bit `key` (the C core derives the mask), or
    by an explicit `mask` (noise shapes, other dtypes)."""
    return apply("dropout", _dropout, (x,), key, rate, mask)


# -- normalization -----------------------------------------------------------------
@takes_needs
def _batch_norm(x, gamma, beta, axis, moving_mean, moving_var, epsilon, momentum, training,
                reducer, needs=(True, True, True)):
    x = _contig(x)
    if training and reducer is not None:
        return _batch_norm_global(x, gamma, beta, axis, moving_mean, moving_var, epsilon,
                                  momentum, reducer, needs)
    y, mean, invstd = _core.batchnorm_forward(x, axis, gamma, beta, moving_mean, moving_var,
                                              epsilon, momentum, training=training)

    def backward(dy):
        dx, dgamma, dbeta = _core.batchnorm_backward(
            x, axis, gamma, mean, invstd, _contig(dy).astype(x.dtype, copy=False),
            training=training, need_dx=needs[0], need_dgamma=gamma is not None and needs[1],
            need_dbeta=beta is not None and needs[2])
        return dx, dgamma, dbeta
    return y, backward


def _batch_norm_global(x, gamma, beta, axis, moving_mean, moving_var, epsilon, momentum,
                       reducer, needs):
    """Batch normalization of this rank's shard with the statistics of the
    global batch (`reducer` sums over the ranks): mean, then the biased
    variance, each one Allreduce; the C kernels normalize with them as
    given. Backward, the two per-channel sums of the batch-statistics terms
    (the shards' own, weighted as the ranks' losses are) are summed too, so
    that the ranks' weighted gradients add up to the global batch's."""
    axis = axis % x.ndim
    axes = tuple(i for i in range(x.ndim) if i != axis)
    shape = [1] * x.ndim
    shape[axis] = -1
    count = x.size // max(x.shape[axis], 1)
    total, n = reducer.sum(np.sum(x, axis=axes, dtype=np.float64), count)
    mean = total / n
    (squares,) = reducer.sum(np.sum(np.square(x - mean.reshape(shape)), axis=axes))
    var = squares / n
    mean_t, var_t = mean.astype(x.dtype), var.astype(x.dtype)
    y, _, invstd = _core.batchnorm_forward(x, axis, gamma, beta, mean_t, var_t, epsilon,
                                           momentum, training=False)
    if moving_mean is not None and moving_var is not None:
        # as the kernel's training pass does: moving * momentum + batch * (1 - momentum)
        mom, rest = x.dtype.type(momentum), x.dtype.type(1.0 - momentum)
        moving_mean[...] = moving_mean * mom + mean_t * rest
        moving_var[...] = moving_var * mom + var_t * rest

    def backward(dy):
        dy = _contig(dy).astype(x.dtype, copy=False)
        dx, dgamma, dbeta = _core.batchnorm_backward(x, axis, gamma, mean_t, invstd, dy,
                                                     training=False, need_dx=needs[0])
        if needs[0]:
            sum_dy, sum_dy_xhat = reducer.sum(dbeta, dgamma, weighted=True)
            scale = (1.0 if gamma is None else gamma.astype(np.float64)) \
                * invstd.astype(np.float64) / count
            xhat = (x - mean_t.reshape(shape)) * invstd.reshape(shape)
            dx -= ((scale * sum_dy).reshape(shape)
                   + xhat * (scale * sum_dy_xhat).reshape(shape)).astype(x.dtype)
        return (dx, dgamma if gamma is not None and needs[1] else None,
                dbeta if beta is not None and needs[2] else None)
    return y, backward


def batch_norm(x, gamma, beta, axis, moving_mean, moving_var, epsilon, momentum, training,
               reducer=None):
    """Batch normalization along `axis`; in training the batch statistics are
    used and the moving ones (arrays, updated in place) move towards them.
    With a `reducer` (a data-parallel step's `StepReducer`) the statistics
    are the global batch's, summed over the ranks."""
    return apply("batch_norm", _batch_norm, (x, gamma, beta), axis, moving_mean, moving_var,
                 epsilon, momentum, training, reducer)


@takes_needs
def _layer_norm(x2, gamma, beta, epsilon, rms_scaling, needs=(True, True, True)):
    x2 = _contig(x2)
    g = None if gamma is None else gamma.reshape(-1)
    b = None if beta is None else beta.reshape(-1)
    y2, mean, invstd = _core.layernorm_forward(x2, g, b, epsilon, rms_scaling)

    def backward(dy):
        dx, dgamma, dbeta = _core.layernorm_backward(
            x2, g, mean, invstd, _contig(dy).astype(x2.dtype, copy=False), rms_scaling,
            need_dx=needs[0], need_dgamma=gamma is not None and needs[1],
            need_dbeta=beta is not None and needs[2])
        return (dx, None if dgamma is None else dgamma.reshape(gamma.shape),
                None if dbeta is None else dbeta.reshape(beta.shape))
    return y2, backward


def layer_norm_rows(x2, gamma, beta, epsilon, rms_scaling=False):
    """Layer normalization of each row of the 2-D `x2` (gamma/beta of any shape
    holding one value per column)."""
    return apply("layer_norm", _layer_norm, (x2, gamma, beta), epsilon, rms_scaling)


# -- shape --------------------------------------------------------------------------
def _reshape(x, shape):
    def backward(dy):
        return (np.reshape(dy, x.shape),)
    return np.reshape(_contig(x), shape), backward


def reshape(x, shape):
    return apply("reshape", _reshape, (x,), tuple(shape))


def _transpose(x, axes):
    inverse = tuple(np.argsort(axes))

    def backward(dy):
        return (np.ascontiguousarray(np.transpose(dy, inverse)),)
    return np.ascontiguousarray(np.transpose(x, axes)), backward


def transpose(x, axes):
    return apply("transpose", _transpose, (x,), tuple(axes))


# -- losses and penalties -------------------------------------------------------------
def _scaled(grad, g):
    """`grad * g` for the scalar output gradient `g` (exactly `grad` when g is 1)."""
    g = float(g)
    return grad if g == 1.0 else grad * grad.dtype.type(g)


def _compiled_loss(y_true, y_pred, loss_fn):
    value, grad = loss_fn(y_pred)

    def backward(dy):
        return None, _scaled(grad, dy)
    return np.asarray(value, dtype=np.float64), backward


def compiled_loss(y_true, y_pred, loss_fn):
    """A scalar loss whose `loss_fn(y_pred_array) -> (value, d value / d y_pred)`
    computes value and gradient in one C call."""
    return apply("loss", _compiled_loss, (y_true, y_pred), loss_fn)


def _penalty(x, regularizer, divisor):
    value = float(regularizer(x))
    if divisor != 1:
        value = value / divisor if divisor else 0.0

    def backward(dy):
        g = np.asarray(regularizer.gradient(x), dtype=x.dtype)
        if divisor != 1:
            g = g / x.dtype.type(divisor)
        return (_scaled(g, dy),)
    return np.asarray(value, dtype=np.float64), backward


def penalty(x, regularizer, divisor=1):
    """`regularizer(x) / divisor` as a scalar; the gradient is the regularizer's own
    (`regularizer.gradient`); a regularizer without one is called on the tensor
    itself, so it must be written with `nnlite.ops`."""
    if not hasattr(regularizer, "gradient"):
        from nnlite import ops
        out = regularizer(x)
        return out if divisor == 1 else ops.divide(out, divisor)
    return apply("penalty", _penalty, (x,), regularizer, divisor)


def _add_n(*values):
    total = np.asarray(sum(float(np.asarray(v, dtype=np.float64)) for v in values),
                       dtype=np.float64)

    def backward(dy):
        return tuple(_scaled(np.ones(np.shape(v), dtype=np.asarray(v).dtype), dy)
                     for v in values)
    return total, backward


def add_n(values):
    """The sum of scalar losses, in float64."""
    return apply("add_n", _add_n, tuple(values))


def value_of(x):
    """The NumPy value of a Tensor, Variable or array."""
    return unwrap(x)


def _weighted_mean(values, sample_weight, reduction):
    v = np.asarray(values)
    if sample_weight is not None:
        from nnlite.losses import losses as losses_lib
        sw = losses_lib._prepare_weights(sample_weight, v.shape, v.dtype)
    else:
        sw = np.ones(v.shape, dtype=v.dtype)
    total = float(np.dot(v.ravel().astype(np.float64), sw.ravel().astype(np.float64)))
    if reduction == "sum":
        scale = 1.0
    elif reduction == "mean_with_sample_weight":
        denom = float(sw.sum(dtype=np.float64))
        scale = 1.0 / denom if denom else 0.0
    else:
        scale = 1.0 / v.size if v.size else 0.0

    def backward(dy):
        return ((sw * v.dtype.type(scale * float(dy))).astype(v.dtype),)
    return np.asarray(total * scale, dtype=np.float64), backward


def weighted_mean(values, sample_weight=None, reduction="sum_over_batch_size"):
    """The reduction of per-sample loss values (a Tensor from ops), weighted by
    `sample_weight`, as Keras reduces a loss."""
    return apply("reduce_loss", _weighted_mean, (values,), sample_weight, reduction)
