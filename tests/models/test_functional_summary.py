"""Functional summary(): Keras 3's table with InputLayer rows and, for a graph
that is not a chain, the `Connected to` column (108 characters wide)."""
import pytest

import nnlite
from nnlite import layers
from nnlite.backend.naming import clear_session
from nnlite.layers import Dense, Input


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch):
    clear_session()
    monkeypatch.setenv("COLUMNS", "200")


def capture(model, **kwargs):
    out = []
    model.summary(print_fn=out.append, **kwargs)
    return out[0]


def branching_model():
    x1, x2 = Input((4,), name="x1"), Input((4,), name="x2")
    d = Dense(3, name="d")
    c = layers.concatenate([d(x1), d(x2)], name="cat")
    o = Dense(1, name="out")(layers.add([x1, x2], name="sum"))
    return nnlite.Model([x1, x2], [c, o], name="fm")


EXPECTED_BRANCHING = """\
Model: "fm"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓
┃ Layer (type)                  ┃ Output Shape              ┃         Param # ┃ Connected to               ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━┩
│ x1 (InputLayer)               │ (None, 4)                 │               0 │ -                          │
├───────────────────────────────┼───────────────────────────┼─────────────────┼────────────────────────────┤
│ x2 (InputLayer)               │ (None, 4)                 │               0 │ -                          │
├───────────────────────────────┼───────────────────────────┼─────────────────┼────────────────────────────┤
│ d (Dense)                     │ (None, 3)                 │              15 │ x1[0][0], x2[0][0]         │
├───────────────────────────────┼───────────────────────────┼─────────────────┼────────────────────────────┤
│ sum (Add)                     │ (None, 4)                 │               0 │ x1[0][0], x2[0][0]         │
├───────────────────────────────┼───────────────────────────┼─────────────────┼────────────────────────────┤
│ cat (Concatenate)             │ (None, 6)                 │               0 │ d[0][0], d[1][0]           │
├───────────────────────────────┼───────────────────────────┼─────────────────┼────────────────────────────┤
│ out (Dense)                   │ (None, 1)                 │               5 │ sum[0][0]                  │
└───────────────────────────────┴───────────────────────────┴─────────────────┴────────────────────────────┘
 Total params: 20 (80.00 B)
 Trainable params: 20 (80.00 B)
 Non-trainable params: 0 (0.00 B)
"""


def test_branching_summary_has_connected_to_column():
    assert capture(branching_model()) == EXPECTED_BRANCHING


def test_every_line_of_the_table_is_108_wide():
    text = capture(branching_model())
    table = [line for line in text.splitlines() if line[:1] in "┏┃┡│├└"]
    assert {len(line) for line in table} == {108}


def test_connections_wrap_at_narrow_width():
    lines = capture(branching_model(), line_length=70).splitlines()
    rows = [l for l in lines if "x1[0][0]," in l]
    assert rows
    following = lines[lines.index(rows[0]) + 1]
    assert "x2[0][0]" in following


EXPECTED_CHAIN = """\
Model: "chain"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━┓
┃ Layer (type)                         ┃ Output Shape                ┃         Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━┩
│ inp (InputLayer)                     │ (None, 3)                   │               0 │
├──────────────────────────────────────┼─────────────────────────────┼─────────────────┤
│ d1 (Dense)                           │ (None, 4)                   │              16 │
├──────────────────────────────────────┼─────────────────────────────┼─────────────────┤
│ d2 (Dense)                           │ (None, 2)                   │              10 │
└──────────────────────────────────────┴─────────────────────────────┴─────────────────┘
 Total params: 26 (104.00 B)
 Trainable params: 26 (104.00 B)
 Non-trainable params: 0 (0.00 B)
"""


def test_chain_summary_is_sequential_like_with_input_row():
    x = Input((3,), name="inp")
    model = nnlite.Model(x, Dense(2, name="d2")(Dense(4, name="d1")(x)), name="chain")
    assert capture(model) == EXPECTED_CHAIN


def test_shared_layer_in_a_chain_gets_connections():
    x = Input((3,), name="x")
    d = Dense(3, name="d")
    model = nnlite.Model(x, d(d(x)), name="twice")
    text = capture(model)
    assert "Connected to" in text and "x[0][0], d[0][0]" in text


def test_nested_model_is_one_row():
    x = Input((3,), name="in_x")
    inner = nnlite.Sequential([Input((3,)), Dense(2, name="in_d")], name="inner")
    y = Input((3,), name="y")
    outer = nnlite.Model(y, Dense(1, name="head")(layers.add([inner(y), inner(y)])), name="o")
    text = capture(outer)
    assert "│ inner (Sequential)" in text and "in_d" not in text
    assert "inner[0][0], inner[1][0]" in text


def test_expand_nested_adds_indented_rows():
    inner = nnlite.Sequential([Input((3,)), Dense(2, name="in_d")], name="inner")
    y = Input((3,), name="y")
    outer = nnlite.Model(y, Dense(1, name="head")(inner(y)), name="o")
    lines = capture(outer, expand_nested=True).splitlines()
    inner_row = [i for i, l in enumerate(lines) if "inner (Sequential)" in l][0]
    assert lines[inner_row + 2].startswith("│    └ in_d (Dense)")
    assert "│ (None, 2) " in lines[inner_row + 2]
    assert "in_d" not in capture(outer)
