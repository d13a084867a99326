"""Tests for nnlite.callbacks as `model.fit` drives them.

References are Keras 3's trainer and callbacks (read in
`keras/src/backend/tensorflow/trainer.py`, `keras/src/callbacks/history.py`
and `keras/src/callbacks/progbar_logger.py`): the hook order of `fit`, the
`params` dict, `stop_training`, sorted History keys, the verbose=2 line
format, and the `Epoch i/n` header that is printed only when epochs > 1.
"""
import re

import numpy as np
import pytest

from nnlite.callbacks import Callback, History
from nnlite.layers import Dense, Input
from nnlite.models import Sequential

N = 100          # 4 steps of 32 (32, 32, 32, 4)
STEPS = 4


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(N, 4)).astype(np.float32)
    y = (x[:, :1] + 0.5 * x[:, 1:2] > 0).astype(np.float32)
    return x, y


def make_model(metrics=None):
    model = Sequential([Input(shape=(4,)), Dense(1, activation="sigmoid")])
    model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=metrics)
    return model


class Recorder(Callback):
    """Records every hook call as (name, index-or-None)."""

    def __init__(self):
        super().__init__()
        self.events = []
        self.epoch_logs = []
        self.batch_logs = []
        self.model_at_begin = None
        self.params_at_begin = None

    def on_train_begin(self, logs=None):
        self.model_at_begin = self.model
        self.params_at_begin = dict(self.params)
        self.events.append(("on_train_begin", None))

    def on_train_end(self, logs=None):
        self.events.append(("on_train_end", None))

    def on_epoch_begin(self, epoch, logs=None):
        self.events.append(("on_epoch_begin", epoch))

    def on_epoch_end(self, epoch, logs=None):
        self.events.append(("on_epoch_end", epoch))
        self.epoch_logs.append(dict(logs or {}))

    def on_train_batch_begin(self, batch, logs=None):
        self.events.append(("on_train_batch_begin", batch))

    def on_train_batch_end(self, batch, logs=None):
        self.events.append(("on_train_batch_end", batch))
        self.batch_logs.append(dict(logs or {}))

    def on_test_begin(self, logs=None):
        self.events.append(("on_test_begin", None))

    def on_test_end(self, logs=None):
        self.events.append(("on_test_end", None))

    def on_test_batch_begin(self, batch, logs=None):
        self.events.append(("on_test_batch_begin", batch))

    def on_test_batch_end(self, batch, logs=None):
        self.events.append(("on_test_batch_end", batch))


def expected_train_events(epochs, steps):
    events = [("on_train_begin", None)]
    for e in range(epochs):
        events.append(("on_epoch_begin", e))
        for b in range(steps):
            events += [("on_train_batch_begin", b), ("on_train_batch_end", b)]
        events.append(("on_epoch_end", e))
    events.append(("on_train_end", None))
    return events


# --------------------------------------------------------------------------
# hook order, model and params

def test_fit_calls_hooks_in_keras_order_and_counts(data):
    x, y = data
    rec = Recorder()
    make_model().fit(x, y, batch_size=32, epochs=2, verbose=0, callbacks=[rec])
    assert rec.events == expected_train_events(2, STEPS)


def test_callback_model_is_the_model_being_trained(data):
    x, y = data
    rec = Recorder()
    model = make_model()
    model.fit(x, y, epochs=1, verbose=0, callbacks=[rec])
    assert rec.model_at_begin is model
    assert rec.model is model


def test_callback_params_hold_verbose_epochs_and_steps(data):
    x, y = data
    rec = Recorder()
    make_model().fit(x, y, batch_size=32, epochs=3, verbose=0, callbacks=[rec])
    assert rec.params_at_begin == {"verbose": 0, "epochs": 3, "steps": STEPS}


def test_params_steps_counts_training_part_after_validation_split(data):
    x, y = data
    rec = Recorder()
    make_model().fit(x, y, batch_size=32, epochs=1, verbose=0, validation_split=0.2,
                     callbacks=[rec])
    # 80 training samples -> 3 steps of 32
    assert rec.params_at_begin["steps"] == 3


def test_train_batch_end_logs_hold_running_loss(data):
    x, y = data
    rec = Recorder()
    make_model().fit(x, y, epochs=1, verbose=0, callbacks=[rec])
    assert len(rec.batch_logs) == STEPS
    assert all("loss" in logs and np.isfinite(logs["loss"]) for logs in rec.batch_logs)


