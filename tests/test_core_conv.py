"""Tests for the C convolution kernels (csrc/conv.c) through nnlite._core.

References are independent of the C algorithm: NumPy float64 with
`sliding_window_view` + `einsum` (no im2col, no loops over elements), and
central finite differences in float64 for every backward. Every test runs on
every instruction-set path this CPU has (the GEMM micro-kernel changes).
"""
import numpy as np
import pytest
from numpy.lib.stride_tricks import sliding_window_view

from nnlite import _core

ISAS = [name for name in _core.ISAS if _core.isa_supported(name)]


@pytest.fixture(autouse=True, params=ISAS)
def isa(request):
    """Forces each instruction-set path in turn, then restores the default."""
    before = _core.isa()
    _core.set_isa(request.param)
    yield request.param
    _core.set_isa(before)


# --------------------------------------------------------------------------
# references

def _windows(x, kh, kw, strides, dilation, pads, fill=0.0):
    """(n, oh, ow, c, kh, kw) windows of the padded x, strided and dilated."""
    pt, pb, pl, pr = pads
    xp = np.pad(x, ((0, 0), (pt, pb), (pl, pr), (0, 0)), constant_values=fill)
    eh, ew = dilation[0] * (kh - 1) + 1, dilation[1] * (kw - 1) + 1
    n, c = x.shape[0], x.shape[3]
    if xp.shape[1] < eh or xp.shape[2] < ew:
        return np.zeros((n, 0, 0, c, kh, kw))
    win = sliding_window_view(xp, (eh, ew), axis=(1, 2))
    return win[:, ::strides[0], ::strides[1], :, ::dilation[0], ::dilation[1]]


