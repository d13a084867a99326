"""Tests for the C GEMM (nl_sgemm / nl_dgemm) through nnlite._core.gemm.

The reference is NumPy in float64 on the logical matrices op(A) and op(B).
Results are compared with the classic componentwise bound for a computed
product, |fl(AB) - AB| <= k u |A||B| (u = unit roundoff), with a factor 2 of
margin and room for the alpha/beta roundings; it scales with k and with the
size of the entries, so one rule serves float32 and float64 alike.
"""
import numpy as np
import pytest

from nnlite import _core
from nnlite._nnlite import ffi, lib

DTYPES = [np.float32, np.float64]
TRANS = [(False, False), (False, True), (True, False), (True, True)]
TRANS_IDS = ["NN", "NT", "TN", "TT"]

# Every instruction-set path this CPU has runs every test (the autouse
# fixture below). Tiles and blocks (csrc/gemm.c, gemm_avx2.c, gemm_avx512.c):
#   ref     float32 6x16  MC 120 KC 256 NC 4096; float64 4x4  MC 64  KC 256 NC 2048
#   avx2    float32 6x16  MC 144 KC 256 NC 4096; float64 6x8  MC 72  KC 256 NC 2048
#   avx512  float32 8x32  MC 192 KC 384 NC 4096; float64 8x16 MC 128 KC 256 NC 2048
# The sweep covers 1, tile-1 / tile / tile+1, block+1 and odd primes, and
# sizes large enough to be split over threads.
SHAPES = [
    (1, 1, 1),
    (5, 15, 3), (6, 16, 7), (7, 17, 9),      # 6 x 16 tile -1 / = / +1
    (3, 3, 5), (4, 4, 4), (5, 5, 2),         # 4 x 4 tile -1 / = / +1
    (5, 7, 4), (6, 8, 3), (7, 9, 5),         # 6 x 8 tile -1 / = / +1
    (7, 31, 5), (8, 32, 7), (9, 33, 9),      # 8 x 32 tile -1 / = / +1
    (7, 15, 3), (8, 16, 2), (9, 17, 6),      # 8 x 16 tile -1 / = / +1
    (121, 17, 13), (65, 9, 11),              # MC + 1 (ref)
    (145, 19, 7), (73, 9, 5),                # MC + 1 (avx2)
    (193, 35, 3), (129, 17, 4),              # MC + 1 (avx512)
    (13, 11, 257), (7, 33, 513), (9, 34, 385),  # KC + 1, 2 * KC + 1, 384 + 1
    (3, 4097, 2), (2, 2049, 3),              # NC + 1 (float32, float64)
    (37, 41, 43), (101, 67, 131),            # odd primes
    (1, 97, 31), (89, 1, 29),                # a row and a column of C
    (157, 131, 97), (29, 163, 401),          # above the threading threshold
]

ISAS = [name for name in _core.ISAS if _core.isa_supported(name)]


@pytest.fixture(autouse=True, params=ISAS)
def isa(request):
    """Forces each instruction-set path in turn, then restores the default."""
    before = _core.isa()
    _core.set_isa(request.param)
    yield request.param
    _core.set_isa(before)


# --------------------------------------------------------------------------
# helpers

def _operands(rng, m, n, k, dtype, trans_a, trans_b):
    """Logical op(A) (m x k) and op(B) (k x n), and the arrays to pass so
    that the transpose flags give back exactly those logical matrices."""
    a_log = rng.uniform(-1, 1, (m, k)).astype(dtype)
    b_log = rng.uniform(-1, 1, (k, n)).astype(dtype)
    a = np.ascontiguousarray(a_log.T) if trans_a else a_log
    b = np.ascontiguousarray(b_log.T) if trans_b else b_log
    return a, b, a_log, b_log


def _reference(a_log, b_log, alpha=1.0, beta=0.0, c0=None):
    """alpha * op(A) @ op(B) + beta * C0 in float64, and |.| of its terms."""
    a64, b64 = a_log.astype(np.float64), b_log.astype(np.float64)
    ref = alpha * (a64 @ b64)
    terms = abs(alpha) * (np.abs(a64) @ np.abs(b64))
    if beta != 0:
        ref += beta * c0.astype(np.float64)
        terms += abs(beta) * np.abs(c0.astype(np.float64))
    return ref, terms


