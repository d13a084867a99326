"""Convolutional models against real Keras 3.15.1 (issue 11, "Numerics equal to Keras").

tests/fixtures/make_conv_fixtures.py trained each model 2 steps under Keras, saved it to
tests/fixtures/keras3_conv/<name>.keras and recorded the weights, `predict` outputs, the
loss of one more `train_on_batch` and the weights after it. Keras is not imported here.
"""
import importlib.util
import json
import os
import zipfile

import numpy as np
import pytest

import nnlite

HERE = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIXTURES = os.path.join(HERE, "fixtures", "keras3_conv")

_spec = importlib.util.spec_from_file_location(
    "make_conv_fixtures", os.path.join(HERE, "fixtures", "make_conv_fixtures.py"))
specs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(specs)

NAMES = [s["name"] for s in specs.SPECS]


def _record(name):
    return np.load(os.path.join(FIXTURES, name + ".npz"))


def _weights(rec, prefix):
    n = len([k for k in rec.files if k.startswith(prefix)])
    return [rec["%s%d" % (prefix, j)] for j in range(n)]


@pytest.mark.parametrize("name", NAMES)
def test_loaded_model_has_keras_weights(name):
    model = nnlite.saving.load_model(os.path.join(FIXTURES, name + ".keras"))
    rec = _record(name)
    got = model.get_weights()
    want = _weights(rec, "saved_w")
    assert [w.shape for w in got] == [w.shape for w in want]
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w)


@pytest.mark.parametrize("name", NAMES)
def test_loaded_model_predicts_as_keras(name):
    model = nnlite.saving.load_model(os.path.join(FIXTURES, name + ".keras"))
    rec = _record(name)
    np.testing.assert_allclose(model.predict(rec["x_pred"], verbose=0), rec["y_pred"],
                               rtol=2e-5, atol=2e-6)


# Weights whose recorded Keras update is not the gradient of Keras's own forward pass:
# the bias of a strided 'same' Conv2D in channels_first (TensorFlow CPU). Keras's loss
# and predictions equal nnlite's, but its bias step differs from central finite
# differences of that same loss while nnlite's agrees (see the test below).
KERAS_GRADIENT_DISAGREES = {"channels_first_sgd": {3}}


@pytest.mark.parametrize("name", NAMES)
def test_next_training_step_equals_keras(name):
    model = nnlite.saving.load_model(os.path.join(FIXTURES, name + ".keras"))
    rec = _record(name)
    loss = model.train_on_batch(rec["x_next"], rec["y_next"])
    np.testing.assert_allclose(float(np.ravel(loss)[0]), float(rec["next_loss"]), rtol=2e-5)
    skip = KERAS_GRADIENT_DISAGREES.get(name, ())
    for j, (g, w) in enumerate(zip(model.get_weights(), _weights(rec, "next_w"))):
        if j not in skip:
            np.testing.assert_allclose(g, w, rtol=1e-4, atol=2e-6)


def test_channels_first_bias_step_follows_finite_differences():
    name = "channels_first_sgd"
    model = nnlite.saving.load_model(os.path.join(FIXTURES, name + ".keras"))
    rec = _record(name)
    x, y = rec["x_next"], rec["y_next"].astype(np.float64)
    saved = model.get_weights()

    def loss(weights):
        model.set_weights(weights)
        return float(np.mean((model.predict(x, verbose=0).astype(np.float64) - y) ** 2))

    for j in KERAS_GRADIENT_DISAGREES[name]:
        fd = np.zeros(saved[j].shape)
        for i in range(saved[j].size):
            up, down = [w.copy() for w in saved], [w.copy() for w in saved]
            up[j].flat[i] += 1e-2
            down[j].flat[i] -= 1e-2
            fd.flat[i] = (loss(up) - loss(down)) / 2e-2
        model.set_weights(saved)
        model.train_on_batch(x, rec["y_next"])
        step = (saved[j] - model.get_weights()[j]) / 0.05
        np.testing.assert_allclose(step, fd, rtol=1e-3, atol=1e-4)


def _layers_config(text):
    return [(layer["class_name"], layer["config"])
            for layer in json.loads(text)["config"]["layers"]]


@pytest.mark.parametrize("name", NAMES)
def test_built_model_config_equals_keras(name):
    """The same architecture built with nnlite's API writes Keras's layer configs."""
    spec = specs.spec_by_name(name)
    model = spec["build"](nnlite)
    model.compile(**spec["compile"](nnlite))
    want = _layers_config(str(_record(name)["config_json"]))
    got = _layers_config(json.dumps(nnlite.saving.serialize_keras_object(model)))
    assert [c for c, _ in got] == [c for c, _ in want]
    for (cls, g), (_, w) in zip(got, want):
        g = {k: v for k, v in g.items() if k != "dtype"}
        w = {k: v for k, v in w.items() if k != "dtype"}
        assert g == w, cls


@pytest.mark.parametrize("name", NAMES)
def test_saved_file_reloads_with_same_predictions(name, tmp_path):
    model = nnlite.saving.load_model(os.path.join(FIXTURES, name + ".keras"))
    rec = _record(name)
    path = str(tmp_path / "m.keras")
    model.save(path)
    with zipfile.ZipFile(path) as z:
        assert {"config.json", "metadata.json", "model.weights.h5"} <= set(z.namelist())
    again = nnlite.saving.load_model(path)
    np.testing.assert_array_equal(again.predict(rec["x_pred"], verbose=0),
                                  model.predict(rec["x_pred"], verbose=0))
