"""The one module that touches nnlite's C core (`nnlite._nnlite`).

Every function here checks dtypes, shapes and memory layout, raises a Python
exception naming the problem, and only then passes the arrays to C
(`ffi.from_buffer`). Inputs the C code could not read as they are (not aligned
to their item size, not contiguous, negative strides) are copied into an
aligned C-contiguous array first (`_in`, `_in_rows`); arrays C writes in place
are never copied, so an unaligned one is refused (`_out`). The rest of nnlite
calls these functions and never sees `ffi` or `lib`.
"""
import math
import os
import sys
import threading

import numpy as np

from nnlite._nnlite import ffi, lib

_STATUS = {
    lib.NL_EINVAL: (ValueError, "invalid argument"),
    lib.NL_ENOMEM: (MemoryError, "out of memory"),
    lib.NL_ERANGE: (ValueError, "label out of range"),
    lib.NL_ENONFINITE: (ValueError, "input contains NaN or infinite values"),
}

_FLOAT_TYPES = {np.dtype(np.float32): "float", np.dtype(np.float64): "double"}
_PREFIX = {np.dtype(np.float32): "s", np.dtype(np.float64): "d"}

ACTIVATIONS = {
    "linear": lib.NL_ACT_LINEAR,
    "relu": lib.NL_ACT_RELU,
    "sigmoid": lib.NL_ACT_SIGMOID,
    "tanh": lib.NL_ACT_TANH,
    "softmax": lib.NL_ACT_SOFTMAX,
    "leaky_relu": lib.NL_ACT_LEAKY_RELU,
    "elu": lib.NL_ACT_ELU,
    "selu": lib.NL_ACT_SELU,
    "softplus": lib.NL_ACT_SOFTPLUS,
    "softsign": lib.NL_ACT_SOFTSIGN,
    "swish": lib.NL_ACT_SWISH,
    "gelu": lib.NL_ACT_GELU,
    "hard_sigmoid": lib.NL_ACT_HARD_SIGMOID,
    "exponential": lib.NL_ACT_EXPONENTIAL,
}

LOSSES = {
    "mean_squared_error": lib.NL_LOSS_MSE,
    "mean_absolute_error": lib.NL_LOSS_MAE,
    "binary_crossentropy": lib.NL_LOSS_BCE,
    "categorical_crossentropy": lib.NL_LOSS_CCE,
}


def version():
    """Returns the version string compiled into the C core."""
    return ffi.string(lib.nl_version()).decode("ascii")


# --------------------------------------------------------------------------
# run-time configuration

ISAS = ("ref", "avx2", "avx512")


def isa():
    """The instruction set the GEMM micro-kernels use: "avx512", "avx2" or "ref"."""
    return ffi.string(lib.nl_isa_name()).decode("ascii")


def isa_supported(name):
    """Whether this CPU and build can run the named instruction-set path."""
    return bool(lib.nl_isa_supported(name.encode("ascii")))


def set_isa(name):
    """Switches the GEMM micro-kernels to "avx512", "avx2" or "ref"."""
    if name not in ISAS:
        raise ValueError("Unknown instruction set %r. Expected one of %s" % (name, ISAS))
    if lib.nl_set_isa(name.encode("ascii")) != lib.NL_OK:
        raise ValueError("The %r path is not available on this CPU or build" % (name,))


def get_num_threads():
    return int(lib.nl_get_num_threads())


def set_num_threads(n):
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError("The number of threads must be a positive integer. Received: %r" % (n,))
    _check(lib.nl_set_num_threads(int(n)), "set_num_threads")


def keep_freed_memory(nbytes):
    """Keeps up to `nbytes` of freed heap memory mapped for reuse (see
    `nl_keep_freed_memory`). Set once at import to 256 MB, or to
    NNLITE_KEEP_FREED_MB megabytes (0: the C library's own policy)."""
    if isinstance(nbytes, bool) or not isinstance(nbytes, (int, np.integer)) or nbytes < 0:
        raise ValueError("nbytes must be a non-negative integer. Received: %r" % (nbytes,))
    _check(lib.nl_keep_freed_memory(int(nbytes)), "keep_freed_memory")


# --------------------------------------------------------------------------
# argument checks

def _check(status, what):
    if status != lib.NL_OK:
        exc, text = _STATUS.get(status, (RuntimeError, "error %d" % status))
        raise exc("%s: %s" % (what, text))


# A training step frees and re-allocates the same activations every step:
# without this, each multi-megabyte one comes back as fresh zeroed pages (a
# page fault per 4 KB). NNLITE_KEEP_FREED_MB=0 leaves the allocator alone.
_KEEP_FREED_MB = os.environ.get("NNLITE_KEEP_FREED_MB", "256")
if _KEEP_FREED_MB.strip() not in ("", "0"):
    keep_freed_memory(int(_KEEP_FREED_MB) << 20)


def _float_dtype(name, arr):
    if not isinstance(arr, np.ndarray):
        raise TypeError("%s must be a NumPy array. Received: %s" % (name, type(arr).__name__))
    if arr.dtype not in _FLOAT_TYPES:
        raise TypeError(
            "%s must have dtype float32 or float64. Received: dtype=%s" % (name, arr.dtype))
    return arr.dtype


def _same_dtype(dtype, **arrays):
    for name, arr in arrays.items():
        if arr is None or (type(arr) is np.ndarray and arr.dtype == dtype):
            continue
        d = _float_dtype(name, arr)
        if d != dtype:
            raise TypeError("%s has dtype %s but %s is expected" % (name, d, dtype))


def _contiguous(name, arr):
    if not arr.flags.c_contiguous:
        raise ValueError("%s must be C-contiguous" % name)


def _in(arr):
    """An input array as the C core reads it: aligned and C-contiguous.

    Returned as is when it already is (no copy), else copied. C loads floats
    and integers through typed pointers, so an array misaligned for its dtype
    (e.g. `np.frombuffer(buf, np.float32, offset=1)`) would be undefined
    behaviour there."""
    if arr is None:
        return arr
    flags = arr.flags
    if flags.c_contiguous and flags.aligned:
        return arr
    return np.array(arr, order="C")    # a new array: aligned


def _in_rows(arr):
    """A 2-D input passed with a leading dimension: kept (no copy) when it is
    aligned with contiguous rows and a positive row stride (a slice of rows or
    columns of a larger array), else copied into an aligned C-contiguous array."""
    if arr.flags.aligned:
        if arr.flags.c_contiguous or arr.size == 0:
            return arr
        isz = arr.itemsize
        rows, cols = arr.shape
        if (cols <= 1 or arr.strides[1] == isz) and (
                rows <= 1 or (arr.strides[0] >= cols * isz and arr.strides[0] % isz == 0)):
            return arr
    return np.array(arr, order="C")


def _int_in(arr, dtype=np.int64):
    """An integer input as C reads it: `dtype`, aligned, C-contiguous (copied if not)."""
    return np.require(arr, dtype=dtype, requirements=("C", "A"))


def _out(name, arr):
    """Refuses an output array C could not write as it is. An output is written
    in place, so a copy would lose the result: it must be aligned."""
    if not arr.flags.aligned:
        raise ValueError("%s is not aligned to its %d-byte items (data address %#x, strides "
                         "%s); the C core writes it in place. Pass an aligned array, e.g. one "
                         "made by np.empty or np.ascontiguousarray"
                         % (name, arr.itemsize, arr.ctypes.data, arr.strides))


def _writable(name, arr):
    if not arr.flags.writeable:
        raise ValueError("%s must be writable" % name)


def _ndim(name, arr, ndim):
    if arr.ndim != ndim:
        raise ValueError(
            "%s must have %d dimensions. Received: shape=%s" % (name, ndim, arr.shape))


def _shape(name, arr, shape):
    if arr.shape != tuple(shape):
        raise ValueError(
            "%s must have shape %s. Received: shape=%s" % (name, tuple(shape), arr.shape))


def _ld(name, arr):
    """Leading dimension of a 2-D array whose rows are contiguous."""
    isz = arr.itemsize
    if arr.size == 0:  # NumPy gives empty arrays zero strides; nothing is read
        return max(arr.shape[1], 1)
    if arr.shape[1] > 1 and arr.strides[1] != isz:
        raise ValueError("%s must have contiguous rows (strides=%s)" % (name, arr.strides))
    if arr.shape[0] <= 1:
        return max(arr.shape[1], 1)
    if arr.strides[0] % isz or arr.strides[0] < arr.shape[1] * isz:
        raise ValueError("%s has an unsupported row stride (strides=%s)" % (name, arr.strides))
    return arr.strides[0] // isz


_ARRAY_TYPES = {np.dtype(np.float32): "float[]", np.dtype(np.float64): "double[]"}
_POINTER_TYPES = {np.dtype(np.float32): "float *", np.dtype(np.float64): "double *"}


def _ptr(dtype, arr):
    """A C pointer to the first element, without copying. The callers pass
    inputs through `_in` / `_in_rows` and check outputs with `_out`; an
    unaligned array reaching this point is a bug in this module, refused here
    rather than handed to C."""
    if arr is None:
        return ffi.NULL
    flags = arr.flags
    if not flags.aligned:
        raise ValueError("internal error: an unaligned array reached the C core call")
    if flags.c_contiguous:
        return ffi.from_buffer(_ARRAY_TYPES[dtype], arr)   # the fast path
    return ffi.cast(_POINTER_TYPES[dtype], arr.ctypes.data)  # row-strided views


_FN_CACHE = {}


def _fn(dtype, name):
    key = (dtype, name)
    fn = _FN_CACHE.get(key)
    if fn is None:
        fn = _FN_CACHE[key] = getattr(lib, "nl_" + _PREFIX[dtype] + name)
    return fn


def _as_2d(arr):
    """Views an array as rows over its last axis (m x n)."""
    if arr.ndim == 0:
        return arr.reshape(1, 1)
    return arr.reshape(-1, arr.shape[-1]) if arr.ndim != 2 else arr


# --------------------------------------------------------------------------
# GEMM

def gemm(a, b, c=None, trans_a=False, trans_b=False, alpha=1.0, beta=0.0):
    """C = alpha * op(A) @ op(B) + beta * C on 2-D float arrays.

    Rows of a, b and c must be contiguous; wider row strides (slices of a
    larger array) are passed as leading dimensions, so no copies are made.
    When `c` is None a new array is returned (beta is then ignored).
    """
    dtype = _float_dtype("a", a)
    _same_dtype(dtype, b=b, c=c)
    _ndim("a", a, 2)
    _ndim("b", b, 2)
    a, b = _in_rows(a), _in_rows(b)
    m, ka = (a.shape[1], a.shape[0]) if trans_a else a.shape
    kb, n = (b.shape[1], b.shape[0]) if trans_b else b.shape
    if ka != kb:
        raise ValueError(
            "Inner dimensions do not match: op(a) is %dx%d and op(b) is %dx%d"
            % (m, ka, kb, n))
    if c is None:
        c = np.empty((m, n), dtype=dtype)
        beta = 0.0
    else:
        _ndim("c", c, 2)
        _shape("c", c, (m, n))
        _writable("c", c)
        _out("c", c)
    if m == 0 or n == 0:
        return c
    if a.flags.c_contiguous and b.flags.c_contiguous and c.flags.c_contiguous and ka:
        lda, ldb, ldc = a.shape[1], b.shape[1], n    # the common case, checked cheaply
    else:
        lda, ldb, ldc = _ld("a", a), _ld("b", b), _ld("c", c)
    status = _fn(dtype, "gemm")(1 if trans_a else 0, 1 if trans_b else 0, m, n, ka,
                                alpha, _ptr(dtype, a), lda, _ptr(dtype, b), ldb,
                                beta, _ptr(dtype, c), ldc)
    if status:
        _check(status, "gemm")
    return c


def dense_forward(x, kernel, bias=None, activation=None, alpha=0.0, z=None, y=None):
    """Fused `z = x @ kernel + bias`, `y = f(z)` in one sweep over the output.

    `activation` is an elementwise C-core activation name or None. With `y`
    None and an activation, f is applied in place (`y` is `z`). Returns (z, y).
    """
    dtype = _float_dtype("x", x)
    _same_dtype(dtype, kernel=kernel, bias=bias, z=z, y=y)
    _ndim("x", x, 2)
    _ndim("kernel", kernel, 2)
    x, kernel = _in_rows(x), _in_rows(kernel)
    m, k = x.shape
    if kernel.shape[0] != k:
        raise ValueError("x has %d features but the kernel expects %d" % (k, kernel.shape[0]))
    n = kernel.shape[1]
    if bias is not None:
        _shape("bias", bias, (n,))
        bias = _in(bias)
    act = -1
    if activation is not None and activation != "linear":
        if activation == "softmax":
            raise ValueError("softmax is row-wise and cannot be fused into the GEMM")
        act = _act_id(activation)
    if z is None:
        z = np.empty((m, n), dtype=dtype)
    _shape("z", z, (m, n))
    _writable("z", z)
    _out("z", z)
    if act >= 0:
        if y is None:
            y = z
        _shape("y", y, (m, n))
        _writable("y", y)
        _out("y", y)
    else:
        y = z
    if m == 0 or n == 0:
        return z, y
    status = _fn(dtype, "gemm_bias_act")(
        0, 0, m, n, k, 1.0, _ptr(dtype, x), _ld("x", x), _ptr(dtype, kernel), _ld("kernel", kernel),
        0.0, _ptr(dtype, z), _ld("z", z), _ptr(dtype, bias), act, alpha, _ptr(dtype, y),
        _ld("y", y))
    _check(status, "dense_forward")
    return z, y


