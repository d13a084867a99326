"""nnlite against `.keras` files of functional and nested models and registered custom
classes written by real Keras 3.15.1 (issue 10, "Saving").

The fixtures in tests/fixtures/keras3_functional/ and the numbers recorded beside them
were made by tests/fixtures/make_functional_fixtures.py under real Keras; Keras is not
imported here. The custom layer and losses are defined below with nnlite's API under
the names Keras registered them with (`nnlite_fixtures>Scale`, ...), as a user would.

Keras -> nnlite: `load_model` of each file predicts as Keras did, has Keras's weights,
compiled state and optimizer variables; on a single-output model, evaluate and one more
training step give Keras's numbers and weights (the state resumes).

nnlite -> Keras layout: `model.save` of the loaded model, and of the same architecture
built by nnlite with Keras's weights, writes Keras's zip entries, Keras's config.json
(but for `shared_object_id` and the optimizer's auto-numbered name) and Keras's HDF5
layout (nested models as containers: `layers/functional/layers/dense/vars/0`).
tests/fixtures/check_nnlite_functional_in_keras.py loads such files in real Keras.
"""
import importlib.util
import io
import json
import os
import zipfile

import numpy as np
import pytest

import nnlite
from nnlite import ops
from nnlite.backend.naming import clear_session

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(HERE, "fixtures", "keras3_functional")

_spec = importlib.util.spec_from_file_location(
    "make_functional_fixtures", os.path.join(HERE, "fixtures", "make_functional_fixtures.py"))
specs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(specs)


# --- the custom objects, written with nnlite's API under Keras's registered names ---------

