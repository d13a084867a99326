"""Dense with regularizers and constraints, its Keras 2 argument names, and the
`layers.core` module; real Keras numbers for one regularized SGD step."""
import importlib
import sys
import warnings

import numpy as np
import pytest

from layer_gradcheck import check_layer
from nnlite.layers import Dense, Input
from nnlite.models import Sequential
from nnlite.trainers import compiled
from nnlite.optimizers import SGD
from nnlite.regularizers import L1, L2, L1L2

X = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.5], [-2.0, 1.0, 0.0], [0.75, 3.0, 1.25]],
             dtype="float32")
Y = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5], [1.0, 1.0]], "float32")
K0 = np.array([[0.2, -0.3], [0.4, 0.1], [-0.5, 0.6]], "float32")
B0 = np.array([0.05, -0.1], "float32")


def test_weight_penalties_are_listed_in_losses():
    layer = Dense(2, kernel_regularizer=L2(0.05), bias_regularizer=L1(0.02))
    layer.build((None, 3))
    layer.set_weights([K0, B0])
    expected = [0.05 * np.square(K0.astype(np.float64)).sum(),
                np.float32(0.02) * np.abs(B0.astype(np.float64)).sum()]
    np.testing.assert_allclose(layer.losses, expected, rtol=1e-6)


def test_activity_penalty_is_divided_by_batch_size_as_keras_docstring():
    # Keras's Regularizer docstring: kernel term 0.25, activity term 5.0, total 5.25
    layer = Dense(5, kernel_initializer="ones", kernel_regularizer=L1(0.01),
                  activity_regularizer=L2(0.01))
    layer(np.ones((5, 5), "float32") * 2.0)
    assert sum(layer.losses) == pytest.approx(5.25, rel=1e-6)


def test_frozen_layer_reports_no_weight_penalty():
    layer = Dense(2, kernel_regularizer=L2(0.05))
    layer.build((None, 3))
    layer.trainable = False
    assert layer.losses == []


def test_dense_backward_with_all_regularizers_matches_finite_differences():
    x = np.random.default_rng(0).normal(size=(4, 3))
    layer = Dense(2, activation="tanh", kernel_regularizer=L1L2(0.03, 0.2),
                  bias_regularizer=L2(0.3), activity_regularizer=L1L2(0.1, 0.4),
                  dtype="float64")
    layer.build((None, 3))
    layer.set_weights([K0.astype(np.float64), B0.astype(np.float64)])
    check_layer(layer, x, extra=lambda: sum(layer.losses))


def test_config_serializes_regularizers_as_keras():
    layer = Dense(3, kernel_regularizer="l2", activity_regularizer=L1(0.1),
                  kernel_constraint="max_norm")
    config = layer.get_config()
    # Dense(3, kernel_regularizer="l2", activity_regularizer=L1(0.1),
    # kernel_constraint="max_norm").get_config() in Keras 3.15.1
    assert config["kernel_regularizer"] == {"module": "keras.regularizers", "class_name": "L2",
                                            "config": {"l2": 0.01}, "registered_name": None}
    assert config["activity_regularizer"]["config"] == {"l1": 0.10000000149011612}
    assert config["kernel_constraint"]["config"] == {"max_value": 2, "axis": 0}
    assert config["bias_regularizer"] is None and config["bias_constraint"] is None
    clone = Dense.from_config(config)
    assert isinstance(clone.kernel_regularizer, L2) and isinstance(clone.activity_regularizer, L1)


def test_no_activity_regularizer_key_when_unset():
    assert "activity_regularizer" not in Dense(2).get_config()


def test_compiled_plan_refuses_activity_regularized_or_constrained_dense():
    for kwargs in ({"activity_regularizer": "l2"}, {"bias_constraint": "max_norm"}):
        model = Sequential([Input((3,)), Dense(2, **kwargs)])
        assert compiled.plan_layers(model) is None, kwargs
    # L1 / L2 weight penalties and kernel constraints run in the plan
    # (tests/test_models_compiled_penalties.py)
    for kwargs in ({}, {"kernel_regularizer": "l2"}, {"bias_regularizer": "l1"},
                   {"kernel_constraint": "non_neg"}):
        assert compiled.plan_layers(Sequential([Input((3,)), Dense(2, **kwargs)])) is not None


