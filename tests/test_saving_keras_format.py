"""The `.keras` format: files that real Keras 3.15.1 wrote (tests/fixtures/format/,
made by tests/fixtures/make_format_fixtures.py) are read with Keras's numbers,
files nnlite writes have Keras's layout, and nnlite's own files round-trip.

Checked by hand in November 2026: `keras.models.load_model` on a `.keras` file
written by nnlite (Dense/BatchNormalization/Dropout/PReLU/LayerNormalization,
Adam) predicts the same numbers as nnlite, with the optimizer's iterations.
"""
import json
import os
import zipfile

import h5py
import numpy as np
import pytest

import nnlite
from nnlite import layers, optimizers
from nnlite.saving import saving_lib

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures", "format")


def fixture(name):
    return os.path.join(FIXTURES, name)


def keras_arrays(name):
    with np.load(fixture(name + ".npz"), allow_pickle=False) as f:
        return {k: f[k] for k in f.files}


# The nnlite twins of the fixture models (same architecture, same names).
def model_a():
    model = nnlite.Sequential([
        layers.Input((4,)), layers.Dense(3, activation="relu", name="first"),
        layers.BatchNormalization(name="bn"), layers.Dropout(0.25),
        layers.Dense(2, name="out"), layers.Dense(2, activation="sigmoid")], name="model_a")
    model.compile(optimizer=optimizers.Adam(0.01), loss="mse", metrics=["mae"])
    return model


def model_b():
    model = nnlite.Sequential([
        layers.Input((3,)), layers.Dense(4, activation="tanh", name="dense_1"),
        layers.PReLU(), layers.LayerNormalization(), layers.Dense(1, name="dense_2")],
        name="model_b")
    model.compile(optimizer=optimizers.Adam(0.02, amsgrad=True),
                  loss="mean_absolute_error")
    return model


def model_c():
    model = nnlite.Sequential([layers.Input((3,)), layers.Dense(2, activation="softmax")],
                              name="model_c")
    model.compile(optimizer=optimizers.RMSprop(0.01, momentum=0.5, centered=True),
                  loss="categorical_crossentropy", metrics=["accuracy"])
    return model


TWINS = {"model_a": model_a, "model_b": model_b, "model_c": model_c}


def h5_layout(source):
    """{path: shape or 'group'} of every object in an HDF5 file."""
    out = {}
    with h5py.File(source, "r") as f:
        f.visititems(lambda name, obj: out.__setitem__(
            name, tuple(obj.shape) + (str(obj.dtype),) if isinstance(obj, h5py.Dataset)
            else "group"))
    return out


def trained_twin(name):
    arrays = keras_arrays(name)
    model = TWINS[name]()
    model.fit(arrays["x"], arrays["y"], batch_size=3, epochs=1, shuffle=False, verbose=0)
    return model


def keras_layer_names(name):
    """The names Keras gave the fixture's layers, in layer order (read from the
    `name` attributes of its weights file, whose keys are `dense`, `dense_1`, ...)."""
    classes = {"model_a": ["Dense", "BatchNormalization", "Dropout", "Dense", "Dense"],
               "model_b": ["Dense", "PReLU", "LayerNormalization", "Dense"],
               "model_c": ["Dense"]}[name]
    keys, used = [], {}
    for c in classes:     # Keras's keys, worked out by hand from the class names
        base = {"Dense": "dense", "BatchNormalization": "batch_normalization",
                "Dropout": "dropout", "PReLU": "p_re_lu",
                "LayerNormalization": "layer_normalization"}[c]
        keys.append(base if base not in used else "%s_%d" % (base, used[base]))
        used[base] = used.get(base, 0) + 1
    with h5py.File(fixture(name + ".weights.h5"), "r") as f:
        return [f["layers/%s/vars" % k].attrs["name"] for k in keys]


def slot_pairs(model, kinds, name):
    """[(Keras variable path suffix, nnlite slot variable)] for Adam/RMSprop slots."""
    opt = model.optimizer
    owner = {}
    for layer, keras_name in zip(model.layers, keras_layer_names(name)):
        for v in layer.trainable_weights:
            owner[id(v)] = keras_name
    out = []
    for attr, suffix in kinds:
        for ref, slot in zip(opt._trainable_variables, getattr(opt, attr)):
            out.append(("%s_%s_%s_%s" % (name, owner[id(ref)], ref.name, suffix), slot))
    return out


SLOTS = {"model_a": [("_momentums", "momentum"), ("_velocities", "velocity")],
         "model_b": [("_momentums", "momentum"), ("_velocities", "velocity"),
                     ("_velocity_hats", "velocity_hat")],
         "model_c": [("_velocities", "velocity"), ("_momentums", "momentum"),
                     ("_average_gradients", "average_gradient")]}


@pytest.mark.parametrize("name", sorted(TWINS))
def test_weights_h5_layout_matches_keras(tmp_path, name):
    model = trained_twin(name)
    path = tmp_path / "m.weights.h5"
    model.save_weights(path)
    assert h5_layout(path) == h5_layout(fixture(name + ".weights.h5"))


