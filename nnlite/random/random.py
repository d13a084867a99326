"""Random tensors, as `keras.random`: normal, uniform, truncated normal, integers,
shuffling, categorical sampling and dropout.

`seed` is an int (the same values at every call), a `SeedGenerator` (new
values at every call, reproducibly) or `None` (the global generator that
`nnlite.utils.set_random_seed` reseeds). Results are Tensors.
"""
import numpy as np

from nnlite import _core, config
from nnlite.backend.tensor import Tensor, apply, is_tensor, unwrap
from nnlite.random.seed_generator import draw_generator

__all__ = ["beta", "binomial", "categorical", "dropout", "gamma", "normal", "randint",
           "shuffle", "truncated_normal", "uniform"]


# --------------------------------------------------------------------------
# argument checks

def _shape(shape):
    seq = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
    for d in seq:
        if isinstance(d, bool) or not isinstance(d, (int, np.integer)) or d < 0:
            raise ValueError("Argument `shape` must be a tuple of non-negative ints. "
                             "Received: shape=%r" % (shape,))
    return tuple(int(d) for d in seq)


def _dtype(dtype, kind, fn_name):
    """The dtype for `fn_name`: floatx when None; `kind` "float" or "int" is required."""
    if dtype is None:
        dtype = config.floatx()
    try:
        dt = np.dtype(getattr(dtype, "name", dtype))
    except TypeError:
        raise ValueError("Invalid dtype: %r" % (dtype,)) from None
    ok = np.issubdtype(dt, np.floating) if kind == "float" else np.issubdtype(dt, np.integer)
    if not ok:
        what = "a floating point" if kind == "float" else "an integer"
        raise ValueError("`keras.random.%s` requires %s `dtype`. Received: dtype=%s"
                         % (fn_name, what, dt.name))
    return dt


def _number(x, name):
    value = np.asarray(unwrap(x))
    if not (np.issubdtype(value.dtype, np.number) or value.dtype == np.bool_):
        raise TypeError("Argument `%s` must be numeric. Received: %s=%r" % (name, name, x))
    return value


# --------------------------------------------------------------------------
# distributions

def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Values from a normal distribution: `mean + stddev * N(0, 1)`.

    Args:
        shape: The shape of the result.
        mean: The mean. Defaults to `0.0`.
        stddev: The standard deviation. Defaults to `1.0`.
        dtype: A float dtype. Defaults to `config.floatx()`.
        seed: An int, a `SeedGenerator` or `None`. Defaults to `None`.

    Example:

    >>> normal((2, 3), seed=1).shape        # (2, 3)
    """
    shape, dt = _shape(shape), _dtype(dtype, "float", "normal")
    rng = draw_generator(seed)
    value = _number(mean, "mean") + _number(stddev, "stddev") * rng.standard_normal(shape)
    return Tensor(value.astype(dt))


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    """Values from a uniform distribution on `[minval, maxval)`.

    Args:
        shape: The shape of the result.
        minval: The lower bound (included). Defaults to `0.0`.
        maxval: The upper bound (excluded). Defaults to `1.0`.
        dtype: A float dtype. Defaults to `config.floatx()`.
        seed: An int, a `SeedGenerator` or `None`. Defaults to `None`.
    """
    shape, dt = _shape(shape), _dtype(dtype, "float", "uniform")
    lo, hi = _number(minval, "minval"), _number(maxval, "maxval")
    value = lo + (hi - lo) * draw_generator(seed).random(shape)
    return Tensor(value.astype(dt))


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Normal values with those beyond two standard deviations redrawn.

    Args:
        shape: The shape of the result.
        mean: The mean of the untruncated distribution. Defaults to `0.0`.
        stddev: Its standard deviation. Defaults to `1.0`.
        dtype: A float dtype. Defaults to `config.floatx()`.
        seed: An int, a `SeedGenerator` or `None`. Defaults to `None`.
    """
    shape, dt = _shape(shape), _dtype(dtype, "float", "truncated_normal")
    rng = draw_generator(seed)
    z = rng.standard_normal(shape)
    bad = np.abs(z) > 2.0
    while bad.any():               # each pass keeps ~95% of the redrawn values
        z[bad] = rng.standard_normal(int(bad.sum()))
        bad = np.abs(z) > 2.0
    value = _number(mean, "mean") + _number(stddev, "stddev") * z
    return Tensor(value.astype(dt))