def test_legacy_on_batch_hooks_are_called_for_each_train_batch(data):
    x, y = data

    class Legacy(Callback):
        def __init__(self):
            super().__init__()
            self.begins, self.ends = [], []

        def on_batch_begin(self, batch, logs=None):
            self.begins.append(batch)

        def on_batch_end(self, batch, logs=None):
            self.ends.append(batch)

    cb = Legacy()
    make_model().fit(x, y, batch_size=32, epochs=2, verbose=0, callbacks=[cb])
    assert cb.begins == list(range(STEPS)) * 2
    assert cb.ends == list(range(STEPS)) * 2


# --------------------------------------------------------------------------
# epoch-end logs

def test_epoch_end_logs_contain_loss_and_val_loss_with_validation_split(data):
    x, y = data
    rec = Recorder()
    make_model().fit(x, y, epochs=2, verbose=0, validation_split=0.2, callbacks=[rec])
    for logs in rec.epoch_logs:
        assert "loss" in logs and "val_loss" in logs
        assert np.isfinite(logs["loss"]) and np.isfinite(logs["val_loss"])


def test_epoch_end_logs_have_no_val_loss_without_validation(data):
    x, y = data
    rec = Recorder()
    make_model().fit(x, y, epochs=1, verbose=0, callbacks=[rec])
    assert "loss" in rec.epoch_logs[0]
    assert "val_loss" not in rec.epoch_logs[0]


def test_epoch_end_logs_are_what_history_records(data):
    x, y = data
    rec = Recorder()
    history = make_model(["accuracy"]).fit(x, y, epochs=2, verbose=0, validation_split=0.2,
                                           callbacks=[rec])
    for key in ("loss", "accuracy", "val_loss", "val_accuracy"):
        assert history.history[key] == [logs[key] for logs in rec.epoch_logs]


def test_fit_validation_calls_test_hooks_before_epoch_end(data):
    x, y = data
    rec = Recorder()
    make_model().fit(x, y, batch_size=32, epochs=1, verbose=0, validation_split=0.2,
                     callbacks=[rec])
    names = [name for name, _ in rec.events]
    # 20 validation samples: one test batch, between the last train batch and epoch end
    assert names[-6:] == ["on_test_begin", "on_test_batch_begin", "on_test_batch_end",
                          "on_test_end", "on_epoch_end", "on_train_end"]


# --------------------------------------------------------------------------
# stop_training

