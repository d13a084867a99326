"""Tests for the C pooling kernels (csrc/pool.c) through nnlite._core.

References: NumPy float64 windows (`sliding_window_view`) with padding left
out (-inf for max, a count of valid elements for average, as Keras/TF), and
central finite differences for the backwards (inputs with distinct values,
so each window's maximum is unique).
"""
import numpy as np
import pytest
from numpy.lib.stride_tricks import sliding_window_view

from nnlite import _core


def _windows(x, kh, kw, strides, pads, fill):
    pt, pb, pl, pr = pads
    xp = np.pad(x.astype(np.float64), ((0, 0), (pt, pb), (pl, pr), (0, 0)),
                constant_values=fill)
    if xp.shape[1] < kh or xp.shape[2] < kw:
        return np.zeros((x.shape[0], 0, 0, x.shape[3], kh, kw))
    return sliding_window_view(xp, (kh, kw), axis=(1, 2))[:, ::strides[0], ::strides[1]]


def ref_max_pool(x, pool, strides, pads):
    return _windows(x, pool[0], pool[1], strides, pads, -np.inf).max(axis=(4, 5))


def ref_avg_pool(x, pool, strides, pads):
    total = _windows(x, pool[0], pool[1], strides, pads, 0.0).sum(axis=(4, 5))
    count = _windows(np.ones_like(x[..., :1]), pool[0], pool[1], strides, pads, 0.0)
    return total / count.sum(axis=(4, 5))


def fd_grad(f, arr, eps=1e-6):
    g = np.zeros_like(arr, dtype=np.float64)
    flat, gf = arr.reshape(-1), g.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        up = f()
        flat[i] = old - eps
        down = f()
        flat[i] = old
        gf[i] = (up - down) / (2 * eps)
    return g


def _distinct(rng, *shape, dtype=np.float64):
    """Values at least 1/size apart, in random places."""
    size = int(np.prod(shape))
    return (rng.permutation(size).reshape(shape) / size - 0.5).astype(dtype)


# (n, h, w, c, pool, strides, padding)
CASES = [
    (1, 4, 4, 3, (2, 2), (2, 2), "valid"),         # batch 1, the usual 2x2
    (2, 7, 5, 2, (2, 2), (2, 2), "same"),          # odd sizes, 'same'
    (2, 5, 6, 3, (3, 3), (1, 1), "same"),          # overlapping windows
    (2, 2, 3, 2, (3, 3), (1, 2), "same"),          # window larger than input
    (2, 9, 9, 2, (2, 2), (3, 3), "valid"),         # stride larger than window
    (2, 6, 7, 1, (3, 2), (2, 1), "valid"),         # rectangular window
]
IDS = ["batch1", "odd_same", "overlap", "window_gt_input", "stride_gt_window", "rect"]


