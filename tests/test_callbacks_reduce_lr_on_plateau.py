"""ReduceLROnPlateau against Keras 3.15.1.

The learning-rate sequences were produced by feeding the same monitored
values to `keras.callbacks.ReduceLROnPlateau` in /work/kerasenv with a fake
model whose optimizer holds a Python float learning rate (November 2026).
"""
import numpy as np
import pytest

from nnlite.callbacks import ReduceLROnPlateau
from nnlite.layers import Dense, Input
from nnlite.models import Sequential
from nnlite.optimizers import SGD

SEQ = [1.0, 0.99995, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9]


class FakeOptimizer:
    def __init__(self, lr):
        self.learning_rate = lr


class FakeModel:
    def __init__(self):
        self.optimizer = FakeOptimizer(0.1)
        self._metrics = []


def run(values, **kwargs):
    cb = ReduceLROnPlateau(**kwargs)
    model = FakeModel()
    cb.set_model(model)
    cb.on_train_begin()
    lrs, logged = [], []
    for epoch, v in enumerate(values):
        logs = {"loss": v}
        cb.on_epoch_end(epoch, logs)
        lrs.append(model.optimizer.learning_rate)
        logged.append(logs["learning_rate"])
    return lrs, logged


KERAS = [
    (dict(monitor="loss", patience=2),
     [0.1, 0.1, 0.1, 0.1, 0.010000000000000002, 0.010000000000000002, 0.0010000000000000002,
      0.0010000000000000002, 0.00010000000000000003, 0.00010000000000000003],
     [0.1, 0.1, 0.1, 0.1, 0.1, 0.010000000000000002, 0.010000000000000002,
      0.0010000000000000002, 0.0010000000000000002, 0.00010000000000000003]),
    (dict(monitor="loss", patience=1, factor=0.5, cooldown=2),
     [0.1, 0.05, 0.05, 0.025, 0.025, 0.0125, 0.0125, 0.00625, 0.00625, 0.003125],
     [0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.0125, 0.0125, 0.00625, 0.00625]),
    (dict(monitor="loss", patience=1, factor=0.5, min_lr=0.02),
     [0.1, 0.05, 0.05, 0.025, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02],
     [0.1, 0.1, 0.05, 0.05, 0.025, 0.02, 0.02, 0.02, 0.02, 0.02]),
    (dict(monitor="loss", patience=1, min_delta=0),
     [0.1, 0.1, 0.1, 0.010000000000000002, 0.0010000000000000002, 0.00010000000000000003,
      1.0000000000000004e-05, 1.0000000000000004e-06, 1.0000000000000005e-07,
      1.0000000000000005e-08],
     [0.1, 0.1, 0.1, 0.1, 0.010000000000000002, 0.0010000000000000002,
      0.00010000000000000003, 1.0000000000000004e-05, 1.0000000000000004e-06,
      1.0000000000000005e-07]),
]


@pytest.mark.parametrize("kwargs,lrs,logged", KERAS)
def test_learning_rate_sequence_matches_keras(kwargs, lrs, logged):
    got_lrs, got_logged = run(SEQ, **kwargs)
    np.testing.assert_allclose(got_lrs, lrs, rtol=1e-12)
    np.testing.assert_allclose(got_logged, logged, rtol=1e-12)


def test_verbose_prints_each_reduction(capsys):
    run(SEQ, monitor="loss", patience=1, factor=0.5, min_lr=0.02, verbose=1)
    assert capsys.readouterr().out == (
        "\nEpoch 2: ReduceLROnPlateau reducing learning rate to 0.05.\n"
        "\nEpoch 4: ReduceLROnPlateau reducing learning rate to 0.025.\n"
        "\nEpoch 5: ReduceLROnPlateau reducing learning rate to 0.02.\n")


def test_factor_of_one_or_more_is_rejected():
    with pytest.raises(ValueError, match="factor >= 1.0"):
        ReduceLROnPlateau(factor=1.0)


def test_missing_monitor_warns():
    cb = ReduceLROnPlateau()
    cb.set_model(FakeModel())
    with pytest.warns(UserWarning, match="conditioned on metric `val_loss` which is not "
                                         "available. Available metrics are: loss,learning_rate"):
        cb.on_epoch_end(0, {"loss": 1.0})


def test_real_fit_logs_float32_learning_rate_in_history_and_lowers_it():
    # Keras 3.15.1, SGD(0.1), ReduceLROnPlateau(monitor="loss", patience=0,
    # min_delta=10, factor=0.5): history keys ['accuracy', 'loss',
    # 'learning_rate'] and learning_rate [0.10000000149011612,
    # 0.10000000149011612, 0.05000000074505806, 0.02500000037252903].
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 3)).astype(np.float32)
    y = (x[:, :1] > 0).astype(np.float32)
    model = Sequential([Input(shape=(3,)), Dense(1, activation="sigmoid")])
    model.compile(optimizer=SGD(0.1), loss="binary_crossentropy", metrics=["accuracy"])
    cb = ReduceLROnPlateau(monitor="loss", patience=0, min_delta=10, factor=0.5)
    history = model.fit(x, y, epochs=4, verbose=0, callbacks=[cb])
    assert list(history.history) == ["accuracy", "loss", "learning_rate"]
    assert history.history["learning_rate"] == [0.10000000149011612, 0.10000000149011612,
                                                0.05000000074505806, 0.02500000037252903]
    assert float(model.optimizer.learning_rate) == pytest.approx(0.0125)
