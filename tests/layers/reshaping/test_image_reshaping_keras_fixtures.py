"""ZeroPadding, Cropping and UpSampling against real Keras 3.15.1 (issue 11).

The records come from tests/fixtures/make_pooling_fixtures.py (see its docstring):
input, Keras's output, the gradient of `sum(y * r)` and `get_config()` per case.
Keras is not imported here.
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

RESHAPING = ("ZeroPadding1D", "ZeroPadding2D", "Cropping1D", "Cropping2D", "UpSampling1D",
             "UpSampling2D")
CASES = [c for c in specs.CASES if c[1] in RESHAPING]
IDS = [c[0] for c in CASES]

RECORD = np.load(os.path.join(FIXTURES, "outputs.npz"))
with open(os.path.join(FIXTURES, "configs.json")) as f:
    CONFIGS = json.load(f)


def _layer(cls, kwargs):
    return getattr(nnlite.layers, cls)(**kwargs)


def test_every_reshaping_class_has_a_fixture_case():
    assert {c[1] for c in CASES} == set(RESHAPING)


@pytest.mark.parametrize("name,cls,kwargs,shape", CASES, ids=IDS)
def test_reshaping_output_equals_keras(name, cls, kwargs, shape):
    y = np.asarray(_layer(cls, kwargs)(RECORD[name + "_x"]))
    assert y.dtype == np.float32
    assert y.shape == RECORD[name + "_y"].shape
    np.testing.assert_allclose(y, RECORD[name + "_y"], rtol=0, atol=1e-6)


@pytest.mark.parametrize("name,cls,kwargs,shape", CASES, ids=IDS)
def test_reshaping_input_gradient_equals_keras(name, cls, kwargs, shape):
    _, dx = call_with_grad(_layer(cls, kwargs), RECORD[name + "_x"], RECORD[name + "_r"])
    np.testing.assert_allclose(dx, RECORD[name + "_dx"], rtol=0, atol=1e-6)


@pytest.mark.parametrize("name,cls,kwargs,shape", CASES, ids=IDS)
def test_reshaping_get_config_equals_keras(name, cls, kwargs, shape):
    config = _layer(cls, kwargs).get_config()
    config.pop("dtype")
    assert json.loads(json.dumps(config)) == dict(CONFIGS[name], name=config["name"])


@pytest.mark.parametrize("name,cls,kwargs,shape", CASES, ids=IDS)
def test_reshaping_config_round_trip_keeps_the_output(name, cls, kwargs, shape):
    layer = _layer(cls, kwargs)
    again = type(layer).from_config(json.loads(json.dumps(layer.get_config())))
    x = RECORD[name + "_x"]
    np.testing.assert_array_equal(np.asarray(again(x)), np.asarray(layer(x)))


@pytest.mark.parametrize("name,cls,kwargs,shape", CASES, ids=IDS)
def test_reshaping_compute_output_shape_matches_keras_output(name, cls, kwargs, shape):
    assert _layer(cls, kwargs).compute_output_shape(tuple(shape)) == RECORD[name + "_y"].shape
