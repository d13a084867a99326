"""Bidirectional: a recurrent layer run forward and backward, outputs merged."""
from nnlite import ops
from nnlite.layers.layer import Layer
from nnlite.layers.wrapper import Wrapper

MERGE_MODES = ("sum", "mul", "ave", "concat", None)


def _renamed(layer, prefix, **changes):
    """A new layer from `layer`'s config, named `prefix + name` (no state carried over)."""
    from nnlite.saving.serialization_lib import deserialize_keras_object, serialize_keras_object
    config = serialize_keras_object(layer)
    name = layer.name[len(prefix):] if layer.name.startswith(prefix) else layer.name
    config["config"]["name"] = prefix + name
    config["config"].update(changes)
    config.pop("build_config", None)
    return deserialize_keras_object(config)


class Bidirectional(Wrapper):
    """Runs a recurrent layer over the sequence forward and a copy of it
    backward (`go_backwards=True`), and merges the two outputs.

    The forward layer is a fresh layer from `layer`'s config (named
    `forward_<name>`), the backward one another (`backward_<name>`) unless
    `backward_layer` is given. With `return_sequences` the backward outputs
    are flipped back into time order before the merge, and masked steps
    output zeros in both directions (as Keras).

    Args:
        layer: A recurrent layer (`LSTM`, `GRU`, `SimpleRNN`, `RNN`).
        merge_mode: `"concat"` (default), `"sum"`, `"mul"`, `"ave"` or `None`
            (a list of the two outputs).
        weights: Optional initial weights, forward then backward (as
            `set_weights`).
        backward_layer: Optional recurrent layer for the backward direction;
            it must have `go_backwards` opposite to `layer`'s and the same
            `stateful`, `return_sequences` and `return_state`.

    `return_state=True` returns `[output] + forward states + backward states`.

    Example:

    >>> y = Bidirectional(LSTM(10, return_sequences=True))(np.zeros((2, 5, 3), "float32"))
    >>> y.shape
    (2, 5, 20)
    """

    supports_masking = True

    def __init__(self, layer, merge_mode="concat", weights=None, backward_layer=None, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError("Please initialize `Bidirectional` layer with a "
                             "`nnlite.layers.Layer` instance. Received: %r" % (layer,))
        if backward_layer is not None and not isinstance(backward_layer, Layer):
            raise ValueError("`backward_layer` need to be a `nnlite.layers.Layer` instance. "
                             "Received: %r" % (backward_layer,))
        if merge_mode not in MERGE_MODES:
            raise ValueError("Invalid merge mode. Received: %r. Merge mode should be one of "
                             "{'sum', 'mul', 'ave', 'concat', None}" % (merge_mode,))
        super().__init__(layer, **kwargs)
        self.forward_layer = _renamed(layer, "forward_")
        if backward_layer is None:
            backward_layer = _renamed(layer, "backward_", go_backwards=not layer.go_backwards)
        self.backward_layer = backward_layer
        self._check_directions()
        for direction in (self.forward_layer, self.backward_layer):
            if getattr(direction, "zero_output_for_mask", None) is not None:
                direction.zero_output_for_mask = direction.return_sequences
        self.merge_mode = merge_mode
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state
        self.stateful = layer.stateful
        self._initial_weights = weights

    def _check_directions(self):
        fwd, bwd = self.forward_layer, self.backward_layer
        if fwd.go_backwards == bwd.go_backwards:
            raise ValueError("Forward layer and backward layer should have different "
                             "`go_backwards` value. Received: forward_layer.go_backwards %s, "
                             "backward_layer.go_backwards=%s" % (fwd.go_backwards,
                                                                 bwd.go_backwards))
        for attr in ("stateful", "return_sequences", "return_state"):
            a, b = getattr(fwd, attr), getattr(bwd, attr)
            if a != b:
                raise ValueError("Forward layer and backward layer are expected to have the "
                                 "same value for attribute %s, got %s for forward layer and %s "
                                 "for backward layer" % (attr, a, b))

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        shape = self.forward_layer.compute_output_shape(sequences_shape)
        states = ()
        if self.return_state:
            shape, states = shape[0], tuple(shape[1:])
        if self.merge_mode == "concat":
            shape = tuple(shape[:-1]) + (shape[-1] * 2 if shape[-1] is not None else None,)
        if self.merge_mode is None:
            out = (tuple(shape), tuple(shape))
        else:
            out = (tuple(shape),)
        if self.return_state:
            return out + states + states
        return out if self.merge_mode is None else out[0]

    def compute_mask(self, inputs, previous_mask=None):
        mask = previous_mask[0] if isinstance(previous_mask, (list, tuple)) else previous_mask
        out = mask if self.return_sequences else None
        out = [out, out] if self.merge_mode is None else [out]
        if self.return_state:
            n = len(self.forward_layer.state_size)
            return out + [None] * (2 * n)
        return out if self.merge_mode is None else out[0]

    def build(self, sequences_shape, initial_state_shape=None):
        for direction in (self.forward_layer, self.backward_layer):
            if not direction.built:
                direction._maybe_build(sequences_shape)
        self.built = True
        if self._initial_weights is not None:
            self.set_weights(self._initial_weights)
            self._initial_weights = None

    def call(self, sequences, initial_state=None, mask=None, training=False):
        fwd_state = bwd_state = None
        if initial_state is not None:
            if not isinstance(initial_state, (list, tuple)) or len(initial_state) % 2:
                raise ValueError("Bidirectional expects an even number of initial states "
                                 "(forward states, then backward states). Received: %r"
                                 % (initial_state,))
            half = len(initial_state) // 2
            fwd_state, bwd_state = list(initial_state[:half]), list(initial_state[half:])
        y = self.forward_layer(sequences, initial_state=fwd_state, mask=mask, training=training)
        y_rev = self.backward_layer(sequences, initial_state=bwd_state, mask=mask,
                                    training=training)
        states = ()
        if self.return_state:
            states = tuple(y[1:]) + tuple(y_rev[1:])
            y, y_rev = y[0], y_rev[0]
        if self.return_sequences:
            y_rev = ops.flip(y_rev, axis=1)
        if self.merge_mode == "concat":
            out = (ops.concatenate([y, y_rev], axis=-1),)
        elif self.merge_mode == "sum":
            out = (y + y_rev,)
        elif self.merge_mode == "ave":
            out = ((y + y_rev) / 2,)
        elif self.merge_mode == "mul":
            out = (y * y_rev,)
        else:
            out = (y, y_rev)
        if self.return_state or self.merge_mode is None:
            return out + states
        return out[0]

    def reset_state(self):
        if not self.stateful:
            raise AttributeError("Layer must be stateful.")
        self.forward_layer.reset_state()
        self.backward_layer.reset_state()

    def reset_states(self):
        self.reset_state()

    @property
    def states(self):
        if self.forward_layer.states is None:
            return None
        return tuple(self.forward_layer.states) + tuple(self.backward_layer.states)

    def get_config(self):
        from nnlite.saving.serialization_lib import serialize_keras_object
        config = Layer.get_config(self)
        config["merge_mode"] = self.merge_mode
        config["layer"] = serialize_keras_object(self.forward_layer)
        config["backward_layer"] = serialize_keras_object(self.backward_layer)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from nnlite.saving.serialization_lib import deserialize_dtype, deserialize_keras_object
        config = dict(config)
        # the template of the forward copy stays unbuilt (its weights are the
        # forward layer's, built with the wrapper), as Keras saves it
        template = {k: v for k, v in config.pop("layer").items() if k != "build_config"}
        layer = deserialize_keras_object(template, custom_objects=custom_objects)
        backward = config.pop("backward_layer", None)
        if backward is not None:
            backward = deserialize_keras_object(backward, custom_objects=custom_objects)
        if "dtype" in config:
            config["dtype"] = deserialize_dtype(config["dtype"])
        return cls(layer, backward_layer=backward, **config)
