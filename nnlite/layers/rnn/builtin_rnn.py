"""The layer side shared by SimpleRNN, LSTM and GRU: an RNN around its own
built-in cell, whose arguments the layer exposes and saves flat, as Keras."""
from nnlite import regularizers
from nnlite.layers.rnn.rnn import RNN

_RNN_KEYS = ("return_sequences", "return_state", "go_backwards", "stateful", "unroll",
             "zero_output_for_mask")


class BuiltinRNN(RNN):
    """An RNN whose cell it builds from its own arguments (`cell_class`)."""

    cell_class = None

    def __init__(self, units, cell_kwargs, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, unroll=False, activity_regularizer=None,
                 use_cudnn="auto", **kwargs):
        if use_cudnn not in ("auto", True, False):
            raise ValueError("Invalid value received for argument `use_cudnn`. Expected one "
                             "of {'auto', True, False}. Received: use_cudnn=%r" % (use_cudnn,))
        cell = self.cell_class(units, dtype=kwargs.get("dtype"),
                               trainable=kwargs.get("trainable", True),
                               name=self.cell_class.__name__.replace("RNNCell", "_rnn_cell")
                               .replace("Cell", "_cell").lower(), **cell_kwargs)
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful, unroll=unroll,
                         activity_regularizer=regularizers.get(activity_regularizer), **kwargs)
        self.use_cudnn = use_cudnn

    def __getattr__(self, name):
        # the cell's arguments read as the layer's (units, activation, ...)
        if name in _CELL_ATTRS:
            return getattr(self.__dict__["cell"], name)
        raise AttributeError("%r object has no attribute %r" % (type(self).__name__, name))

    def get_config(self):
        config = super().get_config()
        del config["cell"]
        cell = self.cell.get_config()
        for key in ("name", "trainable", "dtype"):
            cell.pop(key, None)
        seed = cell.pop("seed", None)
        tail = {k: cell.pop(k) for k in ("dropout", "recurrent_dropout", "reset_after")
                if k in cell}
        config.update(cell)
        config["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        # Keras's order: the penalties and constraints, then the dropout rates
        for key in ("kernel_constraint", "recurrent_constraint", "bias_constraint"):
            config[key] = config.pop(key)
        config.update(tail)
        config["seed"] = seed
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from nnlite.saving.serialization_lib import deserialize_dtype
        config = dict(config)
        if "dtype" in config:
            config["dtype"] = deserialize_dtype(config["dtype"])
        if config.pop("time_major", False):
            # a silent drop would read (time, batch, ...) inputs as (batch, time, ...)
            raise NotImplementedError("%s: time_major=True (inputs shaped (time, batch, ...)) "
                                      "is not supported by nnlite" % cls.__name__)
        config.pop("implementation", None)
        return cls(**config)


_CELL_ATTRS = frozenset((
    "units", "activation", "recurrent_activation", "use_bias", "kernel_initializer",
    "recurrent_initializer", "bias_initializer", "unit_forget_bias", "kernel_regularizer",
    "recurrent_regularizer", "bias_regularizer", "kernel_constraint", "recurrent_constraint",
    "bias_constraint", "dropout", "recurrent_dropout", "reset_after", "seed"))