def ref_conv2d(x, k, strides=(1, 1), dilation=(1, 1), pads=(0, 0, 0, 0), groups=1, bias=None):
    x, k = x.astype(np.float64), k.astype(np.float64)
    kh, kw, cg, f = k.shape
    win = _windows(x, kh, kw, strides, dilation, pads)
    n, oh, ow = win.shape[:3]
    win = win.reshape(n, oh, ow, groups, cg, kh, kw)
    kk = k.reshape(kh, kw, cg, groups, f // groups)
    z = np.einsum("nhwgcyx,yxcgf->nhwgf", win, kk).reshape(n, oh, ow, f)
    return z if bias is None else z + bias


def ref_depthwise(x, k, strides=(1, 1), dilation=(1, 1), pads=(0, 0, 0, 0), bias=None):
    x, k = x.astype(np.float64), k.astype(np.float64)
    kh, kw, c, m = k.shape
    win = _windows(x, kh, kw, strides, dilation, pads)
    n, oh, ow = win.shape[:3]
    z = np.einsum("nhwcyx,yxcm->nhwcm", win, k).reshape(n, oh, ow, c * m)
    return z if bias is None else z + bias


def fd_grad(f, arr, eps=1e-6):
    """Central finite differences of the scalar f() w.r.t. every element of arr."""
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


def _rand(rng, *shape, dtype=np.float64):
    return rng.standard_normal(shape).astype(dtype)


def _tol(dtype):
    return dict(rtol=2e-4, atol=2e-4) if dtype == np.float32 else dict(rtol=1e-10, atol=1e-10)


# (n, h, w, c, kh, kw, f, strides, dilation, padding per axis, groups)
CASES = [
    (1, 5, 5, 3, 3, 3, 4, (1, 1), (1, 1), "valid", 1),          # batch 1
    (2, 7, 6, 2, 3, 2, 5, (2, 1), (1, 1), "same", 1),           # odd sizes, stride
    (2, 4, 3, 3, 5, 5, 2, (1, 1), (1, 1), "same", 1),           # kernel larger than input
    (2, 9, 8, 2, 2, 2, 3, (3, 3), (1, 1), "valid", 1),          # stride larger than kernel
    (2, 9, 9, 2, 3, 3, 3, (1, 2), (2, 2), "same", 1),           # dilation
    (2, 6, 5, 4, 3, 3, 6, (1, 1), (1, 1), "same", 2),           # groups
    (1, 6, 6, 6, 3, 3, 3, (2, 2), (1, 1), "valid", 3),          # groups == filters
    (2, 5, 4, 3, 1, 1, 4, (1, 1), (1, 1), "valid", 1),          # 1x1: plain GEMM
    (2, 5, 4, 4, 1, 1, 6, (1, 1), (1, 1), "valid", 2),          # 1x1 grouped
    (2, 5, 4, 3, 1, 1, 4, (2, 2), (1, 1), "valid", 1),          # 1x1 strided (im2col)
    (3, 8, 8, 1, 3, 3, 4, (1, 1), (1, 1), "valid", 1),          # first layer, 1 channel
    (1, 3, 3, 2, 2, 2, 1, (1, 1), (1, 1), "valid", 1),          # one filter
    (2, 9, 10, 1, 3, 3, 40, (1, 1), (1, 1), "same", 1),         # direct: register blocks + tail
    (2, 11, 13, 3, 3, 2, 64, (2, 1), (1, 2), "same", 1),        # direct: strided, dilated
    (1, 12, 11, 2, 5, 5, 32, (1, 1), (1, 1), "valid", 1),       # direct: taps not whole blocks
]
IDS = ["batch1", "odd_stride", "kernel_gt_input", "stride_gt_kernel", "dilation", "groups",
       "depth_groups", "pointwise", "pointwise_groups", "pointwise_strided", "one_channel",
       "one_filter", "direct_blocks", "direct_strided", "direct_big_kernel"]


def _pads(case):
    n, h, w, c, kh, kw, f, s, d, padding, g = case
    pt, pb, _ = _core.conv_padding(h, kh, s[0], d[0], padding)
    pl, pr, _ = _core.conv_padding(w, kw, s[1], d[1], padding)
    return (pt, pb, pl, pr)


# --------------------------------------------------------------------------
# padding helper

def test_conv_padding_matches_tensorflow_rules():
    assert _core.conv_padding(5, 3, 1, 1, "same") == (1, 1, 5)
    assert _core.conv_padding(7, 3, 2, 1, "same") == (1, 1, 4)
    assert _core.conv_padding(6, 3, 2, 1, "same") == (0, 1, 3)   # extra padding after
    assert _core.conv_padding(4, 5, 1, 1, "same") == (2, 2, 4)
    assert _core.conv_padding(9, 3, 1, 2, "causal") == (4, 0, 9)
    assert _core.conv_padding(9, 2, 3, 1, "valid") == (0, 0, 3)
    assert _core.conv_padding(2, 3, 1, 1, "valid") == (0, 0, 0)


# --------------------------------------------------------------------------
# convolution

@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_conv2d_forward_matches_numpy(case, dtype):
    rng = np.random.default_rng(0)
    n, h, w, c, kh, kw, f, s, d, _, g = case
    x, k, b = _rand(rng, n, h, w, c, dtype=dtype), _rand(rng, kh, kw, c // g, f, dtype=dtype), \
        _rand(rng, f, dtype=dtype)
    pads = _pads(case)
    z, y = _core.conv2d_forward(x, k, b, s, d, pads, g)
    assert z.dtype == dtype and y is z
    np.testing.assert_allclose(z, ref_conv2d(x, k, s, d, pads, g, b), **_tol(dtype))


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_conv2d_backward_matches_finite_differences(case):
    rng = np.random.default_rng(1)
    n, h, w, c, kh, kw, f, s, d, _, g = case
    x, k = _rand(rng, n, h, w, c), _rand(rng, kh, kw, c // g, f)
    b = _rand(rng, f)
    pads = _pads(case)
    z = _core.conv2d_forward(x, k, b, s, d, pads, g)[0]
    r = _rand(rng, *z.shape)   # L = sum(z * r), so dL/dz = r

    def loss():
        return float(np.sum(_core.conv2d_forward(x, k, b, s, d, pads, g)[0] * r))

    dx = _core.conv2d_backward_input(x.shape, k, r, s, d, pads, g)
    dk, db = _core.conv2d_backward_weight(x, k.shape, r, s, d, pads, g)
    np.testing.assert_allclose(dx, fd_grad(loss, x), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(dk, fd_grad(loss, k), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(db, fd_grad(loss, b), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_conv2d_backward_float32_matches_float64(dtype):
    rng = np.random.default_rng(2)
    x, k = _rand(rng, 3, 9, 8, 5), _rand(rng, 3, 3, 5, 7)
    dz = _rand(rng, 3, 9, 8, 7)
    pads = (1, 1, 1, 1)
    dx64 = _core.conv2d_backward_input(x.shape, k, dz, padding=pads)
    dk64, db64 = _core.conv2d_backward_weight(x, k.shape, dz, padding=pads)
    dx = _core.conv2d_backward_input(x.shape, k.astype(dtype), dz.astype(dtype), padding=pads)
    dk, db = _core.conv2d_backward_weight(x.astype(dtype), k.shape, dz.astype(dtype),
                                          padding=pads)
    for got, want in ((dx, dx64), (dk, dk64), (db, db64)):
        assert got.dtype == dtype
        np.testing.assert_allclose(got, want, **_tol(dtype))


def test_conv2d_fused_activation_matches_separate_activation():
    rng = np.random.default_rng(3)
    x, k, b = _rand(rng, 2, 6, 6, 3, dtype=np.float32), _rand(rng, 3, 3, 3, 8, dtype=np.float32), \
        _rand(rng, 8, dtype=np.float32)
    z, y = _core.conv2d_forward(x, k, b, padding=(1, 1, 1, 1), activation="relu")
    assert y is not z
    np.testing.assert_array_equal(y, np.maximum(z, 0))
    np.testing.assert_allclose(z, ref_conv2d(x, k, pads=(1, 1, 1, 1), bias=b), rtol=1e-4,
                               atol=1e-4)


def test_conv2d_large_blocks_match_numpy():
    """Several im2col blocks per image and blocks across images."""
    rng = np.random.default_rng(4)
    x, k = _rand(rng, 3, 23, 21, 16, dtype=np.float32), _rand(rng, 3, 3, 16, 24, dtype=np.float32)
    z = _core.conv2d_forward(x, k, padding=(1, 1, 1, 1))[0]
    np.testing.assert_allclose(z, ref_conv2d(x, k, pads=(1, 1, 1, 1)), rtol=1e-4, atol=1e-4)
    dz = _rand(rng, *z.shape, dtype=np.float32)
    dx = _core.conv2d_backward_input(x.shape, k, dz, padding=(1, 1, 1, 1))
    dk, _ = _core.conv2d_backward_weight(x, k.shape, dz, padding=(1, 1, 1, 1))
    # adjoint identities in float64: <conv(x), dz> = <x, dx> = <k, dk>
    ref = float(np.sum(ref_conv2d(x, k, pads=(1, 1, 1, 1)) * dz))
    assert np.isclose(float(np.sum(x.astype(np.float64) * dx)), ref, rtol=1e-4)
    assert np.isclose(float(np.sum(k.astype(np.float64) * dk)), ref, rtol=1e-4)


def test_conv2d_empty_output_gives_zero_gradients():
    rng = np.random.default_rng(5)
    x, k = _rand(rng, 2, 2, 2, 3), _rand(rng, 3, 3, 3, 4)
    z = _core.conv2d_forward(x, k)[0]
    assert z.shape == (2, 0, 0, 4)
    dx = _core.conv2d_backward_input(x.shape, k, z)
    dk, db = _core.conv2d_backward_weight(x, k.shape, z)
    assert not dx.any() and not dk.any() and not db.any()


# Shapes of the AVX-512 float32 indirect-GEMM path (c > 4; 6 x 64 tiles when f
# is a multiple of 64, else 12 x 32 with column tails; its weight gradient
# without padding when f is a multiple of 32); on other ISAs the GEMM path.
FAST_CASES = [
    (3, 13, 13, 32, 3, 3, 64, (1, 1), (1, 1), "valid", 1),      # mnist_convnet's second conv
    (2, 9, 10, 8, 3, 3, 32, (1, 1), (1, 1), "valid", 1),        # 12 x 32 tiles, row tails
    (2, 10, 9, 5, 3, 3, 96, (2, 1), (1, 2), "valid", 1),        # strided, dilated, K % 12 != 0
    (2, 7, 7, 6, 3, 3, 70, (1, 1), (1, 1), "same", 1),          # column tails, padding
    (2, 6, 6, 16, 3, 3, 128, (1, 1), (1, 1), "same", 2),        # groups: 64 per group
    (1, 4, 5, 7, 5, 5, 128, (1, 1), (1, 1), "same", 1),         # kernel larger than input
    (5, 12, 12, 9, 2, 2, 192, (1, 1), (1, 1), "valid", 1),      # several blocks, 3 column tiles
]
FAST_IDS = ["mnist_conv2", "tiles12", "strided_dilated", "col_tails", "groups64",
            "kernel_gt_input", "blocks"]


@pytest.mark.parametrize("case", FAST_CASES, ids=FAST_IDS)
def test_conv2d_float32_wide_outputs_match_float64(case):
    rng = np.random.default_rng(7)
    n, h, w, c, kh, kw, f, s, d, _, g = case
    x, k, b = _rand(rng, n, h, w, c), _rand(rng, kh, kw, c // g, f), _rand(rng, f)
    pads = _pads(case)
    z64 = ref_conv2d(x, k, s, d, pads, g, b)
    dz = _rand(rng, *z64.shape)
    dx64 = _core.conv2d_backward_input(x.shape, k, dz, s, d, pads, g)
    dk64, db64 = _core.conv2d_backward_weight(x, k.shape, dz, s, d, pads, g)
    x32, k32, b32, dz32 = (a.astype(np.float32) for a in (x, k, b, dz))
    z, y = _core.conv2d_forward(x32, k32, b32, s, d, pads, g, activation="relu")
    dx = _core.conv2d_backward_input(x.shape, k32, dz32, s, d, pads, g)
    dk, db = _core.conv2d_backward_weight(x32, k.shape, dz32, s, d, pads, g)
    np.testing.assert_allclose(z, z64, **_tol(np.float32))
    np.testing.assert_array_equal(y, np.where(z < 0, np.float32(0), z))
    for got, want in ((dx, dx64), (dk, dk64), (db, db64)):
        assert got.dtype == np.float32
        np.testing.assert_allclose(got, want, rtol=2e-4, atol=5e-4)


@pytest.mark.parametrize("case", FAST_CASES + [
    (2, 5, 6, 8, 1, 1, 16, (1, 1), (1, 1), "valid", 1),        # 1x1: the plain GEMM
    (2, 6, 5, 3, 3, 3, 8, (1, 1), (1, 1), "same", 1)],          # few channels, padding
    ids=FAST_IDS + ["pointwise", "few_channels"])
def test_conv2d_backward_input_relu_x_is_the_gradient_through_the_relu(case):
    """relu_x = x (made by a ReLU): dx times [x > 0], bit for bit as
    activation_backward after the plain input gradient, NaN and zeros included."""
    rng = np.random.default_rng(11)
    n, h, w, c, kh, kw, f, s, d, _, g = case
    pads = _pads(case)
    x = _rand(rng, n, h, w, c, dtype=np.float32)
    x = np.where(x > 0, x, np.float32(0))
    x.reshape(-1)[::5] = np.nan
    k = _rand(rng, kh, kw, c // g, f, dtype=np.float32)
    dz = _rand(rng, *ref_conv2d(x, k, s, d, pads, g).shape, dtype=np.float32)
    plain = _core.conv2d_backward_input(x.shape, k, dz, s, d, pads, g)
    want = _core.activation_backward("relu", x, x, plain)
    got = _core.conv2d_backward_input(x.shape, k, dz, s, d, pads, g, relu_x=x)
    np.testing.assert_array_equal(got, want)
    assert np.array_equal(np.signbit(got), np.signbit(want))


def test_conv2d_fused_relu_keeps_nan_and_negative_zero():
    x = np.zeros((1, 3, 3, 8), np.float32)
    k = np.zeros((1, 1, 8, 64), np.float32)
    k[0, 0, 0, :] = 1.0
    x[0, 0, 0, 0] = np.nan
    x[0, 0, 1, 0] = -0.0
    x[0, 0, 2, 0] = -2.0
    x[0, 1, 0, 0] = 3.0
    # a 2x2 window reads the same channel-0 values: 1x1 would be the GEMM path
    kk = np.zeros((2, 2, 8, 64), np.float32)
    kk[0, 0, 0, :] = 1.0
    z, y = _core.conv2d_forward(x, kk, None, activation="relu")
    want = np.where(z < 0, np.float32(0), z)
    np.testing.assert_array_equal(y, want)
    assert np.array_equal(np.signbit(y), np.signbit(want))
    assert np.isnan(y[0, 0, 0]).all() and (y[0, 0, 1] == 0).all()


@pytest.mark.parametrize("kind", ["conv", "depthwise", "conv1x1", "direct", "conv_valid64"])
def test_conv_results_bit_identical_for_one_and_two_threads(kind):
    rng = np.random.default_rng(6)
    x = _rand(rng, 8, 16, 16, 32, dtype=np.float32)
    pads = (1, 1, 1, 1)
    if kind == "depthwise":
        k = _rand(rng, 3, 3, 32, 1, dtype=np.float32)
        fwd = lambda: _core.depthwise_conv2d_forward(x, k, padding=pads)[0]
        bwd_in = lambda dz: _core.depthwise_conv2d_backward_input(x.shape, k, dz, padding=pads)
        bwd_w = lambda dz: _core.depthwise_conv2d_backward_weight(x, k.shape, dz, padding=pads)
    else:
        if kind == "direct":   # few input channels: the direct loops
            x = np.ascontiguousarray(x[..., :2])
            k = _rand(rng, 3, 3, 2, 48, dtype=np.float32)
        elif kind == "conv_valid64":   # 64 outputs, no padding: every indirect kernel
            k = _rand(rng, 3, 3, 32, 64, dtype=np.float32)
            pads = (0, 0, 0, 0)
        else:
            k = _rand(rng, 1, 1, 32, 16, dtype=np.float32) if kind == "conv1x1" else \
                _rand(rng, 3, 3, 32, 16, dtype=np.float32)
        pads = (0, 0, 0, 0) if kind == "conv1x1" else pads
        fwd = lambda: _core.conv2d_forward(x, k, padding=pads)[0]
        bwd_in = lambda dz: _core.conv2d_backward_input(x.shape, k, dz, padding=pads)
        bwd_w = lambda dz: _core.conv2d_backward_weight(x, k.shape, dz, padding=pads)
    before = _core.get_num_threads()
    results = []
    try:
        for threads in (1, 2):
            _core.set_num_threads(threads)
            z = fwd()
            dz = np.ascontiguousarray(np.sin(z))
            results.append((z, bwd_in(dz)) + bwd_w(dz))
    finally:
        _core.set_num_threads(before)
    for a, b in zip(*results):
        np.testing.assert_array_equal(a, b)


# --------------------------------------------------------------------------
# 1-D convolution (height 1)

@pytest.mark.parametrize("padding,stride,dilation", [("valid", 1, 1), ("same", 2, 1),
                                                     ("causal", 1, 2)])
def test_conv1d_forward_and_backward(padding, stride, dilation):
    rng = np.random.default_rng(7)
    x, k, b = _rand(rng, 2, 9, 3), _rand(rng, 3, 3, 4), _rand(rng, 4)
    left, right, ow = _core.conv_padding(9, 3, stride, dilation, padding)
    z = _core.conv1d_forward(x, k, b, stride, dilation, (left, right))[0]
    ref = ref_conv2d(x[:, None], k[None], (1, stride), (1, dilation), (0, 0, left, right),
                     bias=b)[:, 0]
    assert z.shape == (2, ow, 4)
    np.testing.assert_allclose(z, ref, rtol=1e-12, atol=1e-12)
    r = _rand(rng, *z.shape)

    def loss():
        return float(np.sum(_core.conv1d_forward(x, k, b, stride, dilation, (left, right))[0] * r))

    dx = _core.conv1d_backward_input(x.shape, k, r, stride, dilation, (left, right))
    dk, db = _core.conv1d_backward_weight(x, k.shape, r, stride, dilation, (left, right))
    np.testing.assert_allclose(dx, fd_grad(loss, x), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(dk, fd_grad(loss, k), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(db, fd_grad(loss, b), rtol=1e-6, atol=1e-7)


def test_causal_conv1d_output_does_not_see_the_future():
    rng = np.random.default_rng(8)
    x, k = _rand(rng, 1, 8, 2), _rand(rng, 3, 2, 2)
    pads = _core.conv_padding(8, 3, 1, 1, "causal")[:2]
    z = _core.conv1d_forward(x, k, padding=pads)[0]
    x2 = x.copy()
    x2[:, 5:] += 1.0
    z2 = _core.conv1d_forward(x2, k, padding=pads)[0]
    np.testing.assert_array_equal(z[:, :5], z2[:, :5])


# --------------------------------------------------------------------------
# depthwise

DW_CASES = [
    (1, 5, 5, 3, 3, 3, 1, (1, 1), (1, 1), "valid"),
    (2, 7, 6, 4, 3, 3, 2, (2, 1), (1, 1), "same"),
    (2, 3, 4, 2, 5, 5, 1, (1, 1), (1, 1), "same"),
    (2, 9, 9, 3, 2, 2, 3, (3, 3), (1, 1), "valid"),
    (1, 9, 8, 2, 3, 3, 1, (1, 1), (2, 2), "same"),
]
DW_IDS = ["batch1", "multiplier_stride", "kernel_gt_input", "stride_gt_kernel", "dilation"]


def _dw_pads(case):
    n, h, w, c, kh, kw, m, s, d, padding = case
    return _core.conv_padding(h, kh, s[0], d[0], padding)[:2] + \
        _core.conv_padding(w, kw, s[1], d[1], padding)[:2]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("case", DW_CASES, ids=DW_IDS)
def test_depthwise_forward_matches_numpy(case, dtype):
    rng = np.random.default_rng(9)
    n, h, w, c, kh, kw, m, s, d, _ = case
    x, k, b = _rand(rng, n, h, w, c, dtype=dtype), _rand(rng, kh, kw, c, m, dtype=dtype), \
        _rand(rng, c * m, dtype=dtype)
    pads = _dw_pads(case)
    z, _ = _core.depthwise_conv2d_forward(x, k, b, s, d, pads)
    np.testing.assert_allclose(z, ref_depthwise(x, k, s, d, pads, b), **_tol(dtype))
    z2, y2 = _core.depthwise_conv2d_forward(x, k, b, s, d, pads, activation="tanh")
    np.testing.assert_array_equal(z2, z)
    np.testing.assert_allclose(y2, np.tanh(z.astype(np.float64)), **_tol(dtype))


@pytest.mark.parametrize("case", DW_CASES, ids=DW_IDS)
def test_depthwise_backward_matches_finite_differences(case):
    rng = np.random.default_rng(10)
    n, h, w, c, kh, kw, m, s, d, _ = case
    x, k, b = _rand(rng, n, h, w, c), _rand(rng, kh, kw, c, m), _rand(rng, c * m)
    pads = _dw_pads(case)
    r = _rand(rng, *_core.depthwise_conv2d_forward(x, k, b, s, d, pads)[0].shape)

    def loss():
        return float(np.sum(_core.depthwise_conv2d_forward(x, k, b, s, d, pads)[0] * r))

    dx = _core.depthwise_conv2d_backward_input(x.shape, k, r, s, d, pads)
    dk, db = _core.depthwise_conv2d_backward_weight(x, k.shape, r, s, d, pads)
    np.testing.assert_allclose(dx, fd_grad(loss, x), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(dk, fd_grad(loss, k), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(db, fd_grad(loss, b), rtol=1e-6, atol=1e-7)


# --------------------------------------------------------------------------
# transposed convolution (the input gradient of a convolution)

def ref_conv2d_transpose(x, k, strides, out_hw, pads):
    """Direct scatter definition: every input pixel adds k * x at its place."""
    n, h, w, c = x.shape
    kh, kw, f, _ = k.shape
    pt, _, pl, _ = pads
    big = np.zeros((n, (h - 1) * strides[0] + kh, (w - 1) * strides[1] + kw, f))
    contrib = np.einsum("nhwc,yxfc->nhwyxf", x, k)   # (n, h, w, kh, kw, f)
    for ky in range(kh):          # loops over the kernel window only
        for kx in range(kw):
            big[:, ky:ky + (h - 1) * strides[0] + 1:strides[0],
                kx:kx + (w - 1) * strides[1] + 1:strides[1]] += contrib[:, :, :, ky, kx]
    out = np.zeros((n, out_hw[0], out_hw[1], f))
    src = big[:, pt:pt + out_hw[0], pl:pl + out_hw[1]]
    out[:, :src.shape[1], :src.shape[2]] = src
    return out


@pytest.mark.parametrize("padding,strides,output_padding", [
    ("valid", (2, 2), None), ("same", (2, 2), None), ("same", (1, 1), None),
    ("valid", (2, 3), 1), ("same", (3, 2), (1, 0))])
def test_conv2d_transpose_matches_scatter_definition(padding, strides, output_padding):
    rng = np.random.default_rng(11)
    x, k, b = _rand(rng, 2, 4, 3, 3), _rand(rng, 3, 3, 5, 3), _rand(rng, 5)
    op = output_padding if isinstance(output_padding, tuple) else (output_padding,) * 2
    th, tw = (_core.conv_transpose_padding(size, 3, st, 1, padding, o)
              for size, st, o in zip(x.shape[1:3], strides, op))
    pads = (th[0], th[1], tw[0], tw[1])
    y = _core.conv2d_transpose_forward(x, k, (th[2], tw[2]), b, strides, 1, pads)
    np.testing.assert_allclose(y, ref_conv2d_transpose(x, k, strides, (th[2], tw[2]), pads) + b,
                               rtol=1e-12, atol=1e-12)
    r = _rand(rng, *y.shape)

    def loss():
        return float(np.sum(_core.conv2d_transpose_forward(x, k, (th[2], tw[2]), b, strides, 1,
                                                           pads) * r))

    dx, dk, db = _core.conv2d_transpose_backward(x, k, r, strides, 1, pads)
    np.testing.assert_allclose(dx, fd_grad(loss, x), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(dk, fd_grad(loss, k), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(db, fd_grad(loss, b), rtol=1e-6, atol=1e-7)


def test_conv_transpose_output_length_matches_keras():
    # keras.src.utils.conv_utils.deconv_output_length
    assert _core.conv_transpose_padding(4, 3, 2, 1, "valid")[2] == 9
    assert _core.conv_transpose_padding(4, 3, 2, 1, "same")[2] == 8
    assert _core.conv_transpose_padding(4, 3, 2, 1, "valid", 1)[2] == 10
    assert _core.conv_transpose_padding(4, 3, 2, 1, "same", 1)[2] == 8


# --------------------------------------------------------------------------
# argument checks (before any C call)

def test_conv2d_rejects_bad_arguments_with_named_errors():
    x = np.zeros((1, 5, 5, 4), np.float32)
    k = np.zeros((3, 3, 4, 2), np.float32)
    with pytest.raises(TypeError, match="kernel has dtype float64"):
        _core.conv2d_forward(x, k.astype(np.float64))
    with pytest.raises(TypeError, match="float32 or float64"):
        _core.conv2d_forward(x.astype(np.int32), k)
    with pytest.raises(ValueError, match="kernel.shape\\[2\\]"):
        _core.conv2d_forward(x, np.zeros((3, 3, 3, 2), np.float32))
    with pytest.raises(ValueError, match="groups"):
        _core.conv2d_forward(x, np.zeros((3, 3, 2, 3), np.float32), groups=2)
    with pytest.raises(ValueError, match="strides"):
        _core.conv2d_forward(x, k, strides=0)
    with pytest.raises(ValueError, match="padding"):
        _core.conv2d_forward(x, k, padding=(1, -1, 0, 0))
    with pytest.raises(ValueError, match="dz must have shape"):
        _core.conv2d_backward_input(x.shape, k, np.zeros((1, 5, 5, 2), np.float32))
    with pytest.raises(ValueError, match="softmax"):
        _core.conv2d_forward(x, k, activation="softmax")
    with pytest.raises(ValueError, match="too large"):
        _core.conv2d_forward(x, np.zeros((3, 3, 4, 2), np.float32), padding=(0, 2 ** 62, 0, 0))
