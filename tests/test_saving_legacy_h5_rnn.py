"""The legacy HDF5 format (`.h5`) for recurrent, sequence and convolution layers:
Keras 3 files load with Keras's predictions and weights; nnlite writes the layout
Keras 3 writes for the same model; damaged or hostile files raise clear errors.

The fixtures in tests/fixtures/keras3_legacy_h5/ and their predictions (expected.npz)
were made by tests/fixtures/make_legacy_rnn_fixtures.py with Keras 3.15.1 (TensorFlow
2.21, CPU). That Keras 3 loads nnlite's files is checked by hand with
tests/fixtures/check_nnlite_rnn_h5_in_keras.py (Keras is never imported here).
"""
import json
import marshal
import os
import shutil
import warnings

import h5py
import numpy as np
import pytest

import nnlite
from nnlite import layers as L
from nnlite.saving.legacy_h5 import (load_model_from_hdf5, load_weights_from_hdf5,
                                     save_model_to_hdf5, save_weights_to_hdf5)

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "keras3_legacy_h5")
CASES = ("embed_bilstm_gru", "sequence_layers", "bidi_merge_modes", "rnn_options", "conv2d",
         "conv1d", "td_conv")
RNN_CASES = CASES[:4] + ("td_conv",)

pytestmark = pytest.mark.filterwarnings("ignore:Layer 'permute'")


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


def edit_model_config(path, edit):
    with h5py.File(path, "r+") as f:
        cfg = json.loads(f.attrs["model_config"])
        edit(cfg["config"]["layers"])
        f.attrs["model_config"] = json.dumps(cfg)


def _str(v):
    return v.decode("utf-8") if isinstance(v, bytes) else v


def _weight_names(group):
    return [_str(n) for n in group.attrs["weight_names"]]


def assert_predicts(model, expected, name):
    out = model.predict(expected["x_" + name], verbose=0)
    np.testing.assert_allclose(out, expected["y_" + name], rtol=1e-5, atol=1e-6)


