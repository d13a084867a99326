"""Property-based tests of nnlite.ops against NumPy float64 references.

Inputs come in random shapes (size-0 and size-1 dimensions included), memory
layouts (transposed, reversed, strided, zero-stride broadcast views), dtypes
and values (signed zeros, subnormals, the largest finite value, inf, NaN)."""
import warnings

import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

from fuzz_strategies import FAST, FLOATS, QUICK, close, elements, shapes, viewed
from nnlite import ops

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")


def f64(x):
    return np.asarray(x).astype(np.float64)


def _errstate():
    return np.errstate(all="ignore")


def _ref(fn, *xs, out_dtype):
    """fn on float64 copies, rounded to the output dtype."""
    with _errstate(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return np.asarray(fn(*[f64(x) for x in xs])).astype(out_dtype)


# ---------------------------------------------------------------------------
# elementwise math
# ---------------------------------------------------------------------------

# name: (float64 reference, keeps integer dtype)
UNARY = {
    "exp": (np.exp, False), "expm1": (np.expm1, False), "log": (np.log, False),
    "log1p": (np.log1p, False), "log2": (np.log2, False), "log10": (np.log10, False),
    "sqrt": (np.sqrt, False), "abs": (np.abs, True), "negative": (np.negative, True),
    "square": (np.square, True), "sign": (np.sign, True), "floor": (np.floor, False),
    "ceil": (np.ceil, False), "round": (np.round, True), "sin": (np.sin, False),
    "cos": (np.cos, False), "tan": (np.tan, False), "arctan": (np.arctan, False),
    "arcsin": (np.arcsin, False), "arccos": (np.arccos, False), "sinh": (np.sinh, False),
    "cosh": (np.cosh, False), "tanh": (np.tanh, False), "arcsinh": (np.arcsinh, False),
    "arccosh": (np.arccosh, False), "arctanh": (np.arctanh, False),
    "reciprocal": (np.reciprocal, False),
}
TRIG = {"sin", "cos", "tan"}   # bounded arguments: float32 libm accuracy for huge ones varies


@pytest.mark.parametrize("name", sorted(UNARY))
@FAST
@given(data=st.data(), dtype=st.sampled_from(FLOATS), shape=shapes())
def test_unary_float_matches_numpy(name, data, dtype, shape):
    ref, _ = UNARY[name]
    bound = 100.0 if name in TRIG else None
    x = data.draw(viewed(shape, dtype, elements(dtype, -bound if bound else None, bound,
                                                nan=True, inf=bound is None)))
    y = np.asarray(getattr(ops, name)(x))
    assert y.dtype == dtype
    close(y, _ref(ref, x, out_dtype=dtype), dtype)


@pytest.mark.parametrize("name", sorted(UNARY))
@QUICK
@given(data=st.data(), shape=shapes(max_side=3))
def test_unary_int32_follows_keras_dtypes(name, data, shape):
    ref, keeps_int = UNARY[name]
    x = data.draw(viewed(shape, np.int32))
    y = np.asarray(getattr(ops, name)(x))
    if keeps_int:
        assert y.dtype == np.int32
        np.testing.assert_array_equal(y, ref(x.astype(np.int64)))
    else:    # integers are computed in floatx (float32), as Keras does
        assert y.dtype == np.float32
        close(y, _ref(ref, x, out_dtype=np.float32), np.float32)


# ---------------------------------------------------------------------------
# arithmetic with broadcasting
# ---------------------------------------------------------------------------

BINARY = {"add": np.add, "subtract": np.subtract, "multiply": np.multiply,
          "divide": np.divide, "maximum": np.maximum, "minimum": np.minimum,
          "arctan2": np.arctan2, "mod": np.mod, "floor_divide": np.floor_divide}
INT_BINARY = ("add", "subtract", "multiply", "maximum", "minimum")
PAIRS = [(np.float32, np.float32, np.float32), (np.float64, np.float64, np.float64),
         (np.float32, np.float64, np.float64), (np.int32, np.float32, np.float32),
         (np.float64, np.int32, np.float64)]


@pytest.mark.parametrize("name", sorted(BINARY))
@FAST
@given(data=st.data(), pair=st.sampled_from(PAIRS),
       bshapes=hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3,
                                                 min_side=0, max_side=4))
