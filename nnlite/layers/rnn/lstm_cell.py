"""LSTMCell: one step of a long short-term memory layer."""
from nnlite import activations, initializers, ops
from nnlite.layers.rnn.cell_base import RecurrentCell, ordered_config


class LSTMCell(RecurrentCell):
    """One step of `LSTM` (Hochreiter 1997), gates in Keras's order i, f, c, o:
    `z = x @ kernel + h_prev @ recurrent_kernel + bias`, then
    `c = f * c_prev + i * activation(z_c)` and `h = o * activation(c)` with
    `i, f, o = recurrent_activation(z_i, z_f, z_o)`.

    Args:
        units: Positive integer, the size of the state.
        activation: Defaults to `"tanh"`.
        recurrent_activation: Defaults to `"sigmoid"`.
        unit_forget_bias: Start the forget gate's bias at 1 (Jozefowicz 2015).
            Defaults to `True`.
        The other arguments as `SimpleRNNCell`.
    """

    gates = 4
    fused_kind = "lstm"

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid",
                 unit_forget_bias=True, **kwargs):
        super().__init__(units, activation=activation, **kwargs)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.unit_forget_bias = bool(unit_forget_bias)

    @property
    def state_size(self):
        return [self.units, self.units]

    def _bias_initializer(self):
        if not self.unit_forget_bias:
            return self.bias_initializer
        units, init = self.units, self.bias_initializer

        def forget_bias_one(shape, dtype=None):
            import numpy as np
            return np.concatenate([
                np.asarray(init((units,), dtype=dtype)),
                np.ones((units,), dtype=dtype or "float32"),
                np.asarray(init((2 * units,), dtype=dtype))]).astype(dtype or "float32")
        return forget_bias_one

    def call(self, inputs, states, training=False):
        h_tm1, c_tm1 = states[0], states[1]
        x, hs = self._gate_parts(inputs, h_tm1, training)
        z = x + self._recurrent(hs, (0, 1, 2, 3))
        if self.use_bias:
            z = z + self.bias
        z_i, z_f, z_c, z_o = ops.split(z, 4, axis=1)
        i = self.recurrent_activation(z_i)
        f = self.recurrent_activation(z_f)
        c = f * c_tm1 + i * self.activation(z_c)
        o = self.recurrent_activation(z_o)
        h = o * self.activation(c)
        return h, [h, c]

    def get_config(self):
        from nnlite.saving.serialization_lib import serialize_activation
        config = super().get_config()
        config["recurrent_activation"] = serialize_activation(self.recurrent_activation)
        config["unit_forget_bias"] = self.unit_forget_bias
        return ordered_config(config, ("units", "activation", "recurrent_activation",
                                       "use_bias", "unit_forget_bias"))

