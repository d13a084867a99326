"""TerminateOnNaN: Keras 3.15.1 stops after the first batch whose loss is
NaN or inf, printing `Batch 0: Invalid loss, terminating training`, and the
epoch still ends in the history (observed: {'loss': [inf], ...})."""
import numpy as np
import pytest

from nnlite.callbacks import TerminateOnNaN
from nnlite.layers import Dense, Input
from nnlite.models import Sequential
from nnlite.optimizers import SGD


class FakeModel:
    stop_training = False


def test_stops_on_nan_and_inf_and_prints(capsys):
    for bad in (float("nan"), float("inf")):
        cb = TerminateOnNaN()
        cb.set_model(FakeModel())
        cb.on_train_batch_end(3, {"loss": bad})
        assert cb.model.stop_training
    assert capsys.readouterr().out == ("Batch 3: Invalid loss, terminating training\n" * 2)


def test_finite_loss_keeps_training():
    cb = TerminateOnNaN()
    cb.set_model(FakeModel())
    cb.model.stop_training = False
    cb.on_train_batch_end(0, {"loss": 1.5})
    assert not cb.model.stop_training


def test_raise_error_raises():
    cb = TerminateOnNaN(raise_error=True)
    cb.set_model(FakeModel())
    with pytest.raises(RuntimeError, match="NaN or Inf loss encountered at batch 2"):
        cb.on_train_batch_end(2, {"loss": float("nan")})


def test_real_fit_stops_after_the_diverging_batch(capsys):
    x = np.full((32, 1), 1e10, np.float32)
    y = np.full((32, 1), 1e20, np.float32)
    model = Sequential([Input(shape=(1,)), Dense(1)])
    model.compile(optimizer=SGD(0.01), loss="mse")
    with np.errstate(all="ignore"):
        history = model.fit(x, y, batch_size=16, epochs=3, verbose=0,
                            callbacks=[TerminateOnNaN()])
    assert len(history.history["loss"]) == 1
    assert not np.isfinite(history.history["loss"][0])
    assert capsys.readouterr().out == "Batch 0: Invalid loss, terminating training\n"
