"""Neural-network ops, as `keras.ops.nn`: activations, cross-entropies, moments.

Every op takes tensors (or arrays, lists, scalars), returns Tensors and is
differentiable on the tape: its backward sits beside its forward. Activations
the C core implements run forward and backward there (float32 and float64;
integer and boolean inputs are first cast to `floatx()`, float16 is computed
in float32 and cast back); the others are NumPy formulas.
"""
import numpy as np

from nnlite import _core, config
from nnlite.backend.tensor import apply as _apply, is_tensor
from nnlite.ops.core import convert_to_tensor
from nnlite.ops.convolution import (conv, conv_transpose, depthwise_conv,  # noqa: F401
                             separable_conv)

__all__ = ["relu", "relu6", "sigmoid", "tanh", "softmax", "log_softmax", "softplus",
           "softsign", "silu", "swish", "gelu", "leaky_relu", "elu", "selu", "celu",
           "hard_sigmoid", "hard_silu", "hard_swish", "log_sigmoid",
           "binary_crossentropy", "categorical_crossentropy",
           "sparse_categorical_crossentropy", "moments", "normalize", "one_hot", "multi_hot"]
__all__ += ["conv", "conv_transpose", "depthwise_conv", "separable_conv"]

_C_TYPES = (np.dtype(np.float32), np.dtype(np.float64))


# --------------------------------------------------------------------------
# argument checks

def _input(x):
    """Tensors, Variables, arrays and None as given; Python values as
    `convert_to_tensor` makes them (floats become floatx, ints int32, as in Keras)."""
    if x is None or is_tensor(x) or isinstance(x, np.ndarray):
        return x
    return convert_to_tensor(x)


def apply(name, fn, inputs, *args):
    return _apply(name, fn, tuple(_input(x) for x in inputs), *args)


def _array(x, name):
    """`x` as a NumPy array of a numeric or boolean dtype."""
    a = np.asarray(x)
    if not (np.issubdtype(a.dtype, np.number) or a.dtype == np.bool_) \
            or np.issubdtype(a.dtype, np.complexfloating):
        raise TypeError("%s must be a real numeric tensor. Received: dtype=%s"
                        % (name, a.dtype))
    return a


def _contiguous(a, dtype=None):
    """`a` C-contiguous in `dtype`, keeping its rank (np.ascontiguousarray makes
    0-d arrays 1-d)."""
    return np.asarray(a, dtype=dtype, order="C")


def _float(x, name="x"):
    """(C-contiguous float32/float64 array, output dtype) for the C core: other
    floats are computed in float32, integers and booleans become floatx."""
    a = _array(x, name)
    if a.dtype in _C_TYPES:
        return _contiguous(a), a.dtype
    if np.issubdtype(a.dtype, np.floating):
        return _contiguous(a, dtype=np.float32), a.dtype
    dtype = np.dtype(config.floatx())
    return _contiguous(a, dtype=dtype), dtype


def _out(y, dtype):
    return y if y.dtype == dtype else y.astype(dtype)


def _grad(g, like):
    """The output gradient `g` in `like`'s dtype, C-contiguous (what the C core reads)."""
    return _contiguous(g, dtype=like.dtype)


def _axis(axis, ndim, name="axis"):
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        raise TypeError("%s must be an int. Received: %s=%r" % (name, name, axis))
    if not -ndim <= axis < ndim:
        raise ValueError("%s %d is out of bounds for a tensor of rank %d. Received: %s=%d"
                         % (name, axis, ndim, name, axis))
    return int(axis) % ndim


def _axes(axes, ndim):
    """A sorted tuple of distinct axes in [0, ndim) from an int, list or tuple."""
    seq = (axes,) if isinstance(axes, (int, np.integer)) and not isinstance(axes, bool) \
        else tuple(axes)
    out = tuple(sorted({_axis(a, ndim, "axes") for a in seq}))
    if len(out) != len(seq):
        raise ValueError("axes must not repeat an axis. Received: axes=%r" % (axes,))
    return out