def test_binary_broadcast_matches_numpy(name, data, pair, bshapes):
    d1, d2, out = pair
    s1, s2 = bshapes.input_shapes
    x1 = data.draw(viewed(s1, d1, elements(d1, nan=True, inf=True)), label="x1")
    x2 = data.draw(viewed(s2, d2, elements(d2, nan=True, inf=True)), label="x2")
    y = np.asarray(getattr(ops, name)(x1, x2))
    assert y.shape == bshapes.result_shape
    assert y.dtype == out
    close(y, _ref(BINARY[name], x1, x2, out_dtype=out), out)


@pytest.mark.parametrize("name", INT_BINARY)
@QUICK
@given(data=st.data(),
       bshapes=hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3,
                                                 min_side=0, max_side=4))
def test_binary_int32_is_exact_and_stays_int32(name, data, bshapes):
    s1, s2 = bshapes.input_shapes
    x1 = data.draw(viewed(s1, np.int32), label="x1")
    x2 = data.draw(viewed(s2, np.int32), label="x2")
    y = np.asarray(getattr(ops, name)(x1, x2))
    assert y.dtype == np.int32
    np.testing.assert_array_equal(y, BINARY[name](x1.astype(np.int64), x2.astype(np.int64)))


@pytest.mark.parametrize("name", ["add", "subtract", "multiply", "divide"])
@QUICK
@given(data=st.data(), dtype=st.sampled_from(FLOATS), shape=shapes(),
       scalar=st.floats(-1e3, 1e3, width=32))
def test_python_scalar_takes_the_tensor_dtype(name, data, dtype, shape, scalar):
    x = data.draw(viewed(shape, dtype))
    y = np.asarray(getattr(ops, name)(x, scalar))
    assert y.dtype == dtype
    close(y, _ref(lambda a: BINARY[name](a, scalar), x, out_dtype=dtype), dtype)


@FAST
@given(data=st.data(), dtype=st.sampled_from(FLOATS),
       bshapes=hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3,
                                                 min_side=0, max_side=4))
def test_power_matches_numpy(data, dtype, bshapes):
    s1, s2 = bshapes.input_shapes
    x1 = data.draw(viewed(s1, dtype, elements(dtype, 0.0, 10.0)), label="base")
    x2 = data.draw(viewed(s2, dtype, elements(dtype, -4.0, 4.0, edges=False)), label="exponent")
    close(ops.power(x1, x2), _ref(np.power, x1, x2, out_dtype=dtype), dtype, rtol=1e-5)


# ---------------------------------------------------------------------------
# reductions
# ---------------------------------------------------------------------------

@st.composite
def axis_for(draw, ndim):
    """None, one axis (possibly negative), or a tuple of distinct axes."""
    kind = draw(st.sampled_from(["none", "int", "tuple"]) if ndim else st.just("none"))
    if kind == "none":
        return None
    if kind == "int":
        return draw(st.integers(-ndim, ndim - 1))
    axes = draw(st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True))
    return tuple(a - ndim if draw(st.booleans()) else a for a in axes)


def _as_axes(axis, ndim):
    if axis is None:
        return tuple(range(ndim))
    return tuple(sorted(a % ndim for a in (axis if isinstance(axis, tuple) else (axis,))))


# name: (reference, allows empty reductions, accepts int32, value scale power)
REDUCTIONS = {
    "sum": (np.sum, True, True, 1), "mean": (np.mean, True, True, 1),
    "prod": (np.prod, True, True, None), "max": (np.max, False, True, 1),
    "min": (np.min, False, True, 1), "var": (np.var, True, False, 2),
    "std": (np.std, True, False, 1),
}


