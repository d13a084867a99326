"""The fused recurrent op: SimpleRNN, LSTM or GRU over a whole sequence in one C
call forward and one backward (through time), on the tape like any op.

`rnn_sequence` is what the built-in recurrent layers call; a custom cell runs
step by step through ordinary ops instead (`nnlite.layers.RNN`).

When the input sequence is an embedding lookup (`Embedding` -> `LSTM` in
`fit` or `predict`), the input projection is a function of the token alone:
it is computed once per distinct token of the batch (`x W` on those rows,
gathered per position) and its gradient reaches the embedding table
directly, summed per distinct token before the two weight GEMMs. IMDB-shaped
batches (128 x 200 tokens of a 10,000-word vocabulary) hold about 9,200
distinct tokens, so the three input-side GEMMs shrink 2.8 times.
"""
import numpy as np

from nnlite import _core
from nnlite.backend.tensor import apply, takes_needs, unwrap
from nnlite.ops.embedding import lookup_source

CELLS = ("simple", "lstm", "gru")
# the activations the C kernel runs inside its gate pass
ACTIVATIONS = ("linear", "relu", "sigmoid", "tanh", "hard_sigmoid")


@takes_needs
def _rnn_op(x, kernel, recurrent_kernel, bias, h0, c0, cell, mask, recurrent_mask,
            activation, recurrent_activation, go_backwards, reset_after, zero_output_for_mask,
            projected, sequences, rows=None, needs=(True,) * 6):
    opts = dict(activation=activation, recurrent_activation=recurrent_activation,
                go_backwards=go_backwards, reset_after=reset_after,
                zero_output_for_mask=zero_output_for_mask, projected=projected, rows=rows)
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


@takes_needs
def _embedded_rnn_op(table, kernel, recurrent_kernel, bias, h0, c0, x, ids, cell, mask,
                     recurrent_mask, activation, recurrent_activation, go_backwards,
                     reset_after, zero_output_for_mask, sequences, needs=(True,) * 6):
    """`_rnn_op` on x = table[ids], differentiable in the table rather than x:
    the projection x W is computed on one row of x per distinct id."""
    b, t, e = x.shape
    rows_all = x.reshape(b * t, e)
    uniq, first, inv = _core.unique_ids(ids, table.shape[0])
    if 4 * len(uniq) <= 3 * b * t:      # repeated ids: project each one once
        rows = _core.embedding_forward(rows_all, first)
        z = _project(rows, kernel)      # the kernel reads position (b, t) at row inv[b, t]
    else:                               # (nearly) all distinct: project every row
        rows, inv = rows_all, None
        z = _project(rows_all, kernel).reshape(b, t, -1)
    inner = (needs[0] or needs[1], False) + tuple(needs[2:])
    outs, inner_backward = _rnn_op(z, None, recurrent_kernel, bias, h0, c0, cell, mask,
                                   recurrent_mask, activation, recurrent_activation,
                                   go_backwards, reset_after, zero_output_for_mask, True,
                                   sequences, rows=inv, needs=inner)
    if inner_backward is None:
        return outs, None

    def backward(*dys):
        grads = inner_backward(*dys)
        dz, dtable, dkernel = grads[0], None, None
        if dz is not None:
            g = dz.reshape(b * t, -1) if inv is None else \
                _core.embedding_backward(inv, dz, len(uniq))
            if needs[1]:
                dkernel = _core.gemm(rows, g, trans_a=True)
            if needs[0]:
                drows = _core.gemm(g, kernel, _core.reusable_empty((len(g), e), g.dtype),
                                   trans_b=True)
                dtable = _core.embedding_backward(ids.reshape(-1) if inv is None else uniq, drows,
                                                  table.shape[0])
        return (dtable, dkernel) + tuple(grads[2:])

    return outs, backward


def _project(rows, kernel):
    # a batch-sized product, written into a reused buffer (no fresh pages)
    return _core.gemm(rows, kernel, _core.reusable_empty((len(rows), kernel.shape[1]),
                                                          rows.dtype))


def _embedded_source(x, kernel, projected):
    """lookup_source(x) when the fused embedding path applies to this call."""
    if projected or kernel is None:
        return None
    source = lookup_source(x)
    if source is None:
        return None
    table, ids = source
    value, k = unwrap(x), unwrap(kernel)
    if value.ndim != 3 or ids.shape != value.shape[:2] or getattr(k, "ndim", 0) != 2 \
            or k.shape[0] != value.shape[2] or k.dtype != value.dtype \
            or unwrap(table).dtype != value.dtype:
        return None
    return source


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
    flags = (bool(go_backwards), bool(reset_after), bool(zero_output_for_mask))
    source = _embedded_source(x, kernel, projected)
    if source is not None:     # x = table[ids]: the gradient goes to the table
        result = apply("embedded_rnn_" + cell, _embedded_rnn_op,
                       (source[0], kernel, recurrent_kernel, bias, h0, c0), unwrap(x), source[1],
                       cell, mask, recurrent_mask, activation, recurrent_activation, *flags,
                       sequences, none_grads=True)
    else:
        result = apply("rnn_" + cell, _rnn_op, (x, kernel, recurrent_kernel, bias, h0, c0),
                       cell, mask, recurrent_mask, activation, recurrent_activation, *flags,
                       bool(projected), sequences, none_grads=True)
    if sequences and not return_sequences:
        return (result[0][:, -1],) + tuple(result[1:])
    return result
