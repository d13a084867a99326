"""NumPy-like operations, as `keras.ops.numpy`: each differentiable op computes its
forward with NumPy (2-D float matrix products with nnlite's C GEMM) and returns,
beside it, the backward closure (see `nnlite.backend.tensor.apply`).

Inputs may be Tensors, Variables, NumPy arrays, lists or Python scalars. Python
scalars are weakly typed, as in Keras: `x_float32 * 2` stays float32. Mixing
an integer and a float tensor gives the float dtype (Keras's promotion), not
NumPy's float64.
"""
import numpy as np

from nnlite import _core
from nnlite.backend.tape import unbroadcast
from nnlite.backend.tensor import Tensor, apply, takes_needs, unwrap
from nnlite.ops import embedding as _embedding

__all__ = [
    # arithmetic
    "add", "subtract", "multiply", "divide", "true_divide", "floor_divide", "mod", "power",
    "negative", "abs", "absolute", "sign", "square", "sqrt", "exp", "log", "log1p",
    "expm1", "log2", "log10", "reciprocal", "maximum", "minimum", "clip", "where",
    "round", "floor", "ceil", "sin", "cos", "tan", "arcsin", "arccos", "arctan",
    "arctan2", "sinh", "cosh", "tanh", "arcsinh", "arccosh", "arctanh",
    # comparison and logic
    "equal", "not_equal", "less", "less_equal", "greater", "greater_equal",
    "logical_and", "logical_or", "logical_not", "logical_xor", "isnan", "isinf", "isfinite",
    # products
    "matmul", "dot", "tensordot", "einsum", "outer", "inner", "vdot",
    # reductions
    "sum", "mean", "max", "min", "amax", "amin", "prod", "std", "var", "logsumexp",
    "argmax", "argmin", "all", "any", "cumsum", "cumprod",
    # shapes and indexing
    "reshape", "transpose", "expand_dims", "squeeze", "concatenate", "stack", "split",
    "tile", "repeat", "take", "take_along_axis", "get_item", "pad", "flip", "moveaxis",
    "swapaxes", "broadcast_to", "ravel", "zeros_like", "ones_like", "full_like", "copy", "size",
    # creation
    "zeros", "ones", "eye", "identity", "arange", "linspace", "full", "tri",
]

# builtins that ops of the same name shadow below
_builtin_all, _builtin_any, _builtin_max, _builtin_min = all, any, max, min


# ---------------------------------------------------------------------------
# Conversion and dtypes
# ---------------------------------------------------------------------------

def _floatx():
    from nnlite import config
    return np.dtype(config.floatx())


def _is_weak(x):
    """A Python scalar (weakly typed: it takes the other operand's dtype)."""
    return type(x) in (bool, int, float) or (
        isinstance(x, (bool, int, float)) and not isinstance(x, np.generic))


def _const(x, dtype=None):
    """A NumPy array of a non-tensor input (Python floats become floatx, ints int32)."""
    if isinstance(x, np.ndarray):
        return x if dtype is None else x.astype(dtype, copy=False)
    v = np.asarray(x, dtype=dtype)
    if v.dtype == object:
        raise TypeError("Cannot convert %r to a numeric tensor." % (type(x).__name__,))
    if dtype is None and not isinstance(x, np.generic):
        if v.dtype == np.float64:
            v = v.astype(_floatx())
        elif v.dtype == np.int64:
            v = v.astype(np.int32)
    return v


def _input(x, dtype=None):
    """What to hand to `apply`: Tensors and Variables as given (the tape tracks
    them by identity), everything else as an array."""
    if isinstance(x, Tensor) or getattr(x, "_is_variable", False):
        return x
    return _const(x, dtype)


def _dtype_of(x):
    if isinstance(x, Tensor) or getattr(x, "_is_variable", False):
        return unwrap(x).dtype
    return _const(x).dtype


def _promote(dtypes):
    if len(dtypes) == 1:
        return dtypes[0]
    if dtypes[0] == dtypes[1] and len(dtypes) == 2:
        return dtypes[0]
    floats = [d for d in dtypes if (np.dtype(d).kind in "fc")]
    if floats:
        return np.result_type(*floats)
    return np.result_type(*dtypes)


def _result_dtype(*xs):
    """The dtype of an elementwise op on `xs`, with weakly typed Python scalars."""
    strong = [_dtype_of(x) for x in xs if x is not None and not _is_weak(x)]
    weak = [type(x) for x in xs if _is_weak(x)]
    if not strong:
        if float in weak:
            return _floatx()
        return np.dtype(np.int32) if int in weak else np.dtype(bool)
    dt = _promote(strong)
    if float in weak and not (np.dtype(dt).kind in "fc"):
        dt = _floatx()
    elif int in weak and dt == np.bool_:
        dt = np.dtype(np.int32)
    return dt


def _value_of(x):
    """The array of a Tensor or Variable, else None."""
    if type(x) is Tensor:
        return x._value
    return x.value if getattr(x, "_is_variable", False) else None


def _fast_pair(x1, x2):
    """`_inputs(x1, x2)` for the common cases, else None: two tensors of one
    dtype, or a float tensor and a Python number (which takes its dtype)."""
    v1, v2 = _value_of(x1), _value_of(x2)
    if v1 is not None:
        if v2 is not None:
            return ((x1, x2), v1.dtype) if v1.dtype == v2.dtype else None
        if type(x2) in (float, int) and v1.dtype.kind == "f":
            return (x1, np.asarray(x2, v1.dtype)), v1.dtype
    elif v2 is not None and type(x1) in (float, int) and v2.dtype.kind == "f":
        return (np.asarray(x1, v2.dtype), x2), v2.dtype
    return None


def _inputs(*xs):
    """(apply inputs, common dtype); weak scalars are made arrays of that dtype."""
    if len(xs) == 2:
        fast = _fast_pair(*xs)
        if fast is not None:
            return fast
    dt = _result_dtype(*xs)
    return tuple(_const(x, dt) if _is_weak(x) else _input(x) for x in xs), dt


def _float_dtype(dt):
    return dt if (np.dtype(dt).kind in "fc") else _floatx()


def _is_float(a):
    return (np.dtype(a.dtype).kind in "fc")


def _grad(g, a):
    """`g` summed to the shape of input array `a`, in its dtype (None for int
    inputs), as a C-contiguous array (never a broadcast view an optimizer or
    the C core could not use)."""
    if not _is_float(a):
        return None
    g = np.asarray(g)
    g = unbroadcast(g, a.shape) if g.shape != a.shape else g
    g = g.astype(a.dtype, copy=False)
    return g if g.flags.c_contiguous else g.copy()


def _broadcast_shape(name, *shapes):
    try:
        return np.broadcast_shapes(*shapes)
    except ValueError:
        raise ValueError("%s: incompatible shapes for broadcasting: %s" % (
            name, ", ".join("x%d.shape=%s" % (i + 1, s) for i, s in enumerate(shapes)))) \
            from None


def _axis(name, axis, ndim, arg="axis"):
    """One axis as a non-negative int, with an error naming the op."""
    try:
        a = int(axis)
    except TypeError:
        raise TypeError("%s: %s must be an int. Received: %s=%r" % (name, arg, arg, axis)) \
            from None
    if not -ndim <= a < ndim:
        raise ValueError("%s: %s %d is out of bounds for an input with %d dimensions. "
                         "Received: %s=%r" % (name, arg, a, ndim, arg, axis))
    return a % ndim


