"""The legacy HDF5 format (`.h5`): files written by real tf.keras 2 and Keras 3
load and predict as Keras recorded; nnlite's files have Keras 3's layout; damaged
or hostile files raise clear errors.

The fixtures in tests/fixtures/legacy/ and the predictions in expected.npz were
made by tests/fixtures/make_legacy_fixtures.py with tf_keras 2.21.0 and Keras
3.15.1 (TensorFlow 2.21, CPU). That real Keras loads nnlite's files is checked
by hand with tests/fixtures/check_nnlite_h5_in_keras.py.
"""
import json
import marshal
import os
import shutil

import h5py
import numpy as np
import pytest

import nnlite
from nnlite import layers as L
from nnlite.saving import legacy_h5
from nnlite.saving.legacy_h5 import (load_model_from_hdf5, load_weights_from_hdf5,
                                     save_model_to_hdf5, save_weights_to_hdf5)

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "legacy")
WHOLE = ("k2_mlp", "k2_classifier", "k2_acts", "k2_objects", "k3_legacy")


@pytest.fixture(scope="module")
def expected():
    with np.load(os.path.join(HERE, "expected.npz"), allow_pickle=False) as d:
        return {k: d[k] for k in d.files}


def fixture(name):
    return os.path.join(HERE, name + ".h5")


def copy_fixture(tmp_path, name):
    dst = str(tmp_path / (name + ".h5"))
    shutil.copy(fixture(name), dst)
    return dst


def edit_json_attr(path, attr, edit):
    with h5py.File(path, "r+") as f:
        value = json.loads(f.attrs[attr])
        value = edit(value)
        f.attrs[attr] = json.dumps(value)


def mlp_like_k2(names=("dense", "dense_1", "dense_2")):
    return nnlite.Sequential([nnlite.Input(shape=(5,)),
                              L.Dense(8, activation="relu", name=names[0]),
                              L.Dense(4, activation="tanh", name=names[1]),
                              L.Dense(1, name=names[2])])


# -- files written by real Keras ---------------------------------------------------------
@pytest.mark.parametrize("name", WHOLE)
def test_keras_file_predicts_as_recorded(name, expected):
    model = load_model_from_hdf5(fixture(name))
    out = model.predict(expected["x_" + name], verbose=0)
    np.testing.assert_allclose(out, expected["y_" + name], rtol=1e-5, atol=1e-6)


def test_k2_mlp_is_compiled_with_adam_mse_mae():
    model = load_model_from_hdf5(fixture("k2_mlp"))
    assert model.compiled
    assert type(model.optimizer).__name__ == "Adam"
    assert float(model.optimizer.learning_rate) == pytest.approx(0.01, rel=1e-6)
    assert model.loss == "mse"
    assert model._compile_metrics == ["mae"]


def test_k2_classifier_is_compiled_with_sgd_momentum_cce_accuracy():
    model = load_model_from_hdf5(fixture("k2_classifier"))
    assert type(model.optimizer).__name__ == "SGD"
    assert float(model.optimizer.learning_rate) == pytest.approx(0.05, rel=1e-6)
    assert model.optimizer.momentum == pytest.approx(0.9)
    assert model.loss == "categorical_crossentropy"
    assert model._compile_metrics == ["accuracy"]


def test_k3_legacy_is_compiled_with_rmsprop_scce_accuracy():
    model = load_model_from_hdf5(fixture("k3_legacy"))
    assert type(model.optimizer).__name__ == "RMSprop"
    assert float(model.optimizer.learning_rate) == pytest.approx(0.002, rel=1e-6)
    assert model.loss == "sparse_categorical_crossentropy"
    assert model._compile_metrics == ["accuracy"]


def test_k2_object_configs_in_training_config():
    # legacy Adam with decay, a BinaryCrossentropy object, metrics "acc", AUC(), "mse"
    model = load_model_from_hdf5(fixture("k2_objects"))
    assert type(model.optimizer).__name__ == "Adam"
    assert float(model.optimizer.learning_rate) == pytest.approx(0.003, rel=1e-6)
    assert model.optimizer.get_config()["decay"] == pytest.approx(1e-4)
    assert type(model.loss).__name__ == "BinaryCrossentropy"
    assert model.loss.get_config()["label_smoothing"] == pytest.approx(0.1)
    assert model.loss.get_config()["reduction"] == "sum_over_batch_size"
    assert model._compile_metrics[0] == "acc" and model._compile_metrics[2] == "mse"
    assert type(model._compile_metrics[1]).__name__ == "AUC"
    assert model.layers[0].kernel_regularizer.get_config()["l2"] == pytest.approx(0.01)


