"""Preprocessing layers against Keras 3.15.1: outputs, dtypes, configs (key
order too), learned vocabularies, boundaries and statistics, and `.keras`
files Keras saved (adapted vocabularies as assets) loaded and run."""
import json

import numpy as np
import pytest

from nnlite.saving import saving_lib

from preprocessing_fixtures import (ARRAYS, CASES, MODELS, make_layer,
                                                 model_path, output_of)

NAMES = sorted(CASES)


def _check(y, ref):
    assert y.shape == ref.shape
    assert y.dtype == ref.dtype
    if ref.dtype.kind in "iuUb":
        np.testing.assert_array_equal(y, ref)
    else:
        np.testing.assert_allclose(y, ref, rtol=1e-5, atol=1e-4)


@pytest.mark.parametrize("name", NAMES)
def test_output_matches_keras(name):
    case = CASES[name]
    layer = make_layer(case)
    _check(output_of(layer(ARRAYS["input/" + case["input"]])), ARRAYS["output/" + name])


@pytest.mark.parametrize("name", NAMES)
def test_config_matches_keras_with_key_order(name):
    case = CASES[name]
    config = json.loads(json.dumps(make_layer(case).get_config()))
    config.pop("name")
    expected = dict(case["config"])
    expected.pop("name")
    assert config == expected
    assert list(config) == list(expected)


@pytest.mark.parametrize("name", [n for n in NAMES if "vocabulary" in CASES[n]])
def test_vocabulary_matches_keras(name):
    layer = make_layer(CASES[name])
    assert layer.get_vocabulary() == CASES[name]["vocabulary"]
    assert layer.get_vocabulary(include_special_tokens=False) == \
        CASES[name]["vocabulary_plain"]


@pytest.mark.parametrize("name", [n for n in NAMES if "bin_boundaries" in CASES[n]])
def test_discretization_boundaries_match_keras(name):
    np.testing.assert_allclose(make_layer(CASES[name]).bin_boundaries,
                               CASES[name]["bin_boundaries"], rtol=1e-6)


@pytest.mark.parametrize("name", [n for n in NAMES if "weights" in CASES[n]])
def test_normalization_adapted_statistics_match_keras(name):
    for got, ref in zip(make_layer(CASES[name]).get_weights(), CASES[name]["weights"]):
        np.testing.assert_allclose(got, ref, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("name", [n for n in NAMES if CASES[n]["config"] is not None])
def test_from_keras_config_gives_the_same_layer(name):
    case = CASES[name]
    if case["adapt"] is not None and case["class_name"] != "Discretization":
        pytest.skip("adapted state travels in the .keras file, not in the config")
    from nnlite import layers
    layer = getattr(layers, case["class_name"]).from_config(case["config"])
    _check(output_of(layer(ARRAYS["input/" + case["input"]])), ARRAYS["output/" + name])


def _run(model, x):
    out = model(x)
    return [output_of(o) for o in (out if isinstance(out, (list, tuple)) else [out])]


@pytest.mark.parametrize("name", [m["name"] for m in MODELS])
def test_keras_saved_model_loads_and_predicts(name):
    model = saving_lib.load_model(model_path(name))
    outs = _run(model, ARRAYS["model_input/" + name])
    for j, y in enumerate(outs):
        _check(y, ARRAYS["model_output/%s/%d" % (name, j)])


@pytest.mark.parametrize("name", [m["name"] for m in MODELS])
def test_resaved_model_round_trips(name, tmp_path):
    model = saving_lib.load_model(model_path(name))
    path = str(tmp_path / "m.keras")
    model.save(path)
    again = saving_lib.load_model(path)
    for j, y in enumerate(_run(again, ARRAYS["model_input/" + name])):
        _check(y, ARRAYS["model_output/%s/%d" % (name, j)])


def test_resaved_archive_holds_keras_entries(tmp_path):
    import zipfile
    src = zipfile.ZipFile(model_path("text_tf_idf"))
    model = saving_lib.load_model(model_path("text_tf_idf"))
    path = str(tmp_path / "m.keras")
    model.save(path)
    ours = zipfile.ZipFile(path)
    assert sorted(ours.namelist()) == sorted(src.namelist())
    for name in src.namelist():
        if name.startswith("assets/"):
            assert ours.read(name) == src.read(name)
    assert json.loads(ours.read("config.json"))["config"]["layers"][1] == \
        json.loads(src.read("config.json"))["config"]["layers"][1]
