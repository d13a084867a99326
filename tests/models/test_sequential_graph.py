"""A Sequential with a known input is a graph of layer calls, as in Keras 3:
`layer.input`/`layer.output`, `model.input`/`model.output`, and feature
extractors built from them."""
import numpy as np
import pytest

import nnlite as keras
from nnlite import layers


def _stack():
    model = keras.Sequential([keras.Input((4,)), layers.Dense(5, activation="relu"),
                              layers.Dense(3, activation="tanh"), layers.Dense(2)])
    return model


def _numpy_features(model, x):
    out, h = [], x.astype(np.float64)
    for layer, act in zip(model.layers, (lambda v: np.maximum(v, 0), np.tanh, lambda v: v)):
        w, b = layer.get_weights()
        h = act(h @ w + b)
        out.append(h)
    return out


def test_a_feature_extractor_returns_every_layer_output():
    model = _stack()
    extractor = keras.Model(inputs=model.inputs,
                            outputs=[layer.output for layer in model.layers])
    x = np.random.default_rng(0).normal(size=(6, 4)).astype(np.float32)
    for got, want in zip(extractor.predict(x, verbose=0), _numpy_features(model, x)):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_a_model_from_input_to_one_layer_output_gives_its_feature_map():
    model = keras.Sequential([keras.Input((6, 6, 1)), layers.Conv2D(2, 3, activation="relu"),
                              layers.Flatten(), layers.Dense(3)])
    first = keras.Model(model.input, model.layers[0].output)
    x = np.random.default_rng(1).normal(size=(2, 6, 6, 1)).astype(np.float32)
    kernel, bias = model.layers[0].get_weights()
    patches = np.lib.stride_tricks.sliding_window_view(x[..., 0], (3, 3), axis=(1, 2))
    want = np.maximum(np.einsum("nijkl,klc->nijc", patches, kernel[:, :, 0, :]) + bias, 0)
    np.testing.assert_allclose(first.predict(x, verbose=0), want, rtol=1e-5, atol=1e-6)


def test_model_output_is_the_last_layer_output():
    model = _stack()
    assert model.output is model.layers[-1].output
    assert tuple(model.output.shape) == (None, 2)
    assert model.input is model.inputs[0]


def test_a_layer_never_called_has_no_output():
    model = keras.Sequential([layers.Dense(3)])
    with pytest.raises(AttributeError, match="never been called"):
        model.layers[0].output


def test_building_without_an_input_connects_the_layers_too():
    model = keras.Sequential([layers.Dense(3), layers.Dense(1)])
    model.build((None, 4))
    assert tuple(model.layers[0].output.shape) == (None, 3)
    assert tuple(model.layers[1].input.shape) == (None, 3)