@pytest.mark.parametrize("name", sorted(REDUCTIONS))
@FAST
@given(data=st.data(), dtype=st.sampled_from(FLOATS + (np.int32,)), keepdims=st.booleans())
def test_reduction_matches_numpy(name, data, dtype, keepdims):
    ref, empty_ok, int_ok, power = REDUCTIONS[name]
    if dtype == np.int32 and not int_ok:
        dtype = np.float64
    shape = data.draw(shapes(max_dims=3, min_side=0 if empty_ok else 1), label="shape")
    axis = data.draw(axis_for(len(shape)), label="axis")
    lo, hi = (-2, 2) if name == "prod" else (-100, 100)
    x = data.draw(viewed(shape, dtype, elements(dtype, lo, hi)), label="x")
    y = np.asarray(getattr(ops, name)(x, axis=axis, keepdims=keepdims))
    with _errstate(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = ref(f64(x), axis=axis, keepdims=keepdims)
    assert y.shape == np.shape(expected)
    if dtype == np.int32 and name != "mean":
        assert y.dtype == np.int32
        np.testing.assert_array_equal(y, expected)
        return
    out = np.float32 if dtype == np.int32 else dtype
    assert y.dtype == out
    n = max(int(np.prod([shape[a] for a in _as_axes(axis, len(shape))])), 1)
    scale = 1.0 if power is None else float(hi) ** power
    eps = 1e-6 if out == np.float32 else 1e-14
    close(y, expected, out, rtol=4 * n * eps + 1e-13, atol=4 * n * eps * scale)


@pytest.mark.parametrize("name", ["sum", "mean", "prod", "max", "min", "var", "std",
                                  "logsumexp"])
@QUICK
@given(data=st.data(), dtype=st.sampled_from(FLOATS), shape=shapes(min_dims=1, min_side=1))
def test_reduction_propagates_nan(name, data, dtype, shape):
    x = np.array(data.draw(viewed(shape, dtype)))
    where = tuple(data.draw(st.integers(0, s - 1)) for s in shape)
    x[where] = np.nan
    assert np.isnan(np.asarray(getattr(ops, name)(x))).all()


# ---------------------------------------------------------------------------
# products
# ---------------------------------------------------------------------------

def _gemm_tol(dtype, k, a, b):
    eps = 1.2e-7 if dtype == np.float32 else 2.3e-16
    amax = float(np.max(np.abs(f64(a)), initial=0.0))
    bmax = float(np.max(np.abs(f64(b)), initial=0.0))
    return 8 * eps, 8 * eps * max(k, 1) * amax * bmax + 2 * float(np.finfo(dtype).tiny)


@FAST
@given(data=st.data(), dtype=st.sampled_from(FLOATS + (np.int32,)),
       mkn=st.tuples(st.integers(0, 5), st.integers(0, 5), st.integers(0, 5)))
def test_matmul_2d_any_layout_matches_numpy(data, dtype, mkn):
    m, k, n = mkn
    a = data.draw(viewed((m, k), dtype, elements(dtype, -100, 100)), label="a")
    b = data.draw(viewed((k, n), dtype, elements(dtype, -100, 100)), label="b")
    y = np.asarray(ops.matmul(a, b))
    assert y.dtype == dtype and y.shape == (m, n)
    expected = f64(a) @ f64(b)
    if dtype == np.int32:
        np.testing.assert_array_equal(y, expected)
    else:
        rtol, atol = _gemm_tol(dtype, k, a, b)
        close(y, expected, dtype, rtol=rtol, atol=atol)


@FAST
@given(data=st.data(), dtype=st.sampled_from(FLOATS),
       nd=st.tuples(st.integers(1, 3), st.integers(1, 3)),
       dims=st.tuples(st.integers(0, 4), st.integers(0, 4), st.integers(0, 4)))
def test_matmul_vectors_and_batches_follow_numpy_shapes(data, dtype, nd, dims):
    m, k, n = dims
    batch = data.draw(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=1, max_side=3))
    sa = (k,) if nd[0] == 1 else batch.input_shapes[0][:nd[0] - 2] + (m, k)
    sb = (k,) if nd[1] == 1 else batch.input_shapes[1][:nd[1] - 2] + (k, n)
    a = data.draw(viewed(sa, dtype, elements(dtype, -100, 100)), label="a")
    b = data.draw(viewed(sb, dtype, elements(dtype, -100, 100)), label="b")
    expected = np.matmul(f64(a), f64(b))
    rtol, atol = _gemm_tol(dtype, k, a, b)
    close(ops.matmul(a, b), expected, dtype, rtol=rtol, atol=atol)