def test_uncompiled_keras_model_loads_uncompiled():
    assert not load_model_from_hdf5(fixture("k2_acts")).compiled


def test_compile_false_skips_the_training_config():
    assert not load_model_from_hdf5(fixture("k2_mlp"), compile=False).compiled


def test_k2_layer_configs_become_nnlite_layers():
    model = load_model_from_hdf5(fixture("k2_acts"))
    kinds = [type(layer).__name__ for layer in model.layers]
    assert kinds == ["Flatten", "Dense", "LeakyReLU", "Dense", "ELU", "Dense", "PReLU",
                     "Activation", "Dense"]
    assert model.layers[2].negative_slope == pytest.approx(0.1)   # Keras 2 `alpha`
    assert model.layers[4].alpha == pytest.approx(0.7)
    assert model.input_shape == (None, 2, 3)


def test_loaded_model_can_keep_training(expected):
    model = load_model_from_hdf5(fixture("k2_classifier"))
    x = expected["x_k2_classifier"]
    y = np.eye(3, dtype="float32")[[0, 1, 2, 0, 1, 2]]
    history = model.fit(x, y, epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])


def test_keras2_list_config_and_batch_input_shape_on_first_layer(tmp_path, expected):
    # Keras 2.0/2.1: `config` is the list of layers and the first layer carries
    # `batch_input_shape` (no InputLayer entry)
    path = copy_fixture(tmp_path, "k2_mlp")

    def to_old_style(cfg):
        layers = [entry for entry in cfg["config"]["layers"]
                  if entry["class_name"] != "InputLayer"]
        layers[0]["config"]["batch_input_shape"] = [None, 5]
        return {"class_name": "Sequential", "config": layers}
    edit_json_attr(path, "model_config", to_old_style)
    out = load_model_from_hdf5(path).predict(expected["x_k2_mlp"], verbose=0)
    np.testing.assert_allclose(out, expected["y_k2_mlp"], rtol=1e-5, atol=1e-6)


def test_old_optimizer_config_with_lr_and_decay(tmp_path):
    path = copy_fixture(tmp_path, "k2_mlp")

    def old_adam(tc):
        tc["optimizer_config"] = {"class_name": "Adam", "config": {
            "name": "Adam", "lr": 0.02, "beta_1": 0.9, "beta_2": 0.999, "decay": 0.0,
            "epsilon": 1e-07, "amsgrad": False}}
        return tc
    edit_json_attr(path, "training_config", old_adam)
    model = load_model_from_hdf5(path)
    assert type(model.optimizer).__name__ == "Adam"
    assert float(model.optimizer.learning_rate) == pytest.approx(0.02)


# -- weights only -----------------------------------------------------------------------------
def test_k2_weights_only_file_loads_in_layer_order(expected):
    model = mlp_like_k2(names=("a", "b", "c"))
    load_weights_from_hdf5(model, fixture("k2_mlp_weights"))
    out = model.predict(expected["x_k2_mlp"], verbose=0)
    np.testing.assert_allclose(out, expected["y_k2_mlp"], rtol=1e-5, atol=1e-6)


def test_weights_by_name_ignore_unknown_names(expected):
    model = mlp_like_k2()
    load_weights_from_hdf5(model, fixture("k2_mlp_weights"), by_name=True)
    out = model.predict(expected["x_k2_mlp"], verbose=0)
    np.testing.assert_allclose(out, expected["y_k2_mlp"], rtol=1e-5, atol=1e-6)


def test_weights_by_name_with_skip_mismatch_skips_a_wrong_layer():
    model = nnlite.Sequential([nnlite.Input(shape=(5,)), L.Dense(8, name="dense"),
                               L.Dense(7, name="dense_1")])
    before = model.layers[1].get_weights()
    with pytest.warns(UserWarning, match="Skipping"):
        load_weights_from_hdf5(model, fixture("k2_mlp_weights"), by_name=True,
                               skip_mismatch=True)
    np.testing.assert_array_equal(model.layers[1].get_weights()[0], before[0])
    with h5py.File(fixture("k2_mlp_weights")) as f:
        np.testing.assert_array_equal(model.layers[0].get_weights()[0],
                                      f["dense/dense/kernel:0"][()])


