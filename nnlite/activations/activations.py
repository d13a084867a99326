"""Activation functions on arrays, computed by the C core.

Each function takes an array-like `x` and returns a NumPy array of the same
shape (float64 stays float64, anything else becomes `floatx()`). Functions the
C core implements carry a `_nl_spec = (c_name, alpha)` attribute, which layers
use to run forward and backward passes in C.
"""
import functools

import numpy as np

from nnlite import _core, config
from nnlite.backend.tensor import is_tensor


def _as_float(x):
    x = np.asarray(x)
    # np.asarray(order="C"), not np.ascontiguousarray: that makes 0-d arrays 1-d
    if x.dtype == np.float64 or x.dtype == np.float32:
        return np.asarray(x, order="C")
    if not (np.issubdtype(x.dtype, np.number) or x.dtype == np.bool_):
        raise TypeError("Activations need a numeric array. Received: dtype=%s" % x.dtype)
    return np.asarray(x, dtype=config.floatx(), order="C")


def _spec(c_name, alpha=0.0):
    """Marks an activation the C core runs; called on a tensor with its
    default arguments it is the differentiable op (on the tape, as Keras's
    activations are ops), on arrays the plain function."""
    def mark(fn):
        @functools.wraps(fn)
        def activation(x, *args, **kwargs):
            if not args and not kwargs and is_tensor(x):
                from nnlite.ops import fused
                return fused.activation(x, c_name, alpha)
            return fn(x, *args, **kwargs)
        activation._nl_spec = (c_name, alpha)
        return activation
    return mark


@_spec("linear")
def linear(x):
    """Linear activation (identity): `linear(x) = x`."""
    return _as_float(x)


@_spec("relu")
def relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    """Rectified linear unit: `max(x, 0)`.

    Args:
        x: Input array.
        negative_slope: Slope for values below the threshold. Defaults to `0.0`.
        max_value: Upper bound of the output, if given. Defaults to `None`.
        threshold: Values below it are damped or set to zero. Defaults to `0.0`.
    """
    x = _as_float(x)
    if negative_slope == 0.0 and max_value is None and threshold == 0.0:
        return _core.activation_forward("relu", x)
    # Keras's composition: x where x > threshold (else 0), clipped to
    # [0, max_value], minus negative_slope * relu(threshold - x). With no
    # threshold it is relu itself, so NaN propagates as in Keras.
    y = np.where((x > threshold) | np.isnan(x), x, 0).astype(x.dtype) if threshold != 0.0 \
        else _core.activation_forward("relu", x)
    if max_value is not None:
        y = np.clip(y, 0, max_value).astype(x.dtype)
    if negative_slope != 0.0:
        y -= (negative_slope * np.maximum(threshold - x, 0)).astype(x.dtype)
    return y


@_spec("leaky_relu", 0.2)
def leaky_relu(x, negative_slope=0.2):
    """Leaky ReLU: `x if x > 0 else negative_slope * x`.

    Args:
        negative_slope: Slope for negative inputs. Defaults to `0.2`.
    """
    return _core.activation_forward("leaky_relu", _as_float(x), float(negative_slope))


@_spec("sigmoid")
def sigmoid(x):
    """Sigmoid: `1 / (1 + exp(-x))`."""
    return _core.activation_forward("sigmoid", _as_float(x))


@_spec("tanh")
def tanh(x):
    """Hyperbolic tangent: `(exp(x) - exp(-x)) / (exp(x) + exp(-x))`."""
    return _core.activation_forward("tanh", _as_float(x))


@_spec("softmax")
def softmax(x, axis=-1):
    """Softmax: `exp(x) / sum(exp(x))` along `axis` (stable: the maximum is subtracted).

    Args:
        axis: Axis along which the softmax normalizes. Defaults to `-1`.
    """
    x = _as_float(x)
    if x.ndim == 0:
        raise ValueError("softmax needs at least one dimension. Received: shape=()")
    if axis in (-1, x.ndim - 1):
        return _core.activation_forward("softmax", x)
    moved = np.ascontiguousarray(np.moveaxis(x, axis, -1))
    return np.ascontiguousarray(np.moveaxis(_core.activation_forward("softmax", moved), -1, axis))


@_spec("elu", 1.0)
def elu(x, alpha=1.0):
    """Exponential linear unit: `x if x > 0 else alpha * (exp(x) - 1)`.

    Args:
        alpha: Scale for the negative part. Defaults to `1.0`.
    """
    return _core.activation_forward("elu", _as_float(x), float(alpha))


@_spec("selu")
def selu(x):
    """Scaled ELU: `scale * elu(x, alpha)` with alpha ≈ 1.67326 and scale ≈ 1.05070."""
    return _core.activation_forward("selu", _as_float(x))


@_spec("softplus")
def softplus(x):
    """Softplus: `log(exp(x) + 1)`."""
    return _core.activation_forward("softplus", _as_float(x))


@_spec("softsign")
def softsign(x):
    """Softsign: `x / (abs(x) + 1)`."""
    return _core.activation_forward("softsign", _as_float(x))


@_spec("swish")
def silu(x):
    """Swish (SiLU): `x * sigmoid(x)`."""
    return _core.activation_forward("swish", _as_float(x))


swish = silu


@_spec("gelu")
def gelu(x, approximate=False):
    """Gaussian error linear unit: `x * P(X <= x)` for a standard normal X.

    Args:
        approximate: Use the tanh approximation. Defaults to `False`.
    """
    return _core.activation_forward("gelu", _as_float(x), 1.0 if approximate else 0.0)


@_spec("hard_sigmoid")
def hard_sigmoid(x):
    """Hard sigmoid: `relu6(x + 3) / 6`, i.e. `clip(x / 6 + 0.5, 0, 1)`."""
    return _core.activation_forward("hard_sigmoid", _as_float(x))


@_spec("exponential")
def exponential(x):
    """Exponential: `exp(x)`."""
    return _core.activation_forward("exponential", _as_float(x))
