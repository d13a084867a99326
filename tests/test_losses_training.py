"""Training with the Keras 3 losses: fit lowers each loss on the layer-by-layer
path (the compiled plan refuses losses it does not know), loss parameters
reach the gradient, and whole-model gradients match central finite
differences (float64)."""
import numpy as np
import pytest

from nnlite import config, losses
from nnlite.layers import Activation, Dense, Input
from nnlite.models import Sequential
from nnlite.optimizers import SGD, Adam
from nnlite.utils import to_categorical
from layer_gradcheck import model_finite_differences, sgd_step_gradient


@pytest.fixture
def float64():
    config.set_floatx("float64")
    yield
    config.set_floatx("float32")


def _data(kind, n=64, d=4, k=3, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, d)).astype(np.float32)
    w = rng.normal(size=(d, k))
    if kind == "regression":
        y = x @ w + 0.1 * rng.normal(size=(n, k))
    elif kind == "positive":
        y = np.exp(0.3 * (x @ w))
    elif kind == "binary":
        y = (x @ w > 0).astype(float)
    elif kind == "onehot":
        y = to_categorical(np.argmax(x @ w, axis=1), k)
    elif kind == "distribution":
        e = np.exp(x @ w)
        y = e / e.sum(1, keepdims=True)
    return x, y.astype(np.float32)


# (loss identifier, target kind, output activation)
TRAIN_CASES = [
    ("huber", "regression", None), (losses.Huber(delta=0.3), "regression", None),
    ("log_cosh", "regression", None), ("mape", "positive", "softplus"),
    ("msle", "positive", "softplus"), ("hinge", "binary", "tanh"),
    ("squared_hinge", "binary", None), ("categorical_hinge", "onehot", None),
    ("kld", "distribution", "softmax"), ("poisson", "positive", "softplus"),
    ("cosine_similarity", "regression", None), ("binary_focal_crossentropy", "binary", "sigmoid"),
    (losses.BinaryFocalCrossentropy(from_logits=True, apply_class_balancing=True, gamma=1.0),
     "binary", None),
    (losses.BinaryFocalCrossentropy(label_smoothing=0.1), "binary", "sigmoid"),
]
TRAIN_IDS = [c[0] if isinstance(c[0], str) else type(c[0]).__name__ + str(i)
             for i, c in enumerate(TRAIN_CASES)]


def _model(x, y, activation, seed=1):
    from nnlite.utils import set_random_seed
    set_random_seed(seed)
    return Sequential([Input(shape=(x.shape[1],)), Dense(8, activation="tanh"),
                       Dense(y.shape[1], activation=activation)])


