"""Pooling layers against real Keras 3.15.1 (issue 11).

tests/fixtures/make_pooling_fixtures.py ran each case of its `CASES` under Keras and
recorded the input, the output, the gradient of `sum(y * r)` and `get_config()`, and
saved a trained Sequential of these layers to model.keras. Keras is not imported here.
"""
import importlib.util
import json
import os

import numpy as np
import pytest

import nnlite
from layer_gradcheck import call_with_grad

TESTS = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIXTURES = os.path.join(TESTS, "fixtures", "keras3_pooling")

_spec = importlib.util.spec_from_file_location(
    "make_pooling_fixtures", os.path.join(TESTS, "fixtures", "make_pooling_fixtures.py"))
specs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(specs)

POOLING = ("MaxPooling1D", "MaxPooling2D", "AveragePooling1D", "AveragePooling2D",
           "GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalAveragePooling1D",
           "GlobalAveragePooling2D")
CASES = [c for c in specs.CASES if c[1] in POOLING]
IDS = [c[0] for c in CASES]

RECORD = np.load(os.path.join(FIXTURES, "outputs.npz"))
with open(os.path.join(FIXTURES, "configs.json")) as f:
    CONFIGS = json.load(f)


def _layer(cls, kwargs):
    return getattr(nnlite.layers, cls)(**kwargs)


def test_every_pooling_class_has_a_fixture_case():
    assert {c[1] for c in CASES} == set(POOLING)


@pytest.mark.parametrize("name,cls,kwargs,shape", CASES, ids=IDS)
def test_pooling_output_equals_keras(name, cls, kwargs, shape):
    x = RECORD[name + "_x"]
    assert x.shape == tuple(shape)
    y = np.asarray(_layer(cls, kwargs)(x))
    assert y.dtype == np.float32
    assert y.shape == RECORD[name + "_y"].shape
    np.testing.assert_allclose(y, RECORD[name + "_y"], rtol=0, atol=1e-6)


@pytest.mark.parametrize("name,cls,kwargs,shape", CASES, ids=IDS)
def test_pooling_input_gradient_equals_keras(name, cls, kwargs, shape):
    _, dx = call_with_grad(_layer(cls, kwargs), RECORD[name + "_x"], RECORD[name + "_r"])
    np.testing.assert_allclose(dx, RECORD[name + "_dx"], rtol=0, atol=1e-6)


@pytest.mark.parametrize("name,cls,kwargs,shape", CASES, ids=IDS)
def test_pooling_get_config_equals_keras(name, cls, kwargs, shape):
    config = _layer(cls, kwargs).get_config()
    config.pop("dtype")
    want = dict(CONFIGS[name], name=config["name"])     # names count per session
    assert json.loads(json.dumps(config)) == want


@pytest.mark.parametrize("name,cls,kwargs,shape", CASES, ids=IDS)
def test_pooling_config_round_trip_keeps_the_output(name, cls, kwargs, shape):
    layer = _layer(cls, kwargs)
    again = type(layer).from_config(json.loads(json.dumps(layer.get_config())))
    x = RECORD[name + "_x"]
    np.testing.assert_array_equal(np.asarray(again(x)), np.asarray(layer(x)))


@pytest.mark.parametrize("name,cls,kwargs,shape", CASES, ids=IDS)
def test_pooling_compute_output_shape_matches_keras_output(name, cls, kwargs, shape):
    want = RECORD[name + "_y"].shape
    assert _layer(cls, kwargs).compute_output_shape(tuple(shape)) == want
    assert _layer(cls, kwargs).compute_output_shape((None,) + tuple(shape[1:])) == \
        (None,) + want[1:]


def _keras_model():
    return nnlite.saving.load_model(os.path.join(FIXTURES, "model.keras"))


def test_keras_model_loads_with_the_layers_of_issue_11():
    names = [type(layer).__name__ for layer in _keras_model().layers]
    assert names == ["ZeroPadding2D", "MaxPooling2D", "UpSampling2D", "Cropping2D",
                     "AveragePooling2D", "SpatialDropout2D", "Dense", "GlobalAveragePooling2D",
                     "Dense"]


def test_keras_model_predicts_as_keras_recorded():
    rec = np.load(os.path.join(FIXTURES, "model.npz"))
    np.testing.assert_allclose(_keras_model().predict(rec["x"], verbose=0), rec["y"],
                               rtol=1e-5, atol=1e-6)


def test_keras_model_keeps_the_layer_configs_keras_wrote():
    model = _keras_model()
    by_type = {type(layer).__name__: layer for layer in model.layers}
    assert by_type["ZeroPadding2D"].padding == ((1, 0), (0, 1))
    assert by_type["MaxPooling2D"].strides == (1, 1)
    assert by_type["MaxPooling2D"].padding == "same"
    assert by_type["UpSampling2D"].interpolation == "bilinear"
    assert by_type["Cropping2D"].cropping == ((1, 2), (0, 1))
    assert by_type["SpatialDropout2D"].rate == 0.3
    assert by_type["SpatialDropout2D"].seed == 3


def test_keras_model_saved_again_and_reloaded_predicts_the_same(tmp_path):
    rec = np.load(os.path.join(FIXTURES, "model.npz"))
    path = str(tmp_path / "again.keras")
    _keras_model().save(path)
    again = nnlite.saving.load_model(path)
    np.testing.assert_allclose(again.predict(rec["x"], verbose=0), rec["y"],
                               rtol=1e-5, atol=1e-6)


def test_keras_model_layer_output_shapes_and_param_counts():
    shape, got = (None, 6, 6, 3), []
    for layer in _keras_model().layers:
        shape = tuple(layer.compute_output_shape(shape))
        got.append((shape, layer.count_params()))
    assert got == [((None, 7, 7, 3), 0), ((None, 7, 7, 3), 0), ((None, 14, 7, 3), 0),
                   ((None, 11, 6, 3), 0), ((None, 6, 3, 3), 0), ((None, 6, 3, 3), 0),
                   ((None, 6, 3, 4), 16), ((None, 4), 0), ((None, 2), 10)]


def test_keras_model_summary_lists_zero_params_for_the_shape_layers():
    lines = []
    _keras_model().summary(print_fn=lines.append)
    text = "\n".join(lines)
    for shape in ["(None, 7, 7, 3)", "(None, 14, 7, 3)", "(None, 11, 6, 3)",
                  "(None, 6, 3, 3)", "(None, 4)"]:
        assert shape in text
    rows = [line for line in text.splitlines() if "Pooling" in line or "Padding" in line
            or "Sampling" in line or "Cropping" in line or "Dropout" in line]
    numbered = [line for line in rows if line.rstrip(" │").split()[-1].isdigit()]
    assert numbered and all(line.rstrip(" │").split()[-1] == "0" for line in numbered)
    assert "Total params: 80" in text and "Trainable params: 26" in text
