"""Reductions and scans of nnlite.ops against NumPy float64, backward against finite differences."""
import numpy as np
import pytest

from nnlite import ops
from op_gradcheck import check_grad

RNG = np.random.default_rng(1)
X = RNG.uniform(-2, 2, (2, 3, 4))


def _logsumexp(x, axis=None, keepdims=False):
    return np.log(np.sum(np.exp(x), axis=axis, keepdims=keepdims))


REDUCE = [
    ("sum", ops.sum, np.sum), ("mean", ops.mean, np.mean), ("max", ops.max, np.max),
    ("min", ops.min, np.min), ("prod", ops.prod, np.prod), ("std", ops.std, np.std),
    ("var", ops.var, np.var), ("logsumexp", ops.logsumexp, _logsumexp),
]
AXES = [None, 0, -1, (0, 2), (1,)]


@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("axis", AXES, ids=str)
@pytest.mark.parametrize("name,op,ref", REDUCE, ids=lambda v: v if isinstance(v, str) else "")
def test_reduction_forward_matches_numpy(name, op, ref, axis, keepdims):
    out = op(X, axis=axis, keepdims=keepdims)
    np.testing.assert_allclose(out, ref(X, axis=axis, keepdims=keepdims), rtol=1e-12)


@pytest.mark.parametrize("axis", AXES, ids=str)
@pytest.mark.parametrize("name,op,ref", REDUCE, ids=lambda v: v if isinstance(v, str) else "")
def test_reduction_backward_matches_finite_differences(name, op, ref, axis):
    check_grad(lambda x: op(x, axis=axis), X)


def test_keepdims_gradient():
    check_grad(lambda x: ops.mean(x, axis=1, keepdims=True), X)


def test_prod_gradient_with_a_zero_entry():
    x = X.copy()
    x[0, 1, 2] = 0.0
    check_grad(lambda t: ops.prod(t, axis=1), x)


def test_max_ties_share_the_gradient():
    from nnlite.backend.tape import Tape
    from nnlite.backend.tensor import Tensor
    x = Tensor(np.array([1.0, 3.0, 3.0]))
    with Tape() as tape:
        tape.watch(x)
        y = ops.max(x)
    np.testing.assert_allclose(tape.gradient(y, x), [0, 0.5, 0.5])


def test_logsumexp_does_not_overflow():
    np.testing.assert_allclose(ops.logsumexp(np.array([1000.0, 1000.0])), 1000 + np.log(2))


def test_mean_of_integers_gives_floatx():
    assert ops.mean(np.arange(4, dtype=np.int32)).dtype == np.float32


def test_sum_of_int32_stays_int32():
    assert ops.sum(np.arange(4, dtype=np.int32)).dtype == np.int32


def test_float32_reduction_stays_float32():
    assert ops.sum(X.astype(np.float32), axis=0).dtype == np.float32


@pytest.mark.parametrize("op,ref", [(ops.argmax, np.argmax), (ops.argmin, np.argmin)])
@pytest.mark.parametrize("axis", [None, 0, -1])
def test_arg_reductions_match_numpy(op, ref, axis):
    out = op(X, axis=axis)
    assert out.dtype == np.int32
    np.testing.assert_array_equal(out, ref(X, axis=axis))


def test_argmax_keepdims():
    assert ops.argmax(X, axis=1, keepdims=True).shape == (2, 1, 4)


@pytest.mark.parametrize("op,ref", [(ops.all, np.all), (ops.any, np.any)])
@pytest.mark.parametrize("axis", [None, 0, (1, 2)], ids=str)
def test_logical_reductions_match_numpy(op, ref, axis):
    b = X > 0
    np.testing.assert_array_equal(op(b, axis=axis), ref(b, axis=axis))


@pytest.mark.parametrize("op,ref", [(ops.cumsum, np.cumsum), (ops.cumprod, np.cumprod)])
@pytest.mark.parametrize("axis", [None, 0, 2, -2])
def test_scans_match_numpy_forward_and_backward(op, ref, axis):
    np.testing.assert_allclose(op(X, axis=axis), ref(X, axis=axis), rtol=1e-12)
    check_grad(lambda x: op(x, axis=axis), X)


@pytest.mark.parametrize("op", [ops.sum, ops.mean, ops.max, ops.argmax, ops.cumsum])
def test_bad_axis_raises_naming_the_axis(op):
    with pytest.raises(ValueError, match="axis 3 is out of bounds"):
        op(X, axis=3)


def test_repeated_axis_raises():
    with pytest.raises(ValueError, match="repeated axis"):
        ops.sum(X, axis=(1, -2))
