"""Sequential.outputs: one KerasTensor per output of the last layer."""
from nnlite.layers import LSTM, Bidirectional, Dense, Input
from nnlite.models import Sequential


def test_single_output_is_one_keras_tensor():
    model = Sequential([Input((5, 3)), LSTM(4), Dense(2)])
    assert [tuple(t.shape) for t in model.outputs] == [(None, 2)]


def test_bidirectional_without_merge_gives_two_outputs():
    model = Sequential([Input((5, 3)),
                        Bidirectional(LSTM(4, return_sequences=True), merge_mode=None)])
    assert [tuple(t.shape) for t in model.outputs] == [(None, 5, 4), (None, 5, 4)]


def test_return_state_gives_output_then_states():
    model = Sequential([Input((5, 3)), LSTM(4, return_sequences=True, return_state=True)])
    assert [tuple(t.shape) for t in model.outputs] == [(None, 5, 4), (None, 4), (None, 4)]
    assert all(t.dtype == "float32" for t in model.outputs)