# --------------------------------------------------------------------------
# activations computed by the C core

def _c_elementwise(op_name, c_name, x, alpha=0.0):
    def fn(a):
        xa, dtype = _float(a)
        y = _core.activation_forward(c_name, xa, alpha)

        def backward(dy):
            g = _core.activation_backward(c_name, xa, y, _grad(dy, xa), alpha)
            return (_out(g, dtype),)
        return _out(y, dtype), backward
    return apply(op_name, fn, (x,))


def _relu(a):
    if not np.issubdtype(_array(a, "x").dtype, np.floating):
        a = np.asarray(a)     # integers stay integers, as tf.nn.relu keeps them
        return np.maximum(a, np.zeros((), a.dtype)), None
    xa, dtype = _float(a)
    y = _core.activation_forward("relu", xa)
    nan = np.isnan(xa)
    if nan.any():
        y[nan] = np.nan       # NaN propagates (max(NaN, 0) is NaN in Keras)

    def backward(dy):
        g = _core.activation_backward("relu", xa, y, _grad(dy, xa))
        if nan.any():
            g[nan] = np.nan
        return (_out(g, dtype),)
    return _out(y, dtype), backward


def relu(x):
    """Rectified linear unit: `relu(x) = max(x, 0)`.

    Args:
        x: Input tensor.

    Returns:
        A tensor of the shape of `x` (integer inputs stay integers).

    Example:

    >>> relu([-1.0, 0.0, 2.0])      # [0., 0., 2.]
    """
    return apply("relu", _relu, (x,))


def sigmoid(x):
    """Sigmoid: `sigmoid(x) = 1 / (1 + exp(-x))`.

    Example:

    >>> sigmoid([0.0])              # [0.5]
    """
    return _c_elementwise("sigmoid", "sigmoid", x)


def tanh(x):
    """Hyperbolic tangent: `tanh(x) = (exp(x) - exp(-x)) / (exp(x) + exp(-x))`."""
    return _c_elementwise("tanh", "tanh", x)


def softplus(x):
    """Softplus: `softplus(x) = log(exp(x) + 1)` (computed stably)."""
    return _c_elementwise("softplus", "softplus", x)


def softsign(x):
    """Softsign: `softsign(x) = x / (abs(x) + 1)`."""
    return _c_elementwise("softsign", "softsign", x)


def silu(x):
    """Sigmoid linear unit (swish): `silu(x) = x * sigmoid(x)`."""
    return _c_elementwise("silu", "swish", x)


swish = silu


def gelu(x, approximate=True):
    """Gaussian error linear unit: `gelu(x) = x * P(X <= x)`, X ~ N(0, 1).

    With `approximate`, `0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x**3)))`;
    otherwise `0.5 * x * (1 + erf(x / sqrt(2)))`.

    Args:
        x: Input tensor.
        approximate: Use the tanh approximation. Defaults to `True`.

    Example:

    >>> gelu([1.0])                 # [0.84119]; approximate=False gives 0.84134
    """
    return _c_elementwise("gelu", "gelu", x, 1.0 if approximate else 0.0)


def leaky_relu(x, negative_slope=0.2):
    """Leaky ReLU: `x if x > 0 else negative_slope * x`.

    Args:
        x: Input tensor.
        negative_slope: Slope of the negative part. Defaults to `0.2`.
    """
    return _c_elementwise("leaky_relu", "leaky_relu", x, float(negative_slope))


def elu(x, alpha=1.0):
    """Exponential linear unit: `x if x > 0 else alpha * (exp(x) - 1)`.

    Args:
        x: Input tensor.
        alpha: Scale of the negative part. Defaults to `1.0`.
    """
    return _c_elementwise("elu", "elu", x, float(alpha))


def selu(x):
    """Scaled ELU: `scale * (x if x > 0 else alpha * (exp(x) - 1))`,
    alpha = 1.67326324, scale = 1.05070098."""
    return _c_elementwise("selu", "selu", x)


