"""GRU: the gated recurrent unit layer."""
from nnlite.layers.rnn.builtin_rnn import BuiltinRNN
from nnlite.layers.rnn.gru_cell import GRUCell


class GRU(BuiltinRNN):
    """Gated Recurrent Unit (Cho 2014), Keras's gate order z, r, h; kernel
    (features, 3 * units), recurrent kernel (units, 3 * units), bias
    (2, 3 * units) with `reset_after=True` (the default), else (3 * units,).
    The whole sequence runs in one C call forward and one backward.

    Arguments as `GRUCell` (units, activation, recurrent_activation,
    use_bias, the initializers, regularizers, constraints, dropout,
    recurrent_dropout, reset_after, seed), `activity_regularizer`, and as
    `RNN` (return_sequences, return_state, go_backwards, stateful, unroll);
    `use_cudnn` is accepted (no GPU here).

    Example:

    >>> GRU(4)(np.zeros((2, 10, 8), "float32")).shape
    (2, 4)
    """

    cell_class = GRUCell

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, unroll=False, reset_after=True,
                 use_cudnn="auto", **kwargs):
        super().__init__(units, dict(
            activation=activation, recurrent_activation=recurrent_activation,
            use_bias=use_bias, kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint,
            dropout=dropout, recurrent_dropout=recurrent_dropout, reset_after=reset_after,
            seed=seed),
            return_sequences=return_sequences, return_state=return_state,
            go_backwards=go_backwards, stateful=stateful, unroll=unroll,
            activity_regularizer=activity_regularizer, use_cudnn=use_cudnn, **kwargs)
