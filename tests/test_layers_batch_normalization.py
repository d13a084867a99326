"""BatchNormalization against NumPy float64 formulas, finite differences and real Keras."""
import numpy as np
import pytest

from layer_gradcheck import check_layer
from nnlite.backend.naming import clear_session
from nnlite.layers import BatchNormalization, Dense, Dropout, Input
from nnlite.models import Sequential

X = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.5], [-2.0, 1.0, 0.0], [0.75, 3.0, 1.25]],
             dtype="float32")
GAMMA = np.array([1.5, 0.5, 2.0], "float32")
BETA = np.array([0.1, -0.2, 0.3], "float32")
MM = np.array([0.2, -0.1, 0.4], "float32")
MV = np.array([1.2, 0.8, 2.5], "float32")


def _layer(**kw):
    layer = BatchNormalization(momentum=0.9, epsilon=0.01, **kw)
    layer.build((None, 3))
    layer.set_weights([GAMMA, BETA, MM, MV])
    return layer


# Produced by /work/kerasenv/bin/python (Keras 3.15.1, TF 2.21): the layer above
# (BatchNormalization(momentum=0.9, epsilon=0.01), set_weights([GAMMA, BETA, MM, MV]))
# called on X with training=True, then get_weights()[2:], then training=False.
KERAS_TRAIN = np.array([[0.45531058, -0.82308125, 2.9376],
                        [1.5923045, -0.39337006, -2.0864],
                        [-2.3871741, -0.13554332, -1.0816],
                        [0.73955905, 0.5519947, 1.4303999]], "float32")
KERAS_MOVING_MEAN = np.array([0.19874999, -0.008749992, 0.42874998], "float32")
KERAS_MOVING_VAR = np.array([1.2530469, 0.9305469, 2.3480468], "float32")
KERAS_INFER_AFTER = np.array([[0.5020764, -0.71104956, 2.3464403],
                              [1.8367698, -0.06659868, -0.9096302],
                              [-2.8346572, 0.32007182, -0.25841606],
                              [0.83574975, 1.3511933, 1.3696193]], "float32")


def test_batch_normalization_training_matches_keras():
    layer = _layer()
    np.testing.assert_allclose(layer(X, training=True), KERAS_TRAIN, rtol=1e-5, atol=1e-6)


def test_batch_normalization_moving_statistics_match_keras():
    layer = _layer()
    layer(X, training=True)
    np.testing.assert_allclose(layer.moving_mean.numpy(), KERAS_MOVING_MEAN, rtol=1e-6)
    np.testing.assert_allclose(layer.moving_variance.numpy(), KERAS_MOVING_VAR, rtol=1e-6)
    np.testing.assert_allclose(layer(X, training=False), KERAS_INFER_AFTER, rtol=1e-5,
                               atol=1e-6)


def test_batch_normalization_training_matches_numpy_formula():
    x = np.random.default_rng(1).normal(size=(7, 4)) * 3 + 1
    layer = BatchNormalization(dtype="float64")
    layer.build((None, 4))
    g, b = np.linspace(0.5, 2, 4), np.linspace(-1, 1, 4)
    layer.set_weights([g, b, np.zeros(4), np.ones(4)])
    mean, var = x.mean(0), x.var(0)
    expected = g * (x - mean) / np.sqrt(var + 1e-3) + b
    np.testing.assert_allclose(layer(x, training=True), expected, rtol=1e-12)


def test_batch_normalization_updates_moving_statistics_with_biased_variance():
    x = np.random.default_rng(2).normal(size=(6, 3))
    layer = BatchNormalization(momentum=0.8, dtype="float64")
    layer.build((None, 3))
    mm0, mv0 = np.array([0.1, 0.2, 0.3]), np.array([1.0, 2.0, 3.0])
    layer.set_weights([np.ones(3), np.zeros(3), mm0, mv0])
    layer(x, training=True)
    np.testing.assert_allclose(layer.moving_mean.numpy(), mm0 * 0.8 + x.mean(0) * 0.2, rtol=1e-12)
    np.testing.assert_allclose(layer.moving_variance.numpy(), mv0 * 0.8 + x.var(0) * 0.2,
                               rtol=1e-12)


