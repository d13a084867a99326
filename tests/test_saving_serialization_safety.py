"""Custom objects and safety of deserialize_keras_object.

Formats of custom objects checked against Keras 3.15.1 (run in /work/kerasenv):
a class registered with `register_keras_serializable(package="my")` is written
`{"module": None, "class_name": "Scale", ..., "registered_name": "my>Scale"}`,
an unregistered one with `"registered_name": "<ClassName>"`, and a registered
function `{"module": "builtins", "class_name": "function", "config":
"Custom>myact", "registered_name": "function"}`; an unknown class raises
TypeError "Could not locate class 'system'...".
"""
import builtins
import importlib
import json

import numpy as np
import pytest

import nnlite
from nnlite import saving
from nnlite.layers import Dense, Input, Layer
from nnlite.models import Sequential, model_from_json
from nnlite.saving import (custom_object_scope, deserialize_keras_object,
                           get_registered_name, get_registered_object,
                           register_keras_serializable, serialize_keras_object)


@register_keras_serializable(package="my")
class Scale(Layer):
    def __init__(self, k=2.0, **kwargs):
        super().__init__(**kwargs)
        self.k = k

    def call(self, inputs, training=False):
        return inputs * self.k

    def get_config(self):
        config = super().get_config()
        config["k"] = self.k
        return config


class Unregistered(nnlite.regularizers.Regularizer):
    def __init__(self, factor=1.0):
        self.factor = factor

    def __call__(self, x):
        return self.factor * float(np.sum(x))

    def get_config(self):
        return {"factor": self.factor}


@register_keras_serializable()
def myact(x):
    return x


# -- custom objects ------------------------------------------------------------
def test_registered_class_is_written_as_keras_writes_it():
    config = serialize_keras_object(Scale(3.0, name="s"))
    assert config["module"] is None
    assert config["class_name"] == "Scale"
    assert config["registered_name"] == "my>Scale"
    assert config["config"]["k"] == 3.0


def test_registered_class_is_found_again():
    layer = deserialize_keras_object(serialize_keras_object(Scale(3.0)))
    assert type(layer) is Scale and layer.k == 3.0


def test_registry_lookups():
    assert get_registered_name(Scale) == "my>Scale"
    assert get_registered_object("my>Scale") is Scale
    assert get_registered_name(Unregistered) == "Unregistered"
    assert get_registered_object("Unregistered") is None


def test_registered_function_is_written_as_keras_writes_it():
    assert serialize_keras_object(myact) == {"module": "builtins", "class_name": "function",
                                             "config": "Custom>myact",
                                             "registered_name": "function"}
    assert deserialize_keras_object(serialize_keras_object(myact)) is myact


def test_dense_with_registered_activation_round_trips():
    layer = Dense(2, activation=myact)
    assert layer.get_config()["activation"]["config"] == "Custom>myact"
    again = Dense.from_config(layer.get_config())
    assert again.activation is myact


def test_unregistered_class_needs_custom_objects():
    config = serialize_keras_object(Unregistered(0.5))
    assert config["registered_name"] == "Unregistered" and config["module"] is None
    with pytest.raises(TypeError, match="Could not locate class 'Unregistered'"):
        deserialize_keras_object(config)
    obj = deserialize_keras_object(config, custom_objects={"Unregistered": Unregistered})
    assert type(obj) is Unregistered and obj.factor == 0.5


def test_custom_object_scope_resolves_nested_objects():
    model = Sequential([Input((3,)), Dense(2, kernel_regularizer=Unregistered(0.25))])
    text = model.to_json()
    with pytest.raises(TypeError, match="Unregistered"):
        model_from_json(text)
    with custom_object_scope({"Unregistered": Unregistered}):
        again = model_from_json(text)
    assert again.layers[0].kernel_regularizer.factor == 0.25
    again = model_from_json(text, custom_objects={"Unregistered": Unregistered})
    assert again.layers[0].kernel_regularizer.factor == 0.25


def test_saving_exports_keras_names():
    for name in ("serialize_keras_object", "deserialize_keras_object",
                 "register_keras_serializable", "get_registered_object",
                 "get_registered_name", "CustomObjectScope", "custom_object_scope"):
        assert hasattr(saving, name)
    assert nnlite.saving is saving


# -- safety --------------------------------------------------------------------
@pytest.fixture
def no_imports(monkeypatch):
    """Fails the test if anything is imported while it runs."""
    real_import = builtins.__import__
    seen = []

    def spy(name, *args, **kwargs):
        if name in ("os", "subprocess", "sys", "importlib", "pickle", "marshal"):
            seen.append(name)
        return real_import(name, *args, **kwargs)

    def refuse(name, *args, **kwargs):
        raise AssertionError("importlib.import_module(%r) was called" % (name,))

    # warm the lazy tables so that only the call under test is watched
    deserialize_keras_object({"module": "keras.regularizers", "class_name": "L2",
                              "config": {"l2": 0.1}, "registered_name": None})
    monkeypatch.setattr(builtins, "__import__", spy)
    monkeypatch.setattr(importlib, "import_module", refuse)
    yield seen
    assert seen == [], "imported %s" % seen


@pytest.mark.parametrize("module,class_name", [
    ("os", "system"), ("subprocess", "Popen"), ("builtins", "eval"),
    ("keras.layers", "NoSuchLayer"), ("nnlite._core", "lib"), (None, "os.system")])