def hard_sigmoid(x):
    """Hard sigmoid: `hard_sigmoid(x) = relu6(x + 3) / 6 = clip(x / 6 + 0.5, 0, 1)`."""
    return _c_elementwise("hard_sigmoid", "hard_sigmoid", x)


def _softmax(a, axis):
    xa, dtype = _float(a)
    if xa.ndim == 0:
        raise ValueError("softmax needs a tensor of rank >= 1. Received: shape=()")
    if isinstance(axis, (tuple, list)):
        axes = _axes(axis, xa.ndim)
        e = np.exp(xa - np.max(xa, axis=axes, keepdims=True))
        y = e / np.sum(e, axis=axes, keepdims=True)

        def backward(dy):
            dy = np.asarray(dy, dtype=y.dtype)
            return (_out(y * (dy - np.sum(dy * y, axis=axes, keepdims=True)), dtype),)
        return _out(y, dtype), backward
    ax = _axis(axis, xa.ndim)
    last = ax == xa.ndim - 1
    xm = xa if last else _contiguous(np.moveaxis(xa, ax, -1))
    ym = _core.activation_forward("softmax", xm)

    def backward(dy):
        dy = _grad(dy, xa)
        dym = dy if last else _contiguous(np.moveaxis(dy, ax, -1))
        g = _core.activation_backward("softmax", xm, ym, dym)
        return (_out(g if last else np.moveaxis(g, -1, ax), dtype),)
    return _out(ym if last else np.moveaxis(ym, -1, ax), dtype), backward


def softmax(x, axis=-1):
    """Softmax: `exp(x) / sum(exp(x), axis)`, computed with the maximum subtracted.

    Args:
        x: Input tensor of rank >= 1.
        axis: The axis (or tuple of axes) to normalize over. Defaults to `-1`.

    Example:

    >>> softmax([[0.0, 0.0]])       # [[0.5, 0.5]]
    """
    return apply("softmax", _softmax, (x,), axis)


# --------------------------------------------------------------------------
# activations as NumPy formulas

def _relu6(a):
    a = _array(a, "x")
    if not np.issubdtype(a.dtype, np.floating):
        return np.clip(a, 0, 6).astype(a.dtype), None
    y = np.clip(a, 0, 6).astype(a.dtype)
    inside = (a > 0) & (a < 6)

    def backward(dy):
        return (np.where(inside, dy, 0).astype(a.dtype),)
    return y, backward


def relu6(x):
    """ReLU capped at 6: `relu6(x) = min(max(x, 0), 6)`."""
    return apply("relu6", _relu6, (x,))


def _floats_np(a):
    """A float array for the NumPy formulas (integers and booleans become floatx)."""
    a = _array(a, "x")
    return a if np.issubdtype(a.dtype, np.floating) else a.astype(config.floatx())


def _hard_silu(a):
    a = _floats_np(a)
    hs = np.clip(a / 6 + 0.5, 0, 1).astype(a.dtype)

    def backward(dy):
        slope = np.where((a > -3) & (a < 3), a / 6, 0)
        return ((dy * (hs + slope)).astype(a.dtype),)
    return a * hs, backward


def hard_silu(x):
    """Hard SiLU (hard swish): `hard_silu(x) = x * relu6(x + 3) / 6`."""
    return apply("hard_silu", _hard_silu, (x,))


hard_swish = hard_silu


def _log_sigmoid(a):
    a = _floats_np(a)
    # log(sigmoid(x)) = -softplus(-x) = min(x, 0) - log1p(exp(-|x|))
    y = (np.minimum(a, 0) - np.log1p(np.exp(-np.abs(a)))).astype(a.dtype)

    def backward(dy):
        # d/dx log(sigmoid(x)) = 1 - sigmoid(x) = sigmoid(-x)
        e = np.exp(-np.abs(a))
        s_neg = np.where(a >= 0, e / (1 + e), 1 / (1 + e))
        return ((dy * s_neg).astype(a.dtype),)
    return y, backward


