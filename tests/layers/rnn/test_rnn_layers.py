"""SimpleRNN, LSTM, GRU and RNN(cell) behaviour as Keras 3 defines it: output and
state shapes and order, go_backwards, stateful, initial states, masks, custom
cells, weights layouts, dropout, summary and saving."""
import numpy as np
import pytest

import nnlite
from nnlite import ops
from nnlite.layers import GRU, LSTM, RNN, Dense, Input, Layer, SimpleRNN
from nnlite.models import Model, Sequential

RNG = np.random.default_rng(0)
X = RNG.normal(size=(3, 5, 4)).astype("float32")


def _np_simple_rnn(x, k, r, b, h=None):
    """float64 NumPy SimpleRNN over time: h_t = tanh(x_t k + h r + b)."""
    h = np.zeros((x.shape[0], k.shape[1])) if h is None else h
    out = []
    for t in range(x.shape[1]):
        h = np.tanh(x[:, t] @ k + h @ r + b)
        out.append(h)
    return np.stack(out, 1)


@pytest.mark.parametrize("cls, n_states", [(SimpleRNN, 1), (LSTM, 2), (GRU, 1)])
def test_return_state_returns_output_then_states(cls, n_states):
    out = cls(6, return_state=True)(X)
    assert len(out) == 1 + n_states
    assert all(tuple(o.shape) == (3, 6) for o in out)
    np.testing.assert_array_equal(np.asarray(out[0]), np.asarray(out[1]))


@pytest.mark.parametrize("cls", [SimpleRNN, LSTM, GRU])
def test_return_sequences_shape(cls):
    assert tuple(cls(6, return_sequences=True)(X).shape) == (3, 5, 6)


@pytest.mark.parametrize("cls, gates", [(SimpleRNN, 1), (LSTM, 4), (GRU, 3)])
def test_weight_layouts_are_keras(cls, gates):
    layer = cls(6)
    layer(X)
    shapes = [tuple(w.shape) for w in layer.get_weights()]
    bias = (2, 3 * 6) if cls is GRU else (gates * 6,)
    assert shapes == [(4, gates * 6), (6, gates * 6), bias]
    assert [w.name for w in layer.weights] == ["kernel", "recurrent_kernel", "bias"]


def test_gru_reset_before_has_flat_bias():
    layer = GRU(6, reset_after=False)
    layer(X)
    assert tuple(layer.cell.bias.shape) == (18,)


def test_lstm_forget_bias_starts_at_one():
    layer = LSTM(3)
    layer(X)
    np.testing.assert_array_equal(layer.get_weights()[2], [0, 0, 0, 1, 1, 1] + [0] * 6)


def test_simple_rnn_equals_numpy_reference():
    layer = SimpleRNN(5, return_sequences=True)
    y = np.asarray(layer(X))
    k, r, b = [w.astype(np.float64) for w in layer.get_weights()]
    np.testing.assert_allclose(y, _np_simple_rnn(X.astype(np.float64), k, r, b), rtol=1e-5,
                               atol=1e-6)


def test_go_backwards_outputs_in_processing_order():
    fwd = SimpleRNN(5, return_sequences=True)
    y = fwd(X)
    bwd = SimpleRNN(5, return_sequences=True, go_backwards=True)
    bwd(X)
    bwd.set_weights(fwd.get_weights())
    np.testing.assert_allclose(np.asarray(bwd(X)), np.asarray(fwd(X[:, ::-1].copy())),
                               rtol=1e-6, atol=1e-7)
    assert y.shape == (3, 5, 5)


def test_initial_state_is_used():
    layer = SimpleRNN(5, return_sequences=True)
    h0 = RNG.normal(size=(3, 5)).astype("float32")
    y = np.asarray(layer(X, initial_state=[h0]))
    k, r, b = [w.astype(np.float64) for w in layer.get_weights()]
    np.testing.assert_allclose(y, _np_simple_rnn(X.astype(np.float64), k, r, b, h0), rtol=1e-5,
                               atol=1e-6)


def test_wrong_number_of_initial_states_is_refused():
    with pytest.raises(ValueError, match="expects 2 initial state"):
        LSTM(5)(X, initial_state=[np.zeros((3, 5), "float32")])


def test_initial_state_of_wrong_shape_is_refused():
    with pytest.raises(ValueError, match="must have shape"):
        SimpleRNN(5)(X, initial_state=[np.zeros((3, 4), "float32")])