@FAST
@given(data=st.data(), dtype=st.sampled_from(FLOATS),
       mkn=st.tuples(st.integers(1, 5), st.integers(1, 5), st.integers(1, 5)))
def test_matmul_propagates_inf_and_nan_like_numpy(data, dtype, mkn):
    # finite entries are bounded, so only the injected inf/NaN make non-finite
    # results; the reference is a plain sum of products (no BLAS shortcuts)
    m, k, n = mkn
    el = st.one_of(elements(dtype, -100, 100),
                   st.sampled_from([float("nan"), float("inf"), float("-inf"), 0.0]))
    a = data.draw(viewed((m, k), dtype, el), label="a")
    b = data.draw(viewed((k, n), dtype, el), label="b")
    with _errstate():
        expected = (f64(a)[:, :, None] * f64(b)[None, :, :]).sum(axis=1)
    y = np.asarray(ops.matmul(a, b))
    np.testing.assert_array_equal(np.isnan(y), np.isnan(expected))
    np.testing.assert_array_equal(np.isposinf(y), np.isposinf(expected))
    np.testing.assert_array_equal(np.isneginf(y), np.isneginf(expected))
    fin = np.isfinite(expected)
    rtol, atol = _gemm_tol(dtype, k, np.where(np.isfinite(a), a, 0), np.where(np.isfinite(b), b, 0))
    np.testing.assert_allclose(y[fin], expected[fin], rtol=rtol, atol=atol)


@FAST
@given(data=st.data(), dtype=st.sampled_from(FLOATS),
       nd=st.tuples(st.integers(0, 3), st.integers(0, 3)), sides=st.lists(
           st.integers(0, 4), min_size=5, max_size=5))
def test_dot_matches_numpy(data, dtype, nd, sides):
    na, nb = nd
    k = sides[0]
    sa = tuple(sides[1:na]) + (k,) if na else ()
    sb = () if nb == 0 else (k,) if nb == 1 else tuple(sides[1:nb - 1]) + (k, sides[4])
    a = data.draw(viewed(sa, dtype, elements(dtype, -100, 100)), label="a")
    b = data.draw(viewed(sb, dtype, elements(dtype, -100, 100)), label="b")
    expected = np.dot(f64(a), f64(b))
    rtol, atol = _gemm_tol(dtype, k, a, b)
    close(ops.dot(a, b), expected, dtype, rtol=rtol, atol=atol)


EINSUMS = ["ij,jk->ik", "ij->ji", "ii->i", "ii->", "i,i->", "i,j->ij", "ij->", "ij,ij->i",
           "bij,bjk->bik", "...ij,jk->...ik", "ij,kj->ik", "ijk->kji", "ij,j->i"]


@pytest.mark.parametrize("spec", EINSUMS)
@QUICK
@given(data=st.data(), dtype=st.sampled_from(FLOATS),
       sizes=st.dictionaries(st.sampled_from("ijkb"), st.integers(0, 4), min_size=4))