@pytest.mark.parametrize("loss, kind, activation", TRAIN_CASES, ids=TRAIN_IDS)
def test_fit_lowers_the_loss(loss, kind, activation):
    x, y = _data(kind)
    model = _model(x, y, activation)
    model.compile(optimizer=Adam(learning_rate=0.02), loss=loss)
    before = model.evaluate(x, y, verbose=0)
    history = model.fit(x, y, epochs=15, batch_size=16, verbose=0)
    after = model.evaluate(x, y, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    assert after < before


@pytest.mark.parametrize("loss, kind, activation", TRAIN_CASES, ids=TRAIN_IDS)
def test_compiled_plan_refuses_the_new_losses(loss, kind, activation):
    x, y = _data(kind, n=16)
    model = _model(x, y, activation)
    model.compile(optimizer=SGD(), loss=loss)
    assert model._training_plan(x, y, None, 16) is None


@pytest.mark.parametrize("loss", ["mse", "binary_crossentropy"])
def test_compiled_plan_still_takes_the_losses_it_knows(loss):
    x, y = _data("binary", n=16)
    model = _model(x, y, "sigmoid")
    model.compile(optimizer=SGD(), loss=loss)
    assert model._training_plan(x, y, None, 16) is not None


def test_evaluate_reports_keras_loss_value():
    x, y = _data("regression", n=20)
    model = _model(x, y, None)
    model.compile(optimizer=SGD(), loss=losses.Huber(delta=0.5))
    expected = losses.Huber(delta=0.5)(y, model.predict(x, verbose=0))
    np.testing.assert_allclose(model.evaluate(x, y, verbose=0, batch_size=20), expected,
                               rtol=1e-5)


def test_huber_delta_reaches_the_gradient():
    x, y = _data("regression", n=32)
    results = []
    for loss in (losses.Huber(delta=0.2), losses.Huber(delta=5.0), "huber"):
        model = _model(x, y, None)
        model.compile(optimizer=SGD(learning_rate=0.1), loss=loss)
        model.fit(x, y, epochs=1, batch_size=32, verbose=0, shuffle=False)
        results.append(model.get_weights()[0])
    assert not np.allclose(results[0], results[1])
    # "huber" is delta=1: differs from both
    assert not np.allclose(results[2], results[0]) and not np.allclose(results[2], results[1])


# --------------------------------------------------------------------------
# whole-model gradients against finite differences


GRAD_CASES = [
    (losses.Huber(delta=0.7), "regression", None),
    ("hinge", "binary", None),
    ("squared_hinge", "binary", "tanh"),
    ("categorical_hinge", "onehot", None),
    (losses.BinaryFocalCrossentropy(apply_class_balancing=True, gamma=1.5), "binary", "sigmoid"),
    (losses.BinaryFocalCrossentropy(from_logits=True), "binary", None),
    ("poisson", "positive", "softplus"),
    ("cosine_similarity", "regression", None),
    ("log_cosh", "regression", None),
]
GRAD_IDS = [c[0] if isinstance(c[0], str) else type(c[0]).__name__ + str(i)
            for i, c in enumerate(GRAD_CASES)]


@pytest.mark.parametrize("loss, kind, activation", GRAD_CASES, ids=GRAD_IDS)
def test_model_gradient_matchesmodel_finite_differences(float64, loss, kind, activation):
    x, y = _data(kind, n=6, d=3, k=2, seed=3)
    x, y = x.astype(np.float64), y.astype(np.float64)
    rng = np.random.default_rng(4)
    model = Sequential([Input(shape=(3,)), Dense(4, activation="tanh"), Dense(2),
                        Activation(activation or "linear")])
    weights = [rng.normal(scale=0.5, size=w.shape) for w in model.get_weights()]
    model.set_weights(weights)
    model.compile(optimizer=SGD(learning_rate=1.0), loss=loss)
    analytic = sgd_step_gradient(model, x, y)
    numeric = model_finite_differences(model, x, y)
    for a, b in zip(analytic, numeric):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)


def test_focal_loss_with_sigmoid_dense_output_matchesmodel_finite_differences(float64):
    # the sigmoid is folded into the loss (Keras takes the logits, as for BCE)
    x, y = _data("binary", n=6, d=3, k=2, seed=5)
    x, y = x.astype(np.float64), y.astype(np.float64)
    model = Sequential([Input(shape=(3,)), Dense(2, activation="sigmoid")])
    model.compile(optimizer=SGD(learning_rate=1.0), loss="binary_focal_crossentropy")
    analytic = sgd_step_gradient(model, x, y)
    numeric = model_finite_differences(model, x, y)
    for a, b in zip(analytic, numeric):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-8)


def test_sum_reduction_and_mean_with_sample_weight_train_with_matching_gradient(float64):
    x, y = _data("regression", n=6, d=3, k=2, seed=6)
    x, y = x.astype(np.float64), y.astype(np.float64)
    w = np.array([0.5, 1.0, 2.0, 0.0, 1.5, 1.0])
    for reduction, divisor in (("sum", 1.0), ("mean_with_sample_weight", w.sum())):
        model = Sequential([Input(shape=(3,)), Dense(2)])
        model.compile(optimizer=SGD(learning_rate=1.0),
                      loss=losses.Huber(delta=0.5, reduction=reduction))
        k, b = model.get_weights()
        model.train_on_batch(x, y, sample_weight=w)
        e = x @ k + b - y
        de = np.where(np.abs(e) <= 0.5, e, 0.5 * np.sign(e)) / 2      # d huber / d pred
        gk = x.T @ (de * w[:, None]) / divisor
        np.testing.assert_allclose(k - model.get_weights()[0], gk, rtol=1e-10, atol=1e-12)


def test_loss_function_wrapper_of_a_builtin_passes_its_arguments():
    x, y = _data("regression", n=32)
    results = []
    for loss in (losses.LossFunctionWrapper(losses.huber, delta=0.2), losses.Huber(delta=0.2)):
        model = _model(x, y, None)
        model.compile(optimizer=SGD(learning_rate=0.1), loss=loss)
        model.fit(x, y, epochs=1, batch_size=32, verbose=0, shuffle=False)
        results.append(model.get_weights()[0])
    np.testing.assert_array_equal(results[0], results[1])