# -- the same models built in nnlite, with the names Keras gave them -------------------------
def native(name):
    """The fixture's model built in nnlite (names as Keras named them)."""
    if name == "embed_bilstm_gru":
        m = nnlite.Sequential([
            nnlite.Input((6,), dtype="int32", name="input_layer"),
            L.Embedding(11, 4, mask_zero=True, name="embedding"),
            L.Bidirectional(L.LSTM(3, return_sequences=True, name="lstm"), name="bidirectional"),
            L.GRU(2, name="gru"), L.Dense(1, activation="sigmoid", name="dense")],
            name="sequential")
        m.compile(optimizer=nnlite.optimizers.Adam(learning_rate=0.01),
                  loss="binary_crossentropy", metrics=["accuracy"])
        return m
    if name == "sequence_layers":
        return nnlite.Sequential([
            nnlite.Input((5, 3), name="input_layer_1"), L.Masking(0.0, name="masking"),
            L.SimpleRNN(4, return_sequences=True, name="simple_rnn"),
            L.TimeDistributed(L.Dense(2, name="dense_1"), name="time_distributed"),
            L.Permute((2, 1), name="permute"), L.Flatten(name="flatten"),
            L.RepeatVector(3, name="repeat_vector"), L.GRU(2, reset_after=False, name="gru_1")],
            name="sequential_1")
    if name == "bidi_merge_modes":
        return nnlite.Sequential([
            nnlite.Input((5, 3), name="input_layer_2"), L.Masking(0.0, name="masking_1"),
            L.Bidirectional(L.GRU(3, return_sequences=True, name="gru_2"), merge_mode="sum",
                            name="bidirectional_1"),
            L.Bidirectional(L.SimpleRNN(2, return_sequences=True, name="simple_rnn_1"),
                            merge_mode="mul", name="bidirectional_2"),
            L.Bidirectional(L.LSTM(2, return_sequences=True, name="lstm_1"), merge_mode="ave",
                            name="bidirectional_3"),
            L.Bidirectional(L.LSTM(2, return_sequences=True, name="lstm_2"),
                            backward_layer=L.GRU(2, return_sequences=True, go_backwards=True,
                                                 name="gru_3"),
                            merge_mode="concat", name="bidirectional_4"),
            L.Bidirectional(L.GRU(2, reset_after=False, name="gru_4"), name="bidirectional_5"),
            L.Dense(1, name="dense_2")], name="sequential_2")
    if name == "rnn_options":
        return nnlite.Sequential([
            nnlite.Input((4, 2), name="input_layer_3"),
            L.LSTM(3, return_sequences=True, go_backwards=True, unit_forget_bias=False,
                   activation="relu", recurrent_activation="hard_sigmoid", name="lstm_3"),
            L.GRU(3, use_bias=False, return_sequences=True, name="gru_5"),
            L.SimpleRNN(3, return_sequences=True, kernel_regularizer=nnlite.regularizers.L2(0.01),
                        name="simple_rnn_2"),
            L.TimeDistributed(L.Dense(3, activation="relu", name="dense_3"),
                              name="time_distributed_1"),
            L.LSTM(2, name="lstm_4"), L.Dense(2, activation="softmax", name="dense_4")],
            name="sequential_3")
    if name == "conv2d":
        return nnlite.Sequential([
            nnlite.Input((8, 8, 2), name="input_layer_4"),
            L.Conv2D(3, 3, padding="same", activation="relu", name="conv2d"),
            L.ZeroPadding2D(1, name="zero_padding2d"),
            L.DepthwiseConv2D(3, depth_multiplier=2, name="depthwise_conv2d"),
            L.SeparableConv2D(4, 2, padding="same", name="separable_conv2d"),
            L.MaxPooling2D(2, name="max_pooling2d"),
            L.Conv2DTranspose(3, 2, strides=2, name="conv2d_transpose"),
            L.Cropping2D(((1, 0), (0, 1)), name="cropping2d"),
            L.UpSampling2D(2, name="up_sampling2d"),
            L.AveragePooling2D(3, strides=2, padding="same", name="average_pooling2d"),
            L.LayerNormalization(name="layer_normalization"), L.ReLU(max_value=2.0, name="re_lu"),
            L.GlobalAveragePooling2D(name="global_average_pooling2d"), L.Dense(3, name="dense_5"),
            L.Softmax(name="softmax")], name="sequential_4")
    if name == "conv1d":
        return nnlite.Sequential([
            nnlite.Input((12, 3), name="input_layer_5"),
            L.Conv1D(4, 3, dilation_rate=2, padding="causal", activation="tanh", name="conv1d"),
            L.ZeroPadding1D((1, 2), name="zero_padding1d"), L.MaxPooling1D(2, name="max_pooling1d"),
            L.Conv1DTranspose(3, 3, strides=2, name="conv1d_transpose"),
            L.Cropping1D((1, 1), name="cropping1d"), L.UpSampling1D(2, name="up_sampling1d"),
            L.AveragePooling1D(2, padding="same", name="average_pooling1d"),
            L.SpatialDropout1D(0.2, name="spatial_dropout1d"), L.Reshape((3, -1), name="reshape"),
            L.GlobalMaxPooling1D(name="global_max_pooling1d"), L.Dense(2, name="dense_6")],
            name="sequential_5")
    assert name == "td_conv"
    return nnlite.Sequential([
        nnlite.Input((4, 6, 2), name="input_layer_6"),
        L.TimeDistributed(L.Conv1D(3, 2, activation="relu", name="conv1d_1"),
                          name="time_distributed_2"),
        L.TimeDistributed(L.GlobalAveragePooling1D(name="global_average_pooling1d"),
                          name="time_distributed_3"),
        L.GRU(3, name="gru_6"), L.Dense(1, name="dense_7")], name="sequential_6")


# -- files written by Keras 3 ----------------------------------------------------------------
@pytest.mark.parametrize("name", CASES)
def test_keras3_file_predicts_as_recorded(name, expected):
    assert_predicts(load_model_from_hdf5(fixture(name)), expected, name)