def test_batch_normalization_inference_uses_moving_statistics_and_leaves_them():
    layer = _layer()
    y = layer(X, training=False)
    expected = GAMMA * (X - MM) / np.sqrt(MV + 0.01) + BETA
    np.testing.assert_allclose(y, expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(layer.moving_mean.numpy(), MM)


def test_batch_normalization_not_trainable_runs_in_inference_mode():
    layer = _layer()
    layer.trainable = False
    y = layer(X, training=True)
    expected = GAMMA * (X - MM) / np.sqrt(MV + 0.01) + BETA
    np.testing.assert_allclose(y, expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(layer.moving_variance.numpy(), MV)
    assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 4


def test_batch_normalization_backward_training_matches_finite_differences():
    x = np.random.default_rng(3).normal(size=(5, 4))
    layer = BatchNormalization(dtype="float64")
    layer.build((None, 4))
    layer.set_weights([np.linspace(0.5, 2, 4), np.linspace(-1, 1, 4), np.zeros(4), np.ones(4)])
    check_layer(layer, x, training=True)


def test_batch_normalization_backward_inference_matches_finite_differences():
    x = np.random.default_rng(4).normal(size=(5, 4))
    layer = BatchNormalization(dtype="float64")
    layer.build((None, 4))
    layer.set_weights([np.linspace(0.5, 2, 4), np.linspace(-1, 1, 4),
                       np.full(4, 0.3), np.full(4, 1.7)])
    check_layer(layer, x, training=False)


def test_batch_normalization_axis_1_of_3d_input_matches_numpy_and_finite_differences():
    x = np.random.default_rng(5).normal(size=(3, 4, 2))
    layer = BatchNormalization(axis=1, dtype="float64")
    layer.build((None, 4, 2))
    g, b = np.linspace(0.5, 2, 4), np.linspace(-1, 1, 4)
    layer.set_weights([g, b, np.zeros(4), np.ones(4)])
    mean = x.mean(axis=(0, 2), keepdims=True)
    var = x.var(axis=(0, 2), keepdims=True)
    expected = g[None, :, None] * (x - mean) / np.sqrt(var + 1e-3) + b[None, :, None]
    np.testing.assert_allclose(layer(x, training=True), expected, rtol=1e-12)
    check_layer(layer, x, training=True)


def test_batch_normalization_without_center_and_scale_has_only_moving_weights():
    layer = BatchNormalization(center=False, scale=False, dtype="float64")
    layer.build((None, 3))
    assert [w.name for w in layer.weights] == ["moving_mean", "moving_variance"]
    x = np.random.default_rng(6).normal(size=(4, 3))
    np.testing.assert_allclose(layer(x, training=True),
                               (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-3), rtol=1e-12)
    check_layer(layer, x)


def test_batch_normalization_weights_order_and_names():
    layer = BatchNormalization()
    layer.build((None, 5))
    assert [w.name for w in layer.weights] == ["gamma", "beta", "moving_mean", "moving_variance"]
    assert [w.name for w in layer.trainable_weights] == ["gamma", "beta"]
    assert layer.count_params() == 20


def test_batch_normalization_default_name_and_config_keys():
    clear_session()
    layer = BatchNormalization()
    assert layer.name == "batch_normalization"
    # keys of keras.layers.BatchNormalization().get_config() in Keras 3.15.1
    assert set(layer.get_config()) == {
        "name", "trainable", "dtype", "axis", "momentum", "epsilon", "center", "scale",
        "beta_initializer", "gamma_initializer", "moving_mean_initializer",
        "moving_variance_initializer", "beta_regularizer", "gamma_regularizer",
        "beta_constraint", "gamma_constraint", "synchronized", "renorm", "renorm_clipping",
        "renorm_momentum"}
    clone = BatchNormalization.from_config(layer.get_config())
    assert clone.momentum == 0.99 and clone.epsilon == 1e-3


def test_batch_normalization_training_on_empty_batch_raises():
    layer = _layer()
    with pytest.raises(ValueError, match="at least one sample"):
        layer(np.zeros((0, 3), "float32"), training=True)


def test_batch_normalization_wrong_feature_count_raises():
    layer = _layer()
    with pytest.raises(ValueError, match="incompatible"):
        layer(np.zeros((2, 4), "float32"))


# Keras 3.15.1: keras.Sequential([Input((10,)), Dense(100), BatchNormalization(), Dropout(0.2),
# Dense(1)]).summary(line_length=88, print_fn=...) in /work/kerasenv; rich cut the table at the
# console's 80 columns, so the rows are compared on their first 80 characters.
KERAS_SUMMARY = (
    'Model: "sequential"\n'
    '┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━\n'
    '┃ Layer (type)                         ┃ Output Shape                ┃         P\n'
    '┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━\n'
    '│ dense (Dense)                        │ (None, 100)                 │          \n'
    '├──────────────────────────────────────┼─────────────────────────────┼──────────\n'
    '│ batch_normalization                  │ (None, 100)                 │          \n'
    '│ (BatchNormalization)                 │                             │          \n'
    '├──────────────────────────────────────┼─────────────────────────────┼──────────\n'
    '│ dropout (Dropout)                    │ (None, 100)                 │          \n'
    '├──────────────────────────────────────┼─────────────────────────────┼──────────\n'
    '│ dense_1 (Dense)                      │ (None, 1)                   │          \n'
    '└──────────────────────────────────────┴─────────────────────────────┴──────────\n'
    ' Total params: 1,601 (6.25 KB)\n'
    ' Trainable params: 1,401 (5.47 KB)\n'
    ' Non-trainable params: 200 (800.00 B)\n')


def test_summary_with_batch_normalization_matches_keras():
    clear_session()
    model = Sequential([Input((10,)), Dense(100), BatchNormalization(), Dropout(0.2), Dense(1)])
    out = []
    model.summary(line_length=88, print_fn=out.append)
    ours = [line[:80] for line in out[0].splitlines()]
    assert ours == KERAS_SUMMARY.splitlines()
    rows = out[0].splitlines()
    assert rows[4].endswith(" 1,100 │") and rows[6].endswith(" 400 │")


def test_core_batchnorm_checks_arguments_before_calling_c():
    from nnlite import _core
    x = np.ones((4, 3), "float32")
    v = np.ones(3, "float32")
    with pytest.raises(TypeError, match="float32 or float64"):
        _core.batchnorm_forward(np.ones((4, 3), "int32"), -1, v, v, v, v, 1e-3)
    with pytest.raises(ValueError, match="gamma must have shape"):
        _core.batchnorm_forward(x, -1, np.ones(4, "float32"), v, v, v, 1e-3)
    with pytest.raises(TypeError, match="dtype"):
        _core.batchnorm_forward(x, -1, np.ones(3), v, v, v, 1e-3)
    with pytest.raises(ValueError, match="invalid argument"):
        _core.batchnorm_forward(x, -1, v, v, v, v, -1.0)