@pytest.mark.parametrize("name", sorted(TWINS))
def test_keras_archive_entries_and_weights_layout_match_keras(tmp_path, name):
    model = trained_twin(name)
    path = tmp_path / "m.keras"
    model.save(path)
    with zipfile.ZipFile(path) as mine, zipfile.ZipFile(fixture(name + ".keras")) as ref:
        assert mine.namelist() == ref.namelist()
        assert [i.compress_type for i in mine.infolist()] == [zipfile.ZIP_STORED] * 3
        import io
        assert h5_layout(io.BytesIO(mine.read("model.weights.h5"))) == \
            h5_layout(io.BytesIO(ref.read("model.weights.h5")))
        meta = json.loads(mine.read("metadata.json"))
        assert meta["keras_version"] == "3.15.1" and "date_saved" in meta


def test_h5_keys_use_class_names_and_attrs_hold_layer_names(tmp_path):
    model = model_a()
    model.build((None, 4))
    path = tmp_path / "m.weights.h5"
    model.save_weights(path)
    with h5py.File(path, "r") as f:
        assert sorted(f["layers"].keys()) == ["batch_normalization", "dense", "dense_1",
                                              "dense_2", "dropout"]
        assert f["layers/dense/vars"].attrs["name"] == "first"
        assert f["layers/dense_1/vars"].attrs["name"] == "out"
        assert f["vars"].attrs["name"] == "model_a"
        assert f["optimizer/vars"].attrs["name"] == model.optimizer.name
        assert len(f["layers/dropout/vars"]) == 0


@pytest.mark.parametrize("name", sorted(TWINS))
def test_load_weights_from_keras_file_gives_keras_predictions_and_state(name):
    arrays = keras_arrays(name)
    model = TWINS[name]()
    model.build((None, arrays["x"].shape[1]))
    model.optimizer.build(model.trainable_weights)    # else Keras skips the optimizer state
    model.load_weights(fixture(name + ".weights.h5"))
    np.testing.assert_allclose(model.predict(arrays["x"], verbose=0), arrays["y_pred"],
                               rtol=1e-5, atol=1e-6)
    opt = model.optimizer
    prefix = [k for k in arrays if k.endswith("/iteration")][0][:-len("iteration")]
    assert int(opt.iterations.value) == int(arrays[prefix + "iteration"]) == 2
    np.testing.assert_array_equal(opt.learning_rate.value, arrays[prefix + "learning_rate"])
    for path, slot in slot_pairs(model, SLOTS[name], name):
        np.testing.assert_array_equal(slot.value, arrays[prefix + path])


