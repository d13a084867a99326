"""Bad input through the public API: a clear exception that names the problem,
and a model left exactly as it was (weights, optimizer state, predictions).

Every case runs on a freshly trained model, once on a Dense stack (the
compiled executor) and, where it calls the model, once on a model with
BatchNormalization and Dropout (the eager executor): a check that runs only
in one executor, or too late in it, shows up as a changed model.
"""
import math

import numpy as np
import pytest

from nnlite import activations, callbacks, constraints, distribution, initializers, layers
from nnlite import losses, metrics, ops, optimizers, regularizers, utils
from nnlite.models import Sequential, model_from_json
from nnlite.optimizers import schedules

N, D, K = 32, 4, 3


def _data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(N, D)).astype(np.float32)
    y = rng.integers(0, K, size=N)
    return x, y


def _model(kind):
    stack = [layers.Input((D,)), layers.Dense(8, activation="relu")]
    if kind == "eager":
        stack += [layers.BatchNormalization(), layers.Dropout(0.25)]
    model = Sequential(stack + [layers.Dense(K, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    x, y = _data()
    model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    return model


def _state(model):
    x, _ = _data()
    # the learning rate is left out: some cases set it (to a bad callable)
    return ([w.copy() for w in model.get_weights()],
            [np.array(v.value, copy=True) for v in model.optimizer.variables
             if v.name != "learning_rate"],
            model.predict(x, verbose=0))


def _assert_unchanged(before, after):
    for part, (a, b) in zip(("weights", "optimizer state", "predictions"), zip(before, after)):
        assert len(a) == len(b), part
        for u, v in zip(a, b):
            np.testing.assert_array_equal(u, v, err_msg=part)


X, Y = _data()
BAD = np.float32("nan")


def _with(arr, idx, value, dtype=None):
    out = np.array(arr, dtype=dtype or arr.dtype, copy=True)
    out[idx] = value
    return out


def _fit(**kw):
    base = dict(x=X, y=Y, batch_size=8, epochs=1, verbose=0)
    base.update(kw)
    return lambda m: m.fit(**base)


def _evaluate(**kw):
    base = dict(x=X, y=Y, batch_size=8, verbose=0)
    base.update(kw)
    return lambda m: m.evaluate(**base)


def _predict(**kw):
    base = dict(x=X, batch_size=8, verbose=0)
    base.update(kw)
    return lambda m: m.predict(**base)


def _lr_model_fit(learning_rate):
    def run(m):
        m.optimizer.learning_rate = learning_rate
        m.fit(X, Y, batch_size=8, epochs=1, verbose=0)
    return run


def _schedule_fit(schedule):
    return _fit(callbacks=[callbacks.LearningRateScheduler(schedule)])


class _BadSchedule(schedules.LearningRateSchedule):
    def __init__(self, value):
        self.value = value

    def __call__(self, step):
        return self.value

    def get_config(self):
        return {"value": self.value}


def _freeze_then_fit_bad(m):
    m.layers[0].trainable = False
    try:
        m.fit(X, _with(Y, 5, K), batch_size=8, verbose=0)
    finally:
        m.layers[0].trainable = True


def _data_parallel(run):
    """`run` (a `_fit`/`_evaluate` case) under a one-process DataParallel:
    the sharded step and its packed gradients take the bad batch."""
    def call(m):
        distribution.set_distribution(distribution.DataParallel())
        try:
            return run(m)
        finally:
            distribution.set_distribution(None)
    return call


def _recompile(**kw):
    return lambda m: m.compile(optimizer=m.optimizer, loss="sparse_categorical_crossentropy",
                               **kw)


def _set_weights(change):
    def run(m):
        weights = [w.copy() for w in m.get_weights()]
        change(weights)
        m.set_weights(weights)
    return run


def _set_last(value):
    def change(ws):
        ws[-1] = value(ws[-1])
    return change


def _drop_last(ws):
    ws.pop()


def _layer_set_weights(value):
    return lambda m: m.layers[-1].set_weights([value(w) for w in m.layers[-1].get_weights()])


def _train_on_batch(**kw):
    base = dict(x=X[:8], y=Y[:8])
    base.update(kw)
    return lambda m: m.train_on_batch(**base)


def _test_on_batch(**kw):
    base = dict(x=X[:8], y=Y[:8])
    base.update(kw)
    return lambda m: m.test_on_batch(**base)


def _compile(**kw):
    base = dict(optimizer="sgd", loss="sparse_categorical_crossentropy")
    base.update(kw)
    return lambda m: m.compile(**base)


def _alone(fn):
    """A case that does not call the model (construction, utilities): run once."""
    def run(m):
        return fn()
    run.alone = True
    return run


def _timedelta():
    return np.arange(N * D).reshape(N, D).astype("timedelta64[s]")


def _unaligned_view():
    buf = np.zeros(N * D * 4 + 1, np.uint8)
    return np.frombuffer(buf.data, dtype=np.float32, count=N * D, offset=1).reshape(N, D)


# (id, call, exception type, regular expression the message must match)
MODEL_CASES = [
    # -- fit: x --------------------------------------------------------------
    ("fit-x-none", _fit(x=None), ValueError, r"x"),
    ("fit-x-strings", _fit(x=np.full((N, D), "a")), TypeError, r"x must hold numbers"),
    ("fit-x-object", _fit(x=np.array([object()] * N)), TypeError, r"x must hold numbers"),
    ("fit-x-complex", _fit(x=X.astype(np.complex64)), TypeError, r"x must be real"),
    ("fit-x-nan", _fit(x=_with(X, (3, 1), BAD)), ValueError, r"x contains NaN"),
    ("fit-x-inf", _fit(x=_with(X, (30, 0), np.inf)), ValueError, r"x contains NaN or inf"),
    ("fit-x-neg-inf-last", _fit(x=_with(X, (N - 1, D - 1), -np.inf)), ValueError,
     r"x contains NaN or inf"),
    ("fit-x-float64-nan", _fit(x=_with(X.astype(np.float64), (0, 0), np.nan)), ValueError,
     r"x contains NaN"),
    ("fit-x-timedelta", _fit(x=_timedelta()), TypeError, r"x must hold numbers.*timedelta"),
    ("fit-x-datetime", _fit(x=np.zeros((N, D), "datetime64[s]")), TypeError,
     r"x must hold numbers.*datetime"),
    ("fit-x-bytes", _fit(x=np.zeros((N, D), "S3")), TypeError, r"x must hold numbers"),
    ("fit-x-wrong-features", _fit(x=np.ones((N, D + 1), np.float32)), ValueError,
     r"shape|expected"),
    ("fit-x-too-few-features", _fit(x=np.ones((N, 1), np.float32)), ValueError,
     r"shape|expected"),
    ("fit-x-1d", _fit(x=np.ones(N, np.float32)), ValueError, r"shape|expected|rank|ndim"),
    ("fit-x-3d", _fit(x=np.ones((N, D, 2), np.float32)), ValueError, r"shape|expected|rank"),
    ("fit-x-scalar", _fit(x=np.float32(1.0)), ValueError, r"batch axis"),
    ("fit-x-ragged", _fit(x=[[1.0, 2.0], [1.0]] * 16), ValueError, r"x"),
    ("fit-x-empty", _fit(x=X[:0], y=Y[:0]), ValueError, r"empty|0 samples|no samples"),
    ("fit-x-list-of-mixed", _fit(x=[np.ones((N, D)), np.ones((N, D + 1))]), ValueError,
     r"different shapes|several inputs|input"),
    # -- fit: y --------------------------------------------------------------
    ("fit-y-none", _fit(y=None), ValueError, r"y is None|targets"),
    ("fit-y-strings", _fit(y=np.array(["a"] * N)), TypeError, r"y must hold numbers"),
    ("fit-y-complex", _fit(y=Y.astype(np.complex128) + 1j), TypeError, r"y must be real"),
    ("fit-y-nan", _fit(y=_with(Y.astype(np.float32), 4, np.nan)), ValueError, r"y contains NaN"),
    ("fit-y-inf", _fit(y=_with(Y.astype(np.float64), 4, np.inf)), ValueError,
     r"y contains NaN or inf"),
    ("fit-y-timedelta", _fit(y=Y.astype("timedelta64[s]")), TypeError, r"y must hold numbers"),
    ("fit-y-label-too-big-first", _fit(y=_with(Y, 0, K)), ValueError, r"label|class|range"),
    ("fit-y-label-too-big-late", _fit(y=_with(Y, N - 1, K)), ValueError, r"label|class|range"),
    ("fit-y-label-negative", _fit(y=_with(Y, 17, -1)), ValueError, r"label|class|range|-1"),
    ("fit-y-label-huge-uint64", _fit(y=_with(Y.astype(np.uint64), 9, 2 ** 63 + 5)),
     ValueError, r"9223372036854775813"),
    ("fit-y-label-float-too-big", _fit(y=_with(Y.astype(np.float32), 20, 7.0)), ValueError,
     r"label|class|range"),
    ("fit-y-short", _fit(y=Y[:-1]), ValueError, r"cardinality|samples"),
    ("fit-y-long", _fit(y=np.concatenate([Y, Y])), ValueError, r"cardinality|samples"),
    ("fit-y-wrong-width", _fit(y=np.zeros((N, K + 2), np.float32)), ValueError,
     r"shape|incompatible|y"),
    ("fit-y-scalar", _fit(y=np.int64(1)), ValueError, r"batch axis"),
    ("fit-y-3d", _fit(y=np.zeros((N, 2, 2), np.float32)), ValueError, r"shape|incompatible"),
    # -- fit: sample_weight ----------------------------------------------------
    ("fit-sw-short", _fit(sample_weight=np.ones(N - 1)), ValueError, r"cardinality|samples"),
    ("fit-sw-nan", _fit(sample_weight=_with(np.ones(N), 30, np.nan)), ValueError,
     r"sample_weight contains NaN"),
    ("fit-sw-inf", _fit(sample_weight=_with(np.ones(N), 2, np.inf)), ValueError,
     r"sample_weight contains NaN or inf"),
    ("fit-sw-strings", _fit(sample_weight=np.array(["1"] * N)), TypeError,
     r"sample_weight must hold numbers"),
    ("fit-sw-2d", _fit(sample_weight=np.ones((N, 5))), ValueError, r"sample_weight"),
    ("fit-sw-complex", _fit(sample_weight=np.ones(N, np.complex64)), TypeError,
     r"sample_weight must be real"),
    # -- fit: scalar arguments --------------------------------------------------
    ("fit-batch-zero", _fit(batch_size=0), ValueError, r"batch_size.*0"),
    ("fit-batch-negative", _fit(batch_size=-4), ValueError, r"batch_size.*-4"),
    ("fit-batch-float", _fit(batch_size=2.5), ValueError, r"batch_size.*2\.5"),
    ("fit-batch-string", _fit(batch_size="8"), ValueError, r"batch_size.*'8'"),
    ("fit-batch-bool", _fit(batch_size=True), ValueError, r"batch_size.*True"),
    ("fit-val-batch-zero", _fit(validation_split=0.25, validation_batch_size=0), ValueError,
     r"batch_size.*0"),
    ("fit-epochs-negative", _fit(epochs=-1), ValueError, r"epochs.*-1"),
    ("fit-epochs-float", _fit(epochs=1.5), ValueError, r"epochs.*1\.5"),
    ("fit-epochs-string", _fit(epochs="2"), ValueError, r"epochs.*'2'"),
    ("fit-verbose-3", _fit(verbose=3), ValueError, r"verbose.*3"),
    ("fit-verbose-string", _fit(verbose="loud"), ValueError, r"verbose.*loud"),
    ("fit-initial-epoch-string", _fit(initial_epoch="a"), (TypeError, ValueError),
     r"initial_epoch.*'a'"),
    ("fit-steps-zero", _fit(steps_per_epoch=0), ValueError, r"steps_per_epoch.*0"),
    ("fit-steps-negative", _fit(steps_per_epoch=-2), ValueError, r"steps_per_epoch.*-2"),
    ("fit-steps-string", _fit(steps_per_epoch="a"), ValueError, r"steps_per_epoch.*'a'"),
    ("fit-val-steps-zero", _fit(validation_split=0.25, validation_steps=0), ValueError,
     r"validation_steps.*0"),
    ("fit-val-freq-zero", _fit(validation_freq=0), ValueError, r"validation_freq.*0"),
    ("fit-val-freq-string", _fit(validation_freq="a"), ValueError, r"validation_freq.*'a'"),
    ("fit-unknown-kwarg", _fit(nb_batches=3), TypeError, r"nb_batches"),
    # -- fit: validation -------------------------------------------------------
    ("fit-split-one", _fit(validation_split=1.0), ValueError, r"validation_split.*1\.0"),
    ("fit-split-negative", _fit(validation_split=-0.1), ValueError, r"validation_split.*-0\.1"),
    ("fit-split-string", _fit(validation_split="0.2"), (TypeError, ValueError),
     r"validation_split.*'0\.2'"),
    ("fit-split-nan", _fit(validation_split=float("nan")), ValueError, r"validation_split"),
    ("fit-split-too-small", _fit(validation_split=0.999), ValueError, r"validation_split"),
    ("fit-val-data-one", _fit(validation_data=(X,)), ValueError, r"validation_data"),
    ("fit-val-data-array", _fit(validation_data=X), ValueError, r"validation_data"),
    ("fit-val-data-features", _fit(validation_data=(np.ones((8, D + 1), np.float32), Y[:8])),
     ValueError, r"shape|expected"),
    ("fit-val-data-nan", _fit(validation_data=(_with(X, (1, 1), np.nan), Y)), ValueError,
     r"x_val contains NaN"),
    ("fit-val-data-label", _fit(validation_data=(X, _with(Y, 31, K + 4))), ValueError,
     r"label|class|range"),
    ("fit-val-data-short", _fit(validation_data=(X, Y[:5])), ValueError,
     r"cardinality|samples"),
    ("fit-val-data-strings", _fit(validation_data=(X, np.array(["a"] * N))), TypeError,
     r"y_val must hold numbers"),
    # -- fit: class_weight -----------------------------------------------------
    ("fit-cw-list", _fit(class_weight=[1.0, 2.0, 3.0]), ValueError, r"class_weight"),
    ("fit-cw-nan", _fit(class_weight={0: 1.0, 1: float("nan"), 2: 1.0}), ValueError,
     r"class_weight.*nan"),
    ("fit-cw-inf", _fit(class_weight={0: float("inf")}), ValueError, r"class_weight.*inf"),
    ("fit-cw-string-value", _fit(class_weight={0: "heavy"}), (TypeError, ValueError),
     r"class_weight.*heavy"),
    ("fit-cw-string-key", _fit(class_weight={"cat": 2.0}), (TypeError, ValueError),
     r"class_weight.*cat"),
    ("fit-cw-and-sw", _fit(class_weight={0: 2.0}, sample_weight=np.ones(N)), ValueError,
     r"class_weight.*sample_weight"),
    # -- fit: callbacks and learning rates -------------------------------------
    ("fit-callback-not-callback", _fit(callbacks=[3]), (TypeError, ValueError), r"allback"),
    ("fit-checkpoint-template", _fit(callbacks=[callbacks.ModelCheckpoint("m-{nope}.keras")]),
     ValueError, r"nope"),
    ("fit-checkpoint-template-format", _fit(
        callbacks=[callbacks.ModelCheckpoint("m-{epoch:q}.keras")]), ValueError, r"epoch:q"),
    ("fit-lr-callable-negative", _lr_model_fit(lambda: -0.1), ValueError,
     r"learning_rate.*-0\.1"),
    ("fit-lr-callable-nan", _lr_model_fit(lambda: float("nan")), ValueError,
     r"learning_rate.*nan"),
    ("fit-lr-callable-string", _lr_model_fit(lambda: "fast"), TypeError,
     r"learning_rate.*fast"),
    ("fit-lr-callable-none", _lr_model_fit(lambda: None), TypeError, r"learning_rate.*None"),
    ("fit-lr-schedule-negative", _lr_model_fit(_BadSchedule(-1.0)), ValueError,
     r"learning_rate.*-1"),
    ("fit-lr-schedule-inf", _lr_model_fit(_BadSchedule(float("inf"))), ValueError,
     r"learning_rate.*inf"),
    ("fit-lr-scheduler-negative", _schedule_fit(lambda epoch, lr: -0.5), ValueError,
     r"learning_rate.*-0\.5"),
    ("fit-lr-scheduler-string", _schedule_fit(lambda epoch, lr: "x"), (TypeError, ValueError),
     r"'x'|learning_rate|float"),
    ("fit-lr-scheduler-nan", _schedule_fit(lambda epoch, lr: float("nan")), ValueError,
     r"learning_rate.*nan"),
    # -- structure changes before a failing call --------------------------------
    ("fit-after-freeze-bad-label", _freeze_then_fit_bad, ValueError, r"label|class|range"),
    # -- evaluate ------------------------------------------------------------
    ("evaluate-x-nan", _evaluate(x=_with(X, (2, 2), np.nan)), ValueError, r"x contains NaN"),
    ("evaluate-x-features", _evaluate(x=np.ones((N, D + 3), np.float32)), ValueError,
     r"shape|expected"),
    ("evaluate-x-strings", _evaluate(x=np.full((N, D), "z")), TypeError, r"x must hold numbers"),
    ("evaluate-y-label", _evaluate(y=_with(Y, 12, K)), ValueError, r"label|class|range"),
    ("evaluate-y-short", _evaluate(y=Y[:3]), ValueError, r"cardinality|samples"),
    ("evaluate-y-complex", _evaluate(y=Y + 0j), TypeError, r"y must be real"),
    ("evaluate-y-none", _evaluate(y=None), ValueError, r"y is None|targets"),
    ("evaluate-sw-nan", _evaluate(sample_weight=_with(np.ones(N), 0, np.nan)), ValueError,
     r"sample_weight contains NaN"),
    ("evaluate-batch-zero", _evaluate(batch_size=0), ValueError, r"batch_size.*0"),
    ("evaluate-steps-zero", _evaluate(steps=0), ValueError, r"steps.*0"),
    ("evaluate-verbose", _evaluate(verbose=7), ValueError, r"verbose.*7"),
    ("evaluate-empty", _evaluate(x=X[:0], y=Y[:0]), ValueError, r"empty|0 samples|no samples"),
    ("evaluate-timedelta", _evaluate(x=_timedelta()), TypeError, r"x must hold numbers"),
    # -- predict -------------------------------------------------------------
    ("predict-x-nan", _predict(x=_with(X, (5, 0), np.nan)), ValueError, r"x contains NaN"),
    ("predict-x-features", _predict(x=np.ones((4, D - 1), np.float32)), ValueError,
     r"shape|expected"),
    ("predict-x-strings", _predict(x=np.full((4, D), "s")), TypeError, r"x must hold numbers"),
    ("predict-x-complex", _predict(x=X + 1j), TypeError, r"x must be real"),
    ("predict-x-scalar", _predict(x=3.0), ValueError, r"batch axis"),
    ("predict-x-none", _predict(x=None), ValueError, r"x"),
    ("predict-batch-zero", _predict(batch_size=0), ValueError, r"batch_size.*0"),
    ("predict-batch-string", _predict(batch_size="all"), ValueError, r"batch_size.*'all'"),
    ("predict-steps-negative", _predict(steps=-1), ValueError, r"steps.*-1"),
    ("predict-timedelta", _predict(x=_timedelta()), TypeError, r"x must hold numbers"),
    ("predict-verbose", _predict(verbose="x"), ValueError, r"verbose"),
    # -- on-batch calls --------------------------------------------------------
    ("train-on-batch-label", _train_on_batch(y=_with(Y[:8], 7, K)), ValueError,
     r"label|class|range"),
    ("train-on-batch-x-nan", _train_on_batch(x=_with(X[:8], (0, 0), np.nan)), ValueError,
     r"x contains NaN"),
    ("train-on-batch-features", _train_on_batch(x=np.ones((8, 2), np.float32)), ValueError,
     r"shape|expected"),
    ("train-on-batch-sw", _train_on_batch(sample_weight=np.ones(3)), ValueError,
     r"cardinality|samples"),
    ("train-on-batch-cw-nan", _train_on_batch(class_weight={0: float("nan")}), ValueError,
     r"class_weight"),
    ("train-on-batch-y-short", _train_on_batch(y=Y[:7]), ValueError, r"cardinality|samples"),
    ("train-on-batch-empty", _train_on_batch(x=X[:0], y=Y[:0]), ValueError, r"non-empty"),
    ("test-on-batch-empty", _test_on_batch(x=X[:0], y=Y[:0]), ValueError, r"non-empty"),
    ("test-on-batch-label", _test_on_batch(y=_with(Y[:8], 0, -3)), ValueError,
     r"label|class|range"),
    ("test-on-batch-x-inf", _test_on_batch(x=_with(X[:8], (1, 1), np.inf)), ValueError,
     r"x contains NaN"),
    ("predict-on-batch-features", lambda m: m.predict_on_batch(np.ones((2, 9), np.float32)),
     ValueError, r"shape|expected"),
    ("predict-on-batch-strings", lambda m: m.predict_on_batch(np.full((2, D), "a")), TypeError,
     r"x must hold numbers"),
    # -- set_weights -----------------------------------------------------------
    ("set-weights-too-few", _set_weights(_drop_last), ValueError, r"weight"),
    ("set-weights-last-shape", _set_weights(_set_last(lambda w: np.zeros(w.size + 1))),
     ValueError, r"shape"),
    ("set-weights-last-strings", _set_weights(_set_last(lambda w: np.full(w.shape, "a"))),
     (TypeError, ValueError), r"str|dtype|number"),
    ("set-weights-last-nan", _set_weights(_set_last(lambda w: _with(w, 0, np.nan))),
     ValueError, r"NaN"),
    ("set-weights-last-inf", _set_weights(_set_last(lambda w: _with(w, -1, -np.inf))),
     ValueError, r"NaN or inf"),
    ("set-weights-last-complex", _set_weights(_set_last(lambda w: w + 1j)),
     (TypeError, ValueError), r"complex|real"),
    ("set-weights-last-none", _set_weights(_set_last(lambda w: None)), (TypeError, ValueError),
     r"None|weight"),
    ("set-weights-not-list", lambda m: m.set_weights(5), (TypeError, ValueError), r"weight"),
    ("layer-set-weights-shape", _layer_set_weights(lambda w: np.zeros(w.shape[::-1] + (2,))),
     ValueError, r"shape"),
    ("layer-set-weights-nan", _layer_set_weights(lambda w: np.full(w.shape, np.nan)),
     ValueError, r"NaN"),
    ("layer-set-weights-count", lambda m: m.layers[-1].set_weights([]), ValueError, r"weight"),
    # -- compile ----------------------------------------------------------------
    ("compile-unknown-optimizer", _compile(optimizer="adamm"), ValueError, r"adamm"),
    ("compile-unknown-loss", _compile(optimizer="sgd", loss="msee"), ValueError, r"msee"),
    ("compile-unknown-metric", _compile(optimizer="sgd", metrics=["acurracy"]), ValueError,
     r"acurracy"),
    ("compile-loss-number", _compile(optimizer="sgd", loss=3), (TypeError, ValueError), r"3"),
    ("compile-optimizer-number", _compile(optimizer=0.1), (TypeError, ValueError), r"0\.1"),
    ("compile-metric-number", _compile(optimizer="sgd", metrics=[7]), (TypeError, ValueError),
     r"7"),
    ("compile-metrics-dict-unknown-output", _compile(optimizer="sgd",
                                                     metrics={"nope": ["mae"]}),
     (TypeError, ValueError), r"nope"),
    # -- optimizers -----------------------------------------------------------
    ("adam-beta1-one", _alone(lambda: optimizers.Adam(beta_1=1.0)), ValueError, r"beta_1.*1\.0"),
    ("adam-beta1-negative", _alone(lambda: optimizers.Adam(beta_1=-0.1)), ValueError,
     r"beta_1.*-0\.1"),
    ("adam-beta2-one", _alone(lambda: optimizers.Adam(beta_2=1.0)), ValueError, r"beta_2.*1\.0"),
    ("adam-beta-string", _alone(lambda: optimizers.Adam(beta_1="0.9")), (TypeError, ValueError),
     r"beta_1.*'0\.9'"),
    ("adam-epsilon-negative", _alone(lambda: optimizers.Adam(epsilon=-1e-7)), ValueError,
     r"epsilon"),
    ("adamw-beta1-one", _alone(lambda: optimizers.AdamW(beta_1=1.0)), ValueError, r"beta_1"),
    ("nadam-beta2-big", _alone(lambda: optimizers.Nadam(beta_2=1.5)), ValueError, r"beta_2"),
    ("adamax-beta1-one", _alone(lambda: optimizers.Adamax(beta_1=1.0)), ValueError, r"beta_1"),
    ("sgd-lr-negative", _alone(lambda: optimizers.SGD(learning_rate=-0.1)), ValueError,
     r"learning_rate.*-0\.1"),
    ("sgd-lr-nan", _alone(lambda: optimizers.SGD(learning_rate=float("nan"))), ValueError,
     r"learning_rate.*nan"),
    ("sgd-lr-string", _alone(lambda: optimizers.SGD(learning_rate="0.1")), TypeError,
     r"learning_rate.*'0\.1'"),
    ("sgd-momentum-negative", _alone(lambda: optimizers.SGD(momentum=-0.5)), ValueError,
     r"momentum"),
    ("sgd-momentum-big", _alone(lambda: optimizers.SGD(momentum=1.5)), ValueError, r"momentum"),
    ("rmsprop-rho-big", _alone(lambda: optimizers.RMSprop(rho=1.5)), ValueError, r"rho"),
    ("adagrad-init-negative", _alone(lambda: optimizers.Adagrad(initial_accumulator_value=-1)),
     ValueError, r"initial_accumulator_value"),
    ("optimizer-clip-two", _alone(lambda: optimizers.SGD(clipnorm=1.0, clipvalue=1.0)),
     ValueError, r"clipnorm.*clipvalue"),
    ("optimizer-clipnorm-negative", _alone(lambda: optimizers.SGD(clipnorm=-1.0)), ValueError,
     r"clipnorm"),
    ("optimizer-unknown-kwarg", _alone(lambda: optimizers.SGD(speed=3)), ValueError, r"speed"),
    ("optimizer-weight-decay-nan", _alone(lambda: optimizers.AdamW(weight_decay=float("nan"))),
     ValueError, r"weight_decay"),
    ("optimizer-set-lr-negative", lambda m: setattr(m.optimizer, "learning_rate", -1.0),
     ValueError, r"learning_rate.*-1"),
    ("optimizers-get-unknown", _alone(lambda: optimizers.get("adamm")), ValueError, r"adamm"),
    ("fit-schedule-negative-rate", _lr_model_fit(schedules.ExponentialDecay(-0.1, 10, 0.9)),
     ValueError, r"learning_rate.*-0\.09"),
    ("schedule-zero-steps", _alone(lambda: schedules.ExponentialDecay(0.1, 0, 0.9)),
     ValueError, r"decay_steps"),
    # -- layers ---------------------------------------------------------------
    ("dense-units-zero", _alone(lambda: layers.Dense(0)), ValueError, r"units.*0"),
    ("dense-units-negative", _alone(lambda: layers.Dense(-3)), ValueError, r"units.*-3"),
    ("dense-units-float", _alone(lambda: layers.Dense(2.5)), (TypeError, ValueError),
     r"units.*2\.5"),
    ("dense-units-string", _alone(lambda: layers.Dense("8")), (TypeError, ValueError),
     r"units.*'8'"),
    ("dense-activation-unknown", _alone(lambda: layers.Dense(2, activation="relux")), ValueError,
     r"relux"),
    ("dense-initializer-unknown", _alone(lambda: layers.Dense(2, kernel_initializer="glorot")),
     ValueError, r"glorot"),
    ("dense-regularizer-unknown", _alone(lambda: layers.Dense(2, kernel_regularizer="l3")),
     ValueError, r"l3"),
    ("dense-constraint-unknown", _alone(lambda: layers.Dense(2, kernel_constraint="maxnorm3")),
     ValueError, r"maxnorm3"),
    ("dense-input-shape-float", _alone(lambda: layers.Dense(2, input_shape=(8.5,))),
     (TypeError, ValueError), r"8\.5"),
    ("dropout-rate-big", _alone(lambda: layers.Dropout(1.5)), ValueError, r"rate.*1\.5"),
    ("dropout-rate-negative", _alone(lambda: layers.Dropout(-0.1)), ValueError, r"rate.*-0\.1"),
    ("dropout-rate-string", _alone(lambda: layers.Dropout("0.5")), (TypeError, ValueError),
     r"rate.*'0\.5'"),
    ("dropout-noise-shape-mismatch", _alone(lambda: _noise_shape_fit((7, 1))), ValueError,
     r"noise_shape.*7"),
    ("bn-axis-string", _alone(lambda: layers.BatchNormalization(axis="a")),
     (TypeError, ValueError), r"axis.*'a'"),
    ("bn-axis-out-of-range", _alone(lambda: _bn_axis_call(5)), ValueError, r"axis"),
    ("bn-momentum-string", _alone(lambda: layers.BatchNormalization(momentum="fast")),
     (TypeError, ValueError), r"momentum.*'fast'"),
    ("input-shape-float", _alone(lambda: layers.Input(shape=(8.5,))), (TypeError, ValueError),
     r"8\.5"),
    ("input-shape-negative", _alone(lambda: layers.Input(shape=(-2,))), ValueError, r"-2"),
    ("input-shape-string", _alone(lambda: layers.Input(shape="4")), (TypeError, ValueError),
     r"shape"),
    ("sequential-add-non-layer", lambda m: m.add("dense"), ValueError, r"dense|Layer"),
    ("sequential-add-number", lambda m: m.add(3), ValueError, r"3|Layer"),
    ("layer-call-wrong-shape", lambda m: m.layers[0](np.ones((2, D + 1), np.float32)),
     ValueError, r"shape|expected"),
    # -- lookups by name -------------------------------------------------------
    ("activations-get-unknown", _alone(lambda: activations.get("sigmoidd")), ValueError,
     r"sigmoidd"),
    ("losses-get-unknown", _alone(lambda: losses.get("maee")), ValueError, r"maee"),
    ("metrics-get-unknown", _alone(lambda: metrics.get("precisionn")), ValueError,
     r"precisionn"),
    ("initializers-get-unknown", _alone(lambda: initializers.get("heh")), ValueError, r"heh"),
    ("regularizers-get-unknown", _alone(lambda: regularizers.get("l9")), ValueError, r"l9"),
    ("constraints-get-unknown", _alone(lambda: constraints.get("positive")), ValueError,
     r"positive"),
    ("model-from-json-list", _alone(lambda: model_from_json("[1, 2]")), ValueError,
     r"model|dict|config"),
    ("model-from-json-garbage", _alone(lambda: model_from_json("{not json")), ValueError,
     r"JSON|json"),
    # -- augmentation, Lambda, distribution, wrappers ---------------------------
    ("random-flip-mode", _alone(lambda: layers.RandomFlip("diagonal")), ValueError,
     r"diagonal"),
    ("random-rotation-factor", _alone(lambda: layers.RandomRotation(2.0)), ValueError,
     r"factor=2\.0"),
    ("random-rotation-fill-mode", _alone(lambda: layers.RandomRotation(0.1, fill_mode="mirror")),
     ValueError, r"mirror"),
    ("random-zoom-factor", _alone(lambda: layers.RandomZoom(-1.5)), ValueError, r"-1\.5"),
    ("random-contrast-negative", _alone(lambda: layers.RandomContrast(-0.5)), ValueError,
     r"-0\.5"),
    ("random-crop-zero", _alone(lambda: layers.RandomCrop(0, 4)), ValueError, r"height=0"),
    ("random-flip-wrong-rank", _alone(lambda: layers.RandomFlip()(np.ones((4, 4), np.float32))),
     ValueError, r"rank 3"),
    ("lambda-not-callable", _alone(lambda: layers.Lambda(3)), TypeError, r"callable.*3"),
    ("data-parallel-fit-nan-x", _data_parallel(_fit(x=_with(X, (3, 1), BAD))), ValueError,
     r"NaN"),
    ("data-parallel-fit-label-range", _data_parallel(_fit(y=_with(Y, 5, K))), ValueError,
     r"\[0, 3\)"),
    ("data-parallel-fit-nan-weight", _data_parallel(_fit(sample_weight=_with(
        np.ones(N, np.float32), 2, BAD))), ValueError, r"sample_weight|NaN"),
    ("data-parallel-evaluate-label-range", _data_parallel(_evaluate(y=_with(Y, 5, K))),
     ValueError, r"\[0, 3\)"),
    ("weighted-metrics-unknown", _recompile(weighted_metrics=["accuracyy"]), ValueError,
     r"accuracyy"),
    ("weighted-metrics-dict-unknown-output", _recompile(weighted_metrics={"nope": ["mae"]}),
     ValueError, r"nope"),
    ("weighted-metrics-number", _recompile(weighted_metrics=[3]), ValueError, r"3"),
    ("data-parallel-devices-int", _alone(lambda: distribution.DataParallel(devices=5)),
     TypeError, r"devices=5"),
    ("set-distribution-string", _alone(lambda: distribution.set_distribution("x")), TypeError,
     r"'x'"),
    ("ops-slice-outside", _alone(lambda: ops.slice(np.ones((3, 3)), (2, 2), (3, 3))),
     ValueError, r"does not fit"),
    # -- to_categorical ---------------------------------------------------------
    ("to-categorical-num-classes-float", _alone(lambda: utils.to_categorical([0, 1], 2.5)),
     (TypeError, ValueError), r"num_classes.*2\.5"),
    ("to-categorical-num-classes-string", _alone(lambda: utils.to_categorical([0, 1], "3")),
     (TypeError, ValueError), r"num_classes.*'3'"),
    ("to-categorical-num-classes-zero", _alone(lambda: utils.to_categorical([0, 1], 0)),
     ValueError, r"num_classes|label"),
    ("to-categorical-label-too-big", _alone(lambda: utils.to_categorical([0, 5], 3)),
     ValueError, r"5|num_classes|label"),
    ("to-categorical-negative", _alone(lambda: utils.to_categorical([0, -1], 3)), ValueError,
     r">= 0|-1"),
    ("to-categorical-nan", _alone(lambda: utils.to_categorical([0.0, np.nan])), ValueError,
     r"integer|NaN"),
    ("to-categorical-strings", _alone(lambda: utils.to_categorical(["a", "b"])), TypeError,
     r"integer"),
    ("to-categorical-huge-uint64", _alone(lambda: utils.to_categorical(
        np.array([0, 2 ** 64 - 1], np.uint64), 3)), ValueError, r"18446744073709551615"),
    # -- ops --------------------------------------------------------------------
    ("ops-matmul-shapes", _alone(lambda: ops.matmul(np.ones((2, 3)), np.ones((4, 2)))),
     ValueError, r"shape|\(2, 3\)|incompatible"),
    ("ops-reshape", _alone(lambda: ops.reshape(np.ones((2, 3)), (4, 2))), ValueError,
     r"reshape|shape|size"),
    ("ops-concatenate", _alone(lambda: ops.concatenate([np.ones((2, 3)), np.ones((2, 4))],
                                                       axis=0)), ValueError, r"shape|dimension"),
    ("ops-sum-axis", _alone(lambda: ops.sum(np.ones((2, 3)), axis=2)), ValueError, r"axis"),
    ("ops-softmax-axis", _alone(lambda: ops.softmax(np.ones((2, 3)), axis=3)), ValueError,
     r"axis"),
    ("ops-add-broadcast", _alone(lambda: ops.add(np.ones((2, 3)), np.ones((4,)))), ValueError,
     r"broadcast|shape"),
    ("ops-take-out-of-range", _alone(lambda: ops.take(np.ones((2, 3)), [5], axis=0)),
     (IndexError, ValueError), r"5|index|range"),
    ("ops-log-strings", _alone(lambda: ops.log(np.array(["a"]))), (TypeError, ValueError),
     r"str|dtype|<U1"),
    ("activations-softmax-axis", _alone(lambda: activations.softmax(np.ones((2, 3)), axis=4)),
     ValueError, r"axis"),
]


def _noise_shape_fit(noise_shape):
    model = Sequential([layers.Input((D,)), layers.Dense(6),
                        layers.Dropout(0.5, noise_shape=noise_shape), layers.Dense(K)])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    model.fit(X, Y, batch_size=8, verbose=0)


def _bn_axis_call(axis):
    layer = layers.BatchNormalization(axis=axis)
    layer(np.ones((2, D), np.float32))


RUNS = [pytest.param(case, kind, id="%s-%s" % (case[0], kind))
        for case in MODEL_CASES for kind in ("compiled", "eager")
        if kind == "compiled" or not getattr(case[1], "alone", False)]


@pytest.mark.parametrize("case,kind", RUNS)
def test_bad_input_is_refused_and_model_unchanged(case, kind):
    name, call, exc, pattern = case
    model = _model(kind)
    before = _state(model)
    with pytest.raises(exc, match=pattern):
        call(model)
    _assert_unchanged(before, _state(model))


def test_there_are_at_least_150_cases():
    assert len(MODEL_CASES) >= 150


# -- what a failed or changed call must still allow -------------------------

@pytest.mark.parametrize("kind", ["compiled", "eager"])
def test_adding_a_layer_after_fit_rebuilds_and_trains(kind):
    model = _model(kind)
    model.add(layers.Dense(2))
    history = model.fit(X, Y % 2, epochs=1, verbose=0)
    assert model.predict(X, verbose=0).shape == (N, 2)
    assert math.isfinite(history.history["loss"][0])


@pytest.mark.parametrize("kind", ["compiled", "eager"])
def test_freezing_a_layer_after_fit_keeps_it_fixed(kind):
    model = _model(kind)
    model.layers[0].trainable = False
    frozen = [w.copy() for w in model.layers[0].get_weights()]
    model.fit(X, Y, batch_size=8, epochs=1, verbose=0)
    for a, b in zip(frozen, model.layers[0].get_weights()):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("kind", ["compiled", "eager"])
def test_unfreezing_after_fit_trains_the_layer_again(kind):
    model = _model(kind)
    model.layers[0].trainable = False
    model.fit(X, Y, batch_size=8, epochs=1, verbose=0)
    model.layers[0].trainable = True
    before = model.layers[0].get_weights()[0].copy()
    model.fit(X, Y, batch_size=8, epochs=1, verbose=0)
    assert not np.array_equal(before, model.layers[0].get_weights()[0])


def test_relu_propagates_nan():
    out = np.asarray(activations.relu(np.array([np.nan, -1.0, 2.0], np.float32)))
    assert np.isnan(out[0]) and out[1] == 0.0 and out[2] == 2.0


def test_huge_batch_size_is_clamped_to_the_data():
    model = _model("compiled")
    history = model.fit(X, Y, batch_size=2 ** 62, validation_batch_size=2 ** 62,
                        validation_split=0.25, epochs=1, verbose=0)
    assert math.isfinite(history.history["val_loss"][0])


def test_huge_batch_size_predicts_and_evaluates_like_the_default():
    model = _model("compiled")
    np.testing.assert_allclose(model.predict(X, batch_size=2 ** 62, verbose=0),
                               model.predict(X, verbose=0), rtol=1e-6)
    assert model.evaluate(X, Y, batch_size=2 ** 70, verbose=0) == pytest.approx(
        model.evaluate(X, Y, verbose=0), rel=1e-6)


def test_unaligned_input_predicts_like_an_aligned_copy():
    model = _model("compiled")
    x = _unaligned_view()
    x[...] = X
    np.testing.assert_array_equal(model.predict(x, verbose=0),
                                  model.predict(np.array(x), verbose=0))


# -- sequence and image models (Embedding + LSTM, Conv2D + pooling) ----------

def _sequence_model():
    model = Sequential([layers.Input((6,)), layers.Embedding(12, 4, mask_zero=True),
                        layers.LSTM(5), layers.Dense(K, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return model


def _image_model():
    model = Sequential([layers.Input((6, 6, 2)), layers.Conv2D(3, 3, activation="relu"),
                        layers.BatchNormalization(), layers.MaxPooling2D(2), layers.Flatten(),
                        layers.Dense(K, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return model


RNG = np.random.default_rng(3)
IDS = RNG.integers(1, 12, size=(N, 6))
IMAGES = RNG.normal(size=(N, 6, 6, 2)).astype(np.float32)

STRUCTURED_CASES = [
    ("embedding-index-too-big-late", _sequence_model, IDS, _with(IDS, (N - 1, 5), 12),
     ValueError, r"indices\[31,5\] = 12 is not in \[0, 12\)"),
    ("embedding-index-negative", _sequence_model, IDS, _with(IDS, (9, 0), -2), ValueError,
     r"-2 is not in \[0, 12\)"),
    ("embedding-index-fraction", _sequence_model, IDS, _with(IDS.astype(np.float32), (20, 3),
                                                             2.5), ValueError, r"integral"),
    ("embedding-index-nan", _sequence_model, IDS, _with(IDS.astype(np.float32), (4, 4), np.nan),
     ValueError, r"NaN"),
    ("embedding-strings", _sequence_model, IDS, np.full((N, 6), "a"), TypeError,
     r"must hold numbers"),
    ("lstm-wrong-length", _sequence_model, IDS, IDS[:, :4], ValueError, r"shape|expected"),
    ("sequence-label-late", _sequence_model, IDS, ("y", _with(Y, N - 1, K)), ValueError,
     r"labels must lie in \[0, 3\)"),
    ("conv-wrong-channels", _image_model, IMAGES, IMAGES[..., :1], ValueError,
     r"shape|expected"),
    ("conv-wrong-rank", _image_model, IMAGES, IMAGES[:, :, :, 0], ValueError,
     r"shape|expected|ndim"),
    ("conv-nan-late", _image_model, IMAGES, _with(IMAGES, (N - 1, 5, 5, 1), np.nan),
     ValueError, r"x contains NaN"),
    ("conv-label-late", _image_model, IMAGES, ("y", _with(Y, N - 2, 7)), ValueError,
     r"labels must lie in \[0, 3\)"),
    ("conv-sample-weight-shape", _image_model, IMAGES, ("sw", np.ones((N, 2))), ValueError,
     r"sample_weight"),
]


@pytest.mark.parametrize("case", STRUCTURED_CASES, ids=[c[0] for c in STRUCTURED_CASES])
def test_bad_input_to_a_sequence_or_image_model_leaves_it_unchanged(case):
    name, make, good, bad, exc, pattern = case
    model = make()
    model.fit(good, Y, batch_size=8, epochs=1, verbose=0)
    before = ([w.copy() for w in model.get_weights()],
              [np.array(v.value, copy=True) for v in model.optimizer.variables],
              model.predict(good, verbose=0))
    x, y, sw = good, Y, None
    if isinstance(bad, tuple) and bad[0] == "y":
        y = bad[1]
    elif isinstance(bad, tuple):
        sw = bad[1]
    else:
        x = bad
    with pytest.raises(exc, match=pattern):
        model.fit(x, y, sample_weight=sw, batch_size=8, epochs=1, verbose=0)
    _assert_unchanged(before, (model.get_weights(),
                               [np.array(v.value, copy=True) for v in model.optimizer.variables],
                               model.predict(good, verbose=0)))
