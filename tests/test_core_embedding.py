"""C embedding kernels (csrc/embedding.c): the gather against NumPy indexing,
the scatter-add against `np.add.at` (same order, so the same bits), central
finite differences, thread-count independence, and the argument checks that
stop bad ids before any C call writes."""
import numpy as np
import pytest

from nnlite import _core
from nnlite._nnlite import ffi, lib

FLOATS = [np.float32, np.float64]
INTS = [np.int32, np.int64]


def _table(dtype, v=7, d=5, seed=0):
    return np.random.default_rng(seed).standard_normal((v, d)).astype(dtype)


# -- forward -------------------------------------------------------------------
@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("itype", INTS)
def test_forward_matches_numpy_indexing(dtype, itype):
    table = _table(dtype)
    idx = np.array([[0, 6, 3], [2, 2, 5]], dtype=itype)
    out = _core.embedding_forward(table, idx)
    assert out.dtype == dtype and out.shape == (2, 3, 5)
    np.testing.assert_array_equal(out, table[idx])


@pytest.mark.parametrize("dtype", FLOATS)
def test_forward_repeated_indices_copy_the_same_row(dtype):
    table = _table(dtype)
    out = _core.embedding_forward(table, np.full(9, 4))
    np.testing.assert_array_equal(out, np.repeat(table[4:5], 9, axis=0))


def test_forward_reads_a_table_with_a_wider_row_stride():
    big = _table(np.float64, 7, 9)
    table = big[:, 2:6]                         # rows 9 apart, 4 wide
    idx = np.array([6, 0, 3])
    np.testing.assert_array_equal(_core.embedding_forward(table, idx), table[idx])


def test_forward_reads_a_column_strided_table():
    table = _table(np.float32, 7, 8)[:, ::2]
    idx = np.array([1, 5])
    np.testing.assert_array_equal(_core.embedding_forward(table, idx), table[idx])


@pytest.mark.parametrize("itype", [np.uint8, np.int8, np.uint16, np.int16, np.uint64])
def test_forward_accepts_every_integer_width(itype):
    table = _table(np.float32)
    idx = np.array([3, 0, 6], dtype=itype)
    np.testing.assert_array_equal(_core.embedding_forward(table, idx), table[[3, 0, 6]])


def test_forward_accepts_floats_holding_integral_values():
    table = _table(np.float32)
    np.testing.assert_array_equal(_core.embedding_forward(table, np.array([2.0, 5.0])),
                                  table[[2, 5]])


def test_forward_of_no_indices_is_empty():
    out = _core.embedding_forward(_table(np.float32), np.zeros((3, 0), dtype=np.int32))
    assert out.shape == (3, 0, 5)


def test_forward_of_zero_width_rows_still_checks_ids():
    table = np.zeros((4, 0), dtype=np.float32)
    assert _core.embedding_forward(table, np.array([1, 3])).shape == (2, 0)
    with pytest.raises(ValueError, match="not in \\[0, 4\\)"):
        _core.embedding_forward(table, np.array([4]))


# -- errors --------------------------------------------------------------------
@pytest.mark.parametrize("bad, where, value", [(7, "0,1", 7), (100, "0,1", 100),
                                               (-1, "0,1", -1)])
def test_forward_out_of_range_id_raises_value_error_naming_it(bad, where, value):
    idx = np.array([[0, bad, 2]])
    with pytest.raises(ValueError, match=r"indices\[%s\] = %d is not in \[0, 7\)" % (where, value)):
        _core.embedding_forward(_table(np.float32), idx)


def test_backward_out_of_range_id_raises_value_error():
    with pytest.raises(ValueError, match=r"indices\[1\] = 3 is not in \[0, 3\)"):
        _core.embedding_backward(np.array([0, 3]), np.ones((2, 4)), 3)


def test_huge_unsigned_id_raises_value_error():
    with pytest.raises(ValueError, match="out of range"):
        _core.embedding_forward(_table(np.float32), np.array([2 ** 64 - 1], dtype=np.uint64))


@pytest.mark.parametrize("bad", [1.5, np.nan, np.inf, -0.25])
def test_non_integral_float_id_raises_value_error(bad):
    with pytest.raises(ValueError, match="integral"):
        _core.embedding_forward(_table(np.float32), np.array([1.0, bad]))


def test_bool_ids_raise_type_error():
    with pytest.raises(TypeError, match="integers"):
        _core.embedding_forward(_table(np.float32), np.array([True, False]))


def test_integer_table_raises_type_error():
    with pytest.raises(TypeError, match="float32 or float64"):
        _core.embedding_forward(np.zeros((3, 2), dtype=np.int32), np.array([1]))


def test_table_must_be_2d():
    with pytest.raises(ValueError, match="2 dimensions"):
        _core.embedding_forward(np.zeros(3, dtype=np.float32), np.array([1]))


def test_backward_dy_shape_must_extend_the_indices_shape():
    with pytest.raises(ValueError, match="indices.shape"):
        _core.embedding_backward(np.array([[0, 1]]), np.ones((2, 4)), 3)


def test_backward_vocab_must_be_a_non_negative_int():
    with pytest.raises(ValueError, match="vocab"):
        _core.embedding_backward(np.array([0]), np.ones((1, 4)), -2)