def randint(shape, minval, maxval, dtype="int32", seed=None):
    """Integers from a uniform distribution on `[minval, maxval)`.

    Args:
        shape: The shape of the result.
        minval: The lowest value (included).
        maxval: The upper bound (excluded).
        dtype: An integer dtype. Defaults to `"int32"`.
        seed: An int, a `SeedGenerator` or `None`. Defaults to `None`.

    Example:

    >>> randint((4,), 0, 10, seed=3)        # int32 values in [0, 10)
    """
    shape, dt = _shape(shape), _dtype(dtype, "int", "randint")
    lo, hi = _number(minval, "minval"), _number(maxval, "maxval")
    if np.any(hi <= lo):
        raise ValueError("randint needs minval < maxval. Received: minval=%r, maxval=%r"
                         % (minval, maxval))
    value = draw_generator(seed).integers(lo, hi, size=shape)
    return Tensor(value.astype(dt))


def gamma(shape, alpha, dtype=None, seed=None):
    """Values from a gamma distribution with shape `alpha` and scale 1.

    Args:
        shape: The shape of the result.
        alpha: The concentration, > 0.
        dtype: A float dtype. Defaults to `config.floatx()`.
        seed: An int, a `SeedGenerator` or `None`. Defaults to `None`.
    """
    shape, dt = _shape(shape), _dtype(dtype, "float", "gamma")
    value = draw_generator(seed).gamma(_number(alpha, "alpha"), 1.0, size=shape)
    return Tensor(value.astype(dt))


def binomial(shape, counts, probabilities, dtype=None, seed=None):
    """Values from a binomial distribution: successes in `counts` trials.

    Args:
        shape: The shape of the result.
        counts: The number of trials (broadcast to `shape`).
        probabilities: The success probability of a trial (broadcast to `shape`).
        dtype: The result dtype. Defaults to `config.floatx()`.
        seed: An int, a `SeedGenerator` or `None`. Defaults to `None`.
    """
    shape = _shape(shape)
    dt = np.dtype(dtype or config.floatx())
    n = _number(counts, "counts").astype(np.int64)
    p = _number(probabilities, "probabilities")
    value = draw_generator(seed).binomial(n, p, size=shape)
    return Tensor(value.astype(dt))


def beta(shape, alpha, beta, dtype=None, seed=None):
    """Values from a beta distribution with concentrations `alpha` and `beta`.

    Args:
        shape: The shape of the result.
        alpha: First concentration, > 0.
        beta: Second concentration, > 0.
        dtype: A float dtype. Defaults to `config.floatx()`.
        seed: An int, a `SeedGenerator` or `None`. Defaults to `None`.
    """
    shape, dt = _shape(shape), _dtype(dtype, "float", "beta")
    value = draw_generator(seed).beta(_number(alpha, "alpha"), _number(beta, "beta"),
                                      size=shape)
    return Tensor(value.astype(dt))


# --------------------------------------------------------------------------
# sampling from data

def categorical(logits, num_samples, dtype="int32", seed=None):
    """Class ids drawn from the categorical distributions `softmax(logits)`.

    Args:
        logits: A 2-D tensor `(batch_size, num_classes)` of unnormalized
            log-probabilities.
        num_samples: How many ids to draw per row.
        dtype: An integer dtype. Defaults to `"int32"`.
        seed: An int, a `SeedGenerator` or `None`. Defaults to `None`.

    Returns:
        A tensor of shape `(batch_size, num_samples)`.
    """
    lg = _number(logits, "logits").astype(np.float64)
    if lg.ndim != 2:
        raise ValueError("`logits` should be a 2-D tensor with shape "
                         "[batch_size, num_classes]. Received: logits.shape=%s" % (lg.shape,))
    if isinstance(num_samples, bool) or not isinstance(num_samples, (int, np.integer)) \
            or num_samples < 0:
        raise ValueError("Argument `num_samples` must be a non-negative int. Received: "
                         "num_samples=%r" % (num_samples,))
    dt = _dtype(dtype, "int", "categorical")
    rng = draw_generator(seed)
    # the Gumbel-max trick: argmax(logits + Gumbel noise) is a draw from softmax(logits)
    gumbel = -np.log(-np.log(rng.random((lg.shape[0], int(num_samples), lg.shape[1]))
                             + 1e-300) + 1e-300)
    return Tensor(np.argmax(lg[:, None, :] + gumbel, axis=-1).astype(dt))


