"""The compiled executor's public spec protocol (`executor_spec()` on layers,
optimizers, regularizers, constraints and metrics) and its safety: unknown
kinds are errors, None specs fall back to the eager executor, batch sizes
are clamped to the samples, huge buffers are refused and predict is safe
from several threads."""
import inspect
import threading

import numpy as np
import pytest

from nnlite import _core
from nnlite import constraints as C
from nnlite import metrics as M
from nnlite import optimizers as O
from nnlite import regularizers as R
from nnlite.layers import Activation, Dense, Dropout, Input
from nnlite.models import Sequential
from nnlite.trainers import compiled
from nnlite.utils import set_random_seed


def _data(n=120, d=6, k=3, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, d)).astype(np.float32)
    y = np.eye(k, dtype=np.float32)[rng.integers(0, k, n)]
    return x, y


def _model(opt=None, kernel_regularizer=None, kernel_constraint=None, metrics=("accuracy",),
           seed=1, dropout=0.0):
    set_random_seed(seed)
    layers = [Input((6,)), Dense(8, activation="relu", kernel_regularizer=kernel_regularizer,
                                 kernel_constraint=kernel_constraint)]
    if dropout:
        layers.append(Dropout(dropout, seed=3))
    layers += [Dense(3), Activation("softmax")]
    model = Sequential(layers)
    model.compile(optimizer=opt or O.Adam(0.01), loss="categorical_crossentropy",
                  metrics=list(metrics))
    return model


def _fit_both(make, x, y, **fit_kwargs):
    """(plan model, eager model, their histories) after the same fit."""
    a, b = make(), make()
    b._allow_plans = False
    ha = a.fit(x, y, verbose=0, shuffle=False, **fit_kwargs).history
    hb = b.fit(x, y, verbose=0, shuffle=False, **fit_kwargs).history
    return a, b, ha, hb


def _same_weights(a, b):
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_array_equal(wa, wb)


# -- the specs of the built-ins ----------------------------------------------

def test_optimizer_specs_name_their_kind_and_hyperparameters():
    spec = O.Adam(0.01, beta_1=0.8, amsgrad=True, clipnorm=1.0).executor_spec()
    assert spec["kind"] == "adam" and spec["beta_1"] == 0.8 and spec["amsgrad"] is True
    assert spec["clipnorm"] == 1.0 and spec["clipvalue"] is None
    assert spec["learning_rate"] == pytest.approx(0.01)
    assert O.AdamW(weight_decay=0.1).executor_spec()["weight_decay"] == 0.1
    kinds = {cls: cls().executor_spec()["kind"] for cls in
             (O.SGD, O.RMSprop, O.Adagrad, O.Adadelta, O.Adamax, O.Nadam)}
    assert list(kinds.values()) == ["sgd", "rmsprop", "adagrad", "adadelta", "adamax", "nadam"]


def test_optimizer_spec_is_none_for_options_the_executor_lacks():
    assert O.SGD(global_clipnorm=1.0).executor_spec() is None
    assert O.SGD(learning_rate=lambda: 0.1).executor_spec() is None


def test_regularizer_constraint_metric_specs():
    assert R.L1L2(l1=0.01, l2=0.02).executor_spec() == {"kind": "l1l2", "l1": 0.01, "l2": 0.02}
    assert R.L2(0.5).executor_spec() == {"kind": "l1l2", "l1": 0.0, "l2": 0.5}
    assert R.L1(0.5).executor_spec()["kind"] == "l1l2"
    assert R.OrthogonalRegularizer().executor_spec() is None
    spec = C.MaxNorm(2.0, axis=0).executor_spec()
    assert spec["kind"] == "max_norm" and spec["max_value"] == 2.0 and spec["axis"] == 0
    assert C.NonNeg().executor_spec() == {"kind": "non_neg"}
    assert C.UnitNorm().executor_spec()["kind"] == "unit_norm"
    assert C.MinMaxNorm(0.5, 1.5, rate=0.3).executor_spec()["rate"] == 0.3
    assert M.CategoricalAccuracy().executor_spec() == {"kind": "categorical_accuracy"}
    assert M.BinaryAccuracy(threshold=0.3).executor_spec() == {"kind": "binary_accuracy",
                                                               "threshold": 0.3}
    assert M.SparseCategoricalAccuracy().executor_spec()["kind"] == \
        "sparse_categorical_accuracy"
    assert M.Mean().executor_spec() is None