@pytest.mark.parametrize("name", CASES)
def test_keras3_file_weights_are_loaded_exactly(name):
    model = load_model_from_hdf5(fixture(name))
    with h5py.File(fixture(name)) as f:
        group = f["model_weights"]
        for layer in model.layers:
            names = _weight_names(group[layer.name]) if layer.name in group else []
            assert len(names) == len(layer.variables), layer.name
            for wname, var in zip(names, layer.variables):
                np.testing.assert_array_equal(var.numpy(), group[layer.name][wname][()])


def test_int32_input_embedding_mask_zero_and_bidirectional():
    model = load_model_from_hdf5(fixture("embed_bilstm_gru"))
    assert model.inputs[0].dtype == "int32"
    emb, bidi, gru = model.layers[:3]
    assert type(emb).__name__ == "Embedding" and emb.mask_zero
    assert type(bidi).__name__ == "Bidirectional" and bidi.merge_mode == "concat"
    assert bidi.forward_layer.name == "forward_lstm"
    assert bidi.backward_layer.name == "backward_lstm" and bidi.backward_layer.go_backwards
    assert gru.cell.reset_after and tuple(gru.cell.bias.shape) == (2, 6)
    assert model.compiled and type(model.optimizer).__name__ == "Adam"
    assert model.loss == "binary_crossentropy"


def test_masking_changes_the_output():
    # the masked steps really are skipped: the same input unmasked predicts otherwise
    model = load_model_from_hdf5(fixture("sequence_layers"))
    x = np.load(os.path.join(HERE, "expected.npz"))["x_sequence_layers"]
    masked = model.predict(x, verbose=0)
    model.layers[0].mask_value = 12345.0
    assert not np.allclose(model.predict(x, verbose=0), masked)


def test_bidirectional_merge_modes_and_backward_layer():
    model = load_model_from_hdf5(fixture("bidi_merge_modes"))
    bidis = [layer for layer in model.layers if type(layer).__name__ == "Bidirectional"]
    assert [b.merge_mode for b in bidis] == ["sum", "mul", "ave", "concat", "concat"]
    explicit = bidis[3]
    assert type(explicit.forward_layer).__name__ == "LSTM"
    assert type(explicit.backward_layer).__name__ == "GRU"
    assert explicit.backward_layer.name == "gru_3"
    assert not bidis[4].forward_layer.cell.reset_after


def test_gru_reset_after_false_and_rnn_options():
    model = load_model_from_hdf5(fixture("rnn_options"))
    lstm, gru, rnn = model.layers[:3]
    assert lstm.go_backwards and not lstm.cell.unit_forget_bias
    assert not gru.cell.use_bias and len(gru.variables) == 2
    assert rnn.cell.kernel_regularizer.get_config()["l2"] == pytest.approx(0.01)


@pytest.mark.parametrize("name", CASES)
def test_load_weights_of_a_keras3_file_into_an_nnlite_model(name, expected):
    model = native(name)
    load_weights_from_hdf5(model, fixture(name))
    assert_predicts(model, expected, name)


@pytest.mark.parametrize("name", RNN_CASES)
def test_load_weights_by_name(name, expected):
    model = native(name)
    load_weights_from_hdf5(model, fixture(name), by_name=True)
    assert_predicts(model, expected, name)


def test_load_model_through_the_public_api(expected):
    model = nnlite.saving.load_model(fixture("embed_bilstm_gru"))
    assert_predicts(model, expected, "embed_bilstm_gru")


# -- nnlite's files ---------------------------------------------------------------------------
@pytest.mark.parametrize("name", CASES)
def test_nnlite_round_trip_of_a_keras3_file(name, tmp_path, expected):
    path = str(tmp_path / "m.h5")
    save_model_to_hdf5(load_model_from_hdf5(fixture(name)), path)
    assert_predicts(load_model_from_hdf5(path), expected, name)


