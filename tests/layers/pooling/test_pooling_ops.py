"""nnlite.ops.max_pool / average_pool, as keras.ops (issue 11)."""
import numpy as np
import pytest

from layer_gradcheck import numeric_grad
from nnlite import ops
from nnlite.backend.tape import Tape
from nnlite.backend.tensor import Tensor


def test_max_pool_docstring_numbers():
    y = ops.max_pool(np.arange(16.0).reshape(1, 4, 4, 1), 2)
    np.testing.assert_array_equal(np.asarray(y)[0, :, :, 0], [[5.0, 7.0], [13.0, 15.0]])


def test_average_pool_same_docstring_numbers():
    y = ops.average_pool(np.array([[[1.0], [2.0], [3.0], [4.0], [5.0]]]), 3, 1, "same")
    np.testing.assert_allclose(np.asarray(y).ravel(), [1.5, 2.0, 3.0, 4.0, 4.5])


def test_pool_ops_keep_float_dtypes_and_cast_integers():
    assert np.asarray(ops.max_pool(np.zeros((1, 4, 4, 1)), 2)).dtype == np.float64
    assert np.asarray(ops.max_pool(np.zeros((1, 4, 4, 1), "float16"), 2)).dtype == np.float16
    assert np.asarray(ops.average_pool(np.zeros((1, 4, 1), "int32"), 2)).dtype == np.float32


@pytest.mark.parametrize("op", [ops.max_pool, ops.average_pool])
def test_pool_ops_reject_unsupported_ranks(op):
    with pytest.raises(ValueError, match="rank 3"):
        op(np.zeros((1, 4, 4, 4, 1)), 2)
    with pytest.raises(ValueError, match="rank 3"):
        op(np.zeros((4, 4)), 2)


@pytest.mark.parametrize("op", [ops.max_pool, ops.average_pool])
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_pool_op_gradient_matches_finite_differences(op, data_format):
    n = 2 * 3 * 5 * 4
    x = 2.0 * np.random.default_rng(0).permutation(n).reshape(2, 3, 5, 4) / n - 1.0
    kwargs = dict(pool_size=(2, 3), strides=(2, 1), padding="same", data_format=data_format)
    r = np.random.default_rng(1).normal(size=np.asarray(op(x, **kwargs)).shape)
    xt = Tensor(x.copy())
    with Tape() as tape:
        tape.watch(xt)
        y = op(xt, **kwargs)
    dx = tape.gradient(y, xt, output_gradients=r)
    want = numeric_grad(lambda: float(np.sum(np.asarray(op(x, **kwargs)) * r)), x)
    np.testing.assert_allclose(dx, want, rtol=1e-6, atol=1e-7)
