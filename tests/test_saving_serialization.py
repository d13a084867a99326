"""serialize_keras_object / deserialize_keras_object against what Keras 3 writes.

The reference, tests/reference/keras_configs.json, was written by real Keras
3.15.1 (TensorFlow 2.21, CPU) with tests/reference/make_config_reference.py;
each case holds the constructor call and Keras's serialization of the object.

Compared exactly, after a JSON round trip (tuples -> lists), except that an
automatic name's counter suffix (`dropout_1` vs `dropout`: the counters are
global to each process) is dropped on both sides. Also ignored, and only
there: `build_config` of a weightless layer (Activation, LeakyReLU, Reshape)
that the reference built standalone: Keras records a shape when `build()` is
called on such a layer directly but not when a model builds it, and nnlite
follows the model case. No `shared_object_id` or version field appears in these
configs (the version is the file's top-level `keras_version`, not compared).
"""
import json
import os
import re

import pytest

import nnlite
from nnlite.models import Sequential, model_from_json
from nnlite.saving import deserialize_keras_object, serialize_keras_object

HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, "reference", "keras_configs.json")) as _f:
    REF = json.load(_f)

CASES = REF["cases"]
IDS = ["%s.%s-%d" % (c["area"], c["class_name"], i) for i, c in enumerate(CASES)]
# built standalone in the reference; see the module docstring
_STANDALONE_BUILT_WEIGHTLESS = ("Activation", "LeakyReLU", "Reshape")


def _unsupported(case):
    """Keras options nnlite refuses on purpose (an error, never silently ignored)."""
    return case["kwargs"].get("use_ema")


def _make(case):
    module = nnlite
    for part in case["area"].split("."):
        module = getattr(module, part)
    kwargs = dict(case["kwargs"])
    if isinstance(kwargs.get("learning_rate"), dict):     # a schedule, as in the generator
        kwargs["learning_rate"] = deserialize_keras_object(kwargs["learning_rate"])
    obj = getattr(module, case["class_name"])(**kwargs)
    if case["build"] is not None:
        obj.build(tuple(case["build"]))
    return obj


def _json(obj):
    return json.loads(json.dumps(obj))


def _normalized(case, config):
    """`config` after a JSON round trip, with an automatic name's `_N` suffix dropped
    (Keras and nnlite number `dense_1`, `auc_2`, ... by what the process made before)."""
    config = _json(config)
    inner = config.get("config")
    if "name" not in case["kwargs"] and isinstance(inner, dict) and \
            isinstance(inner.get("name"), str) and \
            case["area"] in ("layers", "optimizers", "metrics"):
        inner["name"] = re.sub(r"_\d+$", "", inner["name"])
    return config


def _expected(case):
    expected = _normalized(case, case["keras"])
    if case["class_name"] in _STANDALONE_BUILT_WEIGHTLESS:
        expected.pop("build_config", None)
    return expected


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_serialize_matches_keras(case):
    if _unsupported(case):
        with pytest.raises(NotImplementedError):
            _make(case)
        return
    assert _normalized(case, serialize_keras_object(_make(case))) == _expected(case)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_deserialize_keras_config_gives_same_config(case):
    if _unsupported(case):
        with pytest.raises(NotImplementedError):
            deserialize_keras_object(case["keras"])
        return
    obj = deserialize_keras_object(case["keras"])
    assert type(obj).__name__ == case["class_name"]
    assert _normalized(case, serialize_keras_object(obj)) == _expected(case)


@pytest.mark.parametrize("case", [c for c in CASES if not _unsupported(c)],
                         ids=[i for i, c in zip(IDS, CASES) if not _unsupported(c)])
def test_round_trip_through_json_text(case):
    obj = _make(case)
    text = json.dumps(serialize_keras_object(obj))
    again = deserialize_keras_object(json.loads(text))
    assert type(again) is type(obj)
    assert json.dumps(serialize_keras_object(again)) == text


def test_deserialized_layer_is_built_from_build_config():
    case = next(c for c in CASES if c["class_name"] == "Dense" and c["build"])
    layer = deserialize_keras_object(case["keras"])
    assert layer.built
    assert layer.kernel.shape == (5, 4)


@pytest.mark.parametrize("name", sorted(REF["activations"]))
def test_activation_function_serializes_as_keras(name):
    fn = nnlite.activations.get(name)
    assert serialize_keras_object(fn) == REF["activations"][name]
    assert deserialize_keras_object(REF["activations"][name]) is fn


@pytest.mark.parametrize("name", sorted(REF["dense_activation"]))
def test_dense_writes_activation_string_as_keras(name):
    layer = nnlite.layers.Dense(1, activation=name)
    assert layer.get_config()["activation"] == REF["dense_activation"][name]