def _axes(name, axis, ndim):
    """`axis` (None, int, list or tuple) as a sorted tuple of non-negative ints."""
    if axis is None:
        return tuple(range(ndim))
    items = axis if isinstance(axis, (list, tuple)) else (axis,)
    out = tuple(sorted(_axis(name, a, ndim) for a in items))
    if len(set(out)) != len(out):
        raise ValueError("%s: repeated axis. Received: axis=%r" % (name, axis))
    return out


# ---------------------------------------------------------------------------
# Elementwise helpers
# ---------------------------------------------------------------------------

def _binary(name, x1, x2, f, grads=None, compute_dtype=None):
    """An elementwise op on two broadcast inputs; `grads(dy, a, b, y)` -> (da, db)."""
    ins, dt = _inputs(x1, x2)
    dt = compute_dtype(dt) if compute_dtype else dt

    @takes_needs
    def fn(a, b, needs):
        ac, bc = a.astype(dt, copy=False), b.astype(dt, copy=False)
        try:
            y = np.asarray(f(ac, bc))
        except ValueError:
            if a.shape != b.shape:
                _broadcast_shape(name, a.shape, b.shape)    # names the op and the shapes
            raise
        if grads is None or not (np.dtype(y.dtype).kind in "fc"):
            return y, None

        def backward(dy):
            ga, gb = grads(dy, ac, bc, y)
            return (None if ga is None or not needs[0] else _grad(ga, a),
                    None if gb is None or not needs[1] else _grad(gb, b))
        return y, backward
    return apply(name, fn, ins)


def _unary(name, x, f, grad=None, to_float=False):
    """An elementwise op on one input; `grad(dy, x, y)` -> dx."""
    x = _input(x)
    dt = _dtype_of(x)
    dt = _float_dtype(dt) if to_float else dt

    def fn(a):
        ac = a.astype(dt, copy=False)
        y = np.asarray(f(ac))
        if grad is None or not (np.dtype(y.dtype).kind in "fc"):
            return y, None

        def backward(dy):
            return (_grad(grad(dy, ac, y), a),)
        return y, backward
    return apply(name, fn, (x,))


def _zero_grad(dy, x, y):
    return np.zeros_like(x)


# ---------------------------------------------------------------------------
# Arithmetic
# ---------------------------------------------------------------------------

def add(x1, x2):
    """Elementwise `x1 + x2`, broadcast."""
    return _binary("add", x1, x2, np.add, lambda dy, a, b, y: (dy, dy))


def subtract(x1, x2):
    """Elementwise `x1 - x2`, broadcast."""
    return _binary("subtract", x1, x2, np.subtract, lambda dy, a, b, y: (dy, -dy))


def multiply(x1, x2):
    """Elementwise `x1 * x2`, broadcast."""
    return _binary("multiply", x1, x2, np.multiply, lambda dy, a, b, y: (dy * b, dy * a))


def divide(x1, x2):
    """Elementwise `x1 / x2` (integers give floatx), broadcast."""
    return _binary("divide", x1, x2, np.true_divide,
                   lambda dy, a, b, y: (dy / b, -dy * y / b), compute_dtype=_float_dtype)


def true_divide(x1, x2):
    """Alias of `divide`."""
    return divide(x1, x2)


def floor_divide(x1, x2):
    """Elementwise `floor(x1 / x2)`; its gradient is zero."""
    return _binary("floor_divide", x1, x2, np.floor_divide,
                   lambda dy, a, b, y: (np.zeros_like(dy), np.zeros_like(dy)))


def mod(x1, x2):
    """Elementwise `x1 - floor(x1 / x2) * x2` (the sign of `x2`, as `numpy.mod`)."""
    return _binary("mod", x1, x2, np.mod,
                   lambda dy, a, b, y: (dy, -dy * np.floor_divide(a, b)))