def test_einsum_matches_numpy(spec, data, dtype, sizes):
    lhs = spec.split("->")[0].split(",")
    lead = data.draw(st.lists(st.integers(0, 3), max_size=2), label="ellipsis")
    operands = []
    for term in lhs:
        shape = tuple(lead) if term.startswith("...") else ()
        shape += tuple(sizes[c] for c in term.replace("...", ""))
        operands.append(data.draw(viewed(shape, dtype, elements(dtype, -100, 100))))
    expected = np.einsum(spec, *[f64(o) for o in operands])
    k = max([sizes[c] for c in "ijkb"] + [1]) ** 2
    rtol, atol = _gemm_tol(dtype, k, operands[0], operands[-1])
    close(ops.einsum(spec, *operands), expected, dtype, rtol=rtol, atol=atol)


@FAST
@given(data=st.data(), dtype=st.sampled_from(FLOATS), axes=st.integers(0, 2),
       sides=st.lists(st.integers(0, 3), min_size=5, max_size=5))
def test_tensordot_matches_numpy(data, dtype, axes, sides):
    sa = tuple(sides[:2]) + tuple(sides[2:2 + axes])
    sb = tuple(sides[2:2 + axes]) + (sides[4],)
    a = data.draw(viewed(sa, dtype, elements(dtype, -100, 100)), label="a")
    b = data.draw(viewed(sb, dtype, elements(dtype, -100, 100)), label="b")
    expected = np.tensordot(f64(a), f64(b), axes=axes)
    k = int(np.prod(sides[2:2 + axes]))
    rtol, atol = _gemm_tol(dtype, k, a, b)
    close(ops.tensordot(a, b, axes=axes), expected, dtype, rtol=rtol, atol=atol)


# ---------------------------------------------------------------------------
# shape ops: exact, for every dtype and layout (NaN payloads included)
# ---------------------------------------------------------------------------

ANY_DTYPE = st.sampled_from(FLOATS + (np.int32,))


def _array(data, shape, dtype):
    return data.draw(viewed(shape, dtype, elements(dtype, nan=True, inf=True)), label="x")


def _same(y, expected):
    y = np.asarray(y)
    assert y.dtype == expected.dtype and y.shape == expected.shape
    np.testing.assert_array_equal(y, expected)


@FAST
@given(data=st.data(), dtype=ANY_DTYPE, shape=shapes(max_dims=4))
def test_reshape_matches_numpy(data, dtype, shape):
    x = _array(data, shape, dtype)
    target = data.draw(st.sampled_from([shape[::-1], (-1,), (x.size, 1), (1,) + shape]))
    _same(ops.reshape(x, target), np.reshape(x, target))


@FAST
@given(data=st.data(), dtype=ANY_DTYPE, shape=shapes(max_dims=4))
def test_transpose_matches_numpy(data, dtype, shape):
    x = _array(data, shape, dtype)
    perm = data.draw(st.none() | st.permutations(range(len(shape))).map(tuple))
    _same(ops.transpose(x, perm), np.transpose(x, perm))


@FAST
@given(data=st.data(), dtype=ANY_DTYPE, shape=shapes())
def test_expand_dims_then_squeeze_matches_numpy(data, dtype, shape):
    x = _array(data, shape, dtype)
    axis = data.draw(st.integers(-len(shape) - 1, len(shape)))
    _same(ops.expand_dims(x, axis), np.expand_dims(x, axis))


@FAST
@given(data=st.data(), dtype=ANY_DTYPE, shape=shapes(max_dims=4, max_side=2))
def test_squeeze_matches_numpy(data, dtype, shape):
    x = _array(data, shape, dtype)
    ones = [i for i, s in enumerate(shape) if s == 1]
    axis = data.draw(st.none() | (st.sampled_from(ones) if ones else st.none()))
    _same(ops.squeeze(x, axis), np.squeeze(x, axis))


@FAST
@given(data=st.data(), dtype=ANY_DTYPE, shape=shapes(min_dims=1))
def test_flip_matches_numpy(data, dtype, shape):
    x = _array(data, shape, dtype)
    axis = data.draw(st.none() | st.integers(-len(shape), len(shape) - 1))
    _same(ops.flip(x, axis), np.flip(x, axis))