@pytest.mark.parametrize("name", sorted(REF["loss_functions"]))
def test_loss_function_serializes_as_keras(name):
    fn = getattr(nnlite.losses, name)
    assert serialize_keras_object(fn) == REF["loss_functions"][name]
    assert deserialize_keras_object(REF["loss_functions"][name]) is fn


def test_plain_values_tuples_and_numpy_scalars():
    import numpy as np
    assert serialize_keras_object((1, 2.5, "a")) == REF["tuple"]
    out = serialize_keras_object({"a": np.float32(0.5), "b": np.int64(3), "c": None})
    assert out == {"a": 0.5, "b": 3, "c": None}
    assert type(out["a"]) is float and type(out["b"]) is int


def test_numpy_array_round_trips():
    import numpy as np
    arr = np.arange(6, dtype="float32").reshape(2, 3)
    config = serialize_keras_object(arr)
    assert config == {"class_name": "__numpy__",
                      "config": {"value": arr.tolist(), "dtype": "float32"}}
    back = deserialize_keras_object(config)
    assert back.dtype == np.float32 and (back == arr).all()


def test_dtype_policy_config_is_accepted():
    policy = {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float64"},
              "registered_name": None}
    assert deserialize_keras_object(policy) == "float64"
    layer = nnlite.layers.Dense.from_config({"units": 2, "dtype": policy})
    assert layer.dtype == "float64"
    layer = nnlite.layers.Dense.from_config({"units": 2, "dtype": "float64"})
    assert layer.dtype == "float64"


def test_mixed_precision_policy_is_refused():
    policy = {"module": "keras", "class_name": "DTypePolicy",
              "config": {"name": "mixed_float16"}, "registered_name": None}
    with pytest.raises(ValueError, match="mixed_float16"):
        nnlite.layers.Dense.from_config({"units": 2, "dtype": policy})


def test_shared_object_id_is_ignored():
    case = next(c for c in CASES if c["class_name"] == "L2")
    config = dict(case["keras"], shared_object_id=140234)
    assert deserialize_keras_object(config).get_config() == case["keras"]["config"]


# -- models --------------------------------------------------------------------
MODELS = REF["models"]


@pytest.mark.parametrize("entry", MODELS, ids=[m["name"] for m in MODELS])
def test_model_from_keras_json_writes_the_same_json(entry):
    model = model_from_json(entry["json"])
    assert json.loads(model.to_json()) == json.loads(entry["json"])


@pytest.mark.parametrize("entry", [m for m in MODELS if m["compile_config"]],
                         ids=[m["name"] for m in MODELS if m["compile_config"]])
def test_model_compile_config_matches_keras(entry):
    model = model_from_json(entry["json"])
    assert model.compiled
    assert _json(model.get_compile_config()) == entry["compile_config"]


def test_model_from_keras_json_restores_compiled_state():
    entry = next(m for m in MODELS if m["name"] == "bn_dropout_sgd_schedule")
    model = model_from_json(entry["json"])
    opt = model.optimizer
    assert type(opt).__name__ == "SGD"
    assert opt.get_config()["momentum"] == 0.9
    schedule = opt.get_config()["learning_rate"]
    assert schedule["class_name"] == "ExponentialDecay"
    assert schedule["config"]["staircase"] is True
    assert type(model.loss).__name__ == "BinaryCrossentropy"
    assert model.loss.get_config()["label_smoothing"] == 0.1
    assert model._compile_metrics[0] == "accuracy"
    assert type(model._compile_metrics[1]).__name__ == "AUC"
    assert model._compile_metrics[2] == "mae"
    assert [type(l).__name__ for l in model.layers] == [
        "Dense", "BatchNormalization", "Activation", "Dropout", "Dense"]
    assert model.layers[0].kernel.shape == (5, 6)


def test_model_from_keras_json_trains():
    import numpy as np
    entry = next(m for m in MODELS if m["name"] == "dense_adam")
    model = model_from_json(entry["json"])
    x = np.random.default_rng(0).normal(size=(16, 4)).astype("float32")
    y = np.eye(3, dtype="float32")[np.arange(16) % 3]
    history = model.fit(x, y, epochs=1, verbose=0)
    assert sorted(history.history) == ["accuracy", "loss"]


def test_compiled_model_round_trips_through_json():
    model = Sequential([nnlite.layers.Input((3,)), nnlite.layers.Dense(2, activation="relu"),
                        nnlite.layers.Dense(1)])
    schedule = nnlite.optimizers.schedules.CosineDecay(0.1, 50, alpha=0.2)
    model.compile(optimizer=nnlite.optimizers.AdamW(schedule, weight_decay=0.01),
                  loss=nnlite.losses.Huber(delta=2.0),
                  metrics=["mae", nnlite.metrics.RootMeanSquaredError()])
    text = model.to_json()
    again = model_from_json(text)
    assert again.to_json() == text
    assert again.optimizer.get_config() == model.optimizer.get_config()
    assert again.loss.get_config() == model.loss.get_config()


