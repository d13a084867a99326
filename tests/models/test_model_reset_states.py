"""Model.reset_states() (tf.keras): zeroes the states of every stateful layer,
inside wrappers and nested models too."""
import numpy as np

from nnlite.layers import GRU, LSTM, Bidirectional, Dense, Input, SimpleRNN
from nnlite.models import Model, Sequential

RNG = np.random.default_rng(5)
X = RNG.normal(size=(2, 4, 3)).astype("float32")


def _state_values(layer):
    return [np.asarray(v.value) for v in layer.states]


def test_reset_states_zeroes_every_stateful_layer():
    model = Sequential([Input(batch_shape=(2, 4, 3)),
                        LSTM(5, stateful=True, return_sequences=True),
                        GRU(3, stateful=True), Dense(1)])
    model.predict(X, verbose=0)
    assert all(np.any(s != 0) for layer in model.layers[:2] for s in _state_values(layer))
    model.reset_states()
    for layer in model.layers[:2]:
        for state in _state_values(layer):
            np.testing.assert_array_equal(state, 0.0)


def test_reset_states_makes_the_next_predict_start_over():
    model = Sequential([Input(batch_shape=(2, 4, 3)), SimpleRNN(4, stateful=True), Dense(1)])
    first = model.predict(X, verbose=0)
    assert not np.allclose(model.predict(X, verbose=0), first)
    model.reset_states()
    np.testing.assert_array_equal(model.predict(X, verbose=0), first)


def test_reset_states_reaches_both_directions_of_bidirectional():
    model = Sequential([Input(batch_shape=(2, 4, 3)), Bidirectional(LSTM(3, stateful=True))])
    model.predict(X, verbose=0)
    wrapper = model.layers[0]
    model.reset_states()
    for direction in (wrapper.forward_layer, wrapper.backward_layer):
        for state in _state_values(direction):
            np.testing.assert_array_equal(state, 0.0)


def test_reset_states_reaches_a_nested_model():
    inner = Sequential([Input(batch_shape=(2, 4, 3)), GRU(3, stateful=True)])
    x = Input(batch_shape=(2, 4, 3))
    model = Model(x, Dense(1)(inner(x)))
    first = model.predict(X, verbose=0)
    model.predict(X, verbose=0)
    model.reset_states()
    np.testing.assert_array_equal(model.predict(X, verbose=0), first)


def test_reset_states_without_stateful_layers_changes_nothing():
    model = Sequential([Input((4, 3)), LSTM(3), Dense(1)])
    before = model.predict(X, verbose=0)
    model.reset_states()
    np.testing.assert_array_equal(model.predict(X, verbose=0), before)
