"""Hook order and logs of a custom Callback, against Keras 3.15.1.

KERAS_FIT_EVENTS was recorded in /work/kerasenv (November 2026) with a
callback that logs (hook, index, sorted logs keys) for
`fit(x[100], y, batch_size=50, epochs=2, validation_data=(x[:30], y[:30]),
validation_batch_size=20)` on a model compiled with metrics=["accuracy"];
Keras hands `{}` to the begin hooks.
"""
import numpy as np
import pytest

from nnlite.callbacks import Callback, LambdaCallback
from nnlite.layers import Dense, Input
from nnlite.models import Sequential

HOOKS = ["on_train_begin", "on_train_end", "on_epoch_begin", "on_epoch_end",
         "on_train_batch_begin", "on_train_batch_end", "on_test_begin", "on_test_end",
         "on_test_batch_begin", "on_test_batch_end", "on_predict_begin", "on_predict_end",
         "on_predict_batch_begin", "on_predict_batch_end"]

A, L, VA, VL = "accuracy", "loss", "val_accuracy", "val_loss"
KERAS_TEST_BLOCK = [("on_test_begin", []), ("on_test_batch_begin", 0, []),
                    ("on_test_batch_end", 0, [A, L]), ("on_test_batch_begin", 1, []),
                    ("on_test_batch_end", 1, [A, L]), ("on_test_end", [A, L])]
KERAS_FIT_EVENTS = [("on_train_begin", [])]
for _e in range(2):
    KERAS_FIT_EVENTS += [("on_epoch_begin", _e, []), ("on_train_batch_begin", 0, []),
                         ("on_train_batch_end", 0, [A, L]), ("on_train_batch_begin", 1, []),
                         ("on_train_batch_end", 1, [A, L])]
    KERAS_FIT_EVENTS += KERAS_TEST_BLOCK + [("on_epoch_end", _e, [A, L, VA, VL])]
KERAS_FIT_EVENTS += [("on_train_end", [A, L, VA, VL])]
KERAS_PREDICT_EVENTS = [("on_predict_begin", []), ("on_predict_batch_begin", 0, []),
                        ("on_predict_batch_end", 0, ["outputs"]),
                        ("on_predict_batch_begin", 1, []),
                        ("on_predict_batch_end", 1, ["outputs"]), ("on_predict_end", [])]


class Recorder(Callback):
    def __init__(self):
        super().__init__()
        self.events = []


def _make_hook(name):
    if "batch" in name or "epoch" in name:
        def hook(self, index, logs=None):
            self.events.append((name, index, None if logs is None else sorted(logs)))
    else:
        def hook(self, logs=None):
            self.events.append((name, None if logs is None else sorted(logs)))
    return hook


for _h in HOOKS:
    setattr(Recorder, _h, _make_hook(_h))


@pytest.fixture
def setup():
    rng = np.random.default_rng(0)
    x = rng.random((100, 4)).astype(np.float32)
    y = (x[:, :1] > 0.5).astype(np.float32)
    model = Sequential([Input(shape=(4,)), Dense(1, activation="sigmoid")])
    model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"])
    return model, x, y


def test_fit_hook_order_and_logs_keys_match_keras(setup):
    model, x, y = setup
    rec = Recorder()
    model.fit(x, y, batch_size=50, epochs=2, validation_data=(x[:30], y[:30]),
              validation_batch_size=20, verbose=0, callbacks=[rec])
    assert rec.events == KERAS_FIT_EVENTS
    assert rec.params == {"verbose": 0, "epochs": 2, "steps": 2}


def test_evaluate_and_predict_hook_order_match_keras(setup):
    model, x, y = setup
    rec = Recorder()
    model.evaluate(x, y, batch_size=50, verbose=0, callbacks=[rec])
    assert rec.events == KERAS_TEST_BLOCK
    rec = Recorder()
    model.predict(x, batch_size=50, verbose=0, callbacks=[rec])
    assert rec.events == KERAS_PREDICT_EVENTS


def test_stop_training_in_a_batch_hook_ends_after_that_batch(setup):
    model, x, y = setup
    batches = []

    def on_batch_end(batch, logs):
        batches.append(batch)
        if batch == 1:
            model.stop_training = True

    history = model.fit(x, y, batch_size=10, epochs=5, verbose=0, validation_split=0.2,
                        callbacks=[LambdaCallback(on_train_batch_end=on_batch_end)])
    assert batches == [0, 1]
    assert history.epoch == [0]                       # the epoch still ends...
    assert "val_loss" in history.history              # ...with its validation


def test_lambda_callback_hooks_and_extra_kwargs(setup):
    model, x, y = setup
    calls = []
    cb = LambdaCallback(on_train_begin=lambda logs: calls.append("begin"),
                        on_epoch_begin=lambda e, logs: calls.append(("epoch", e)),
                        on_train_batch_begin=lambda b, logs: calls.append(("b", b)),
                        on_test_end=lambda logs: calls.append("test_end"),
                        on_train_end=lambda logs: calls.append("end"))
    model.fit(x, y, batch_size=50, epochs=1, verbose=0, validation_split=0.5, callbacks=[cb])
    assert calls == ["begin", ("epoch", 0), ("b", 0), "test_end", "end"]


def test_model_history_is_set_when_training_begins(setup):
    model, x, y = setup
    seen = []
    cb = LambdaCallback(on_train_begin=lambda logs: seen.append(model.history))
    history = model.fit(x, y, epochs=1, verbose=0, callbacks=[cb])
    assert seen[0] is history and model.history is history


def test_exhausted_generator_calls_batch_begin_without_end_as_keras(setup):
    # Keras 3.15.1, fit(gen of 3 batches, epochs=1) with a LambdaCallback:
    # [('b', 0), ('e', 0), ('b', 1), ('e', 1), ('b', 2), ('e', 2), ('b', 3), ('E', 0)]
    model, x, y = setup
    events = []
    cb = LambdaCallback(on_train_batch_begin=lambda b, logs: events.append(("b", b)),
                        on_train_batch_end=lambda b, logs: events.append(("e", b)),
                        on_epoch_end=lambda e, logs: events.append(("E", e)))

    def gen():
        for i in range(3):
            yield x[i * 10:i * 10 + 10], y[i * 10:i * 10 + 10]
    with pytest.warns(UserWarning):
        model.fit(gen(), epochs=1, verbose=0, callbacks=[cb])
    assert events == [("b", 0), ("e", 0), ("b", 1), ("e", 1), ("b", 2), ("e", 2), ("b", 3),
                      ("E", 0)]


def test_batch_hooks_get_logs_by_keyword_as_keras_passes_them(setup):
    model, x, y = setup
    got = []

    class KeywordOnly(Callback):
        def on_train_batch_end(self, batch, **kwargs):
            got.append(sorted(kwargs["logs"]))

    model.fit(x, y, batch_size=50, epochs=1, verbose=0, callbacks=[KeywordOnly()])
    assert got == [["accuracy", "loss"]] * 2