def _assert_close(got, ref, terms, k):
    u = np.finfo(got.dtype).eps / 2
    tol = 2 * (k + 3) * u * terms + np.finfo(got.dtype).tiny
    err = np.abs(got.astype(np.float64) - ref)
    assert got.shape == ref.shape
    assert not np.isnan(got).any()
    worst = np.unravel_index(np.argmax(err - tol), err.shape) if err.size else None
    assert np.all(err <= tol), "error %g > bound %g at %s" % (err[worst], tol[worst], worst)


# --------------------------------------------------------------------------
# values

@pytest.mark.parametrize("dtype", DTYPES)
def test_gemm_worked_example_is_exact(dtype):
    a = np.array([[1, 2], [3, 4]], dtype=dtype)
    b = np.array([[5, 6], [7, 8]], dtype=dtype)
    c = _core.gemm(a, b)
    assert c.dtype == dtype
    np.testing.assert_array_equal(c, np.array([[19, 22], [43, 50]], dtype=dtype))


@pytest.mark.parametrize("trans_a,trans_b", TRANS, ids=TRANS_IDS)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("m,n,k", SHAPES, ids=["%dx%dx%d" % s for s in SHAPES])
def test_gemm_matches_numpy_over_edge_shapes(m, n, k, dtype, trans_a, trans_b):
    rng = np.random.default_rng(m * 7919 + n * 31 + k)
    a, b, a_log, b_log = _operands(rng, m, n, k, dtype, trans_a, trans_b)
    c = _core.gemm(a, b, trans_a=trans_a, trans_b=trans_b)
    assert c.dtype == dtype
    _assert_close(c, *_reference(a_log, b_log), k)


