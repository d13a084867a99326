"""Layers held as attributes of a custom layer save under the attribute's name,
as Keras 3's saving walk writes them (`layers/<key>/<attribute>/vars/<i>`)."""
import h5py
import numpy as np
import zipfile

import nnlite
from nnlite import layers


@nnlite.saving.register_keras_serializable(package="held_layers_test")
class Block(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.inner = layers.Dense(3)
        self.scale = None

    def build(self, input_shape):
        self.inner.build(input_shape)
        self.scale = self.add_weight(shape=(3,), initializer="ones", name="scale")

    def call(self, x):
        return self.inner(x) * self.scale


def _model():
    return nnlite.models.Sequential([layers.Input((4,)), Block(), layers.Dense(1)])


def _paths(filepath):
    with zipfile.ZipFile(filepath) as z, z.open("model.weights.h5") as f:
        found = []
        with h5py.File(f, "r") as h5:
            h5.visititems(lambda name, obj: found.append(name)
                          if isinstance(obj, h5py.Dataset) else None)
    return sorted(found)


def test_a_held_layer_saves_under_its_attribute_name(tmp_path):
    path = str(tmp_path / "m.keras")
    _model().save(path)
    assert _paths(path) == ["layers/block/inner/vars/0", "layers/block/inner/vars/1",
                            "layers/block/vars/0", "layers/dense/vars/0", "layers/dense/vars/1"]


def test_a_held_layer_loads_back_its_weights(tmp_path):
    path = str(tmp_path / "m.keras")
    model = _model()
    model.set_weights([np.full(w.shape, i + 1.0, np.float32)
                       for i, w in enumerate(model.get_weights())])
    model.save(path)
    loaded = nnlite.models.load_model(path)
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_array_equal(a, b)
