"""Central finite differences for layer and whole-model tests (float64)."""
import numpy as np

from nnlite.backend.tape import Tape
from nnlite.backend.tensor import Tensor


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
    """Checks the tape's gradients of a layer call against finite differences of
    sum(layer(x) * r) for the input and every trainable weight. `extra()` adds
    a penalty term (e.g. the layer's losses) to the scalar; its gradient comes
    from the layer's `losses` on the tape."""
    rng = np.random.default_rng(seed)
    y = np.asarray(layer(x.copy(), training=training))
    r = rng.normal(size=y.shape)

    def scalar():
        out = float(np.sum(np.asarray(layer(x, training=training)) * r))
        return out + (extra() if extra else 0.0)

    xt = Tensor(x.copy())
    with Tape() as tape:
        tape.watch(xt)
        out = layer(xt, training=training)
        targets, seeds = [out], [r.copy()]
        if extra is not None:
            for loss in layer.losses:
                targets.append(loss)
                seeds.append(None)
    weights = layer.trainable_weights
    dx, *grads = tape.gradient(targets, [xt] + weights, output_gradients=seeds)
    np.testing.assert_allclose(dx, numeric_grad(scalar, x), rtol=rtol, atol=atol)
    for w, g in zip(weights, grads):
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


def call_with_grad(layer, x, dy, training=True):
    """(layer(x), d sum(layer(x) * dy) / d x) from one call on the tape."""
    xt = Tensor(np.asarray(x))
    with Tape() as tape:
        tape.watch(xt)
        y = layer(xt, training=training)
    return np.asarray(y), tape.gradient(y, xt, output_gradients=dy)


def model_tape_gradients(model, x, y):
    """(weight gradients of the compiled loss in `trainable_weights` order, the
    output) from one training-mode call on the tape."""
    with Tape() as tape:
        y_pred = model(x, training=True)
        loss = model.compute_loss(x, y, y_pred)
    return tape.gradient(loss, model.trainable_weights), y_pred