# --------------------------------------------------------------------------
# bias

def bias_add(y, b):
    """y[..., j] += b[j] in place; returns y."""
    dtype = _float_dtype("y", y)
    _same_dtype(dtype, b=b)
    b = _in(b)
    _writable("y", y)
    _out("y", y)
    y2 = _as_2d(y) if y.flags.c_contiguous else y
    _ndim("y", y2, 2)
    _shape("b", b, (y2.shape[1],))
    if y2.size:
        _fn(dtype, "bias_add")(y2.shape[0], y2.shape[1], _ptr(dtype, b), _ptr(dtype, y2), _ld("y", y2))
    return y


def bias_backward(dy, db=None):
    """db[j] = sum over all leading axes of dy[..., j]; returns db."""
    dtype = _float_dtype("dy", dy)
    dy2 = _in_rows(dy) if dy.ndim == 2 else _as_2d(_in(dy))
    _ndim("dy", dy2, 2)
    if db is None:
        db = np.empty(dy2.shape[1], dtype=dtype)
    _same_dtype(dtype, db=db)
    _shape("db", db, (dy2.shape[1],))
    _contiguous("db", db)
    _writable("db", db)
    _out("db", db)
    _fn(dtype, "bias_backward")(dy2.shape[0], dy2.shape[1], _ptr(dtype, dy2), _ld("dy", dy2),
                                _ptr(dtype, db))
    return db


# --------------------------------------------------------------------------
# activations

def _act_id(name):
    try:
        return ACTIVATIONS[name]
    except KeyError:
        raise ValueError("Unknown activation for the C core: %r" % (name,)) from None


def activation_forward(name, x, alpha=0.0, out=None):
    """y = f(x) for a named activation; softmax runs over the last axis."""
    act = _act_id(name)
    dtype = _float_dtype("x", x)
    x = _in(x)
    if out is None:
        out = np.empty_like(x)
    _same_dtype(dtype, out=out)
    _shape("out", out, x.shape)
    _contiguous("out", out)
    _writable("out", out)
    _out("out", out)
    if x.size:
        x2 = _as_2d(x)
        _check(_fn(dtype, "activation_forward")(act, x2.shape[0], x2.shape[1], alpha,
                                                _ptr(dtype, x), _ptr(dtype, out)),
               "activation_forward")
    return out


def activation_backward(name, x, y, dy, alpha=0.0, out=None):
    """dx = dy * f'(x), with x the pre-activation and y = f(x)."""
    act = _act_id(name)
    dtype = _float_dtype("x", x)
    _same_dtype(dtype, y=y, dy=dy)
    for nm, arr in (("x", x), ("y", y), ("dy", dy)):
        _shape(nm, arr, x.shape)
    x, y, dy = _in(x), _in(y), _in(dy)
    if out is None:
        out = np.empty_like(x)
    _same_dtype(dtype, out=out)
    _shape("out", out, x.shape)
    _contiguous("out", out)
    _writable("out", out)
    _out("out", out)
    if x.size:
        x2 = _as_2d(x)
        _check(_fn(dtype, "activation_backward")(act, x2.shape[0], x2.shape[1], alpha,
                                                 _ptr(dtype, x), _ptr(dtype, y),
                                                 _ptr(dtype, dy), _ptr(dtype, out)),
               "activation_backward")
    return out


# --------------------------------------------------------------------------
# losses

# every loss the C core computes (the compiled plan knows only LOSSES)
ALL_LOSSES = dict(
    LOSSES,
    huber=lib.NL_LOSS_HUBER,
    log_cosh=lib.NL_LOSS_LOG_COSH,
    mean_absolute_percentage_error=lib.NL_LOSS_MAPE,
    mean_squared_logarithmic_error=lib.NL_LOSS_MSLE,
    hinge=lib.NL_LOSS_HINGE,
    squared_hinge=lib.NL_LOSS_SQUARED_HINGE,
    categorical_hinge=lib.NL_LOSS_CATEGORICAL_HINGE,
    kl_divergence=lib.NL_LOSS_KLD,
    poisson=lib.NL_LOSS_POISSON,
    cosine_similarity=lib.NL_LOSS_COSINE,
    binary_focal_crossentropy=lib.NL_LOSS_FOCAL,
)
# the parameters each loss takes, in the order of the C `params` array
LOSS_PARAMS = {
    "huber": ("delta",),
    "binary_focal_crossentropy": ("gamma", "alpha", "apply_class_balancing"),
}


def loss(name, y_true, y_pred, from_logits=False, epsilon=1e-7, scale=1.0,
         sample_weight=None, want_grad=True, params=None):
    """Per-sample loss (over the last axis) and, optionally, its gradient.

    Returns (loss, grad) where loss has shape y_pred.shape[:-1] and grad
    (or None) has the shape of y_pred and equals
    scale * sample_weight[i] * d loss[i] / d y_pred[i, :]. `params` maps the
    names in LOSS_PARAMS[name] to numbers (missing ones take Keras's defaults).
    """
    try:
        kind = ALL_LOSSES[name]
    except KeyError:
        raise ValueError("Unknown loss for the C core: %r" % (name,)) from None
    names = LOSS_PARAMS.get(name, ())
    if params:
        unknown = set(params) - set(names)
        if unknown:
            raise ValueError("Loss %r takes no parameter(s) %s" % (name, sorted(unknown)))
        if len(params) != len(names):
            raise ValueError("Loss %r needs all of its parameters %s. Received: %s"
                             % (name, names, sorted(params)))
    dtype = _float_dtype("y_pred", y_pred)
    _same_dtype(dtype, y_true=y_true, sample_weight=sample_weight)
    if y_pred.ndim < 1:
        raise ValueError("y_pred must have at least 1 dimension. Received: shape=()")
    if y_true.shape != y_pred.shape:
        raise ValueError("y_true and y_pred must have the same shape. Received: "
                         "y_true.shape=%s, y_pred.shape=%s" % (y_true.shape, y_pred.shape))
    y_true, y_pred = _in(y_true), _in(y_pred)
    p2 = _as_2d(y_pred)
    m, n = p2.shape
    if sample_weight is not None:
        sample_weight = _in(sample_weight)
        if sample_weight.size != m:
            raise ValueError("sample_weight must have one value per sample (%d). Received: "
                             "shape=%s" % (m, sample_weight.shape))
    out = np.empty(y_pred.shape[:-1], dtype=dtype)
    grad = np.empty_like(y_pred) if want_grad else None
    cparams = ffi.NULL
    if params:
        values = [float(params[k]) for k in names]
        if not all(np.isfinite(values)):
            raise ValueError("Loss %r: parameters must be finite. Received: %s" % (name, params))
        cparams = ffi.new("%s[]" % _FLOAT_TYPES[dtype], values)
    if y_pred.size:
        _check(_fn(dtype, "loss_ex")(kind, int(bool(from_logits)), m, n, epsilon, cparams,
                                     _ptr(dtype, y_true), _ptr(dtype, y_pred), _ptr(dtype, out),
                                     scale, _ptr(dtype, sample_weight), _ptr(dtype, grad)),
               name)
    return out, grad


def sparse_crossentropy(labels, y_pred, from_logits=False, epsilon=1e-7, scale=1.0,
                        sample_weight=None, want_grad=True):
    """Sparse categorical cross-entropy with integer labels (shape y_pred.shape[:-1])."""
    dtype = _float_dtype("y_pred", y_pred)
    _same_dtype(dtype, sample_weight=sample_weight)
    y_pred = _in(y_pred)
    if y_pred.ndim < 1:
        raise ValueError("y_pred must have at least 1 dimension. Received: shape=()")
    if labels.shape != y_pred.shape[:-1]:
        raise ValueError("labels must have shape %s. Received: shape=%s"
                         % (y_pred.shape[:-1], labels.shape))
    lab = _int_in(labels)
    p2 = _as_2d(y_pred)
    m, n = p2.shape
    if sample_weight is not None:
        sample_weight = _in(sample_weight)
        if sample_weight.size != m:
            raise ValueError("sample_weight must have one value per sample (%d). Received: "
                             "shape=%s" % (m, sample_weight.shape))
    out = np.empty(y_pred.shape[:-1], dtype=dtype)
    grad = np.empty_like(y_pred) if want_grad else None
    if y_pred.size:
        status = _fn(dtype, "sparse_crossentropy")(
            int(bool(from_logits)), m, n, epsilon, ffi.from_buffer("int64_t[]", lab),
            _ptr(dtype, y_pred), _ptr(dtype, out), scale, _ptr(dtype, sample_weight),
            _ptr(dtype, grad))
        if status == lib.NL_ERANGE:
            raise ValueError("sparse_categorical_crossentropy: labels must lie in [0, %d). "
                             "Received labels from %d to %d" % (n, lab.min(), lab.max()))
        _check(status, "sparse_categorical_crossentropy")
    return out, grad


# --------------------------------------------------------------------------
# optimizer updates (in place)

def _in_place(name, arr):
    """Refuses an array C updates in place unless C-contiguous, writable and aligned."""
    flags = arr.flags
    if not (flags.c_contiguous and flags.writeable and flags.aligned):
        _contiguous(name, arr)
        _writable(name, arr)
        _out(name, arr)


def _update_args(w, g, *state):
    dtype = _float_dtype("variable", w)
    if type(g) is not np.ndarray or g.dtype != dtype:
        _same_dtype(dtype, gradient=g)
    _in_place("variable", w)
    if g.shape != w.shape:
        raise ValueError("gradient shape %s does not match variable shape %s" % (g.shape, w.shape))
    for s in state:
        if s is not None:
            if type(s) is not np.ndarray or s.dtype != dtype:
                _same_dtype(dtype, state=s)
            _in_place("optimizer state", s)
            if s.shape != w.shape:
                raise ValueError("optimizer state shape %s does not match variable shape %s"
                                 % (s.shape, w.shape))
    return dtype, _in(g)


def sgd_update(w, g, lr, momentum=0.0, nesterov=False, m=None):
    dtype, g = _update_args(w, g, m)
    if momentum != 0.0 and m is None:
        raise ValueError("sgd_update: momentum needs a state array m")
    _fn(dtype, "sgd_update")(w.size, lr, momentum, int(bool(nesterov)), _ptr(dtype, g),
                             _ptr(dtype, w), _ptr(dtype, m))


def _required(name, arr):
    if arr is None:
        raise ValueError("%s: optimizer state array is required, got None" % name)


def rmsprop_update(w, g, lr, rho, momentum, epsilon, centered, v, mg=None, m=None):
    _required("rmsprop_update v", v)
    dtype, g = _update_args(w, g, v, mg, m)
    if centered and mg is None:
        raise ValueError("rmsprop_update: centered needs a state array mg")
    if momentum > 0 and m is None:
        raise ValueError("rmsprop_update: momentum needs a state array m")
    _fn(dtype, "rmsprop_update")(w.size, lr, rho, momentum, epsilon, int(bool(centered)),
                                 _ptr(dtype, g), _ptr(dtype, w), _ptr(dtype, v),
                                 _ptr(dtype, mg), _ptr(dtype, m))


def adam_update(w, g, alpha, beta1, beta2, epsilon, m, v, vhat=None):
    _required("adam_update m", m)
    _required("adam_update v", v)
    dtype, g = _update_args(w, g, m, v, vhat)
    _fn(dtype, "adam_update")(w.size, alpha, beta1, beta2, epsilon, _ptr(dtype, g),
                              _ptr(dtype, w), _ptr(dtype, m), _ptr(dtype, v),
                              _ptr(dtype, vhat))


def adagrad_update(w, g, lr, epsilon, acc):
    _required("adagrad_update acc", acc)
    dtype, g = _update_args(w, g, acc)
    _fn(dtype, "adagrad_update")(w.size, lr, epsilon, _ptr(dtype, g), _ptr(dtype, w),
                                 _ptr(dtype, acc))


def adadelta_update(w, g, lr, rho, epsilon, acc_g, acc_d):
    _required("adadelta_update acc_g", acc_g)
    _required("adadelta_update acc_d", acc_d)
    dtype, g = _update_args(w, g, acc_g, acc_d)
    _fn(dtype, "adadelta_update")(w.size, lr, rho, epsilon, _ptr(dtype, g), _ptr(dtype, w),
                                  _ptr(dtype, acc_g), _ptr(dtype, acc_d))


def adamax_update(w, g, lr, beta1, beta2, epsilon, corr, m, u):
    """`corr` is the bias correction 1 - beta1**t."""
    _required("adamax_update m", m)
    _required("adamax_update u", u)
    dtype, g = _update_args(w, g, m, u)
    _fn(dtype, "adamax_update")(w.size, lr, beta1, beta2, epsilon, corr, _ptr(dtype, g),
                                _ptr(dtype, w), _ptr(dtype, m), _ptr(dtype, u))