def log_sigmoid(x):
    """Logarithm of the sigmoid: `log_sigmoid(x) = -softplus(-x)` (stable)."""
    return apply("log_sigmoid", _log_sigmoid, (x,))


def _celu(a, alpha):
    a = _floats_np(a)
    if alpha == 0:
        raise ValueError("celu: alpha must not be 0. Received: alpha=%r" % (alpha,))
    e = np.exp(np.minimum(a, 0) / alpha)
    y = (np.maximum(a, 0) + alpha * (e - 1)).astype(a.dtype)

    def backward(dy):
        return ((dy * np.where(a > 0, 1.0, e)).astype(a.dtype),)
    return y, backward


def celu(x, alpha=1.0):
    """Continuously differentiable ELU: `max(x, 0) + alpha * min(0, exp(x / alpha) - 1)`.

    Args:
        x: Input tensor.
        alpha: Scale of the negative part. Defaults to `1.0`.
    """
    return apply("celu", _celu, (x,), float(alpha))


def _log_softmax(a, axis):
    a = _floats_np(a)
    if a.ndim == 0:
        raise ValueError("log_softmax needs a tensor of rank >= 1. Received: shape=()")
    axes = _axes(axis, a.ndim)
    s = a - np.max(a, axis=axes, keepdims=True, initial=-np.inf)   # empty axes: no max
    y = (s - np.log(np.sum(np.exp(s), axis=axes, keepdims=True))).astype(a.dtype)

    def backward(dy):
        return ((dy - np.exp(y) * np.sum(dy, axis=axes, keepdims=True)).astype(a.dtype),)
    return y, backward


def log_softmax(x, axis=-1):
    """Log-softmax: `x - log(sum(exp(x), axis))`, computed with the maximum subtracted.

    Args:
        x: Input tensor of rank >= 1.
        axis: The axis (or tuple of axes) to normalize over. Defaults to `-1`.
    """
    return apply("log_softmax", _log_softmax, (x,), axis)


# --------------------------------------------------------------------------
# cross-entropies (unreduced, as keras.ops.nn)

def _same_shape(target, output):
    if target.ndim != output.ndim:
        raise ValueError("Arguments `target` and `output` must have the same rank "
                         "(ndim). Received: target.shape=%s, output.shape=%s"
                         % (target.shape, output.shape))
    if target.shape != output.shape:
        raise ValueError("Arguments `target` and `output` must have the same shape. "
                         "Received: target.shape=%s, output.shape=%s"
                         % (target.shape, output.shape))


def _binary_crossentropy(t, p, from_logits):
    p, dtype = _float(p, "output")
    t = _contiguous(_array(t, "target"), dtype=p.dtype)
    _same_shape(t, p)
    # each element is one "row" of one class: the C loss's mean over the row is the element
    loss, grad = _core.loss("binary_crossentropy", t.reshape(-1, 1), p.reshape(-1, 1),
                            from_logits, config.epsilon())

    def backward(dy):
        dy = np.asarray(dy, dtype=p.dtype)
        g_out = dy * grad.reshape(p.shape)
        if from_logits:
            g_t = -dy * p                       # d/dt [max(x,0) - x t + log1p(exp(-|x|))]
        else:
            eps = config.epsilon()
            q = np.clip(p, eps, 1 - eps)
            g_t = -dy * (np.log(q) - np.log1p(-q))
        return _out(g_t, dtype), _out(g_out, dtype)
    return _out(loss.reshape(p.shape), dtype), backward


def binary_crossentropy(target, output, from_logits=False):
    """Binary cross-entropy of each element (not reduced).

    `-(t * log(q) + (1 - t) * log(1 - q))` with `q = clip(output, epsilon,
    1 - epsilon)`; from logits, `max(x, 0) - x * t + log(1 + exp(-abs(x)))`.

    Args:
        target: Tensor of targets in [0, 1].
        output: Tensor of probabilities (or logits), of the shape of `target`.
        from_logits: Whether `output` holds logits. Defaults to `False`.

    Returns:
        A tensor of the shape of `output`.

    Example:

    >>> binary_crossentropy([1.0, 0.0], [0.9, 0.2])     # [0.10536, 0.22314]
    """
    return apply("binary_crossentropy", _binary_crossentropy, (target, output),
                 bool(from_logits))