def _shuffle(x, axis, rng):
    x = np.asarray(x)
    if x.ndim == 0:
        raise ValueError("shuffle needs a tensor of rank >= 1. Received: shape=()")
    if not -x.ndim <= axis < x.ndim:
        raise ValueError("axis %d is out of bounds for a tensor of rank %d" % (axis, x.ndim))
    perm = rng.permutation(x.shape[axis])

    def backward(dy):
        g = np.empty_like(dy)
        idx = [slice(None)] * dy.ndim
        idx[axis] = perm
        g[tuple(idx)] = dy
        return (g,)
    return np.take(x, perm, axis=axis), backward


def shuffle(x, axis=0, seed=None):
    """`x` with its slices along `axis` in a random order (differentiable).

    Args:
        x: The tensor to shuffle.
        axis: The axis to shuffle along. Defaults to `0`.
        seed: An int, a `SeedGenerator` or `None`. Defaults to `None`.
    """
    if not is_tensor(x):
        x = np.asarray(x)
    return apply("shuffle", _shuffle, (x,), int(axis), draw_generator(seed))


# --------------------------------------------------------------------------
# dropout

def _noise_shape(noise_shape, shape):
    if noise_shape is None:
        return None
    ns = tuple(shape[i] if d is None else d for i, d in enumerate(noise_shape))
    if len(ns) != len(shape) or any(d not in (1, s) for d, s in zip(ns, shape)):
        raise ValueError("Argument `noise_shape` must broadcast to the input shape %s. "
                         "Received: noise_shape=%r" % (shape, noise_shape))
    return None if ns == tuple(shape) else ns


def _dropout(x, rate, noise_shape, key):
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(config.floatx())
    work = x if x.dtype in (np.float32, np.float64) else x.astype(np.float32)
    ns = _noise_shape(noise_shape, x.shape)
    if ns is None:   # the mask is recomputed from the key in the backward pass
        y = _core.dropout_forward(work, key, rate)

        def backward(dy):
            return (_core.dropout_backward(np.asarray(dy, dtype=work.dtype), key,
                                           rate).astype(x.dtype),)
        return y.astype(x.dtype), backward
    mask = _core.dropout_mask(ns, work.dtype, key, rate)

    def backward(dy):
        return ((dy * mask).astype(x.dtype),)
    return (work * mask).astype(x.dtype), backward


def dropout(inputs, rate, noise_shape=None, seed=None):
    """Inverted dropout: each element is zeroed with probability `rate`, the
    others are scaled by `1 / (1 - rate)` (differentiable, the gradient passes
    through the same mask).

    Args:
        inputs: The input tensor.
        rate: The fraction of elements to drop, in [0, 1].
        noise_shape: The shape of the mask, broadcast to the input's (entries
            may be `None` for the input's size). Defaults to `None` (the input's shape).
        seed: An int, a `SeedGenerator` or `None`. Defaults to `None`.

    Example:

    >>> dropout(np.ones((2, 4)), 0.5, seed=1)   # entries 0 or 2
    """
    rate = float(rate)
    if not 0.0 <= rate <= 1.0:
        raise ValueError("Argument `rate` must lie in [0, 1]. Received: rate=%r" % (rate,))
    if not is_tensor(inputs):
        inputs = np.asarray(inputs)
    key = int(draw_generator(seed).integers(0, 2 ** 64, dtype=np.uint64))
    return apply("dropout", _dropout, (inputs,), rate, noise_shape, key)
