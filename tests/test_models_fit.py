"""fit / evaluate / predict / *_on_batch semantics, as Keras 3 defines them."""
import re

import numpy as np
import pytest

from nnlite.callbacks import Callback
from nnlite.layers import Dense, Input
from nnlite.models import Sequential
from nnlite.utils import set_random_seed, to_categorical


def _regression_model(n_in=3):
    model = Sequential([Input(shape=(n_in,)), Dense(4, activation="relu"), Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    return model


def _data(n=100, n_in=3, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, n_in)).astype(np.float32)
    y = (x @ np.arange(1, n_in + 1) + 0.5).astype(np.float32)
    return x, y


class _BatchRecorder(Callback):
    def __init__(self):
        super().__init__()
        self.batches = []

    def on_train_batch_begin(self, batch, logs=None):
        self.batches.append(batch)


def test_fit_before_compile_raises():
    model = Sequential([Input(shape=(3,)), Dense(1)])
    with pytest.raises(RuntimeError, match="compile"):
        model.fit(np.ones((4, 3)), np.ones(4), verbose=0)


def test_fit_returns_history_with_one_loss_per_epoch():
    x, y = _data()
    model = _regression_model()
    history = model.fit(x, y, epochs=3, verbose=0)
    assert history is model.history
    assert history.epoch == [0, 1, 2]
    assert list(history.history) == ["loss"]
    assert len(history.history["loss"]) == 3
    assert all(isinstance(v, float) for v in history.history["loss"])


def test_default_batch_size_is_32():
    x, y = _data(n=100)
    rec = _BatchRecorder()
    history = _regression_model().fit(x, y, verbose=0, callbacks=[rec])
    assert history.params == {"verbose": 0, "epochs": 1, "steps": 4}
    assert rec.batches == [0, 1, 2, 3]


def test_validation_split_takes_the_last_fraction_before_shuffling():
    x, y = _data(n=1000)
    rec = _BatchRecorder()
    model = _regression_model()
    history = model.fit(x, y, epochs=1, validation_split=0.2, verbose=0, callbacks=[rec])
    assert history.params["steps"] == 25  # 800 samples at batch 32
    # the reported val_loss is the loss on exactly the last 200 samples
    expected = model.evaluate(x[800:], y[800:], verbose=0)
    assert history.history["val_loss"][0] == pytest.approx(expected, rel=1e-6)


def test_validation_split_too_large_for_data_raises():
    with pytest.raises(ValueError, match="not sufficient"):
        _regression_model().fit(np.ones((1, 3)), np.ones(1), validation_split=0.5, verbose=0)


def test_validation_data_is_used_when_given():
    x, y = _data(n=64)
    xv, yv = _data(n=20, seed=5)
    model = _regression_model()
    history = model.fit(x, y, epochs=1, validation_data=(xv, yv), verbose=0)
    assert history.history["val_loss"][0] == pytest.approx(model.evaluate(xv, yv, verbose=0),
                                                           rel=1e-6)


def test_validation_freq_skips_epochs():
    x, y = _data(n=64)
    history = _regression_model().fit(x, y, epochs=4, validation_split=0.25,
                                      validation_freq=2, verbose=0)
    assert len(history.history["loss"]) == 4
    assert len(history.history["val_loss"]) == 2


def test_shuffle_false_with_same_seed_is_deterministic():
    x, y = _data()
    results = []
    for _ in range(2):
        set_random_seed(3)
        model = _regression_model()
        model.fit(x, y, epochs=2, shuffle=False, verbose=0)
        results.append(model.get_weights())
    for a, b in zip(*results):
        np.testing.assert_array_equal(a, b)


def test_shuffle_changes_batch_order():
    x, y = _data()
    set_random_seed(3)
    a = _regression_model()
    wa = a.get_weights()
    a.fit(x, y, epochs=1, shuffle=False, verbose=0)
    b = _regression_model()
    b.set_weights(wa)
    b.fit(x, y, epochs=1, shuffle=True, verbose=0)
    assert not np.array_equal(a.get_weights()[0], b.get_weights()[0])


def test_initial_epoch_starts_counting_there():
    x, y = _data()
    history = _regression_model().fit(x, y, epochs=3, initial_epoch=1, verbose=0)
    assert history.epoch == [1, 2]


def test_stop_training_flag_ends_fit():
    class Stopper(Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 1:
                self.model.stop_training = True

    x, y = _data()
    history = _regression_model().fit(x, y, epochs=10, verbose=0, callbacks=[Stopper()])
    assert history.epoch == [0, 1]


def test_loss_in_history_is_sample_weighted_mean_of_batch_losses():
    # With lr=0 nothing changes, so the epoch loss equals the loss of the data.
    x, y = _data(n=50)
    model = Sequential([Input(shape=(3,)), Dense(1)])
    from nnlite.optimizers import SGD
    model.compile(optimizer=SGD(learning_rate=0.0), loss="mse")
    history = model.fit(x, y, batch_size=16, verbose=0)
    pred = x.astype(np.float64) @ model.get_weights()[0].astype(np.float64) + model.get_weights()[1]
    expected = np.mean((pred[:, 0] - y) ** 2)
    assert history.history["loss"][0] == pytest.approx(expected, rel=1e-5)


def test_evaluate_returns_float_for_loss_only():
    x, y = _data()
    model = _regression_model()
    result = model.evaluate(x, y, verbose=0)
    assert isinstance(result, float)


def test_evaluate_returns_loss_then_metrics_in_compile_order():
    x, y = _data()
    model = Sequential([Input(shape=(3,)), Dense(1)])
    model.compile(optimizer="adam", loss="mse", metrics=["mae", "mse"])
    result = model.evaluate(x, y, verbose=0)
    pred = model.predict(x, verbose=0)[:, 0].astype(np.float64)
    mse, mae = np.mean((pred - y) ** 2), np.mean(np.abs(pred - y))
    assert result == pytest.approx([mse, mae, mse], rel=1e-5)
    as_dict = model.evaluate(x, y, verbose=0, return_dict=True)
    assert set(as_dict) == {"loss", "mae", "mse"}


def test_accuracy_resolves_to_categorical_for_one_hot_targets():
    x = np.eye(4, dtype=np.float32)[[0, 1, 2, 3, 0, 1]]
    labels = np.array([0, 1, 2, 3, 1, 1])
    model = Sequential([Input(shape=(4,)), Dense(4, activation="softmax", use_bias=False)])
    model.set_weights([np.eye(4) * 5])
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    loss, acc = model.evaluate(x, to_categorical(labels, 4), verbose=0)
    assert acc == pytest.approx(5 / 6)


def test_accuracy_resolves_to_sparse_for_integer_labels_and_keeps_user_key():
    x = np.eye(3, dtype=np.float32)
    model = Sequential([Input(shape=(3,)), Dense(3, activation="softmax", use_bias=False)])
    model.set_weights([np.eye(3) * 5])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["acc"])
    result = model.evaluate(x, np.array([0, 1, 0]), verbose=0, return_dict=True)
    assert result["acc"] == pytest.approx(2 / 3)
    history = model.fit(x, np.array([0, 1, 2]), verbose=0, epochs=1)
    assert sorted(history.history) == ["acc", "loss"]


def test_accuracy_resolves_to_binary_for_one_output():
    x = np.array([[-2.0], [-1.0], [1.0], [2.0]])
    model = Sequential([Input(shape=(1,)), Dense(1, activation="sigmoid", use_bias=False)])
    model.set_weights([np.array([[3.0]])])
    model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"])
    _, acc = model.evaluate(x, np.array([0, 1, 1, 1]), verbose=0)
    assert acc == pytest.approx(0.75)


def test_history_keys_are_sorted_with_validation_keys_last():
    x = np.random.default_rng(0).normal(size=(40, 2)).astype(np.float32)
    y = (x[:, 0] > 0).astype(np.float32)
    model = Sequential([Input(shape=(2,)), Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy", "mae"])
    history = model.fit(x, y, validation_split=0.25, verbose=0)
    assert list(history.history) == ["accuracy", "loss", "mae", "val_accuracy", "val_loss",
                                     "val_mae"]


def test_predict_is_batched_and_float32():
    model = _regression_model()
    x = np.random.default_rng(0).normal(size=(70, 3))
    out = model.predict(x, batch_size=16, verbose=0)
    assert out.shape == (70, 1) and out.dtype == np.float32
    np.testing.assert_allclose(out, model.predict(x, batch_size=70, verbose=0), rtol=1e-6)


def test_train_on_batch_returns_loss_of_that_batch_before_update():
    x, y = _data(n=8)
    model = _regression_model()
    before = model.test_on_batch(x, y)
    first = model.train_on_batch(x, y)
    assert first == pytest.approx(before, rel=1e-6)
    second = model.train_on_batch(x, y)
    assert second < first


def test_fit_prints_keras_progress_line_with_verbose_2(capsys):
    x, y = _data(n=64)
    _regression_model().fit(x, y, epochs=2, verbose=2)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Epoch 1/2"
    assert re.fullmatch(r"2/2 - \d+s - \d+(ms|us|s)/step - loss: \d+\.\d{4}", lines[1])
    assert lines[2] == "Epoch 2/2"


def test_fit_prints_bar_with_verbose_1(capsys):
    x, y = _data(n=64)
    _regression_model().fit(x, y, epochs=1, verbose=1)
    out = capsys.readouterr().out
    plain = re.sub(r"\x1b\[[0-9;]*m", "", out)
    assert "2/2 " + "\u2501" * 20 in plain
    assert re.search(r"loss: \d+\.\d{4}", plain)


def test_fit_with_verbose_0_prints_nothing(capsys):
    x, y = _data(n=64)
    _regression_model().fit(x, y, epochs=2, verbose=0)
    assert capsys.readouterr().out == ""


def test_sample_weight_zero_ignores_samples():
    x, y = _data(n=32)
    w = np.ones(32, dtype=np.float32)
    w[16:] = 0
    model = _regression_model()
    weighted = model.evaluate(x, y, sample_weight=w, verbose=0, batch_size=32)
    pred = model.predict(x, verbose=0)[:, 0].astype(np.float64)
    expected = np.sum(w * (pred - y) ** 2) / 32  # Keras: sum over batch size
    assert weighted == pytest.approx(expected, rel=1e-5)


# -- bad input -------------------------------------------------------------------

def test_x_and_y_of_different_lengths_raise():
    with pytest.raises(ValueError, match="x has 10 samples, y has 9 samples"):
        _regression_model().fit(np.ones((10, 3)), np.ones(9), verbose=0)


def test_non_numeric_x_raises():
    with pytest.raises(TypeError, match="numbers"):
        _regression_model().fit(np.array([["a", "b", "c"]]), np.ones(1), verbose=0)


def test_nan_in_x_raises():
    x = np.ones((4, 3))
    x[1, 2] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        _regression_model().fit(x, np.ones(4), verbose=0)


def test_nan_in_y_raises():
    y = np.ones(4)
    y[0] = np.inf
    with pytest.raises(ValueError, match="NaN or infinite"):
        _regression_model().fit(np.ones((4, 3)), y, verbose=0)


def test_wrong_number_of_dimensions_raises():
    with pytest.raises(ValueError, match="incompatible"):
        _regression_model().fit(np.ones((4, 3, 2)), np.ones(4), verbose=0)


def test_unknown_loss_alias_raises_at_compile():
    with pytest.raises(ValueError, match="mean_squard_error"):
        Sequential([Dense(1)]).compile(loss="mean_squard_error")


def test_unknown_optimizer_alias_raises_at_compile():
    with pytest.raises(ValueError, match="adamm"):
        Sequential([Dense(1)]).compile(optimizer="adamm", loss="mse")


def test_unknown_metric_raises_at_compile():
    with pytest.raises(ValueError, match="acuracy"):
        Sequential([Dense(1)]).compile(loss="mse", metrics=["acuracy"])


def test_unknown_activation_raises():
    with pytest.raises(ValueError, match="relux"):
        Dense(3, activation="relux")


def test_invalid_units_raise():
    with pytest.raises(ValueError, match="units=0"):
        Dense(0)


def test_unrecognized_layer_argument_raises():
    with pytest.raises(ValueError, match="Unrecognized keyword arguments"):
        Dense(3, unitz=4)


def test_integer_labels_with_categorical_crossentropy_explain_the_fix():
    model = Sequential([Input(shape=(3,)), Dense(4, activation="softmax")])
    model.compile(optimizer="adam", loss="categorical_crossentropy")
    with pytest.raises(ValueError, match="sparse_categorical_crossentropy"):
        model.fit(np.ones((5, 3)), np.array([0, 1, 2, 3, 0]), verbose=0)


def test_label_out_of_range_raises():
    model = Sequential([Input(shape=(3,)), Dense(4, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    with pytest.raises(ValueError, match=r"\[0, 4\)"):
        model.fit(np.ones((2, 3)), np.array([1, 4]), verbose=0)


def test_bad_batch_size_raises():
    with pytest.raises(ValueError, match="batch_size"):
        _regression_model().fit(np.ones((4, 3)), np.ones(4), batch_size=0, verbose=0)
