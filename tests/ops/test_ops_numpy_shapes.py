"""Shape and indexing ops of nnlite.ops against NumPy, backward against finite differences."""
import numpy as np
import pytest

from nnlite import ops
from nnlite.backend.tensor import Tensor
from op_gradcheck import check_grad

RNG = np.random.default_rng(2)
X = RNG.standard_normal((2, 3, 4))
IDX = np.array([[0, 2], [2, 2]])

# name, nnlite op on x, NumPy reference on x
UNARY = [
    ("reshape", lambda x: ops.reshape(x, (4, -1)), lambda x: np.reshape(x, (4, -1))),
    ("ravel", ops.ravel, np.ravel),
    ("transpose", ops.transpose, np.transpose),
    ("transpose_axes", lambda x: ops.transpose(x, (1, 2, 0)), lambda x: np.transpose(x, (1, 2, 0))),
    ("expand_dims", lambda x: ops.expand_dims(x, 1), lambda x: np.expand_dims(x, 1)),
    ("expand_dims_tuple", lambda x: ops.expand_dims(x, (0, -1)), lambda x: np.expand_dims(x, (0, -1))),
    ("squeeze", lambda x: ops.squeeze(x[:, :1]), lambda x: np.squeeze(x[:, :1])),
    ("squeeze_axis", lambda x: ops.squeeze(x[:1, :1], axis=1), lambda x: np.squeeze(x[:1, :1], 1)),
    ("tile", lambda x: ops.tile(x, (2, 1, 3)), lambda x: np.tile(x, (2, 1, 3))),
    ("tile_short", lambda x: ops.tile(x, 2), lambda x: np.tile(x, 2)),
    ("repeat", lambda x: ops.repeat(x, 2), lambda x: np.repeat(x, 2)),
    ("repeat_axis", lambda x: ops.repeat(x, [1, 0, 3], axis=1), lambda x: np.repeat(x, [1, 0, 3], axis=1)),
    ("take", lambda x: ops.take(x, IDX), lambda x: np.take(x, IDX)),
    ("take_axis", lambda x: ops.take(x, IDX, axis=2), lambda x: np.take(x, IDX, axis=2)),
    ("take_negative", lambda x: ops.take(x, [-1, 0, -1], axis=1), lambda x: np.take(x, [-1, 0, -1], axis=1)),
    ("take_along_axis", lambda x: ops.take_along_axis(x, np.argsort(X, axis=2)[..., :2], axis=2),
     lambda x: np.take_along_axis(x, np.argsort(X, axis=2)[..., :2], axis=2)),
    ("take_along_axis_broadcast", lambda x: ops.take_along_axis(x, np.array([[[0], [3], [3]]]), 2),
     lambda x: np.take_along_axis(x, np.array([[[0], [3], [3]]]), 2)),
    ("take_along_axis_none", lambda x: ops.take_along_axis(x, np.array([5, 5, 0]), None),
     lambda x: np.take_along_axis(x, np.array([5, 5, 0]), None)),
    ("pad_constant", lambda x: ops.pad(x, ((0, 1), (2, 0), (1, 1))),
     lambda x: np.pad(x, ((0, 1), (2, 0), (1, 1)))),
    ("pad_value", lambda x: ops.pad(x, 1, constant_values=3.0), lambda x: np.pad(x, 1, constant_values=3.0)),
    ("pad_reflect", lambda x: ops.pad(x, ((1, 1), (2, 1), (0, 3)), mode="reflect"),
     lambda x: np.pad(x, ((1, 1), (2, 1), (0, 3)), mode="reflect")),
    ("pad_symmetric", lambda x: ops.pad(x, ((1, 1), (2, 1), (0, 3)), mode="symmetric"),
     lambda x: np.pad(x, ((1, 1), (2, 1), (0, 3)), mode="symmetric")),
    ("pad_edge", lambda x: ops.pad(x, 2, mode="edge"), lambda x: np.pad(x, 2, mode="edge")),
    ("pad_wrap", lambda x: ops.pad(x, 2, mode="wrap"), lambda x: np.pad(x, 2, mode="wrap")),
    ("flip", ops.flip, np.flip),
    ("flip_axis", lambda x: ops.flip(x, (0, 2)), lambda x: np.flip(x, (0, 2))),
    ("moveaxis", lambda x: ops.moveaxis(x, 0, -1), lambda x: np.moveaxis(x, 0, -1)),
    ("moveaxis_many", lambda x: ops.moveaxis(x, [0, 1], [2, 0]), lambda x: np.moveaxis(x, [0, 1], [2, 0])),
    ("swapaxes", lambda x: ops.swapaxes(x, 0, 2), lambda x: np.swapaxes(x, 0, 2)),
    ("broadcast_to", lambda x: ops.broadcast_to(x[:, :1], (5, 2, 3, 4)),
     lambda x: np.broadcast_to(x[:, :1], (5, 2, 3, 4))),
    ("copy", ops.copy, np.copy),
    ("split_first", lambda x: ops.split(x, 3, axis=1)[0], lambda x: np.split(x, 3, axis=1)[0]),
    ("split_indices", lambda x: ops.split(x, [1, 3], axis=-1)[1], lambda x: np.split(x, [1, 3], axis=-1)[1]),
]

