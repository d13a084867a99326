"""Bidirectional as Keras 3 defines it: the two directions are copies of the
layer's config, the backward outputs are flipped back, merged by merge_mode;
states, masks, errors and config."""
import json
import zipfile

import numpy as np
import pytest

import nnlite
from nnlite.layers import GRU, LSTM, Bidirectional, Dense, SimpleRNN
from rnn_fixture_cases import keras_file

X = np.random.default_rng(0).normal(size=(3, 5, 4)).astype("float32")


def _directions(layer):
    """The forward and backward outputs computed by separate layers with the
    wrapper's weights (the backward on the time-reversed input)."""
    inner = layer.forward_layer
    cls = type(inner)
    fwd = cls(inner.units, return_sequences=inner.return_sequences)
    bwd = cls(inner.units, return_sequences=inner.return_sequences)
    fwd(X)
    bwd(X)
    w = layer.get_weights()
    fwd.set_weights(w[:len(w) // 2])
    bwd.set_weights(w[len(w) // 2:])
    y, y_rev = np.asarray(fwd(X)), np.asarray(bwd(X[:, ::-1].copy()))
    if inner.return_sequences:
        y_rev = y_rev[:, ::-1]
    return y, y_rev


@pytest.mark.parametrize("mode, merge", [
    ("concat", lambda a, b: np.concatenate([a, b], -1)), ("sum", lambda a, b: a + b),
    ("mul", lambda a, b: a * b), ("ave", lambda a, b: (a + b) / 2)])
@pytest.mark.parametrize("seq", [False, True])
def test_merge_modes_combine_the_two_directions(mode, merge, seq):
    layer = Bidirectional(GRU(3, return_sequences=seq), merge_mode=mode)
    out = np.asarray(layer(X))
    np.testing.assert_allclose(out, merge(*_directions(layer)), rtol=1e-5, atol=1e-6)


def test_merge_mode_none_returns_both():
    layer = Bidirectional(SimpleRNN(3, return_sequences=True), merge_mode=None)
    y, y_rev = layer(X)
    want = _directions(layer)
    np.testing.assert_allclose(np.asarray(y), want[0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.asarray(y_rev), want[1], rtol=1e-5, atol=1e-6)


def test_return_state_gives_forward_then_backward_states():
    out = Bidirectional(LSTM(3, return_state=True))(X)
    assert len(out) == 5
    assert tuple(out[0].shape) == (3, 6)
    assert all(tuple(s.shape) == (3, 3) for s in out[1:])
    np.testing.assert_array_equal(np.asarray(out[0])[:, :3], np.asarray(out[1]))


def test_output_shapes():
    layer = Bidirectional(LSTM(3, return_sequences=True))
    assert layer.compute_output_shape((None, 5, 4)) == (None, 5, 6)
    none = Bidirectional(LSTM(3), merge_mode=None)
    assert none.compute_output_shape((None, 5, 4)) == ((None, 3), (None, 3))


def test_directions_are_named_and_copied():
    layer = Bidirectional(LSTM(3, name="enc"))
    assert layer.forward_layer.name == "forward_enc"
    assert layer.backward_layer.name == "backward_enc"
    assert layer.backward_layer.go_backwards and not layer.forward_layer.go_backwards


def test_masked_sequences_output_zeros_at_masked_steps():
    mask = np.array([[True] * 5, [True, True, False, False, False], [True] * 5])
    out = np.asarray(Bidirectional(LSTM(3, return_sequences=True))(X, mask=mask))
    np.testing.assert_array_equal(out[1, 2:], 0.0)


def test_initial_states_are_split_between_directions():
    layer = Bidirectional(GRU(3))
    h = np.random.default_rng(1).normal(size=(3, 3)).astype("float32")
    a = np.asarray(layer(X, initial_state=[h, np.zeros_like(h)]))
    b = np.asarray(layer(X))
    assert not np.allclose(a[:, :3], b[:, :3])
    np.testing.assert_allclose(a[:, 3:], b[:, 3:], rtol=1e-6)


def test_backward_layer_must_go_the_other_way():
    with pytest.raises(ValueError, match="go_backwards"):
        Bidirectional(LSTM(3), backward_layer=LSTM(3))


def test_backward_layer_must_return_the_same():
    with pytest.raises(ValueError, match="return_sequences"):
        Bidirectional(LSTM(3), backward_layer=LSTM(3, go_backwards=True,
                                                    return_sequences=True))


def test_unknown_merge_mode_is_refused():
    with pytest.raises(ValueError, match="Invalid merge mode"):
        Bidirectional(LSTM(3), merge_mode="max")


def test_non_layer_is_refused():
    with pytest.raises(ValueError, match="Layer"):
        Bidirectional("lstm")


def test_config_has_keras_keys_in_keras_order():
    with zipfile.ZipFile(keras_file("bidirectional_sum_gru")) as z:
        keras_config = json.loads(z.read("config.json"))["config"]["layers"][1]["config"]
    model = nnlite.Sequential([nnlite.Input((6, 3)), Bidirectional(GRU(3), merge_mode="sum")])
    ours = model.layers[0].get_config()
    assert list(ours) == list(keras_config)
    assert ours["merge_mode"] == "sum"
    assert ours["backward_layer"]["config"]["go_backwards"] is True


def test_saved_model_predicts_the_same(tmp_path):
    model = nnlite.Sequential([nnlite.Input((5, 4)), Bidirectional(LSTM(3)), Dense(1)])
    path = str(tmp_path / "b.keras")
    model.save(path)
    again = nnlite.saving.load_model(path)
    np.testing.assert_array_equal(model.predict(X, verbose=0), again.predict(X, verbose=0))


def test_bidirectional_model_trains():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(64, 6, 2)).astype("float32")
    y = (x[:, 0, 0] > x[:, -1, 0]).astype("float32")[:, None]
    model = nnlite.Sequential([nnlite.Input((6, 2)), Bidirectional(GRU(8)),
                               Dense(1, activation="sigmoid")])
    model.compile(optimizer=nnlite.optimizers.Adam(0.02), loss="binary_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x, y, epochs=25, batch_size=16, verbose=0)
    assert history.history["accuracy"][-1] > 0.85
