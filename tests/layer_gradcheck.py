"""Central finite differences for layer and whole-model tests (float64)."""
import numpy as np


def numeric_grad(f, arr, h=1e-6):
    """d f() / d arr by central differences, perturbing `arr` in place."""
    g = np.zeros_like(arr, dtype=np.float64)
    flat = arr.reshape(-1)
    gf = g.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + h
        up = f()
        flat[i] = old - h
        down = f()
        flat[i] = old
        gf[i] = (up - down) / (2 * h)
    return g


def check_layer(layer, x, training=True, seed=0, rtol=1e-6, atol=1e-7, extra=None):
    """Checks layer.backward against finite differences of sum(forward(x) * r)
    for the input and every trainable weight. `extra()` adds a penalty term
    (e.g. the layer's losses) to the scalar."""
    rng = np.random.default_rng(seed)
    y = layer.forward(x.copy(), training=training)
    r = rng.normal(size=y.shape)

    def scalar():
        out = float(np.sum(layer.forward(x, training=training) * r))
        return out + (extra() if extra else 0.0)

    layer.forward(x, training=training)
    dx = layer.backward(r.copy())
    grads = list(layer.grads)
    np.testing.assert_allclose(dx, numeric_grad(scalar, x), rtol=rtol, atol=atol)
    for w, g in zip(layer.trainable_weights, grads):
        np.testing.assert_allclose(g, numeric_grad(scalar, w.value), rtol=rtol, atol=atol)
    return dx, grads


def sgd_step_gradient(model, x, y):
    """A model's weight gradients read off one step of SGD(learning_rate=1)
    (w_new = w - grad); the weights are put back afterwards."""
    before = model.get_weights()
    model.train_on_batch(x, y)
    after = model.get_weights()
    model.set_weights(before)
    return [b - a for b, a in zip(before, after)]


def model_finite_differences(model, x, y, h=1e-6):
    """d loss / d weight for every weight of a compiled model, by central
    differences of `test_on_batch`; the weights are put back afterwards."""
    base = model.get_weights()
    grads = []
    for i, w in enumerate(base):
        g = np.zeros_like(w)
        for idx in np.ndindex(w.shape):
            plus = [v.copy() for v in base]
            minus = [v.copy() for v in base]
            plus[i][idx] += h
            minus[i][idx] -= h
            model.set_weights(plus)
            lp = model.test_on_batch(x, y)
            model.set_weights(minus)
            lm = model.test_on_batch(x, y)
            g[idx] = (lp - lm) / (2 * h)
        grads.append(g)
    model.set_weights(base)
    return grads