def _power_grads(dy, a, b, y):
    da = dy * b * np.power(a, b - 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        db = np.where(a > 0, dy * y * np.log(np.where(a > 0, a, 1)), 0)
    return da, db


def power(x1, x2):
    """Elementwise `x1 ** x2`, broadcast."""
    return _binary("power", x1, x2, np.power, _power_grads)


def negative(x):
    """Elementwise `-x`."""
    return _unary("negative", x, np.negative, lambda dy, x, y: -dy)


def abs(x):
    """Elementwise `|x|`."""
    return _unary("abs", x, np.abs, lambda dy, x, y: dy * np.sign(x))


def absolute(x):
    """Alias of `abs`."""
    return abs(x)


def sign(x):
    """Elementwise sign (-1, 0 or 1); its gradient is zero."""
    return _unary("sign", x, np.sign, _zero_grad)


def square(x):
    """Elementwise `x ** 2`."""
    return _unary("square", x, np.square, lambda dy, x, y: 2 * dy * x)


def sqrt(x):
    """Elementwise square root (integers give floatx)."""
    return _unary("sqrt", x, np.sqrt, lambda dy, x, y: dy / (2 * y), to_float=True)


def exp(x):
    """Elementwise `e ** x`."""
    return _unary("exp", x, np.exp, lambda dy, x, y: dy * y, to_float=True)


def log(x):
    """Elementwise natural logarithm."""
    return _unary("log", x, np.log, lambda dy, x, y: dy / x, to_float=True)


def log1p(x):
    """Elementwise `log(1 + x)`."""
    return _unary("log1p", x, np.log1p, lambda dy, x, y: dy / (1 + x), to_float=True)


def expm1(x):
    """Elementwise `exp(x) - 1`."""
    return _unary("expm1", x, np.expm1, lambda dy, x, y: dy * (y + 1), to_float=True)


def log2(x):
    """Elementwise base-2 logarithm."""
    return _unary("log2", x, np.log2, lambda dy, x, y: dy / (x * np.log(2)), to_float=True)


def log10(x):
    """Elementwise base-10 logarithm."""
    return _unary("log10", x, np.log10, lambda dy, x, y: dy / (x * np.log(10)), to_float=True)


def reciprocal(x):
    """Elementwise `1 / x`."""
    return _unary("reciprocal", x, np.reciprocal, lambda dy, x, y: -dy * y * y, to_float=True)


def maximum(x1, x2):
    """Elementwise maximum; the gradient goes to `x1` on ties."""
    return _binary("maximum", x1, x2, np.maximum,
                   lambda dy, a, b, y: (dy * (a >= b), dy * (a < b)))


def minimum(x1, x2):
    """Elementwise minimum; the gradient goes to `x1` on ties."""
    return _binary("minimum", x1, x2, np.minimum,
                   lambda dy, a, b, y: (dy * (a <= b), dy * (a > b)))


def clip(x, x_min, x_max):
    """`x` limited to `[x_min, x_max]`; the gradient flows where `x` is inside."""
    x = _input(x)
    dt = _dtype_of(x)
    lo, hi = np.asarray(unwrap(x_min)), np.asarray(unwrap(x_max))

    def fn(a):
        _broadcast_shape("clip", a.shape, lo.shape, hi.shape)
        y = np.clip(a, lo, hi).astype(dt, copy=False)

        def backward(dy):
            return (_grad(dy * ((a >= lo) & (a <= hi)), a),)
        return y, (backward if _is_float(a) else None)
    return apply("clip", fn, (x,))


def where(condition, x1=None, x2=None):
    """`x1` where `condition` holds, else `x2` (broadcast); with only a condition,
    the indices of its non-zero entries (as `numpy.nonzero`)."""
    if (x1 is None) != (x2 is None):
        raise ValueError("where: x1 and x2 must be given together. Received: x1=%r, x2=%r"
                         % (x1, x2))
    cond = np.asarray(unwrap(condition)).astype(bool)
    if x1 is None:
        return tuple(Tensor(i.astype(np.int32)) for i in np.nonzero(cond))
    ins, dt = _inputs(x1, x2)

    def fn(a, b):
        _broadcast_shape("where", cond.shape, a.shape, b.shape)
        y = np.where(cond, a.astype(dt, copy=False), b.astype(dt, copy=False))

        def backward(dy):
            return _grad(np.where(cond, dy, 0), a), _grad(np.where(cond, 0, dy), b)
        return y, (backward if (np.dtype(dt).kind in "fc") else None)
    return apply("where", fn, ins)


def round(x, decimals=0):
    """Elementwise rounding to `decimals` places (half to even); zero gradient."""
    return _unary("round", x, lambda a: np.round(a, decimals), _zero_grad)


def floor(x):
    """Elementwise floor; zero gradient."""
    return _unary("floor", x, np.floor, _zero_grad, to_float=True)


def ceil(x):
    """Elementwise ceiling; zero gradient."""
    return _unary("ceil", x, np.ceil, _zero_grad, to_float=True)


def sin(x):
    """Elementwise sine."""
    return _unary("sin", x, np.sin, lambda dy, x, y: dy * np.cos(x), to_float=True)


def cos(x):
    """Elementwise cosine."""
    return _unary("cos", x, np.cos, lambda dy, x, y: -dy * np.sin(x), to_float=True)


def tan(x):
    """Elementwise tangent."""
    return _unary("tan", x, np.tan, lambda dy, x, y: dy * (1 + y * y), to_float=True)


def arcsin(x):
    """Elementwise inverse sine."""
    return _unary("arcsin", x, np.arcsin, lambda dy, x, y: dy / np.sqrt(1 - x * x),
                  to_float=True)


def arccos(x):
    """Elementwise inverse cosine."""
    return _unary("arccos", x, np.arccos, lambda dy, x, y: -dy / np.sqrt(1 - x * x),
                  to_float=True)


def arctan(x):
    """Elementwise inverse tangent."""
    return _unary("arctan", x, np.arctan, lambda dy, x, y: dy / (1 + x * x), to_float=True)


def arctan2(x1, x2):
    """Elementwise angle of the point `(x2, x1)`, in `[-pi, pi]`."""
    def grads(dy, a, b, y):
        r2 = a * a + b * b
        return dy * b / r2, -dy * a / r2
    return _binary("arctan2", x1, x2, np.arctan2, grads, compute_dtype=_float_dtype)


def sinh(x):
    """Elementwise hyperbolic sine."""
    return _unary("sinh", x, np.sinh, lambda dy, x, y: dy * np.cosh(x), to_float=True)


def cosh(x):
    """Elementwise hyperbolic cosine."""
    return _unary("cosh", x, np.cosh, lambda dy, x, y: dy * np.sinh(x), to_float=True)


def tanh(x):
    """Elementwise hyperbolic tangent."""
    return _unary("tanh", x, np.tanh, lambda dy, x, y: dy * (1 - y * y), to_float=True)


def arcsinh(x):
    """Elementwise inverse hyperbolic sine."""
    return _unary("arcsinh", x, np.arcsinh, lambda dy, x, y: dy / np.sqrt(x * x + 1),
                  to_float=True)


def arccosh(x):
    """Elementwise inverse hyperbolic cosine."""
    return _unary("arccosh", x, np.arccosh, lambda dy, x, y: dy / np.sqrt(x * x - 1),
                  to_float=True)


def arctanh(x):
    """Elementwise inverse hyperbolic tangent."""
    return _unary("arctanh", x, np.arctanh, lambda dy, x, y: dy / (1 - x * x), to_float=True)


# ---------------------------------------------------------------------------
# Comparison and logic (boolean outputs, no gradient)
# ---------------------------------------------------------------------------

def _against_none(x1, x2, value):
    other = x2 if x1 is None else x1
    return Tensor(np.full(np.shape(unwrap(other)), value))


def equal(x1, x2):
    """Elementwise `x1 == x2` (all false against None, as NumPy)."""
    if x1 is None or x2 is None:
        return _against_none(x1, x2, False)
    return _binary("equal", x1, x2, np.equal)


def not_equal(x1, x2):
    """Elementwise `x1 != x2` (all true against None, as NumPy)."""
    if x1 is None or x2 is None:
        return _against_none(x1, x2, True)
    return _binary("not_equal", x1, x2, np.not_equal)


def less(x1, x2):
    """Elementwise `x1 < x2`."""
    return _binary("less", x1, x2, np.less)


def less_equal(x1, x2):
    """Elementwise `x1 <= x2`."""
    return _binary("less_equal", x1, x2, np.less_equal)


def greater(x1, x2):
    """Elementwise `x1 > x2`."""
    return _binary("greater", x1, x2, np.greater)


def greater_equal(x1, x2):
    """Elementwise `x1 >= x2`."""
    return _binary("greater_equal", x1, x2, np.greater_equal)


def logical_and(x1, x2):
    """Elementwise logical AND (non-zero is true)."""
    return _binary("logical_and", x1, x2, np.logical_and)


def logical_or(x1, x2):
    """Elementwise logical OR."""
    return _binary("logical_or", x1, x2, np.logical_or)


def logical_xor(x1, x2):
    """Elementwise logical XOR."""
    return _binary("logical_xor", x1, x2, np.logical_xor)


def logical_not(x):
    """Elementwise logical NOT."""
    return _unary("logical_not", x, np.logical_not)


def isnan(x):
    """Elementwise test for NaN."""
    return _unary("isnan", x, np.isnan)


def isinf(x):
    """Elementwise test for positive or negative infinity."""
    return _unary("isinf", x, np.isinf)


def isfinite(x):
    """Elementwise test for finite values (not NaN, not infinite)."""
    return _unary("isfinite", x, np.isfinite)


# ---------------------------------------------------------------------------
# Products
# ---------------------------------------------------------------------------

def _operand(x):
    """(C-contiguous 2-D array, transposed?) without copying when x is a
    C- or Fortran-ordered matrix; copies only other layouts."""
    if x.flags.c_contiguous:
        return x, False
    if x.flags.f_contiguous:
        return x.T, True
    isz = x.itemsize
    if x.ndim == 2 and x.strides[-1] == isz and x.strides[0] % isz == 0 \
            and x.strides[0] >= x.shape[1] * isz:
        return x, False          # row-strided view: passed as a leading dimension
    # reversed (negative-stride), broadcast (zero-stride) and other layouts
    # the GEMM cannot address: a contiguous copy
    return np.ascontiguousarray(x), False


def _matmul(a, b):
    if a.ndim == 0 or b.ndim == 0:
        raise ValueError("matmul: inputs must have at least one dimension. Received: "
                         "x1.shape=%s, x2.shape=%s" % (a.shape, b.shape))
    a2 = a.reshape(1, -1) if a.ndim == 1 else a
    b2 = b.reshape(-1, 1) if b.ndim == 1 else b
    if a2.shape[-1] != b2.shape[-2]:
        raise ValueError("matmul: shapes %s and %s do not align: %d (dim %d) != %d (dim %d)"
                         % (a.shape, b.shape, a2.shape[-1], a.ndim - 1, b2.shape[-2],
                            _builtin_max(b.ndim - 2, 0)))
    _broadcast_shape("matmul", a2.shape[:-2], b2.shape[:-2])
    dt = _promote([a.dtype, b.dtype])
    a2, b2 = a2.astype(dt, copy=False), b2.astype(dt, copy=False)
    out_shape = np.broadcast_shapes(a2.shape[:-2], b2.shape[:-2]) \
        + a.shape[-2:-1] + b.shape[-1:] if b.ndim > 1 else \
        np.broadcast_shapes(a2.shape[:-2], b2.shape[:-2]) + a.shape[-2:-1]
    gemm = dt in (np.float32, np.float64) and a2.ndim == 2 and b2.ndim == 2
    if gemm:
        ac, ta = _operand(a2)
        bc, tb = _operand(b2)
        y = _core.gemm(ac, bc, trans_a=ta, trans_b=tb).reshape(out_shape)
    else:
        y = np.matmul(a2, b2).reshape(out_shape)
    if not (np.dtype(dt).kind in "fc"):
        return y, None

    def backward(dy):
        dy2 = np.ascontiguousarray(dy.reshape(np.broadcast_shapes(a2.shape[:-2], b2.shape[:-2])
                                              + (a2.shape[-2], b2.shape[-1])), dtype=dt)
        if gemm:    # dA = dY·Bᵀ, dB = Aᵀ·dY, transposes as GEMM flags
            da = _core.gemm(dy2, bc, trans_b=not tb)
            db = _core.gemm(ac, dy2, trans_a=not ta)
        else:
            da = unbroadcast(np.matmul(dy2, np.swapaxes(b2, -1, -2)), a2.shape)
            db = unbroadcast(np.matmul(np.swapaxes(a2, -1, -2), dy2), b2.shape)
        return (_grad(da.reshape(a.shape), a), _grad(db.reshape(b.shape), b))
    return y, backward


def matmul(x1, x2):
    """Matrix product of two tensors, as `keras.ops.matmul`.

    Float32 and float64 matrices (2-D, or a 1-D vector on either side) are
    multiplied by nnlite's GEMM, forward and backward (`dX1 = dY·X2ᵀ`,
    `dX2 = X1ᵀ·dY` through GEMM's transpose flags); transposed views are
    passed as flags, not copied. Stacks of matrices (N-D, broadcast over the
    leading dimensions) and other dtypes follow `numpy.matmul`.

    Args:
        x1: First tensor, at least 1-D.
        x2: Second tensor, at least 1-D.

    Returns:
        The product, shaped as `numpy.matmul` shapes it.

    Example:

    >>> matmul(np.array([[1., 2.], [3., 4.]]), np.array([[5., 6.], [7., 8.]]))
    <Tensor shape=(2, 2), dtype=float64, numpy=
    array([[19., 22.],
           [43., 50.]])>
    """
    ins, _ = _inputs(x1, x2)
    return apply("matmul", _matmul, ins)


_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _parse_einsum(subscripts, shapes):
    """Explicit subscripts (ellipses spelled out as letters) and the output."""
    s = subscripts.replace(" ", "")
    lhs, arrow, out = s.partition("->")
    terms = lhs.split(",")
    if len(terms) != len(shapes):
        raise ValueError("einsum: subscripts %r name %d operands but %d were given"
                         % (subscripts, len(terms), len(shapes)))
    free = [c for c in _LETTERS if c not in s]
    ell_nd = _builtin_max([len(sh) - len(t.replace("...", "")) for t, sh in zip(terms, shapes)
                           if "..." in t] or [0])
    ell = "".join(free[:ell_nd])
    expl = []
    for t, sh in zip(terms, shapes):
        if "..." in t:
            n = len(sh) - len(t.replace("...", ""))
            t = t.replace("...", ell[ell_nd - n:] if n else "")
        if len(t) != len(sh):
            raise ValueError("einsum: subscript %r does not match an operand of shape %s"
                             % (t, sh))
        expl.append(t)
    if arrow:
        out = out.replace("...", ell)
    else:    # implicit output: the letters used once, in alphabetical order
        named = "".join(t.replace("...", "") for t in terms)
        out = ell + "".join(sorted(c for c in set(named) if named.count(c) == 1))
    return expl, out


def _einsum(*arrays, terms, out):
    dt = _promote([a.dtype for a in arrays])
    cs = [a.astype(dt, copy=False) for a in arrays]
    spec = ",".join(terms) + "->" + out
    y = np.asarray(np.einsum(spec, *cs, optimize=len(cs) > 2))
    if not (np.dtype(dt).kind in "fc"):
        return y, None
    sizes = {}
    for t, a in zip(terms, cs):
        for c, d in zip(t, a.shape):
            sizes[c] = _builtin_max(sizes.get(c, 1), d)

    def backward(dy):
        grads = []
        for i, (t, a) in enumerate(zip(terms, arrays)):
            if not _is_float(a):
                grads.append(None)
                continue
            others = [(u, np.broadcast_to(c, tuple(sizes[ch] for ch in u)))
                      for j, (u, c) in enumerate(zip(terms, cs)) if j != i]
            seen = out + "".join(u for u, _ in others)
            uniq = "".join(dict.fromkeys(c for c in t if c in seen))
            g = np.einsum(",".join([out] + [u for u, _ in others]) + "->" + uniq,
                          dy, *[c for _, c in others], optimize=len(others) > 1)
            full_t = "".join(dict.fromkeys(t))
            # letters summed only inside this operand: broadcast back over them
            g = np.broadcast_to(g.reshape(tuple(sizes[c] if c in uniq else 1 for c in full_t)),
                                tuple(sizes[c] for c in full_t))
            if full_t != t:    # repeated letters (a diagonal): scatter onto it
                z = np.zeros(tuple(sizes[c] for c in t), dt)
                np.einsum(t + "->" + full_t, z)[...] = g
                g = z
            grads.append(_grad(g, a))
        return tuple(grads)
    return y, backward


def einsum(subscripts, *operands):
    """Einstein summation over `operands`, as `numpy.einsum` (ellipses included).

    The gradient of each operand is the einsum of the output gradient with the
    other operands, into that operand's subscripts.

    Example:

    >>> einsum("ij,jk->ik", a, b)      # matmul(a, b)
    """
    if not isinstance(subscripts, str):
        raise TypeError("einsum: subscripts must be a string. Received: %r" % (subscripts,))
    ins = tuple(_input(o) for o in operands)
    terms, out = _parse_einsum(subscripts, [np.shape(unwrap(i)) for i in ins])
    try:
        return apply("einsum", _einsum, ins, terms=terms, out=out)
    except ValueError as e:
        raise ValueError("einsum: %s. Received: subscripts=%r, shapes=%s" % (
            e, subscripts, [np.shape(unwrap(i)) for i in ins])) from None


def _contract(name, x1, x2, axes1, axes2):
    """The tensordot of x1 and x2 over the paired axes, as an einsum."""
    ins, _ = _inputs(x1, x2)
    sa, sb = np.shape(unwrap(ins[0])), np.shape(unwrap(ins[1]))
    ta = _LETTERS[:len(sa)]
    tb = list(_LETTERS[len(sa):len(sa) + len(sb)])
    for i, j in zip(axes1, axes2):
        if sa[i] != sb[j]:
            raise ValueError("%s: shape mismatch: x1.shape=%s (axis %d) and x2.shape=%s "
                             "(axis %d) cannot be contracted" % (name, sa, i, sb, j))
        tb[j] = ta[i]
    tb = "".join(tb)
    out = "".join(c for c in ta + tb if c not in set(ta[i] for i in axes1))
    return apply(name, _einsum, ins, terms=[ta, tb], out=out)


def tensordot(x1, x2, axes=2):
    """Sum of products over the last `axes` axes of `x1` and the first of `x2`
    (or over the listed axis pairs), as `numpy.tensordot`."""
    na, nb = np.ndim(unwrap(x1)), np.ndim(unwrap(x2))
    if isinstance(axes, (int, np.integer)):
        if axes < 0 or axes > _builtin_min(na, nb):
            raise ValueError("tensordot: axes=%d exceeds the dimensions of x1 (%d) or x2 (%d)"
                             % (axes, na, nb))
        a1, a2 = list(range(na - axes, na)), list(range(axes))
    else:
        a1, a2 = axes
        a1 = [a1] if isinstance(a1, (int, np.integer)) else list(a1)
        a2 = [a2] if isinstance(a2, (int, np.integer)) else list(a2)
        if len(a1) != len(a2):
            raise ValueError("tensordot: the two axis lists differ in length. Received: "
                             "axes=%r" % (axes,))
        a1 = [_axis("tensordot", a, na) for a in a1]
        a2 = [_axis("tensordot", a, nb) for a in a2]
    return _contract("tensordot", x1, x2, a1, a2)


def dot(x1, x2):
    """Dot product, as `numpy.dot`: `multiply` for scalars, `matmul` for 1-D and
    2-D, else a sum over the last axis of `x1` and the second-to-last of `x2`."""
    na, nb = np.ndim(unwrap(x1)), np.ndim(unwrap(x2))
    if na == 0 or nb == 0:
        return multiply(x1, x2)
    if na <= 2 and nb <= 2:
        return matmul(x1, x2)
    return _contract("dot", x1, x2, [na - 1], [nb - 1 if nb == 1 else nb - 2])


def outer(x1, x2):
    """Outer product of the flattened inputs: `out[i, j] = x1[i] * x2[j]`."""
    return einsum("i,j->ij", ravel(x1), ravel(x2))


def inner(x1, x2):
    """Inner product over the last axes (a product for scalars), as `numpy.inner`."""
    na, nb = np.ndim(unwrap(x1)), np.ndim(unwrap(x2))
    if na == 0 or nb == 0:
        return multiply(x1, x2)
    return _contract("inner", x1, x2, [na - 1], [nb - 1])


def vdot(x1, x2):
    """Dot product of the flattened inputs."""
    return einsum("i,i->", ravel(x1), ravel(x2))


# ---------------------------------------------------------------------------
# Reductions
# ---------------------------------------------------------------------------

def _reduce(name, x, axis, keepdims, f, grad=None, to_float=False):
    """A reduction over `axis`; `grad(dy_kept, x, y_kept, axes)` -> dx, where the
    `_kept` arrays keep the reduced axes as size 1."""
    x = _input(x)

    def fn(a):
        axes = _axes(name, axis, a.ndim)
        ac = a.astype(_float_dtype(a.dtype), copy=False) if to_float else a
        y_kept = np.asarray(f(ac, axis=axes, keepdims=True))
        y = y_kept if keepdims else y_kept.reshape(
            tuple(d for i, d in enumerate(a.shape) if i not in axes))
        if grad is None or not _is_float(y):
            return y, None

        def backward(dy):
            dyk = dy.reshape(y_kept.shape)
            return (_grad(grad(dyk, ac, y_kept, axes), a),)
        return y, backward
    return apply(name, fn, (x,))


def _count(shape, axes):
    return int(np.prod([shape[i] for i in axes]))


def _int_dtype(a):
    """Integer sums and products keep the input dtype (bool counts as int32),
    as in Keras, rather than NumPy's platform integer."""
    if a.dtype == np.bool_:
        return np.int32
    return a.dtype if np.issubdtype(a.dtype, np.integer) else None


def sum(x, axis=None, keepdims=False):
    """Sum over `axis` (an int, a tuple, or None for all). Defaults to all axes."""
    return _reduce("sum", x, axis, keepdims,
                   lambda a, axis, keepdims: np.sum(a, axis=axis, keepdims=keepdims,
                                                    dtype=_int_dtype(a)),
                   lambda dy, a, y, axes: np.broadcast_to(dy, a.shape))


def mean(x, axis=None, keepdims=False):
    """Arithmetic mean over `axis` (integers give floatx)."""
    return _reduce("mean", x, axis, keepdims, np.mean,
                   lambda dy, a, y, axes: np.broadcast_to(dy / _count(a.shape, axes), a.shape),
                   to_float=True)


def _extreme_grad(dy, a, y, axes):
    mask = a == y
    return dy * mask / mask.sum(axis=axes, keepdims=True)   # ties share the gradient


def _check_nonempty(name, f):
    def g(a, axis, keepdims):
        if a.size == 0 and _builtin_any(a.shape[i] == 0 for i in axis):
            raise ValueError("%s: cannot reduce an empty axis. Received: x.shape=%s, axis=%s"
                             % (name, a.shape, axis))
        return f(a, axis=axis, keepdims=keepdims)
    return g


def max(x, axis=None, keepdims=False, initial=None):
    """Maximum over `axis`; tied maxima share the gradient equally."""
    if initial is not None:
        return maximum(max(x, axis, keepdims), initial)
    return _reduce("max", x, axis, keepdims, _check_nonempty("max", np.max), _extreme_grad)


def min(x, axis=None, keepdims=False, initial=None):
    """Minimum over `axis`; tied minima share the gradient equally."""
    if initial is not None:
        return minimum(min(x, axis, keepdims), initial)
    return _reduce("min", x, axis, keepdims, _check_nonempty("min", np.min), _extreme_grad)


def amax(x, axis=None, keepdims=False):
    """Alias of `max`."""
    return max(x, axis, keepdims)


def amin(x, axis=None, keepdims=False):
    """Alias of `min`."""
    return min(x, axis, keepdims)


def _prod_grad(dy, a, y, axes):
    # product of all the other entries, without dividing (zeros are fine):
    # exclusive cumulative products from the left and from the right
    rest = tuple(i for i in range(a.ndim) if i not in axes)
    t = np.transpose(a, rest + axes)
    lead = t.shape[:len(rest)]
    flat = t.reshape(lead + (-1,))
    ones = np.ones(lead + (1,), a.dtype)
    left = np.cumprod(np.concatenate([ones, flat[..., :-1]], -1), -1)
    right = np.cumprod(np.concatenate([ones, flat[..., :0:-1]], -1), -1)[..., ::-1]
    g = (left * right).reshape(t.shape)
    g = np.transpose(g, np.argsort(rest + axes))
    return dy * g


def prod(x, axis=None, keepdims=False, dtype=None):
    """Product over `axis`."""
    x = x if dtype is None else _cast_to(x, dtype)
    return _reduce("prod", x, axis, keepdims,
                   lambda a, axis, keepdims: np.prod(a, axis=axis, keepdims=keepdims,
                                                     dtype=_int_dtype(a)), _prod_grad)


def var(x, axis=None, keepdims=False):
    """Variance over `axis`: `mean((x - mean(x)) ** 2)`."""
    return _reduce("var", x, axis, keepdims, np.var,
                   lambda dy, a, y, axes: dy * 2 * (a - a.mean(axis=axes, keepdims=True))
                   / _count(a.shape, axes), to_float=True)


def std(x, axis=None, keepdims=False):
    """Standard deviation over `axis`: `sqrt(var(x))`."""
    return _reduce("std", x, axis, keepdims, np.std,
                   lambda dy, a, y, axes: dy * (a - a.mean(axis=axes, keepdims=True))
                   / (_count(a.shape, axes) * y), to_float=True)


def _logsumexp(a, axis, keepdims):
    m = np.max(a, axis=axis, keepdims=True, initial=-np.inf)   # empty: log(0) = -inf
    m = np.where(np.isfinite(m), m, 0)
    out = np.log(np.sum(np.exp(a - m), axis=axis, keepdims=True)) + m
    return out if keepdims else np.squeeze(out, axis)


def logsumexp(x, axis=None, keepdims=False):
    """`log(sum(exp(x)))` over `axis`, computed without overflow (shifted by the max)."""
    return _reduce("logsumexp", x, axis, keepdims, _logsumexp,
                   lambda dy, a, y, axes: dy * np.exp(a - y), to_float=True)


def _arg(name, f, x, axis, keepdims):
    a = np.asarray(unwrap(_input(x)))
    if a.size == 0:
        raise ValueError("%s: empty input. Received: x.shape=%s" % (name, a.shape))
    if axis is None:
        y = f(a.reshape(-1))
        y = np.reshape(y, (1,) * a.ndim) if keepdims else np.asarray(y)
    else:
        ax = _axis(name, axis, a.ndim)
        y = f(a, axis=ax, keepdims=keepdims)
    return Tensor(np.asarray(y).astype(np.int32))


def argmax(x, axis=None, keepdims=False):
    """Indices (int32) of the maxima along `axis` (of the flattened input for None)."""
    return _arg("argmax", np.argmax, x, axis, keepdims)


def argmin(x, axis=None, keepdims=False):
    """Indices (int32) of the minima along `axis` (of the flattened input for None)."""
    return _arg("argmin", np.argmin, x, axis, keepdims)


def all(x, axis=None, keepdims=False):
    """Whether every entry along `axis` is true (non-zero)."""
    return _reduce("all", x, axis, keepdims, np.all)


def any(x, axis=None, keepdims=False):
    """Whether some entry along `axis` is true (non-zero)."""
    return _reduce("any", x, axis, keepdims, np.any)


def _scan(name, x, axis, dtype, f, grad):
    x = _input(x) if dtype is None else _cast_to(x, dtype)

    def fn(a):
        flat = axis is None
        ac = a.reshape(-1) if flat else a
        ax = 0 if flat else _axis(name, axis, a.ndim)
        y = f(ac, axis=ax, dtype=_int_dtype(a))
        if not _is_float(y):
            return y, None

        def backward(dy):
            return (_grad(grad(dy, ac, y, ax).reshape(a.shape), a),)
        return y, backward
    return apply(name, fn, (x,))


def cumsum(x, axis=None, dtype=None):
    """Cumulative sum along `axis` (of the flattened input for None)."""
    return _scan("cumsum", x, axis, dtype, np.cumsum,
                 lambda dy, a, y, ax: np.flip(np.cumsum(np.flip(dy, ax), ax), ax))


def cumprod(x, axis=None, dtype=None):
    """Cumulative product along `axis` (of the flattened input for None).

    The gradient is `reverse_cumsum(dy * y) / x`, as in TensorFlow, so it is
    not defined where `x` is zero.
    """
    return _scan("cumprod", x, axis, dtype, np.cumprod,
                 lambda dy, a, y, ax: np.flip(np.cumsum(np.flip(dy * y, ax), ax), ax) / a)


def _cast_to(x, dtype):
    from nnlite.ops.core import cast
    return cast(x, dtype)


# ---------------------------------------------------------------------------
# Shapes and indexing
# ---------------------------------------------------------------------------

def _reshape(a, newshape, name="reshape"):
    try:
        y = np.reshape(a, newshape)
    except ValueError:
        raise ValueError("%s: cannot reshape an input of shape %s (%d entries) into %s"
                         % (name, a.shape, a.size, tuple(newshape))) from None

    def backward(dy):
        return (_grad(dy.reshape(a.shape), a),)
    return y, (backward if _is_float(a) else None)


def reshape(x, newshape):
    """`x` with shape `newshape` (one entry may be -1, inferred)."""
    if isinstance(newshape, (int, np.integer)):
        newshape = (newshape,)
    newshape = tuple(int(d) for d in newshape)
    return apply("reshape", _reshape, (_input(x),), newshape)


def ravel(x):
    """`x` flattened to 1-D."""
    return apply("ravel", _reshape, (_input(x),), (-1,), "ravel")


def transpose(x, axes=None):
    """`x` with its axes permuted (reversed when `axes` is None)."""
    def fn(a):
        perm = tuple(range(a.ndim))[::-1] if axes is None else \
            tuple(_axis("transpose", i, a.ndim, "axes") for i in axes)
        if sorted(perm) != list(range(a.ndim)):
            raise ValueError("transpose: axes must be a permutation of the %d axes of x "
                             "(shape %s). Received: axes=%r" % (a.ndim, a.shape, axes))
        y = np.transpose(a, perm)
        return y, (lambda dy: (_grad(np.transpose(dy, np.argsort(perm)), a),))
    return apply("transpose", fn, (_input(x),))


def expand_dims(x, axis):
    """`x` with size-1 axes inserted at `axis` (an int or tuple)."""
    def fn(a):
        items = axis if isinstance(axis, (list, tuple)) else (axis,)
        n = a.ndim + len(items)
        axes = [_axis("expand_dims", i, n) for i in items]
        if len(set(axes)) != len(axes):
            raise ValueError("expand_dims: repeated axis. Received: axis=%r" % (axis,))
        y = np.expand_dims(a, tuple(axes))
        return y, (lambda dy: (_grad(dy.reshape(a.shape), a),))
    return apply("expand_dims", fn, (_input(x),))


def squeeze(x, axis=None):
    """`x` without its size-1 axes (only those in `axis` when given)."""
    def fn(a):
        if axis is None:
            axes = tuple(i for i, d in enumerate(a.shape) if d == 1)
        else:
            axes = _axes("squeeze", axis, a.ndim)
            bad = [i for i in axes if a.shape[i] != 1]
            if bad:
                raise ValueError("squeeze: cannot squeeze axis %d of size %d (x.shape=%s). "
                                 "Received: axis=%r" % (bad[0], a.shape[bad[0]], a.shape, axis))
        y = np.squeeze(a, axes)
        return y, (lambda dy: (_grad(dy.reshape(a.shape), a),))
    return apply("squeeze", fn, (_input(x),))


def _concat(*arrays, axis, kind):
    if not arrays:
        raise ValueError("%s: needs at least one tensor." % kind)
    dt = _promote([a.dtype for a in arrays])
    y = (np.concatenate if kind == "concatenate" else np.stack)(
        [a.astype(dt, copy=False) for a in arrays], axis=axis)
    if not (np.dtype(dt).kind in "fc"):
        return y, None

    def backward(dy):
        if kind == "stack":
            parts = np.moveaxis(dy, axis, 0)
        else:
            parts = np.split(dy, np.cumsum([a.shape[axis] for a in arrays])[:-1], axis=axis)
        return tuple(_grad(p, a) for p, a in zip(parts, arrays))
    return y, backward


def concatenate(xs, axis=0):
    """The tensors `xs` joined along the existing axis `axis`."""
    ins = tuple(_input(x) for x in xs)
    shapes = [np.shape(unwrap(i)) for i in ins]
    if not shapes:
        raise ValueError("concatenate: needs at least one tensor. Received: xs=%r" % (xs,))
    if axis is None:
        return concatenate([ravel(i) for i in ins], 0)
    ax = _axis("concatenate", axis, len(shapes[0]))
    for s in shapes:
        if len(s) != len(shapes[0]) or s[:ax] + s[ax + 1:] != shapes[0][:ax] + shapes[0][ax + 1:]:
            raise ValueError("concatenate: all shapes must match except on axis %d. "
                             "Received shapes: %s" % (ax, shapes))
    return apply("concatenate", _concat, ins, axis=ax, kind="concatenate")


def stack(x, axis=0):
    """The tensors `x` (all of one shape) joined along a new axis `axis`."""
    ins = tuple(_input(i) for i in x)
    shapes = [np.shape(unwrap(i)) for i in ins]
    if not shapes:
        raise ValueError("stack: needs at least one tensor. Received: x=%r" % (x,))
    if _builtin_any(s != shapes[0] for s in shapes):
        raise ValueError("stack: all tensors must have the same shape. Received shapes: %s"
                         % (shapes,))
    ax = _axis("stack", axis, len(shapes[0]) + 1)
    return apply("stack", _concat, ins, axis=ax, kind="stack")


def split(x, indices_or_sections, axis=0):
    """`x` cut along `axis` into equal sections (an int) or at the given indices;
    returns a list of tensors."""
    def fn(a):
        ax = _axis("split", axis, a.ndim)
        if isinstance(indices_or_sections, (int, np.integer)):
            n = int(indices_or_sections)
            if n <= 0 or a.shape[ax] % n:
                raise ValueError("split: axis %d of size %d cannot be split into %d equal "
                                 "sections (x.shape=%s)" % (ax, a.shape[ax], n, a.shape))
            ios = n
        else:
            ios = [int(i) for i in indices_or_sections]
        ys = tuple(np.split(a, ios, axis=ax))

        def backward(*dys):
            return (_grad(np.concatenate(dys, axis=ax), a),)
        return ys, (backward if _is_float(a) else None)
    return list(apply("split", fn, (_input(x),)))


def _gather(name, a, index_fn, out_shape=None):
    """`index_fn(a)` for a gather-like `index_fn` (take, tile, repeat, pad ...),
    with the backward that scatter-adds the output gradient back: the same
    `index_fn` applied to the flat positions of `a` says where each output
    entry came from (-1 where it came from nowhere)."""
    y = index_fn(a)
    if not _is_float(a):
        return y, None

    def backward(dy):
        pos = index_fn(np.arange(a.size).reshape(a.shape))
        pos, w = pos.reshape(-1), dy.reshape(-1)
        keep = pos >= 0
        g = np.bincount(pos[keep], weights=w[keep], minlength=a.size)
        return (_grad(g.reshape(a.shape), a),)
    return y, backward


def tile(x, repeats):
    """`x` repeated `repeats` times along each axis, as `numpy.tile`."""
    reps = (int(repeats),) if isinstance(repeats, (int, np.integer)) else \
        tuple(int(r) for r in np.asarray(unwrap(repeats)).reshape(-1))
    if _builtin_any(r < 0 for r in reps):
        raise ValueError("tile: repeats must be non-negative. Received: repeats=%r" % (repeats,))
    return apply("tile", lambda a: _gather("tile", a, lambda v: np.tile(v, reps)),
                 (_input(x),))


def repeat(x, repeats, axis=None):
    """Each entry of `x` repeated `repeats` times along `axis` (of the flattened
    input for None)."""
    reps = np.asarray(unwrap(repeats))

    def fn(a):
        ax = None if axis is None else _axis("repeat", axis, a.ndim)
        n = a.size if ax is None else a.shape[ax]
        if reps.ndim > 1 or (reps.ndim == 1 and reps.size not in (1, n)):
            raise ValueError("repeat: repeats must be an int or have one entry per element "
                             "along the axis (%d). Received: repeats.shape=%s"
                             % (n, reps.shape))
        if np.any(reps < 0):
            raise ValueError("repeat: repeats must be non-negative. Received: %r" % (repeats,))
        return _gather("repeat", a, lambda v: np.repeat(v, reps, axis=ax))
    return apply("repeat", fn, (_input(x),))


def take(x, indices, axis=None):
    """Entries of `x` at `indices` along `axis` (of the flattened input for None);
    negative indices count from the end."""
    idx = np.asarray(unwrap(indices))
    if not np.issubdtype(idx.dtype, np.integer):
        raise TypeError("take: indices must be integers. Received dtype %s" % idx.dtype)

    def check(a, ax):
        n = a.size if ax is None else a.shape[ax]
        if idx.size and (idx.max() >= n or idx.min() < -n):
            raise IndexError("take: index out of range for axis of size %d (x.shape=%s)"
                             % (n, a.shape))
        return n

    x = _input(x)
    value = unwrap(x)
    if axis is not None and _embedding.is_lookup_table(value) and \
            _axis("take", axis, value.ndim) == 0:
        # rows of a float table: the C gather, whose backward is a scatter-add
        n = check(value, 0)
        return _embedding.embedding_lookup(x, np.where(idx < 0, idx + n, idx))

    def fn(a):
        ax = None if axis is None else _axis("take", axis, a.ndim)
        check(a, ax)
        return _gather("take", a, lambda v: np.take(v, idx, axis=ax))
    return apply("take", fn, (x,))


def take_along_axis(x, indices, axis=None):
    """Entries of `x` at `indices` matched along `axis`, as `numpy.take_along_axis`
    (other axes broadcast)."""
    idx = np.asarray(unwrap(indices))
    if not np.issubdtype(idx.dtype, np.integer):
        raise TypeError("take_along_axis: indices must be integers. Received dtype %s"
                        % idx.dtype)

    def fn(a):
        if axis is None:
            a2, ind, ax = a.reshape(-1), idx.reshape(-1), 0
        else:
            ax = _axis("take_along_axis", axis, a.ndim)
            if idx.ndim != a.ndim:
                raise ValueError("take_along_axis: indices must have as many dimensions as x. "
                                 "Received: x.shape=%s, indices.shape=%s" % (a.shape, idx.shape))
            shape = list(_broadcast_shape("take_along_axis", a.shape[:ax] + (1,) + a.shape[ax + 1:],
                                          idx.shape[:ax] + (1,) + idx.shape[ax + 1:]))
            sa, si = list(shape), list(shape)
            sa[ax], si[ax] = a.shape[ax], idx.shape[ax]
            a2, ind = np.broadcast_to(a, sa), np.broadcast_to(idx, si)
        n = a2.shape[ax]
        if ind.size and (ind.max() >= n or ind.min() < -n):
            raise IndexError("take_along_axis: index out of range for axis of size %d" % n)
        y = np.take_along_axis(a2, ind, axis=ax)
        if not _is_float(a):
            return y, None

        def backward(dy):
            pos = np.take_along_axis(np.arange(a2.size).reshape(a2.shape), ind, axis=ax)
            g = np.bincount(pos.reshape(-1), weights=dy.reshape(-1), minlength=a2.size)
            return (_grad(g.reshape(a2.shape).reshape(a.shape) if axis is None
                          else g.reshape(a2.shape), a),)
        return y, backward
    return apply("take_along_axis", fn, (_input(x),))


def _key(key):
    """An index with Tensors and lists turned into arrays."""
    if isinstance(key, tuple):
        return tuple(_key(k) for k in key)
    if isinstance(key, list) or getattr(key, "_is_variable", False) or isinstance(key, Tensor):
        return np.asarray(unwrap(key))
    return key


def _is_basic(key):
    items = key if isinstance(key, tuple) else (key,)
    return _builtin_all(k is None or k is Ellipsis or isinstance(k, (slice, int, np.integer))
                        for k in items)


def get_item(x, key):
    """`x[key]` (basic and advanced indexing, as NumPy); the backward adds the
    output gradient back into the positions it was read from."""
    key = _key(key)

    def fn(a):
        try:
            y = a[key]
        except IndexError as e:
            raise IndexError("get_item: %s (x.shape=%s, key=%r)" % (e, a.shape, key)) from None
        if not _is_float(a):
            return y, None
        if _is_basic(key):   # a view: no position is read twice
            def backward(dy):
                g = np.zeros_like(a)
                g[key] = dy
                return (g,)
            return y, backward
        return _gather("get_item", a, lambda v: v[key])
    return apply("get_item", fn, (_input(x),))


_PAD_MODES = ("constant", "edge", "linear_ramp", "maximum", "mean", "median", "minimum",
              "reflect", "symmetric", "wrap", "empty")


def pad(x, pad_width, mode="constant", constant_values=None):
    """`x` padded by `pad_width` (`((before, after), ...)` per axis, or one pair or
    int for all), as `numpy.pad`. Differentiable for the modes that copy entries
    (constant, edge, reflect, symmetric, wrap)."""
    if mode not in _PAD_MODES:
        raise ValueError("pad: unknown mode. Expected one of %s. Received: mode=%r"
                         % (_PAD_MODES, mode))
    if constant_values is not None and mode != "constant":
        raise ValueError("pad: constant_values is only for mode='constant'. Received: "
                         "mode=%r, constant_values=%r" % (mode, constant_values))
    pw = np.asarray(unwrap(pad_width))
    if np.any(pw < 0):
        raise ValueError("pad: pad_width must be non-negative. Received: pad_width=%r"
                         % (pad_width,))

    def fn(a):
        try:
            width = np.broadcast_to(pw, (a.ndim, 2)).astype(int)
        except ValueError:
            raise ValueError("pad: pad_width must give (before, after) for each of the %d "
                             "axes of x (shape %s). Received: pad_width=%r"
                             % (a.ndim, a.shape, pad_width)) from None
        if mode == "constant":
            cv = 0 if constant_values is None else constant_values
            y = np.pad(a, width, mode="constant", constant_values=cv)
            if not _is_float(a):
                return y, None
            inner = tuple(slice(b, b + n) for (b, _), n in zip(width, a.shape))
            return y, (lambda dy: (_grad(dy[inner], a),))
        if mode in ("edge", "reflect", "symmetric", "wrap"):
            return _gather("pad", a, lambda v: np.pad(v, width, mode=mode))
        return np.pad(a, width, mode=mode), None
    return apply("pad", fn, (_input(x),))


def flip(x, axis=None):
    """`x` with the order of entries reversed along `axis` (all axes for None)."""
    def fn(a):
        axes = _axes("flip", axis, a.ndim)
        return np.flip(a, axes), (lambda dy: (_grad(np.flip(dy, axes), a),))
    return apply("flip", fn, (_input(x),))


def moveaxis(x, source, destination):
    """`x` with axes `source` moved to positions `destination`."""
    def fn(a):
        src = [source] if isinstance(source, (int, np.integer)) else list(source)
        dst = [destination] if isinstance(destination, (int, np.integer)) else list(destination)
        if len(src) != len(dst):
            raise ValueError("moveaxis: source and destination must have the same number of "
                             "axes. Received: source=%r, destination=%r" % (source, destination))
        src = [_axis("moveaxis", i, a.ndim, "source") for i in src]
        dst = [_axis("moveaxis", i, a.ndim, "destination") for i in dst]
        return np.moveaxis(a, src, dst), (lambda dy: (_grad(np.moveaxis(dy, dst, src), a),))
    return apply("moveaxis", fn, (_input(x),))


def swapaxes(x, axis1, axis2):
    """`x` with axes `axis1` and `axis2` interchanged."""
    def fn(a):
        i = _axis("swapaxes", axis1, a.ndim, "axis1")
        j = _axis("swapaxes", axis2, a.ndim, "axis2")
        return np.swapaxes(a, i, j), (lambda dy: (_grad(np.swapaxes(dy, i, j), a),))
    return apply("swapaxes", fn, (_input(x),))


def broadcast_to(x, shape):
    """`x` broadcast to `shape`; the backward sums over the broadcast axes."""
    shape = tuple(int(d) for d in shape)

    def fn(a):
        try:
            y = np.broadcast_to(a, shape)
        except ValueError:
            raise ValueError("broadcast_to: cannot broadcast an input of shape %s to %s"
                             % (a.shape, shape)) from None
        return y.copy(), (lambda dy: (_grad(dy, a),))
    return apply("broadcast_to", fn, (_input(x),))


def size(x):
    """The number of elements of `x`, as an int32 scalar tensor (as `tf.size`).

    Example:

    >>> size(np.zeros((2, 3)))     # 6
    """
    return Tensor(np.asarray(np.size(unwrap(x)), dtype=np.int32))


def copy(x):
    """A copy of `x` (the gradient passes through)."""
    return apply("copy", lambda a: (a.copy(), lambda dy: (_grad(dy, a),)), (_input(x),))


def _like(x, fill, dtype):
    a = np.asarray(unwrap(_input(x)))
    return Tensor(np.full(a.shape, fill, dtype=np.dtype(dtype) if dtype else a.dtype))


def zeros_like(x, dtype=None):
    """Zeros of the shape (and, unless given, the dtype) of `x`."""
    return _like(x, 0, dtype)


def ones_like(x, dtype=None):
    """Ones of the shape (and, unless given, the dtype) of `x`."""
    return _like(x, 1, dtype)


def full_like(x, fill_value, dtype=None):
    """`fill_value` in the shape (and, unless given, the dtype) of `x`."""
    return _like(x, unwrap(fill_value), dtype)


# ---------------------------------------------------------------------------
# Creation (not differentiable)
# ---------------------------------------------------------------------------

def _shape_arg(name, shape):
    if isinstance(shape, (int, np.integer)):
        shape = (shape,)
    shape = tuple(int(d) for d in shape)
    if _builtin_any(d < 0 for d in shape):
        raise ValueError("%s: shape must be non-negative. Received: shape=%s" % (name, shape))
    return shape


def zeros(shape, dtype=None):
    """A tensor of zeros. `dtype` defaults to `nnlite.config.floatx()`."""
    return Tensor(np.zeros(_shape_arg("zeros", shape), dtype or _floatx()))


def ones(shape, dtype=None):
    """A tensor of ones. `dtype` defaults to `nnlite.config.floatx()`."""
    return Tensor(np.ones(_shape_arg("ones", shape), dtype or _floatx()))


def full(shape, fill_value, dtype=None):
    """A tensor filled with `fill_value`. `dtype` defaults to floatx."""
    return Tensor(np.full(_shape_arg("full", shape), unwrap(fill_value), dtype or _floatx()))


def eye(N, M=None, k=0, dtype=None):
    """An `N x M` matrix with ones on the `k`-th diagonal. `M` defaults to `N`."""
    return Tensor(np.eye(int(N), None if M is None else int(M), int(k), dtype=dtype or _floatx()))


def identity(n, dtype=None):
    """The `n x n` identity matrix."""
    return eye(n, dtype=dtype)


def tri(N, M=None, k=0, dtype=None):
    """An `N x M` matrix with ones at and below the `k`-th diagonal."""
    return Tensor(np.tri(int(N), None if M is None else int(M), int(k), dtype=dtype or _floatx()))


def arange(start, stop=None, step=1, dtype=None):
    """Evenly spaced values in `[start, stop)`; int32 for integer arguments, else
    floatx, unless `dtype` is given."""
    if step == 0:
        raise ValueError("arange: step must not be zero.")
    args = [start] + ([] if stop is None else [stop]) + [step]
    if dtype is None:
        dtype = _floatx() if _builtin_any(isinstance(unwrap(v), (float, np.floating))
                                          for v in args) else np.int32
    if stop is None:
        start, stop = 0, start
    return Tensor(np.arange(unwrap(start), unwrap(stop), unwrap(step)).astype(dtype))


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    """`num` evenly spaced values from `start` to `stop` (floatx unless `dtype`)."""
    if num < 0:
        raise ValueError("linspace: num must be non-negative. Received: num=%r" % (num,))
    out = np.linspace(unwrap(start), unwrap(stop), int(num), endpoint=endpoint, retstep=True,
                      axis=axis)
    y = Tensor(out[0].astype(dtype or _floatx()))
    return (y, out[1]) if retstep else y