@nnlite.saving.register_keras_serializable(package="nnlite_fixtures")
class Scale(nnlite.layers.Layer):
    def __init__(self, factor=1.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def build(self, input_shape):
        self.scale = self.add_weight(shape=(input_shape[-1],), initializer="ones",
                                     name="scale")

    def call(self, inputs):
        return ops.multiply(inputs, self.scale * self.factor)

    def get_config(self):
        config = super().get_config()
        config["factor"] = self.factor
        return config


@nnlite.saving.register_keras_serializable(package="nnlite_fixtures")
def scaled_mse(y_true, y_pred):
    return 2.0 * ops.mean(ops.square(y_pred - y_true), axis=-1)


@nnlite.saving.register_keras_serializable(package="nnlite_fixtures")
class WeightedMAE(nnlite.losses.Loss):
    def __init__(self, weight=1.0, name="weighted_mae", **kwargs):
        super().__init__(name=name, **kwargs)
        self.weight = weight

    def call(self, y_true, y_pred):
        return self.weight * ops.mean(ops.abs(y_pred - y_true), axis=-1)

    def get_config(self):
        config = super().get_config()
        config["weight"] = self.weight
        return config


CUSTOM = {"Scale": Scale, "scaled_mse": scaled_mse, "WeightedMAE": WeightedMAE}


@pytest.fixture(autouse=True)
def fresh_names():
    # the one automatic name in the fixtures (Sequential's "input_layer") is Keras's
    # first in a fresh process
    clear_session()

NAMES = [s["name"] for s in specs.SPECS]


def _record(name):
    with np.load(os.path.join(FIXTURES, name + ".npz"), allow_pickle=False) as data:
        return {k: data[k] for k in data.files}


def _series(rec, prefix):
    out = []
    while "%s%d" % (prefix, len(out)) in rec:
        out.append(rec["%s%d" % (prefix, len(out))])
    return out


def _path(name):
    return os.path.join(FIXTURES, name + ".keras")


def _keras_config(path):
    with zipfile.ZipFile(path) as z:
        return json.loads(z.read("config.json"))


def _load(name, **kwargs):
    return nnlite.models.load_model(_path(name), **kwargs)


def _as_list(struct):
    if isinstance(struct, dict):
        return [struct[k] for k in sorted(struct)]
    if isinstance(struct, (list, tuple)):
        return list(struct)
    return [struct]


def _assert_predictions(model, rec):
    got = model.predict(specs.unpack(rec, "x_pred"), verbose=0)
    ref = specs.unpack(rec, "y_pred")
    got, ref = _as_list(got), _as_list(ref)
    assert len(got) == len(ref)
    for g, r in zip(got, ref):
        np.testing.assert_allclose(np.asarray(g), r, rtol=1e-5, atol=1e-6)


def _close(a, b, rel=1e-6):
    """Config values: floats within float32 rounding, everything else equal."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k], rel) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_close(x, y, rel) for x, y in zip(a, b))
    if isinstance(a, float) or isinstance(b, float):
        if a is None or b is None or isinstance(a, bool) or isinstance(b, bool):
            return a == b
        return abs(float(a) - float(b)) <= rel * max(abs(float(a)), abs(float(b)), 1e-30)
    return a == b


# --- Keras -> nnlite -------------------------------------------------------------------

@pytest.mark.parametrize("name", NAMES)
def test_load_predicts_as_keras_with_keras_weights(name):
    rec = _record(name)
    model = _load(name)
    _assert_predictions(model, rec)
    weights = model.get_weights()
    ref = _series(rec, "saved_w")
    assert len(weights) == len(ref)
    for w, r in zip(weights, ref):
        np.testing.assert_array_equal(w, r)


@pytest.mark.parametrize("name", NAMES)
def test_load_without_compile_predicts_and_is_not_compiled(name):
    model = _load(name, compile=False)
    _assert_predictions(model, _record(name))
    assert model.optimizer is None


def test_output_names_as_keras():
    for name in NAMES:
        rec = _record(name)
        if rec["output_names"].size:
            assert list(_load(name).output_names) == [str(n) for n in rec["output_names"]]


def test_nested_models_are_layers_with_keras_trainable_counts():
    model = _load("nested_frozen_base_adam")
    base = model.get_layer("base")
    assert isinstance(base, nnlite.models.Functional)
    assert not base.trainable and base.get_layer("base_h").trainable is False
    assert isinstance(model.get_layer("head"), nnlite.Sequential)
    # only head_h and out train: Keras's 4 optimizer slots (m, v) per variable
    assert len(model.trainable_weights) == 4
    assert len(model.non_trainable_weights) == 4
    seq = _load("sequential_of_model_softmax")
    assert [type(l).__name__ for l in seq.layers] == ["Functional", "Softmax"]


def test_registered_custom_layer_loads_as_the_nnlite_class():
    model = _load("custom_loss_class")
    layer = model.get_layer("scale")
    assert type(layer) is Scale and layer.factor == 2.0
    assert type(model.loss) is WeightedMAE and model.loss.weight == 0.5
    assert _load("custom_layer_fn_loss").loss is scaled_mse


@pytest.mark.parametrize("name", NAMES)
def test_loaded_optimizer_class_and_config(name):
    saved = _keras_config(_path(name))["compile_config"]["optimizer"]
    opt = _load(name).optimizer
    assert type(opt).__name__ == saved["class_name"]
    got = opt.get_config()
    for key, value in saved["config"].items():
        if key != "name":
            assert _close(got[key], value), (key, got[key], value)


@pytest.mark.parametrize("name", NAMES)
def test_loaded_compile_config_as_keras(name):
    saved = _keras_config(_path(name))["compile_config"]
    got = json.loads(json.dumps(_load(name).get_compile_config()))
    saved = dict(saved, optimizer=None)
    got = dict(got, optimizer=None)
    assert _close(got, saved), (got, saved)


@pytest.mark.parametrize("name", NAMES)
def test_loaded_optimizer_variables(name):
    rec = _record(name)
    variables = _load(name).optimizer.variables
    ref = _series(rec, "opt_v")
    assert len(variables) == len(ref), [str(n) for n in rec["opt_names"]]
    for v, r, n in zip(variables, ref, rec["opt_names"]):
        np.testing.assert_allclose(np.asarray(v.numpy()), r, rtol=1e-6, atol=0,
                                   err_msg=str(n))


@pytest.mark.parametrize("name", NAMES)
def test_evaluate_as_keras(name):
    rec = _record(name)
    model = _load(name)
    x, y = specs.unpack(rec, "x_next"), specs.unpack(rec, "y_next")
    got = model.evaluate(x, y, batch_size=specs.N_TRAIN, verbose=0)
    np.testing.assert_allclose(np.atleast_1d(got), rec["eval_values"], rtol=1e-5, atol=1e-6)
    out = model.evaluate(x, y, batch_size=specs.N_TRAIN, verbose=0, return_dict=True)
    assert sorted(out) == [str(k) for k in rec["eval_keys"]]


@pytest.mark.parametrize("name", NAMES)
def test_resume_one_step_as_keras(name):
    rec = _record(name)
    model = _load(name)
    out = model.train_on_batch(specs.unpack(rec, "x_next"), specs.unpack(rec, "y_next"),
                               return_dict=True)
    keys = [str(k) for k in rec["next_keys"]]
    assert sorted(out) == keys
    np.testing.assert_allclose([float(out[k]) for k in keys], rec["next_values"],
                               rtol=1e-4, atol=1e-6, err_msg=str(keys))
    weights = model.get_weights()
    ref = _series(rec, "next_w")
    assert len(weights) == len(ref)
    for w, r in zip(weights, ref):
        np.testing.assert_allclose(w, r, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("name", NAMES)
def test_fit_history_as_keras(name):
    rec = _record(name)
    hist = _load(name).fit(specs.unpack(rec, "x_next"), specs.unpack(rec, "y_next"),
                           batch_size=specs.N_TRAIN, epochs=1, verbose=0,
                           shuffle=False).history
    keys = [str(k) for k in rec["fit_keys"]]
    assert sorted(hist) == keys
    np.testing.assert_allclose([hist[k][0] for k in keys], rec["fit_values"],
                               rtol=1e-4, atol=1e-6)


# --- nnlite -> Keras layout --------------------------------------------------------------

def _twin(name):
    """The fixture's architecture built by nnlite, compiled as Keras compiled it, given
    Keras's weights and optimizer variables (by index, in Keras's order)."""
    spec = specs.spec_by_name(name)
    rec = _record(name)
    model = spec["build"](nnlite, CUSTOM)
    model.compile(**spec["compile"](nnlite, CUSTOM))
    model.optimizer.build(model.trainable_weights)
    for v, r in zip(model.optimizer.variables, _series(rec, "opt_v")):
        v.assign(r)
    model.set_weights(_series(rec, "saved_w"))
    return model


def _normalized(config):
    config = json.loads(json.dumps(config))

    def drop_ids(obj):
        if isinstance(obj, dict):
            obj.pop("shared_object_id", None)
            for v in obj.values():
                drop_ids(v)
        elif isinstance(obj, list):
            for v in obj:
                drop_ids(v)

    drop_ids(config)
    if config.get("compile_config"):
        config["compile_config"]["optimizer"]["config"].pop("name", None)
    return config


def _h5_layout(path):
    import h5py
    with zipfile.ZipFile(path) as z:
        data = z.read("model.weights.h5")
    out = {}
    with h5py.File(io.BytesIO(data), "r") as f:
        def visit(key, obj):
            out[key] = (obj.shape, str(obj.dtype)) if isinstance(obj, h5py.Dataset) else "group"
        f.visititems(visit)
    return out


def _saved(model, tmp_path, name):
    path = str(tmp_path / (name + ".keras"))
    model.save(path)
    return path


@pytest.mark.parametrize("name", NAMES)
def test_resave_of_loaded_model_writes_keras_config_and_layout(name, tmp_path):
    path = _saved(_load(name), tmp_path, name)
    with zipfile.ZipFile(path) as ours, zipfile.ZipFile(_path(name)) as theirs:
        assert sorted(ours.namelist()) == sorted(theirs.namelist())
    assert _normalized(_keras_config(path)) == _normalized(_keras_config(_path(name)))
    assert _h5_layout(path) == _h5_layout(_path(name))


@pytest.mark.parametrize("name", NAMES)
def test_nnlite_built_model_saves_keras_config_and_layout(name, tmp_path):
    path = _saved(_twin(name), tmp_path, name)
    assert _normalized(_keras_config(path)) == _normalized(_keras_config(_path(name)))
    assert _h5_layout(path) == _h5_layout(_path(name))


@pytest.mark.parametrize("name", NAMES)
def test_nnlite_file_reloads_to_keras_predictions(name, tmp_path):
    model = nnlite.models.load_model(_saved(_twin(name), tmp_path, name))
    _assert_predictions(model, _record(name))
    for w, r in zip(model.get_weights(), _series(_record(name), "saved_w")):
        np.testing.assert_array_equal(w, r)
