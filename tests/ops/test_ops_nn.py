"""Tests for nnlite.ops.nn: forward values against NumPy float64 formulas written
here, backward passes against central finite differences (op_gradcheck)."""
import math

import numpy as np
import pytest

from nnlite import ops
from nnlite.backend.tape import Tape
from nnlite.backend.tensor import Tensor, apply
from nnlite.ops import nn

from op_gradcheck import check_grad

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946
EPS = 1e-7

_erf = np.vectorize(math.erf)


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _softmax(x, axis=-1):
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def _hard_sigmoid(x):
    return np.clip(x / 6.0 + 0.5, 0.0, 1.0)


# name -> (op, float64 reference)
ELEMENTWISE = {
    "relu": (nn.relu, lambda x: np.maximum(x, 0.0)),
    "relu6": (nn.relu6, lambda x: np.minimum(np.maximum(x, 0.0), 6.0)),
    "sigmoid": (nn.sigmoid, _sigmoid),
    "tanh": (nn.tanh, np.tanh),
    "softplus": (nn.softplus, lambda x: np.log(np.exp(x) + 1.0)),
    "softsign": (nn.softsign, lambda x: x / (np.abs(x) + 1.0)),
    "silu": (nn.silu, lambda x: x * _sigmoid(x)),
    "swish": (nn.swish, lambda x: x * _sigmoid(x)),
    "gelu": (nn.gelu, lambda x: 0.5 * x * (1.0 + np.tanh(np.sqrt(2.0 / np.pi)
                                                          * (x + 0.044715 * x ** 3)))),
    "gelu_exact": (lambda x: nn.gelu(x, approximate=False),
                   lambda x: 0.5 * x * (1.0 + _erf(x / np.sqrt(2.0)))),
    "leaky_relu": (nn.leaky_relu, lambda x: np.where(x > 0, x, 0.2 * x)),
    "leaky_relu_0.1": (lambda x: nn.leaky_relu(x, negative_slope=0.1),
                       lambda x: np.where(x > 0, x, 0.1 * x)),
    "elu": (nn.elu, lambda x: np.where(x > 0, x, np.exp(x) - 1.0)),
    "elu_0.5": (lambda x: nn.elu(x, alpha=0.5), lambda x: np.where(x > 0, x, 0.5 * (np.exp(x) - 1.0))),
    "selu": (nn.selu, lambda x: SELU_SCALE * np.where(x > 0, x, SELU_ALPHA * (np.exp(x) - 1.0))),
    "celu": (nn.celu, lambda x: np.maximum(x, 0) + np.minimum(0, np.exp(x) - 1.0)),
    "hard_sigmoid": (nn.hard_sigmoid, _hard_sigmoid),
    "hard_silu": (nn.hard_silu, lambda x: x * _hard_sigmoid(x)),
    "log_sigmoid": (nn.log_sigmoid, lambda x: np.log(_sigmoid(x))),
}

# values away from every kink (0, +-3, 6)
X = np.array([[-7.0, -3.5, -2.2, -0.7, -0.1], [0.2, 0.9, 2.5, 4.0, 6.5]])