@FAST
@given(data=st.data(), dtype=ANY_DTYPE, shape=shapes(min_dims=1, max_dims=4))
def test_moveaxis_and_swapaxes_match_numpy(data, dtype, shape):
    x = _array(data, shape, dtype)
    nd = len(shape)
    s, d = data.draw(st.integers(-nd, nd - 1)), data.draw(st.integers(-nd, nd - 1))
    _same(ops.moveaxis(x, s, d), np.moveaxis(x, s, d))
    _same(ops.swapaxes(x, s, d), np.swapaxes(x, s, d))


@FAST
@given(data=st.data(), dtype=ANY_DTYPE, shape=shapes(min_dims=1), n=st.integers(1, 3))
def test_concatenate_matches_numpy(data, dtype, shape, n):
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    xs = []
    for _ in range(n):
        s = list(shape)
        s[axis] = data.draw(st.integers(0, 3))
        xs.append(_array(data, tuple(s), dtype))
    _same(ops.concatenate(xs, axis=axis), np.concatenate(xs, axis=axis))


@FAST
@given(data=st.data(), dtype=ANY_DTYPE, shape=shapes(), n=st.integers(1, 3))
def test_stack_matches_numpy(data, dtype, shape, n):
    axis = data.draw(st.integers(-len(shape) - 1, len(shape)))
    xs = [_array(data, shape, dtype) for _ in range(n)]
    _same(ops.stack(xs, axis=axis), np.stack(xs, axis=axis))


@FAST
@given(data=st.data(), dtype=ANY_DTYPE,
       bshape=hnp.mutually_broadcastable_shapes(num_shapes=1, max_dims=3, min_side=0))
def test_broadcast_to_matches_numpy(data, dtype, bshape):
    x = _array(data, bshape.input_shapes[0], dtype)
    _same(ops.broadcast_to(x, bshape.result_shape), np.broadcast_to(x, bshape.result_shape))


@FAST
@given(data=st.data(), dtype=ANY_DTYPE, shape=shapes(max_side=3))
def test_tile_and_repeat_match_numpy(data, dtype, shape):
    x = _array(data, shape, dtype)
    reps = tuple(data.draw(st.lists(st.integers(0, 3), min_size=1, max_size=3)))
    _same(ops.tile(x, reps), np.tile(x, reps))
    r = data.draw(st.integers(0, 3))
    axis = data.draw(st.none() | st.integers(-len(shape), len(shape) - 1)) if shape else None
    _same(ops.repeat(x, r, axis=axis), np.repeat(x, r, axis=axis))


# ---------------------------------------------------------------------------
# softmax, log_softmax, logsumexp
# ---------------------------------------------------------------------------

def _ref_softmax(x, axis):
    with _errstate():
        e = np.exp(x - np.max(x, axis=axis, keepdims=True, initial=-np.inf))
        return e / np.sum(e, axis=axis, keepdims=True)


def _wide(dtype):
    """Values over the whole float range (naive exp over- and underflows), -inf too."""
    big = 1e30 if dtype == np.float32 else 1e300
    return elements(dtype, -big, big, inf=False) | st.just(float("-inf"))


@FAST
@given(data=st.data(), dtype=st.sampled_from(FLOATS), shape=shapes(min_dims=1, min_side=0))
def test_softmax_matches_numpy(data, dtype, shape):
    x = data.draw(viewed(shape, dtype, _wide(dtype) | elements(dtype, -30, 30)), label="x")
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    y = np.asarray(ops.softmax(x, axis=axis))
    assert y.dtype == dtype
    close(y, _ref_softmax(f64(x), axis).astype(dtype), dtype, rtol=1e-5, atol=1e-6)


