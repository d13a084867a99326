"""`save_weights` / `load_weights` with `.weights.h5` files (Keras 3's layout),
`.keras` archives and nnlite's `.weights.npz`."""
import h5py
import numpy as np
import pytest

import nnlite
from nnlite import layers


def make_model(seed=4, compile=True):
    nnlite.utils.set_random_seed(seed)
    model = nnlite.Sequential([layers.Input((3,)), layers.Dense(4, activation="relu"),
                               layers.BatchNormalization(), layers.Dense(2)])
    if compile:
        model.compile(optimizer="sgd", loss="mse")
    return model


def test_round_trip_restores_every_weight(tmp_path):
    model, other = make_model(1), make_model(2)
    x = np.random.default_rng(0).standard_normal((10, 3)).astype("float32")
    model.fit(x, x[:, :2], epochs=1, verbose=0)
    path = tmp_path / "m.weights.h5"
    model.save_weights(path)
    other.build((None, 3))
    other.load_weights(path)
    for a, b in zip(model.get_weights(), other.get_weights()):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(other.predict(x, verbose=0), model.predict(x, verbose=0))


def test_file_holds_keras_paths_and_batchnorm_order(tmp_path):
    model = make_model()
    model.build((None, 3))
    path = tmp_path / "m.weights.h5"
    model.save_weights(path)
    bn = model.layers[1]
    with h5py.File(path, "r") as f:
        for i, v in enumerate([bn.gamma, bn.beta, bn.moving_mean, bn.moving_variance]):
            np.testing.assert_array_equal(f["layers/batch_normalization/vars/%d" % i][()],
                                          v.value)
        assert f["optimizer/vars/0"].dtype == np.int64
        assert f["optimizer/vars/1"][()] == np.float32(0.01)     # SGD's learning rate


def test_frozen_layer_keeps_keras_order(tmp_path):
    model = make_model()
    model.build((None, 3))
    model.layers[1].trainable = False
    path = tmp_path / "m.weights.h5"
    model.save_weights(path)
    with h5py.File(path, "r") as f:
        np.testing.assert_array_equal(f["layers/batch_normalization/vars/0"][()],
                                      model.layers[1].gamma.value)


def test_suffix_must_be_weights_h5(tmp_path):
    model = make_model()
    model.build((None, 3))
    for name in ("m.h5", "m.keras", "weights.hdf5"):
        with pytest.raises(ValueError, match=r"The filename must end in `\.weights\.h5`"):
            model.save_weights(tmp_path / name)
    assert list(tmp_path.iterdir()) == []


def test_unbuilt_model_cannot_save_or_load_weights(tmp_path):
    model = nnlite.Sequential([layers.Dense(2)])
    with pytest.raises(ValueError, match="has not yet been built"):
        model.save_weights(tmp_path / "m.weights.h5")
    with pytest.raises(ValueError, match="has not yet been built"):
        model.load_weights(tmp_path / "m.weights.h5")
    assert list(tmp_path.iterdir()) == []


def test_load_weights_from_a_keras_archive(tmp_path):
    model, other = make_model(1), make_model(2)
    model.build((None, 3))
    other.build((None, 3))
    model.save(tmp_path / "m.keras")
    other.load_weights(tmp_path / "m.keras")
    for a, b in zip(model.get_weights(), other.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_mismatch_raises_and_skip_mismatch_warns(tmp_path):
    model = make_model()
    model.build((None, 3))
    path = tmp_path / "m.weights.h5"
    model.save_weights(path)
    wider = nnlite.Sequential([layers.Input((3,)), layers.Dense(5), layers.BatchNormalization(),
                               layers.Dense(2)])
    wider.build((None, 3))
    with pytest.raises(ValueError, match=r"Layer 'dense.*shape \(3, 5\) but the file holds "
                                         r"shape \(3, 4\)"):
        wider.load_weights(path)
    before = wider.layers[2].get_weights()
    with pytest.warns(UserWarning, match="could not be loaded"):
        wider.load_weights(path, skip_mismatch=True)
    # batch_normalization also mismatches (5 vs 4); the last Dense (4->2 vs 5->2) too
    for a, b in zip(before, wider.layers[2].get_weights()):
        np.testing.assert_array_equal(a, b)


def test_skip_mismatch_loads_the_layers_that_match(tmp_path):
    model = make_model(1)
    model.build((None, 3))
    path = tmp_path / "m.weights.h5"
    model.save_weights(path)
    other = nnlite.Sequential([layers.Input((3,)), layers.Dense(4, activation="relu"),
                               layers.BatchNormalization(), layers.Dense(7)])
    other.build((None, 3))
    with pytest.warns(UserWarning):
        other.load_weights(path, skip_mismatch=True)
    np.testing.assert_array_equal(other.layers[0].kernel.value, model.layers[0].kernel.value)


def test_npz_weights_still_work(tmp_path):
    model, other = make_model(1), make_model(2)
    model.build((None, 3))
    other.build((None, 3))
    model.save_weights(tmp_path / "m.weights.npz")
    other.load_weights(tmp_path / "m.weights.npz")
    for a, b in zip(model.get_weights(), other.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_unknown_suffix_on_load(tmp_path):
    model = make_model()
    model.build((None, 3))
    with pytest.raises(ValueError, match="File format not supported"):
        model.load_weights(tmp_path / "m.bin")


def test_overwrite_false_without_answer_raises(tmp_path, monkeypatch):
    model = make_model()
    model.build((None, 3))
    path = tmp_path / "m.weights.h5"
    path.write_bytes(b"old")

    def no_stdin(prompt=""):
        raise EOFError
    monkeypatch.setattr("builtins.input", no_stdin)
    with pytest.raises(FileExistsError):
        model.save_weights(path, overwrite=False)
    assert path.read_bytes() == b"old"


def test_legacy_h5_paths_go_to_the_legacy_format(tmp_path):
    model, other = make_model(1), make_model(2)
    path = tmp_path / "m.h5"
    with pytest.warns(UserWarning, match="This file format is considered legacy"):
        model.save(path)
    with h5py.File(path, "r") as f:       # Keras 2's layout, not the .weights.h5 one
        assert "model_weights" in f and "model_config" in f.attrs
    other.load_weights(path)
    for a, b in zip(model.get_weights(), other.get_weights()):
        np.testing.assert_array_equal(a, b)
    loaded = nnlite.models.load_model(path)
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_by_name_is_only_for_legacy_files(tmp_path):
    model = make_model()
    model.save_weights(tmp_path / "m.weights.h5")
    with pytest.raises(ValueError, match="`by_name` only supports loading legacy"):
        model.load_weights(tmp_path / "m.weights.h5", by_name=True)
