"""nnlite.ops called on KerasTensors: each records an OpLayer node (one generic
wrapper over every public op), the model computes what NumPy does, trains
with gradients that match finite differences, and saves and loads."""
import warnings

import numpy as np
import pytest

import nnlite
from nnlite import config, ops
from nnlite.layers import Dense, Input, KerasTensor, OpLayer
from nnlite.models import Model
from nnlite.optimizers import SGD
from layer_gradcheck import model_finite_differences, sgd_step_gradient

RNG = np.random.default_rng(21)
NOT_RECORDED = {"shape", "dtype", "is_tensor", "convert_to_numpy", "convert_to_tensor"}


@pytest.fixture
def float64():
    config.set_floatx("float64")
    yield
    config.set_floatx("float32")


def _ops_model():
    """Dense -> relu -> (mean over time, sum of squares) concatenated -> Dense."""
    x = Input((4, 3))
    h = ops.relu(Dense(5, name="d1")(x))
    pooled = ops.mean(h, axis=1)
    energy = ops.expand_dims(ops.sum(ops.square(x), axis=(1, 2)), -1)
    joined = ops.concatenate([pooled, energy], axis=-1)
    flat = ops.reshape(ops.slice(h, (0, 1, 0), (-1, 2, -1)), (-1, 10))
    out = Dense(1, name="d2")(ops.concatenate([joined, flat], axis=1))
    return Model(x, out)


def _numpy_forward(model, x):
    w1, b1 = model.get_layer("d1").get_weights()
    w2, b2 = model.get_layer("d2").get_weights()
    h = np.maximum(x @ w1 + b1, 0.0)
    pooled = h.mean(axis=1)
    energy = (x ** 2).sum(axis=(1, 2))[:, None]
    flat = h[:, 1:3, :].reshape(-1, 10)
    return np.concatenate([pooled, energy, flat], axis=1) @ w2 + b2


def test_every_public_op_records_on_keras_tensors():
    missing = [n for n in ops.__all__ if n not in NOT_RECORDED and callable(getattr(ops, n))
               and getattr(getattr(ops, n), "recorded_op_name", None) != n]
    assert missing == []


def test_op_on_keras_tensor_returns_keras_tensor_with_shape():
    y = ops.mean(Input((5, 3)), axis=1)
    assert isinstance(y, KerasTensor)
    assert y.shape == (None, 3)


def test_op_node_is_an_op_layer_named_for_the_op():
    y = ops.relu(Input((2,)))
    layer = y._keras_history.operation
    assert isinstance(layer, OpLayer)
    assert layer.op == "relu" and layer.name.startswith("relu")


def test_op_output_dtype_comes_from_the_op():
    assert ops.argmax(Input((4,)), axis=-1).dtype == "int32"


def test_list_argument_of_keras_tensors_records():
    y = ops.concatenate([Input((2,)), Input((3,))], axis=-1)
    assert y.shape == (None, 5)


def test_keyword_tensor_arguments_are_bound_positionally():
    y = ops.add(x1=Input((2,)), x2=1.0)
    assert y.shape == (None, 2)


def test_scalar_first_operand_with_keras_tensor():
    x = Input((2,))
    model = Model(x, ops.subtract(1.0, x))
    np.testing.assert_allclose(model.predict(np.array([[0.25, 3.0]]), verbose=0),
                               [[0.75, -2.0]])


def test_nested_namespace_op_records():
    y = ops.image.resize(Input((4, 4, 1)), (8, 8))
    assert y.shape == (None, 8, 8, 1)


def test_shape_of_a_keras_tensor_is_its_static_shape():
    assert ops.shape(Input((3, 2))) == (None, 3, 2)


def test_ops_on_arrays_still_compute():
    np.testing.assert_allclose(np.asarray(ops.mean(np.array([[1.0, 3.0]]), axis=1)), [2.0])


def test_op_layer_refuses_an_unknown_op():
    with pytest.raises(ValueError, match="Unknown op"):
        OpLayer("not_an_op")


def test_functional_ops_model_matches_numpy(float64):
    model = _ops_model()
    x = RNG.normal(size=(6, 4, 3))
    np.testing.assert_allclose(model.predict(x, verbose=0), _numpy_forward(model, x),
                               rtol=1e-10, atol=1e-12)


def test_functional_ops_model_gradients_match_finite_differences(float64):
    model = _ops_model()
    model.compile(optimizer=SGD(learning_rate=1.0), loss="mse")
    x = RNG.normal(size=(5, 4, 3))
    y = RNG.normal(size=(5, 1))
    analytic = sgd_step_gradient(model, x, y)
    numeric = model_finite_differences(model, x, y)
    for a, b in zip(analytic, numeric):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-8)


def test_functional_ops_model_fit_lowers_the_loss():
    model = _ops_model()
    model.compile(optimizer=SGD(learning_rate=0.001), loss="mse")
    x = RNG.normal(size=(64, 4, 3)).astype("float32")
    y = 0.5 * (x ** 2).sum(axis=(1, 2))[:, None]
    history = model.fit(x, y, epochs=20, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]


def test_functional_ops_model_config_round_trip_matches():
    model = _ops_model()
    clone = Model.from_config(model.get_config())
    clone.set_weights(model.get_weights())
    x = RNG.normal(size=(3, 4, 3)).astype("float32")
    np.testing.assert_allclose(clone.predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-6)


def test_op_layer_config_names_the_op_and_node_keeps_its_arguments():
    x = Input((5, 3))
    model = Model(x, ops.mean(x, axis=1))
    entry = [e for e in model.get_config()["layers"] if e["class_name"] == "OpLayer"][0]
    assert entry["config"]["op"] == "mean"
    assert entry["inbound_nodes"][0]["kwargs"] == {"axis": 1}


def test_functional_ops_model_saves_and_loads(tmp_path):
    model = _ops_model()
    model.compile(optimizer="adam", loss="mse")
    x = RNG.normal(size=(8, 4, 3)).astype("float32")
    model.fit(x, RNG.normal(size=(8, 1)), epochs=1, verbose=0)
    path = str(tmp_path / "ops.keras")
    model.save(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        loaded = nnlite.saving.load_model(path)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-6)


def test_op_on_a_masked_tensor_drops_the_mask_without_warning():
    inp = Input((5,), dtype="int32")
    emb = nnlite.layers.Embedding(10, 4, mask_zero=True)(inp)
    model = Model(inp, ops.mean(emb, axis=1))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = model.predict(np.array([[1, 2, 0, 0, 0]], dtype="int32"), verbose=0)
    assert out.shape == (1, 4)