def _to_last(a, ax):
    return a if ax == a.ndim - 1 else _contiguous(np.moveaxis(a, ax, -1))


def _from_last(a, ax, ndim):
    return a if ax == ndim - 1 else np.moveaxis(a, -1, ax)


def _class_log_probs(pm, from_logits):
    """log q over the last axis, q as the categorical cross-entropy sees it."""
    if from_logits:
        s = pm - np.max(pm, axis=-1, keepdims=True)
        return s - np.log(np.sum(np.exp(s), axis=-1, keepdims=True))
    eps = config.epsilon()
    return np.log(np.clip(pm / np.sum(pm, axis=-1, keepdims=True), eps, 1 - eps))


def _categorical_crossentropy(t, p, from_logits, axis):
    p, dtype = _float(p, "output")
    t = _contiguous(_array(t, "target"), dtype=p.dtype)
    if t.ndim < 1:
        raise ValueError("Argument `target` must have rank >= 1. Received: target.shape=%s"
                         % (t.shape,))
    _same_shape(t, p)
    ax = _axis(axis, p.ndim)
    tm, pm = _to_last(t, ax), _to_last(p, ax)
    loss, grad = _core.loss("categorical_crossentropy", tm, pm, from_logits, config.epsilon())

    def backward(dy):
        dy = np.asarray(dy, dtype=p.dtype)[..., None]
        g_out = _from_last(dy * grad, ax, p.ndim)
        g_t = _from_last(-dy * _class_log_probs(pm, from_logits), ax, p.ndim)
        return _out(g_t, dtype), _out(g_out, dtype)
    return _out(loss, dtype), backward


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Categorical cross-entropy of each sample (not reduced).

    `-sum(t * log(q), axis)` with `q = clip(output / sum(output, axis), epsilon,
    1 - epsilon)`, or `q = softmax(output, axis)` from logits.

    Args:
        target: One-hot (or soft) targets.
        output: Probabilities (or logits), of the shape of `target`.
        from_logits: Whether `output` holds logits. Defaults to `False`.
        axis: The class axis. Defaults to `-1`.

    Returns:
        A tensor of the shape of `output` without `axis`.

    Example:

    >>> categorical_crossentropy([[0.0, 1.0]], [[0.2, 0.8]])    # [0.22314]
    """
    return apply("categorical_crossentropy", _categorical_crossentropy, (target, output),
                 bool(from_logits), axis)


def _sparse_categorical_crossentropy(t, p, from_logits, axis):
    p, dtype = _float(p, "output")
    t = _array(t, "target")
    if p.ndim < 1:
        raise ValueError("Argument `output` must have rank >= 1. Received: output.shape=%s"
                         % (p.shape,))
    if t.ndim == p.ndim and t.shape[-1] == 1:
        t = t.reshape(t.shape[:-1])
    ax = _axis(axis, p.ndim)
    pm = _to_last(p, ax)
    if t.shape != pm.shape[:-1]:
        raise ValueError("Arguments `target` and `output` must have the same shape up until "
                         "the class axis. Received: target.shape=%s, output.shape=%s"
                         % (t.shape, p.shape))
    if np.issubdtype(t.dtype, np.floating) and t.size and not np.all(t == np.floor(t)):
        raise ValueError("Argument `target` must hold integer class ids. Received: %s" % (t,))
    loss, grad = _core.sparse_crossentropy(t.astype(np.int64), pm, from_logits,
                                           config.epsilon())

    def backward(dy):
        dy = np.asarray(dy, dtype=p.dtype)[..., None]
        return None, _out(_from_last(dy * grad, ax, p.ndim), dtype)
    return _out(loss, dtype), backward


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Categorical cross-entropy of each sample with integer targets (not reduced).

    `-log(q[target])` with q as in `categorical_crossentropy`.

    Args:
        target: Integer class ids, of the shape of `output` without `axis`
            (a trailing axis of size 1 is dropped).
        output: Probabilities (or logits).
        from_logits: Whether `output` holds logits. Defaults to `False`.
        axis: The class axis. Defaults to `-1`.

    Returns:
        A tensor of the shape of `target`.

    Example:

    >>> sparse_categorical_crossentropy([1], [[0.2, 0.8]])      # [0.22314]
    """
    return apply("sparse_categorical_crossentropy", _sparse_categorical_crossentropy,
                 (target, output), bool(from_logits), axis)


