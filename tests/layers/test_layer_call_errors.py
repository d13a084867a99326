"""An error raised inside a layer's call names the layer (once, the innermost)."""
import numpy as np
import pytest

from nnlite import layers
from nnlite.layers import Layer


def test_a_merge_of_mismatched_batches_names_the_layer_and_shapes():
    with pytest.raises(ValueError, match=r"(?s)layer 'addy'.*\(2, 3\).*\(3, 3\)"):
        layers.Add(name="addy")([np.zeros((2, 3)), np.zeros((3, 3))])


class Outer(Layer):
    def __init__(self):
        super().__init__(name="outer")
        self.inner = layers.Concatenate(axis=1, name="inner")

    def call(self, x):
        return self.inner([x, x[:1]])


def test_a_nested_layers_error_names_the_innermost_layer_once():
    with pytest.raises(ValueError) as info:
        Outer()(np.zeros((2, 3)))
    message = str(info.value)
    assert "layer 'inner'" in message and "layer 'outer'" not in message
    assert message.count("Exception encountered") == 1


@pytest.mark.parametrize("bad", [(8.5,), (8.0,), ("8",), (True,)])
def test_input_shape_refuses_non_integer_dimensions(bad):
    from nnlite.layers import Dense
    with pytest.raises(ValueError, match="tuple of ints"):
        Dense(2, input_shape=bad)
