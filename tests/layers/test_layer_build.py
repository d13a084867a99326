"""Layer.build by hand: the layer is built once `build` returns (Keras 3)."""
import pytest

from nnlite import layers


class Scale(layers.Layer):
    def build(self, input_shape):          # no super().build(...), as many notebooks do
        self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="w")

    def call(self, inputs):
        return inputs * self.w


class Broken(layers.Layer):
    def build(self, input_shape):
        raise ValueError("bad shape")


def test_build_without_super_marks_the_layer_built():
    layer = Scale()
    layer.build((None, 3))
    assert layer.built and layer.count_params() == 3


def test_a_build_that_raises_leaves_the_layer_unbuilt():
    layer = Broken()
    with pytest.raises(ValueError):
        layer.build((None, 3))
    assert not layer.built
