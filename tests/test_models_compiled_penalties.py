"""L1 / L2 / L1L2 weight penalties and max_norm / non_neg / unit_norm /
min_max_norm constraints in the compiled plan: the same weights as the
layer-by-layer path, and the penalty added to the reported loss as Keras does."""
import numpy as np
import pytest

from nnlite import constraints as C
from nnlite.callbacks import LambdaCallback
from nnlite import regularizers as R
from nnlite.layers import Dense, Dropout, Input
from nnlite.models import Sequential
from nnlite.utils import set_random_seed


def _data(n=200, d=12, k=4, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, d)).astype(np.float32)
    return x, np.abs(x[:, :k]).argmax(axis=1).astype(np.int64)


def _train(allow, kernel, bias, batch_size=32, callbacks=None):
    set_random_seed(4)
    model = Sequential([Input(shape=(12,)),
                        Dense(16, activation="relu", kernel_regularizer=kernel(),
                              bias_regularizer=bias()),
                        Dropout(0.2),
                        Dense(4, activation="softmax", kernel_regularizer=kernel())])
    model._allow_plans = allow
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    x, y = _data()
    history = model.fit(x, y, epochs=3, batch_size=batch_size, verbose=0, validation_split=0.2,
                        callbacks=callbacks)
    assert ("train" in model._plan_cache) == allow
    return model, history.history, model.evaluate(x, y, verbose=0)


@pytest.mark.parametrize("kernel, bias", [
    (lambda: R.L2(0.01), lambda: None),
    (lambda: R.L1(0.01), lambda: R.L2(0.1)),
    (lambda: R.L1L2(0.01, 0.02), lambda: R.L1L2(0.0, 0.3)),
], ids=["l2", "l1-and-l2", "l1l2"])
def test_plan_with_penalties_matches_the_layer_path(kernel, bias):
    a, ha, ea = _train(True, kernel, bias)
    b, hb, eb = _train(False, kernel, bias)
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_array_equal(wa, wb)
    assert ha.keys() == hb.keys()
    for key in ha:    # the penalties are added in the same order on both executors
        np.testing.assert_array_equal(ha[key], hb[key])
    np.testing.assert_array_equal(ea, eb)


def test_reported_loss_is_the_same_when_the_epoch_runs_in_one_step_chunks():
    # a per-batch callback makes the compiled executor run one step per C call,
    # so the loss sums cross chunk boundaries every step (batches of 30: the
    # batch mean times the batch size is not exact in binary)
    def per_batch():
        return [LambdaCallback(on_train_batch_end=lambda batch, logs: None)]
    _, ha, ea = _train(True, lambda: R.L1L2(0.01, 0.02), lambda: R.L2(0.3), 30, per_batch())
    _, hb, eb = _train(False, lambda: R.L1L2(0.01, 0.02), lambda: R.L2(0.3), 30, per_batch())
    for key in ha:
        np.testing.assert_array_equal(ha[key], hb[key])
    np.testing.assert_array_equal(ea, eb)


def test_reported_loss_includes_the_penalty_of_the_weights():
    set_random_seed(1)
    model = Sequential([Input(shape=(12,)), Dense(4, kernel_regularizer=R.L2(0.5))])
    model.compile("sgd", "mse")
    x, y = _data(64)
    target = np.eye(4, dtype=np.float32)[y]
    w, bias = (v.copy() for v in model.get_weights())
    # evaluate through the plan; reference: float64 data loss + 0.5 * sum(w**2)
    expected = np.mean((x.astype(np.float64) @ w + bias - target) ** 2) + 0.5 * np.sum(
        w.astype(np.float64) ** 2)
    np.testing.assert_allclose(model.evaluate(x, target, verbose=0), expected, rtol=1e-5)
    assert "evaluate" in model._plan_cache


def _train_constrained(allow, kernel, bias):
    set_random_seed(6)
    model = Sequential([Input(shape=(12,)),
                        Dense(16, activation="relu", kernel_constraint=kernel(),
                              bias_constraint=bias()),
                        Dense(4, activation="softmax", kernel_constraint=kernel())])
    model._allow_plans = allow
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    x, y = _data()
    history = model.fit(x, y, epochs=3, batch_size=32, verbose=0)
    assert ("train" in model._plan_cache) == allow
    return model, history.history


@pytest.mark.parametrize("kernel, bias", [
    (lambda: C.MaxNorm(0.5), lambda: None),
    (lambda: C.NonNeg(), lambda: C.NonNeg()),
    (lambda: C.UnitNorm(), lambda: None),
    (lambda: C.MinMaxNorm(0.3, 0.6, rate=0.7), lambda: C.NonNeg()),
], ids=["max_norm", "non_neg", "unit_norm", "min_max_norm"])
def test_plan_with_constraints_matches_the_layer_path(kernel, bias):
    a, ha = _train_constrained(True, kernel, bias)
    b, hb = _train_constrained(False, kernel, bias)
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_array_equal(wa, wb)
    for key in ha:
        np.testing.assert_array_equal(ha[key], hb[key])


def test_max_norm_holds_after_training_in_the_plan():
    model, _ = _train_constrained(True, lambda: C.MaxNorm(0.5), lambda: None)
    for kernel in model.get_weights()[::2]:
        norms = np.sqrt(np.sum(kernel.astype(np.float64) ** 2, axis=0))
        assert np.all(norms <= 0.5 + 1e-6)


@pytest.mark.parametrize("kwargs", [{"kernel_constraint": C.MaxNorm(1.0, axis=1)},
                                    {"bias_constraint": C.UnitNorm()}],
                         ids=["axis-1", "bias-norm"])
def test_constraints_the_plan_lacks_fall_back(kwargs):
    model = Sequential([Input(shape=(12,)), Dense(4, activation="softmax", **kwargs)])
    model.compile("adam", "sparse_categorical_crossentropy")
    x, y = _data(64)
    model.fit(x, y, epochs=1, verbose=0)
    assert "train" not in model._plan_cache


@pytest.mark.parametrize("batch_size", [7, 30, 1000])
def test_evaluate_reports_batch_by_batch_as_the_eager_executor(batch_size):
    # the same batches through the same GEMM paths (a tail of up to 4 rows
    # takes the small-matrix one), the loss added batch by batch
    model, _, _ = _train(True, lambda: R.L1L2(0.01, 0.02), lambda: R.L2(0.3))
    x, y = _data()
    compiled = model.evaluate(x, y, batch_size=batch_size, verbose=0)
    assert "evaluate" in model._plan_cache
    model._allow_plans = False
    np.testing.assert_array_equal(compiled, model.evaluate(x, y, batch_size=batch_size,
                                                           verbose=0))