def test_weights_from_a_whole_model_file(expected):
    model = nnlite.Sequential([nnlite.Input(shape=(6,)), L.Dense(10, activation="relu"),
                               L.Dropout(0.3), L.BatchNormalization(),
                               L.Dense(3, activation="softmax")])
    load_weights_from_hdf5(model, fixture("k2_classifier"))
    out = model.predict(expected["x_k2_classifier"], verbose=0)
    np.testing.assert_allclose(out, expected["y_k2_classifier"], rtol=1e-5, atol=1e-6)


def test_weights_wrong_shape_names_layer_and_shapes_and_changes_nothing():
    model = nnlite.Sequential([nnlite.Input(shape=(5,)), L.Dense(8, name="first"),
                               L.Dense(4, name="second"), L.Dense(2, name="third")])
    before = model.get_weights()
    with pytest.raises(ValueError, match=r"third.*\(4, 1\).*\(4, 2\)"):
        load_weights_from_hdf5(model, fixture("k2_mlp_weights"))
    for old, new in zip(before, model.get_weights()):
        np.testing.assert_array_equal(old, new)


def test_weights_layer_count_mismatch_is_an_error():
    model = nnlite.Sequential([nnlite.Input(shape=(5,)), L.Dense(8), L.Dense(1)])
    with pytest.raises(ValueError, match="2 layers with weights.*3 layers"):
        load_weights_from_hdf5(model, fixture("k2_mlp_weights"))


def test_skip_mismatch_in_layer_order_skips_only_the_wrong_weights():
    model = nnlite.Sequential([nnlite.Input(shape=(5,)), L.Dense(8), L.Dense(4),
                               L.Dense(2)])
    before = model.layers[2].get_weights()
    with pytest.warns(UserWarning, match="Skipping"):
        load_weights_from_hdf5(model, fixture("k2_mlp_weights"), skip_mismatch=True)
    np.testing.assert_array_equal(model.layers[2].get_weights()[0], before[0])
    with h5py.File(fixture("k2_mlp_weights")) as f:
        np.testing.assert_array_equal(model.layers[1].get_weights()[0],
                                      f["dense_1/dense_1/kernel:0"][()])


