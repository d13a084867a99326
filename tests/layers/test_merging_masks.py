"""Merge layers on masked inputs give Keras 3's outputs and output masks
(fixtures/keras3_merging/masks.json, made by make_merge_mask_fixtures.py
with real Keras)."""
import json
import os

import numpy as np
import pytest

from nnlite import layers, ops
from nnlite.backend.tensor import get_keras_mask, set_keras_mask

FIXTURE = os.path.join(os.path.dirname(__file__), "..", "fixtures", "keras3_merging", "masks.json")
with open(FIXTURE) as f:
    KERAS = json.load(f)


def _layer(name):
    return layers.Dot(axes=-1) if name == "Dot" else getattr(layers, name)()


def _inputs(which):
    a = ops.convert_to_tensor(np.array(KERAS["a"], dtype=np.float32))
    b = ops.convert_to_tensor(np.array(KERAS["b"], dtype=np.float32))
    if which in ("both", "first"):
        set_keras_mask(a, np.array(KERAS["mask_a"]))
    if which in ("both", "second"):
        set_keras_mask(b, np.array(KERAS["mask_b"]))
    return a, b


@pytest.mark.parametrize("case", sorted(KERAS["cases"]))
def test_merge_output_on_masked_inputs_equals_keras(case):
    name, which = case.split("/")
    y = _layer(name)(list(_inputs(which)))
    np.testing.assert_allclose(np.asarray(y), np.array(KERAS["cases"][case]["output"]),
                               rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("case", sorted(KERAS["cases"]))
def test_merge_output_mask_equals_keras(case):
    name, which = case.split("/")
    mask = get_keras_mask(_layer(name)(list(_inputs(which))))
    expected = KERAS["cases"][case]["mask"]
    if expected is None:
        assert mask is None
    else:
        np.testing.assert_array_equal(np.asarray(mask), np.array(expected))


def test_a_mask_list_of_the_wrong_length_is_refused():
    a, b = _inputs("both")
    with pytest.raises(ValueError, match="same length"):
        layers.Add().compute_mask([a, b], [np.array(KERAS["mask_a"])])
