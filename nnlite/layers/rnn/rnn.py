"""RNN: a recurrent layer around a cell, as `keras.layers.RNN`."""
import numpy as np

from nnlite import ops
from nnlite.backend.tensor import Tensor
from nnlite.backend.variable import Variable
from nnlite.layers.layer import Layer
from nnlite.layers.rnn.dropout_rnn_cell import DropoutRNNCell
from nnlite.layers.rnn.stacked_rnn_cells import (StackedRNNCells, call_accepts_training,
                                                 cell_output_size)
from nnlite.ops.recurrent import rnn_sequence


class RNN(Layer):
    """Runs `cell` over the time axis of (batch, time, features) inputs.

    A built-in cell (SimpleRNNCell, LSTMCell, GRUCell with activations the
    C core has) runs the whole sequence in one fused C call each way; any
    other cell, a custom one written with ops included, runs step by step on
    the tape (slower, but it trains the same way).

    Args:
        cell: An RNN cell: a layer with `call(inputs, states)` returning
            `(output, new_states)` and a `state_size` (an int or a list), or
            a list of cells (run as one `StackedRNNCells`).
        return_sequences: Return every step's output (batch, time, units)
            instead of the last one. Defaults to `False`.
        return_state: Also return the last states, after the output.
            Defaults to `False`.
        go_backwards: Process the sequence from its end; the outputs come in
            processing order. Defaults to `False`.
        stateful: Keep the last states of a batch as the initial states of
            the next (fixed batch size; `reset_states()` zeroes them).
            Defaults to `False`.
        unroll: Accepted for Keras compatibility (no effect).
        zero_output_for_mask: Masked steps output zeros instead of repeating
            the previous output. Defaults to `False`.

    Call arguments: `inputs`, `initial_state` (a list of state tensors),
    `mask` (batch, time) of booleans, `training`.
    """

    supports_masking = True

    def __init__(self, cell, return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, unroll=False, zero_output_for_mask=False, **kwargs):
        if isinstance(cell, (list, tuple)):
            cell = StackedRNNCells(cell)
        if not callable(getattr(cell, "call", None)):
            raise ValueError("Argument `cell` should have a `call` method. Received: cell=%r"
                             % (cell,))
        state_size = getattr(cell, "state_size", None)
        if state_size is None:
            raise ValueError("The RNN cell should have a `state_size` attribute (single "
                             "integer or list of integers, one integer per RNN state). "
                             "Received: cell=%r" % (cell,))
        if not isinstance(state_size, (list, tuple, int, np.integer)):
            raise ValueError("state_size must be an integer, or a list/tuple of integers "
                             "(one for each state tensor).")
        super().__init__(**kwargs)
        self.cell = cell
        self.return_sequences = bool(return_sequences)
        self.return_state = bool(return_state)
        self.go_backwards = bool(go_backwards)
        self.stateful = bool(stateful)
        self.unroll = bool(unroll)
        self.zero_output_for_mask = bool(zero_output_for_mask)
        self.single_state = isinstance(state_size, (int, np.integer))
        # Keras's: one entry per state, or per cell of a stack (an int or a
        # list of ints); the states themselves are handled flat inside
        self.state_size = [int(state_size)] if self.single_state else \
            [_int_sizes(s) for s in state_size]
        self._flat_sizes = _flatten(self.state_size)
        self.states = None

    # -- shapes and masks ----------------------------------------------------
    def _output_size(self):
        return cell_output_size(self.cell)

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        batch, length = sequences_shape[0], sequences_shape[1]
        out = (batch, length, self._output_size()) if self.return_sequences else \
            (batch, self._output_size())
        if self.return_state:
            return (out,) + tuple([(batch, d) for d in s] if isinstance(s, list) else
                                  (batch, s) for s in self.state_size)
        return out

    def compute_mask(self, inputs, previous_mask=None):
        mask = previous_mask[0] if isinstance(previous_mask, (list, tuple)) else previous_mask
        out = mask if self.return_sequences else None
        if self.return_state:
            return [out] + [None] * len(self.state_size)
        return out

    def build(self, sequences_shape, initial_state_shape=None):
        sequences_shape = tuple(sequences_shape)
        if len(sequences_shape) < 3:
            raise ValueError('Input 0 of layer "%s" is incompatible with the layer: expected '
                             "ndim=3, found ndim=%d. Full shape received: %s"
                             % (self.name, len(sequences_shape), sequences_shape))
        if isinstance(self.cell, Layer) and not self.cell.built:
            self.cell.build((sequences_shape[0],) + sequences_shape[2:])
            self.cell.built = True
        if self.stateful and self.states is None and sequences_shape[0] is not None:
            self._create_states(sequences_shape[0])
        self.built = True

    def _create_states(self, batch):
        self.states = [Variable(np.asarray(s, dtype=self.dtype), trainable=False,
                                name="rnn_state")
                       for s in _flatten(self.get_initial_state(batch))]

    # -- states ----------------------------------------------------------------
    def get_initial_state(self, batch_size):
        fn = getattr(self.cell, "get_initial_state", None)
        if fn is not None:
            state = fn(batch_size=batch_size)
            return list(state) if isinstance(state, (list, tuple)) else [state]
        return self._nest([ops.zeros((batch_size, d), dtype=self.dtype)
                           for d in self._flat_sizes])

    def reset_state(self):
        if self.states is not None:
            for v in self.states:
                v.assign(np.zeros(v.shape, dtype=v.dtype))

    def reset_states(self):
        self.reset_state()

    # -- the call ---------------------------------------------------------------
    def call(self, sequences, initial_state=None, mask=None, training=False):
        batch = sequences.shape[0]
        if self.stateful and self.states is None:
            self._create_states(batch)    # the batch size of the first call
        if initial_state is None:
            initial_state = list(self.states) if self.stateful else None
        else:
            initial_state = _flatten(initial_state)
        if self.stateful and batch != self.states[0].shape[0]:
            raise ValueError("If an RNN is stateful, the batch size of the input sequences "
                             "must be the same as the batch size of the initial state.\n"
                             "- Expected batch size: %d\n- Received batch size: %d"
                             % (self.states[0].shape[0], batch))
        if initial_state is not None:
            if len(initial_state) != len(self._flat_sizes):
                raise ValueError("Layer %s expects %d initial state(s), but it received %d "
                                 "initial state tensor(s)." % (self.name, len(self._flat_sizes),
                                                               len(initial_state)))
            for s, size in zip(initial_state, self._flat_sizes):
                if tuple(s.shape) != (batch, size):
                    raise ValueError("An initial state of layer %s must have shape %s. "
                                     "Received: %s" % (self.name, (batch, size),
                                                       tuple(s.shape)))
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        if mask is not None:
            mask = np.asarray(ops.convert_to_numpy(mask)).astype(bool)
            if mask.shape != tuple(sequences.shape[:2]):
                raise ValueError("The mask of layer %s must have shape (batch, time) = %s. "
                                 "Received: %s" % (self.name, tuple(sequences.shape[:2]),
                                                   mask.shape))
        spec = self.cell.fused_spec() if hasattr(self.cell, "fused_spec") else None
        cell = self.cell
        try:
            if spec is not None and sequences.shape[1]:
                output, states = self._fused(spec, sequences, initial_state, mask, training)
            else:
                output, states = self._stepwise(sequences, initial_state, mask, training)
        finally:
            _reset_dropout_masks(cell)
        if self.stateful:
            for v, s in zip(self.states, states):
                v.assign(ops.convert_to_numpy(s))
        if self.return_state:
            return (output,) + tuple(self._nest(states))
        return output

    def _nest(self, flat):
        """Flat states in the structure of `state_size` (a list per stacked
        cell with several states), as the cell takes and returns them."""
        nested, i = [], 0
        for size in self.state_size:
            if isinstance(size, list):
                nested.append(list(flat[i:i + len(size)]))
                i += len(size)
            else:
                nested.append(flat[i])
                i += 1
        return nested

    def _fused(self, spec, x, initial_state, mask, training):
        """The whole sequence in one C call (the built-in cells). With masks
        per gate (`dropout_mask_count`), the input projection of every step
        is computed here, gate by gate as the cell's step does, and the C
        kernel takes it pre-projected with the (gates, batch, units)
        recurrent masks."""
        cell = self.cell
        per_gate = training and cell.dropout_mask_count is not None
        dm = rdmask = None
        if training and 0.0 < cell.dropout < 1.0:
            dm = cell.get_dropout_mask(x[:, 0])
        if training and 0.0 < cell.recurrent_dropout < 1.0:
            rdmask = cell.get_recurrent_dropout_mask(
                np.zeros((x.shape[0], cell.units), dtype=self.dtype))
            if per_gate:
                rdmask = np.stack(rdmask)
        kernel = cell.kernel
        if dm is not None and per_gate:
            x, kernel = _gate_projection(x, dm, kernel, cell.units), None
        elif dm is not None:
            x = x * ops.expand_dims(dm, 1)
        h0 = c0 = None
        if initial_state is not None:
            h0 = initial_state[0]
            c0 = initial_state[1] if len(initial_state) > 1 else None
        result = rnn_sequence(spec["cell"], x, kernel, cell.recurrent_kernel,
                              cell.bias if cell.use_bias else None, h0, c0, mask=mask,
                              recurrent_mask=rdmask, activation=spec["activation"],
                              recurrent_activation=spec["recurrent_activation"],
                              go_backwards=self.go_backwards,
                              reset_after=spec.get("reset_after", True),
                              zero_output_for_mask=self.zero_output_for_mask,
                              projected=kernel is None,
                              return_sequences=self.return_sequences)
        return result[0], list(result[1:])

    def _stepwise(self, x, initial_state, mask, training):
        """One cell call per step on the tape: any cell, Keras's semantics
        for masks (state kept, previous output repeated) and go_backwards."""
        cell = self.cell
        states = list(initial_state) if initial_state is not None else \
            _flatten(self.get_initial_state(x.shape[0]))
        steps = range(x.shape[1] - 1, -1, -1) if self.go_backwards else range(x.shape[1])
        kwargs = {"training": training} if call_accepts_training(cell) else {}
        outputs, prev = [], None
        for t in steps:
            out, new = cell(x[:, t], self._nest(states), **kwargs)
            new = _flatten(new)
            if mask is not None:
                keep = mask[:, t:t + 1]
                if prev is None:
                    prev = ops.zeros(tuple(out.shape), dtype=out.dtype)
                out = ops.where(keep, out, 0.0 if self.zero_output_for_mask else prev)
                new = [ops.where(keep, n, s) for n, s in zip(new, states)]
                prev = out
            states = new
            outputs.append(out)
        if not outputs:
            raise ValueError("Layer %s received a sequence with 0 time steps" % self.name)
        if self.return_sequences:
            return ops.stack(outputs, axis=1), states
        return outputs[-1], states

    # -- config ----------------------------------------------------------------
    def get_config(self):
        from nnlite.saving.serialization_lib import serialize_keras_object
        config = super().get_config()
        config.update({
            "return_sequences": self.return_sequences,
            "return_state": self.return_state,
            "go_backwards": self.go_backwards,
            "stateful": self.stateful,
            "unroll": self.unroll,
            "zero_output_for_mask": self.zero_output_for_mask,
            "cell": serialize_keras_object(self.cell),
        })
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from nnlite.saving.serialization_lib import deserialize_dtype, deserialize_keras_object
        config = dict(config)
        cell = deserialize_keras_object(config.pop("cell"), custom_objects=custom_objects)
        if "dtype" in config:
            config["dtype"] = deserialize_dtype(config["dtype"])
        return cls(cell, **config)


def _gate_projection(x, masks, kernel, units):
    """`concat((x * masks[g]) @ kernel_g for each gate g)` over all steps:
    (batch, time, gates * units) from x (batch, time, features), one input
    dropout mask (batch, features) and one GEMM per gate."""
    return ops.concatenate([ops.matmul(x * ops.expand_dims(m, 1),
                                       kernel[:, g * units:(g + 1) * units])
                            for g, m in enumerate(masks)], axis=2)


def _int_sizes(size):
    return [int(s) for s in size] if isinstance(size, (list, tuple)) else int(size)


def _flatten(states):
    if isinstance(states, (list, tuple)):
        return [s for entry in states for s in _flatten(entry)]
    return [states]


def _reset_dropout_masks(cell):
    """Forgets the dropout masks of a call: the cell's, or each stacked cell's."""
    if isinstance(cell, DropoutRNNCell):
        cell.reset_dropout_mask()
        cell.reset_recurrent_dropout_mask()
    for inner in getattr(cell, "cells", None) or ():
        _reset_dropout_masks(inner)
