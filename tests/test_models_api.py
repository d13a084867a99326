"""Model API: count_params, get_config/from_config, metrics_names,
save_weights/load_weights, inputs/outputs, get_layer.

Keras 3.15.1 facts used (observed in /work/kerasenv, November 2026):
metrics_names is [] before compile, ['loss'] with no metrics, and
['loss', 'compile_metrics'] with metrics (before and after training);
Sequential.get_config() has keys name, trainable, dtype, layers and
build_input_shape, its first layer is an InputLayer with batch_shape, and
count_params() of an unbuilt model raises ValueError.
"""
import numpy as np
import pytest

import nnlite

from nnlite.layers import Dense, Input
from nnlite.models import Sequential


def built_model():
    return Sequential([Input(shape=(3,)), Dense(4, activation="relu"), Dense(2)])


def test_count_params_counts_kernels_and_biases():
    assert built_model().count_params() == (3 * 4 + 4) + (4 * 2 + 2)


def test_count_params_of_unbuilt_model_raises():
    with pytest.raises(ValueError, match="isn't built"):
        Sequential([Dense(2)]).count_params()


def test_config_is_keras_shaped():
    config = built_model().get_config()
    assert set(config) == {"name", "trainable", "dtype", "layers", "build_input_shape"}
    first = config["layers"][0]
    assert first["class_name"] == "InputLayer"
    assert tuple(first["config"]["batch_shape"]) == (None, 3)
    assert config["dtype"]["class_name"] == "DTypePolicy"
    assert tuple(config["build_input_shape"]) == (None, 3)
    assert [l["class_name"] for l in config["layers"]] == ["InputLayer", "Dense", "Dense"]


def test_from_config_round_trip_gives_the_same_architecture():
    model = built_model()
    clone = Sequential.from_config(model.get_config())
    assert clone.built and clone.input_shape == (None, 3)
    assert [type(l).__name__ for l in clone.layers] == ["Dense", "Dense"]
    assert [w.shape for w in clone.get_weights()] == [w.shape for w in model.get_weights()]
    assert clone.layers[0].get_config()["activation"] == "relu"
    assert clone.count_params() == model.count_params()


def test_metrics_names_follow_keras_3():
    model = built_model()
    assert model.metrics_names == []
    model.compile(optimizer="sgd", loss="mse")
    assert model.metrics_names == ["loss"]
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    assert model.metrics_names == ["loss", "compile_metrics"]
    x = np.ones((4, 3), np.float32)
    model.fit(x, np.ones((4, 2), np.float32), verbose=0)
    assert model.metrics_names == ["loss", "compile_metrics"]


def test_compiled_attributes():
    model = built_model()
    assert model.history is None
    model.compile(optimizer="adam", loss="mse")
    assert model.loss == "mse"
    assert type(model.optimizer).__name__ == "Adam"
    history = model.fit(np.ones((4, 3), np.float32), np.ones((4, 2), np.float32), verbose=0)
    assert model.history is history


def test_inputs_and_outputs_shapes():
    model = built_model()
    assert model.inputs[0].shape == (None, 3)
    assert model.outputs[0].shape == (None, 2)


def test_save_and_load_weights_round_trip(tmp_path):
    model = built_model()
    path = tmp_path / "m.weights.npz"
    model.save_weights(path)
    other = built_model()
    other.load_weights(path)
    for a, b in zip(model.get_weights(), other.get_weights()):
        np.testing.assert_array_equal(a, b)
    with np.load(path, allow_pickle=False) as f:     # plain arrays, no pickle
        assert len(f.files) == 4


def test_other_suffix_is_rejected(tmp_path):
    with pytest.raises(ValueError, match=r"must end in `\.weights\.h5`"):
        built_model().save_weights(tmp_path / "m.npz")


def test_get_layer_by_name_and_index():
    model = built_model()
    assert model.get_layer(index=1) is model.layers[1]
    assert model.get_layer(name=model.layers[0].name) is model.layers[0]
    with pytest.raises(ValueError, match="No such layer"):
        model.get_layer(name="nope")


def test_subclass_of_sequential_is_still_a_model():
    class MySequential(nnlite.Sequential):
        pass

    model = MySequential([nnlite.layers.Input((2,)), nnlite.layers.Dense(1)])
    assert model.count_params() == 3
