"""EarlyStopping against Keras 3.15.1.

The expected outcomes below were produced by feeding the same sequence of
monitored values to `keras.callbacks.EarlyStopping` in /work/kerasenv with a
fake model (get_weights returns the epoch index, so the restored "weights"
name the restored epoch): /tmp script e8.py, November 2026.
"""
import warnings

import numpy as np
import pytest

from nnlite.callbacks import EarlyStopping
from nnlite.layers import Dense, Input
from nnlite.models import Sequential

SEQ = [1.0, 0.9, 0.95, 0.92, 0.91, 0.85, 0.86, 0.87, 0.88]


class FakeModel:
    def __init__(self):
        self.stop_training = False
        self.w = 0
        self._metrics = []

    def get_weights(self):
        return [np.array(self.w)]

    def set_weights(self, weights):
        self.w = int(weights[0])


def run(values, **kwargs):
    es = EarlyStopping(**kwargs)
    model = FakeModel()
    es.set_model(model)
    es.on_train_begin()
    ran = 0
    for epoch, v in enumerate(values):
        model.w = epoch
        ran += 1
        es.on_epoch_end(epoch, {"loss": v, "val_loss": v, "acc": v})
        if model.stop_training:
            break
    es.on_train_end()
    return dict(ran=ran, stopped_epoch=es.stopped_epoch, best_epoch=es.best_epoch,
                weights_epoch=model.w)


KERAS_OUTCOMES = [
    (dict(monitor="loss"), dict(ran=3, stopped_epoch=2, best_epoch=1, weights_epoch=2)),
    (dict(monitor="loss", patience=2), dict(ran=4, stopped_epoch=3, best_epoch=1, weights_epoch=3)),
    (dict(monitor="loss", patience=2, restore_best_weights=True),
     dict(ran=4, stopped_epoch=3, best_epoch=1, weights_epoch=1)),
    (dict(monitor="loss", patience=2, min_delta=0.06),
     dict(ran=4, stopped_epoch=3, best_epoch=1, weights_epoch=3)),
    (dict(monitor="loss", patience=3, baseline=0.8, restore_best_weights=True),
     dict(ran=3, stopped_epoch=2, best_epoch=1, weights_epoch=1)),
    (dict(monitor="loss", patience=1, start_from_epoch=3),
     dict(ran=7, stopped_epoch=6, best_epoch=5, weights_epoch=6)),
    (dict(monitor="loss", mode="max", patience=1),
     dict(ran=2, stopped_epoch=1, best_epoch=0, weights_epoch=1)),
    (dict(monitor="acc", mode="max", patience=2, restore_best_weights=True),
     dict(ran=3, stopped_epoch=2, best_epoch=0, weights_epoch=0)),
    # patience never runs out: the best weights are restored all the same
    (dict(monitor="val_loss", patience=10, restore_best_weights=True),
     dict(ran=9, stopped_epoch=0, best_epoch=5, weights_epoch=5)),
]


@pytest.mark.parametrize("kwargs,expected", KERAS_OUTCOMES)
def test_early_stopping_matches_keras_on_a_sequence(kwargs, expected):
    assert run(SEQ, **kwargs) == expected


def test_early_stopping_prints_the_keras_messages(capsys):
    run(SEQ, monitor="acc", mode="max", patience=2, verbose=1, restore_best_weights=True)
    assert capsys.readouterr().out == ("Epoch 3: early stopping\n"
                                       "Restoring model weights from the end of the best "
                                       "epoch: 1.\n")


def test_early_stopping_restore_message_without_stop(capsys):
    run(SEQ, monitor="val_loss", patience=10, restore_best_weights=True, verbose=1)
    assert capsys.readouterr().out == ("Restoring model weights from the end of the best "
                                       "epoch: 6.\n")


def test_early_stopping_warns_when_monitor_is_missing():
    es = EarlyStopping()
    es.set_model(FakeModel())
    es.on_train_begin()
    with pytest.warns(UserWarning, match="Early stopping conditioned on metric `val_loss` "
                                         "which is not available. Available metrics are: "
                                         "accuracy,loss"):
        es.on_epoch_end(0, {"accuracy": 0.5, "loss": 1.0})


def test_unknown_mode_warns_and_falls_back_to_auto():
    with pytest.warns(UserWarning, match="EarlyStopping mode 'bad' is unknown, fallback to "
                                         "auto mode."):
        es = EarlyStopping(mode="bad")
    assert es.mode == "auto"


def make_model(metrics=None):
    model = Sequential([Input(shape=(3,)), Dense(1, activation="sigmoid")])
    model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=metrics)
    return model


def test_auto_mode_maximises_accuracy_and_minimises_loss():
    model = make_model(["accuracy"])
    model._resolve_compiled(np.zeros((2, 1)), (None, 1))
    up = EarlyStopping(monitor="val_accuracy", min_delta=0.1)
    up.set_model(model)
    up._set_monitor_op()
    assert up._is_improvement(0.7, 0.5) and not up._is_improvement(0.55, 0.5)
    down = EarlyStopping(monitor="loss", min_delta=0.1)
    down.set_model(model)
    down._set_monitor_op()
    assert down._is_improvement(0.3, 0.5) and not down._is_improvement(0.45, 0.5)


def test_auto_mode_raises_for_an_unknown_metric():
    model = make_model()
    es = EarlyStopping(monitor="foo")
    es.set_model(model)
    with pytest.raises(ValueError, match="monitor=foo.*mode='max'"):
        es.on_epoch_end(0, {"foo": 1.0})


def test_early_stopping_in_a_real_fit_stops_and_restores():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 3)).astype(np.float32)
    y = (x[:, :1] > 0).astype(np.float32)
    model = make_model()
    seen = []

    class Snap(EarlyStopping):
        def on_epoch_end(self, epoch, logs=None):
            seen.append((logs["loss"], model.get_weights()))
            super().on_epoch_end(epoch, logs)

    # min_delta=10 means no epoch after the first counts as an improvement
    es = Snap(monitor="loss", min_delta=10, patience=2, restore_best_weights=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        history = model.fit(x, y, epochs=20, verbose=0, callbacks=[es])
    assert len(history.history["loss"]) == 3
    assert es.stopped_epoch == 2
    for got, want in zip(model.get_weights(), seen[0][1]):
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("metric,up", [("binary_accuracy", True), ("mae", False),
                                       ("mse", False), ("accuracy", True)])
def test_auto_mode_direction_of_compiled_metrics(metric, up):
    # Keras 3.15.1: val_binary_accuracy -> greater, val_mae -> less
    model = make_model([metric])
    x = np.ones((8, 3), np.float32)
    es = EarlyStopping(monitor="val_" + metric)
    model.fit(x, x[:, :1], validation_split=0.5, epochs=1, verbose=0, callbacks=[es])
    assert es._is_improvement(0.6, 0.5) is up