@FAST
@given(data=st.data(), dtype=st.sampled_from(FLOATS), shape=shapes(min_dims=1, min_side=0))
def test_log_softmax_matches_numpy(data, dtype, shape):
    x = data.draw(viewed(shape, dtype, elements(dtype, -1e4, 1e4)), label="x")
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    x64 = f64(x)
    expected = x64 - np.logaddexp.reduce(x64, axis=axis, keepdims=True)
    close(ops.log_softmax(x, axis=axis), expected.astype(dtype), dtype, rtol=1e-5,
          atol=2e-3 if dtype == np.float32 else 1e-10)   # |x| up to 1e4: float32 spacing


@FAST
@given(data=st.data(), dtype=st.sampled_from(FLOATS), keepdims=st.booleans(),
       shape=shapes(min_dims=1, min_side=0))
def test_logsumexp_matches_numpy(data, dtype, keepdims, shape):
    x = data.draw(viewed(shape, dtype, _wide(dtype) | elements(dtype, -30, 30)
                         | st.just(float("inf"))), label="x")
    axis = data.draw(axis_for(len(shape)), label="axis")
    x64 = f64(x)
    axes = _as_axes(axis, len(shape))
    # logaddexp.reduce over one axis at a time: an independent, overflow-free reference
    expected = x64
    for a in sorted(axes, reverse=True):
        expected = np.logaddexp.reduce(expected, axis=a, keepdims=True)
    if not keepdims:
        expected = np.squeeze(expected, axis=axes)
    with _errstate():
        y = np.asarray(ops.logsumexp(x, axis=axis, keepdims=keepdims))
    close(y, expected.astype(dtype), dtype, rtol=1e-5)


# ---------------------------------------------------------------------------
# gathers, scans, arg-reductions, comparisons, selection, moments
# ---------------------------------------------------------------------------

@FAST
@given(data=st.data(), dtype=ANY_DTYPE, shape=shapes(min_dims=1, max_dims=3, min_side=1),
       n=st.integers(0, 6))
def test_take_rows_matches_numpy(data, dtype, shape, n):
    x = _array(data, shape, dtype)
    idx = np.array(data.draw(st.lists(st.integers(0, shape[0] - 1), min_size=n, max_size=n)),
                   dtype=np.int64)
    _same(ops.take(x, idx, axis=0), np.take(x, idx, axis=0))


@FAST
@given(data=st.data(), dtype=st.sampled_from(FLOATS), shape=shapes(min_dims=1, max_dims=3,
                                                                    min_side=1))
def test_embedding_lookup_of_any_layout_matches_numpy(data, dtype, shape):
    table = _array(data, shape, dtype)
    ishape = data.draw(shapes(max_dims=2), label="indices shape")
    idx = data.draw(hnp.arrays(np.int32, ishape, elements=st.integers(0, shape[0] - 1)))
    _same(ops.embedding_lookup(table, idx), table[idx])


@pytest.mark.parametrize("name", ["cumsum", "cumprod"])
@FAST
@given(data=st.data(), dtype=st.sampled_from(FLOATS + (np.int32,)), shape=shapes())
def test_scan_matches_numpy(name, data, dtype, shape):
    lo, hi = (-2, 2) if name == "cumprod" else (-100, 100)
    x = data.draw(viewed(shape, dtype, elements(dtype, lo, hi, edges=False)), label="x")
    axis = data.draw(st.none() | st.integers(-len(shape), len(shape) - 1)) if shape else None
    expected = getattr(np, name)(f64(x), axis=axis)
    y = np.asarray(getattr(ops, name)(x, axis=axis))
    assert y.shape == expected.shape
    if dtype == np.int32:
        assert y.dtype == np.int32
        np.testing.assert_array_equal(y, expected)
    else:
        n = max(x.size, 1)
        eps = 1e-6 if dtype == np.float32 else 1e-14
        close(y, expected, dtype, rtol=4 * n * eps, atol=4 * n * eps * hi)


