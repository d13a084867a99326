"""Tests for nnlite.metrics: accumulation, sample weights, reset and get().

References are the worked examples in Keras 3's docstrings
(`keras/src/metrics/accuracy_metrics.py`) and NumPy float64 formulas: a
metric's result is the sample-weighted mean `sum(w * v) / sum(w)` of the
per-sample values seen since the last reset.
"""
import numpy as np
import pytest

from nnlite import metrics

# --------------------------------------------------------------------------
# Keras docstring examples


def test_keras_doc_binary_accuracy_is_0_75():
    m = metrics.BinaryAccuracy()
    m.update_state([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]])
    np.testing.assert_allclose(m.result(), 0.75)


def test_keras_doc_binary_accuracy_with_sample_weight_is_0_5():
    m = metrics.BinaryAccuracy()
    m.update_state([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]],
                   sample_weight=[1, 0, 0, 1])
    np.testing.assert_allclose(m.result(), 0.5)


def test_keras_doc_categorical_accuracy_is_0_5():
    m = metrics.CategoricalAccuracy()
    m.update_state([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
    np.testing.assert_allclose(m.result(), 0.5)


def test_keras_doc_categorical_accuracy_with_sample_weight_is_0_3():
    m = metrics.CategoricalAccuracy()
    m.update_state([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]],
                   sample_weight=[0.7, 0.3])
    np.testing.assert_allclose(m.result(), 0.3, rtol=1e-6)


def test_keras_doc_sparse_categorical_accuracy_is_0_5():
    m = metrics.SparseCategoricalAccuracy()
    m.update_state([[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0]])
    np.testing.assert_allclose(m.result(), 0.5)


def test_keras_doc_sparse_categorical_accuracy_with_sample_weight_is_0_3():
    m = metrics.SparseCategoricalAccuracy()
    m.update_state([[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0]], sample_weight=[0.7, 0.3])
    np.testing.assert_allclose(m.result(), 0.3, rtol=1e-6)


# --------------------------------------------------------------------------
# binary accuracy

def test_binary_accuracy_threshold_is_strictly_greater_than_0_5():
    m = metrics.BinaryAccuracy()
    m.update_state([[1], [0], [1]], [[0.5], [0.5], [0.51]])
    # 0.5 is not > 0.5, so it predicts 0: wrong, right, right
    np.testing.assert_allclose(m.result(), 2.0 / 3.0, rtol=1e-6)


def test_binary_accuracy_custom_threshold():
    m = metrics.BinaryAccuracy(threshold=0.8)
    m.update_state([[1], [1], [0], [0]], [[0.9], [0.7], [0.75], [0.85]])
    # predictions: 1, 0, 0, 1 -> right, wrong, right, wrong
    np.testing.assert_allclose(m.result(), 0.5)


def test_binary_accuracy_averages_over_last_axis_then_samples():
    y_true = np.array([[1, 0, 1, 1], [0, 0, 0, 1]])
    y_pred = np.array([[0.9, 0.2, 0.3, 0.6], [0.1, 0.7, 0.2, 0.8]])
    m = metrics.BinaryAccuracy()
    m.update_state(y_true, y_pred)
    per_sample = np.mean(y_true == (y_pred > 0.5), axis=-1)
    np.testing.assert_allclose(m.result(), per_sample.mean(), rtol=1e-6)


def test_binary_accuracy_expands_rank_1_target_against_n_by_1_prediction():
    m = metrics.BinaryAccuracy()
    m.update_state([1, 0, 1, 0], [[0.9], [0.2], [0.3], [0.1]])
    np.testing.assert_allclose(m.result(), 0.75)


def test_binary_accuracy_accepts_n_by_1_target_against_rank_1_prediction():
    m = metrics.BinaryAccuracy()
    m.update_state([[1], [0], [1], [0]], [0.9, 0.2, 0.3, 0.1])
    np.testing.assert_allclose(m.result(), 0.75)


@pytest.mark.parametrize("threshold", [0.0, 1.0, 1.5])
def test_binary_accuracy_threshold_outside_open_unit_interval_raises(threshold):
    with pytest.raises(ValueError, match="threshold"):
        metrics.BinaryAccuracy(threshold=threshold)


# --------------------------------------------------------------------------
# accumulation over several update_state calls

def test_binary_accuracy_accumulates_over_updates_as_sample_mean():
    m = metrics.BinaryAccuracy()
    m.update_state([[1], [1]], [[0.9], [0.1]])          # 1 of 2
    m.update_state([[0], [0], [1]], [[0.2], [0.3], [0.7]])  # 3 of 3
    np.testing.assert_allclose(m.result(), 4.0 / 5.0, rtol=1e-6)


def test_binary_accuracy_accumulates_with_sample_weights_as_weighted_mean():
    m = metrics.BinaryAccuracy()
    m.update_state([[1], [1]], [[0.9], [0.1]], sample_weight=[2.0, 1.0])
    m.update_state([[0], [1]], [[0.8], [0.7]], sample_weight=[0.5, 3.0])
    values = np.array([1.0, 0.0, 0.0, 1.0])
    w = np.array([2.0, 1.0, 0.5, 3.0])
    np.testing.assert_allclose(m.result(), np.sum(w * values) / np.sum(w), rtol=1e-6)


@pytest.mark.parametrize("make, y_true, y_pred", [
    (metrics.BinaryAccuracy, [[1], [0]], [[0.8], [0.6]]),
    (metrics.CategoricalAccuracy, [[0, 1], [1, 0]], [[0.2, 0.8], [0.4, 0.6]]),
    (metrics.SparseCategoricalAccuracy, [[1], [0]], [[0.2, 0.8], [0.4, 0.6]]),
    (metrics.MeanSquaredError, [[1.0], [0.0]], [[1.0], [1.0]]),
])
def test_sample_weight_of_shape_n_by_1_is_accepted(make, y_true, y_pred):
    m = make()
    m.update_state(y_true, y_pred, sample_weight=[[1.0], [3.0]])
    # the first sample is right (value 1 or error 0), the second wrong
    expected = 0.25 if make is not metrics.MeanSquaredError else 0.75
    np.testing.assert_allclose(m.result(), expected, rtol=1e-6)


def test_categorical_accuracy_accumulates_over_updates():
    m = metrics.CategoricalAccuracy()
    m.update_state([[1, 0, 0], [0, 1, 0]], [[0.8, 0.1, 0.1], [0.6, 0.3, 0.1]])  # 1 of 2
    m.update_state([[0, 0, 1]], [[0.1, 0.2, 0.7]])                            # 1 of 1
    np.testing.assert_allclose(m.result(), 2.0 / 3.0, rtol=1e-6)


def test_categorical_accuracy_accumulates_with_sample_weights():
    m = metrics.CategoricalAccuracy()
    m.update_state([[1, 0], [0, 1]], [[0.9, 0.1], [0.8, 0.2]], sample_weight=[1.0, 3.0])
    m.update_state([[0, 1]], [[0.3, 0.7]], sample_weight=[4.0])
    np.testing.assert_allclose(m.result(), (1.0 + 0.0 + 4.0) / 8.0, rtol=1e-6)


def test_sparse_categorical_accuracy_accumulates_over_updates_with_both_label_shapes():
    m = metrics.SparseCategoricalAccuracy()
    m.update_state([0, 2], [[0.5, 0.3, 0.2], [0.5, 0.3, 0.2]])    # 1 of 2
    m.update_state([[1], [1], [2]], [[0.1, 0.8, 0.1], [0.1, 0.8, 0.1], [0.2, 0.2, 0.6]])
    np.testing.assert_allclose(m.result(), 4.0 / 5.0, rtol=1e-6)


def test_sparse_categorical_accuracy_accumulates_with_sample_weights():
    m = metrics.SparseCategoricalAccuracy()
    m.update_state([0, 1], [[0.9, 0.1], [0.9, 0.1]], sample_weight=[0.25, 0.75])
    m.update_state([1], [[0.4, 0.6]], sample_weight=[1.0])
    np.testing.assert_allclose(m.result(), 1.25 / 2.0, rtol=1e-6)


def test_sparse_categorical_accuracy_accepts_float_labels():
    m = metrics.SparseCategoricalAccuracy()
    m.update_state(np.array([1.0, 0.0]), [[0.2, 0.8], [0.3, 0.7]])
    np.testing.assert_allclose(m.result(), 0.5)


@pytest.mark.parametrize("make", [metrics.BinaryAccuracy, metrics.CategoricalAccuracy,
                                  metrics.SparseCategoricalAccuracy])
def test_reset_state_clears_accumulated_values(make):
    m = make()
    if make is metrics.BinaryAccuracy:
        m.update_state([[1], [0]], [[0.1], [0.9]])
        m.reset_state()
        m.update_state([[1]], [[0.9]])
    elif make is metrics.CategoricalAccuracy:
        m.update_state([[1, 0], [0, 1]], [[0.1, 0.9], [0.9, 0.1]])
        m.reset_state()
        m.update_state([[1, 0]], [[0.9, 0.1]])
    else:
        m.update_state([0, 1], [[0.1, 0.9], [0.9, 0.1]])
        m.reset_state()
        m.update_state([0], [[0.9, 0.1]])
    np.testing.assert_allclose(m.result(), 1.0)


def test_result_after_reset_without_updates_is_zero():
    m = metrics.BinaryAccuracy()
    m.update_state([[1]], [[0.9]])
    m.reset_state()
    assert float(m.result()) == 0.0


def test_result_is_float32_scalar():
    m = metrics.CategoricalAccuracy()
    m.update_state([[1, 0]], [[0.9, 0.1]])
    assert np.asarray(m.result()).dtype == np.float32
    assert np.shape(m.result()) == ()


def test_calling_metric_updates_and_returns_result():
    m = metrics.BinaryAccuracy()
    np.testing.assert_allclose(m([[1], [0]], [[0.9], [0.9]]), 0.5)
    np.testing.assert_allclose(m([[1], [1]], [[0.9], [0.9]]), 0.75)


# --------------------------------------------------------------------------
# default names

@pytest.mark.parametrize("make, name", [
    (metrics.BinaryAccuracy, "binary_accuracy"),
    (metrics.CategoricalAccuracy, "categorical_accuracy"),
    (metrics.SparseCategoricalAccuracy, "sparse_categorical_accuracy"),
    (metrics.MeanSquaredError, "mean_squared_error"),
    (metrics.MeanAbsoluteError, "mean_absolute_error"),
])
def test_default_metric_name_matches_keras(make, name):
    assert make().name == name


# --------------------------------------------------------------------------
# regression metrics

def test_mean_squared_error_metric_is_mean_over_all_samples_seen():
    rng = np.random.default_rng(0)
    t1, p1 = rng.normal(size=(3, 2)), rng.normal(size=(3, 2))
    t2, p2 = rng.normal(size=(5, 2)), rng.normal(size=(5, 2))
    m = metrics.MeanSquaredError()
    m.update_state(t1, p1)
    m.update_state(t2, p2)
    per_sample = np.concatenate([np.mean((t1 - p1) ** 2, axis=-1),
                                 np.mean((t2 - p2) ** 2, axis=-1)])
    np.testing.assert_allclose(m.result(), per_sample.mean(), rtol=1e-5)


def test_keras_doc_mean_squared_error_metric_is_0_25():
    m = metrics.MeanSquaredError()
    m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]])
    np.testing.assert_allclose(m.result(), 0.25)


