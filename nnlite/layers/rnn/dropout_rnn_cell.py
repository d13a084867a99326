"""DropoutRNNCell: the dropout masks a recurrent cell keeps for a whole sequence."""
import numpy as np

from nnlite.backend.random import global_rng, make_rng


class DropoutRNNCell:
    """Mixin of the built-in cells: one dropout mask for the inputs and one
    for the recurrent state, drawn at the first step of a training call and
    kept for every step of the sequence (as Keras 3); the RNN layer resets
    them before each call."""

    def _mask_rng(self):
        if self.seed is None:
            return global_rng()
        if getattr(self, "_dropout_rng", None) is None:
            self._dropout_rng = make_rng(self.seed)
        return self._dropout_rng

    # masks per gate (a list of `dropout_mask_count` masks), as Keras's
    # LSTMCell and GRUCell draw them with recurrent dropout; None: one mask
    dropout_mask_count = None

    def _create_dropout_mask(self, like, rate):
        count = self.dropout_mask_count
        shape = tuple(like.shape)
        masks = [(self._mask_rng().random(shape) >= rate) / (1.0 - rate)
                 for _ in range(count or 1)]
        masks = [m.astype(like.dtype) for m in masks]
        return masks if count else masks[0]

    def get_dropout_mask(self, step_input):
        """The mask of the inputs, (batch, features): 0 or 1 / (1 - dropout)."""
        if getattr(self, "_dropout_mask", None) is None and self.dropout > 0:
            self._dropout_mask = self._create_dropout_mask(step_input, self.dropout)
        return getattr(self, "_dropout_mask", None)

    def get_recurrent_dropout_mask(self, step_input):
        """The mask of the previous state, (batch, units)."""
        if getattr(self, "_recurrent_dropout_mask", None) is None and self.recurrent_dropout > 0:
            self._recurrent_dropout_mask = self._create_dropout_mask(step_input,
                                                                     self.recurrent_dropout)
        return getattr(self, "_recurrent_dropout_mask", None)

    def reset_dropout_mask(self):
        self._dropout_mask = None

    def reset_recurrent_dropout_mask(self):
        self._recurrent_dropout_mask = None


def check_rate(name, value):
    """Keras clips the dropout rates into [0, 1]; a non-number is an error."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
            or value != value:
        raise ValueError("Invalid value received for argument `%s`. Expected a float between "
                         "0 and 1. Received: %s=%r" % (name, name, value))
    return min(1.0, max(0.0, float(value)))


def check_units(units):
    if isinstance(units, bool) or not isinstance(units, (int, np.integer)) or units <= 0:
        raise ValueError("Received an invalid value for argument `units`, expected a positive "
                         "integer, got %r." % (units,))
    return int(units)