def test_stateful_carries_states_between_calls_until_reset():
    layer = LSTM(4, stateful=True, return_sequences=True)
    whole = LSTM(4, return_sequences=True)
    whole(X)
    layer(X[:, :2])
    layer.reset_states()
    layer.set_weights(whole.get_weights())
    first = np.asarray(layer(X[:, :2].copy()))
    second = np.asarray(layer(X[:, 2:].copy()))
    np.testing.assert_allclose(np.concatenate([first, second], 1), np.asarray(whole(X)),
                               rtol=1e-5, atol=1e-6)
    layer.reset_states()
    np.testing.assert_allclose(np.asarray(layer(X[:, :2].copy())), first, rtol=1e-6)


def test_stateful_refuses_another_batch_size():
    layer = GRU(4, stateful=True)
    layer(X)
    with pytest.raises(ValueError, match="batch size"):
        layer(X[:2])


def test_masked_steps_keep_the_state():
    # a sequence whose last two steps are masked ends with the state of step 3
    mask = np.array([[True] * 5, [True, True, True, False, False], [False] * 5])
    layer = GRU(4, return_sequences=True)
    y = np.asarray(layer(X, mask=mask))
    short = np.asarray(layer(X[:, :3].copy()))
    np.testing.assert_allclose(y[1, 3], short[1, 2], rtol=1e-6)
    np.testing.assert_allclose(y[1, 4], short[1, 2], rtol=1e-6)
    np.testing.assert_array_equal(y[2], 0.0)


def test_mask_of_wrong_shape_is_refused():
    with pytest.raises(ValueError, match="mask"):
        LSTM(3)(X, mask=np.ones((3, 4), bool))


def test_two_dimensional_input_is_refused():
    with pytest.raises(ValueError, match="ndim=3"):
        LSTM(3)(np.zeros((3, 4), "float32"))


@pytest.mark.parametrize("bad", [0, -2, 2.5, "8"])
def test_units_must_be_a_positive_integer(bad):
    with pytest.raises(ValueError, match="units"):
        LSTM(bad)


def test_unknown_activation_is_refused():
    with pytest.raises(ValueError, match="nosuch"):
        GRU(3, activation="nosuch")


