"""nnlite.ops.recurrent.rnn_sequence on the tape: the pre-projected input
(`projected=True`) with recurrent masks per gate, forward against the NumPy
float64 step-by-step reference and backward against finite differences."""
import numpy as np
import pytest

from nnlite.ops.recurrent import rnn_sequence
from op_gradcheck import check_grad
from test_core_rnn import ref_rnn

RNG = np.random.default_rng(11)
CELLS = [("lstm", 4, True), ("gru", 3, True), ("gru", 3, False)]
IDS = ["lstm", "gru_reset_after", "gru_reset_before"]


def _case(gates, reset_after, b=2, t=3, u=2):
    n = gates * u
    proj = RNG.normal(size=(b, t, n))
    rec = RNG.normal(size=(u, n)) * 0.5
    bias = RNG.normal(size=(2, n) if gates == 3 and reset_after else (n,)) * 0.1
    masks = (RNG.random((gates, b, u)) >= 0.4) / 0.6
    return proj, rec, bias, masks


@pytest.mark.parametrize("cell, gates, reset_after", CELLS, ids=IDS)
def test_projected_sequence_with_gate_masks_matches_numpy(cell, gates, reset_after):
    proj, rec, bias, masks = _case(gates, reset_after)
    y = rnn_sequence(cell, proj, None, rec, bias, recurrent_mask=masks,
                     reset_after=reset_after, projected=True)[0]
    want = ref_rnn(cell, proj, None, rec, bias, recurrent_mask=masks, reset_after=reset_after,
                   projected=True)[0]
    np.testing.assert_allclose(np.asarray(y), want, rtol=1e-12, atol=1e-13)


@pytest.mark.parametrize("cell, gates, reset_after", CELLS, ids=IDS)
def test_projected_sequence_gradients_match_finite_differences(cell, gates, reset_after):
    proj, rec, bias, masks = _case(gates, reset_after)
    check_grad(lambda p, r, b: rnn_sequence(cell, p, None, r, b, recurrent_mask=masks,
                                            reset_after=reset_after, projected=True)[0],
               proj, rec, bias, rtol=1e-6, atol=1e-8)


# -- an embedding lookup feeding the sequence: the projection per distinct id --

EMBEDDED = [("lstm", 4, True), ("gru", 3, True), ("gru", 3, False), ("simple", 1, True)]
EMBEDDED_IDS = ["lstm", "gru_reset_after", "gru_reset_before", "simple"]


def _embedded_case(gates, reset_after, distinct=False, v=5, e=3, b=2, t=4, u=2):
    rng = np.random.default_rng(23)
    n = gates * u
    table = rng.normal(size=(v, e))
    kernel = rng.normal(size=(e, n)) * 0.7
    rec = rng.normal(size=(u, n)) * 0.5
    bias = rng.normal(size=(2, n) if gates == 3 and reset_after else (n,)) * 0.1
    ids = rng.permutation(v * 4)[:b * t].reshape(b, t) % (v * 4) if distinct else \
        rng.integers(0, v, (b, t))
    if distinct:
        table = rng.normal(size=(v * 4, e))
    return table, kernel, rec, bias, ids


def _embedded_tape(cell, table, kernel, rec, bias, ids, w, variables_only=True, **kw):
    from nnlite import ops
    from nnlite.backend.tape import Tape
    from nnlite.backend.variable import Variable
    from nnlite.ops.embedding import embedding_lookup
    weights = [Variable(a) for a in (table, kernel, rec, bias)]
    with Tape(variables_only=variables_only) as tape:
        x = embedding_lookup(weights[0], ids)
        y = rnn_sequence(cell, x, *weights[1:], **kw)[0]
        loss = ops.sum(y * w)
    names = [r.name for r in tape.records]
    return tape, loss, weights, x, names


def _reference_loss(cell, w, ids, kw):
    return lambda table, kernel, rec, bias: float(np.sum(
        ref_rnn(cell, table[ids], kernel, rec, bias, **kw)[0] * w))


def _central_differences(fn, arrays, eps=1e-6):
    grads = []
    for i, a in enumerate(arrays):
        g = np.zeros_like(a)
        for j in np.ndindex(a.shape):
            old = a[j]
            a[j] = old + eps
            hi = fn(*arrays)
            a[j] = old - eps
            lo = fn(*arrays)
            a[j] = old
            g[j] = (hi - lo) / (2 * eps)
        grads.append(g)
    return grads


@pytest.mark.parametrize("variant", [{}, {"mask": True, "go_backwards": True}, {"distinct": True}],
                         ids=["plain", "mask_go_backwards", "all_distinct"])
@pytest.mark.parametrize("cell, gates, reset_after", EMBEDDED, ids=EMBEDDED_IDS)
def test_embedded_sequence_gradients_match_finite_differences(cell, gates, reset_after,
                                                              variant):
    variant = dict(variant)
    table, kernel, rec, bias, ids = _embedded_case(gates, reset_after,
                                                   variant.pop("distinct", False))
    kw = dict(reset_after=reset_after, **variant)
    if kw.pop("mask", False):
        kw["mask"] = np.array([[1, 1, 0, 1], [0, 0, 0, 0]], dtype=bool)   # a fully masked row
    w = np.random.default_rng(1).normal(size=ids.shape + (rec.shape[0],))
    tape, loss, weights, _, names = _embedded_tape(cell, table, kernel, rec, bias, ids, w, **kw)
    assert "embedded_rnn_" + cell in names
    grads = tape.gradient(loss, weights)
    want = _central_differences(_reference_loss(cell, w, ids, kw),
                                [a.copy() for a in (table, kernel, rec, bias)])
    for name, g, e in zip(("table", "kernel", "recurrent_kernel", "bias"), grads, want):
        np.testing.assert_allclose(g, e, rtol=1e-5, atol=1e-7, err_msg=name)


@pytest.mark.parametrize("cell, gates, reset_after", EMBEDDED, ids=EMBEDDED_IDS)
def test_embedded_sequence_outside_a_tape_matches_numpy(cell, gates, reset_after):
    from nnlite.ops.embedding import embedding_lookup
    table, kernel, rec, bias, ids = _embedded_case(gates, reset_after)
    y, h = rnn_sequence(cell, embedding_lookup(table, ids), kernel, rec, bias,
                        reset_after=reset_after)[:2]
    y_ref, h_ref = ref_rnn(cell, table[ids], kernel, rec, bias, reset_after=reset_after)[:2]
    np.testing.assert_allclose(np.asarray(y), y_ref, rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(np.asarray(h), h_ref, rtol=1e-12, atol=1e-13)


def test_an_ordinary_tape_keeps_the_gradient_of_the_lookup_output():
    table, kernel, rec, bias, ids = _embedded_case(4, True)
    w = np.random.default_rng(1).normal(size=ids.shape + (2,))
    tape, loss, weights, x, names = _embedded_tape("lstm", table, kernel, rec, bias, ids, w,
                                                   variables_only=False)
    assert "rnn_lstm" in names and "embedded_rnn_lstm" not in names
    dx = tape.gradient(loss, x)
    want = _central_differences(
        lambda xs: float(np.sum(ref_rnn("lstm", xs, kernel, rec, bias)[0] * w)),
        [table[ids]])[0]
    np.testing.assert_allclose(dx, want, rtol=1e-6, atol=1e-8)
