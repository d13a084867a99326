"""Calls on one model from several threads: evaluate and train_on_batch take
turns (they share the metrics' state), so each call returns its own result."""
import threading

import numpy as np
import pytest

from nnlite.layers import Add, Dense, Input
from nnlite.models import Model, Sequential


def functional():
    x = Input((5,))
    h = Dense(8, activation="relu")(x)
    return Model(x, Dense(1)(Add()([h, Dense(8)(h)])))


def sequential():
    return Sequential([Input((5,)), Dense(8, activation="relu"), Dense(1)])


def run_threads(fn, n):
    results, errors = [None] * n, []

    def run(i):
        try:
            results[i] = fn(i)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors
    return results


@pytest.mark.parametrize("make", [functional, sequential])
def test_evaluate_from_four_threads_gives_each_its_own_result(make):
    rng = np.random.default_rng(0)
    model = make()
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    data = [(rng.normal(size=(300 + 50 * i, 5)).astype(np.float32),
             rng.normal(size=(300 + 50 * i, 1)).astype(np.float32) * (i + 1)) for i in range(4)]
    expected = [model.evaluate(x, y, batch_size=16, verbose=0) for x, y in data]

    def call(i):
        return [model.evaluate(*data[i], batch_size=16, verbose=0) for _ in range(5)]

    for i, got in enumerate(run_threads(call, 4)):
        for result in got:
            np.testing.assert_allclose(result, expected[i], rtol=1e-6)


def test_train_on_batch_from_threads_applies_every_step():
    model = sequential()
    model.compile(optimizer="sgd", loss="mse")
    x = np.ones((4, 5), dtype=np.float32)
    y = np.zeros((4, 1), dtype=np.float32)
    run_threads(lambda i: [model.train_on_batch(x, y) for _ in range(10)], 3)
    assert int(model.optimizer.iterations.numpy()) == 30


@pytest.mark.parametrize("rows", [1, 2000])
@pytest.mark.parametrize("make", [functional, sequential])
def test_predict_from_four_threads_returns_each_call_its_own_rows(make, rows):
    rng = np.random.default_rng(1)
    model = make()
    inputs = [rng.normal(size=(rows, 5)).astype(np.float32) for _ in range(4 * 8)]
    expected = [model.predict(x, verbose=0) for x in inputs]

    def call(i):
        return [model.predict(inputs[8 * i + j], verbose=0) for j in range(8)]

    for i, got in enumerate(run_threads(call, 4)):
        for j, out in enumerate(got):
            np.testing.assert_array_equal(out, expected[8 * i + j])


def test_predict_and_evaluate_side_by_side_match_single_threaded_results():
    rng = np.random.default_rng(2)
    model = sequential()
    model.compile(optimizer="sgd", loss="mse")
    x = rng.normal(size=(500, 5)).astype(np.float32)
    y = rng.normal(size=(500, 1)).astype(np.float32)
    want_pred = model.predict(x, verbose=0)
    want_loss = model.evaluate(x, y, verbose=0)

    def call(i):
        if i % 2:
            return [model.evaluate(x, y, verbose=0) for _ in range(5)]
        return [model.predict(x, verbose=0) for _ in range(5)]

    for i, got in enumerate(run_threads(call, 4)):
        for result in got:
            if i % 2:
                assert result == pytest.approx(want_loss, rel=1e-6)
            else:
                np.testing.assert_array_equal(result, want_pred)
