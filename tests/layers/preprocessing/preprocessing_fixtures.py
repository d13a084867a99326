"""Loads the Keras 3.15.1 preprocessing fixtures written by
`tests/fixtures/make_preprocessing_fixtures.py`."""
import json
import os

import numpy as np

from nnlite import layers

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..", "fixtures", "keras3_preprocessing")

with open(os.path.join(ROOT, "cases.json")) as _f:
    SPEC = json.load(_f)
ARRAYS = dict(np.load(os.path.join(ROOT, "arrays.npz")))
CASES = {c["name"]: c for c in SPEC["cases"]}
MODELS = SPEC["models"]


def model_path(name):
    return os.path.join(ROOT, "models", name + ".keras")


def kwargs_of(case):
    kwargs = dict(case["kwargs"])
    if "axis" in kwargs and isinstance(kwargs["axis"], list):
        kwargs["axis"] = tuple(kwargs["axis"])
    if "ngrams" in kwargs and isinstance(kwargs["ngrams"], list):
        kwargs["ngrams"] = tuple(kwargs["ngrams"])
    return kwargs


def make_layer(case):
    """The case's layer, adapted on the case's data when it was in Keras."""
    layer = getattr(layers, case["class_name"])(**kwargs_of(case))
    if case["adapt"] is not None:
        layer.adapt(ARRAYS["input/" + case["adapt"]])
    return layer


def output_of(y):
    return np.asarray(y.numpy() if hasattr(y, "numpy") else y)
