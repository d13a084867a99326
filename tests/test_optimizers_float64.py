"""The new optimizer classes on float64 variables against the Keras rules
(keras/src/optimizers/{adagrad,adadelta,adamax,nadam,adamw}.py) in NumPy
float64, to a tolerance that float32 runs cannot check: an off-by-one step
count or a misplaced epsilon shows here even when small."""
import numpy as np
import pytest

from nnlite import optimizers
from nnlite.backend import Variable

STEPS = 6


@pytest.fixture
def problem():
    rng = np.random.default_rng(42)
    w0 = rng.normal(size=(4, 3))
    grads = [rng.normal(size=(4, 3)) for _ in range(STEPS)]
    grads[2][...] = 0.0
    return w0, grads


def run(opt, w0, grads):
    var = Variable(w0, dtype="float64")
    for g in grads:
        opt.apply([g], [var])
    return var.numpy()


def lr64(x):
    return float(np.float32(x))   # the learning-rate Variable is float32, as in Keras


def test_adagrad(problem):
    w0, grads = problem
    w, acc, lr = w0.copy(), np.full(w0.shape, 0.2), lr64(0.1)
    for g in grads:
        acc = acc + g ** 2
        w = w - lr * g / np.sqrt(acc + 1e-7)
    got = run(optimizers.Adagrad(learning_rate=0.1, initial_accumulator_value=0.2), w0, grads)
    np.testing.assert_allclose(got, w, rtol=1e-12, atol=1e-14)


def test_adadelta(problem):
    w0, grads = problem
    w, ag, ad, lr, rho, eps = w0.copy(), 0 * w0, 0 * w0, lr64(1.0), 0.95, 1e-7
    for g in grads:
        ag = rho * ag + (1 - rho) * g ** 2
        d = -np.sqrt(ad + eps) / np.sqrt(ag + eps) * g
        ad = rho * ad + (1 - rho) * d ** 2
        w = w + lr * d
    got = run(optimizers.Adadelta(learning_rate=1.0), w0, grads)
    np.testing.assert_allclose(got, w, rtol=1e-12, atol=1e-14)


def test_adamax(problem):
    w0, grads = problem
    w, m, u, lr, b1, b2 = w0.copy(), 0 * w0, 0 * w0, lr64(0.05), 0.9, 0.999
    for t, g in enumerate(grads, start=1):
        m = b1 * m + (1 - b1) * g
        u = np.maximum(b2 * u, np.abs(g))
        w = w - lr / (1 - b1 ** t) * m / (u + 1e-7)
    got = run(optimizers.Adamax(learning_rate=0.05), w0, grads)
    np.testing.assert_allclose(got, w, rtol=1e-12, atol=1e-14)


def test_nadam(problem):
    w0, grads = problem
    w, m, v, lr, b1, b2 = w0.copy(), 0 * w0, 0 * w0, lr64(0.05), 0.9, 0.999
    mu = [b1 * (1 - 0.5 * 0.96 ** t) for t in range(1, STEPS + 2)]   # mu[t-1] = u_t
    for t, g in enumerate(grads, start=1):
        prod_t = np.prod(mu[:t])
        prod_next = prod_t * mu[t]
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g ** 2
        m_hat = mu[t] * m / (1 - prod_next) + (1 - mu[t - 1]) * g / (1 - prod_t)
        v_hat = v / (1 - b2 ** t)
        w = w - lr * m_hat / (np.sqrt(v_hat) + 1e-7)
    got = run(optimizers.Nadam(learning_rate=0.05), w0, grads)
    np.testing.assert_allclose(got, w, rtol=1e-12, atol=1e-14)


def test_adamw(problem):
    w0, grads = problem
    lr, b1, b2, wd = lr64(0.05), 0.9, 0.999, 0.2
    # Keras's Adam: alpha = lr * sqrt(1 - b2^t) / (1 - b1^t), w -= alpha * m / (sqrt(v) + eps),
    # after the decoupled decay w -= w * wd * lr
    w, m, v = w0.copy(), 0 * w0, 0 * w0
    paper, pm, pv = w0.copy(), 0 * w0, 0 * w0
    for t, g in enumerate(grads, start=1):
        w = w - w * wd * lr
        m = m + (g - m) * (1 - b1)
        v = v + (g * g - v) * (1 - b2)
        alpha = lr * np.sqrt(1 - b2 ** t) / (1 - b1 ** t)
        w = w - alpha * m / (np.sqrt(v) + 1e-7)
        # the paper's form, epsilon added to the corrected sqrt(v_hat)
        paper = paper - paper * wd * lr
        pm = b1 * pm + (1 - b1) * g
        pv = b2 * pv + (1 - b2) * g ** 2
        paper = paper - lr * (pm / (1 - b1 ** t)) / (np.sqrt(pv / (1 - b2 ** t)) + 1e-7)
    got = run(optimizers.AdamW(learning_rate=0.05, weight_decay=0.2), w0, grads)
    np.testing.assert_allclose(got, w, rtol=1e-12, atol=1e-14)
    assert not np.allclose(got, paper, rtol=1e-9, atol=0)   # the epsilon placement shows
