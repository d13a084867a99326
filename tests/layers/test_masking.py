"""Masks carried from layer to layer as Keras 3 carries them: `_keras_mask` on
outputs, `mask=` given to a `call` that accepts it, dropped (with a warning) by
a layer that does not support masking."""
import warnings

import numpy as np
import pytest

import nnlite
from nnlite import ops
from nnlite.layers import Dense, Dropout, Flatten, Input, Layer
from nnlite.models import Model, Sequential


class ZeroMask(Layer):
    """Marks the time steps whose features are all zero (as Masking does)."""

    supports_masking = True

    def call(self, inputs):
        return inputs

    def compute_mask(self, inputs, previous_mask=None):
        return np.any(np.asarray(inputs) != 0, axis=-1)


class MaskedMean(Layer):
    """The mean over time of the unmasked steps (its output has no mask)."""

    supports_masking = True

    def compute_mask(self, inputs, previous_mask=None):
        return None

    def call(self, inputs, mask=None):
        if mask is None:
            return ops.mean(inputs, axis=1)
        m = ops.expand_dims(ops.cast(mask, inputs.dtype), -1)
        return ops.sum(inputs * m, axis=1) / ops.sum(m, axis=1)


class Spy(Layer):
    supports_masking = True

    def __init__(self):
        super().__init__()
        self.seen = []

    def call(self, inputs, mask=None):
        self.seen.append(mask)
        return inputs


def sequences():
    x = np.arange(24, dtype=np.float32).reshape(2, 4, 3) + 1.0
    x[0, 2:] = 0.0      # the last two steps of the first sequence are padding
    return x


def test_a_mask_passes_through_dense_and_dropout_to_a_consumer():
    x = sequences()
    inp = Input((4, 3))
    h = Dropout(0.5)(Dense(5, name="d")(ZeroMask()(inp)))
    model = Model(inp, MaskedMean()(h))
    out = np.asarray(model(x))
    w, b = model.get_layer("d").get_weights()
    dense = x.astype(np.float64) @ w + b
    expected = np.stack([dense[0, :2].mean(0), dense[1].mean(0)])
    np.testing.assert_allclose(out, expected, rtol=1e-5)


def test_call_gets_the_mask_only_when_it_accepts_one():
    spy = Spy()
    masked = ZeroMask()(nnlite.ops.convert_to_tensor(sequences()))
    spy(masked)
    np.testing.assert_array_equal(spy.seen[0], [[True, True, False, False], [True] * 4])


def test_an_explicit_mask_wins_over_the_inputs_mask():
    spy = Spy()
    masked = ZeroMask()(nnlite.ops.convert_to_tensor(sequences()))
    mine = np.ones((2, 4), dtype=bool)
    spy(masked, mask=mine)
    assert spy.seen[0] is mine


def test_a_layer_without_masking_drops_the_mask_with_a_warning():
    masked = ZeroMask()(nnlite.ops.convert_to_tensor(sequences()))
    with pytest.warns(UserWarning, match="does not support masking"):
        out = Flatten()(masked)
    assert out._keras_mask is None


def test_no_warning_without_a_mask():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Flatten()(sequences())


def test_functional_call_attaches_the_given_mask_to_its_inputs():
    spy = Spy()
    inp = Input((4, 3))
    model = Model(inp, spy(Dense(2)(inp)))
    mask = np.array([[True, False, True, True], [True, True, True, False]])
    model(sequences(), mask=mask)
    np.testing.assert_array_equal(spy.seen[-1], mask)


def test_sequential_carries_masks_between_its_layers():
    spy = Spy()
    model = Sequential([Input((4, 3)), ZeroMask(), Dense(2), spy])
    model(sequences())
    np.testing.assert_array_equal(spy.seen[-1], [[True, True, False, False], [True] * 4])
