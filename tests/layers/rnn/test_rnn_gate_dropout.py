"""LSTM and GRU trained with recurrent_dropout (one mask per gate, as the cells
draw them) on the fused C kernel: the input projection of every gate with its
own input mask, the (gates, batch, units) recurrent masks; against a NumPy
float64 step-by-step reference, the step-by-step path and finite differences."""
import numpy as np
import pytest

from nnlite.backend.tape import Tape
from nnlite.backend.tensor import Tensor
from nnlite.layers import GRU, LSTM
from nnlite.layers.rnn import rnn as rnn_module
from nnlite.layers.rnn.cell_base import RecurrentCell
from layer_gradcheck import check_layer
from test_core_rnn import ref_rnn

RNG = np.random.default_rng(7)
X = RNG.normal(size=(5, 6, 3)).astype("float32")
LAYERS = [pytest.param(LSTM, {}, id="lstm"), pytest.param(GRU, {}, id="gru_reset_after"),
          pytest.param(GRU, {"reset_after": False}, id="gru_reset_before")]
RATES = [pytest.param(0.3, 0.4, id="dropout_and_recurrent"),
         pytest.param(0.0, 0.4, id="recurrent_only")]


def _recorded_masks(layer):
    """Wraps the cell's mask getters so the masks of the next call can be read."""
    seen = {}
    cell = layer.cell
    for kind in ("get_dropout_mask", "get_recurrent_dropout_mask"):
        orig = getattr(cell, kind)

        def get(step, orig=orig, kind=kind):
            seen[kind] = orig(step)
            return seen[kind]
        setattr(cell, kind, get)
    return seen


def _fixed_masks(layer, dm, rm):
    layer.cell.get_dropout_mask = lambda step: dm
    layer.cell.get_recurrent_dropout_mask = lambda step: rm


def _numpy_reference(cls, kw, x, weights, dm, rm):
    kernel, rec, bias = [w.astype(np.float64) for w in weights]
    u = rec.shape[0]
    gates = rec.shape[1] // u
    x = x.astype(np.float64)
    dm = [np.ones((x.shape[0], x.shape[2]))] * gates if dm is None else dm
    proj = np.concatenate([(x * m[:, None, :]) @ kernel[:, g * u:(g + 1) * u]
                           for g, m in enumerate(dm)], axis=2)
    cell = "lstm" if cls is LSTM else "gru"
    y, _, _ = ref_rnn(cell, proj, None, rec, bias, recurrent_mask=np.stack(rm).astype(np.float64),
                      reset_after=kw.get("reset_after", True), projected=True)
    return y


@pytest.mark.parametrize("dropout, recurrent_dropout", RATES)
@pytest.mark.parametrize("cls, kw", LAYERS)
def test_gate_dropout_training_call_matches_numpy(cls, kw, dropout, recurrent_dropout):
    layer = cls(4, dropout=dropout, recurrent_dropout=recurrent_dropout, seed=1,
                return_sequences=True, **kw)
    layer.build(X.shape)
    seen = _recorded_masks(layer)
    y = np.asarray(layer(X, training=True))
    want = _numpy_reference(cls, kw, X, layer.get_weights(), seen.get("get_dropout_mask"),
                            seen["get_recurrent_dropout_mask"])
    np.testing.assert_allclose(y, want, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("cls, kw", LAYERS)
def test_gate_dropout_training_runs_the_fused_kernel(cls, kw, monkeypatch):
    calls = []
    fused = rnn_module.rnn_sequence
    monkeypatch.setattr(rnn_module, "rnn_sequence", lambda *a, **k: calls.append(1) or
                        fused(*a, **k))
    layer = cls(4, dropout=0.2, recurrent_dropout=0.3, **kw)
    layer(X, training=True)
    assert calls == [1]


def _call_with_gradients(layer, x, seed):
    xt = Tensor(x.copy())
    with Tape() as tape:
        tape.watch(xt)
        y = layer(xt, training=True)
    grads = tape.gradient(y, [xt] + layer.trainable_weights, output_gradients=seed)
    return np.asarray(y), [np.asarray(g) for g in grads]


@pytest.mark.parametrize("dropout, recurrent_dropout", RATES)
@pytest.mark.parametrize("cls, kw", LAYERS)
def test_gate_dropout_fused_equals_stepwise(cls, kw, dropout, recurrent_dropout,
                                                        monkeypatch):
    make = lambda: cls(4, dropout=dropout, recurrent_dropout=recurrent_dropout,  # noqa: E731
                       seed=3, return_sequences=True, **kw)
    fused, stepwise = make(), make()
    fused.build(X.shape)
    stepwise.build(X.shape)
    stepwise.set_weights(fused.get_weights())
    seed = RNG.normal(size=(5, 6, 4)).astype("float32")
    y_fused, g_fused = _call_with_gradients(fused, X, seed)
    monkeypatch.setattr(RecurrentCell, "fused_spec", lambda self: None)
    y_step, g_step = _call_with_gradients(stepwise, X, seed)
    # the same sums in another order (bias added first, one GEMM over all
    # steps): equal to float32 rounding, not bit for bit
    np.testing.assert_allclose(y_fused, y_step, rtol=1e-5, atol=1e-6)
    for a, b in zip(g_fused, g_step):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("cls, kw", LAYERS)
def test_gate_dropout_gradients_match_finite_differences(cls, kw):
    layer = cls(3, dropout=0.3, recurrent_dropout=0.4, return_sequences=True, dtype="float64",
                **kw)
    x = RNG.normal(size=(2, 4, 3))
    layer.build(x.shape)
    gates = layer.cell.gates
    keep = lambda shape: (RNG.random(shape) >= 0.35) / 0.65  # noqa: E731
    _fixed_masks(layer, [keep((2, 3)) for _ in range(gates)],
                 [keep((2, 3)) for _ in range(gates)])
    check_layer(layer, x, rtol=1e-6, atol=1e-8)
