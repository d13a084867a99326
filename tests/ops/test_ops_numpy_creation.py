"""Creation ops of nnlite.ops against NumPy, and the module's public name table."""
import numpy as np
import pytest

from nnlite import config, ops
from nnlite.ops import numpy as ops_numpy


@pytest.mark.parametrize("op,ref", [(ops.zeros, np.zeros), (ops.ones, np.ones)])
def test_zeros_and_ones_default_to_floatx(op, ref):
    out = op((2, 3))
    assert out.dtype == config.floatx()
    np.testing.assert_array_equal(out, ref((2, 3)))


def test_zeros_with_int_shape_and_dtype():
    out = ops.zeros(4, dtype="int32")
    assert out.shape == (4,) and out.dtype == np.int32


def test_full_defaults_to_floatx():
    out = ops.full((2, 2), 3)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, np.full((2, 2), 3.0))


@pytest.mark.parametrize("n,m,k", [(3, None, 0), (3, 4, 1), (4, 2, -1)])
def test_eye_and_tri_match_numpy(n, m, k):
    np.testing.assert_array_equal(ops.eye(n, m, k), np.eye(n, m, k))
    np.testing.assert_array_equal(ops.tri(n, m, k), np.tri(n, m, k))
    assert ops.eye(n, m, k).dtype == np.float32


def test_identity_matches_numpy():
    np.testing.assert_array_equal(ops.identity(3), np.identity(3))


@pytest.mark.parametrize("args,dtype", [((5,), np.int32), ((1, 7, 2), np.int32),
                                        ((0.0, 1.0, 0.25), np.float32)])
def test_arange_matches_numpy_with_keras_dtypes(args, dtype):
    out = ops.arange(*args)
    assert out.dtype == dtype
    np.testing.assert_allclose(out, np.arange(*args))


def test_arange_zero_step_raises():
    with pytest.raises(ValueError, match="step"):
        ops.arange(0, 5, 0)


def test_linspace_matches_numpy():
    np.testing.assert_allclose(ops.linspace(0, 1, 5), np.linspace(0, 1, 5), rtol=1e-6)
    out, step = ops.linspace(0, 1, 4, endpoint=False, retstep=True)
    assert step == 0.25 and out.dtype == np.float32


def test_negative_shape_raises():
    with pytest.raises(ValueError, match="zeros: shape must be non-negative"):
        ops.zeros((2, -1))


def test_all_names_are_callable_and_exported():
    missing = [n for n in ops_numpy.__all__ if not callable(getattr(ops, n, None))]
    assert not missing
    assert len(set(ops_numpy.__all__)) == len(ops_numpy.__all__)


def test_lists_and_scalars_are_accepted():
    np.testing.assert_allclose(ops.add([1.0, 2.0], 1), [2.0, 3.0])
    assert ops.add([1.0, 2.0], 1).dtype == np.float32
    assert ops.sum([[1, 2], [3, 4]]).dtype == np.int32


def test_cast_accepts_a_python_number():
    from nnlite import ops
    y = ops.cast(1, "float32")
    assert y.dtype == "float32" and float(np.asarray(y)) == 1.0