def test_mean_absolute_error_metric_is_mean_over_all_samples_seen():
    rng = np.random.default_rng(1)
    t1, p1 = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    t2, p2 = rng.normal(size=(2, 3)), rng.normal(size=(2, 3))
    m = metrics.MeanAbsoluteError()
    m.update_state(t1, p1)
    m.update_state(t2, p2)
    per_sample = np.concatenate([np.mean(np.abs(t1 - p1), axis=-1),
                                 np.mean(np.abs(t2 - p2), axis=-1)])
    np.testing.assert_allclose(m.result(), per_sample.mean(), rtol=1e-5)


def test_mean_absolute_error_metric_with_sample_weight():
    m = metrics.MeanAbsoluteError()
    m.update_state([[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [1.0, 0.0]], sample_weight=[1.0, 0.0])
    np.testing.assert_allclose(m.result(), 0.5)


def test_mean_squared_error_metric_reset_state():
    m = metrics.MeanSquaredError()
    m.update_state([[0.0]], [[10.0]])
    m.reset_state()
    m.update_state([[0.0]], [[2.0]])
    np.testing.assert_allclose(m.result(), 4.0)


# --------------------------------------------------------------------------
# get()

@pytest.mark.parametrize("name, cls", [
    ("BinaryAccuracy", metrics.BinaryAccuracy),
    ("CategoricalAccuracy", metrics.CategoricalAccuracy),
    ("SparseCategoricalAccuracy", metrics.SparseCategoricalAccuracy),
    ("MeanSquaredError", metrics.MeanSquaredError),
    ("MeanAbsoluteError", metrics.MeanAbsoluteError),
])
def test_get_class_name_returns_instance(name, cls):
    assert type(metrics.get(name)) is cls


@pytest.mark.parametrize("name", ["mse", "MSE", "mae", "MAE", "binary_accuracy",
                                  "categorical_accuracy", "sparse_categorical_accuracy"])
def test_get_function_name_returns_callable(name):
    assert callable(metrics.get(name))


def test_get_instance_is_returned_as_is():
    m = metrics.BinaryAccuracy(threshold=0.3)
    assert metrics.get(m) is m


def test_get_unknown_name_raises_value_error_naming_it():
    with pytest.raises(ValueError, match="no_such_metric"):
        metrics.get("no_such_metric")
