"""Custom `Metric` subclasses with state variables (Keras 3's `add_variable`)."""
import numpy as np
import pytest

import nnlite
from nnlite import layers, metrics, ops


class BinaryTruePositives(metrics.Metric):
    """Keras's docstring example: a running count of true positives
    (predictions thresholded at 0.5)."""

    def __init__(self, name="binary_true_positives", **kwargs):
        super().__init__(name=name, **kwargs)
        self.true_positives = self.add_variable(shape=(), initializer="zeros",
                                                name="true_positives")

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = ops.cast(y_true, "bool")
        y_pred = ops.cast(ops.greater(y_pred, 0.5), "bool")
        values = ops.logical_and(ops.equal(y_true, True), ops.equal(y_pred, True))
        values = ops.cast(values, self.dtype)
        if sample_weight is not None:
            sample_weight = ops.cast(sample_weight, self.dtype)
            sample_weight = ops.broadcast_to(sample_weight, ops.shape(values))
            values = ops.multiply(values, sample_weight)
        self.true_positives.assign(self.true_positives + ops.sum(values))

    def result(self):
        return self.true_positives


class SampleCounter(metrics.Metric):
    def __init__(self, name="samples", **kwargs):
        super().__init__(name=name, **kwargs)
        self.count = self.add_weight(name="count")

    def update_state(self, y_true, y_pred, sample_weight=None):
        self.count.assign_add(ops.cast(ops.shape(y_true)[0], self.dtype))

    def result(self):
        return self.count


def _true_positives(y, p):
    return float(np.sum((np.asarray(y) > 0.5) & (np.asarray(p) > 0.5)))


def _data(seed=0, n=40):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4)).astype("float32")
    y = (rng.random((n, 1)) > 0.5).astype("float32")
    return x, y


def _model():
    model = nnlite.Sequential([nnlite.Input((4,)), layers.Dense(1, activation="sigmoid")])
    # a zero learning rate keeps the predictions of every batch the same
    model.compile(optimizer=nnlite.optimizers.SGD(learning_rate=0.0),
                  loss="binary_crossentropy", metrics=[BinaryTruePositives()])
    return model


def _predictions(model, x):
    k, b = [w.astype(np.float64) for w in model.get_weights()]
    return 1 / (1 + np.exp(-(x @ k + b)))


def test_add_variable_makes_a_non_trainable_variable_from_the_initializer():
    class Ones(metrics.Metric):
        def __init__(self):
            super().__init__(name="ones")
            self.v = self.add_variable(shape=(2, 3), initializer="ones", name="v")

    m = Ones()
    assert m.v.shape == (2, 3) and not m.v.trainable
    np.testing.assert_array_equal(m.v.numpy(), np.ones((2, 3)))


def test_add_weight_defaults_to_a_zero_scalar():
    m = SampleCounter()
    assert m.count.shape == () and float(m.count) == 0.0


def test_variables_lists_the_state_in_creation_order():
    class Two(metrics.Metric):
        def __init__(self):
            super().__init__(name="two")
            self.a = self.add_variable((), "zeros", name="a")
            self.b = self.add_variable((3,), "zeros", name="b")

    m = Two()
    assert m.variables == [m.a, m.b]
    assert [v.path for v in m.variables] == ["two/a", "two/b"]


def test_update_state_with_ops_matches_numpy():
    m = BinaryTruePositives()
    y1, p1 = [[1], [1], [0], [1]], [[0.9], [0.2], [0.8], [0.7]]
    y2, p2 = [[1], [0]], [[0.6], [0.6]]
    m.update_state(np.array(y1, "float32"), np.array(p1, "float32"))
    m.update_state(np.array(y2, "float32"), np.array(p2, "float32"))
    assert float(m.result()) == _true_positives(y1, p1) + _true_positives(y2, p2) == 3.0


def test_sample_weight_scales_the_counted_values():
    m = BinaryTruePositives()
    m.update_state(np.array([1.0, 1.0, 0.0]), np.array([0.9, 0.8, 0.9]),
                   sample_weight=np.array([2.0, 0.5, 4.0]))
    assert float(m.result()) == 2.5


def test_reset_state_sets_the_variables_to_zeros():
    m = BinaryTruePositives()
    m.update_state(np.ones((3, 1)), np.ones((3, 1)))
    m.reset_state()
    assert float(m.result()) == 0.0


def test_add_variable_before_super_init_raises():
    class Forgot(metrics.Metric):
        def __init__(self):
            self.v = self.add_variable((), "zeros")

    with pytest.raises(RuntimeError, match="super"):
        Forgot()


def test_custom_metric_in_fit_history_counts_the_whole_epoch():
    x, y = _data()
    model = _model()
    history = model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    expected = _true_positives(y, _predictions(model, x))
    # reset at each epoch: every epoch counts the same 40 samples once
    assert history.history["binary_true_positives"] == [expected, expected]


def test_custom_metric_in_evaluate_matches_numpy():
    x, y = _data(seed=3)
    model = _model()
    loss, tp = model.evaluate(x, y, batch_size=16, verbose=0)
    assert tp == _true_positives(y, _predictions(model, x))


def test_a_counter_reads_the_number_of_samples_after_one_epoch():
    x, y = _data(n=8)
    model = nnlite.Sequential([nnlite.Input((4,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", metrics=[SampleCounter()])
    history = model.fit(x, y, epochs=1, batch_size=3, verbose=0)
    assert history.history["samples"] == [8.0]