@pytest.mark.parametrize("fn", ["nl_sembedding_forward", "nl_sembedding_backward"])
def test_c_kernel_returns_erange_and_writes_nothing(fn):
    idx = np.array([0, 1, 9, 2], dtype=np.int64)      # the third id is out of range
    src = np.ones((4, 3), dtype=np.float32)
    dst = np.full((4, 3), 7.0, dtype=np.float32)
    status = getattr(lib, fn)(4, 4, 3, ffi.cast("int64_t *", idx.ctypes.data),
                              ffi.from_buffer("float[]", src), 3,
                              ffi.from_buffer("float[]", dst), 3)
    assert status == lib.NL_ERANGE
    np.testing.assert_array_equal(dst, 7.0)


def test_c_kernel_rejects_a_stride_below_the_width():
    idx = np.array([0], dtype=np.int64)
    buf = np.zeros((2, 3), dtype=np.float64)
    status = lib.nl_dembedding_forward(1, 2, 3, ffi.cast("int64_t *", idx.ctypes.data),
                                       ffi.from_buffer("double[]", buf), 2,
                                       ffi.from_buffer("double[]", buf), 3)
    assert status == lib.NL_EINVAL


# -- backward ------------------------------------------------------------------
@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("itype", INTS)
def test_backward_matches_np_add_at_bit_for_bit(dtype, itype):
    rng = np.random.default_rng(1)
    idx = rng.integers(0, 6, size=(4, 9)).astype(itype)    # many repeats
    dy = rng.standard_normal((4, 9, 3)).astype(dtype)
    expected = np.zeros((6, 3), dtype=dtype)
    np.add.at(expected, idx, dy)                            # in index order, as the kernel
    got = _core.embedding_backward(idx, dy, 6)
    assert got.dtype == dtype
    np.testing.assert_array_equal(got, expected)


def test_backward_leaves_unused_rows_zero():
    got = _core.embedding_backward(np.array([1, 1]), np.ones((2, 2)), 4)
    np.testing.assert_array_equal(got, [[0, 0], [2, 2], [0, 0], [0, 0]])


def test_backward_matches_central_finite_differences():
    rng = np.random.default_rng(2)
    table = rng.standard_normal((5, 3))
    idx = np.array([[4, 0, 4], [1, 4, 2]])
    r = rng.standard_normal((2, 3, 3))

    def f(t):
        return float(np.sum(_core.embedding_forward(t, idx) * r))

    numeric = np.zeros_like(table)
    h = 1e-6
    for pos in np.ndindex(table.shape):
        up, down = table.copy(), table.copy()
        up[pos] += h
        down[pos] -= h
        numeric[pos] = (f(up) - f(down)) / (2 * h)
    np.testing.assert_allclose(_core.embedding_backward(idx, r, 5), numeric, rtol=1e-7, atol=1e-8)


def test_backward_is_bit_identical_for_any_thread_count():
    rng = np.random.default_rng(3)
    idx = rng.integers(0, 50, size=20000)                  # heavy repeats: order matters
    dy = rng.standard_normal((20000, 128)).astype(np.float32)
    before = _core.get_num_threads()
    grads, outs = [], []
    try:
        for threads in (1, 2, 3, 8):
            _core.set_num_threads(threads)
            grads.append(_core.embedding_backward(idx, dy, 50))
            outs.append(_core.embedding_forward(dy[:50], idx))
    finally:
        _core.set_num_threads(before)
    for g, o in zip(grads[1:], outs[1:]):
        np.testing.assert_array_equal(g, grads[0])
        np.testing.assert_array_equal(o, outs[0])
    expected = np.zeros((50, 128), dtype=np.float32)
    np.add.at(expected, idx, dy)
    np.testing.assert_array_equal(grads[0], expected)


# -- distinct ids (nl_unique_ids) ----------------------------------------------
def test_unique_ids_match_numpy_unique():
    idx = np.random.default_rng(3).integers(0, 9, (4, 6))
    uniq, first, inv = _core.unique_ids(idx, 9)
    want, want_first, want_inv = np.unique(idx, return_index=True, return_inverse=True)
    np.testing.assert_array_equal(uniq, want)
    np.testing.assert_array_equal(first, want_first)
    np.testing.assert_array_equal(inv, want_inv.reshape(idx.shape))
    assert inv.shape == idx.shape and inv.dtype == np.int64


def test_unique_ids_of_no_ids_are_empty():
    uniq, first, inv = _core.unique_ids(np.zeros((2, 0), dtype=np.int32), 5)
    assert uniq.shape == first.shape == (0,) and inv.shape == (2, 0)


@pytest.mark.parametrize("bad", [5, -1])
def test_unique_ids_out_of_range_id_raises_value_error_naming_it(bad):
    with pytest.raises(ValueError, match=r"unique_ids: indices\[1\] = %d is not in \[0, 5\)"
                       % bad):
        _core.unique_ids(np.array([0, bad, 2]), 5)


def test_unique_ids_negative_vocab_raises_value_error():
    with pytest.raises(ValueError, match="vocab"):
        _core.unique_ids(np.array([0]), -1)


def test_unique_ids_of_a_vocabulary_far_larger_than_the_ids_sort_them_alike():
    idx = np.array([[70000, 3, 70000], [5, 3, 99999]])
    uniq, first, inv = _core.unique_ids(idx, 100000)
    np.testing.assert_array_equal(uniq, [3, 5, 70000, 99999])
    np.testing.assert_array_equal(first, [1, 3, 0, 5])
    np.testing.assert_array_equal(uniq[inv], idx)
    assert uniq.dtype == first.dtype == inv.dtype == np.int64
    with pytest.raises(ValueError, match=r"indices\[1,2\] = 100000 is not in \[0, 100000\)"):
        _core.unique_ids(np.array([[0, 1, 2], [0, 1, 100000]]), 100000)
