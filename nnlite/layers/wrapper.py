"""Wrapper: the base of layers that run another layer (TimeDistributed, Bidirectional)."""
from nnlite.layers.layer import Layer


class Wrapper(Layer):
    """Holds `layer` and builds it; its config holds the layer's.

    Args:
        layer: The `Layer` instance to wrap.
    """

    def __init__(self, layer, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError("Please initialize `%s` layer with a `nnlite.layers.Layer` "
                             "instance. Received: %r" % (type(self).__name__, layer))
        super().__init__(**kwargs)
        self.layer = layer

    def build(self, input_shape=None):
        if not self.layer.built:
            self.layer._maybe_build(input_shape)
        self.built = True

    def get_config(self):
        from nnlite.saving.serialization_lib import serialize_keras_object
        config = super().get_config()
        config["layer"] = serialize_keras_object(self.layer)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from nnlite.saving.serialization_lib import deserialize_dtype, deserialize_keras_object
        config = dict(config)
        layer = deserialize_keras_object(config.pop("layer"), custom_objects=custom_objects)
        if "dtype" in config:
            config["dtype"] = deserialize_dtype(config["dtype"])
        return cls(layer, **config)