def nadam_update(w, g, lr, beta1, beta2, epsilon, cm, cg, vcorr, m, v):
    """`cm`, `cg`, `vcorr`: the momentum-cache factors and 1 - beta2**t (see nnlite.h)."""
    _required("nadam_update m", m)
    _required("nadam_update v", v)
    dtype, g = _update_args(w, g, m, v)
    _fn(dtype, "nadam_update")(w.size, lr, beta1, beta2, epsilon, cm, cg, vcorr,
                               _ptr(dtype, g), _ptr(dtype, w), _ptr(dtype, m), _ptr(dtype, v))


def weight_decay(w, wd, lr):
    """Decoupled weight decay in place: w -= w * wd * lr."""
    dtype = _float_dtype("variable", w)
    _contiguous("variable", w)
    _writable("variable", w)
    _out("variable", w)
    _fn(dtype, "weight_decay")(w.size, wd, lr, _ptr(dtype, w))


def abs_square_sums(x):
    """(sum |x|, sum x**2) of a float array as Python floats, added in float64
    in index order: the sums an L1/L2 penalty needs, as the compiled plan
    adds them."""
    dtype = _float_dtype("x", x)
    x = _in(x)
    sums = ffi.new("double[2]")
    if x.size:
        _fn(dtype, "abs_square_sums")(x.size, _ptr(dtype, x), sums)
    return sums[0], sums[1]


# --------------------------------------------------------------------------
# dropout (masks from a 64-bit key, see csrc/nnlite.h)

def _dropout_args(key, rate):
    if isinstance(key, bool) or not isinstance(key, (int, np.integer)) \
            or not 0 <= int(key) < 2 ** 64:
        raise ValueError("dropout: key must be an integer in [0, 2**64). Received: %r" % (key,))
    rate = float(rate)
    if not 0.0 <= rate <= 1.0:
        raise ValueError("dropout: rate must lie in [0, 1]. Received: rate=%r" % (rate,))
    return int(key), rate


def dropout_mask(shape, dtype, key, rate):
    """A new array of `shape`: 1/(1 - rate) where the mask of `key` keeps, else 0."""
    key, rate = _dropout_args(key, rate)
    dtype = np.dtype(dtype)
    if dtype not in _FLOAT_TYPES:
        raise TypeError("dropout_mask: dtype must be float32 or float64. Received: %s" % dtype)
    mask = np.empty(shape, dtype=dtype)
    _check(_fn(dtype, "dropout_mask")(mask.size, key, rate, _ptr(dtype, mask)), "dropout_mask")
    return mask


def _dropout_apply(name, x, key, rate):
    key, rate = _dropout_args(key, rate)
    dtype = _float_dtype(name, x)
    x = _in(x)
    out = np.empty_like(x)
    _check(_fn(dtype, name)(x.size, key, rate, _ptr(dtype, x), _ptr(dtype, out)), name)
    return out


def dropout_forward(x, key, rate):
    """x times the mask of `key` (any shape, element i in C order), as a new array."""
    return _dropout_apply("dropout_forward", x, key, rate)


def dropout_backward(dy, key, rate):
    """dy times the mask of `key`: the gradient of dropout_forward, as a new array."""
    return _dropout_apply("dropout_backward", dy, key, rate)


# --------------------------------------------------------------------------
# compiled MLP plans

PLAN_LOSSES = dict(LOSSES, sparse_categorical_crossentropy=lib.NL_LOSS_SPARSE)
PLAN_METRICS = {None: lib.NL_METRIC_NONE, "binary": lib.NL_METRIC_BINARY,
                "categorical": lib.NL_METRIC_CATEGORICAL, "sparse": lib.NL_METRIC_SPARSE}
PLAN_OPTIMIZERS = {"sgd": lib.NL_OPT_SGD, "rmsprop": lib.NL_OPT_RMSPROP, "adam": lib.NL_OPT_ADAM,
                   "adagrad": lib.NL_OPT_ADAGRAD, "adadelta": lib.NL_OPT_ADADELTA,
                   "adamax": lib.NL_OPT_ADAMAX, "nadam": lib.NL_OPT_NADAM}
PLAN_STEP_PARAMS = lib.NL_PLAN_STEP_PARAMS
PLAN_CONSTRAINTS = {None: lib.NL_CONSTRAINT_NONE, "max_norm": lib.NL_CONSTRAINT_MAX_NORM,
                    "non_neg": lib.NL_CONSTRAINT_NON_NEG, "unit_norm": lib.NL_CONSTRAINT_UNIT_NORM,
                    "min_max_norm": lib.NL_CONSTRAINT_MIN_MAX_NORM}
_F32 = np.dtype(np.float32)
_I64 = np.dtype(np.int64)


def _f32_rows(name, arr, cols):
    """(array, leading dimension) of an (n, cols) float32 input; copied when C
    could not read it in place (see `_in_rows`)."""
    if type(arr) is not np.ndarray or arr.dtype != _F32:
        raise TypeError("%s must be a float32 NumPy array" % name)
    if arr.ndim != 2 or arr.shape[1] != cols:
        raise ValueError("%s must have shape (n, %d). Received: shape=%s" % (name, cols, arr.shape))
    arr = _in_rows(arr)
    return arr, _ld(name, arr)


# the largest byte count of one plan buffer: size_t and int64 products in C stay exact
_PLAN_MAX_BYTES = 2 ** 62


PLAN_NODES = {"dense": lib.NL_PLAN_DENSE, "add": lib.NL_PLAN_ADD,
              "concat": lib.NL_PLAN_CONCAT}


def _plan_graph(graph, dims):
    """(kinds, input counts, inputs, node widths, kernel rows) of a plan's graph:
    [(kind, [input node indices, -1 the model's input])] in topological order,
    dense nodes taking dims[1:] in turn; ValueError for a malformed graph."""
    kinds, nin, inputs, widths, fan_in = [], [], [], [], []
    for i, (kind, srcs) in enumerate(graph):
        srcs = [int(s) for s in srcs]
        if kind not in PLAN_NODES:
            raise ValueError("Plan: node %d has unknown kind %r. Known: %s"
                             % (i, kind, sorted(PLAN_NODES)))
        if any(not -1 <= s < i for s in srcs):
            raise ValueError("Plan: node %d reads %s; a node reads -1 (the input) or earlier "
                             "nodes" % (i, srcs))
        w = [dims[0] if s < 0 else widths[s] for s in srcs]
        if kind == "dense":
            if len(srcs) != 1 or len(fan_in) >= len(dims) - 1:
                raise ValueError("Plan: dense node %d needs one input and a size in dims" % i)
            fan_in.append(w[0])
            widths.append(dims[len(fan_in)])
        elif kind == "add":
            if len(srcs) < 2 or len(set(w)) != 1:
                raise ValueError("Plan: add node %d needs 2 or more inputs of one width. "
                                 "Received widths %s" % (i, w))
            widths.append(w[0])
        else:
            if not srcs:
                raise ValueError("Plan: concat node %d needs inputs" % i)
            widths.append(sum(w))
        kinds.append(PLAN_NODES[kind])
        nin.append(len(srcs))
        inputs.extend(srcs)
    if not kinds or kinds[-1] != lib.NL_PLAN_DENSE or len(fan_in) != len(dims) - 1:
        raise ValueError("Plan: the graph must end with a dense node and hold one dense node "
                         "per size in dims[1:]. Received: %r" % (graph,))
    used = set(inputs)
    for i in range(len(kinds) - 1):
        if i not in used:
            raise ValueError("Plan: node %d feeds no later node" % i)
    return kinds, nin, inputs, widths, fan_in


def _plan_sizes(dims, max_batch, widths=None, fan_in=None):
    """Raises ValueError naming the sizes when a buffer the plan allocates
    (batch x width, fan-in x fan-out) would overflow the C size arithmetic."""
    if fan_in is None:
        fan_in = dims[:-1]
    widest = max(list(dims) + list(widths or []))
    products = [("max_batch x widest layer", max_batch, widest)]
    products += [("layer %d kernel (%d x %d)" % (l, fan_in[l], dims[l + 1]), fan_in[l],
                  dims[l + 1]) for l in range(len(dims) - 1)]
    for what, a, b in products:
        if a * b * 8 > _PLAN_MAX_BYTES:
            raise ValueError("Plan: the buffer for %s has %d x %d = %d values, more than the "
                             "C size arithmetic can hold. Received: dims=%s, max_batch=%d"
                             % (what, a, b, a * b, list(dims), max_batch))


