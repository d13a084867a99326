"""The new layers inside models: whole-model gradients, learning, reported loss with
penalties, frozen layers and BatchNormalization's statistics during fit/evaluate."""
import numpy as np
import pytest

from layer_gradcheck import model_tape_gradients, numeric_grad
from nnlite import config
from nnlite.layers import (BatchNormalization, Dense, Dropout, Input, LayerNormalization,
                           PReLU)
from nnlite.models import Sequential
from nnlite.optimizers import SGD, Adam
from nnlite.regularizers import L1, L2
from nnlite.utils import set_random_seed


@pytest.fixture
def float64():
    config.set_floatx("float64")
    yield
    config.set_floatx("float32")


def test_whole_model_gradient_with_normalization_dropout_and_penalties(float64):
    set_random_seed(0)
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(6, 4)), rng.normal(size=(6, 2))
    model = Sequential([Input((4,)),
                        Dense(5, activation="tanh", kernel_regularizer=L2(0.1),
                              bias_regularizer=L1(0.05)),
                        BatchNormalization(),
                        Dropout(0.0),
                        LayerNormalization(),
                        PReLU(alpha_initializer="ones"),
                        Dense(2, activity_regularizer=L2(0.2))])
    model.compile(optimizer="sgd", loss="mse")
    model.layers[4].set_weights([np.full((5,), 0.3)])
    d0, d1 = model.layers[0], model.layers[-1]

    def total():
        # independent reference: NumPy MSE and the penalties' formulas
        out = np.asarray(model(x, training=True))
        k, b = d0.kernel.value, d0.bias.value
        return (np.mean((out - y) ** 2) + 0.1 * np.sum(k ** 2) + 0.05 * np.sum(np.abs(b))
                + 0.2 * np.sum(out ** 2) / len(x))

    grads, _ = model_tape_gradients(model, x, y)
    weights = model.trainable_weights
    assert len(grads) == len(weights) == 2 + 2 + 2 + 1 + 2
    for w, g in zip(weights, grads):
        np.testing.assert_allclose(g, numeric_grad(total, w.value), rtol=1e-5, atol=1e-7,
                                   err_msg=w.path)