@pytest.mark.parametrize("name", sorted(TWINS))
def test_load_weights_from_inside_a_keras_archive(name):
    arrays = keras_arrays(name)
    model = TWINS[name]()
    model.build((None, arrays["x"].shape[1]))
    with pytest.warns(UserWarning, match="Skipping variable loading for optimizer"):
        model.load_weights(fixture(name + ".keras"))     # unbuilt optimizer, as in Keras
    np.testing.assert_allclose(model.predict(arrays["x"], verbose=0), arrays["y_pred"],
                               rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", sorted(TWINS))
def test_load_model_reads_keras_written_files(name):
    arrays = keras_arrays(name)
    model = nnlite.models.load_model(fixture(name + ".keras"))
    np.testing.assert_allclose(model.predict(arrays["x"], verbose=0), arrays["y_pred"],
                               rtol=1e-5, atol=1e-6)
    assert int(model.optimizer.iterations.value) == 2
    twin = TWINS[name]()
    assert type(model.optimizer) is type(twin.optimizer)
    for path, slot in slot_pairs(model, SLOTS[name], name):
        prefix = [k for k in arrays if k.endswith("/iteration")][0][:-len("iteration")]
        np.testing.assert_array_equal(slot.value, arrays[prefix + path])


# -- nnlite round trips ----------------------------------------------------------
def every_layer_model(opt):
    nnlite.utils.set_random_seed(5)
    model = nnlite.Sequential([
        layers.Input((2, 3)), layers.Flatten(), layers.Dense(8, activation="relu"),
        layers.BatchNormalization(), layers.Dropout(0.2), layers.Dense(6),
        layers.LeakyReLU(0.2), layers.PReLU(), layers.ELU(), layers.ReLU(max_value=4.0),
        layers.LayerNormalization(), layers.Reshape((2, 3)), layers.Flatten(),
        layers.Dense(6), layers.Activation("tanh"), layers.Dense(3), layers.Softmax()])
    model.compile(optimizer=opt, loss="categorical_crossentropy", metrics=["accuracy"])
    return model


ROUND_TRIP_OPTIMIZERS = [
    optimizers.SGD, lambda: optimizers.SGD(0.1, momentum=0.8, nesterov=True),
    optimizers.Adam, lambda: optimizers.Adam(amsgrad=True), optimizers.RMSprop,
    lambda: optimizers.RMSprop(momentum=0.3, centered=True), optimizers.Adagrad,
    optimizers.Adadelta, optimizers.Adamax, optimizers.Nadam, optimizers.AdamW]


@pytest.mark.parametrize("make_opt", ROUND_TRIP_OPTIMIZERS)
def test_round_trip_every_layer_and_optimizer(tmp_path, make_opt):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((12, 2, 3)).astype("float32")
    y = np.eye(3, dtype="float32")[rng.integers(0, 3, 12)]
    model = every_layer_model(make_opt())
    model.fit(x, y, batch_size=4, epochs=2, verbose=0)
    path = tmp_path / "m.keras"
    model.save(path)
    loaded = nnlite.models.load_model(path)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    for a, b in zip(loaded.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert [type(l) for l in loaded.layers] == [type(l) for l in model.layers]
    assert [l.name for l in loaded.layers] == [l.name for l in model.layers]
    assert type(loaded.optimizer) is type(model.optimizer)
    assert loaded.optimizer.get_config() == model.optimizer.get_config()
    mine = saving_lib.optimizer_variables(model.optimizer)
    theirs = saving_lib.optimizer_variables(loaded.optimizer)
    assert len(mine) == len(theirs) > 1
    for a, b in zip(mine, theirs):
        np.testing.assert_array_equal(a.value, b.value)
    assert loaded.loss == model.loss and loaded._compile_metrics == model._compile_metrics
    np.testing.assert_allclose(loaded.evaluate(x, y, verbose=0), model.evaluate(x, y, verbose=0),
                               rtol=1e-6)


def test_compile_false_loads_an_uncompiled_model(tmp_path):
    model = model_c()
    model.build((None, 3))
    model.save(tmp_path / "m.keras")
    loaded = nnlite.models.load_model(tmp_path / "m.keras", compile=False)
    assert not loaded.compiled and loaded.optimizer is None
    for a, b in zip(loaded.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_uncompiled_model_round_trips_without_optimizer_group(tmp_path):
    model = nnlite.Sequential([layers.Input((3,)), layers.Dense(2)])
    path = tmp_path / "m.keras"
    model.save(path)
    with zipfile.ZipFile(path) as z:
        import io
        assert "optimizer" not in h5_layout(io.BytesIO(z.read("model.weights.h5")))
    loaded = nnlite.models.load_model(path)
    for a, b in zip(loaded.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_save_needs_keras_or_h5_extension(tmp_path):
    model = model_c()
    with pytest.raises(ValueError, match="Invalid filepath extension for saving"):
        model.save(tmp_path / "m.zip")
    assert list(tmp_path.iterdir()) == []


def test_load_model_rejects_unknown_extension_and_missing_file(tmp_path):
    with pytest.raises(ValueError, match="File format not supported"):
        nnlite.models.load_model(tmp_path / "m.zip")
    with pytest.raises(ValueError, match="File not found"):
        nnlite.models.load_model(tmp_path / "missing.keras")


def test_overwrite_false_asks_and_keeps_the_file_on_no(tmp_path, monkeypatch):
    model = model_c()
    model.build((None, 3))
    path = tmp_path / "m.keras"
    path.write_bytes(b"previous")
    monkeypatch.setattr("builtins.input", lambda prompt="": "n")
    model.save(path, overwrite=False)
    assert path.read_bytes() == b"previous"
    monkeypatch.setattr("builtins.input", lambda prompt="": "y")
    model.save(path, overwrite=False)
    assert zipfile.is_zipfile(path)


@pytest.mark.parametrize("name", sorted(TWINS))
def test_keras_file_loads_compiled_with_keras_loss_and_metrics(name):
    arrays = keras_arrays(name)
    model = nnlite.models.load_model(fixture(name + ".keras"))
    got = model.evaluate(arrays["x"], arrays["y"], batch_size=6, verbose=0)
    np.testing.assert_allclose(got, arrays["evaluate"], rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("layer_path", [False, True], ids=["plan", "layers"])
@pytest.mark.parametrize("name", ["model_b", "model_c"])
def test_training_resumed_from_keras_file_follows_keras(name, layer_path):
    """Keras trained one more epoch after saving; nnlite, resuming from the
    file (optimizer state included), reaches the same weights."""
    arrays = keras_arrays(name)
    model = nnlite.models.load_model(fixture(name + ".keras"))
    model._allow_plans = not layer_path
    model.fit(arrays["x"], arrays["y"], batch_size=3, epochs=1, shuffle=False, verbose=0)
    weights = model.get_weights()
    assert len(weights) == len([k for k in arrays if k.startswith("continued:")])
    for i, w in enumerate(weights):
        np.testing.assert_allclose(w, arrays["continued:%d" % i], rtol=1e-5, atol=1e-6)


def test_unbuilt_optimizer_state_is_skipped_with_keras_warning(tmp_path):
    """Compiled but never trained: the file holds 2 optimizer variables, the
    loaded optimizer is built (as Keras's compile_from_config does) and Keras
    warns and skips them."""
    model = model_c()
    path = tmp_path / "m.keras"
    model.save(path)
    with pytest.warns(UserWarning, match="Skipping variable loading for optimizer"):
        loaded = nnlite.models.load_model(path)
    assert loaded.optimizer.built and len(loaded.optimizer.variables) == 2 + 3 * 2
