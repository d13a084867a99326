"""`nnlite.layers.serialize` / `deserialize` forward to serialization_lib, as
`keras.layers.serialize` / `deserialize` do in Keras 3."""
import pytest

import nnlite
from nnlite import layers


def test_serialize_gives_the_keras_shaped_dict():
    cfg = layers.serialize(layers.Dense(3, activation="relu", name="d"))
    assert cfg["module"] == "keras.layers"
    assert cfg["class_name"] == "Dense"
    assert cfg["config"]["units"] == 3
    assert cfg["config"]["name"] == "d"


def test_deserialize_rebuilds_the_layer():
    layer = layers.deserialize(layers.serialize(layers.Dense(4, use_bias=False)))
    assert isinstance(layer, layers.Dense)
    assert layer.units == 4 and layer.use_bias is False


def test_deserialize_refuses_a_config_that_is_not_a_layer():
    cfg = nnlite.optimizers.serialize(nnlite.optimizers.SGD())
    with pytest.raises(ValueError, match="not a layer"):
        layers.deserialize(cfg)