# Produced by /work/kerasenv/bin/python (Keras 3.15.1, TF 2.21):
# m = Sequential([Input((3,)), Dense(2, kernel_regularizer=L2(0.05), bias_regularizer=L1(0.02))])
# m.set_weights([K0, B0]); m.compile(SGD(0.1), "mse")
# h = m.fit(X, Y, batch_size=4, epochs=1, shuffle=False); m.evaluate(X, Y)
KERAS_LOSS = 1.2915469408035278
KERAS_KERNEL = np.array([[0.18159376, -0.22903126], [0.3635, 0.14978126],
                         [-0.36671877, 0.5372813]], "float32")
KERAS_BIAS = np.array([0.103625, -0.06925], "float32")
KERAS_EVALUATE = 0.9720379710197449
# m2 = Sequential([Input((3,)), Dense(2, activation="tanh", activity_regularizer=L2(0.1))]),
# same weights, data and step.
KERAS_ACT_LOSS = 1.0210944414138794
KERAS_ACT_KERNEL = np.array([[0.1702483, -0.26055914], [0.4034916, 0.12620777],
                             [-0.46197715, 0.5710092]], "float32")
KERAS_ACT_BIAS = np.array([0.066792294, -0.08495306], "float32")


def _fit_one_step(layer):
    model = Sequential([Input((3,)), layer])
    model.set_weights([K0, B0])
    model.compile(optimizer=SGD(0.1), loss="mse")
    history = model.fit(X, Y, batch_size=4, epochs=1, shuffle=False, verbose=0)
    return model, history


def test_sgd_step_with_weight_regularizers_matches_keras():
    model, history = _fit_one_step(Dense(2, kernel_regularizer=L2(0.05),
                                         bias_regularizer=L1(0.02)))
    assert history.history["loss"][0] == pytest.approx(KERAS_LOSS, rel=1e-6)
    np.testing.assert_allclose(model.get_weights()[0], KERAS_KERNEL, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(model.get_weights()[1], KERAS_BIAS, rtol=1e-5, atol=1e-7)
    assert model.evaluate(X, Y, verbose=0) == pytest.approx(KERAS_EVALUATE, rel=1e-6)


def test_sgd_step_with_activity_regularizer_matches_keras():
    model, history = _fit_one_step(Dense(2, activation="tanh", activity_regularizer=L2(0.1)))
    assert history.history["loss"][0] == pytest.approx(KERAS_ACT_LOSS, rel=1e-6)
    np.testing.assert_allclose(model.get_weights()[0], KERAS_ACT_KERNEL, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(model.get_weights()[1], KERAS_ACT_BIAS, rtol=1e-5, atol=1e-7)


def test_keras2_output_dim_and_init_warn_and_map():
    with pytest.warns(FutureWarning) as record:
        layer = Dense(output_dim=4, init="zeros")
    assert ["output_dim" in str(r.message) for r in record] == [True, False]
    assert layer.units == 4
    layer.build((None, 2))
    np.testing.assert_array_equal(layer.kernel.numpy(), 0)


def test_keras2_w_and_b_regularizer_warn_and_map():
    with pytest.warns(FutureWarning) as record:
        layer = Dense(2, W_regularizer=L2(0.1), b_regularizer="l1")
    assert len(record) == 2 and "W_regularizer" in str(record[0].message)
    assert isinstance(layer.kernel_regularizer, L2) and isinstance(layer.bias_regularizer, L1)


def test_keras3_arguments_do_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Dense(2, kernel_regularizer="l2", kernel_constraint="max_norm")


def test_layers_core_module_reexports_with_a_warning():
    sys.modules.pop("nnlite.layers.core", None)
    with pytest.warns(FutureWarning, match="nnlite.layers.core"):
        core = importlib.import_module("nnlite.layers.core")
    from nnlite import layers
    assert core.Dense is layers.Dense and core.Dropout is layers.Dropout
    assert core.Activation is layers.Activation and core.Flatten is layers.Flatten


def test_dense_without_units_raises_type_error():
    with pytest.raises(TypeError, match="units"):
        Dense()
