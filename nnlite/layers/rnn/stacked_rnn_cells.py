"""StackedRNNCells: a stack of recurrent cells that behaves as one cell."""
import inspect

from nnlite import ops
from nnlite.layers.layer import Layer


class StackedRNNCells(Layer):
    """Runs several RNN cells one after the other within each time step: cell
    k's output is cell k+1's input, and the last cell's output is the step's.
    `RNN([cell_1, cell_2])` wraps the list in one of these.

    The states are one entry per cell, in the cells' order: that cell's state
    (a tensor) or its list of states (`[h, c]` of an LSTMCell), so
    `state_size` is e.g. `[[8, 8], [4, 4]]` for two LSTMCells and
    `output_size` is the last cell's. The stack runs step by step (the
    cells' `call`s on the tape).

    Args:
        cells: List of RNN cell instances.

    Example:

    >>> cells = [LSTMCell(8), LSTMCell(4)]
    >>> RNN(StackedRNNCells(cells))(np.zeros((2, 5, 3), "float32")).shape
    (2, 4)
    """

    def __init__(self, cells, **kwargs):
        super().__init__(**kwargs)
        for cell in cells:
            if not callable(getattr(cell, "call", None)):
                raise ValueError("All cells must have a `call` method. Received cell without "
                                 "a `call` method: %r" % (cell,))
            if getattr(cell, "state_size", None) is None:
                raise ValueError("All cells must have a `state_size` attribute. Received "
                                 "cell without a `state_size`: %r" % (cell,))
        self.cells = list(cells)

    @property
    def state_size(self):
        return [cell.state_size for cell in self.cells]

    @property
    def output_size(self):
        return cell_output_size(self.cells[-1])

    def get_initial_state(self, batch_size=None):
        states = []
        for cell in self.cells:
            fn = getattr(cell, "get_initial_state", None)
            if fn is not None:
                states.append(fn(batch_size=batch_size))
            elif isinstance(cell.state_size, (list, tuple)):
                states.append([ops.zeros((batch_size, d), dtype=self.dtype)
                               for d in cell.state_size])
            else:
                states.append(ops.zeros((batch_size, cell.state_size), dtype=self.dtype))
        return states

    def build(self, input_shape):
        shape = tuple(input_shape)
        for cell in self.cells:
            if isinstance(cell, Layer) and not cell.built:
                cell.build(shape)
                cell.built = True
            shape = (shape[0], cell_output_size(cell))
        self.built = True

    def call(self, inputs, states, training=False):
        new_states = []
        for cell, cell_states in zip(self.cells, states):
            nested = isinstance(cell_states, (list, tuple))
            kwargs = {"training": training} if call_accepts_training(cell) else {}
            step = cell if callable(cell) else cell.call
            inputs, out_states = step(inputs, list(cell_states) if nested else [cell_states],
                                      **kwargs)
            if not isinstance(out_states, (list, tuple)):
                out_states = [out_states]
            new_states.append(list(out_states) if nested or len(out_states) != 1
                              else out_states[0])
        return inputs, new_states

    def get_config(self):
        from nnlite.saving.serialization_lib import serialize_keras_object
        config = super().get_config()
        config["cells"] = [serialize_keras_object(cell) for cell in self.cells]
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from nnlite.saving.serialization_lib import deserialize_dtype, deserialize_keras_object
        config = dict(config)
        cells = [deserialize_keras_object(c, custom_objects=custom_objects)
                 for c in config.pop("cells")]
        if "dtype" in config:
            config["dtype"] = deserialize_dtype(config["dtype"])
        return cls(cells, **config)


def cell_output_size(cell):
    """A cell's `output_size`, else its (first) state size, as Keras reads it."""
    size = getattr(cell, "output_size", None)
    if size is not None:
        return int(size)
    state = cell.state_size
    return int(state[0] if isinstance(state, (list, tuple)) else state)


def call_accepts_training(cell):
    """Whether `cell.call` takes a `training` argument (then it is passed)."""
    try:
        return "training" in inspect.signature(cell.call).parameters
    except (TypeError, ValueError):
        return False
