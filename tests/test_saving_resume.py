"""Training resumed from a `.keras` checkpoint follows the trajectory of
uninterrupted training: the optimizer's state (iterations, moments, ...) is
saved and restored, on the compiled plan and on the layer-by-layer path."""
import numpy as np
import pytest

import nnlite
from nnlite import layers, optimizers

OPTIMIZERS = {
    "adam": lambda: optimizers.Adam(0.01),
    "adam_amsgrad": lambda: optimizers.Adam(0.01, amsgrad=True),
    "sgd_momentum": lambda: optimizers.SGD(0.05, momentum=0.9),
    "sgd_nesterov": lambda: optimizers.SGD(0.05, momentum=0.9, nesterov=True),
    "rmsprop": lambda: optimizers.RMSprop(0.01),
    "rmsprop_centered": lambda: optimizers.RMSprop(0.01, momentum=0.5, centered=True),
    "nadam": lambda: optimizers.Nadam(0.01),
    "adamax": lambda: optimizers.Adamax(0.01),
    "adagrad": lambda: optimizers.Adagrad(0.05),
    "adadelta": lambda: optimizers.Adadelta(1.0),
    "adamw": lambda: optimizers.AdamW(0.01),
    "adam_schedule": lambda: optimizers.Adam(
        optimizers.schedules.ExponentialDecay(0.02, decay_steps=3, decay_rate=0.5)),
}


def data():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((40, 5)).astype("float32")
    y = (x[:, :2] @ np.array([[1.0, -1.0], [0.5, 2.0]], dtype="float32")).astype("float32")
    return x, y


def make_model(opt, seed=11):
    nnlite.utils.set_random_seed(seed)
    model = nnlite.Sequential([layers.Input((5,)), layers.Dense(6, activation="tanh"),
                               layers.Dense(2)])
    model.compile(optimizer=opt, loss="mse")
    return model


def train(model, epochs, layer_path):
    x, y = data()
    model._allow_plans = not layer_path
    model.fit(x, y, batch_size=8, epochs=epochs, shuffle=False, verbose=0)


@pytest.mark.parametrize("layer_path", [False, True], ids=["plan", "layers"])
@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_resumed_training_matches_uninterrupted(tmp_path, name, layer_path):
    straight = make_model(OPTIMIZERS[name]())
    train(straight, 4, layer_path)

    first = make_model(OPTIMIZERS[name]())
    train(first, 2, layer_path)
    path = tmp_path / "ckpt.keras"
    first.save(path)
    resumed = nnlite.models.load_model(path)
    assert int(resumed.optimizer.iterations.value) == 2 * 5
    train(resumed, 2, layer_path)

    for a, b in zip(straight.get_weights(), resumed.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_resume_without_optimizer_state_differs(tmp_path):
    """The check above can fail: restarting Adam from scratch changes the path."""
    straight = make_model(optimizers.Adam(0.01))
    train(straight, 4, False)
    first = make_model(optimizers.Adam(0.01))
    train(first, 2, False)
    path = tmp_path / "ckpt.keras"
    first.save(path)
    restarted = nnlite.models.load_model(path, compile=False)
    restarted.compile(optimizer=optimizers.Adam(0.01), loss="mse")
    train(restarted, 2, False)
    diff = max(np.abs(a - b).max() for a, b in zip(straight.get_weights(),
                                                  restarted.get_weights()))
    assert diff > 1e-4


def test_resume_from_weights_h5_restores_optimizer_state(tmp_path):
    straight = make_model(optimizers.RMSprop(0.01, momentum=0.9))
    train(straight, 4, False)
    first = make_model(optimizers.RMSprop(0.01, momentum=0.9))
    train(first, 2, False)
    path = tmp_path / "ckpt.weights.h5"
    first.save_weights(path)
    resumed = make_model(optimizers.RMSprop(0.01, momentum=0.9), seed=99)
    resumed.optimizer.build(resumed.trainable_weights)
    resumed.load_weights(path)
    train(resumed, 2, False)
    for a, b in zip(straight.get_weights(), resumed.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_load_weights_into_unbuilt_optimizer_skips_its_state_as_keras(tmp_path):
    """Keras 3.15.1 (checked in /work/kerasenv): `load_weights` into a freshly
    compiled model warns "Skipping variable loading for optimizer 'adam_1',
    because it has 2 variables whereas the saved optimizer has 6 variables."
    and leaves the optimizer at iteration 0."""
    first = make_model(optimizers.Adam(0.01))
    train(first, 1, False)
    path = tmp_path / "ckpt.weights.h5"
    first.save_weights(path)
    fresh = make_model(optimizers.Adam(0.01), seed=99)
    with pytest.warns(UserWarning, match="has 2 variables whereas the saved optimizer has "
                                         "10 variables"):
        fresh.load_weights(path)
    assert int(fresh.optimizer.iterations.value) == 0
    for a, b in zip(first.get_weights(), fresh.get_weights()):
        np.testing.assert_array_equal(a, b)
