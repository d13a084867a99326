"""SimpleRNNCell: one step of a fully connected recurrent layer."""
from nnlite import ops
from nnlite.layers.rnn.cell_base import RecurrentCell


class SimpleRNNCell(RecurrentCell):
    """One step of `SimpleRNN`: `h = activation(x @ kernel + h_prev @ recurrent_kernel + bias)`.

    Args:
        units: Positive integer, the size of the state.
        activation: Defaults to `"tanh"`.
        use_bias: Defaults to `True`.
        kernel_initializer, recurrent_initializer, bias_initializer: Default to
            `"glorot_uniform"`, `"orthogonal"` and `"zeros"`.
        kernel_regularizer, recurrent_regularizer, bias_regularizer,
        kernel_constraint, recurrent_constraint, bias_constraint: Defaults to `None`.
        dropout, recurrent_dropout: Fractions of the inputs and of the state
            dropped in training (one mask for the whole sequence). Defaults to `0`.
        seed: Seed of the dropout masks.
    """

    gates = 1
    fused_kind = "simple"

    def call(self, inputs, states, training=False):
        h_tm1 = states[0] if isinstance(states, (list, tuple)) else states
        inputs, h_tm1 = self._dropped(inputs, h_tm1, training)
        h = ops.matmul(inputs, self.kernel)
        if self.use_bias:
            h = h + self.bias
        output = self.activation(h + ops.matmul(h_tm1, self.recurrent_kernel))
        return output, [output] if isinstance(states, (list, tuple)) else output
