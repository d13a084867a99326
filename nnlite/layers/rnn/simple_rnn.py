"""SimpleRNN: a fully connected recurrent layer."""
from nnlite.layers.rnn.builtin_rnn import BuiltinRNN
from nnlite.layers.rnn.simple_rnn_cell import SimpleRNNCell


class SimpleRNN(BuiltinRNN):
    """Fully connected RNN whose output is fed back as the next step's state:
    `h_t = activation(x_t @ kernel + h_{t-1} @ recurrent_kernel + bias)`.

    Arguments as `SimpleRNNCell` (units, activation, use_bias, the
    initializers, regularizers and constraints, dropout, recurrent_dropout,
    seed), `activity_regularizer`, and as `RNN` (return_sequences,
    return_state, go_backwards, stateful, unroll).

    Example:

    >>> layer = SimpleRNN(4, return_sequences=True)
    >>> layer(np.zeros((2, 10, 8), "float32")).shape
    (2, 10, 4)
    """

    cell_class = SimpleRNNCell

    def __init__(self, units, activation="tanh", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, unroll=False, seed=None, **kwargs):
        super().__init__(units, dict(
            activation=activation, use_bias=use_bias, kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint,
            dropout=dropout, recurrent_dropout=recurrent_dropout, seed=seed),
            return_sequences=return_sequences, return_state=return_state,
            go_backwards=go_backwards, stateful=stateful, unroll=unroll,
            activity_regularizer=activity_regularizer, **kwargs)

    def get_config(self):
        config = super().get_config()
        del config["seed"]      # Keras's SimpleRNN does not save its seed
        return config