class Plan:
    """A compiled stack (or graph) of dense layers (float32) that trains,
    evaluates and predicts whole batches in C. Weight and slot arrays are
    registered by reference: the plan keeps them alive and they must not be
    resized.

    The plan's work buffers are shared by its calls, so a lock serializes the
    C calls of one plan: threads may predict (or evaluate) through one plan at
    once, each getting its own rows back.

    Args:
        dims: Layer sizes, inputs first: `[784, 128, 128, 10]` (for a graph:
            the input width, then each dense node's units in node order).
        activations: One C-core activation name per layer.
        alphas: The activations' parameters.
        max_batch: The largest batch it will see.
        graph: None for a chain, else the nodes in topological order, each
            `(kind, inputs)`: kind "dense", "add" or "concat", inputs the
            indices of earlier nodes (-1 the model's input); the last node is
            a dense one, the output (see nl_splan_create_graph).
    """

    def __init__(self, dims, activations, alphas, max_batch, graph=None):
        nl = len(activations)
        if len(dims) != nl + 1 or len(alphas) != nl:
            raise ValueError("Plan: %d layers need %d sizes" % (nl, nl + 1))
        dims = [int(d) for d in dims]
        max_batch = int(max_batch)
        if min(dims) < 1 or max_batch < 1:
            raise ValueError("Plan: sizes and max_batch must be >= 1. Received: dims=%s, "
                             "max_batch=%d" % (dims, max_batch))
        if graph is None:       # a chain: layer l reads layer l - 1
            graph = [("dense", [l - 1]) for l in range(nl)]
        kinds, nin, inputs, widths, fan_in = _plan_graph(graph, dims)
        _plan_sizes(dims, max_batch, widths, fan_in)
        out = ffi.new("nl_splan **")
        status = lib.nl_splan_create_graph(out, len(kinds), ffi.new("int[]", kinds),
                                           ffi.new("int[]", nin), ffi.new("int[]", inputs),
                                           ffi.new("int64_t[]", dims),
                                           ffi.new("int[]", [_act_id(a) for a in activations]),
                                           ffi.new("float[]", [float(a) for a in alphas]),
                                           int(max_batch))
        if status == lib.NL_ENOMEM:
            raise MemoryError("Plan: could not allocate the work buffers for max_batch=%d rows "
                              "of dims=%s (%d floats per row of activations)"
                              % (max_batch, dims, sum(widths) + dims[0]))
        if status == lib.NL_EINVAL:
            raise ValueError("Plan: the C core refused the sizes dims=%s, max_batch=%d (a "
                             "buffer of max_batch x width or fan-in x units values would pass "
                             "2**62 bytes) or the graph %r" % (dims, max_batch, graph))
        _check(status, "Plan")
        self._plan = ffi.gc(out[0], lib.nl_splan_free)
        self.dims = [int(d) for d in dims]
        self.kernel_shapes = [(int(k), int(n)) for k, n in zip(fan_in, dims[1:])]
        self.max_batch = int(max_batch)
        self._refs = {}
        self._cfg = ffi.new("struct nl_train_config *")
        self._sums = ffi.new("double[4]")
        self._rates = {}
        self.ndrop = 0
        self._lock = threading.Lock()

    def set_layer(self, layer, kernel, bias, trainable):
        k, n = self.kernel_shapes[layer]
        for name, arr, shape in (("kernel", kernel, (k, n)), ("bias", bias, (n,))):
            if arr is None and name == "bias":
                continue
            if type(arr) is not np.ndarray or arr.dtype != _F32 or arr.shape != shape \
                    or not arr.flags.c_contiguous or not arr.flags.writeable:
                raise ValueError("Plan layer %d: %s must be a writable C-contiguous float32 "
                                 "array of shape %s" % (layer, name, shape))
            _out("Plan layer %d: %s" % (layer, name), arr)
        self._refs[(layer, "w")] = (kernel, bias)
        _check(lib.nl_splan_set_layer(self._plan, layer, _ptr(_F32, kernel), _ptr(_F32, bias),
                                      1 if trainable else 0), "Plan.set_layer")

    def set_slots(self, layer, var, slots):
        shape = self.kernel_shapes[layer] if var == 0 else (self.dims[layer + 1],)
        slots = list(slots) + [None] * (3 - len(slots))
        for s in slots:
            if s is not None and (type(s) is not np.ndarray or s.dtype != _F32
                                  or s.shape != shape or not s.flags.c_contiguous):
                raise ValueError("Plan layer %d: optimizer slots must be float32 arrays of "
                                 "shape %s" % (layer, shape))
            if s is not None:
                _out("Plan layer %d: optimizer slot" % layer, s)
        self._refs[(layer, var, "slots")] = slots
        _check(lib.nl_splan_set_slots(self._plan, layer, var, *[_ptr(_F32, s) for s in slots]),
               "Plan.set_slots")

    def set_dropout(self, layer, rate):
        """Dropout with `rate` on the output of `layer` (not the last) in training."""
        if not 0 <= layer < len(self.dims) - 2:
            raise ValueError("Plan: dropout needs a layer in [0, %d). Received: %r"
                             % (len(self.dims) - 2, layer))
        rate = float(rate)
        if not 0.0 <= rate <= 1.0:
            raise ValueError("Plan: dropout rate must lie in [0, 1]. Received: %r" % rate)
        _check(lib.nl_splan_set_dropout(self._plan, layer, rate), "Plan.set_dropout")
        self._rates[layer] = rate
        self.ndrop = sum(1 for r in self._rates.values() if r > 0)

    def configure(self, loss, from_logits, metric, threshold, optimizer, lr, iteration,
                  momentum=0.0, rho=0.9, beta1=0.9, beta2=0.999, epsilon=1e-7, nesterov=False,
                  centered=False, amsgrad=False, clipnorm=None, clipvalue=None,
                  weight_decay=None):
        """Sets the loss, metric and optimizer of the next calls. Weight decay
        (when not None) applies to the variables `set_decay` marks."""
        c = self._cfg
        c.loss_kind = PLAN_LOSSES[loss]
        c.from_logits = 1 if from_logits else 0
        c.metric = PLAN_METRICS[metric]
        c.threshold = threshold
        c.optimizer = PLAN_OPTIMIZERS[optimizer]
        c.lr, c.momentum, c.rho = lr, momentum, rho
        c.beta1, c.beta2, c.eps = beta1, beta2, epsilon
        c.nesterov, c.centered, c.amsgrad = int(nesterov), int(centered), int(amsgrad)
        c.iteration = int(iteration)
        c.clipnorm = float(clipnorm or 0.0)
        c.clipvalue = float(clipvalue or 0.0)
        c.use_weight_decay = 0 if weight_decay is None else 1
        c.weight_decay = float(weight_decay or 0.0)

    def set_regularizer(self, layer, var, l1, l2):
        """L1/L2 penalty factors of variable var (0 kernel, 1 bias) of layer."""
        l1, l2 = float(l1), float(l2)
        if not (l1 >= 0 and l2 >= 0):
            raise ValueError("Plan: penalty factors must be >= 0. Received: l1=%r, l2=%r"
                             % (l1, l2))
        _check(lib.nl_splan_set_regularizer(self._plan, layer, var, l1, l2),
               "Plan.set_regularizer")

    def set_constraint(self, layer, var, kind, min_value=0.0, max_value=0.0, rate=1.0,
                       eps=1e-7):
        """Constraint of variable var (0 kernel, 1 bias) of layer after each update:
        kind is None, "max_norm", "non_neg", "unit_norm" or "min_max_norm"."""
        if kind not in PLAN_CONSTRAINTS:
            raise ValueError("Plan: unknown constraint %r" % (kind,))
        _check(lib.nl_splan_set_constraint(self._plan, layer, var, PLAN_CONSTRAINTS[kind],
                                           float(min_value), float(max_value), float(rate),
                                           float(eps)), "Plan.set_constraint")

    def set_decay(self, layer, var, on):
        """Whether weight decay applies to variable var (0 kernel, 1 bias) of layer."""
        _check(lib.nl_splan_set_decay(self._plan, layer, var, 1 if on else 0), "Plan.set_decay")

    def set_step_state(self, lr, iteration):
        self._cfg.lr = lr
        self._cfg.iteration = int(iteration)

    def _targets(self, t, labels, n):
        if self._cfg.loss_kind == lib.NL_LOSS_SPARSE:
            if type(labels) is not np.ndarray or labels.dtype != _I64 or labels.shape != (n,):
                raise ValueError("Plan: labels must be an int64 array of shape (%d,)" % n)
            labels = _int_in(labels)
            return ffi.NULL, 0, ffi.from_buffer("int64_t[]", labels)
        t, ldt = _f32_rows("targets", t, self.dims[-1])
        if len(t) != n:
            raise ValueError("Plan: %d targets for %d rows" % (len(t), n))
        return _ptr(_F32, t), ldt, ffi.NULL

    def train(self, x, t, labels, index, batch, first_step, nsteps, params, keys=None,
              start=None):
        """Runs nsteps training steps; returns [loss sum, samples, hits, counted],
        added to `start` (four floats; zeros by default).
        params is a float64 array (nsteps, PLAN_STEP_PARAMS): each step's learning
        rate and bias corrections (see csrc/nnlite.h). With dropout, keys is a
        uint64 array of shape (nsteps, ndrop)."""
        x, ldx = _f32_rows("x", x, self.dims[0])
        n = len(x)
        batch, first_step, nsteps = int(batch), int(first_step), int(nsteps)
        if n and batch > n:
            batch = n     # as Keras: a batch is at most all the samples
        if not 1 <= batch <= self.max_batch:
            raise ValueError("Plan: batch %d outside [1, %d]" % (batch, self.max_batch))
        if first_step < 0 or nsteps < 0 or (first_step + nsteps) * batch >= 2 ** 63:
            raise ValueError("Plan: steps %d to %d of batch %d overflow the row index"
                             % (first_step, first_step + nsteps, batch))
        tp, ldt, lp = self._targets(t, labels, n)
        ip = ffi.NULL
        if index is not None:
            if type(index) is not np.ndarray or index.dtype != _I64 or index.shape != (n,):
                raise ValueError("Plan: index must be an int64 array of shape (%d,)" % n)
            index = _int_in(index)      # C reads it as a contiguous int64 run
            ip = ffi.from_buffer("int64_t[]", index)
        if type(params) is not np.ndarray or params.dtype != np.float64 \
                or params.ndim != 2 or params.shape[0] < nsteps \
                or params.shape[1] != PLAN_STEP_PARAMS:
            raise ValueError("Plan: params must be a float64 array of shape "
                             "(%d, %d)" % (nsteps, PLAN_STEP_PARAMS))
        params = _in(params)
        kp = ffi.NULL
        if self.ndrop:
            if type(keys) is not np.ndarray or keys.dtype != np.uint64 \
                    or keys.shape != (nsteps, self.ndrop):
                raise ValueError("Plan: keys must be a uint64 array of shape (%d, %d)"
                                 % (nsteps, self.ndrop))
            keys = _int_in(keys, np.uint64)
            kp = ffi.from_buffer("uint64_t[]", keys)
        with self._lock:
            sums = self._start_sums(start)
            status = lib.nl_splan_train(self._plan, self._cfg, _ptr(_F32, x), ldx, tp, ldt, lp,
                                        ip, n, batch, first_step, nsteps,
                                        ffi.from_buffer("double[]", params), kp, sums)
            result = [sums[0], sums[1], sums[2], sums[3]]
        if status == lib.NL_ERANGE and index is not None \
                and ((index < 0) | (index >= n)).any():
            raise ValueError("Plan.train: index values must lie in [0, %d). Received values "
                             "from %d to %d" % (n, index.min(), index.max()))
        _check(status, "Plan.train")
        return result

    @property
    def gradient_size(self):
        """Floats in the packed gradients of `gradients` and `apply`."""
        return int(lib.nl_splan_gradient_size(self._plan))

    def _gradient_buffer(self, grad):
        if type(grad) is not np.ndarray or grad.dtype != _F32 \
                or grad.shape != (self.gradient_size,) or not grad.flags.c_contiguous:
            raise ValueError("Plan: grad must be a contiguous float32 array of shape (%d,)"
                             % self.gradient_size)
        _out("grad", grad)
        return ffi.from_buffer("float[]", grad)

    def gradients(self, x, t, labels, rows, scale, grad, start=None):
        """One step's forward and backward over the rows `rows` (int64) of x,
        without the update: the trainable variables' gradients times `scale`
        go to `grad` (float32, `gradient_size`, packed in layer order); returns
        the sums of `train`, added to `start`."""
        x, ldx = _f32_rows("x", x, self.dims[0])
        n = len(x)
        tp, ldt, lp = self._targets(t, labels, n)
        if type(rows) is not np.ndarray or rows.dtype != _I64 or rows.ndim != 1 \
                or len(rows) > self.max_batch:
            raise ValueError("Plan: rows must be an int64 array of at most %d rows"
                             % self.max_batch)
        rows = _int_in(rows)
        scale = float(scale)
        if not (math.isfinite(scale) and scale >= 0):
            raise ValueError("Plan.gradients: scale must be a finite number >= 0. Received: %r"
                             % (scale,))
        gp = self._gradient_buffer(grad)
        with self._lock:
            sums = self._start_sums(start)
            status = lib.nl_splan_gradients(self._plan, self._cfg, _ptr(_F32, x), ldx, tp, ldt,
                                            lp, ffi.from_buffer("int64_t[]", rows), n,
                                            len(rows), scale, gp, sums)
            result = [sums[0], sums[1], sums[2], sums[3]]
        if status == lib.NL_ERANGE:
            raise ValueError("Plan.gradients: rows must lie in [0, %d). Received values from "
                             "%d to %d" % (n, rows.min(), rows.max()))
        _check(status, "Plan.gradients")
        return result

    def apply(self, grad, params):
        """The optimizer step of every trainable variable from packed gradients
        (the layout of `gradients`), with one step's parameters (float64,
        PLAN_STEP_PARAMS values)."""
        gp = self._gradient_buffer(grad)
        params = np.ascontiguousarray(params, dtype=np.float64).reshape(-1)
        if params.shape != (PLAN_STEP_PARAMS,):
            raise ValueError("Plan: params must hold %d float64 values" % PLAN_STEP_PARAMS)
        with self._lock:
            status = lib.nl_splan_apply(self._plan, self._cfg, gp,
                                        ffi.from_buffer("double[]", params))
        _check(status, "Plan.apply")

    def _start_sums(self, start):
        sums = self._sums
        if start is None:
            sums[0] = sums[1] = sums[2] = sums[3] = 0.0
        else:
            if len(start) != 4:
                raise ValueError("Plan: start must hold 4 sums. Received: %r" % (start,))
            for i in range(4):
                sums[i] = float(start[i])
        return sums

    def evaluate(self, x, t, labels, start=None):
        """Evaluates all rows in batches of max_batch; returns the sums of
        `train`, added to `start`."""
        x, ldx = _f32_rows("x", x, self.dims[0])
        tp, ldt, lp = self._targets(t, labels, len(x))
        with self._lock:
            sums = self._start_sums(start)
            status = lib.nl_splan_evaluate(self._plan, self._cfg, _ptr(_F32, x), ldx, tp, ldt,
                                           lp, len(x), sums)
            result = [sums[0], sums[1], sums[2], sums[3]]
        _check(status, "Plan.evaluate")
        return result

    def predict(self, x):
        """The model's output for the rows of x (float32, n x dims[0]) as a new array."""
        if type(x) is np.ndarray and x.dtype == _F32 and x.flags.c_contiguous \
                and x.flags.aligned and x.ndim == 2 and x.shape[1] == self.dims[0]:
            ldx = self.dims[0]        # the common case, checked cheaply
        else:
            x, ldx = _f32_rows("x", x, self.dims[0])
        n = x.shape[0]
        out = np.empty((n, self.dims[-1]), dtype=_F32)
        with self._lock:
            status = lib.nl_splan_predict(self._plan, _ptr(_F32, x), ldx, n,
                                          ffi.from_buffer("float[]", out), self.dims[-1])
        if status:
            _check(status, "predict: x")
        return out


# --------------------------------------------------------------------------
# normalization

def _norm_vec(name, arr, dtype, size):
    if arr is None:
        return None
    _same_dtype(dtype, **{name: arr})
    _shape(name, arr, (size,))
    return _in(arr)


def batchnorm_forward(x, axis, gamma, beta, moving_mean, moving_var, epsilon, momentum=0.99,
                      training=True, update=True):
    """Batch normalization of `x` over every axis but `axis` (one C call).

    Training uses the batch mean and biased variance and, with `update`,
    updates `moving_mean` / `moving_var` in place; inference uses them.
    Returns (y, mean, invstd), the last two per channel for the backward pass.
    """
    dtype = _float_dtype("x", x)
    x = _in(x)
    if x.ndim == 0:
        raise ValueError("batchnorm_forward: x must have at least 1 dimension. "
                         "Received: x.shape=()")
    axis = axis % x.ndim
    c = x.shape[axis]
    outer = int(np.prod(x.shape[:axis], dtype=np.int64))
    inner = int(np.prod(x.shape[axis + 1:], dtype=np.int64))
    gamma = _norm_vec("gamma", gamma, dtype, c)
    beta = _norm_vec("beta", beta, dtype, c)
    for name, arr in (("moving_mean", moving_mean), ("moving_variance", moving_var)):
        if training and update and arr is not None:   # updated in place
            _same_dtype(dtype, **{name: arr})
            _shape(name, arr, (c,))
            _contiguous(name, arr)
            _writable(name, arr)
            _out(name, arr)
    if not (training and update):      # only read
        moving_mean = _norm_vec("moving_mean", moving_mean, dtype, c)
        moving_var = _norm_vec("moving_variance", moving_var, dtype, c)
    if training and outer * inner == 0:
        raise ValueError("BatchNormalization needs at least one sample in training mode. "
                         "Received: x.shape=%s" % (x.shape,))
    y = np.empty_like(x)
    mean = np.empty(c, dtype=dtype)
    invstd = np.empty(c, dtype=dtype)
    # the moving statistics are read in inference and written when updating
    use_moving = update or not training
    _check(_fn(dtype, "batchnorm_forward")(
        outer, c, inner, 1 if training else 0, float(momentum), float(epsilon), _ptr(dtype, x),
        _ptr(dtype, gamma), _ptr(dtype, beta), _ptr(dtype, moving_mean if use_moving else None),
        _ptr(dtype, moving_var if use_moving else None), _ptr(dtype, y),
        _ptr(dtype, mean), _ptr(dtype, invstd)), "batchnorm_forward")
    return y, mean, invstd


