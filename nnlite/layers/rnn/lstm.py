"""LSTM: the long short-term memory layer."""
from nnlite.layers.rnn.builtin_rnn import BuiltinRNN
from nnlite.layers.rnn.lstm_cell import LSTMCell


class LSTM(BuiltinRNN):
    """Long Short-Term Memory layer (Hochreiter 1997), Keras's gate order
    i, f, c, o; kernel (features, 4 * units), recurrent kernel (units,
    4 * units), bias (4 * units,). The whole sequence runs in one C call
    forward and one backward.

    Arguments as `LSTMCell` (units, activation, recurrent_activation,
    use_bias, the initializers, unit_forget_bias, regularizers, constraints,
    dropout, recurrent_dropout, seed), `activity_regularizer`, and as `RNN`
    (return_sequences, return_state, go_backwards, stateful, unroll);
    `use_cudnn` is accepted (no GPU here). `return_state=True` returns
    `[output, h, c]`.

    Example:

    >>> out, h, c = LSTM(4, return_state=True)(np.zeros((2, 10, 8), "float32"))
    >>> out.shape, h.shape, c.shape
    ((2, 4), (2, 4), (2, 4))
    """

    cell_class = LSTMCell

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", unit_forget_bias=True, kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None,
                 dropout=0.0, recurrent_dropout=0.0, seed=None, return_sequences=False,
                 return_state=False, go_backwards=False, stateful=False, unroll=False,
                 use_cudnn="auto", **kwargs):
        super().__init__(units, dict(
            activation=activation, recurrent_activation=recurrent_activation,
            use_bias=use_bias, kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
            unit_forget_bias=unit_forget_bias, kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer, bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint, recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint, dropout=dropout,
            recurrent_dropout=recurrent_dropout, seed=seed),
            return_sequences=return_sequences, return_state=return_state,
            go_backwards=go_backwards, stateful=stateful, unroll=unroll,
            activity_regularizer=activity_regularizer, use_cudnn=use_cudnn, **kwargs)