# -- nnlite's own files -------------------------------------------------------------------------
def _nnlite_classifier():
    nnlite.utils.set_random_seed(4)
    model = nnlite.Sequential([nnlite.Input(shape=(4,)),
                               L.Dense(6, activation="relu", name="dense"),
                               L.BatchNormalization(name="batch_normalization"),
                               L.Dense(3, activation="softmax", name="dense_1")],
                              name="sequential")
    model.compile(optimizer=nnlite.optimizers.RMSprop(learning_rate=0.002),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    rng = np.random.default_rng(1)
    model.fit(rng.normal(size=(30, 4)), rng.integers(0, 3, 30), epochs=2, verbose=0)
    return model


def test_nnlite_file_round_trips_predictions_and_compile(tmp_path):
    model = _nnlite_classifier()
    path = str(tmp_path / "m.h5")
    save_model_to_hdf5(model, path)
    loaded = load_model_from_hdf5(path)
    x = np.random.default_rng(2).normal(size=(7, 4)).astype("float32")
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert type(loaded.optimizer).__name__ == "RMSprop"
    assert float(loaded.optimizer.learning_rate) == pytest.approx(0.002)
    assert loaded.loss == "sparse_categorical_crossentropy"
    assert loaded._compile_metrics == ["accuracy"]


def test_nnlite_round_trip_of_activation_layers(tmp_path, expected):
    model = load_model_from_hdf5(fixture("k2_acts"))
    path = str(tmp_path / "acts.h5")
    save_model_to_hdf5(model, path)
    out = load_model_from_hdf5(path).predict(expected["x_k2_acts"], verbose=0)
    np.testing.assert_allclose(out, expected["y_k2_acts"], rtol=1e-5, atol=1e-6)


def _layout(path):
    """Every group and dataset: path -> (sorted attr names, shape or None, dtype kind)."""
    out = {}
    with h5py.File(path, "r") as f:
        out["/"] = (sorted(f.attrs), None, None)

        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                out[name] = (sorted(obj.attrs), obj.shape, obj.dtype.kind)
            else:
                out[name] = (sorted(obj.attrs), None, None)
        f.visititems(visit)
    return out


def test_nnlite_file_has_keras3_legacy_layout(tmp_path):
    path = str(tmp_path / "m.h5")
    save_model_to_hdf5(_nnlite_classifier(), path)
    ours = _layout(path)
    theirs = {k: v for k, v in _layout(fixture("k3_legacy")).items()
              if not k.startswith("optimizer_weights")}    # optimizer state is not written
    assert ours == theirs


def test_nnlite_file_has_keras3_weight_and_layer_names(tmp_path):
    path = str(tmp_path / "m.h5")
    save_model_to_hdf5(_nnlite_classifier(), path)
    with h5py.File(path) as ours, h5py.File(fixture("k3_legacy")) as theirs:
        a, b = ours["model_weights"], theirs["model_weights"]
        assert list(a.attrs["layer_names"]) == [n.encode() if isinstance(n, str) else n
                                                for n in b.attrs["layer_names"]]
        for layer in ("dense", "batch_normalization", "dense_1"):
            names_a = [n.decode() for n in a[layer].attrs["weight_names"]]
            names_b = [n if isinstance(n, str) else n.decode()
                       for n in b[layer].attrs["weight_names"]]
            assert names_a == names_b
        assert ours.attrs["backend"] == "tensorflow"
        cfg = json.loads(ours.attrs["model_config"])
        assert cfg["class_name"] == "Sequential"
        assert cfg["config"]["layers"][0]["config"]["batch_input_shape"] == [None, 4]


def test_nnlite_writes_the_full_loss_name_for_an_alias(tmp_path):
    # Keras 3.15.1 cannot reload its own legacy file whose loss is "mse"
    model = mlp_like_k2()
    model.compile(optimizer="adam", loss="mse")
    path = str(tmp_path / "m.h5")
    save_model_to_hdf5(model, path)
    with h5py.File(path) as f:
        assert json.loads(f.attrs["training_config"])["loss"] == "mean_squared_error"


def test_nnlite_weights_only_file_round_trips(tmp_path):
    model = _nnlite_classifier()
    path = str(tmp_path / "w.h5")
    save_weights_to_hdf5(model, path)
    other = nnlite.Sequential([nnlite.Input(shape=(4,)), L.Dense(6, activation="relu"),
                               L.BatchNormalization(), L.Dense(3, activation="softmax")])
    load_weights_from_hdf5(other, path)
    for a, b in zip(model.get_weights(), other.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_save_leaves_no_temporary_file_and_respects_overwrite(tmp_path):
    path = str(tmp_path / "m.h5")
    model = _nnlite_classifier()
    save_model_to_hdf5(model, path)
    assert os.listdir(tmp_path) == ["m.h5"]
    with pytest.raises(FileExistsError):
        save_model_to_hdf5(model, path, overwrite=False)


def test_failed_save_keeps_the_old_file(tmp_path, monkeypatch):
    path = str(tmp_path / "m.h5")
    model = _nnlite_classifier()
    save_model_to_hdf5(model, path)
    before = open(path, "rb").read()

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")
    monkeypatch.setattr(legacy_h5, "_write_weights_group", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        save_model_to_hdf5(model, path)
    assert open(path, "rb").read() == before
    assert os.listdir(tmp_path) == ["m.h5"]


def test_save_unbuilt_model_is_an_error(tmp_path):
    with pytest.raises(ValueError, match="built"):
        save_model_to_hdf5(nnlite.Sequential([L.Dense(2)]), str(tmp_path / "m.h5"))


# -- damaged and hostile files -------------------------------------------------------------------
def test_truncated_file_is_a_value_error_naming_it(tmp_path):
    path = str(tmp_path / "cut.h5")
    data = open(fixture("k2_mlp"), "rb").read()
    with open(path, "wb") as f:
        f.write(data[:len(data) // 2])
    with pytest.raises(ValueError, match="cut.h5"):
        load_model_from_hdf5(path)


def test_non_hdf5_file_is_a_value_error(tmp_path):
    path = str(tmp_path / "junk.h5")
    with open(path, "wb") as f:
        f.write(b"\x89HDF\r\n" + os.urandom(500))
    with pytest.raises(ValueError, match="not a readable HDF5 file"):
        load_model_from_hdf5(path)


def test_missing_file_is_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        load_model_from_hdf5(str(tmp_path / "nope.h5"))


def test_missing_model_config_is_explained(tmp_path):
    with pytest.raises(ValueError, match="no `model_config`.*weights-only"):
        load_model_from_hdf5(fixture("k2_mlp_weights"))


def test_invalid_json_model_config(tmp_path):
    path = copy_fixture(tmp_path, "k2_mlp")
    with h5py.File(path, "r+") as f:
        f.attrs["model_config"] = "{not json"
    with pytest.raises(ValueError, match="not valid JSON"):
        load_model_from_hdf5(path)


def test_deeply_nested_json_is_refused(tmp_path):
    path = copy_fixture(tmp_path, "k2_mlp")
    with h5py.File(path, "r+") as f:
        f.attrs["model_config"] = "[" * 200000 + "]" * 200000
    with pytest.raises(ValueError, match="nested too deeply"):
        load_model_from_hdf5(path)


def test_oversized_json_attribute_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(legacy_h5, "MAX_JSON_BYTES", 100)
    with pytest.raises(ValueError, match="more than the 100 accepted"):
        load_model_from_hdf5(fixture("k2_mlp"))


def test_unknown_layer_class_is_named(tmp_path):
    path = copy_fixture(tmp_path, "k2_mlp")

    def rename(cfg):
        cfg["config"]["layers"][1]["class_name"] = "MyFancyLayer"
        return cfg
    edit_json_attr(path, "model_config", rename)
    with pytest.raises(ValueError, match="unknown layer class 'MyFancyLayer'.*custom_objects"):
        load_model_from_hdf5(path)


def test_custom_objects_supply_an_unknown_class(tmp_path, expected):
    path = copy_fixture(tmp_path, "k2_mlp")

    def rename(cfg):
        cfg["config"]["layers"][1]["class_name"] = "MyDense"
        return cfg
    edit_json_attr(path, "model_config", rename)

    class MyDense(L.Dense):
        pass
    model = load_model_from_hdf5(path, custom_objects={"MyDense": MyDense})
    assert type(model.layers[0]) is MyDense
    np.testing.assert_allclose(model.predict(expected["x_k2_mlp"], verbose=0),
                               expected["y_k2_mlp"], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("safe_mode", [True, False])
def test_lambda_layer_is_refused_without_unmarshalling(safe_mode, monkeypatch):
    def never(*args):
        raise AssertionError("bytecode from the file was unmarshalled")
    monkeypatch.setattr(marshal, "loads", never)
    with pytest.raises(ValueError, match="Lambda.*never runs code"):
        load_model_from_hdf5(fixture("k2_lambda"), safe_mode=safe_mode)


def test_functional_model_is_not_implemented(tmp_path):
    path = copy_fixture(tmp_path, "k2_mlp")
    edit_json_attr(path, "model_config",
                   lambda cfg: {"class_name": "Functional", "config": cfg["config"]})
    with pytest.raises(NotImplementedError, match="functional"):
        load_model_from_hdf5(path)


def test_weight_shape_not_matching_config_names_layer_and_shapes(tmp_path):
    path = copy_fixture(tmp_path, "k2_mlp")

    def widen(cfg):
        cfg["config"]["layers"][2]["config"]["units"] = 5
        return cfg
    edit_json_attr(path, "model_config", widen)
    with pytest.raises(ValueError, match=r"dense_1.*shape \(8, 4\).*\(8, 5\)"):
        load_model_from_hdf5(path)


def test_huge_declared_dataset_is_refused_before_reading(tmp_path, monkeypatch):
    path = copy_fixture(tmp_path, "k2_mlp")
    with h5py.File(path, "r+") as f:
        g = f["model_weights/dense_1/dense_1"]
        del g["kernel:0"]
        # declared 2**36 elements; no data is ever allocated in the file
        g.create_dataset("kernel:0", shape=(2 ** 18, 2 ** 18), dtype="f4", chunks=(64, 64))

    real_getitem = h5py.Dataset.__getitem__

    def no_huge_read(self, *args):
        assert self.size < 2 ** 31, "the huge dataset was read"
        return real_getitem(self, *args)
    monkeypatch.setattr(h5py.Dataset, "__getitem__", no_huge_read)
    with pytest.raises(ValueError, match=r"elements\), more than the 2147483648"):
        load_model_from_hdf5(path)


def test_dataset_without_stored_data_is_refused(tmp_path):
    # HDF5 would read unwritten storage as its fill value (zeros), silently
    path = copy_fixture(tmp_path, "k2_mlp")
    with h5py.File(path, "r+") as f:
        g = f["model_weights/dense_2/dense_2"]
        del g["kernel:0"]
        g.create_dataset("kernel:0", shape=(4, 1), dtype="f4")
    with pytest.raises(ValueError, match="kernel:0.*holds no data"):
        load_model_from_hdf5(path)


def test_missing_weight_dataset_is_named(tmp_path):
    path = copy_fixture(tmp_path, "k2_mlp")
    with h5py.File(path, "r+") as f:
        del f["model_weights/dense_2/dense_2/bias:0"]
    with pytest.raises(ValueError, match="bias:0.*missing"):
        load_model_from_hdf5(path)


def test_non_numeric_weight_dataset_is_refused(tmp_path):
    path = copy_fixture(tmp_path, "k2_mlp")
    with h5py.File(path, "r+") as f:
        g = f["model_weights/dense_2/dense_2"]
        del g["bias:0"]
        g.create_dataset("bias:0", data=np.array([b"x"]))
    with pytest.raises(ValueError, match="numeric"):
        load_model_from_hdf5(path)


def test_unsupported_dtype_in_config(tmp_path):
    path = copy_fixture(tmp_path, "k2_mlp")

    def half(cfg):
        cfg["config"]["layers"][1]["config"]["dtype"] = "float16"
        return cfg
    edit_json_attr(path, "model_config", half)
    with pytest.raises(ValueError, match="float16"):
        load_model_from_hdf5(path)


def test_unknown_initializer_in_config(tmp_path):
    path = copy_fixture(tmp_path, "k2_mlp")

    def bad(cfg):
        cfg["config"]["layers"][1]["config"]["kernel_initializer"] = {
            "class_name": "EvilInit", "config": {}}
        return cfg
    edit_json_attr(path, "model_config", bad)
    with pytest.raises(ValueError, match="EvilInit"):
        load_model_from_hdf5(path)


def test_nnlite_round_trip_of_loss_and_metric_objects(tmp_path):
    model = mlp_like_k2()
    model.compile(optimizer="sgd", loss=nnlite.losses.BinaryCrossentropy(label_smoothing=0.2),
                  metrics=[nnlite.metrics.AUC(num_thresholds=50, name="auc50"), "mae"])
    path = str(tmp_path / "m.h5")
    save_model_to_hdf5(model, path)
    loaded = load_model_from_hdf5(path)
    assert type(loaded.loss).__name__ == "BinaryCrossentropy"
    assert loaded.loss.get_config()["label_smoothing"] == pytest.approx(0.2)
    assert type(loaded._compile_metrics[0]).__name__ == "AUC"
    assert loaded._compile_metrics[0].get_config()["num_thresholds"] == 50
    assert loaded._compile_metrics[1] == "mae"


def test_nnlite_round_trip_of_a_loss_function(tmp_path):
    model = mlp_like_k2()
    model.compile(optimizer="sgd", loss=nnlite.losses.mean_squared_error)
    path = str(tmp_path / "m.h5")
    save_model_to_hdf5(model, path)
    assert load_model_from_hdf5(path).loss == "mean_squared_error"


def test_keras3_function_form_of_a_loss_is_read(tmp_path):
    path = copy_fixture(tmp_path, "k3_legacy")

    def as_function(tc):
        tc["loss"] = {"module": "builtins", "class_name": "function",
                      "config": "sparse_categorical_crossentropy", "registered_name": "function"}
        return tc
    edit_json_attr(path, "training_config", as_function)
    assert load_model_from_hdf5(path).loss == "sparse_categorical_crossentropy"


def _keys(value, prefix=""):
    """Every dict key path in a JSON value (list positions ignored)."""
    out = set()
    if isinstance(value, dict):
        for k, v in value.items():
            out.add(prefix + k)
            out |= _keys(v, prefix + k + ".")
    elif isinstance(value, list):
        for v in value:
            out |= _keys(v, prefix)
    return out


@pytest.mark.parametrize("name", ["k2_classifier", "k2_acts", "k2_objects"])
def test_nnlite_layer_configs_use_only_keys_tf_keras2_wrote(name, tmp_path):
    # tf.keras 2 rejects unknown arguments, so every key nnlite writes for a layer
    # must be one tf.keras 2 itself wrote for that layer (the fixture is the reference)
    path = str(tmp_path / "m.h5")
    save_model_to_hdf5(load_model_from_hdf5(fixture(name)), path)
    with h5py.File(path) as f, h5py.File(fixture(name)) as g:
        ours = json.loads(f.attrs["model_config"])["config"]["layers"]
        theirs = json.loads(g.attrs["model_config"])["config"]["layers"]
    assert [e["class_name"] for e in ours] == [e["class_name"] for e in theirs]
    for a, b in zip(ours, theirs):
        extra = _keys(a["config"]) - _keys(b["config"])
        assert not extra, (a["class_name"], extra)
