"""ops.slice and ops.size against NumPy indexing; slice's backward against finite differences."""
import numpy as np
import pytest

from nnlite import ops
from op_gradcheck import check_grad

X = np.random.default_rng(5).standard_normal((3, 4, 5))


def test_slice_matches_numpy_block():
    out = ops.slice(X, (1, 0, 2), (2, 3, 2))
    np.testing.assert_array_equal(np.asarray(out), X[1:3, 0:3, 2:4])


def test_slice_minus_one_takes_the_rest_of_the_axis():
    out = ops.slice(X, [1, 2, 0], [-1, -1, 3])
    np.testing.assert_array_equal(np.asarray(out), X[1:, 2:, 0:3])


def test_slice_accepts_index_tensors():
    out = ops.slice(X, ops.convert_to_tensor([0, 1, 1]), np.array([1, 2, 3]))
    np.testing.assert_array_equal(np.asarray(out), X[0:1, 1:3, 1:4])


def test_slice_keeps_integer_dtype():
    a = np.arange(12, dtype=np.int32).reshape(3, 4)
    out = ops.slice(a, (1, 1), (2, 2))
    assert out.dtype == np.int32
    np.testing.assert_array_equal(np.asarray(out), [[5, 6], [9, 10]])


def test_slice_gradient_matches_finite_differences():
    check_grad(lambda x: ops.slice(x, (0, 1, 1), (2, 3, -1)), X)


@pytest.mark.parametrize("start, shape", [((0, 0), (1, 1)), ((2, 0, 0), (2, 1, 1)),
                                          ((0, -1, 0), (1, 1, 1)), ((0, 0, 0), (1, -2, 1))])
def test_slice_rejects_blocks_that_do_not_fit(start, shape):
    with pytest.raises(ValueError, match="slice"):
        ops.slice(X, start, shape)


def test_size_counts_elements():
    out = ops.size(X)
    assert int(np.asarray(out)) == 60
    assert out.dtype == np.int32


def test_size_of_a_scalar_is_one():
    assert int(np.asarray(ops.size(3.5))) == 1