@pytest.mark.parametrize("trans_a,trans_b", TRANS, ids=TRANS_IDS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_gemm_reads_and_writes_through_leading_dimensions(dtype, trans_a, trans_b):
    # Operands are views into wider arrays, starting one column in (so not
    # aligned either); the columns of C's parent outside the view must keep
    # their guard value.
    m, n, k = 29, 23, 270
    rng = np.random.default_rng(1)
    _, _, a_log, b_log = _operands(rng, m, n, k, dtype, trans_a, trans_b)
    a_stored = a_log.T if trans_a else a_log
    b_stored = b_log.T if trans_b else b_log
    big_a = np.full((a_stored.shape[0] + 2, a_stored.shape[1] + 7), np.nan, dtype=dtype)
    big_b = np.full((b_stored.shape[0] + 2, b_stored.shape[1] + 5), np.nan, dtype=dtype)
    big_c = np.full((m + 2, n + 9), -7.0, dtype=dtype)
    a = big_a[:a_stored.shape[0], 1:a_stored.shape[1] + 1]
    b = big_b[:b_stored.shape[0], 1:b_stored.shape[1] + 1]
    c = big_c[:m, 1:n + 1]
    a[...] = a_stored
    b[...] = b_stored
    guard = big_c.copy()

    out = _core.gemm(a, b, c, trans_a=trans_a, trans_b=trans_b)

    assert out is c
    _assert_close(c, *_reference(a_log, b_log), k)
    outside = np.ones(big_c.shape, dtype=bool)
    outside[:m, 1:n + 1] = False
    np.testing.assert_array_equal(big_c[outside], guard[outside])


@pytest.mark.parametrize("dtype", DTYPES)
def test_gemm_beta_zero_overwrites_nan_and_inf_in_c(dtype):
    m, n, k = 13, 37, 20          # full tiles and edge tiles for both types
    rng = np.random.default_rng(2)
    a, b, a_log, b_log = _operands(rng, m, n, k, dtype, False, False)
    c = np.full((m, n), np.nan, dtype=dtype)
    c[::2] = np.inf
    _core.gemm(a, b, c, beta=0.0)
    _assert_close(c, *_reference(a_log, b_log), k)


@pytest.mark.parametrize("trans_a,trans_b", TRANS, ids=TRANS_IDS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_gemm_applies_general_alpha_and_beta(dtype, trans_a, trans_b):
    # k spans two KC blocks: beta must be applied once, not once per block.
    m, n, k = 19, 21, 300
    alpha, beta = 0.5, -1.5
    rng = np.random.default_rng(3)
    a, b, a_log, b_log = _operands(rng, m, n, k, dtype, trans_a, trans_b)
    c0 = rng.uniform(-1, 1, (m, n)).astype(dtype)
    c = c0.copy()
    _core.gemm(a, b, c, trans_a=trans_a, trans_b=trans_b, alpha=alpha, beta=beta)
    _assert_close(c, *_reference(a_log, b_log, alpha, beta, c0), k)


@pytest.mark.parametrize("dtype", DTYPES)
def test_gemm_beta_one_accumulates_into_c(dtype):
    m, n, k = 17, 33, 260
    rng = np.random.default_rng(4)
    a, b, a_log, b_log = _operands(rng, m, n, k, dtype, False, False)
    c0 = rng.uniform(-1, 1, (m, n)).astype(dtype)
    c = c0.copy()
    _core.gemm(a, b, c, beta=1.0)
    _assert_close(c, *_reference(a_log, b_log, 1.0, 1.0, c0), k)


@pytest.mark.parametrize("dtype", DTYPES)
def test_gemm_alpha_zero_scales_c_without_reading_a_and_b(dtype):
    # As in reference BLAS: alpha == 0 forms no product, so NaN in A or B
    # does not reach C.
    a = np.full((4, 5), np.nan, dtype=dtype)
    b = np.full((5, 3), np.nan, dtype=dtype)
    c0 = np.arange(12, dtype=dtype).reshape(4, 3)
    c = c0.copy()
    _core.gemm(a, b, c, alpha=0.0, beta=2.0)
    np.testing.assert_array_equal(c, 2 * c0)


# --------------------------------------------------------------------------
# empty sizes

@pytest.mark.parametrize("trans_a,trans_b", TRANS, ids=TRANS_IDS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_gemm_k_zero_gives_beta_times_c(dtype, trans_a, trans_b):
    m, n = 7, 18
    a = np.empty((0, m) if trans_a else (m, 0), dtype=dtype)
    b = np.empty((n, 0) if trans_b else (0, n), dtype=dtype)
    c0 = np.random.default_rng(5).uniform(-1, 1, (m, n)).astype(dtype)
    c = c0.copy()
    _core.gemm(a, b, c, trans_a=trans_a, trans_b=trans_b, beta=-1.5)
    np.testing.assert_array_equal(c, (-1.5 * c0).astype(dtype))


@pytest.mark.parametrize("dtype", DTYPES)
def test_gemm_k_zero_with_beta_zero_gives_zeros(dtype):
    c = np.full((3, 4), np.nan, dtype=dtype)
    _core.gemm(np.empty((3, 0), dtype=dtype), np.empty((0, 4), dtype=dtype), c, beta=0.0)
    np.testing.assert_array_equal(c, np.zeros((3, 4), dtype=dtype))
    fresh = _core.gemm(np.empty((3, 0), dtype=dtype), np.empty((0, 4), dtype=dtype))
    np.testing.assert_array_equal(fresh, np.zeros((3, 4), dtype=dtype))


@pytest.mark.parametrize("m,n", [(0, 5), (5, 0), (0, 0)])
@pytest.mark.parametrize("dtype", DTYPES)
def test_gemm_m_or_n_zero_returns_empty_result(dtype, m, n):
    a = np.ones((m, 3), dtype=dtype)
    b = np.ones((3, n), dtype=dtype)
    c = _core.gemm(a, b)
    assert c.shape == (m, n) and c.dtype == dtype


@pytest.mark.parametrize("fn", ["nl_sgemm", "nl_dgemm"])
def test_c_gemm_m_or_n_zero_is_a_no_op(fn):
    # Straight at the C entry point: nothing is read or written, so NULL
    # pointers are fine when C is empty.
    gemm = getattr(lib, fn)
    assert gemm(0, 0, 0, 5, 3, 1.0, ffi.NULL, 3, ffi.NULL, 5, 0.0, ffi.NULL, 5) == lib.NL_OK
    assert gemm(0, 0, 5, 0, 3, 1.0, ffi.NULL, 3, ffi.NULL, 0, 0.0, ffi.NULL, 0) == lib.NL_OK


@pytest.mark.parametrize("fn", ["nl_sgemm", "nl_dgemm"])
@pytest.mark.parametrize("args", [
    # trans_a, trans_b, m, n, k, lda, ldb, ldc
    (0, 0, -1, 2, 2, 2, 2, 2),     # negative m
    (0, 0, 2, -1, 2, 2, 2, 2),     # negative n
    (0, 0, 2, 2, -1, 2, 2, 2),     # negative k
    (0, 0, 2, 3, 4, 3, 3, 3),      # lda < k
    (1, 0, 5, 3, 4, 4, 3, 3),      # trans_a: lda < m
    (0, 0, 2, 3, 4, 4, 2, 3),      # ldb < n
    (0, 1, 2, 3, 4, 4, 3, 3),      # trans_b: ldb < k
    (0, 0, 2, 3, 4, 4, 3, 2),      # ldc < n
], ids=["m<0", "n<0", "k<0", "lda<k", "lda<m", "ldb<n", "ldb<k", "ldc<n"])
def test_c_gemm_rejects_bad_sizes_and_leading_dimensions(fn, args):
    # The last guard behind the Python checks: the C core returns NL_EINVAL
    # before touching memory (the pointers are NULL).
    ta, tb, m, n, k, lda, ldb, ldc = args
    gemm = getattr(lib, fn)
    status = gemm(ta, tb, m, n, k, 1.0, ffi.NULL, lda, ffi.NULL, ldb, 0.0, ffi.NULL, ldc)
    assert status == lib.NL_EINVAL


# --------------------------------------------------------------------------
# bad input through the Python wrapper

def test_gemm_rejects_mismatched_inner_dimensions():
    a = np.ones((3, 4), dtype=np.float32)
    b = np.ones((5, 2), dtype=np.float32)
    with pytest.raises(ValueError, match="Inner dimensions do not match"):
        _core.gemm(a, b)


def test_gemm_rejects_mismatched_inner_dimensions_after_transpose():
    a = np.ones((3, 4), dtype=np.float32)
    b = np.ones((4, 2), dtype=np.float32)
    with pytest.raises(ValueError, match="Inner dimensions do not match"):
        _core.gemm(a, b, trans_a=True)


def test_gemm_rejects_wrong_ndim():
    with pytest.raises(ValueError, match="a must have 2 dimensions"):
        _core.gemm(np.ones(4, dtype=np.float32), np.ones((4, 2), dtype=np.float32))
    with pytest.raises(ValueError, match="b must have 2 dimensions"):
        _core.gemm(np.ones((2, 4), dtype=np.float32), np.ones((1, 4, 2), dtype=np.float32))


def test_gemm_rejects_integer_dtype():
    with pytest.raises(TypeError, match="float32 or float64"):
        _core.gemm(np.ones((2, 2), dtype=np.int64), np.ones((2, 2), dtype=np.int64))


def test_gemm_rejects_mixed_dtypes():
    with pytest.raises(TypeError, match="b has dtype float64"):
        _core.gemm(np.ones((2, 2), dtype=np.float32), np.ones((2, 2), dtype=np.float64))
    with pytest.raises(TypeError, match="c has dtype float32"):
        _core.gemm(np.ones((2, 2)), np.ones((2, 2)), np.ones((2, 2), dtype=np.float32))


def test_gemm_rejects_wrong_c_shape():
    a = np.ones((3, 4), dtype=np.float32)
    b = np.ones((4, 2), dtype=np.float32)
    with pytest.raises(ValueError, match=r"c must have shape \(3, 2\)"):
        _core.gemm(a, b, np.empty((2, 3), dtype=np.float32))


def test_gemm_copies_inputs_with_non_contiguous_rows():
    a = np.arange(24, dtype=np.float32).reshape(3, 8)[:, ::2]
    b = np.arange(8, dtype=np.float32).reshape(4, 2)
    np.testing.assert_array_equal(_core.gemm(a, b),
                                  a.astype(np.float64) @ b.astype(np.float64))


def test_gemm_rejects_output_with_non_contiguous_rows():
    a = np.ones((3, 4), dtype=np.float32)
    b = np.ones((4, 2), dtype=np.float32)
    with pytest.raises(ValueError, match="contiguous rows"):
        _core.gemm(a, b, c=np.zeros((3, 4), dtype=np.float32)[:, ::2])


def test_gemm_rejects_read_only_c():
    c = np.zeros((2, 2), dtype=np.float32)
    c.flags.writeable = False
    with pytest.raises(ValueError, match="writable"):
        _core.gemm(np.ones((2, 2), dtype=np.float32), np.ones((2, 2), dtype=np.float32), c)