@pytest.mark.parametrize("name", sorted(ELEMENTWISE))
def test_elementwise_forward_matches_numpy(name):
    op, ref = ELEMENTWISE[name]
    np.testing.assert_allclose(np.asarray(op(Tensor(X))), ref(X), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", sorted(ELEMENTWISE))
def test_elementwise_backward_matches_finite_differences(name):
    check_grad(ELEMENTWISE[name][0], X)


@pytest.mark.parametrize("name", sorted(ELEMENTWISE))
def test_elementwise_keeps_float32(name):
    y = ELEMENTWISE[name][0](Tensor(X.astype(np.float32)))
    assert y.dtype == np.float32


def test_gelu_defaults_to_the_tanh_approximation():
    assert abs(float(nn.gelu(Tensor(np.array(1.0)))) - 0.84119199) < 1e-7


def test_relu_propagates_nan():
    y = np.asarray(nn.relu(Tensor(np.array([np.nan, -1.0, 2.0]))))
    assert np.isnan(y[0]) and y[1] == 0.0 and y[2] == 2.0


def test_relu_keeps_integers():
    y = nn.relu(np.array([-2, 3], dtype=np.int32))
    assert y.dtype == np.int32 and list(np.asarray(y)) == [0, 3]


def test_sigmoid_casts_integers_to_floatx():
    assert nn.sigmoid(np.array([0, 1])).dtype == np.float32


def test_python_floats_become_float32():
    assert nn.tanh([0.5, 1.0]).dtype == np.float32


def test_string_input_raises_type_error():
    with pytest.raises(TypeError, match="numeric"):
        nn.sigmoid(np.array(["a"]))


def test_ops_namespace_exports_nn_ops():
    for name in ("relu", "softmax", "log_softmax", "moments", "one_hot",
                 "sparse_categorical_crossentropy"):
        assert getattr(ops, name) is getattr(nn, name)


# softmax / log_softmax -----------------------------------------------------

A3 = np.random.default_rng(1).normal(size=(2, 3, 4)) * 2


@pytest.mark.parametrize("axis", [-1, 0, 1])
def test_softmax_matches_numpy(axis):
    np.testing.assert_allclose(np.asarray(nn.softmax(Tensor(A3), axis=axis)),
                               _softmax(A3, axis), rtol=1e-12)


@pytest.mark.parametrize("axis", [-1, 1])
def test_softmax_backward_matches_finite_differences(axis):
    check_grad(lambda x: nn.softmax(x, axis=axis), A3)


def test_softmax_over_a_tuple_of_axes_matches_numpy():
    np.testing.assert_allclose(np.asarray(nn.softmax(Tensor(A3), axis=(1, 2))),
                               _softmax(A3, (1, 2)), rtol=1e-12)
    check_grad(lambda x: nn.softmax(x, axis=(1, 2)), A3)


def test_softmax_of_a_scalar_raises():
    with pytest.raises(ValueError, match="rank"):
        nn.softmax(Tensor(np.array(1.0)))


def test_softmax_bad_axis_raises():
    with pytest.raises(ValueError, match="axis"):
        nn.softmax(Tensor(A3), axis=3)


@pytest.mark.parametrize("axis", [-1, 0])
def test_log_softmax_matches_numpy(axis):
    np.testing.assert_allclose(np.asarray(nn.log_softmax(Tensor(A3), axis=axis)),
                               np.log(_softmax(A3, axis)), rtol=1e-12, atol=1e-12)


def test_log_softmax_is_stable_for_large_logits():
    y = np.asarray(nn.log_softmax(Tensor(np.array([1000.0, 0.0]))))
    np.testing.assert_allclose(y, [0.0, -1000.0])


@pytest.mark.parametrize("axis", [-1, 1])
def test_log_softmax_backward_matches_finite_differences(axis):
    check_grad(lambda x: nn.log_softmax(x, axis=axis), A3)


# cross-entropies -------------------------------------------------------------

RNG = np.random.default_rng(2)
P_BIN = RNG.uniform(0.05, 0.95, size=(3, 4))
T_BIN = RNG.uniform(0.0, 1.0, size=(3, 4))
LOGITS = RNG.normal(size=(3, 4)) * 2
T_CAT = np.eye(4)[[0, 3, 1]] * 0.8 + 0.05
P_CAT = RNG.uniform(0.1, 1.0, size=(3, 4))
LABELS = np.array([2, 0, 3])


def test_binary_crossentropy_matches_numpy():
    q = P_BIN
    ref = -(T_BIN * np.log(q) + (1 - T_BIN) * np.log(1 - q))
    np.testing.assert_allclose(np.asarray(nn.binary_crossentropy(T_BIN, Tensor(P_BIN))), ref,
                               rtol=1e-6)


def test_binary_crossentropy_clips_probabilities():
    y = np.asarray(nn.binary_crossentropy(np.array([1.0, 0.0]), Tensor(np.array([0.0, 1.0]))))
    np.testing.assert_allclose(y, -np.log(EPS), rtol=1e-6)


def test_binary_crossentropy_from_logits_matches_numpy():
    ref = -(T_BIN * np.log(_sigmoid(LOGITS)) + (1 - T_BIN) * np.log(1 - _sigmoid(LOGITS)))
    y = nn.binary_crossentropy(T_BIN, Tensor(LOGITS), from_logits=True)
    np.testing.assert_allclose(np.asarray(y), ref, rtol=1e-10)


def test_binary_crossentropy_backward_matches_finite_differences():
    check_grad(nn.binary_crossentropy, T_BIN, P_BIN)


def test_binary_crossentropy_from_logits_backward_matches_finite_differences():
    check_grad(lambda t, x: nn.binary_crossentropy(t, x, from_logits=True), T_BIN, LOGITS)


def test_binary_crossentropy_shape_mismatch_raises():
    with pytest.raises(ValueError, match="same shape"):
        nn.binary_crossentropy(np.zeros((3, 2)), Tensor(np.full((3, 4), 0.5)))


def test_categorical_crossentropy_matches_numpy():
    q = P_CAT / P_CAT.sum(-1, keepdims=True)
    ref = -np.sum(T_CAT * np.log(q), axis=-1)
    y = nn.categorical_crossentropy(T_CAT, Tensor(P_CAT))
    assert y.shape == (3,)
    np.testing.assert_allclose(np.asarray(y), ref, rtol=1e-10)


def test_categorical_crossentropy_of_zero_probability_is_16_118():
    y = nn.categorical_crossentropy(np.array([[1.0, 0.0]]), Tensor(np.array([[0.0, 1.0]])))
    np.testing.assert_allclose(np.asarray(y), [-np.log(EPS)], rtol=1e-6)
    assert abs(float(y[0]) - 16.118) < 1e-3


def test_categorical_crossentropy_from_logits_matches_numpy():
    ref = -np.sum(T_CAT * np.log(_softmax(LOGITS)), axis=-1)
    y = nn.categorical_crossentropy(T_CAT, Tensor(LOGITS), from_logits=True)
    np.testing.assert_allclose(np.asarray(y), ref, rtol=1e-10)


def test_categorical_crossentropy_over_axis_0_matches_numpy():
    ref = -np.sum(T_CAT.T * np.log(_softmax(LOGITS.T, axis=0)), axis=0)
    y = nn.categorical_crossentropy(T_CAT.T, Tensor(LOGITS.T), from_logits=True, axis=0)
    np.testing.assert_allclose(np.asarray(y), ref, rtol=1e-10)


@pytest.mark.parametrize("from_logits", [False, True])
def test_categorical_crossentropy_backward_matches_finite_differences(from_logits):
    out = LOGITS if from_logits else P_CAT
    check_grad(lambda t, p: nn.categorical_crossentropy(t, p, from_logits=from_logits),
               T_CAT, out)


def test_categorical_crossentropy_axis_0_backward_matches_finite_differences():
    # C-ordered copies: check_grad perturbs its inputs through reshape(-1) views
    check_grad(lambda t, p: nn.categorical_crossentropy(t, p, axis=0),
               np.ascontiguousarray(T_CAT.T), np.ascontiguousarray(P_CAT.T))


def test_sparse_categorical_crossentropy_matches_numpy():
    q = P_CAT / P_CAT.sum(-1, keepdims=True)
    ref = -np.log(q[np.arange(3), LABELS])
    y = nn.sparse_categorical_crossentropy(LABELS, Tensor(P_CAT))
    np.testing.assert_allclose(np.asarray(y), ref, rtol=1e-10)


def test_sparse_categorical_crossentropy_from_logits_matches_numpy():
    ref = -np.log(_softmax(LOGITS)[np.arange(3), LABELS])
    y = nn.sparse_categorical_crossentropy(LABELS, Tensor(LOGITS), from_logits=True)
    np.testing.assert_allclose(np.asarray(y), ref, rtol=1e-10)


def test_sparse_categorical_crossentropy_drops_a_trailing_unit_axis():
    a = nn.sparse_categorical_crossentropy(LABELS[:, None], Tensor(P_CAT))
    b = nn.sparse_categorical_crossentropy(LABELS, Tensor(P_CAT))
    assert a.shape == (3,)
    np.testing.assert_allclose(np.asarray(a), np.asarray(b))


def test_sparse_categorical_crossentropy_over_axis_0_matches_numpy():
    ref = -np.log(_softmax(LOGITS)[np.arange(3), LABELS])
    y = nn.sparse_categorical_crossentropy(LABELS, Tensor(LOGITS.T), from_logits=True, axis=0)
    np.testing.assert_allclose(np.asarray(y), ref, rtol=1e-10)


@pytest.mark.parametrize("from_logits", [False, True])
def test_sparse_categorical_crossentropy_backward_matches_finite_differences(from_logits):
    out = LOGITS if from_logits else P_CAT
    check_grad(lambda p: nn.sparse_categorical_crossentropy(LABELS, p, from_logits=from_logits),
               out)


def test_sparse_categorical_crossentropy_shape_mismatch_raises():
    with pytest.raises(ValueError, match="class axis"):
        nn.sparse_categorical_crossentropy(np.array([0, 1]), Tensor(P_CAT))


# moments, normalize ------------------------------------------------------------

M = np.random.default_rng(3).normal(size=(3, 4, 2))


@pytest.mark.parametrize("axes,keepdims", [([0], False), ([0, 2], False), ([1], True), (2, False)])
def test_moments_match_numpy(axes, keepdims):
    mean, var = nn.moments(Tensor(M), axes, keepdims=keepdims)
    ax = tuple(np.atleast_1d(axes))
    np.testing.assert_allclose(np.asarray(mean), M.mean(axis=ax, keepdims=keepdims), rtol=1e-12)
    np.testing.assert_allclose(np.asarray(var), M.var(axis=ax, keepdims=keepdims), rtol=1e-12)


def test_moments_mean_backward_matches_finite_differences():
    check_grad(lambda x: nn.moments(x, [0, 2])[0], M)


def test_moments_variance_backward_matches_finite_differences():
    check_grad(lambda x: nn.moments(x, [0, 2])[1], M)


def _three_mean_plus_var(x):
    """3 * mean + variance through a test-local op, so both outputs get gradients."""
    mean, var = nn.moments(x, [1], keepdims=True)

    def fn(m, v):
        return 3 * m + v, lambda g: (3 * g, g)
    return apply("three_mean_plus_var", fn, (mean, var))


def test_moments_both_outputs_backward_matches_finite_differences():
    check_grad(_three_mean_plus_var, M)


@pytest.mark.parametrize("order", [1, 2, 3])
def test_normalize_matches_numpy(order):
    ref = M / np.maximum(np.sum(np.abs(M) ** order, axis=-1, keepdims=True) ** (1 / order), EPS)
    np.testing.assert_allclose(np.asarray(nn.normalize(Tensor(M), order=order)), ref, rtol=1e-12)


@pytest.mark.parametrize("order", [1, 2, 3])
def test_normalize_backward_matches_finite_differences(order):
    check_grad(lambda x: nn.normalize(x, axis=1, order=order), M)


def test_normalize_of_zeros_is_zero():
    y = np.asarray(nn.normalize(Tensor(np.zeros((2, 3)))))
    assert np.all(y == 0)


def test_normalize_bad_order_raises():
    with pytest.raises(ValueError, match="order"):
        nn.normalize(Tensor(M), order=0)


# one_hot, multi_hot ---------------------------------------------------------------

def test_one_hot_matches_numpy():
    y = nn.one_hot(np.array([0, 2, 1]), 3)
    assert y.dtype == np.float32
    np.testing.assert_array_equal(np.asarray(y), np.eye(3)[[0, 2, 1]])


def test_one_hot_out_of_range_ids_give_zero_rows():
    y = np.asarray(nn.one_hot(np.array([-1, 3]), 3))
    assert np.all(y == 0)


def test_one_hot_axis_0_puts_classes_first():
    y = nn.one_hot(np.array([0, 2]), 3, axis=0)
    np.testing.assert_array_equal(np.asarray(y), np.eye(3)[[0, 2]].T)


def test_one_hot_dtype_is_honoured():
    assert nn.one_hot(np.array([1]), 2, dtype="int32").dtype == np.int32


def test_multi_hot_combines_ids_per_sample():
    y = nn.multi_hot(np.array([[0, 2], [1, 1]]), 3)
    np.testing.assert_array_equal(np.asarray(y), [[1, 0, 1], [0, 1, 0]])


def test_one_hot_is_not_recorded_on_the_tape():
    x = Tensor(np.array([0.0, 1.0]))
    with Tape() as tape:
        tape.watch(x)
        y = nn.one_hot(x, 2)
    assert tape.gradient(y, x) is None


# dtypes and argument errors -----------------------------------------------------

def test_crossentropy_keeps_float32_output_and_gradient():
    p = Tensor(np.array([[0.2, 0.8]], dtype=np.float32))
    with Tape() as tape:
        tape.watch(p)
        loss = nn.categorical_crossentropy(np.array([[0.0, 1.0]]), p)
    assert loss.dtype == np.float32 and tape.gradient(loss, p).dtype == np.float32


def test_float16_activation_returns_float16():
    assert nn.sigmoid(Tensor(np.array([0.5], dtype=np.float16))).dtype == np.float16


def test_scalar_activation_keeps_rank_0():
    assert nn.elu(Tensor(np.array(0.3))).shape == ()


def test_crossentropy_string_output_raises_type_error():
    with pytest.raises(TypeError, match="output"):
        nn.binary_crossentropy(np.zeros(2), np.array(["a", "b"]))


def test_sparse_crossentropy_label_out_of_range_raises():
    with pytest.raises(ValueError, match="labels"):
        nn.sparse_categorical_crossentropy(np.array([0, 1, 4]), Tensor(P_CAT))


def test_moments_of_integers_are_floatx():
    mean, var = nn.moments(np.arange(6).reshape(2, 3), 1)
    assert mean.dtype == np.float32 and var.dtype == np.float32
