"""Functional get_config / from_config in Keras 3's layout, and save/load."""
import json

import numpy as np
import pytest

import nnlite
from nnlite import layers
from nnlite.backend.naming import clear_session
from nnlite.layers import Dense, Input
from nnlite.models import Functional, Model
from nnlite.saving import deserialize_keras_object, serialize_keras_object

FLOAT32_POLICY = {"module": "keras", "class_name": "DTypePolicy",
                  "config": {"name": "float32"}, "registered_name": None}


@pytest.fixture(autouse=True)
def fresh_names():
    clear_session()


def kt(shape, layer, node=0, tensor=0, dtype="float32"):
    return {"class_name": "__keras_tensor__",
            "config": {"shape": list(shape), "dtype": dtype,
                       "keras_history": [layer, node, tensor]}}


def test_input_layer_entry_as_keras_writes_it():
    x = Input((3,), name="x")
    model = Model(x, Dense(2, name="d")(x))
    entry = model.get_config()["layers"][0]
    assert entry == {"module": "keras.layers", "class_name": "InputLayer",
                     "config": {"batch_shape": [None, 3], "dtype": "float32", "sparse": False,
                                "ragged": False, "name": "x", "optional": False},
                     "registered_name": None, "name": "x", "inbound_nodes": []}


def test_config_top_level_and_single_tensor_triples():
    x = Input((3,), name="x")
    model = Model(x, Dense(2, name="d")(x), name="f")
    config = model.get_config()
    assert sorted(config) == ["input_layers", "layers", "name", "output_layers", "trainable"]
    assert config["name"] == "f" and config["trainable"] is True
    assert config["input_layers"] == ["x", 0, 0]
    assert config["output_layers"] == ["d", 0, 0]
    dense = config["layers"][1]
    assert dense["name"] == "d" and dense["class_name"] == "Dense"
    assert dense["inbound_nodes"] == [{"args": [kt((None, 3), "x")], "kwargs": {}}]


def test_list_inputs_give_lists_of_triples_and_concatenate_nests_a_list():
    a, b = Input((3,), name="a"), Input((2,), name="b")
    out = layers.Concatenate(name="cat")([a, b])
    config = Model([a, b], [out]).get_config()
    assert config["input_layers"] == [["a", 0, 0], ["b", 0, 0]]
    assert config["output_layers"] == [["cat", 0, 0]]
    cat = [l for l in config["layers"] if l["name"] == "cat"][0]
    assert cat["inbound_nodes"] == [{"args": [[kt((None, 3), "a"), kt((None, 2), "b")]],
                                     "kwargs": {}}]
    assert cat["config"] == {"name": "cat", "trainable": True, "dtype": FLOAT32_POLICY,
                             "axis": -1}


def test_shared_layer_has_one_inbound_node_per_call_and_kwargs_are_kept():
    a, b = Input((3,), name="a"), Input((3,), name="b")
    shared = Dense(2, name="shared")
    drop = layers.Dropout(0.5, name="drop")
    out = layers.add([shared(a), drop(shared(b), training=True)], name="sum")
    config = Model([a, b], out).get_config()
    by_name = {l["name"]: l for l in config["layers"]}
    assert by_name["shared"]["inbound_nodes"] == [
        {"args": [kt((None, 3), "a")], "kwargs": {}},
        {"args": [kt((None, 3), "b")], "kwargs": {}}]
    assert by_name["drop"]["inbound_nodes"] == [
        {"args": [kt((None, 2), "shared", 1)], "kwargs": {"training": True}}]
    assert by_name["sum"]["inbound_nodes"][0]["args"] == [
        [kt((None, 2), "shared", 0), kt((None, 2), "drop")]]