def test_layer_specs():
    assert Dense(4, activation="relu").executor_spec() == {
        "kind": "dense", "units": 4, "activation": "relu", "alpha": 0.0, "use_bias": True}
    assert Dense(4, activation=lambda t: t).executor_spec() is None
    assert Dense(4, activity_regularizer="l2").executor_spec() is None
    spec = Dropout(0.25).executor_spec()
    assert spec["kind"] == "dropout" and spec["rate"] == 0.25 and spec["noise_shape"] is None
    assert Activation("tanh").executor_spec()["activation"] == "tanh"


def test_subclasses_that_override_the_math_have_no_spec():
    class MyAdam(O.Adam):
        def update_step(self, index, gradient, variable, learning_rate):
            super().update_step(index, gradient, variable, 2 * learning_rate)

    class MyL2(R.L2):
        def __call__(self, x):
            return 2 * super().__call__(x)

    class MyMaxNorm(C.MaxNorm):
        def __call__(self, w):
            return super().__call__(w)

    class MyAcc(M.CategoricalAccuracy):
        def result(self):
            return 1.0

    class MyDense(Dense):
        def call(self, inputs):
            return super().call(inputs) * 2

    for obj in (MyAdam(), MyL2(), MyMaxNorm(), MyAcc(), MyDense(3)):
        assert obj.executor_spec() is None, obj
    # a subclass that keeps the math keeps the spec
    class Named(O.Adam):
        pass
    assert Named().executor_spec()["kind"] == "adam"


def test_compiled_lowers_from_specs_only():
    src = inspect.getsource(compiled)
    for module in ("nnlite.optimizers", "nnlite.regularizers", "nnlite.constraints",
                   "nnlite.metrics", "nnlite.layers"):
        assert module not in src
    for private in ("._act", "._rng", "._lr(", "._momentums", "._use_weight_decay",
                    "._learning_rate", "._factors", "._prepare_step"):
        assert private not in src


# -- unknown kinds and None specs ----------------------------------------------

def test_unknown_constraint_kind_is_an_error():
    class Clip(C.Constraint):
        def __call__(self, w):
            return np.clip(w, -1, 1)

        def executor_spec(self):
            return {"kind": "clip", "value": 1.0}

    x, y = _data()
    model = _model(kernel_constraint=Clip())
    with pytest.raises(ValueError, match="unknown kind 'clip'"):
        model.fit(x, y, epochs=1, verbose=0)


def test_unknown_optimizer_kind_is_an_error():
    class Lion(O.SGD):
        def executor_spec(self):
            return dict(super().executor_spec(), kind="lion")

    x, y = _data()
    with pytest.raises(ValueError, match="unknown kind 'lion'"):
        _model(opt=Lion()).fit(x, y, epochs=1, verbose=0)


def test_unknown_metric_and_layer_kinds_are_errors():
    class Odd(M.CategoricalAccuracy):
        def executor_spec(self):
            return {"kind": "odd_accuracy"}

    x, y = _data()
    with pytest.raises(ValueError, match="unknown kind 'odd_accuracy'"):
        _model(metrics=[Odd()]).fit(x, y, epochs=1, verbose=0)

    class Conv(Dense):
        def executor_spec(self):
            return {"kind": "conv"}

    model = Sequential([Input((6,)), Conv(3)])
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match="unknown kind 'conv'"):
        model.predict(x, verbose=0)


def test_none_spec_runs_the_eager_executor_with_the_same_results():
    class Twice(R.L2):        # the same penalty, written anew: no spec
        def __call__(self, x):
            return super().__call__(x)

    x, y = _data()
    model = _model(kernel_regularizer=Twice(0.01))
    assert model._training_plan(x, y, None, 16) is None
    a, b, ha, hb = _fit_both(lambda: _model(kernel_regularizer=Twice(0.01)), x, y, epochs=2,
                             batch_size=16)
    _same_weights(a, b)


