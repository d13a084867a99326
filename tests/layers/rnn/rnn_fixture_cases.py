"""Loads the recurrent fixture cases (tests/fixtures/make_rnn_fixtures.py) and the
records Keras 3.15.1 wrote for them; Keras is not imported."""
import importlib.util
import os

import numpy as np

HERE = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIXTURES = os.path.join(HERE, "fixtures", "keras3_rnn")

_spec = importlib.util.spec_from_file_location(
    "make_rnn_fixtures", os.path.join(HERE, "fixtures", "make_rnn_fixtures.py"))
specs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(specs)

CASES = specs.CASES
NAMES = sorted(CASES)
BATCH = specs.BATCH


def record(name):
    return np.load(os.path.join(FIXTURES, name + ".npz"))


def series(rec, prefix):
    n = len([k for k in rec.files if k[:len(prefix)] == prefix and k[len(prefix):].isdigit()])
    return [rec["%s%d" % (prefix, j)] for j in range(n)]


def inputs(rec):
    xs = series(rec, "x")
    return xs if xs else rec["x"]


def targets(rec):
    ys = series(rec, "y")
    return ys if len(ys) > 1 else ys[0]


def keras_file(name):
    return os.path.join(FIXTURES, name + ".keras")
