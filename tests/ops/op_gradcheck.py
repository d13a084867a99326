"""Checks an op's backward pass against central finite differences in float64."""
import numpy as np

from nnlite.backend.tape import Tape
from nnlite.backend.tensor import Tensor


def tape_grads(fn, *arrays):
    """Gradients of sum(fn(*tensors) * w) for a fixed random w, by the tape,
    with the weighting `w` returned too."""
    inputs = [Tensor(np.array(a, dtype=np.float64)) for a in arrays]
    with Tape() as tape:
        tape.watch(inputs)
        out = fn(*inputs)
    value = np.asarray(out)
    w = np.random.default_rng(0).normal(size=value.shape)
    grads = tape.gradient(out, inputs, output_gradients=w)
    return grads, w


def numeric_grads(fn, arrays, w, eps=1e-6):
    """Central differences of sum(fn(*arrays) * w) w.r.t. each array."""
    arrays = [np.array(a, dtype=np.float64) for a in arrays]
    out = []
    for a in arrays:
        g = np.zeros_like(a)
        flat, gflat = a.reshape(-1), g.reshape(-1)
        for i in range(flat.size):
            old = flat[i]
            flat[i] = old + eps
            hi = float(np.sum(np.asarray(fn(*[Tensor(b) for b in arrays])) * w))
            flat[i] = old - eps
            lo = float(np.sum(np.asarray(fn(*[Tensor(b) for b in arrays])) * w))
            flat[i] = old
            gflat[i] = (hi - lo) / (2 * eps)
        out.append(g)
    return out


def check_grad(fn, *arrays, rtol=1e-5, atol=1e-7):
    """Asserts the tape's gradients of `fn` equal central differences."""
    grads, w = tape_grads(fn, *arrays)
    expected = numeric_grads(fn, arrays, w)
    for i, (g, e) in enumerate(zip(grads, expected)):
        assert g is not None, "no gradient reached input %d" % i
        np.testing.assert_allclose(np.asarray(g), e, rtol=rtol, atol=atol,
                                   err_msg="gradient of input %d" % i)