@pytest.mark.parametrize("name", ["argmax", "argmin"])
@FAST
@given(data=st.data(), dtype=st.sampled_from(FLOATS + (np.int32,)),
       shape=shapes(min_dims=1, min_side=1), keepdims=st.booleans())
def test_arg_reduction_matches_numpy(name, data, dtype, shape, keepdims):
    # ties (small integers, signed zeros) pick the first index, as NumPy
    x = data.draw(viewed(shape, dtype, elements(dtype, -3, 3) | st.sampled_from([0.0, -0.0])
                         if dtype != np.int32 else elements(dtype, -3, 3)), label="x")
    axis = data.draw(st.none() | st.integers(-len(shape), len(shape) - 1))
    y = np.asarray(getattr(ops, name)(x, axis=axis, keepdims=keepdims))
    expected = getattr(np, name)(x, axis=axis, keepdims=keepdims)
    assert y.shape == expected.shape
    np.testing.assert_array_equal(y, expected)


@FAST
@given(data=st.data(), dtype=st.sampled_from(FLOATS + (np.int32,)), shape=shapes(),
       bounds=st.tuples(st.integers(-5, 0), st.integers(0, 5)))
def test_clip_matches_numpy(data, dtype, shape, bounds):
    x = _array(data, shape, dtype)
    y = np.asarray(ops.clip(x, *bounds))
    assert y.dtype == dtype
    np.testing.assert_array_equal(y, np.clip(x, *bounds).astype(dtype))


COMPARISONS = ["equal", "not_equal", "less", "less_equal", "greater", "greater_equal"]


@pytest.mark.parametrize("name", COMPARISONS)
@QUICK
@given(data=st.data(), dtype=st.sampled_from(FLOATS + (np.int32,)),
       bshapes=hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, min_side=0))
def test_comparison_matches_numpy_nan_included(name, data, dtype, bshapes):
    el = elements(dtype, -2, 2, nan=True, inf=True) if dtype != np.int32 else None
    x1 = data.draw(viewed(bshapes.input_shapes[0], dtype, el), label="x1")
    x2 = data.draw(viewed(bshapes.input_shapes[1], dtype, el), label="x2")
    y = np.asarray(getattr(ops, name)(x1, x2))
    assert y.dtype == np.bool_
    np.testing.assert_array_equal(y, getattr(np, name)(x1, x2))


@FAST
@given(data=st.data(), dtype=st.sampled_from(FLOATS + (np.int32,)),
       bshapes=hnp.mutually_broadcastable_shapes(num_shapes=3, max_dims=3, min_side=0))
def test_where_matches_numpy(data, dtype, bshapes):
    sc, s1, s2 = bshapes.input_shapes
    cond = data.draw(hnp.arrays(np.bool_, sc), label="condition")
    x1 = _array(data, s1, dtype)
    x2 = _array(data, s2, dtype)
    _same(ops.where(cond, x1, x2), np.where(cond, x1, x2))


@FAST
@given(data=st.data(), dtype=st.sampled_from(FLOATS), shape=shapes(min_dims=1, min_side=1),
       keepdims=st.booleans())
def test_moments_match_numpy(data, dtype, shape, keepdims):
    x = data.draw(viewed(shape, dtype, elements(dtype, -100, 100)), label="x")
    axes = sorted(data.draw(st.lists(st.integers(0, len(shape) - 1), min_size=1, unique=True)))
    mean, var = ops.moments(x, axes, keepdims=keepdims)
    x64 = f64(x)
    n = int(np.prod([shape[a] for a in axes]))
    eps = 1e-6 if dtype == np.float32 else 1e-14
    close(mean, x64.mean(axis=tuple(axes), keepdims=keepdims), dtype, rtol=4 * n * eps,
          atol=4 * n * eps * 100)
    close(var, x64.var(axis=tuple(axes), keepdims=keepdims), dtype, rtol=8 * n * eps,
          atol=8 * n * eps * 1e4)