@pytest.mark.parametrize("name", RNN_CASES)
def test_nnlite_weights_only_round_trip(name, tmp_path, expected):
    path = str(tmp_path / "w.h5")
    save_weights_to_hdf5(load_model_from_hdf5(fixture(name)), path)
    model = native(name)
    load_weights_from_hdf5(model, path)
    assert_predicts(model, expected, name)


def test_nnlite_save_through_the_public_api(tmp_path, expected):
    path = str(tmp_path / "m.h5")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        load_model_from_hdf5(fixture("embed_bilstm_gru")).save(path)
    model = nnlite.saving.load_model(path)
    assert model.inputs[0].dtype == "int32"
    assert_predicts(model, expected, "embed_bilstm_gru")


def test_bidirectional_merge_mode_none_round_trips(tmp_path):
    nnlite.utils.set_random_seed(3)
    model = nnlite.Sequential([nnlite.Input((5, 3)),
                               L.Bidirectional(L.GRU(2), merge_mode=None)])
    path = str(tmp_path / "m.h5")
    save_model_to_hdf5(model, path)
    x = np.random.default_rng(0).normal(size=(3, 5, 3)).astype("float32")
    a, b = model.predict(x, verbose=0), load_model_from_hdf5(path).predict(x, verbose=0)
    assert len(a) == len(b) == 2
    for u, v in zip(a, b):
        np.testing.assert_array_equal(u, v)


def _layout(path):
    """Every group and dataset: path -> (attr names, shape, dtype kind, weight_names)."""
    out = {}
    with h5py.File(path, "r") as f:
        out["/"] = (sorted(f.attrs), None, None, None)

        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                out[name] = (sorted(obj.attrs), obj.shape, obj.dtype.kind, None)
            else:
                names = _weight_names(obj) if "weight_names" in obj.attrs else None
                layers = [_str(n) for n in obj.attrs["layer_names"]] \
                    if "layer_names" in obj.attrs else None
                out[name] = (sorted(obj.attrs), layers, None, names)
        f.visititems(visit)
    return out


@pytest.mark.parametrize("name", CASES)
def test_nnlite_file_has_the_layout_keras3_writes(name, tmp_path):
    # datasets at the same paths (`<layer>/<model>/<layer>/<cell>/kernel`, ...), the same
    # `layer_names`, `weight_names`, attributes, shapes and dtypes as Keras's file
    path = str(tmp_path / "m.h5")
    save_model_to_hdf5(native(name), path)
    ours = _layout(path)
    theirs = {k: v for k, v in _layout(fixture(name)).items()
              if not k.startswith("optimizer_weights")}    # optimizer state is not written
    assert ours == theirs


def test_nnlite_weight_names_of_wrapped_and_recurrent_layers(tmp_path):
    path = str(tmp_path / "m.h5")
    save_model_to_hdf5(native("embed_bilstm_gru"), path)
    with h5py.File(path) as f:
        g = f["model_weights"]
        assert _weight_names(g["bidirectional"])[0] == \
            "sequential/bidirectional/forward_lstm/lstm_cell/kernel"
        assert _weight_names(g["bidirectional"])[3] == \
            "sequential/bidirectional/backward_lstm/lstm_cell/kernel"
        assert g["gru/sequential/gru/gru_cell/bias"].shape == (2, 6)
        assert "embedding/sequential/embedding/embeddings" in g


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


# What nnlite leaves out on purpose (tf.keras 2 rejects them; every reader fills them in):
# DTypePolicy dicts become plain dtype strings, and arguments at Keras 3-only defaults
_DROPPED_LEAVES = ("input_axes", "output_axes", "quantization_config")


def _dropped_on_purpose(key):
    parts = key.split(".")
    if parts[-1] in _DROPPED_LEAVES:
        return True
    return "dtype" in parts[:-1]        # the inside of a DTypePolicy dict


