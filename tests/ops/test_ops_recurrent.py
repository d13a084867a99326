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
