"""The fused recurrent op: SimpleRNN, LSTM or GRU over a whole sequence in one C
call forward and one backward (through time), on the tape like any op.

`rnn_sequence` is what the built-in recurrent layers call; a custom cell runs
step by step through ordinary ops instead (`nnlite.layers.RNN`).
"""
import numpy as np

from nnlite import _core
from nnlite.backend.tensor import apply, takes_needs

CELLS = ("simple", "lstm", "gru")
# the activations the C kernel runs inside its gate pass
ACTIVATIONS = ("linear", "relu", "sigmoid", "tanh", "hard_sigmoid")


@takes_needs
def _rnn_op(x, kernel, recurrent_kernel, bias, h0, c0, cell, mask, recurrent_mask,
            activation, recurrent_activation, go_backwards, reset_after, zero_output_for_mask,
            projected, sequences, needs=(True,) * 6):
    opts = dict(activation=activation, recurrent_activation=recurrent_activation,
                go_backwards=go_backwards, reset_after=reset_after,
                zero_output_for_mask=zero_output_for_mask, projected=projected)
    keep = any(needs)
    if keep:
        y, hn, cn, run_backward = _core.rnn_forward_with_backward(
            cell, x, kernel, recurrent_kernel, bias, h0, c0, mask=mask,
            recurrent_mask=recurrent_mask, sequences=sequences, **opts)
    else:
        y, hn, cn, _ = _core.rnn_forward(cell, x, kernel, recurrent_kernel, bias, h0, c0,
                                         mask=mask, recurrent_mask=recurrent_mask, keep=False,
                                         sequences=sequences, **opts)
    if not sequences:   # no mask: the last output is the last state, as its own array
        y = hn.copy()
    outs = (y, hn) if cell != "lstm" else (y, hn, cn)
    if not keep:
        return outs, None

    def backward(dy, dhn, dcn=None):
        if not sequences:   # the last output's gradient joins the last state's
            dy, dhn = None, dy if dhn is None else (dhn if dy is None else dhn + dy)
        grads = run_backward(dy, dhn, dcn, bias is not None, h0 is not None, c0 is not None,
                             needs[0], needs[1] or needs[2])
        return tuple(g if need else None for g, need in zip(grads, needs))

    return outs, backward


def rnn_sequence(cell, x, kernel, recurrent_kernel, bias=None, h0=None, c0=None, mask=None,
                 recurrent_mask=None, activation="tanh", recurrent_activation="sigmoid",
                 go_backwards=False, reset_after=True, zero_output_for_mask=False,
                 projected=False, return_sequences=True):
    """`(outputs, h)` (SimpleRNN, GRU) or `(outputs, h, c)` (LSTM) of a whole
    sequence `x` (batch, time, features), outputs (batch, time, units) in
    processing order (Keras's `return_sequences`), h and c the last states.
    With `return_sequences=False`, `outputs` is only the last output (batch,
    units), and the sequence of outputs is never stored.

    Weights in Keras's layouts and gate orders (LSTM i f c o, GRU z r h; GRU
    bias (2, 3u) with `reset_after`). `mask` (batch, time) of booleans: a
    masked step keeps the state and repeats the previous output (zeros
    before the first real step, or always zeros with `zero_output_for_mask`).
    `recurrent_mask` (batch, units), or one per gate (gates, batch, units):
    the recurrent dropout mask applied to the state entering every step.
    `projected=True`: `x` already is the input projection `x @ kernel`
    (batch, time, gates * units) and `kernel` is None; the bias is still
    added. Differentiable in x (or the projection), the weights and the
    initial states.
    """
    if cell not in CELLS:
        raise ValueError("rnn_sequence: unknown cell %r. Known: %s" % (cell, ", ".join(CELLS)))
    for name, act in (("activation", activation), ("recurrent_activation",
                                                    recurrent_activation)):
        if act not in ACTIVATIONS:
            raise ValueError("rnn_sequence: %s must be one of %s. Received: %r"
                             % (name, ", ".join(ACTIVATIONS), act))
    if mask is not None:
        mask = np.asarray(mask)
        if mask.dtype != np.bool_:
            mask = mask.astype(bool)
    # with a mask the last output may differ from the last state (a masked
    # step repeats the previous output): then the outputs are kept and sliced
    sequences = bool(return_sequences) or mask is not None
    result = apply("rnn_" + cell, _rnn_op, (x, kernel, recurrent_kernel, bias, h0, c0), cell,
                   mask, recurrent_mask, activation, recurrent_activation, bool(go_backwards),
                   bool(reset_after), bool(zero_output_for_mask), bool(projected), sequences,
                   none_grads=True)
    if sequences and not return_sequences:
        return (result[0][:, -1],) + tuple(result[1:])
    return result