@pytest.mark.parametrize("name", CASES)
def test_nnlite_model_config_has_keras3_class_names_and_keys(name, tmp_path):
    path = str(tmp_path / "m.h5")
    save_model_to_hdf5(native(name), path)
    with h5py.File(path) as f, h5py.File(fixture(name)) as g:
        ours, theirs = json.loads(f.attrs["model_config"]), json.loads(g.attrs["model_config"])
        assert ("training_config" in f.attrs) == ("training_config" in g.attrs)
    assert ours["class_name"] == theirs["class_name"] == "Sequential"
    assert ours["config"]["name"] == theirs["config"]["name"]
    assert ours["config"]["build_input_shape"] == theirs["config"]["build_input_shape"]
    a, b = ours["config"]["layers"], theirs["config"]["layers"]
    assert [e["class_name"] for e in a] == [e["class_name"] for e in b]
    assert [e["config"]["name"] for e in a[1:]] == [e["config"]["name"] for e in b[1:]]
    for x, y in zip(a, b):
        assert sorted(x) == sorted(y) == ["class_name", "config"]
        ka, kb = _keys(x["config"]), _keys(y["config"])
        if x["class_name"] == "InputLayer":    # the name both tf.keras 2 and Keras 3 read
            assert x["config"]["batch_input_shape"] == y["config"]["batch_shape"]
            assert x["config"]["dtype"] == y["config"]["dtype"]
            ka, kb = ka - {"batch_input_shape"}, kb - {"batch_shape"}
        assert not ka - kb, (x["class_name"], ka - kb)
        missing = {k for k in kb - ka if not _dropped_on_purpose(k)}
        assert not missing, (x["class_name"], missing)
        for key in ("layer", "backward_layer"):     # wrapped layers: class and names too
            if key in y["config"]:
                assert x["config"][key]["class_name"] == y["config"][key]["class_name"]
                assert x["config"][key]["config"]["name"] == y["config"][key]["config"]["name"]
                assert x["config"][key].get("build_config") == y["config"][key].get("build_config")


# -- damaged and hostile files -----------------------------------------------------------------
def test_unsupported_input_dtype_is_named(tmp_path):
    path = copy_fixture(tmp_path, "embed_bilstm_gru")

    def complex_ids(layers):
        layers[0]["config"]["dtype"] = "complex64"
    edit_model_config(path, complex_ids)
    with pytest.raises(ValueError, match="input_layer.*input dtype 'complex64' is not supported"):
        load_model_from_hdf5(path)


def test_integer_dtype_of_a_computing_layer_is_refused(tmp_path):
    path = copy_fixture(tmp_path, "embed_bilstm_gru")

    def int_gru(layers):
        layers[3]["config"]["dtype"] = "int32"
    edit_model_config(path, int_gru)
    with pytest.raises(ValueError, match="'gru'.*dtype 'int32' is not supported"):
        load_model_from_hdf5(path)


def test_unknown_class_inside_a_wrapper_is_named(tmp_path):
    path = copy_fixture(tmp_path, "embed_bilstm_gru")

    def evil(layers):
        layers[2]["config"]["backward_layer"]["class_name"] = "EvilRNN"
    edit_model_config(path, evil)
    with pytest.raises(ValueError, match="bidirectional.*backward_layer.*unknown layer class "
                                         "'EvilRNN'"):
        load_model_from_hdf5(path)


def test_unknown_initializer_inside_a_wrapper_is_named(tmp_path):
    path = copy_fixture(tmp_path, "embed_bilstm_gru")

    def evil(layers):
        layers[2]["config"]["layer"]["config"]["kernel_initializer"] = {
            "class_name": "EvilInit", "config": {}}
    edit_model_config(path, evil)
    with pytest.raises(ValueError, match="forward_lstm.*EvilInit"):
        load_model_from_hdf5(path)


@pytest.mark.parametrize("safe_mode", [True, False])
def test_lambda_inside_time_distributed_is_refused_without_unmarshalling(safe_mode, tmp_path,
                                                                         monkeypatch):
    path = copy_fixture(tmp_path, "sequence_layers")

    def lam(layers):
        layers[3]["config"]["layer"] = {
            "class_name": "Lambda",
            "config": {"name": "lambda", "function": ["4wEAAAAAAAAA", None, None],
                       "function_type": "lambda"}}
    edit_model_config(path, lam)

    def never(*args):
        raise AssertionError("bytecode from the file was unmarshalled")
    monkeypatch.setattr(marshal, "loads", never)
    with pytest.raises(ValueError, match="time_distributed.*Lambda.*never runs code"):
        load_model_from_hdf5(path, safe_mode=safe_mode)


