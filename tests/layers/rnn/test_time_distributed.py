"""TimeDistributed against real Keras 3.15.1 (tests/fixtures/make_sequence_fixtures.py):
outputs, output shapes, masks, two epochs of training and the saved config."""
import json
import os

import numpy as np
import pytest

import nnlite
from nnlite.layers import BatchNormalization, Dense, TimeDistributed
from nnlite.saving import deserialize_keras_object, serialize_keras_object

HERE = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
with open(os.path.join(HERE, "fixtures", "keras3_sequence", "time_distributed.json")) as f:
    FIXTURE = json.load(f)
CASES = sorted(FIXTURE["cases"])


def _f32(v):
    return np.asarray(v, dtype="float32")


@pytest.mark.parametrize("name", CASES)
def test_output_equals_keras(name):
    case = FIXTURE["cases"][name]
    td = TimeDistributed(deserialize_keras_object(case["layer"]))
    x = _f32(case["x"])
    td.build(x.shape)
    td.set_weights([_f32(w) for w in case["weights"]])
    np.testing.assert_allclose(np.asarray(td(x)), _f32(case["output"]), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name", CASES)
def test_output_shape_equals_keras(name):
    case = FIXTURE["cases"][name]
    td = TimeDistributed(deserialize_keras_object(case["layer"]))
    shape = (None,) + _f32(case["x"]).shape[1:]
    assert list(td.compute_output_shape(shape)) == case["output_shape"]


def test_mask_passes_through_as_keras():
    case = FIXTURE["masked"]
    td = TimeDistributed(Dense(2))
    out_in = nnlite.layers.Masking()(_f32(case["x"]))
    td.build(out_in.shape)
    td.set_weights([_f32(w) for w in case["weights"]])
    out = td(out_in)
    np.testing.assert_allclose(np.asarray(out), _f32(case["output"]), rtol=1e-6, atol=1e-6)
    np.testing.assert_array_equal(np.asarray(out._keras_mask), np.asarray(case["mask"]))


def test_two_epochs_of_training_equal_keras():
    t = FIXTURE["training"]
    model = nnlite.Sequential([nnlite.Input((4, 3)), TimeDistributed(Dense(2, activation="tanh"))])
    model.set_weights([_f32(w) for w in t["weights"]])
    model.compile(optimizer=nnlite.optimizers.SGD(0.1), loss="mse")
    history = model.fit(_f32(t["x"]), _f32(t["y"]), batch_size=2, epochs=2, shuffle=False,
                        verbose=0)
    np.testing.assert_allclose(history.history["loss"], t["loss"], rtol=1e-5)
    for got, want in zip(model.get_weights(), t["trained"]):
        np.testing.assert_allclose(got, _f32(want), rtol=1e-5, atol=1e-6)


def test_keras_config_builds_and_serializes_back():
    config = FIXTURE["config"]
    td = deserialize_keras_object(config)
    assert isinstance(td, TimeDistributed) and isinstance(td.layer, Dense)
    assert td.layer.units == 2
    again = serialize_keras_object(td)
    assert again["config"]["layer"]["config"]["units"] == 2
    assert list(again["config"]) == list(config["config"])


def test_rank_two_input_is_refused():
    with pytest.raises(ValueError, match="at least 3 dimensions"):
        TimeDistributed(Dense(2))(np.zeros((4, 3), "float32"))


def test_non_layer_is_refused():
    with pytest.raises(ValueError, match="Layer"):
        TimeDistributed(lambda x: x)


def test_batch_statistics_are_per_time_step_in_training():
    # as Keras runs the wrapped layer once per step: each step's batch is normalized alone
    rng = np.random.default_rng(0)
    x = rng.normal(size=(8, 3, 2)).astype("float32") * np.array([1, 5, 20], "float32")[:, None]
    y = np.asarray(TimeDistributed(BatchNormalization())(x, training=True))
    np.testing.assert_allclose(y.mean(axis=0), 0.0, atol=1e-5)
    np.testing.assert_allclose(y.std(axis=0), 1.0, rtol=1e-2)