def test_loss_function_in_compile_config_round_trips():
    model = Sequential([nnlite.layers.Input((3,)), nnlite.layers.Dense(1)])
    model.compile(optimizer="sgd", loss=nnlite.losses.mean_squared_error)
    assert model.get_compile_config()["loss"] == REF["loss_functions"]["mean_squared_error"]
    again = model_from_json(model.to_json())
    assert again.loss is nnlite.losses.mean_squared_error


def test_uncompiled_model_compile_config_is_empty_as_in_keras():
    model = Sequential([nnlite.layers.Dense(1)])
    assert model.get_compile_config() == {}
    assert model.get_build_config() is None
    again = model_from_json(model.to_json())
    assert not again.compiled and not again.built


def test_build_config_round_trip():
    model = Sequential([nnlite.layers.Dense(2)])
    model.build((None, 7))
    assert model.get_build_config() == {"input_shape": [None, 7]}
    other = Sequential([nnlite.layers.Dense(2)])
    other.build_from_config(model.get_build_config())
    assert other.layers[0].kernel.shape == (7, 2)


def test_to_json_passes_json_kwargs():
    model = Sequential([nnlite.layers.Dense(1)])
    assert model.to_json(indent=2).startswith('{\n  "module": "keras"')


def test_model_from_tf_keras_2_json():
    # tf.keras 2 writes the dtype as a string, `batch_input_shape`, a one-element
    # list as BatchNormalization's axis and LeakyReLU's `alpha`
    with pytest.warns(UserWarning, match="alpha"):
        model = model_from_json(REF["tf_keras_model_json"])
    assert [type(l).__name__ for l in model.layers] == [
        "Dense", "BatchNormalization", "Dropout", "LeakyReLU", "Dense"]
    assert model.built and model.layers[0].kernel.shape == (3, 4)
    assert model.layers[0].kernel_regularizer.get_config()["l2"] == pytest.approx(0.01)
    assert model.layers[3].get_config()["negative_slope"] == pytest.approx(0.1)
    assert not model.compiled


def test_module_objects_choose_between_loss_and_metric():
    # a Keras 2 config has no "module": MeanSquaredError is both a loss and a metric
    config = {"class_name": "MeanSquaredError", "config": {"name": "mse", "dtype": "float32"}}
    metric = deserialize_keras_object(config, module_objects=nnlite.metrics.ALL_OBJECTS_DICT)
    assert isinstance(metric, nnlite.metrics.Metric)
    loss = deserialize_keras_object({"class_name": "MeanSquaredError", "config": {}},
                                    module_objects=nnlite.losses.ALL_OBJECTS_DICT)
    assert isinstance(loss, nnlite.losses.Loss)


def test_compile_from_config_builds_the_optimizer_of_a_built_model():
    # Keras 3.15.1: after compile_from_config on a built model, an Adam
    # optimizer holds iteration, learning_rate and m, v per weight
    entry = next(m for m in MODELS if m["name"] == "dense_adam")
    model = model_from_json(entry["json"])
    assert model.optimizer.built
    assert len(model.optimizer.variables) == 2 + 2 * len(model.trainable_weights)


def test_compile_flags_round_trip_through_the_compile_config():
    model = nnlite.Sequential([nnlite.Input((3,)), nnlite.layers.Dense(2)])
    model.compile("sgd", "mse", run_eagerly=True, steps_per_execution=4)
    config = model.get_compile_config()
    assert (config["run_eagerly"], config["steps_per_execution"], config["jit_compile"]) == \
        (True, 4, False)
    again = nnlite.Sequential([nnlite.Input((3,)), nnlite.layers.Dense(2)])
    again.compile_from_config(json.loads(json.dumps(config)))
    assert again.get_compile_config()["steps_per_execution"] == 4


def test_registered_custom_regularizer_on_a_layer_survives_get_config():
    # before: regularizers.serialize wrote module "keras.regularizers" and no
    # registered_name, so Dense.from_config could not find the class
    @nnlite.saving.register_keras_serializable(package="hc_clean_test")
    class HalfL1(nnlite.regularizers.Regularizer):
        def __init__(self, k=0.5):
            self.k = k

        def __call__(self, w):
            return self.k * abs(w).sum()

        def get_config(self):
            return {"k": self.k}

    assert nnlite.regularizers.serialize(HalfL1(0.25))["registered_name"] == "hc_clean_test>HalfL1"
    layer = nnlite.layers.Dense(2, kernel_regularizer=HalfL1(0.25))
    rebuilt = nnlite.layers.Dense.from_config(layer.get_config())
    assert isinstance(rebuilt.kernel_regularizer, HalfL1)
    assert rebuilt.kernel_regularizer.k == 0.25