def test_unknown_class_raises_and_imports_nothing(no_imports, module, class_name):
    config = {"module": module, "class_name": class_name, "config": {"args": ["ls"]},
              "registered_name": None}
    with pytest.raises(TypeError, match="Could not locate class '%s'" % class_name):
        deserialize_keras_object(config)


def test_unknown_function_raises_and_imports_nothing(no_imports):
    config = {"module": "os", "class_name": "function", "config": "system",
              "registered_name": "function"}
    with pytest.raises(TypeError, match="Could not locate function 'system'"):
        deserialize_keras_object(config)


def test_error_lists_known_classes():
    with pytest.raises(TypeError, match="Dense"):
        deserialize_keras_object({"module": "keras.layers", "class_name": "Conv9D",
                                  "config": {}, "registered_name": None})


LAMBDA_LAYER = {"module": "keras.layers", "class_name": "Lambda", "registered_name": None,
                "config": {"name": "lambda", "function": {
                    "class_name": "__lambda__",
                    "config": {"code": "4wEAAAAAAAAAAAAAAAEAAAADAAAA8wwAAACXAHwAZAF6BQAAUwApAk7p"
                                       "AgAAAKkAKQHaAXhzAQAAACD6CDxzdGRpbj76CDxsYW1iZGE+cgUAAAA"
                                       "BAAAAcwcAAACAANgLDIhxiTWAAHIDAAAA",
                               "defaults": None, "closure": None}}}}


def test_lambda_layer_is_refused_for_safety(no_imports):
    with pytest.raises(ValueError, match="disallowed by default"):
        deserialize_keras_object(LAMBDA_LAYER)


def test_lambda_layer_is_unsupported_without_safe_mode(no_imports):
    with pytest.raises(NotImplementedError, match="never runs bytecode"):
        deserialize_keras_object(LAMBDA_LAYER, safe_mode=False)


def test_lambda_function_config_is_refused(no_imports):
    with pytest.raises(ValueError, match="safe_mode"):
        deserialize_keras_object(LAMBDA_LAYER["config"]["function"])


def test_lambda_inside_a_model_is_refused(no_imports):
    config = {"module": "keras", "class_name": "Sequential", "registered_name": None,
              "config": {"name": "m", "layers": [LAMBDA_LAYER]}}
    with pytest.raises(ValueError, match="Lambda"):
        deserialize_keras_object(config)


def test_serializing_a_lambda_raises():
    with pytest.raises(ValueError, match="lambda"):
        serialize_keras_object(lambda x: x)


@pytest.mark.parametrize("config", [
    {"module": "keras.layers", "class_name": 3, "config": {}},
    {"module": 5, "class_name": "Dense", "config": {"units": 1}},
    {"module": "keras.layers", "class_name": "Dense", "config": [1, 2]},
    {"module": "keras.layers", "class_name": "Dense", "config": "units=1"},
])
def test_malformed_config_raises_type_error(config):
    with pytest.raises(TypeError, match="Malformed|must be"):
        deserialize_keras_object(config)


def test_missing_required_argument_names_the_class():
    with pytest.raises(TypeError, match="Dense could not be deserialized"):
        deserialize_keras_object({"module": "keras.layers", "class_name": "Dense",
                                  "config": {}, "registered_name": None})


def test_unknown_layer_key_raises():
    with pytest.raises(ValueError, match="bogus"):
        deserialize_keras_object({"module": "keras.layers", "class_name": "Dense",
                                  "config": {"units": 2, "bogus": 1},
                                  "registered_name": None})


def test_wrong_value_type_raises():
    with pytest.raises((TypeError, ValueError)):
        deserialize_keras_object({"module": "keras.layers", "class_name": "Dense",
                                  "config": {"units": "many"}, "registered_name": None})


def test_quantized_dense_is_refused():
    with pytest.raises(NotImplementedError, match="quantization_config"):
        Dense.from_config({"units": 2, "quantization_config": {"mode": "int8"}})


@pytest.mark.parametrize("layers", [None, "Dense", [1], [{"units": 2}],
                                    [{"class_name": "L2", "config": {"l2": 0.1},
                                      "module": "keras.regularizers"}]])
def test_malformed_sequential_layers_raise(layers):
    config = {"module": "keras", "class_name": "Sequential", "registered_name": None,
              "config": {"name": "m", "layers": layers}}
    with pytest.raises(TypeError):
        deserialize_keras_object(config)


def test_model_from_json_rejects_non_json():
    with pytest.raises(ValueError, match="JSON"):
        model_from_json("{not json")


def test_compile_config_with_unknown_key_raises():
    model = Sequential([Input((2,)), Dense(1)])
    with pytest.raises(ValueError, match="exec"):
        model.compile_from_config({"optimizer": "sgd", "loss": "mse", "exec": "rm -rf"})


def test_custom_objects_must_be_a_dict():
    with pytest.raises(TypeError, match="custom_objects"):
        deserialize_keras_object({"a": 1}, custom_objects=["Scale"])



def test_functional_model_config_without_input_layers_is_refused_naming_the_key():
    config = {"module": "keras.src.models.functional", "class_name": "Functional",
              "config": {"name": "f", "layers": []}, "registered_name": "Functional"}
    with pytest.raises(TypeError, match="input_layers"):
        deserialize_keras_object(config)