def _norm_backward_dtype(x, dy):
    """Checks of a normalization backward's `x` and `dy`; returns their dtype."""
    dtype = _float_dtype("x", x)
    _same_dtype(dtype, dy=dy)
    _shape("dy", dy, x.shape)
    return dtype, _in(x), _in(dy)


def _norm_grads(x, n, dtype, need_dx, need_dgamma, need_dbeta):
    """The (dx, dgamma, dbeta) output arrays of a normalization backward,
    None for those not asked (the C code then skips them)."""
    return (np.empty_like(x) if need_dx else None,
            np.empty(n, dtype=dtype) if need_dgamma else None,
            np.empty(n, dtype=dtype) if need_dbeta else None)


def batchnorm_backward(x, axis, gamma, mean, invstd, dy, training=True, need_dx=True,
                       need_dgamma=True, need_dbeta=True):
    """Gradients of batch normalization: (dx, dgamma, dbeta), None where not asked."""
    dtype, x, dy = _norm_backward_dtype(x, dy)
    axis = axis % x.ndim
    c = x.shape[axis]
    outer = int(np.prod(x.shape[:axis], dtype=np.int64))
    inner = int(np.prod(x.shape[axis + 1:], dtype=np.int64))
    gamma = _norm_vec("gamma", gamma, dtype, c)
    mean = _norm_vec("mean", mean, dtype, c)
    invstd = _norm_vec("invstd", invstd, dtype, c)
    dx, dgamma, dbeta = _norm_grads(x, c, dtype, need_dx, need_dgamma, need_dbeta)
    _check(_fn(dtype, "batchnorm_backward")(
        outer, c, inner, 1 if training else 0, _ptr(dtype, x), _ptr(dtype, gamma),
        _ptr(dtype, mean), _ptr(dtype, invstd), _ptr(dtype, dy), _ptr(dtype, dx),
        _ptr(dtype, dgamma), _ptr(dtype, dbeta)), "batchnorm_backward")
    return dx, dgamma, dbeta


def layernorm_forward(x, gamma, beta, epsilon, rms_scaling=False):
    """Layer normalization over the last axis of `x` (normalized axes must be
    moved last by the caller). Returns (y, mean, invstd), the last two per row."""
    dtype = _float_dtype("x", x)
    x = _in(x)
    if x.ndim == 0:
        raise ValueError("layernorm_forward: x must have at least 1 dimension. "
                         "Received: x.shape=()")
    x2 = _as_2d(x)
    m, n = x2.shape
    gamma = _norm_vec("gamma", gamma, dtype, n)
    beta = _norm_vec("beta", beta, dtype, n)
    y = np.empty_like(x)
    mean = np.empty(m, dtype=dtype)
    invstd = np.empty(m, dtype=dtype)
    _check(_fn(dtype, "layernorm_forward")(
        m, n, 1 if rms_scaling else 0, float(epsilon), _ptr(dtype, x), _ptr(dtype, gamma),
        _ptr(dtype, beta), _ptr(dtype, y), _ptr(dtype, mean), _ptr(dtype, invstd)),
        "layernorm_forward")
    return y, mean, invstd


def layernorm_backward(x, gamma, mean, invstd, dy, rms_scaling=False, need_dx=True,
                       need_dgamma=True, need_dbeta=True):
    """Gradients of layer normalization over the last axis: (dx, dgamma, dbeta)."""
    dtype, x, dy = _norm_backward_dtype(x, dy)
    x2 = _as_2d(x)
    m, n = x2.shape
    gamma = _norm_vec("gamma", gamma, dtype, n)
    mean = _norm_vec("mean", mean, dtype, m)
    invstd = _norm_vec("invstd", invstd, dtype, m)
    dx, dgamma, dbeta = _norm_grads(x, n, dtype, need_dx, need_dgamma, need_dbeta)
    _check(_fn(dtype, "layernorm_backward")(
        m, n, 1 if rms_scaling else 0, _ptr(dtype, x), _ptr(dtype, gamma), _ptr(dtype, mean),
        _ptr(dtype, invstd), _ptr(dtype, dy), _ptr(dtype, dx), _ptr(dtype, dgamma),
        _ptr(dtype, dbeta)), "layernorm_backward")
    return dx, dgamma, dbeta


# --------------------------------------------------------------------------
# convolution and pooling (channels-last; 1-D runs as 2-D with height 1)

_GEOM_MAX = 1 << 59   # csrc/conv_geom.h: largest element count C accepts


def _pos_ints(name, value, n):
    """An int or a tuple of n positive ints, as a tuple of n Python ints."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        value = (int(value),) * n
    value = tuple(value)
    if len(value) != n or any(isinstance(v, bool) or not isinstance(v, (int, np.integer))
                              or v < 1 for v in value):
        raise ValueError("%s must be %d positive integer(s). Received: %s=%r"
                         % (name, n, name, value))
    return tuple(int(v) for v in value)


def conv_padding(size, kernel, stride=1, dilation=1, padding="valid"):
    """Padding amounts (before, after) and output length of one axis, as Keras/TF.

    'valid': none; 'same': output ceil(size / stride), the total padding
    split with the extra element after (TensorFlow); 'causal': all
    dilation*(kernel-1) before (Conv1D). Returns (before, after, out).
    """
    eff = dilation * (kernel - 1) + 1
    if padding == "valid":
        before = after = 0
    elif padding == "same":
        out = -(-size // stride)
        total = max((out - 1) * stride + eff - size, 0)
        before, after = total // 2, total - total // 2
    elif padding == "causal":
        before, after = eff - 1, 0
    else:
        raise ValueError("padding must be 'valid', 'same' or 'causal'. Received: padding=%r"
                         % (padding,))
    padded = size + before + after
    out = 0 if padded < eff else (padded - eff) // stride + 1
    return before, after, out


def _pads4(name, pads):
    """(top, bottom, left, right) of non-negative ints."""
    pads = tuple(int(p) for p in pads)
    if len(pads) != 4 or any(p < 0 for p in pads):
        raise ValueError("%s must be 4 non-negative integers (top, bottom, left, right). "
                         "Received: %s=%r" % (name, name, pads))
    return pads


def _count(name, *dims):
    """The product of dims, checked against the C core's limit before any call."""
    total = 1
    for d in dims:
        total *= int(d)
        if total > _GEOM_MAX:
            raise ValueError("%s is too large for the C core (more than 2**59 elements)" % name)
    return total


def _nhwc(name, arr, dtype=None):
    d = _float_dtype(name, arr) if dtype is None else dtype
    if dtype is not None:
        _same_dtype(dtype, **{name: arr})
    _ndim(name, arr, 4)     # the caller passes the array through _in
    return d