def test_config_is_json_and_from_config_rebuilds_the_same_function():
    a, b = Input((3,), name="a"), Input((2,), name="b")
    shared = Dense(4, name="shared", activation="relu")
    h = layers.concatenate([shared(layers.Dense(3, name="pa")(a)), shared(Dense(3, name="pb")(b))])
    model = Model([a, b], Dense(1, name="o")(h), name="m")
    config = json.loads(json.dumps(model.get_config()))
    clone = Functional.from_config(config)
    assert [l.name for l in clone.layers] == [l.name for l in model.layers]
    assert clone.name == "m" and len(clone.weights) == len(model.weights)
    clone.set_weights(model.get_weights())
    xa, xb = np.random.rand(5, 3), np.random.rand(5, 2)
    np.testing.assert_array_equal(np.asarray(clone([xa, xb])), np.asarray(model([xa, xb])))


def test_serialize_and_deserialize_keras_object():
    x = Input((3,), name="x")
    model = Model(x, Dense(2, name="d")(x), name="f")
    data = serialize_keras_object(model)
    assert data["module"] == "keras.src.models.functional"
    assert data["class_name"] == "Functional"
    rebuilt = deserialize_keras_object(json.loads(json.dumps(data)))
    assert isinstance(rebuilt, Functional) and rebuilt.output_shape == (None, 2)


def test_keras_written_config_loads():
    # the layout Keras 3 writes for Input(3) -> Dense(2) -> Dense(1)
    config = {
        "module": "keras.src.models.functional", "class_name": "Functional",
        "registered_name": "Functional",
        "config": {
            "name": "functional", "trainable": True,
            "layers": [
                {"module": "keras.layers", "class_name": "InputLayer",
                 "config": {"batch_shape": [None, 3], "dtype": "float32", "sparse": False,
                            "ragged": False, "name": "input_layer", "optional": False},
                 "registered_name": None, "name": "input_layer", "inbound_nodes": []},
                {"module": "keras.layers", "class_name": "Dense",
                 "config": {"name": "dense", "trainable": True, "dtype": FLOAT32_POLICY,
                            "units": 2, "activation": "relu", "use_bias": True},
                 "registered_name": None, "build_config": {"input_shape": [None, 3]},
                 "name": "dense",
                 "inbound_nodes": [{"args": [kt((None, 3), "input_layer")], "kwargs": {}}]},
                {"module": "keras.layers", "class_name": "Dense",
                 "config": {"name": "dense_1", "trainable": True, "dtype": FLOAT32_POLICY,
                            "units": 1, "activation": "linear", "use_bias": True},
                 "registered_name": None, "build_config": {"input_shape": [None, 2]},
                 "name": "dense_1",
                 "inbound_nodes": [{"args": [kt((None, 2), "dense")], "kwargs": {}}]}],
            "input_layers": [["input_layer", 0, 0]],
            "output_layers": [["dense_1", 0, 0]]},
        "build_config": {"input_shape": None}, "compile_config": None}
    model = deserialize_keras_object(config)
    assert isinstance(model, Functional)
    assert [l.name for l in model.layers] == ["input_layer", "dense", "dense_1"]
    assert model(np.ones((2, 3))).shape == (2, 1)


def test_save_and_load_keras_archive(tmp_path):
    a, b = Input((3,), name="a"), Input((3,), name="b")
    shared = Dense(2, name="shared")
    out = Dense(1, name="o")(layers.subtract([shared(a), shared(b)]))
    model = Model([a, b], out, name="siamese")
    model.compile(optimizer="adam", loss="mse")
    path = str(tmp_path / "m.keras")
    model.save(path)
    loaded = nnlite.models.load_model(path)
    assert isinstance(loaded, Functional) and loaded.name == "siamese"
    for w, v in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_array_equal(w, v)
    xa, xb = np.random.rand(4, 3), np.random.rand(4, 3)
    np.testing.assert_array_equal(np.asarray(loaded([xa, xb])), np.asarray(model([xa, xb])))


def test_op_layers_round_trip():
    x = Input((4,), name="x")
    model = Model(x, (2.0 - x[:, 1:3]) * x[:, :2])
    clone = Functional.from_config(json.loads(json.dumps(model.get_config())))
    data = np.random.rand(3, 4).astype("float32")
    np.testing.assert_allclose(np.asarray(clone(data)), (2 - data[:, 1:3]) * data[:, :2],
                               rtol=1e-6)