def test_dense_batchnorm_dropout_model_learns_a_small_problem():
    set_random_seed(1)
    rng = np.random.default_rng(1)
    x = rng.normal(size=(400, 6)).astype("float32")
    labels = (x[:, 0] + 0.5 * x[:, 1] - x[:, 2] > 0).astype("float32")
    model = Sequential([Input((6,)), Dense(32, activation="relu"), BatchNormalization(),
                        Dropout(0.2), Dense(1, activation="sigmoid")])
    model.compile(optimizer=Adam(0.01), loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(x, labels, epochs=15, batch_size=32, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
    assert model.evaluate(x, labels, verbose=0)[1] > 0.93


def test_history_loss_is_data_loss_plus_penalty_for_a_full_batch_step():
    rng = np.random.default_rng(2)
    x, y = rng.normal(size=(8, 3)).astype("float32"), rng.normal(size=(8, 2)).astype("float32")
    k = rng.normal(size=(3, 2)).astype("float32")
    b = np.array([0.1, -0.2], "float32")
    model = Sequential([Input((3,)), Dense(2, kernel_regularizer=L2(0.1))])
    model.set_weights([k, b])
    model.compile(optimizer=SGD(0.05), loss="mse")
    history = model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    k64, b64, x64, y64 = (a.astype(np.float64) for a in (k, b, x, y))
    expected = np.mean((x64 @ k64 + b64 - y64) ** 2) + 0.1 * np.sum(k64 ** 2)
    assert history.history["loss"][0] == pytest.approx(expected, rel=1e-5)
    # the step descends data loss + penalty: dL/dK = 2/(n*2) X^T r + 0.2 K
    r = x64 @ k64 + b64 - y64
    k1 = k64 - 0.05 * (x64.T @ r * (2 / r.size) + 0.2 * k64)
    np.testing.assert_allclose(model.get_weights()[0], k1, rtol=1e-5, atol=1e-6)
    evaluated = np.mean((x64 @ model.get_weights()[0].astype(np.float64)
                         + model.get_weights()[1] - y64) ** 2) \
        + 0.1 * np.sum(model.get_weights()[0].astype(np.float64) ** 2)
    assert model.evaluate(x, y, verbose=0) == pytest.approx(evaluated, rel=1e-5)


def test_frozen_layer_keeps_its_weights_in_fit():
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=(32, 4)).astype("float32"), rng.normal(size=(32, 1)).astype("float32")
    model = Sequential([Input((4,)), Dense(8), BatchNormalization(), Dense(1)])
    model.layers[0].trainable = False
    model.layers[1].trainable = False
    before = model.get_weights()
    model.compile(optimizer="adam", loss="mse")
    model.fit(x, y, epochs=2, verbose=0)
    after = model.get_weights()
    for i in range(6):     # Dense kernel/bias, BN gamma/beta and its moving statistics
        np.testing.assert_array_equal(before[i], after[i])
    assert not np.array_equal(before[6], after[6])


def test_model_trainable_false_freezes_every_layer():
    rng = np.random.default_rng(4)
    x, y = rng.normal(size=(16, 3)).astype("float32"), rng.normal(size=(16, 1)).astype("float32")
    model = Sequential([Input((3,)), Dense(4), BatchNormalization(), Dense(1)])
    model.trainable = False
    assert all(not layer.trainable for layer in model.layers)
    assert model.trainable_weights == []
    before = model.get_weights()
    model.compile(optimizer="sgd", loss="mse")
    with pytest.warns(UserWarning, match="does not have any trainable weights"):
        history = model.fit(x, y, epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])   # the step still reports, as in Keras
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_batchnorm_statistics_move_in_fit_but_not_in_evaluate_or_predict():
    rng = np.random.default_rng(5)
    x = (rng.normal(size=(64, 3)) * 4 + 2).astype("float32")
    y = rng.normal(size=(64, 1)).astype("float32")
    model = Sequential([Input((3,)), BatchNormalization(), Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, y, epochs=1, batch_size=64, shuffle=False, verbose=0)
    bn = model.layers[0]
    np.testing.assert_allclose(bn.moving_mean.numpy(), 0.01 * x.astype(np.float64).mean(0),
                               rtol=1e-4)
    np.testing.assert_allclose(bn.moving_variance.numpy(),
                               0.99 + 0.01 * x.astype(np.float64).var(0), rtol=1e-5)
    stats = [w.numpy() for w in bn.non_trainable_weights]
    model.evaluate(x, y, verbose=0)
    model.predict(x, verbose=0)
    for a, w in zip(stats, bn.non_trainable_weights):
        np.testing.assert_array_equal(a, w.numpy())


def test_model_losses_collect_every_layer_penalty():
    model = Sequential([Input((3,)), Dense(4, kernel_regularizer=L2(0.1)),
                        Dense(2, bias_regularizer=L1(0.2), bias_initializer="ones")])
    expected = [0.1 * np.sum(model.layers[0].kernel.numpy().astype(np.float64) ** 2),
                np.float32(0.2) * 2.0]
    np.testing.assert_allclose(sorted(model.losses), sorted(expected), rtol=1e-6)


def test_activity_penalty_gradient_on_a_fused_softmax_output(float64):
    # softmax + categorical cross-entropy run fused on the logits; the output's
    # activity penalty must still reach the logits through the softmax
    rng = np.random.default_rng(6)
    x = rng.normal(size=(5, 3))
    t = np.eye(3)[rng.integers(0, 3, 5)]
    model = Sequential([Input((3,)), LayerNormalization(),
                        Dense(3, activation="softmax", activity_regularizer=L2(0.3))])
    model.compile(optimizer="sgd", loss="categorical_crossentropy")

    def total():
        p = np.asarray(model(x, training=True))
        return -np.mean(np.sum(t * np.log(p), axis=1)) + 0.3 * np.sum(p ** 2) / len(x)

    grads, y_pred = model_tape_gradients(model, x, t)
    assert y_pred._keras_logits is not None     # the loss is taken on the logits
    for w, g in zip(model.trainable_weights, grads):
        np.testing.assert_allclose(g, numeric_grad(total, w.value), rtol=1e-5, atol=1e-7,
                                   err_msg=w.path)


def test_sequential_config_round_trips_every_new_layer():
    from nnlite.layers import ELU, Flatten, LeakyReLU, ReLU, Reshape, Softmax
    model = Sequential([Input((2, 3)), Flatten(), Dense(6, kernel_regularizer="l2",
                                                        activity_regularizer=L1(0.1),
                                                        kernel_constraint="max_norm"),
                        BatchNormalization(momentum=0.9, gamma_regularizer="l1"),
                        LayerNormalization(epsilon=0.01), LeakyReLU(0.1), ReLU(max_value=6.0),
                        ELU(0.5), PReLU(shared_axes=[1]), Dropout(0.3, seed=4),
                        Reshape((2, 3)), Softmax(axis=1)])
    clone = Sequential.from_config(model.get_config())
    assert [type(l) for l in clone.layers] == [type(l) for l in model.layers]
    assert [l.get_config() for l in clone.layers] == [l.get_config() for l in model.layers]
    assert clone.output_shape == (None, 2, 3)
    assert clone.count_params() == model.count_params()
    assert isinstance(clone.layers[1].kernel.regularizer, L2)
    assert isinstance(clone.layers[1].activity_regularizer, L1)


# Produced by /work/kerasenv/bin/python (Keras 3.15.1, TF 2.21): the model below with the
# weights below, compile(SGD(0.1), "mse"), fit(X, Y, batch_size=4, epochs=1, shuffle=False),
# then get_weights() and evaluate(X, Y).
KERAS_BN_LOSS = 1.580169439315796
KERAS_BN_WEIGHTS = [
    [[0.89981616, -0.54886836], [0.3314831, 0.11281783], [-0.27490473, 0.47355175]],
    [0.04999998, -0.1], [1.503898, 0.5673521], [-0.07391819, -0.0260818],
    [0.18687499, -0.05624999], [1.145918, 0.7658281], [0.8266253, 1.0217127],
    [0.01158727, 0.04216791], [[0.36283123, -0.57598966], [0.7242248, 0.04947807]],
    [0.09166934, 0.19416219]]
KERAS_BN_EVALUATE = 0.7684715986251831


def test_sgd_step_through_batch_and_layer_normalization_matches_keras():
    x = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.5], [-2.0, 1.0, 0.0], [0.75, 3.0, 1.25]],
                 "float32")
    y = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5], [1.0, 1.0]], "float32")
    model = Sequential([Input((3,)), Dense(2), BatchNormalization(momentum=0.9),
                        LayerNormalization(), Dense(2)])
    model.set_weights([np.array([[0.2, -0.3], [0.4, 0.1], [-0.5, 0.6]]), np.array([0.05, -0.1]),
                       np.array([1.5, 0.5]), np.array([0.1, -0.2]), np.array([0.2, -0.1]),
                       np.array([1.2, 0.8]), np.array([0.9, 1.1]), np.array([0.05, -0.05]),
                       np.array([[0.3, -0.7], [0.8, 0.2]]), np.array([0.0, 0.1])])
    model.compile(optimizer=SGD(0.1), loss="mse")
    history = model.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0)
    assert history.history["loss"][0] == pytest.approx(KERAS_BN_LOSS, rel=1e-5)
    for ours, theirs in zip(model.get_weights(), KERAS_BN_WEIGHTS):
        np.testing.assert_allclose(ours, np.array(theirs, "float32"), rtol=1e-4, atol=1e-5)
    assert model.evaluate(x, y, verbose=0) == pytest.approx(KERAS_BN_EVALUATE, rel=1e-5)


@pytest.mark.parametrize("loss", ["mse", "categorical_crossentropy"])
def test_activity_penalty_on_an_activation_layer_reaches_the_gradients(float64, loss):
    from nnlite.layers import Activation
    rng = np.random.default_rng(7)
    x = rng.normal(size=(4, 3))
    t = np.eye(3)[rng.integers(0, 3, 4)]
    model = Sequential([Input((3,)), Dense(3),
                        Activation("softmax", activity_regularizer=L2(0.5))])
    model.compile(optimizer="sgd", loss=loss)

    def total():
        p = np.asarray(model(x, training=True))
        data = np.mean((p - t) ** 2) if loss == "mse" else \
            -np.mean(np.sum(t * np.log(p), axis=1))
        return data + 0.5 * np.sum(p ** 2) / len(x)

    grads, _ = model_tape_gradients(model, x, t)
    for w, g in zip(model.trainable_weights, grads):
        np.testing.assert_allclose(g, numeric_grad(total, w.value), rtol=1e-5, atol=1e-7)