@pytest.mark.parametrize("opt", [lambda: O.Adam(0.01, amsgrad=True), lambda: O.Nadam(0.01),
                                 lambda: O.RMSprop(0.01, momentum=0.5, centered=True),
                                 lambda: O.SGD(0.1, momentum=0.9, nesterov=True),
                                 lambda: O.AdamW(0.01, weight_decay=0.1),
                                 lambda: O.Adamax(0.01)])
def test_spec_lowering_matches_eager_bit_for_bit(opt):
    x, y = _data()
    make = lambda: _model(opt=opt(), kernel_regularizer=R.L1L2(0.001, 0.01),  # noqa: E731
                          kernel_constraint=C.MaxNorm(1.5), dropout=0.3)
    assert make()._training_plan(x, y, None, 16) is not None
    a, b, ha, hb = _fit_both(make, x, y, epochs=2, batch_size=16)
    _same_weights(a, b)


# -- safety --------------------------------------------------------------------

def test_huge_batch_size_trains_as_one_batch():
    x, y = _data()
    for allow in (True, False):
        a, b = _model(), _model()
        a._allow_plans = b._allow_plans = allow
        ha = a.fit(x, y, batch_size=2 ** 62, epochs=3, verbose=0, shuffle=False,
                   validation_split=0.25, validation_batch_size=2 ** 62).history
        hb = b.fit(x, y, batch_size=len(x), epochs=3, verbose=0, shuffle=False,
                   validation_split=0.25).history
        _same_weights(a, b)
        np.testing.assert_array_equal(ha["loss"], hb["loss"])
        np.testing.assert_array_equal(ha["val_loss"], hb["val_loss"])


def test_huge_batch_size_in_evaluate_and_predict():
    x, y = _data()
    model = _model()
    model.fit(x, y, epochs=1, verbose=0)
    np.testing.assert_array_equal(model.evaluate(x, y, batch_size=2 ** 62, verbose=0),
                                  model.evaluate(x, y, batch_size=len(x), verbose=0))
    np.testing.assert_array_equal(model.predict(x, batch_size=2 ** 62, verbose=0),
                                  model.predict(x, verbose=0))


def test_huge_plan_buffers_are_refused_before_c():
    with pytest.raises(ValueError, match="max_batch"):
        _core.Plan([784, 10], ["linear"], [0.0], 2 ** 62)
    with pytest.raises(ValueError, match="kernel"):
        _core.Plan([2 ** 40, 2 ** 40], ["linear"], [0.0], 1)


def test_predict_from_four_threads_returns_each_calls_rows():
    rng = np.random.default_rng(7)
    model = _model()
    x, y = _data()
    model.fit(x, y, epochs=1, verbose=0)
    calls = [[rng.normal(size=(int(rng.integers(1, 2001)), 6)).astype(np.float32)
              for _ in range(200)] for _ in range(4)]
    expected = [[model.predict(c, verbose=0) for c in thread] for thread in calls]
    got = [[None] * 200 for _ in range(4)]
    errors = []

    def run(t):
        try:
            for i, c in enumerate(calls[t]):
                got[t][i] = model.predict(c, verbose=0)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(t,)) for t in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors
    for t in range(4):
        for i in range(200):
            np.testing.assert_array_equal(got[t][i], expected[t][i])


def test_evaluate_from_threads_through_one_plan():
    x, y = _data(n=600)
    model = _model()
    model.fit(x, y, epochs=1, verbose=0)
    plan = model._training_plan(x, y, None, 256, train=False)
    t, labels = plan.targets(y)
    want = plan.plan.evaluate(x, t, labels)
    results, errors = [], []

    def run():
        try:
            for _ in range(50):
                results.append(plan.plan.evaluate(x, t, labels))
        except Exception as exc:  # pragma: no cover
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors and len(results) == 200
    assert all(r == want for r in results)
