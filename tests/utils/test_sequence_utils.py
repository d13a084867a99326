"""pad_sequences against the outputs and errors real Keras 3.15.1 gave for the
same calls (tests/fixtures/make_sequence_fixtures.py)."""
import json
import math
import os

import numpy as np
import pytest

import nnlite
from nnlite.utils import pad_sequences

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
with open(os.path.join(HERE, "fixtures", "keras3_sequence", "pad_sequences.json")) as f:
    FIXTURE = json.load(f)
CASES = FIXTURE["cases"]
OK = sorted(k for k, v in CASES.items() if "error" not in v)
ERR = sorted(k for k, v in CASES.items() if "error" in v)


def _given(name, sequences):
    """The Python object the fixture script passed for this case."""
    if name == "err_not_iterable":
        return 5
    if name == "numpy_2d_array":
        return np.array(sequences, dtype="int64")
    if name == "numpy_object_array":
        out = np.empty(len(sequences), dtype=object)
        for i, s in enumerate(sequences):
            out[i] = list(s)
        return out
    if name == "tuples":
        return tuple(tuple(s) for s in sequences)
    return sequences


def _kwargs(name, kwargs):
    kwargs = dict(kwargs)
    if kwargs.get("dtype") == "object" and name != "strings_object_name_refused":
        kwargs["dtype"] = object
    return kwargs


def _same(a, b):
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and math.isnan(a):
        return isinstance(b, float) and math.isnan(b)
    return a == b


@pytest.mark.parametrize("name", OK)
def test_pad_sequences_equals_keras(name):
    case = CASES[name]
    y = pad_sequences(_given(name, case["sequences"]), **_kwargs(name, case["kwargs"]))
    assert str(y.dtype) == case["dtype"]
    assert list(y.shape) == case["shape"]
    assert _same(y.tolist(), case["value"])


@pytest.mark.parametrize("name", ERR)
def test_pad_sequences_refuses_as_keras(name):
    case = CASES[name]
    with pytest.raises(ValueError) as info:
        pad_sequences(_given(name, case["sequences"]), **_kwargs(name, case["kwargs"]))
    if name != "err_no_sequences":       # Keras lets NumPy's reduction error through
        assert str(info.value) == case["message"]


def test_empty_input_without_maxlen_says_why():
    with pytest.raises(ValueError, match="maxlen"):
        pad_sequences([])


def test_keras2_preprocessing_path_is_the_same_function():
    assert FIXTURE["same_object_in_preprocessing"]
    assert nnlite.preprocessing.sequence.pad_sequences is nnlite.utils.pad_sequences
