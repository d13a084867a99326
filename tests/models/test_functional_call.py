"""Functional models run: outputs against NumPy forward passes computed from
get_weights(), input structures (single, list, dict), output structures."""
import numpy as np
import pytest

import nnlite
from nnlite import layers
from nnlite.backend.naming import clear_session
from nnlite.layers import Dense, Input
from nnlite.models import Model

RNG = np.random.default_rng(3)


@pytest.fixture(autouse=True)
def fresh_names():
    clear_session()


def relu(z):
    return np.maximum(z, 0)


def two_branch_model():
    x = Input((4,), name="x", dtype="float64")
    h = Dense(8, activation="relu", name="h", dtype="float64")(x)
    a = Dense(3, name="a", dtype="float64")(h)
    b = Dense(3, activation="tanh", name="b", dtype="float64")(x)
    return Model(x, layers.add([a, b], name="sum", dtype="float64"))


def test_two_branch_output_matches_numpy():
    model = two_branch_model()
    kh, bh, ka, ba, kb, bb = model.get_weights()
    x = RNG.normal(size=(5, 4))
    expected = relu(x @ kh + bh) @ ka + ba + np.tanh(x @ kb + bb)
    np.testing.assert_allclose(np.asarray(model(x)), expected, rtol=1e-12)
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=1e-12)


def test_call_returns_a_tensor_and_accepts_a_list_of_one():
    model = two_branch_model()
    x = RNG.normal(size=(2, 4))
    out = model(x)
    assert nnlite.ops.is_tensor(out)
    np.testing.assert_array_equal(np.asarray(model([x])), np.asarray(out))


def multi_input_model():
    a = Input((3,), name="a", dtype="float64")
    b = Input((2,), name="b", dtype="float64")
    out = Dense(1, name="out", dtype="float64")(layers.concatenate([a, b], dtype="float64"))
    return Model([a, b], out)


def test_multi_input_list_and_dict_by_name():
    model = multi_input_model()
    k, bias = model.get_weights()
    xa, xb = RNG.normal(size=(4, 3)), RNG.normal(size=(4, 2))
    expected = np.concatenate([xa, xb], axis=1) @ k + bias
    np.testing.assert_allclose(np.asarray(model([xa, xb])), expected, rtol=1e-12)
    np.testing.assert_allclose(np.asarray(model({"a": xa, "b": xb})), expected, rtol=1e-12)


def test_wrong_number_of_inputs_raises():
    model = multi_input_model()
    with pytest.raises(ValueError, match="expects 2 input"):
        model([np.ones((1, 3))] * 3)


def test_missing_dict_key_raises():
    model = multi_input_model()
    with pytest.raises(ValueError, match="b"):
        model({"a": np.ones((1, 3))})


def test_incompatible_input_shape_raises():
    model = two_branch_model()
    with pytest.raises(ValueError, match=r"expected shape=\(None, 4\), found shape=\(2, 5\)"):
        model(np.ones((2, 5)))


def test_dict_inputs_and_dict_outputs():
    a = Input((2,), name="a", dtype="float64")
    b = Input((2,), name="b", dtype="float64")
    model = Model({"a": a, "b": b},
                  {"sum": layers.add([a, b], dtype="float64"),
                   "prod": layers.multiply([a, b], dtype="float64")})
    xa, xb = RNG.normal(size=(3, 2)), RNG.normal(size=(3, 2))
    out = model({"a": xa, "b": xb})
    assert sorted(out) == ["prod", "sum"]
    np.testing.assert_allclose(np.asarray(out["sum"]), xa + xb)
    np.testing.assert_allclose(np.asarray(out["prod"]), xa * xb)
    assert model.output_names == ["prod", "sum"]


def test_list_outputs_give_a_list():
    x = Input((3,), dtype="float64")
    model = Model(x, [Dense(1, dtype="float64")(x), Dense(2, dtype="float64")(x)])
    out = model(RNG.normal(size=(4, 3)))
    assert isinstance(out, list) and [o.shape for o in out] == [(4, 1), (4, 2)]


def test_shared_layer_forward_uses_same_weights_twice():
    a = Input((3,), dtype="float64")
    b = Input((3,), dtype="float64")
    shared = Dense(2, dtype="float64")
    model = Model([a, b], layers.subtract([shared(a), shared(b)], dtype="float64"))
    k, bias = model.get_weights()
    xa, xb = RNG.normal(size=(2, 3)), RNG.normal(size=(2, 3))
    np.testing.assert_allclose(np.asarray(model([xa, xb])), (xa - xb) @ k, rtol=1e-12)


def test_training_flag_reaches_dropout():
    x = Input((50,))
    model = Model(x, layers.Dropout(0.5)(x))
    data = np.ones((4, 50), "float32")
    np.testing.assert_array_equal(np.asarray(model(data)), data)
    np.testing.assert_array_equal(np.asarray(model(data, training=False)), data)
    trained = np.asarray(model(data, training=True))
    assert set(np.unique(trained)) <= {0.0, 2.0} and (trained == 0).any()


def test_call_kwarg_training_recorded_in_the_node_is_kept():
    x = Input((50,))
    model = Model(x, layers.Dropout(0.5)(x, training=True))
    out = np.asarray(model(np.ones((2, 50), "float32")))
    assert (out == 0).any()


def test_int_input_is_cast_to_its_dtype():
    x = Input((3,), dtype="int32")
    model = Model(x, x * 2)
    out = model(np.array([[1, 2, 3]]))
    assert out.dtype == np.int32
    np.testing.assert_array_equal(np.asarray(out), [[2, 4, 6]])


def test_input_with_trailing_axis_of_one_is_adapted():
    x = Input((3, 1), dtype="float64")
    model = Model(x, layers.Flatten()(x))
    assert model(np.ones((2, 3))).shape == (2, 3)