def _pads(case):
    n, h, w, c, pool, s, padding = case
    return _core.conv_padding(h, pool[0], s[0], 1, padding)[:2] + \
        _core.conv_padding(w, pool[1], s[1], 1, padding)[:2]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_max_pool_forward_matches_numpy(case, dtype):
    rng = np.random.default_rng(0)
    n, h, w, c, pool, s, _ = case
    x = rng.standard_normal((n, h, w, c)).astype(dtype)
    y = _core.max_pool2d_forward(x, pool, s, _pads(case))
    assert y.dtype == dtype
    np.testing.assert_array_equal(y, ref_max_pool(x, pool, s, _pads(case)).astype(dtype))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_avg_pool_forward_matches_numpy(case, dtype):
    rng = np.random.default_rng(1)
    n, h, w, c, pool, s, _ = case
    x = rng.standard_normal((n, h, w, c)).astype(dtype)
    y = _core.avg_pool2d_forward(x, pool, s, _pads(case))
    tol = 1e-6 if dtype == np.float32 else 1e-13
    np.testing.assert_allclose(y, ref_avg_pool(x, pool, s, _pads(case)), rtol=tol, atol=tol)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_max_pool_backward_matches_finite_differences(case):
    rng = np.random.default_rng(2)
    n, h, w, c, pool, s, _ = case
    pads = _pads(case)
    x = _distinct(rng, n, h, w, c)
    r = rng.standard_normal(_core.max_pool2d_forward(x, pool, s, pads).shape)
    dx = _core.max_pool2d_backward(x, r, pool, s, pads)
    loss = lambda: float(np.sum(_core.max_pool2d_forward(x, pool, s, pads) * r))
    np.testing.assert_allclose(dx, fd_grad(loss, x), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_avg_pool_backward_matches_finite_differences(case):
    rng = np.random.default_rng(3)
    n, h, w, c, pool, s, _ = case
    pads = _pads(case)
    x = rng.standard_normal((n, h, w, c))
    r = rng.standard_normal(_core.avg_pool2d_forward(x, pool, s, pads).shape)
    dx = _core.avg_pool2d_backward(x.shape, r, pool, s, pads)
    loss = lambda: float(np.sum(_core.avg_pool2d_forward(x, pool, s, pads) * r))
    np.testing.assert_allclose(dx, fd_grad(loss, x), rtol=1e-6, atol=1e-8)


def test_max_pool_gradient_goes_to_the_first_of_tied_maxima():
    x = np.zeros((1, 2, 2, 1))
    dx = _core.max_pool2d_backward(x, np.ones((1, 1, 1, 1)), (2, 2))
    np.testing.assert_array_equal(dx[0, :, :, 0], [[1, 0], [0, 0]])


def test_pool_1d_is_height_one():
    rng = np.random.default_rng(4)
    x = rng.standard_normal((2, 1, 9, 3))
    y = _core.max_pool2d_forward(x, (1, 3), (1, 2))
    np.testing.assert_array_equal(y, ref_max_pool(x, (1, 3), (1, 2), (0, 0, 0, 0)))


DISJOINT = [c for c in CASES if c[5][0] >= c[4][0] and c[5][1] >= c[4][1]]
DISJOINT_IDS = [i for c, i in zip(CASES, IDS) if c in DISJOINT]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("case", DISJOINT, ids=DISJOINT_IDS)
def test_max_pool_idx_backward_equals_max_pool_backward(case, dtype):
    rng = np.random.default_rng(8)
    n, h, w, c, pool, s, _ = case
    pads = _pads(case)
    x = rng.standard_normal((n, h, w, c)).astype(dtype)
    y, idx = _core.max_pool2d_forward_idx(x, pool, s, pads)
    np.testing.assert_array_equal(y, _core.max_pool2d_forward(x, pool, s, pads))
    dy = rng.standard_normal(y.shape).astype(dtype)
    np.testing.assert_array_equal(_core.max_pool2d_backward_idx(x.shape, idx, dy, pool, s, pads),
                                  _core.max_pool2d_backward(x, dy, pool, s, pads))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("case", DISJOINT, ids=DISJOINT_IDS)
def test_max_pool_relu_grad_is_the_gradient_through_the_relu(case, dtype):
    """relu_grad: pooling r = relu(z) hands back dx * [r > 0], bit for bit, with
    windows of zeros only (their max is 0) and NaN in the mix."""
    rng = np.random.default_rng(9)
    n, h, w, c, pool, s, _ = case
    pads = _pads(case)
    z = rng.standard_normal((n, h, w, c)).astype(dtype)
    z[:, : pool[0], : pool[1], 0] = -1.0        # a window of zeros after the ReLU
    z.reshape(-1)[::7] = np.nan
    r = np.where(z > 0, z, dtype(0))
    r[np.isnan(z)] = np.nan
    y, idx = _core.max_pool2d_forward_idx(r, pool, s, pads, relu_grad=True)
    y0, idx0 = _core.max_pool2d_forward_idx(r, pool, s, pads)
    np.testing.assert_array_equal(y, y0)
    np.testing.assert_array_equal(idx, np.where(y0 > 0, idx0, dtype(-1)))
    dy = rng.standard_normal(y.shape).astype(dtype)
    dx = _core.max_pool2d_backward_idx(r.shape, idx, dy, pool, s, pads)
    through = _core.activation_backward("relu", r, r, _core.max_pool2d_backward(r, dy, pool, s,
                                                                                   pads))
    np.testing.assert_array_equal(dx, through)
    assert np.array_equal(np.signbit(dx), np.signbit(through))


@pytest.mark.parametrize("kind", ["max", "avg"])
def test_pool_bit_identical_for_one_and_two_threads(kind):
    rng = np.random.default_rng(5)
    x = rng.standard_normal((8, 32, 32, 32)).astype(np.float32)
    fwd = _core.max_pool2d_forward if kind == "max" else _core.avg_pool2d_forward
    before = _core.get_num_threads()
    out = []
    try:
        for threads in (1, 2):
            _core.set_num_threads(threads)
            y = fwd(x, (3, 3), (1, 1), (1, 1, 1, 1))
            dy = np.ascontiguousarray(np.cos(y))
            dx = (_core.max_pool2d_backward(x, dy, (3, 3), (1, 1), (1, 1, 1, 1)) if kind == "max"
                  else _core.avg_pool2d_backward(x.shape, dy, (3, 3), (1, 1), (1, 1, 1, 1)))
            out.append((y, dx))
    finally:
        _core.set_num_threads(before)
    np.testing.assert_array_equal(out[0][0], out[1][0])
    np.testing.assert_array_equal(out[0][1], out[1][1])


def test_pool_rejects_bad_arguments_with_named_errors():
    x = np.zeros((1, 4, 4, 2), np.float32)
    with pytest.raises(ValueError, match="smaller than the window"):
        _core.max_pool2d_forward(x, (2, 2), padding=(2, 0, 0, 0))
    with pytest.raises(ValueError, match="pool_size"):
        _core.avg_pool2d_forward(x, (0, 2))
    with pytest.raises(ValueError, match="dy must have shape"):
        _core.max_pool2d_backward(x, np.zeros((1, 3, 3, 2), np.float32), (2, 2))
    with pytest.raises(TypeError, match="dy has dtype"):
        _core.max_pool2d_backward(x, np.zeros((1, 2, 2, 2)), (2, 2))
    with pytest.raises(ValueError, match="4 dimensions"):
        _core.avg_pool2d_forward(x[0], (2, 2))