def test_reset_after_not_matching_the_bias_names_the_shapes(tmp_path):
    path = copy_fixture(tmp_path, "embed_bilstm_gru")

    def flip(layers):
        layers[3]["config"]["reset_after"] = False
    edit_model_config(path, flip)
    with pytest.raises(ValueError, match=r"gru_cell/bias.*\(2, 6\).*\(6,\)"):
        load_model_from_hdf5(path)


def test_bidirectional_units_not_matching_the_weights_names_the_shapes(tmp_path):
    path = copy_fixture(tmp_path, "embed_bilstm_gru")

    def widen(layers):
        layers[2]["config"]["layer"]["config"]["units"] = 5
    edit_model_config(path, widen)
    with pytest.raises(ValueError, match=r"forward_lstm/lstm_cell/kernel.*\(4, 12\).*\(4, 20\)"):
        load_model_from_hdf5(path)


def test_bidirectional_weight_count_mismatch_changes_nothing(tmp_path):
    path = copy_fixture(tmp_path, "embed_bilstm_gru")
    with h5py.File(path, "r+") as f:
        g = f["model_weights/bidirectional"]
        g.attrs["weight_names"] = g.attrs["weight_names"][:5]
    model = native("embed_bilstm_gru")
    before = model.get_weights()
    with pytest.raises(ValueError, match="bidirectional.*has 6 weights.*holds 5"):
        load_weights_from_hdf5(model, path)
    for old, new in zip(before, model.get_weights()):
        np.testing.assert_array_equal(old, new)


def test_missing_nested_weight_dataset_is_named(tmp_path):
    path = copy_fixture(tmp_path, "embed_bilstm_gru")
    with h5py.File(path, "r+") as f:
        del f["model_weights/bidirectional/sequential/bidirectional/backward_lstm/lstm_cell/bias"]
    with pytest.raises(ValueError, match="backward_lstm/lstm_cell/bias.*missing"):
        load_model_from_hdf5(path)


def test_nested_dataset_without_stored_data_is_refused(tmp_path):
    path = copy_fixture(tmp_path, "sequence_layers")
    with h5py.File(path, "r+") as f:
        g = f["model_weights/time_distributed/sequential_1/time_distributed/dense_1"]
        del g["kernel"]
        g.create_dataset("kernel", shape=(4, 2), dtype="f4")
    with pytest.raises(ValueError, match="dense_1/kernel.*holds no data"):
        load_model_from_hdf5(path)


def test_tf_keras2_style_recurrent_configs_load(tmp_path, expected):
    # tf.keras 2 writes nested layers without `module`, dtypes as strings, and the
    # recurrent arguments `time_major` and `implementation`
    path = copy_fixture(tmp_path, "embed_bilstm_gru")

    def old_style(layers):
        for entry in layers[1:]:
            cfg = entry["config"]
            cfg["dtype"] = "float32"
            for key in ("layer", "backward_layer"):
                if key in cfg:
                    cfg[key] = {"class_name": cfg[key]["class_name"],
                                "config": dict(cfg[key]["config"], dtype="float32",
                                               time_major=False, implementation=2)}
            if entry["class_name"] == "GRU":
                cfg.update(time_major=False, implementation=2)
    edit_model_config(path, old_style)
    assert_predicts(load_model_from_hdf5(path), expected, "embed_bilstm_gru")


def test_time_major_true_is_not_implemented(tmp_path):
    path = copy_fixture(tmp_path, "embed_bilstm_gru")

    def time_major(layers):
        layers[3]["config"]["time_major"] = True
    edit_model_config(path, time_major)
    with pytest.raises(NotImplementedError, match="'gru'.*time_major"):
        load_model_from_hdf5(path)
