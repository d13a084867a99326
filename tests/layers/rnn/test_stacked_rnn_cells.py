"""StackedRNNCells and RNN(list of cells) as Keras 3 defines them: sizes, the
states' order and nesting, forward against a NumPy float64 reference of two
stacked cells, gradients against finite differences, training, config and
saving."""
import numpy as np
import pytest

import nnlite
from nnlite.layers import (RNN, Dense, GRUCell, Input, LSTMCell, SimpleRNNCell,
                           StackedRNNCells)
from nnlite.models import Sequential
from layer_gradcheck import check_layer

RNG = np.random.default_rng(3)
X = RNG.normal(size=(3, 5, 2)).astype("float32")


def _sigmoid(v):
    return 1 / (1 + np.exp(-v))


def _np_lstm_step(x, h, c, kernel, rec, bias):
    """One float64 LSTM step, gates i f c o (Keras's order)."""
    z = x @ kernel + h @ rec + bias
    i, f, g, o = np.split(z, 4, axis=1)
    c = _sigmoid(f) * c + _sigmoid(i) * np.tanh(g)
    return _sigmoid(o) * np.tanh(c), c


def _np_stacked_lstm(x, weights, states=None):
    """Two LSTM cells stacked inside each step: outputs (b, t, u2), last states."""
    x = x.astype(np.float64)
    w1, w2 = [[w.astype(np.float64) for w in weights[i:i + 3]] for i in (0, 3)]
    b = x.shape[0]
    if states is None:
        states = [np.zeros((b, w1[1].shape[0]))] * 2 + [np.zeros((b, w2[1].shape[0]))] * 2
    h1, c1, h2, c2 = [np.asarray(s, np.float64) for s in states]
    outs = []
    for t in range(x.shape[1]):
        h1, c1 = _np_lstm_step(x[:, t], h1, c1, *w1)
        h2, c2 = _np_lstm_step(h1, h2, c2, *w2)
        outs.append(h2)
    return np.stack(outs, axis=1), [h1, c1, h2, c2]


def test_state_and_output_sizes_are_per_cell():
    cells = StackedRNNCells([LSTMCell(8), GRUCell(5), SimpleRNNCell(4)])
    assert cells.state_size == [[8, 8], 5, 4]
    assert cells.output_size == 4


def test_rnn_of_a_list_wraps_it_in_stacked_cells():
    layer = RNN([LSTMCell(8), LSTMCell(4)])
    assert isinstance(layer.cell, StackedRNNCells)
    assert tuple(layer(X).shape) == (3, 4)


def test_stacked_lstm_cells_match_numpy():
    layer = RNN([LSTMCell(6), LSTMCell(4)], return_sequences=True)
    y = np.asarray(layer(X))
    want, _ = _np_stacked_lstm(X, layer.get_weights())
    np.testing.assert_allclose(y, want, rtol=1e-5, atol=1e-6)


def test_return_state_gives_each_cells_states_in_order():
    layer = RNN([LSTMCell(6), LSTMCell(4)], return_state=True)
    out, first, second = layer(X)
    _, want = _np_stacked_lstm(X, layer.get_weights())
    assert len(first) == len(second) == 2
    for got, exp in zip(list(first) + list(second), want):
        np.testing.assert_allclose(np.asarray(got), exp, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(np.asarray(out), np.asarray(second[0]))


def test_nested_initial_state_is_used():
    layer = RNN([LSTMCell(6), LSTMCell(4)])
    layer.build(X.shape)
    states = [RNG.normal(size=(3, n)).astype("float32") for n in (6, 6, 4, 4)]
    y = np.asarray(layer(X, initial_state=[states[:2], states[2:]]))
    want, _ = _np_stacked_lstm(X, layer.get_weights(), states)
    np.testing.assert_allclose(y, want[:, -1], rtol=1e-5, atol=1e-6)


def test_stacked_cells_gradients_match_finite_differences():
    cells = StackedRNNCells([LSTMCell(3, dtype="float64"), GRUCell(2, dtype="float64")],
                            dtype="float64")
    layer = RNN(cells, return_sequences=True, dtype="float64")
    check_layer(layer, RNG.normal(size=(2, 4, 2)))


def test_stacked_cells_model_trains():
    x = RNG.normal(size=(64, 6, 2)).astype("float32")
    y = x[:, :, :1].mean(axis=1)
    model = Sequential([Input((6, 2)), RNN([LSTMCell(8), LSTMCell(4)]), Dense(1)])
    model.compile(optimizer=nnlite.optimizers.Adam(0.02), loss="mse")
    history = model.fit(x, y, epochs=15, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]


def test_stacked_cells_config_round_trips():
    layer = RNN([LSTMCell(8), SimpleRNNCell(4)], return_sequences=True)
    config = layer.get_config()
    assert config["cell"]["class_name"] == "StackedRNNCells"
    assert [c["class_name"] for c in config["cell"]["config"]["cells"]] == \
        ["LSTMCell", "SimpleRNNCell"]
    again = RNN.from_config(config)
    assert again.cell.state_size == [[8, 8], 4]
    assert again.get_config() == config


def test_stacked_cells_model_saves_and_loads(tmp_path):
    model = Sequential([Input((5, 2)), RNN([LSTMCell(6), GRUCell(3)]), Dense(1)])
    path = str(tmp_path / "m.keras")
    model.save(path)
    again = nnlite.saving.load_model(path)
    np.testing.assert_array_equal(again.predict(X, verbose=0), model.predict(X, verbose=0))


def test_cell_without_state_size_raises():
    with pytest.raises(ValueError, match="state_size"):
        StackedRNNCells([Dense(3)])