# --------------------------------------------------------------------------
# statistics and normalization

def _moments(a, axes, keepdims):
    a = _floats_np(a)
    ax = _axes(axes, a.ndim)
    n = int(np.prod([a.shape[i] for i in ax], dtype=np.int64))
    mean = np.mean(a, axis=ax, keepdims=True)
    centered = a - mean
    var = np.mean(np.square(centered), axis=ax, keepdims=True)
    kept = mean.shape

    def backward(dmean, dvar):
        dmean = np.reshape(dmean, kept)
        dvar = np.reshape(dvar, kept)
        return (((dmean + 2.0 * dvar * centered) / n).astype(a.dtype),)
    if not keepdims:
        mean, var = np.squeeze(mean, axis=ax), np.squeeze(var, axis=ax)
    return (mean.astype(a.dtype), var.astype(a.dtype)), backward


def moments(x, axes, keepdims=False, synchronized=False):
    """Mean and variance of `x` over `axes`.

    `mean = sum(x) / n`, `variance = sum((x - mean)**2) / n` (biased), n the
    number of elements reduced.

    Args:
        x: Input tensor.
        axes: The axis or axes to reduce.
        keepdims: Keep the reduced axes with size 1. Defaults to `False`.
        synchronized: Accepted for Keras compatibility (one device). Defaults to `False`.

    Returns:
        A tuple `(mean, variance)` of tensors.

    Example:

    >>> moments([[1.0, 3.0]], axes=[1])      # ([2.], [1.])
    """
    return apply("moments", _moments, (x,), axes, bool(keepdims))


def _normalize(a, axis, order, epsilon):
    a = _floats_np(a)
    if a.ndim == 0:
        a = a.reshape(1)
    ax = _axes(axis, a.ndim)
    tiny = 1.0 / epsilon
    if order == 2:
        ss = np.sum(np.square(a), axis=ax, keepdims=True)
        with np.errstate(divide="ignore"):
            inv = 1.0 / np.sqrt(ss)
        clamped = ~(inv < tiny)          # NaN-safe: x = 0 clamps too
        inv = np.where(clamped, tiny, inv)

        def backward(dy):
            dot = np.sum(dy * a, axis=ax, keepdims=True)
            g = dy * inv - np.where(clamped, 0.0, a * inv ** 3 * dot)
            return (g.astype(a.dtype),)
        return (a * inv).astype(a.dtype), backward
    absx = np.abs(a)
    norm = np.sum(absx ** order, axis=ax, keepdims=True) ** (1.0 / order)
    clamped = ~(norm > epsilon)
    denom = np.where(clamped, epsilon, norm)

    def backward(dy):
        dot = np.sum(dy * a, axis=ax, keepdims=True)
        with np.errstate(divide="ignore", invalid="ignore"):
            dnorm = np.sign(a) * absx ** (order - 1) / norm ** (order - 1)
        g = dy / denom - np.where(clamped, 0.0, dot / denom ** 2 * dnorm)
        return (g.astype(a.dtype),)
    return (a / denom).astype(a.dtype), backward