def test_custom_loss_function_written_with_operators_trains_as_mse():
    # (t - p) ** 2 per element, reduced by Keras's mean, is the mean squared error
    x, y = _data("regression", n=40)
    weights = []
    for loss in (lambda t, p: (t - p) ** 2, "mse"):
        model = _model(x, y, None)
        model.compile(optimizer=SGD(learning_rate=0.05), loss=loss)
        history = model.fit(x, y, epochs=2, batch_size=8, verbose=0, shuffle=False)
        weights.append((model.get_weights(), history.history["loss"]))
    for a, b in zip(weights[0][0], weights[1][0]):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(weights[0][1], weights[1][1], rtol=1e-5)


@pytest.mark.parametrize("loss, keras_value", [
    ("binary_focal_crossentropy", 19.441570281982422),
    ("binary_crossentropy", 19.51214599609375),
])
def test_saturated_sigmoid_output_takes_the_loss_from_logits_like_keras(loss, keras_value):
    # Keras 3.15.1: the sigmoid output carries its logits, so the cross-entropy
    # (and the focal loss's) is not clipped at -log(1e-7). Numbers from running
    # Sequential([Input((1,)), Dense(1, activation="sigmoid")]) with kernel 30,
    # bias 0 and model.evaluate in /work/kerasenv.
    x = np.array([[1.0], [2.0], [-1.5], [0.1]], np.float32)
    y = np.array([[0.0], [1.0], [1.0], [0.0]], np.float32)
    model = Sequential([Input(shape=(1,)), Dense(1, activation="sigmoid")])
    model.set_weights([np.array([[30.0]], np.float32), np.array([0.0], np.float32)])
    model.compile(optimizer=SGD(), loss=loss)
    np.testing.assert_allclose(model.evaluate(x, y, verbose=0), keras_value, rtol=1e-6)


# Keras 3.15.1 in /work/kerasenv ran exactly this setup (same data, weights,
# SGD(0.1), 3 epochs, batch 8, shuffle=False, metrics auc/precision/mse) and
# printed these History values and final output kernels:
KERAS_FIT = {
    "huber": {"auc": [0.8299999, 0.9112501, 0.92], "loss": [0.1222453, 0.0861307, 0.0697383], "mse": [0.2935297, 0.1910238, 0.1477604], "precision": [0.8888889, 0.8461539, 0.7777778], "w2": [0.5751919746398926, 0.11100280284881592, 0.7469365000724792, -0.09328819811344147]},
    "hinge": {"auc": [0.82375, 0.855, 0.8825], "loss": [0.7015795, 0.5708853, 0.4864786], "mse": [0.3678033, 0.4090367, 0.4383858], "precision": [1.0, 0.9090909, 0.9285714], "w2": [0.7128177881240845, -0.201842799782753, 1.0781817436218262, -0.025868499651551247]},
    "focal": {"auc": [0.8925, 0.9037501, 0.91375], "loss": [0.0626639, 0.0580051, 0.0543644], "mse": [0.1931448, 0.1884777, 0.1845885], "precision": [0.7894737, 0.7777778, 0.7894737], "w2": [0.5509219765663147, 0.041554998606443405, 0.8238149881362915, -0.11616729944944382]},
}


def _fit_setup():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(40, 3)).astype(np.float32)
    y = (x[:, :1] - 0.5 * x[:, 1:2] + 0.3 * rng.normal(size=(40, 1)) > 0).astype(np.float32)
    w1 = rng.normal(scale=0.5, size=(3, 4)).astype(np.float32)
    w2 = rng.normal(scale=0.5, size=(4, 1)).astype(np.float32)
    return x, y, [w1, np.zeros(4, np.float32), w2, np.array([0.1], np.float32)]


@pytest.mark.parametrize("case", ["huber", "hinge", "focal"])
def test_fit_history_and_weights_match_keras(case):
    loss, act = {"huber": (losses.Huber(delta=0.5), None), "hinge": ("hinge", "tanh"),
                 "focal": (losses.BinaryFocalCrossentropy(apply_class_balancing=True),
                           "sigmoid")}[case]
    x, y, weights = _fit_setup()
    model = Sequential([Input(shape=(3,)), Dense(4, activation="tanh"),
                        Dense(1, activation=act)])
    model.set_weights(weights)
    model.compile(optimizer=SGD(learning_rate=0.1), loss=loss,
                  metrics=["auc", "precision", "mse"])
    history = model.fit(x, y, epochs=3, batch_size=8, shuffle=False, verbose=0).history
    expected = KERAS_FIT[case]
    for key in ("loss", "auc", "precision", "mse"):
        np.testing.assert_allclose(history[key], expected[key], rtol=2e-5, atol=1e-6)
    np.testing.assert_allclose(model.get_weights()[2].ravel(), expected["w2"], rtol=1e-5,
                               atol=1e-6)
