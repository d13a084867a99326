"""Elementwise ops of nnlite.ops against NumPy float64, backward against finite differences."""
import numpy as np
import pytest

from nnlite import ops
from nnlite.backend.tape import Tape
from nnlite.backend.tensor import Tensor
from nnlite.backend.variable import Variable
from op_gradcheck import check_grad

RNG = np.random.default_rng(0)
X = RNG.uniform(-2, 2, (3, 4))
POS = RNG.uniform(0.5, 2, (3, 4))
UNIT = RNG.uniform(-0.9, 0.9, (3, 4))
BIG = RNG.uniform(1.5, 3, (3, 4))

# name, nnlite op, NumPy reference, input
UNARY = [
    ("negative", ops.negative, np.negative, X),
    ("abs", ops.abs, np.abs, X),
    ("absolute", ops.absolute, np.abs, X),
    ("square", ops.square, np.square, X),
    ("sqrt", ops.sqrt, np.sqrt, POS),
    ("exp", ops.exp, np.exp, X),
    ("log", ops.log, np.log, POS),
    ("log1p", ops.log1p, np.log1p, POS),
    ("expm1", ops.expm1, np.expm1, X),
    ("log2", ops.log2, np.log2, POS),
    ("log10", ops.log10, np.log10, POS),
    ("reciprocal", ops.reciprocal, np.reciprocal, POS),
    ("sin", ops.sin, np.sin, X),
    ("cos", ops.cos, np.cos, X),
    ("tan", ops.tan, np.tan, UNIT),
    ("arcsin", ops.arcsin, np.arcsin, UNIT),
    ("arccos", ops.arccos, np.arccos, UNIT),
    ("arctan", ops.arctan, np.arctan, X),
    ("sinh", ops.sinh, np.sinh, X),
    ("cosh", ops.cosh, np.cosh, X),
    ("tanh", ops.tanh, np.tanh, X),
    ("arcsinh", ops.arcsinh, np.arcsinh, X),
    ("arccosh", ops.arccosh, np.arccosh, BIG),
    ("arctanh", ops.arctanh, np.arctanh, UNIT),
]
ZERO_GRAD = [
    ("sign", ops.sign, np.sign, X),
    ("floor", ops.floor, np.floor, X),
    ("ceil", ops.ceil, np.ceil, X),
    ("round", ops.round, np.round, X),
]
Y = RNG.uniform(-2, 2, (3, 4))
BINARY = [
    ("add", ops.add, np.add, X, Y),
    ("subtract", ops.subtract, np.subtract, X, Y),
    ("multiply", ops.multiply, np.multiply, X, Y),
    ("divide", ops.divide, np.divide, X, POS),
    ("true_divide", ops.true_divide, np.true_divide, X, POS),
    ("mod", ops.mod, np.mod, Y * 3, POS),
    ("power", ops.power, np.power, POS, Y),
    ("maximum", ops.maximum, np.maximum, X, Y),
    ("minimum", ops.minimum, np.minimum, X, Y),
    ("arctan2", ops.arctan2, np.arctan2, X, Y),
]
COMPARE = [
    (ops.equal, np.equal), (ops.not_equal, np.not_equal), (ops.less, np.less),
    (ops.less_equal, np.less_equal), (ops.greater, np.greater),
    (ops.greater_equal, np.greater_equal), (ops.logical_and, np.logical_and),
    (ops.logical_or, np.logical_or), (ops.logical_xor, np.logical_xor),
]


@pytest.mark.parametrize("name,op,ref,x", UNARY + ZERO_GRAD, ids=lambda v: v if isinstance(v, str) else "")
def test_unary_forward_matches_numpy(name, op, ref, x):
    out = op(x.astype(np.float32))
    assert isinstance(out, Tensor) and out.dtype == np.float32
    np.testing.assert_allclose(out, ref(x.astype(np.float32).astype(np.float64)), rtol=2e-6, atol=1e-6)


@pytest.mark.parametrize("name,op,ref,x", UNARY, ids=lambda v: v if isinstance(v, str) else "")
def test_unary_backward_matches_finite_differences(name, op, ref, x):
    check_grad(op, x)


@pytest.mark.parametrize("name,op,ref,x", ZERO_GRAD, ids=lambda v: v if isinstance(v, str) else "")
def test_piecewise_constant_ops_have_zero_gradient(name, op, ref, x):
    check_grad(op, x)


@pytest.mark.parametrize("name,op,ref,a,b", BINARY, ids=lambda v: v if isinstance(v, str) else "")
def test_binary_forward_matches_numpy(name, op, ref, a, b):
    np.testing.assert_allclose(op(a, b), ref(a, b), rtol=1e-12)


@pytest.mark.parametrize("name,op,ref,a,b", BINARY, ids=lambda v: v if isinstance(v, str) else "")
def test_binary_backward_matches_finite_differences(name, op, ref, a, b):
    check_grad(op, a, b)


@pytest.mark.parametrize("name,op,ref,a,b", BINARY, ids=lambda v: v if isinstance(v, str) else "")
def test_binary_backward_through_broadcasting(name, op, ref, a, b):
    check_grad(op, a[:, :1], b[:1, :])          # (3, 1) with (1, 4)
    check_grad(op, a[:2, :3], b[0, :3])         # (2, 3) with (3,)


