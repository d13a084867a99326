"""LearningRateScheduler: sets the rate before each epoch (Keras 3.15.1
behaviour observed in /work/kerasenv, November 2026)."""
import numpy as np
import pytest

from nnlite.callbacks import LearningRateScheduler
from nnlite.layers import Dense, Input
from nnlite.models import Sequential
from nnlite.optimizers import SGD


def linear_model(lr=0.1, plans=True):
    model = Sequential([Input(shape=(1,)), Dense(1, use_bias=False, kernel_initializer="ones")])
    model.compile(optimizer=SGD(lr), loss="mse")
    model._allow_plans = plans
    return model


@pytest.mark.parametrize("plans", [True, False])
def test_scheduled_rates_drive_sgd_as_numpy_predicts(plans):
    x = np.array([[1.0], [2.0], [3.0]], dtype=np.float32)
    y = np.array([[0.5], [1.0], [2.0]], dtype=np.float32)
    schedule = [0.1, 0.05, 0.01]
    model = linear_model(plans=plans)
    model.fit(x, y, batch_size=3, epochs=3, shuffle=False, verbose=0,
              callbacks=[LearningRateScheduler(lambda epoch: schedule[epoch])])
    w = 1.0       # one full-batch SGD step per epoch on mean((w x - y)^2)
    xs, ys = x[:, 0].astype(np.float64), y[:, 0].astype(np.float64)
    for lr in schedule:
        w -= np.float32(lr) * np.mean(2 * (w * xs - ys) * xs)
    assert model.get_weights()[0][0, 0] == pytest.approx(w, rel=1e-5)


def test_history_gets_the_learning_rate_of_each_epoch():
    # Keras 3.15.1 with SGD(0.1) and schedule 0.1/(epoch+1): history
    # learning_rate [0.10000000149011612, 0.05000000074505806, 0.03333333507180214]
    model = linear_model()
    x = np.ones((4, 1), np.float32)
    history = model.fit(x, x, epochs=3, verbose=0,
                        callbacks=[LearningRateScheduler(lambda e: 0.1 / (e + 1))])
    assert history.history["learning_rate"] == [0.10000000149011612, 0.05000000074505806,
                                                0.03333333507180214]


def test_two_argument_schedule_gets_the_current_rate():
    model = linear_model(lr=0.1)
    x = np.ones((4, 1), np.float32)
    model.fit(x, x, epochs=2, verbose=0,
              callbacks=[LearningRateScheduler(lambda epoch, lr: lr * 0.5)])
    assert float(model.optimizer.learning_rate) == pytest.approx(0.025)


def test_verbose_message_matches_keras(capsys):
    model = linear_model()
    x = np.ones((4, 1), np.float32)
    model.fit(x, x, epochs=2, verbose=0,
              callbacks=[LearningRateScheduler(lambda e: 0.1 / (e + 1), verbose=1)])
    assert capsys.readouterr().out == (
        "\nEpoch 1: LearningRateScheduler setting learning rate to 0.1.\n"
        "\nEpoch 2: LearningRateScheduler setting learning rate to 0.05.\n")


def test_non_float_schedule_output_is_rejected():
    model = linear_model()
    x = np.ones((4, 1), np.float32)
    with pytest.raises(ValueError, match="should be a float. Got: 1"):
        model.fit(x, x, epochs=1, verbose=0, callbacks=[LearningRateScheduler(lambda e: 1)])
