"""nnlite.ops.matmul against NumPy float64 products."""
import numpy as np
import pytest

from nnlite import ops


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("m,k,n", [(1, 1, 1), (2, 2, 2), (7, 13, 5), (64, 100, 33), (300, 17, 250)])
def test_matmul_matches_numpy(dtype, m, k, n):
    rng = np.random.default_rng(0)
    a = rng.standard_normal((m, k)).astype(dtype)
    b = rng.standard_normal((k, n)).astype(dtype)
    out = ops.matmul(a, b)
    assert out.dtype == dtype and out.shape == (m, n)
    tol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(out, a.astype(np.float64) @ b, rtol=tol, atol=tol * np.sqrt(k))


def test_matmul_course_example_is_exact():
    out = ops.matmul(np.array([[1., 2.], [3., 4.]]), np.array([[5., 6.], [7., 8.]]))
    np.testing.assert_array_equal(out, [[19, 22], [43, 50]])


@pytest.mark.parametrize("which", ["a", "b", "both"])
def test_matmul_of_transposed_views(which):
    rng = np.random.default_rng(1)
    a = rng.standard_normal((20, 30)).astype(np.float32)
    b = rng.standard_normal((40, 30)).astype(np.float32)
    x1 = a.T.T if which == "b" else np.asfortranarray(a)   # F-ordered operand
    x2 = b.T
    if which == "a":
        x2 = np.ascontiguousarray(b.T)
    out = ops.matmul(x1, x2)
    np.testing.assert_allclose(out, a.astype(np.float64) @ b.T, rtol=1e-5, atol=1e-4)


def test_matmul_of_sliced_views():
    rng = np.random.default_rng(2)
    big = rng.standard_normal((80, 60))
    a, b = big[5:25, 3:40], big[::2, 10:30][:37]   # rows 120 apart
    np.testing.assert_allclose(ops.matmul(a, b), a @ b, rtol=1e-12, atol=1e-12)


def test_matmul_with_vectors_follows_numpy_shapes():
    rng = np.random.default_rng(3)
    m, v = rng.standard_normal((4, 3)), rng.standard_normal(3)
    assert ops.matmul(m, v).shape == (4,)
    assert ops.matmul(rng.standard_normal(4), m).shape == (3,)
    np.testing.assert_allclose(ops.matmul(v, v), v @ v, rtol=1e-12)


def test_matmul_mixed_float_precision_promotes_to_float64():
    out = ops.matmul(np.ones((2, 3), np.float32), np.ones((3, 2), np.float64))
    assert out.dtype == np.float64


def test_matmul_integers_and_batches_follow_numpy():
    a = np.arange(6).reshape(2, 3)
    np.testing.assert_array_equal(ops.matmul(a, a.T), a @ a.T)
    s = np.ones((4, 2, 3), np.float32)
    assert ops.matmul(s, np.ones((3, 5), np.float32)).shape == (4, 2, 5)


def test_matmul_mismatched_shapes_raise():
    with pytest.raises(ValueError, match="do not align"):
        ops.matmul(np.ones((2, 3)), np.ones((4, 2)))


@pytest.mark.parametrize("view", ["reversed_a", "reversed_b", "broadcast_a", "broadcast_b",
                                  "reversed_column"])
def test_matmul_of_negative_and_zero_stride_views(view):
    # regression: these views used to fail with "unsupported row stride"
    rng = np.random.default_rng(4)
    a, b = rng.standard_normal((6, 4)), rng.standard_normal((4, 3))
    if view == "reversed_a":
        a = a[::-1]
    elif view == "reversed_b":
        b = b[::-1]
    elif view == "broadcast_a":
        a = np.broadcast_to(a[0], a.shape)
    elif view == "broadcast_b":
        b = np.broadcast_to(b[0], b.shape)
    else:
        b = b[::-1, :1]
    expected = np.ascontiguousarray(a) @ np.ascontiguousarray(b)
    np.testing.assert_allclose(ops.matmul(a, b), expected, rtol=1e-12, atol=1e-12)
