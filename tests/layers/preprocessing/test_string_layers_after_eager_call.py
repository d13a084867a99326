"""String preprocessing layers called eagerly first (`vec(["..."])`, as the
Keras text examples try the layer out) and then on `Input(dtype="string")`."""
import numpy as np
import pytest

import nnlite
from nnlite import layers

TEXTS = ["the cat sat", "the dog ran", "a cat and a dog"]


@pytest.mark.parametrize("mode,kwargs", [("int", {"output_sequence_length": 4}),
                                         ("multi_hot", {}), ("count", {}), ("tf_idf", {})])
def test_text_vectorization_called_eagerly_then_on_a_string_input(mode, kwargs):
    vec = layers.TextVectorization(max_tokens=20, output_mode=mode, **kwargs)
    vec.adapt(TEXTS)
    eager = np.asarray(vec(["the cat ran"]))
    inp = nnlite.Input(shape=(1,), dtype="string")
    model = nnlite.Model(inp, vec(inp))
    assert model.output_shape == (None,) + eager.shape[1:]
    np.testing.assert_array_equal(model.predict(np.array([["the cat ran"]]), verbose=0), eager)


def test_string_lookup_called_eagerly_then_on_a_string_input():
    lookup = layers.StringLookup(vocabulary=["x", "y"])
    np.testing.assert_array_equal(lookup(["x", "q"]), [1, 0])
    inp = nnlite.Input(shape=(3,), dtype="string")
    model = nnlite.Model(inp, lookup(inp))
    # vocabulary ['[UNK]', 'x', 'y']: unknown tokens are 0
    np.testing.assert_array_equal(model.predict(np.array([["x", "y", "q"]]), verbose=0),
                                  [[1, 2, 0]])


@pytest.mark.parametrize("mode", ["multi_hot", "count"])
def test_text_with_no_tokens_encodes_to_a_zero_row(mode):
    vec = layers.TextVectorization(max_tokens=20, output_mode=mode)
    vec.adapt(TEXTS)
    out = np.asarray(vec(["", "!!"]))
    np.testing.assert_array_equal(out, np.zeros((2, len(vec.get_vocabulary()))))