KEYS = [
    ("int", 1), ("slice", (slice(None), slice(1, 3))), ("step", (Ellipsis, slice(None, None, -2))),
    ("newaxis", (None, 0, Ellipsis)), ("list", [1, 1, 0]), ("array_pair", (np.array([0, 1, 1]), np.array([2, 0, 2]))),
    ("mixed", (slice(None), [0, 0, 2], 1)), ("bool", X[..., 0] > 0), ("tensor", (Tensor(np.array([1, 0])),)),
]


@pytest.mark.parametrize("name,op,ref", UNARY, ids=lambda v: v if isinstance(v, str) else "")
def test_shape_op_forward_matches_numpy(name, op, ref):
    np.testing.assert_array_equal(op(X), ref(X))


@pytest.mark.parametrize("name,op,ref", UNARY, ids=lambda v: v if isinstance(v, str) else "")
def test_shape_op_backward_matches_finite_differences(name, op, ref):
    check_grad(op, X)


@pytest.mark.parametrize("name,key", KEYS, ids=lambda v: v if isinstance(v, str) else "")
def test_get_item_matches_numpy_forward_and_backward(name, key):
    raw = tuple(np.asarray(k) if isinstance(k, Tensor) else k for k in key) \
        if isinstance(key, tuple) else key
    np.testing.assert_array_equal(Tensor(X)[key], X[raw])
    check_grad(lambda x: x[key], X)


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_concatenate_forward_and_backward(axis):
    a, b = X, X[:, :, :2] if axis == -1 else X * 2
    if axis == 1:
        b = X[:, :1]
    np.testing.assert_array_equal(ops.concatenate([a, b], axis=axis), np.concatenate([a, b], axis=axis))
    check_grad(lambda p, q: ops.concatenate([p, q, p], axis=axis), a, b)


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_stack_forward_and_backward(axis):
    np.testing.assert_array_equal(ops.stack([X, X * 2], axis=axis), np.stack([X, X * 2], axis=axis))
    check_grad(lambda p, q: ops.stack([p, q], axis=axis), X, X[::-1])


def test_split_gives_a_list_and_all_parts_get_gradient():
    parts = ops.split(X, 2, axis=2)
    assert isinstance(parts, list) and [p.shape for p in parts] == [(2, 3, 2)] * 2
    check_grad(lambda x: ops.multiply(ops.split(x, 2, axis=2)[0], ops.split(x, 2, axis=2)[1]), X)


def test_concatenate_mismatched_shapes_raise_with_shapes():
    with pytest.raises(ValueError, match=r"concatenate.*\(2, 3\).*\(2, 4\)"):
        ops.concatenate([np.ones((2, 3)), np.ones((2, 4))], axis=0)


def test_stack_mismatched_shapes_raise():
    with pytest.raises(ValueError, match="same shape"):
        ops.stack([np.ones(2), np.ones(3)])


def test_reshape_bad_size_raises_with_shapes():
    with pytest.raises(ValueError, match=r"reshape.*\(2, 3, 4\).*\(5, -1\)"):
        ops.reshape(X, (5, -1))


def test_squeeze_non_unit_axis_raises():
    with pytest.raises(ValueError, match="cannot squeeze axis 1 of size 3"):
        ops.squeeze(X, axis=1)


def test_split_uneven_raises():
    with pytest.raises(ValueError, match="cannot be split into 2"):
        ops.split(X, 2, axis=1)


def test_transpose_bad_axes_raise():
    with pytest.raises(ValueError, match="permutation"):
        ops.transpose(X, (0, 0, 1))


def test_expand_dims_bad_axis_raises():
    with pytest.raises(ValueError, match="expand_dims: axis 4 is out of bounds"):
        ops.expand_dims(X, 4)


def test_take_out_of_range_raises():
    with pytest.raises(IndexError, match="take"):
        ops.take(X, [4], axis=2)


def test_broadcast_to_bad_shape_raises():
    with pytest.raises(ValueError, match=r"broadcast_to.*\(2, 3, 4\).*\(3, 3\)"):
        ops.broadcast_to(X, (3, 3))


def test_pad_constant_values_need_constant_mode():
    with pytest.raises(ValueError, match="constant_values"):
        ops.pad(X, 1, mode="reflect", constant_values=1.0)


@pytest.mark.parametrize("op,fill", [(ops.zeros_like, 0), (ops.ones_like, 1),
                                     (lambda x: ops.full_like(x, 7), 7)])
def test_like_ops_keep_shape_and_dtype(op, fill):
    x = X.astype(np.float32)
    out = op(x)
    assert out.shape == x.shape and out.dtype == np.float32
    np.testing.assert_array_equal(out, np.full(x.shape, fill))


def test_integer_take_has_no_gradient_but_works():
    x = np.arange(6, dtype=np.int32)
    np.testing.assert_array_equal(ops.take(x, [5, 0]), [5, 0])