@pytest.mark.parametrize("op,ref", COMPARE)
def test_comparisons_give_booleans_like_numpy(op, ref):
    a, b = np.array([[0., 1., 2.]]), np.array([[2.], [1.], [0.]])
    out = op(a, b)
    assert out.dtype == bool
    np.testing.assert_array_equal(out, ref(a, b))


@pytest.mark.parametrize("op,ref", [(ops.logical_not, np.logical_not), (ops.isnan, np.isnan),
                                    (ops.isinf, np.isinf), (ops.isfinite, np.isfinite)])
def test_unary_predicates_match_numpy(op, ref):
    x = np.array([0., 1., np.nan, np.inf, -np.inf])
    np.testing.assert_array_equal(op(x), ref(x))


def test_floor_divide_matches_numpy():
    np.testing.assert_array_equal(ops.floor_divide(X * 3, POS), np.floor_divide(X * 3, POS))


def test_broadcasting_column_and_row():
    a, b = np.arange(3.)[:, None], np.arange(4.)[None, :]
    np.testing.assert_array_equal(ops.add(a, b), a + b)
    assert ops.multiply(np.ones((2, 3)), np.arange(3.)).shape == (2, 3)


def test_incompatible_shapes_raise_naming_the_op_and_shapes():
    with pytest.raises(ValueError, match=r"add.*\(2, 3\).*\(4,\)"):
        ops.add(np.ones((2, 3)), np.ones(4))


def test_python_scalar_keeps_float32():
    x = Tensor(np.ones(3, np.float32))
    assert (x * 2).dtype == np.float32
    assert (2.5 + x).dtype == np.float32
    assert ops.power(x, 2).dtype == np.float32


def test_int_tensor_with_python_float_gives_floatx():
    assert (Tensor(np.arange(3, dtype=np.int32)) * 0.5).dtype == np.float32
    assert (Tensor(np.arange(3, dtype=np.int32)) + 1).dtype == np.int32


def test_int_and_float_tensors_promote_to_the_float_dtype():
    out = ops.add(np.arange(3, dtype=np.int32), np.ones(3, np.float32))
    assert out.dtype == np.float32


def test_divide_of_integers_gives_floatx():
    out = ops.divide(np.array([1, 2], np.int32), np.array([2, 4], np.int32))
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, [0.5, 0.5])


def test_fan_out_accumulates_gradient():
    x = Tensor(X)
    with Tape() as tape:
        tape.watch(x)
        y = x * x
    np.testing.assert_allclose(tape.gradient(y, x), 2 * X)


def test_variable_operand_gets_gradient():
    v = Variable(np.array([1., 2., 3.]))
    with Tape() as tape:
        y = ops.sum(ops.square(v - 1.0))
    np.testing.assert_allclose(tape.gradient(y, v), 2 * (np.array([1., 2., 3.]) - 1))


def test_python_operators_match_numpy():
    a, b = Tensor(X), Tensor(POS)
    np.testing.assert_allclose(-a + a * b - a / b, -X + X * POS - X / POS)
    np.testing.assert_allclose(a ** 2, X ** 2)
    np.testing.assert_allclose(abs(a), np.abs(X))
    np.testing.assert_array_equal(a < b, X < POS)
    np.testing.assert_array_equal(a == a, np.ones_like(X, bool))


def test_integer_inputs_have_no_gradient():
    x = Tensor(np.arange(3, dtype=np.int32))
    with Tape() as tape:
        tape.watch(x)
        y = x * 2
    assert tape.gradient(y, x) is None


def test_clip_forward_and_gradient():
    np.testing.assert_allclose(ops.clip(X, -0.5, 1.0), np.clip(X, -0.5, 1.0))
    check_grad(lambda x: ops.clip(x, -0.5, 1.0), X)


def test_where_selects_and_routes_gradient():
    cond = X > 0
    np.testing.assert_allclose(ops.where(cond, X, Y), np.where(cond, X, Y))
    check_grad(lambda a, b: ops.where(cond, a, b), X, Y[0])


def test_where_with_condition_only_gives_nonzero_indices():
    out = ops.where(np.array([[0, 1], [1, 0]]))
    np.testing.assert_array_equal(out[0], [0, 1])
    np.testing.assert_array_equal(out[1], [1, 0])


def test_power_gradient_for_exponent_at_zero_base_is_zero():
    grads = None
    x, p = Tensor(np.array([0.0, 2.0])), Tensor(np.array([2.0, 2.0]))
    with Tape() as tape:
        tape.watch([x, p])
        y = ops.power(x, p)
    grads = tape.gradient(y, [x, p])
    np.testing.assert_allclose(grads[0], [0.0, 4.0])
    np.testing.assert_allclose(grads[1], [0.0, 4.0 * np.log(2.0)])


def test_round_with_decimals():
    np.testing.assert_allclose(ops.round(np.array([1.234, 5.678]), decimals=1), [1.2, 5.7])