def test_stop_training_in_on_epoch_end_stops_after_that_epoch(data):
    x, y = data

    class StopAtSecondEpoch(Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 1:
                self.model.stop_training = True

    history = make_model().fit(x, y, epochs=5, verbose=0, callbacks=[StopAtSecondEpoch()])
    assert len(history.epoch) == 2
    assert len(history.history["loss"]) == 2


def test_stop_training_in_on_epoch_end_still_calls_on_train_end(data):
    x, y = data

    class StopAtOnce(Recorder):
        def on_epoch_end(self, epoch, logs=None):
            super().on_epoch_end(epoch, logs)
            self.model.stop_training = True

    rec = StopAtOnce()
    make_model().fit(x, y, epochs=3, verbose=0, callbacks=[rec])
    assert rec.events == expected_train_events(1, STEPS)


def test_stop_training_in_batch_end_ends_epoch_early_and_stops(data):
    x, y = data

    class StopAtBatch1(Recorder):
        def on_train_batch_end(self, batch, logs=None):
            super().on_train_batch_end(batch, logs)
            if batch == 1:
                self.model.stop_training = True

    rec = StopAtBatch1()
    history = make_model().fit(x, y, batch_size=32, epochs=3, verbose=0, callbacks=[rec])
    assert [b for name, b in rec.events if name == "on_train_batch_end"] == [0, 1]
    assert len(history.epoch) == 1


def test_stop_training_is_reset_by_the_next_fit(data):
    x, y = data
    model = make_model()
    model.stop_training = True
    history = model.fit(x, y, epochs=2, verbose=0)
    assert len(history.epoch) == 2


# --------------------------------------------------------------------------
# History

def test_history_keys_are_sorted_as_keras_3_reports(data):
    x, y = data
    history = make_model(["accuracy"]).fit(x, y, epochs=2, verbose=0, validation_split=0.2)
    assert list(history.history) == ["accuracy", "loss", "val_accuracy", "val_loss"]


def test_history_has_one_float_per_epoch(data):
    x, y = data
    history = make_model(["accuracy"]).fit(x, y, epochs=3, verbose=0)
    for values in history.history.values():
        assert len(values) == 3
        assert all(isinstance(v, float) for v in values)


def test_history_epoch_lists_epoch_indices(data):
    x, y = data
    assert make_model().fit(x, y, epochs=3, verbose=0).epoch == [0, 1, 2]


def test_history_params_match_fit_arguments(data):
    x, y = data
    history = make_model().fit(x, y, batch_size=32, epochs=2, verbose=0)
    assert history.params == {"verbose": 0, "epochs": 2, "steps": STEPS}


def test_fit_returns_a_history_callback(data):
    x, y = data
    assert isinstance(make_model().fit(x, y, epochs=1, verbose=0), History)


def test_model_history_is_none_before_fit():
    assert make_model().history is None


def test_model_history_is_the_returned_history(data):
    x, y = data
    model = make_model()
    history = model.fit(x, y, epochs=2, verbose=0)
    assert model.history is history


def test_user_history_instance_is_the_one_returned(data):
    x, y = data
    mine = History()
    history = make_model().fit(x, y, epochs=2, verbose=0, callbacks=[mine])
    assert history is mine
    assert len(mine.history["loss"]) == 2


def test_training_loss_decreases_over_epochs(data):
    x, y = data
    model = Sequential([Input(shape=(4,)), Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    history = model.fit(x, y, epochs=20, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]


# --------------------------------------------------------------------------
# ProgbarLogger output

NUM = r"(?:\d+\.\d{4}|\d\.\d{4}e[+-]\d+)"
LINE_V2 = re.compile(r"^25/25 - \d+s - \d+(?:s|ms|us)/step - loss: %s - val_loss: %s$"
                     % (NUM, NUM))


@pytest.fixture
def data_1000():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(1000, 4)).astype(np.float32)
    y = (x[:, :1] > 0).astype(np.float32)
    return x, y


def test_verbose_2_prints_epoch_header_and_one_line_per_epoch(data_1000, capsys):
    x, y = data_1000
    make_model().fit(x, y, epochs=2, verbose=2, validation_split=0.2)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4
    assert lines[0] == "Epoch 1/2"
    assert LINE_V2.match(lines[1]), lines[1]
    assert lines[2] == "Epoch 2/2"
    assert LINE_V2.match(lines[3]), lines[3]


def test_verbose_2_line_shows_epoch_end_logs(data_1000, capsys):
    x, y = data_1000
    history = make_model().fit(x, y, epochs=1, verbose=2, validation_split=0.2)
    line = capsys.readouterr().out.splitlines()[-1]
    assert "loss: %.4f" % history.history["loss"][0] in line
    assert "val_loss: %.4f" % history.history["val_loss"][0] in line


def test_verbose_2_with_metrics_lists_them_sorted(data_1000, capsys):
    x, y = data_1000
    make_model(["accuracy"]).fit(x, y, epochs=1, verbose=2, validation_split=0.2)
    line = capsys.readouterr().out.splitlines()[-1]
    names = re.findall(r" - ([a-z_]+): ", line)
    assert names == ["accuracy", "loss", "val_accuracy", "val_loss"]


def test_verbose_2_with_one_epoch_prints_no_epoch_header(data_1000, capsys):
    x, y = data_1000
    make_model().fit(x, y, epochs=1, verbose=2, validation_split=0.2)
    out = capsys.readouterr().out
    assert "Epoch" not in out
    lines = out.splitlines()
    assert len(lines) == 1
    assert LINE_V2.match(lines[0]), lines[0]


def test_verbose_1_with_one_epoch_prints_no_epoch_header(data, capsys):
    x, y = data
    make_model().fit(x, y, epochs=1, verbose=1)
    out = capsys.readouterr().out
    assert "Epoch" not in out
    assert "%d/%d" % (STEPS, STEPS) in out


def test_verbose_1_with_two_epochs_prints_epoch_headers(data, capsys):
    x, y = data
    make_model().fit(x, y, epochs=2, verbose=1)
    out = capsys.readouterr().out
    assert "Epoch 1/2\n" in out and "Epoch 2/2\n" in out
    assert "Epoch 1/1" not in out


def test_verbose_0_prints_nothing(data, capsys):
    x, y = data
    make_model(["accuracy"]).fit(x, y, epochs=2, verbose=0, validation_split=0.2)
    captured = capsys.readouterr()
    assert captured.out == ""