def normalize(x, axis=-1, order=2, epsilon=None):
    """Scales `x` to unit `order`-norm along `axis`.

    `x / max(norm(x, order, axis), epsilon)`; for order 2 this is
    `x * min(rsqrt(sum(x**2, axis)), 1 / epsilon)`.

    Args:
        x: Input tensor.
        axis: The axis to normalize along. Defaults to `-1`.
        order: The order of the norm, an int >= 1. Defaults to `2`.
        epsilon: Lower bound of the norm. Defaults to `config.epsilon()`.

    Example:

    >>> normalize([[3.0, 4.0]])              # [[0.6, 0.8]]
    """
    if isinstance(order, bool) or not isinstance(order, (int, np.integer)) or order < 1:
        raise ValueError("Argument `order` must be an int >= 1. Received: order=%r" % (order,))
    eps = config.epsilon() if epsilon is None else float(epsilon)
    return apply("normalize", _normalize, (x,), axis, int(order), eps)


# --------------------------------------------------------------------------
# encodings (not differentiable)

def _one_hot(a, num_classes, axis, dtype):
    a = _array(a, "x")
    if not (np.issubdtype(a.dtype, np.integer) or a.dtype == np.bool_):
        if a.size and not np.all(a == np.floor(a)):
            raise ValueError("one_hot: x must hold integer class ids. Received: %s" % (a,))
    ids = a.astype(np.int64)
    out = (ids[..., None] == np.arange(num_classes)).astype(dtype)   # -1 or >= n: all zero
    return np.moveaxis(out, -1, _axis(axis, out.ndim)), None


def _num_classes(num_classes):
    if isinstance(num_classes, bool) or not isinstance(num_classes, (int, np.integer)) \
            or num_classes < 1:
        raise ValueError("Argument `num_classes` must be a positive int. Received: "
                         "num_classes=%r" % (num_classes,))
    return int(num_classes)


def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    """One-hot encoding of integer ids: `out[..., j] = (x == j)`.

    Ids outside `[0, num_classes)` give an all-zero row.

    Args:
        x: Integer tensor of class ids.
        num_classes: The number of classes.
        axis: Where the class axis goes in the output. Defaults to `-1`.
        dtype: The output dtype. Defaults to `config.floatx()`.
        sparse: Must be `False` (nnlite has no sparse tensors). Defaults to `False`.

    Returns:
        A tensor of shape `x.shape` with a `num_classes` axis inserted at `axis`.

    Example:

    >>> one_hot([0, 2], 3)          # [[1., 0., 0.], [0., 0., 1.]]
    """
    if sparse:
        raise ValueError("one_hot: sparse=True is not supported by nnlite.")
    dtype = np.dtype(dtype or config.floatx())
    return apply("one_hot", _one_hot, (x,), _num_classes(num_classes), axis, dtype)


def _multi_hot(a, num_classes, axis, dtype):
    encoded, _ = _one_hot(a, num_classes, axis, dtype)
    reduce_axis = 1 if np.ndim(a) > 1 else 0
    return np.max(encoded, axis=reduce_axis), None


def multi_hot(inputs, num_classes=None, axis=-1, dtype=None, sparse=False, **kwargs):
    """Multi-hot encoding: the one-hot rows of each sample's ids combined by max.

    A 1-D `inputs` is one sample; an N-D one has samples along axis 0 and ids
    along axis 1.

    Args:
        inputs: Integer tensor of class ids.
        num_classes: The number of classes.
        axis: Where the class axis goes. Defaults to `-1`.
        dtype: The output dtype. Defaults to `config.floatx()`.
        sparse: Must be `False`. Defaults to `False`.

    Example:

    >>> multi_hot([[0, 2], [1, 1]], 3)      # [[1., 0., 1.], [0., 1., 0.]]
    """
    if num_classes is None:
        num_classes = kwargs.pop("num_tokens", None)
    if kwargs:
        raise ValueError("multi_hot: unexpected arguments %s" % sorted(kwargs))
    if sparse:
        raise ValueError("multi_hot: sparse=True is not supported by nnlite.")
    dtype = np.dtype(dtype or config.floatx())
    return apply("multi_hot", _multi_hot, (inputs,), _num_classes(num_classes), axis, dtype)