def _conv_geometry(x_shape, k_shape, strides, dilation, pads, groups, depthwise=False):
    n, h, w, c = x_shape
    kh, kw = k_shape[0], k_shape[1]
    sh, sw = _pos_ints("strides", strides, 2)
    dh, dw = _pos_ints("dilation_rate", dilation, 2)
    pt, pb, pl, pr = _pads4("padding", pads)
    if kh < 1 or kw < 1:
        raise ValueError("kernel must have a positive window. Received: kernel.shape=%s"
                         % (tuple(k_shape),))
    if depthwise:
        if k_shape[2] != c:
            raise ValueError("kernel.shape[2] must equal the input channels %d. Received: "
                             "kernel.shape=%s" % (c, tuple(k_shape)))
        f = c * k_shape[3]
    else:
        if isinstance(groups, bool) or not isinstance(groups, (int, np.integer)) or groups < 1:
            raise ValueError("groups must be a positive integer. Received: groups=%r" % (groups,))
        if c == 0 or c % groups:
            raise ValueError("The input channels must be a positive multiple of groups. "
                             "Received: channels=%d, groups=%d" % (c, groups))
        if k_shape[2] != c // groups:
            raise ValueError("kernel.shape[2] must be channels // groups = %d. Received: "
                             "kernel.shape=%s" % (c // groups, tuple(k_shape)))
        f = k_shape[3]
        if f < 1 or f % groups:
            raise ValueError("The filters must be a positive multiple of groups. Received: "
                             "filters=%d, groups=%d" % (f, groups))
    oh = conv_padding(h + pt + pb, kh, sh, dh)[2]
    ow = conv_padding(w + pl + pr, kw, sw, dw)[2]
    _count("x", n, h, w, c)
    _count("kernel", kh, kw, k_shape[2], k_shape[3])
    _count("the output", n, oh, ow, f)
    _count("the im2col block", 1024, kh, kw, k_shape[2])
    return (n, h, w, c, kh, kw, f, sh, sw, dh, dw, pt, pb, pl, pr), (n, oh, ow, f)


def _fused_act(activation):
    if activation is None or activation == "linear":
        return -1
    if activation == "softmax":
        raise ValueError("softmax is row-wise and cannot be fused into the convolution")
    return _act_id(activation)


def _conv_fwd(kind, x, kernel, bias, strides, dilation, pads, groups, activation, alpha,
              keep_z=True):
    dtype = _nhwc("x", x)
    _nhwc("kernel", kernel, dtype)
    x, kernel = _in(x), _in(kernel)
    dw = kind == "depthwise_conv2d"
    geom, out_shape = _conv_geometry(x.shape, kernel.shape, strides, dilation, pads, groups, dw)
    if bias is not None:
        _same_dtype(dtype, bias=bias)
        _shape("bias", bias, (out_shape[3],))
        bias = _in(bias)
    act = _fused_act(activation)
    z = np.empty(out_shape, dtype=dtype)
    # keep_z=False: the activation overwrites z in place (one output array)
    y = z if act < 0 or not keep_z else np.empty(out_shape, dtype=dtype)
    n, h, w, c, kh, kw, f, sh, sw, dh, dw_, pt, pb, pl, pr = geom
    second = kernel.shape[3] if dw else f
    args = (n, h, w, c, kh, kw, second) + (() if dw else (groups,)) + (
        sh, sw, dh, dw_, pt, pb, pl, pr)
    if z.size:
        _check(_fn(dtype, kind + "_forward")(*args, _ptr(dtype, x), _ptr(dtype, kernel),
                                             _ptr(dtype, bias), act, alpha, _ptr(dtype, z),
                                             _ptr(dtype, y)), kind + "_forward")
    return z, y


def _conv_bwd_args(kind, x_shape, kernel_shape, dz, dtype, strides, dilation, pads, groups):
    dw = kind == "depthwise_conv2d"
    geom, out_shape = _conv_geometry(x_shape, kernel_shape, strides, dilation, pads, groups, dw)
    _nhwc("dz", dz, dtype)
    _shape("dz", dz, out_shape)
    n, h, w, c, kh, kw, f, sh, sw, dh, dw_, pt, pb, pl, pr = geom
    second = kernel_shape[3] if dw else f
    return (n, h, w, c, kh, kw, second) + (() if dw else (groups,)) + (
        sh, sw, dh, dw_, pt, pb, pl, pr)


def _conv_bwd_input(kind, x_shape, kernel, dz, strides, dilation, pads, groups, relu_x=None):
    dtype = _nhwc("kernel", kernel)
    kernel = _in(kernel)
    if isinstance(dz, np.ndarray):
        dz = _in(dz)
    x_shape = tuple(int(d) for d in x_shape)
    if len(x_shape) != 4:
        raise ValueError("x_shape must have 4 dimensions. Received: x_shape=%s" % (x_shape,))
    args = _conv_bwd_args(kind, x_shape, kernel.shape, dz, dtype, strides, dilation, pads, groups)
    mask = ()
    if kind == "conv2d":        # depthwise has no relu_x
        if relu_x is not None:
            _nhwc("relu_x", relu_x, dtype)
            _shape("relu_x", relu_x, x_shape)
            relu_x = _in(relu_x)
        mask = (_ptr(dtype, relu_x),)
    dx = np.empty(x_shape, dtype=dtype)
    if dx.size:
        _check(_fn(dtype, kind + "_backward_input")(*args, _ptr(dtype, dz), _ptr(dtype, kernel),
                                                    *mask, _ptr(dtype, dx)),
               kind + "_backward_input")
    return dx


def _conv_bwd_weight(kind, x, kernel_shape, dz, strides, dilation, pads, groups, need_bias):
    dtype = _nhwc("x", x)
    x = _in(x)
    if isinstance(dz, np.ndarray):
        dz = _in(dz)
    kernel_shape = tuple(int(d) for d in kernel_shape)
    if len(kernel_shape) != 4:
        raise ValueError("kernel_shape must have 4 dimensions. Received: kernel_shape=%s"
                         % (kernel_shape,))
    args = _conv_bwd_args(kind, x.shape, kernel_shape, dz, dtype, strides, dilation, pads, groups)
    dk = np.empty(kernel_shape, dtype=dtype)
    db = np.empty(dz.shape[3], dtype=dtype) if need_bias else None
    _check(_fn(dtype, kind + "_backward_weight")(*args, _ptr(dtype, x), _ptr(dtype, dz),
                                                 _ptr(dtype, dk), _ptr(dtype, db)),
           kind + "_backward_weight")
    return dk, db


def conv2d_forward(x, kernel, bias=None, strides=1, dilation_rate=1, padding=(0, 0, 0, 0),
                   groups=1, activation=None, alpha=0.0, keep_z=True):
    """Fused 2-D convolution `z = conv(x, kernel) + bias`, `y = f(z)` (NHWC).

    x (n, h, w, c), kernel (kh, kw, c // groups, f) as Keras stores it;
    padding is (top, bottom, left, right) amounts (see `conv_padding`).
    `activation` is an elementwise C-core activation name or None.
    Returns (z, y), y is z without an activation or with keep_z=False (then
    z is not kept: y overwrites it, which halves the output traffic when the
    backward needs only y, as ReLU's does).
    """
    return _conv_fwd("conv2d", x, kernel, bias, strides, dilation_rate, padding, groups,
                     activation, alpha, keep_z)


def conv2d_backward_input(x_shape, kernel, dz, strides=1, dilation_rate=1,
                          padding=(0, 0, 0, 0), groups=1, relu_x=None):
    """dx of a 2-D convolution of an input of `x_shape`, from dz = dL/dz;
    with `relu_x` (the input x, made by a ReLU) dx times [relu_x > 0], the
    gradient through that ReLU as well."""
    return _conv_bwd_input("conv2d", x_shape, kernel, dz, strides, dilation_rate, padding,
                           groups, relu_x)


def conv2d_backward_weight(x, kernel_shape, dz, strides=1, dilation_rate=1,
                           padding=(0, 0, 0, 0), groups=1, need_bias=True):
    """(dkernel, dbias) of a 2-D convolution; dbias is None without need_bias."""
    return _conv_bwd_weight("conv2d", x, kernel_shape, dz, strides, dilation_rate, padding,
                            groups, need_bias)


def depthwise_conv2d_forward(x, kernel, bias=None, strides=1, dilation_rate=1,
                             padding=(0, 0, 0, 0), activation=None, alpha=0.0):
    """Fused depthwise convolution; kernel (kh, kw, c, depth_multiplier),
    output channels c * depth_multiplier. Returns (z, y)."""
    return _conv_fwd("depthwise_conv2d", x, kernel, bias, strides, dilation_rate, padding, 1,
                     activation, alpha)


def depthwise_conv2d_backward_input(x_shape, kernel, dz, strides=1, dilation_rate=1,
                                    padding=(0, 0, 0, 0)):
    """dx of a depthwise convolution of an input of `x_shape`."""
    return _conv_bwd_input("depthwise_conv2d", x_shape, kernel, dz, strides, dilation_rate,
                           padding, 1)


def depthwise_conv2d_backward_weight(x, kernel_shape, dz, strides=1, dilation_rate=1,
                                     padding=(0, 0, 0, 0), need_bias=True):
    """(dkernel, dbias) of a depthwise convolution."""
    return _conv_bwd_weight("depthwise_conv2d", x, kernel_shape, dz, strides, dilation_rate,
                            padding, 1, need_bias)


def _as_2d_image(name, arr):
    """(n, w, c) viewed as (n, 1, w, c) without a copy."""
    _ndim(name, arr, 3)
    return arr.reshape(arr.shape[0], 1, arr.shape[1], arr.shape[2])


def _pads_1d(padding):
    pads = tuple(int(p) for p in padding)
    if len(pads) != 2:
        raise ValueError("padding must be 2 integers (left, right). Received: padding=%r"
                         % (padding,))
    return (0, 0) + pads


def conv1d_forward(x, kernel, bias=None, strides=1, dilation_rate=1, padding=(0, 0), groups=1,
                   activation=None, alpha=0.0):
    """Fused 1-D convolution: x (n, w, c), kernel (k, c // groups, f),
    padding (left, right). Returns (z, y) of shape (n, ow, f)."""
    _float_dtype("x", x)
    _float_dtype("kernel", kernel)
    _ndim("kernel", kernel, 3)
    z, y = conv2d_forward(_as_2d_image("x", x), kernel[None], bias,
                          (1,) + _pos_ints("strides", strides, 1),
                          (1,) + _pos_ints("dilation_rate", dilation_rate, 1),
                          _pads_1d(padding), groups, activation, alpha)
    return z[:, 0], y[:, 0]


def conv1d_backward_input(x_shape, kernel, dz, strides=1, dilation_rate=1, padding=(0, 0),
                          groups=1):
    """dx (n, w, c) of a 1-D convolution."""
    _float_dtype("kernel", kernel)
    _ndim("kernel", kernel, 3)
    n, w, c = (int(d) for d in x_shape)
    dx = conv2d_backward_input((n, 1, w, c), kernel[None], _as_2d_image("dz", dz),
                               (1,) + _pos_ints("strides", strides, 1),
                               (1,) + _pos_ints("dilation_rate", dilation_rate, 1),
                               _pads_1d(padding), groups)
    return dx[:, 0]


def conv1d_backward_weight(x, kernel_shape, dz, strides=1, dilation_rate=1, padding=(0, 0),
                           groups=1, need_bias=True):
    """(dkernel (k, c // groups, f), dbias) of a 1-D convolution."""
    _float_dtype("x", x)
    dk, db = conv2d_backward_weight(_as_2d_image("x", x), (1,) + tuple(kernel_shape),
                                    _as_2d_image("dz", dz),
                                    (1,) + _pos_ints("strides", strides, 1),
                                    (1,) + _pos_ints("dilation_rate", dilation_rate, 1),
                                    _pads_1d(padding), groups, need_bias)
    return dk[0], db


def conv_transpose_padding(size, kernel, stride=1, dilation=1, padding="valid",
                           output_padding=None):
    """Output length and (before, after) padding of a transposed convolution
    axis, as Keras 3 (deconv_output_length and its TF padding): the output is
    the input of the forward convolution whose input gradient this is.
    Returns (before, after, out)."""
    eff = dilation * (kernel - 1) + 1
    if output_padding is None:
        out = size * stride + max(eff - stride, 0) if padding == "valid" else size * stride
    else:
        pad = eff // 2 if padding == "same" else 0
        out = (size - 1) * stride + eff - 2 * pad + output_padding
    if padding == "valid":
        before = 0
    elif padding == "same":
        before = max((size - 1) * stride + eff - out, 0) // 2
    else:
        raise ValueError("padding must be 'valid' or 'same'. Received: padding=%r" % (padding,))
    # the remaining padding makes the forward convolution give `size` outputs
    after = max((size - 1) * stride + eff - out - before, 0)
    return before, after, out


def conv2d_transpose_forward(x, kernel, out_hw, bias=None, strides=1, dilation_rate=1,
                             padding=(0, 0, 0, 0)):
    """2-D transposed convolution (Conv2DTranspose): the input gradient of the
    convolution of an (n, out_h, out_w, f) image with `kernel` (kh, kw, f, c),
    taken at dz = x (n, h, w, c). Returns y (n, out_h, out_w, f)."""
    dtype = _nhwc("x", x)
    _nhwc("kernel", kernel, dtype)
    oh, ow = (int(d) for d in out_hw)
    y = conv2d_backward_input((x.shape[0], oh, ow, kernel.shape[2]), kernel, x, strides,
                              dilation_rate, padding)
    if bias is not None:
        bias_add(y, bias)
    return y


def conv2d_transpose_backward(x, kernel, dy, strides=1, dilation_rate=1, padding=(0, 0, 0, 0),
                              need_bias=True):
    """(dx, dkernel, dbias) of conv2d_transpose_forward: dx is the forward
    convolution of dy, dkernel its weight gradient with the roles of x and dz
    swapped."""
    dtype = _nhwc("dy", dy)
    _nhwc("x", x, dtype)
    dx = conv2d_forward(dy, kernel, None, strides, dilation_rate, padding)[0]
    _shape("x", x, dx.shape)
    dk, _ = conv2d_backward_weight(dy, kernel.shape, x, strides, dilation_rate, padding,
                                   need_bias=False)
    db = bias_backward(dy) if need_bias else None
    return dx, dk, db


def _pool_geometry(x_shape, pool_size, strides, pads):
    n, h, w, c = x_shape
    kh, kw = _pos_ints("pool_size", pool_size, 2)
    sh, sw = _pos_ints("strides", strides, 2)
    pt, pb, pl, pr = _pads4("padding", pads)
    if pt >= kh or pb >= kh or pl >= kw or pr >= kw:
        raise ValueError("Pooling padding must be smaller than the window. Received: "
                         "padding=%r, pool_size=%r" % ((pt, pb, pl, pr), (kh, kw)))
    oh = conv_padding(h + pt + pb, kh, sh)[2]
    ow = conv_padding(w + pl + pr, kw, sw)[2]
    _count("x", n, h, w, c)
    _count("the output", n, oh, ow, c)
    return (n, h, w, c, kh, kw, sh, sw, pt, pb, pl, pr), (n, oh, ow, c)


def _pool_forward(kind, x, pool_size, strides, padding):
    dtype = _nhwc("x", x)
    x = _in(x)
    geom, out_shape = _pool_geometry(x.shape, pool_size, strides, padding)
    y = np.empty(out_shape, dtype=dtype)
    if y.size:
        _check(_fn(dtype, kind + "_forward")(*geom, _ptr(dtype, x), _ptr(dtype, y)),
               kind + "_forward")
    return y


def max_pool2d_forward(x, pool_size, strides=None, padding=(0, 0, 0, 0)):
    """2-D max pooling of x (n, h, w, c); padded places are left out."""
    return _pool_forward("maxpool2d", x, pool_size, pool_size if strides is None else strides,
                         padding)


def avg_pool2d_forward(x, pool_size, strides=None, padding=(0, 0, 0, 0)):
    """2-D average pooling; each window divides by its count of valid elements."""
    return _pool_forward("avgpool2d", x, pool_size, pool_size if strides is None else strides,
                         padding)


def max_pool2d_backward(x, dy, pool_size, strides=None, padding=(0, 0, 0, 0)):
    """dx of max pooling: dy goes to each window's first largest element."""
    dtype = _nhwc("x", x)
    geom, out_shape = _pool_geometry(x.shape, pool_size,
                                     pool_size if strides is None else strides, padding)
    _nhwc("dy", dy, dtype)
    _shape("dy", dy, out_shape)
    x, dy = _in(x), _in(dy)
    dx = np.empty_like(x)
    if dx.size:
        _check(_fn(dtype, "maxpool2d_backward")(*geom, _ptr(dtype, x), _ptr(dtype, dy),
                                                _ptr(dtype, dx)), "maxpool2d_backward")
    return dx


def max_pool_records(x_shape, pool_size, strides=None, padding=(0, 0, 0, 0)):
    """Whether max_pool2d_forward_idx takes this geometry: disjoint windows
    (strides at least the pool) of at most 255 elements."""
    kh, kw = _pos_ints("pool_size", pool_size, 2)
    sh, sw = _pos_ints("strides", pool_size if strides is None else strides, 2)
    return sh >= kh and sw >= kw and kh * kw <= 255


def max_pool2d_forward_idx(x, pool_size, strides=None, padding=(0, 0, 0, 0), relu_grad=False):
    """max_pool2d_forward and, as an array like the output, each window's
    chosen tap (ky * kw + kx, -1 for none; for max_pool2d_backward_idx);
    disjoint windows only. With `relu_grad`, -1 also where the max is not
    > 0: the backward then gives dx times [x > 0], the gradient through the
    ReLU that made x."""
    dtype = _nhwc("x", x)
    x = _in(x)
    geom, out_shape = _pool_geometry(x.shape, pool_size,
                                     pool_size if strides is None else strides, padding)
    y = np.empty(out_shape, dtype=dtype)
    idx = np.empty(out_shape, dtype=dtype)
    if y.size:
        _check(_fn(dtype, "maxpool2d_forward_idx")(*geom, 1 if relu_grad else 0,
                                                   _ptr(dtype, x), _ptr(dtype, y),
                                                   _ptr(dtype, idx)),
               "maxpool2d_forward_idx")
    return y, idx


def max_pool2d_backward_idx(x_shape, idx, dy, pool_size, strides=None, padding=(0, 0, 0, 0)):
    """dx of max pooling from the taps max_pool2d_forward_idx recorded; equal
    to max_pool2d_backward(x, dy, ...) bit for bit."""
    x_shape = tuple(int(d) for d in x_shape)
    if len(x_shape) != 4:
        raise ValueError("x_shape must have 4 dimensions. Received: x_shape=%s" % (x_shape,))
    dtype = _nhwc("dy", dy)
    geom, out_shape = _pool_geometry(x_shape, pool_size,
                                     pool_size if strides is None else strides, padding)
    _shape("dy", dy, out_shape)
    _shape("idx", idx, out_shape)
    _same_dtype(dtype, idx=idx)
    dy, idx = _in(dy), _in(idx)
    dx = np.empty(x_shape, dtype=dtype)
    if dx.size:
        _check(_fn(dtype, "maxpool2d_backward_idx")(*geom, _ptr(dtype, idx),
                                                    _ptr(dtype, dy), _ptr(dtype, dx)),
               "maxpool2d_backward_idx")
    return dx


def avg_pool2d_backward(x_shape, dy, pool_size, strides=None, padding=(0, 0, 0, 0)):
    """dx of average pooling of an input of `x_shape`."""
    x_shape = tuple(int(d) for d in x_shape)
    if len(x_shape) != 4:
        raise ValueError("x_shape must have 4 dimensions. Received: x_shape=%s" % (x_shape,))
    dtype = _nhwc("dy", dy)
    dy = _in(dy)
    geom, out_shape = _pool_geometry(x_shape, pool_size,
                                     pool_size if strides is None else strides, padding)
    _shape("dy", dy, out_shape)
    dx = np.empty(x_shape, dtype=dtype)
    if dx.size:
        _check(_fn(dtype, "avgpool2d_backward")(*geom, _ptr(dtype, dy), _ptr(dtype, dx)),
               "avgpool2d_backward")
    return dx


# --------------------------------------------------------------------------
# embedding (gather / scatter-add of table rows)

_I64_T = np.dtype(np.int64)


class _Reuse:
    """Large arrays the recurrent and embedding kernels write, handed out again
    from call to call once nothing else refers to them.

    A training step allocates the same tens of megabytes every batch (the
    saved gates and states, the outputs, dx, the backward's scratch, the
    embedding's gathered rows and table gradient); memory
    fresh from the system costs a page fault and zeroed pages each time (a
    fifth of a GRU step). An array is reused only when its reference count
    shows that this cache holds the only reference: every numpy view keeps
    its base alive, so an array still referenced anywhere is never handed
    out. Contents are whatever the last user left (as np.empty's)."""

    MIN_BYTES = 1 << 18      # smaller arrays come cheaply from malloc
    SLOTS = 32

    def __init__(self):
        self._bufs = []
        self._lock = threading.Lock()
        probe = [np.empty(1, np.uint8)]
        self._idle = self._refs(probe, 0)

    @staticmethod
    def _refs(bufs, i):
        return sys.getrefcount(bufs[i])

    def empty(self, shape, dtype):
        nbytes = dtype.itemsize
        for d in shape:
            nbytes *= d
        if nbytes < self.MIN_BYTES:
            return np.empty(shape, dtype)
        # sizes that differ a little from batch to batch (rows per distinct
        # token) share a buffer: capacities step by an eighth of an octave
        step = 1 << (nbytes.bit_length() - 4)
        cap = -(-nbytes // step) * step
        with self._lock:
            bufs, idle = self._bufs, None
            for i in range(len(bufs)):
                if self._refs(bufs, i) <= self._idle:
                    if bufs[i].nbytes == cap:
                        return bufs[i][:nbytes].view(dtype).reshape(shape)
                    if idle is None:
                        idle = i
            if len(bufs) >= self.SLOTS:
                if idle is None:
                    return np.empty(shape, dtype)
                del bufs[idle]
            buf = np.empty(cap, np.uint8)
            bufs.append(buf)
            return buf[:nbytes].view(dtype).reshape(shape)


def reusable_empty(shape, dtype):
    """An uninitialized array of `shape` and `dtype` from the cache of large
    arrays that kernels write every batch (see `_Reuse`): for a caller's
    output buffer of that kind."""
    return _reuse.empty(tuple(shape), np.dtype(dtype))


_reuse = _Reuse()


def embedding_indices(indices):
    """`indices` as a C-contiguous int64 array of the same shape.

    Integer arrays of any width are converted; floats are accepted when every
    value is integral (Keras casts float ids to int), anything else raises.
    """
    idx = indices if isinstance(indices, np.ndarray) else np.asarray(indices)
    if idx.dtype == _I64_T:
        return _int_in(idx)
    if idx.dtype == np.bool_ or not (np.issubdtype(idx.dtype, np.integer)
                                     or np.issubdtype(idx.dtype, np.floating)):
        raise TypeError("Embedding indices must be integers. Received: dtype=%s" % idx.dtype)
    if np.issubdtype(idx.dtype, np.floating):
        ok = np.isfinite(idx) & (idx == np.trunc(idx))
        if not ok.all():
            pos = tuple(int(p) for p in np.argwhere(~ok)[0])
            raise ValueError("Embedding indices must be integers; a floating-point index is "
                             "accepted only when it holds an integral value. Received: "
                             "indices[%s] = %r" % (",".join(map(str, pos)), float(idx[pos])))
        if idx.size and (idx.min() < -2.0 ** 63 or idx.max() >= 2.0 ** 63):
            bad = idx.min() if idx.min() < -2.0 ** 63 else idx.max()
            raise ValueError("Embedding index %r is out of range" % float(bad))
    elif idx.dtype == np.uint64 and idx.size and idx.max() > np.iinfo(np.int64).max:
        raise ValueError("Embedding index %d is out of range" % int(idx.max()))
    return _int_in(idx)


def embedding_range_check(indices, vocab, what):
    """`embedding_indices(indices)`, each also checked to lie in `[0, vocab)`
    (the error names `what`)."""
    idx = embedding_indices(indices)
    if idx.size and (idx.min() < 0 or idx.max() >= vocab):
        raise _embedding_range_error(idx, vocab, what)
    return idx


def _embedding_range_error(idx, vocab, what):
    bad = (idx < 0) | (idx >= vocab)
    pos = tuple(int(p) for p in np.argwhere(bad)[0]) if bad.any() else ()
    value = int(idx[pos]) if pos else None
    return ValueError("%s: indices[%s] = %s is not in [0, %d): every index must be "
                      "non-negative and smaller than the vocabulary size (input_dim=%d)"
                      % (what, ",".join(map(str, pos)), value, vocab, vocab))


def embedding_forward(table, indices):
    """out[..., :] = table[indices[...], :]: rows of the (V, D) `table` gathered
    by integer `indices` of any shape; returns shape `indices.shape + (D,)`.

    Raises ValueError (before anything is computed) when an index is negative
    or not smaller than V.
    """
    dtype = _float_dtype("table", table)
    _ndim("table", table, 2)
    idx = embedding_indices(indices)
    v, d = table.shape
    out = _reuse.empty(idx.shape + (d,), dtype)
    n = idx.size
    if n == 0:
        return out
    table = _in_rows(table)
    ldt = d if table.flags.c_contiguous else _ld("table", table)
    status = _fn(dtype, "embedding_forward")(
        n, v, d, ffi.from_buffer("int64_t[]", idx), _ptr(dtype, table), max(ldt, 1),
        _ptr(dtype, out), max(d, 1))
    if status == lib.NL_ERANGE:
        raise _embedding_range_error(idx, v, "embedding_forward")
    _check(status, "embedding_forward")
    return out


def embedding_backward(indices, dy, vocab):
    """dtable (vocab, D) with dtable[indices[...], :] += dy[..., :]: the gradient
    of `embedding_forward` with respect to the table. Repeated indices add up,
    in index order (the same bits for any thread count).

    `dy` has shape `indices.shape + (D,)`.
    """
    dtype = _float_dtype("dy", dy)
    if isinstance(vocab, bool) or not isinstance(vocab, (int, np.integer)) or vocab < 0:
        raise ValueError("vocab must be a non-negative integer. Received: vocab=%r" % (vocab,))
    vocab = int(vocab)
    idx = embedding_indices(indices)
    if dy.ndim != idx.ndim + 1 or dy.shape[:-1] != idx.shape:
        raise ValueError("dy must have shape indices.shape + (D,) = %s + (D,). Received: "
                         "dy.shape=%s" % (idx.shape, dy.shape))
    d = dy.shape[-1]
    dtable = _reuse.empty((vocab, d), dtype)
    dtable.fill(0)
    n = idx.size
    if n == 0:
        return dtable
    dy = _in(dy)
    status = _fn(dtype, "embedding_backward")(
        n, vocab, d, ffi.from_buffer("int64_t[]", idx), _ptr(dtype, dy), max(d, 1),
        _ptr(dtype, dtable), max(d, 1))
    if status == lib.NL_ERANGE:
        raise _embedding_range_error(idx, vocab, "embedding_backward")
    _check(status, "embedding_backward")
    return dtable


def unique_ids(indices, vocab):
    """The distinct ids of `indices` (any shape, each in `[0, vocab)`):
    returns `(uniq, first, inv)`, `uniq` the distinct ids ascending, `first`
    the flat position of each one's first occurrence, `inv` (the shape of
    `indices`) with `uniq[inv] == indices`. All int64."""
    idx = embedding_indices(indices)
    vocab = int(vocab)
    if vocab < 0:
        raise ValueError("vocab must be non-negative. Received: vocab=%d" % vocab)
    n = idx.size
    if vocab > 64 * n + 4096:
        # a vocabulary far larger than the batch: sorting the ids beats a
        # table of vocab slots (the same three results)
        if n and (idx.min() < 0 or idx.max() >= vocab):
            raise _embedding_range_error(idx, vocab, "unique_ids")
        uniq, first, inv = np.unique(idx.reshape(-1), return_index=True, return_inverse=True)
        return (uniq.astype(_I64_T, copy=False), first.astype(_I64_T, copy=False),
                inv.reshape(idx.shape).astype(_I64_T, copy=False))
    room = min(n, vocab)
    slot = _reuse.empty((vocab,), _I64_T)
    uniq = np.empty(room, _I64_T)
    first = np.empty(room, _I64_T)
    inv = np.empty(idx.shape, _I64_T)
    count = ffi.new("int64_t *")
    i64 = lambda a: ffi.from_buffer("int64_t[]", a)  # noqa: E731
    status = lib.nl_unique_ids(n, vocab, i64(idx), i64(slot), i64(uniq), i64(first),
                               i64(inv), count)
    if status == lib.NL_ERANGE:
        raise _embedding_range_error(idx, vocab, "unique_ids")
    _check(status, "unique_ids")
    k = count[0]
    return uniq[:k], first[:k], inv

# recurrent layers (whole sequences, one C call each way; see csrc/rnn_tmpl.h)

RNN_CELLS = {"simple": lib.NL_RNN_SIMPLE, "lstm": lib.NL_RNN_LSTM, "gru": lib.NL_RNN_GRU}
_RNN_GATES = {"simple": 1, "lstm": 4, "gru": 3}
RNN_ACTIVATIONS = ("linear", "relu", "sigmoid", "tanh", "hard_sigmoid")




def _rnn_cell(cell):
    if not isinstance(cell, str) or cell not in RNN_CELLS:
        raise ValueError("cell must be one of %s. Received: cell=%r" % (tuple(RNN_CELLS), cell))
    return RNN_CELLS[cell], _RNN_GATES[cell]


def _rnn_act(name, value):
    if not isinstance(value, str) or value not in RNN_ACTIVATIONS:
        raise ValueError("%s must be one of %s for the fused recurrent kernel. Received: %s=%r"
                         % (name, RNN_ACTIVATIONS, name, value))
    return ACTIVATIONS[value]


def _rnn_array(name, arr, dtype, shape):
    """Checks dtype and shape; returns a C-contiguous array (a copy if needed)."""
    if arr is None:
        return None
    if type(arr) is not np.ndarray or arr.dtype != dtype:
        _same_dtype(dtype, **{name: arr})
    _shape(name, arr, shape)
    return _in(arr)


def _rnn_setup(cell, x, kernel, recurrent_kernel, mask, recurrent_mask, activation,
               recurrent_activation, go_backwards, reset_after, zero_output_for_mask, projected,
               rows=None):
    """The checks forward and backward share. Returns (args, arrays): the C call's
    leading integer arguments and the checked x, kernel, recurrent kernel, masks
    and rows."""
    cell_id, g = _rnn_cell(cell)
    act = _rnn_act("activation", activation)
    ract = _rnn_act("recurrent_activation", recurrent_activation)
    dtype = _float_dtype("x", x)
    if rows is None:
        _ndim("x", x, 3)
        b, t, f = (int(d) for d in x.shape)
    else:   # x holds distinct projections, rows says which one each position reads
        if not projected:
            raise ValueError("rows is only used with projected=True")
        _ndim("x", x, 2)
        rows = embedding_indices(rows)
        _ndim("rows", rows, 2)
        (b, t), f = (int(d) for d in rows.shape), int(x.shape[1])
    if t == 0:
        raise ValueError("x must hold at least one time step. Received: x.shape=%s" % (x.shape,))
    rk = recurrent_kernel
    _float_dtype("recurrent_kernel", rk)
    _same_dtype(dtype, recurrent_kernel=rk)
    _ndim("recurrent_kernel", rk, 2)
    u = int(rk.shape[0])
    if u < 1:
        raise ValueError("recurrent_kernel must have at least one unit. Received: "
                         "recurrent_kernel.shape=%s" % (rk.shape,))
    n = g * u
    _shape("recurrent_kernel", rk, (u, n))
    if projected:
        if kernel is not None:
            raise ValueError("kernel must be None with projected=True (x is the projection)")
        if f != n:
            raise ValueError("With projected=True, x must have shape (%s, %d) for %s with %d "
                             "units. Received: x.shape=%s"
                             % ("batch, time" if rows is None else "rows", n, cell, u, x.shape))
        f = 0
    else:
        if kernel is None:
            raise ValueError("kernel is required unless projected=True")
        _float_dtype("kernel", kernel)
        kernel = _rnn_array("kernel", kernel, dtype, (f, n))
    _count("x", b, t, max(f, n))
    if mask is not None:
        mask = np.asarray(mask)
        if mask.dtype != np.bool_ and not np.issubdtype(mask.dtype, np.integer):
            raise TypeError("mask must be a boolean array. Received: dtype=%s" % (mask.dtype,))
        _shape("mask", mask, (b, t))
        mask = np.ascontiguousarray(mask != 0).view(np.uint8)
    flags = 0
    if recurrent_mask is not None:
        _float_dtype("recurrent_mask", recurrent_mask)
        _same_dtype(dtype, recurrent_mask=recurrent_mask)
        if recurrent_mask.ndim == 3:
            _shape("recurrent_mask", recurrent_mask, (g, b, u))
            flags |= lib.NL_RNN_GATE_MASKS
        else:
            _shape("recurrent_mask", recurrent_mask, (b, u))
        recurrent_mask = _in(recurrent_mask)
    if go_backwards:
        flags |= lib.NL_RNN_GO_BACKWARDS
    if reset_after and cell == "gru":
        flags |= lib.NL_RNN_RESET_AFTER
    if zero_output_for_mask:
        flags |= lib.NL_RNN_ZERO_OUTPUT_FOR_MASK
    if projected:
        flags |= lib.NL_RNN_PROJECTED
    args = (cell_id, act, ract, flags, b, t, f, u)
    return args, dtype, (_in(x), kernel, _in(rk), mask, recurrent_mask, rows)


def _rnn_bias_shape(cell, n, reset_after):
    return (2, n) if cell == "gru" and reset_after else (n,)


def _u8_ptr(arr):
    return ffi.NULL if arr is None else ffi.from_buffer("uint8_t[]", arr)


def rnn_forward(cell, x, kernel, recurrent_kernel, bias=None, h0=None, c0=None, mask=None,
                recurrent_mask=None, keep=True, activation="tanh",
                recurrent_activation="sigmoid", go_backwards=False, reset_after=True,
                zero_output_for_mask=False, projected=False, sequences=True, rows=None):
    """A whole recurrent layer over a sequence in one C call (Keras 3 semantics).

    cell is "simple", "lstm" (gates i, f, c, o) or "gru" (gates z, r, h).
    x (B, T, F); kernel (F, G*U), recurrent_kernel (U, G*U); bias (G*U,), or
    (2, 3U) for gru with reset_after, or None. h0, c0 (B, U) or None (zeros;
    c0 for lstm only). mask (B, T) bool by original time; recurrent_mask (B, U)
    or per gate (G, B, U). With projected=True, x is already x @ kernel
    (B, T, G*U) and kernel is None. y is in processing order (reversed with
    go_backwards). keep=False skips what backward needs. sequences=False (no
    mask allowed) skips y: the last output is hn. rows (B, T) of ints, with
    projected=True only: x is (R, G*U), distinct projections, and position
    (b, t) reads x[rows[b, t]] (each checked to lie in [0, R)).

    Returns (y (B, T, U) or None, hn (B, U), cn (B, U) or None, saved or None).
    """
    return _rnn_forward(cell, x, kernel, recurrent_kernel, bias, h0, c0, mask, recurrent_mask,
                        keep, activation, recurrent_activation, go_backwards, reset_after,
                        zero_output_for_mask, projected, sequences, rows)[:4]


def rnn_forward_with_backward(cell, x, kernel, recurrent_kernel, bias=None, h0=None, c0=None,
                              mask=None, recurrent_mask=None, activation="tanh",
                              recurrent_activation="sigmoid", go_backwards=False,
                              reset_after=True, zero_output_for_mask=False, projected=False,
                              sequences=True, rows=None):
    """`rnn_forward(..., keep=True)` for training: returns (y, hn, cn, backward)
    with `backward(dy, dhn, dcn, has_bias, has_h0, has_c0, need_dx, need_kernels)`
    giving what `rnn_backward` gives for this call. The backward checks only its
    own arguments: x, the weights, the masks and the saved arrays were checked
    (or made) by this forward."""
    y, hn, cn, saved, setup = _rnn_forward(
        cell, x, kernel, recurrent_kernel, bias, h0, c0, mask, recurrent_mask, True,
        activation, recurrent_activation, go_backwards, reset_after, zero_output_for_mask,
        projected, sequences, rows)

    def backward(dy, dhn, dcn, has_bias, has_h0, has_c0, need_dx, need_kernels):
        return _rnn_backward_run(cell, setup, saved, dy, dhn, dcn, has_bias, has_h0, has_c0,
                                 need_dx, need_kernels, reset_after, projected)
    return y, hn, cn, backward


def _rnn_forward(cell, x, kernel, recurrent_kernel, bias, h0, c0, mask, recurrent_mask, keep,
                 activation, recurrent_activation, go_backwards, reset_after,
                 zero_output_for_mask, projected, sequences, rows=None):
    setup = _rnn_setup(
        cell, x, kernel, recurrent_kernel, mask, recurrent_mask, activation,
        recurrent_activation, go_backwards, reset_after, zero_output_for_mask, projected, rows)
    args, dtype, (x, kernel, rk, mask, rmask, rows) = setup
    b, t, u = args[4], args[5], args[7]
    n = rk.shape[1]
    lstm = cell == "lstm"
    if bias is not None:
        bias = _rnn_array("bias", bias, dtype, _rnn_bias_shape(cell, n, reset_after))
    h0 = _rnn_array("h0", h0, dtype, (b, u))
    if c0 is not None and not lstm:
        raise ValueError("c0 is only used by the lstm cell. Received: cell=%r" % (cell,))
    c0 = _rnn_array("c0", c0, dtype, (b, u))
    if not sequences and mask is not None:
        raise ValueError("sequences=False needs mask=None: a masked step repeats the "
                         "previous output, so the last output is not hn")
    new = _reuse.empty
    y = new((b, t, u), dtype) if sequences else None
    hn = np.empty((b, u), dtype=dtype)
    cn = np.empty((b, u), dtype=dtype) if lstm else None
    saved = None
    if keep:
        gru_ra = cell == "gru" and reset_after
        saved = (new((b, t, n), dtype), new((b, t, u), dtype),
                 new((b, t, u), dtype) if lstm else None,
                 new((b, t, u), dtype) if lstm or gru_ra else None)
    p = lambda a: _ptr(dtype, a)  # noqa: E731
    gates, hs, cs, aux = saved if keep else (None,) * 4
    status = _fn(dtype, "rnn_forward")(
        *args, p(x), x.shape[0], ffi.NULL if rows is None else ffi.from_buffer("int64_t[]", rows),
        p(kernel), p(rk), p(bias), p(h0), p(c0), _u8_ptr(mask), p(rmask), p(y), p(hn), p(cn),
        p(gates), p(hs), p(cs), p(aux))
    if status == lib.NL_ERANGE:
        bad = int(rows.min() if rows.min() < 0 else rows.max())
        raise ValueError("rnn_forward: rows holds %d, outside [0, %d): each must pick a row "
                         "of x" % (bad, x.shape[0]))
    _check(status, "rnn_forward")
    return y, hn, cn, saved, setup


def rnn_backward(cell, x, kernel, recurrent_kernel, saved, dy=None, dhn=None, dcn=None,
                 mask=None, recurrent_mask=None, has_bias=True, has_h0=True, has_c0=True,
                 need_dx=True, need_kernels=True, activation="tanh", recurrent_activation="sigmoid", go_backwards=False,
                 reset_after=True, zero_output_for_mask=False, projected=False):
    """Backpropagation through time of `rnn_forward` (same arguments and flags).

    dy (B, T, U) in processing order, dhn, dcn (B, U); each None means zeros.
    Returns (dx, dkernel, drecurrent_kernel, dbias, dh0, dc0): dx is d(x), or
    d(projection) with projected=True, where dkernel is None; dbias None unless
    has_bias, dh0 None unless has_h0, dc0 None unless lstm and has_c0; dx None
    when not need_dx, dkernel and drecurrent_kernel None when not need_kernels
    (not computed).
    """
    args, dtype, (x, kernel, rk, mask, rmask, _) = _rnn_setup(
        cell, x, kernel, recurrent_kernel, mask, recurrent_mask, activation,
        recurrent_activation, go_backwards, reset_after, zero_output_for_mask, projected)
    b, t, u = args[4], args[5], args[7]
    n = rk.shape[1]
    lstm = cell == "lstm"
    gru_ra = cell == "gru" and reset_after
    if not isinstance(saved, tuple) or len(saved) != 4:
        raise TypeError("saved must be the tuple rnn_forward returned with keep=True. "
                        "Received: %s" % (type(saved).__name__,))
    need = (True, True, lstm, lstm or gru_ra)
    shapes = ((b, t, n), (b, t, u), (b, t, u), (b, t, u))
    checked = []
    for name, arr, needed, shape in zip(("saved[0]", "saved[1]", "saved[2]", "saved[3]"),
                                        saved, need, shapes):
        if needed:
            if arr is None:
                raise ValueError("%s is missing: saved does not match cell=%r" % (name, cell))
            _float_dtype(name, arr)
            arr = _rnn_array(name, arr, dtype, shape)
        checked.append(arr if needed else None)
    return _rnn_backward_run(cell, (args, dtype, (x, kernel, rk, mask, rmask, None)),
                             tuple(checked),
                             dy, dhn, dcn, has_bias, has_h0, has_c0, need_dx, need_kernels,
                             reset_after, projected)


def _rnn_backward_run(cell, setup, saved, dy, dhn, dcn, has_bias, has_h0, has_c0, need_dx,
                      need_kernels, reset_after, projected):
    """rnn_backward after its checks of everything but dy, dhn and dcn: `setup`
    is `_rnn_setup`'s result, `saved` the checked saved arrays."""
    args, dtype, (x, kernel, rk, mask, rmask, _) = setup
    b, t, f, u = args[4], args[5], args[6], args[7]
    n = rk.shape[1]
    lstm = cell == "lstm"
    gates, hs, cs, aux = saved
    dy = _rnn_array("dy", dy, dtype, (b, t, u))
    dhn = _rnn_array("dhn", dhn, dtype, (b, u))
    if dcn is not None and not lstm:
        raise ValueError("dcn is only used by the lstm cell. Received: cell=%r" % (cell,))
    dcn = _rnn_array("dcn", dcn, dtype, (b, u))
    dx = _reuse.empty((b, t, n if projected else x.shape[2]), dtype) if need_dx else None
    dk = None if projected or not need_kernels else np.empty((f, n), dtype=dtype)
    dr = np.empty((u, n), dtype=dtype) if need_kernels else None
    db = np.empty(_rnn_bias_shape(cell, n, reset_after), dtype=dtype) if has_bias else None
    dh0 = np.empty((b, u), dtype=dtype) if has_h0 else None
    dc0 = np.empty((b, u), dtype=dtype) if lstm and has_c0 else None
    work = _reuse.empty((lib.nl_rnn_backward_work(args[0], args[3], b, t, u),), dtype)
    p = lambda a: _ptr(dtype, a)  # noqa: E731
    _check(_fn(dtype, "rnn_backward")(*args, p(x), p(kernel), p(rk), _u8_ptr(mask), p(rmask),
                                      p(gates), p(hs), p(cs), p(aux), p(dy), p(dhn), p(dcn),
                                      p(dx), p(dk), p(dr), p(db), p(dh0), p(dc0), p(work)),
           "rnn_backward")
    del work
    return dx, dk, dr, db, dh0, dc0


# --------------------------------------------------------------------------
# image resampling (ops.image.affine_transform)

AFFINE_INTERPOLATIONS = {"nearest": lib.NL_INTERP_NEAREST, "bilinear": lib.NL_INTERP_BILINEAR}
AFFINE_FILL_MODES = {"constant": lib.NL_FILL_CONSTANT, "nearest": lib.NL_FILL_NEAREST,
                     "wrap": lib.NL_FILL_WRAP, "reflect": lib.NL_FILL_REFLECT}
_F32_T = np.dtype(np.float32)


def affine_transform(images, transform, interpolation, fill_mode, fill_value):
    """TensorFlow's projective resampling of NHWC `images` (float32 or float64)
    by `transform`, `(1, 8)` or `(N, 8)` rows `[a0 a1 a2 b0 b1 b2 c0 c1]` that
    map output pixels to input pixels (see nnlite.h); returns a new array."""
    dtype = _float_dtype("images", images)
    _ndim("images", images, 4)
    if interpolation not in AFFINE_INTERPOLATIONS:
        raise ValueError("affine_transform: unknown interpolation %r. Expected one of %s"
                         % (interpolation, sorted(AFFINE_INTERPOLATIONS)))
    if fill_mode not in AFFINE_FILL_MODES:
        raise ValueError("affine_transform: unknown fill_mode %r. Expected one of %s"
                         % (fill_mode, sorted(AFFINE_FILL_MODES)))
    n, h, w, c = images.shape
    t = np.require(transform, dtype=_F32_T, requirements=("C", "A"))
    if t.ndim != 2 or t.shape[1] != 8 or t.shape[0] not in (1, n):
        raise ValueError("affine_transform: transform must have shape (1, 8) or (%d, 8). "
                         "Received: shape=%s" % (n, t.shape))
    x = _in(images)
    out = np.empty(x.shape, dtype)
    _check(_fn(dtype, "affine_transform")(
        n, h, w, c, t.shape[0], AFFINE_INTERPOLATIONS[interpolation],
        AFFINE_FILL_MODES[fill_mode], float(fill_value), _ptr(_F32_T, t), _ptr(dtype, x),
        _ptr(dtype, out)), "affine_transform")
    return out