class MinimalRNNCell(Layer):
    """The custom cell of Keras's RNN guide, written with ops."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.state_size = units

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units),
                                      initializer="uniform", name="kernel")
        self.recurrent_kernel = self.add_weight(shape=(self.units, self.units),
                                                initializer="uniform", name="recurrent_kernel")

    def call(self, inputs, states):
        prev = states[0]
        h = ops.matmul(inputs, self.kernel)
        output = h + ops.matmul(prev, self.recurrent_kernel)
        return output, [output]


def test_custom_cell_runs_as_the_numpy_recurrence():
    layer = RNN(MinimalRNNCell(3), return_sequences=True)
    y = np.asarray(layer(X))
    k, r = [w.astype(np.float64) for w in layer.get_weights()]
    h, want = np.zeros((3, 3)), []
    for t in range(5):
        h = X[:, t].astype(np.float64) @ k + h @ r
        want.append(h)
    np.testing.assert_allclose(y, np.stack(want, 1), rtol=1e-5, atol=1e-6)


def test_custom_cell_trains():
    x = RNG.normal(size=(64, 5, 4)).astype("float32")
    y = x.sum(axis=(1, 2))[:, None] * 0.1
    model = Sequential([Input((5, 4)), RNN(MinimalRNNCell(8)), Dense(1)])
    model.compile(optimizer=nnlite.optimizers.Adam(0.01), loss="mse")
    history = model.fit(x, y, epochs=15, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]


def test_cell_without_state_size_is_refused():
    class NoState(Layer):
        def call(self, inputs, states):
            return inputs, states
    with pytest.raises(ValueError, match="state_size"):
        RNN(NoState())


def test_dropout_is_off_at_inference():
    layer = LSTM(4, dropout=0.5, recurrent_dropout=0.3)
    a = np.asarray(layer(X))
    np.testing.assert_array_equal(np.asarray(layer(X)), a)
    assert not np.allclose(np.asarray(layer(X, training=True)), a)


@pytest.mark.parametrize("cls", [SimpleRNN, LSTM, GRU])
def test_recurrent_dropout_model_trains(cls):
    x = RNG.normal(size=(64, 6, 3)).astype("float32")
    y = x[:, :, 0].mean(axis=1, keepdims=True)
    model = Sequential([Input((6, 3)), cls(8, dropout=0.1, recurrent_dropout=0.2), Dense(1)])
    model.compile(optimizer=nnlite.optimizers.Adam(0.02), loss="mse")
    history = model.fit(x, y, epochs=20, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < 0.7 * history.history["loss"][0]


def test_summary_counts_lstm_parameters(capsys):
    model = Sequential([Input((None, 128)), LSTM(64), Dense(1)])
    model.summary()
    text = capsys.readouterr().out
    assert "49,408" in text       # 4 * (64 * (128 + 64) + 64)
    assert "(None, 64)" in text


def test_variable_length_batches_train_one_model():
    model = Sequential([Input((None, 4)), GRU(3), Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    for steps in (3, 7):
        loss = model.train_on_batch(RNG.normal(size=(4, steps, 4)).astype("float32"),
                                    np.zeros((4, 1), "float32"))
        assert np.isfinite(loss)


@pytest.mark.parametrize("cls", [SimpleRNN, LSTM, GRU])
def test_saved_model_predicts_the_same(cls, tmp_path):
    x = Input((5, 4))
    seq, *states = cls(3, return_sequences=True, return_state=True)(x)
    model = Model(x, [seq] + list(states))
    path = str(tmp_path / "m.keras")
    model.save(path)
    again = nnlite.saving.load_model(path)
    for a, b in zip(model.predict(X, verbose=0), again.predict(X, verbose=0)):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("cls", [SimpleRNN, LSTM, GRU])
def test_config_round_trips(cls):
    layer = cls(3, dropout=0.25, go_backwards=True, return_sequences=True)
    again = cls.from_config(layer.get_config())
    assert again.get_config() == layer.get_config()


def test_a_config_with_time_major_true_is_refused_not_dropped():
    config = LSTM(3).get_config()
    config["time_major"] = True
    with pytest.raises(NotImplementedError, match="time_major=True"):
        LSTM.from_config(config)


@pytest.mark.parametrize("cls", [LSTM, GRU, SimpleRNN])
def test_fit_and_predict_of_embedding_then_rnn_project_each_distinct_token_once(cls,
                                                                               monkeypatch):
    """Embedding -> RNN in fit and predict runs the input projection per distinct
    token (the Keras fixtures check the numbers); a GradientTape of the user's
    keeps the ordinary path, where the lookup's output has its own gradient."""
    from nnlite import _core
    from nnlite.layers import Embedding
    calls = []
    unique_ids = _core.unique_ids
    monkeypatch.setattr(_core, "unique_ids", lambda *a: calls.append(1) or unique_ids(*a))
    ids = np.random.default_rng(0).integers(0, 6, (8, 7))
    model = Sequential([Input((7,), dtype="int32"), Embedding(6, 3), cls(4), Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    model.fit(ids, np.zeros((8, 1)), batch_size=4, epochs=1, verbose=0, shuffle=False)
    assert len(calls) == 2
    model.predict(ids, batch_size=8, verbose=0)
    assert len(calls) == 3
    with nnlite.backend.tape.Tape() as tape:
        model(ids)
    assert len(calls) == 3


def test_embedding_read_by_several_layers_gets_every_gradient_with_the_projection_per_token():
    """A masked Embedding read by a Bidirectional LSTM, a GRU and a pooling layer:
    the gradients of fit's tape (two layers take the table's gradient directly)
    equal those of an ordinary tape, where the lookup's output collects all three
    (whose recurrent ops are checked against finite differences in tests/ops)."""
    from nnlite.backend.tape import Tape
    from nnlite.layers import Bidirectional, Concatenate, Embedding, GlobalAveragePooling1D
    nnlite.utils.set_random_seed(3)
    inp = Input((7,), dtype="int32")
    e = Embedding(20, 5, mask_zero=True)(inp)
    merged = Concatenate()([Bidirectional(LSTM(4))(e), GRU(3)(e), GlobalAveragePooling1D()(e)])
    model = Model(inp, Dense(1)(merged))
    ids = np.random.default_rng(0).integers(0, 20, (6, 7))
    ids[0, 4:] = 0

    def grads(variables_only):
        with Tape(variables_only=variables_only) as tape:
            loss = ops.sum(model(ids, training=True) ** 2)
        names = [r.name for r in tape.records if "rnn" in r.name]
        return tape.gradient(loss, model.trainable_weights), names

    plain, plain_ops = grads(False)
    fused, fused_ops = grads(True)
    assert plain_ops == ["rnn_lstm", "rnn_lstm", "rnn_gru"]
    assert fused_ops == ["embedded_rnn_lstm", "embedded_rnn_lstm", "embedded_rnn_gru"]
    for p, f in zip(plain, fused):
        np.testing.assert_allclose(f, p, rtol=2e-5, atol=1e-7)
