"""Sequential: a linear stack of layers."""
import numpy as np

from nnlite.layers.input_layer import InputLayer, KerasTensor
from nnlite.layers.layer import Layer
from nnlite.models.data import holds_text
from nnlite.models.model import Model
from nnlite.utils import summary_utils


class Sequential(Model):
    """A plain stack of layers, each with one input and one output.

    Args:
        layers: Optional list of layers (an `Input(...)` may come first).
        trainable: Defaults to `True`.
        name: Defaults to `sequential`, `sequential_1`, ...

    Example:

    >>> model = Sequential([Input(shape=(16,)), Dense(8, activation="relu"), Dense(1)])
    >>> model.compile(optimizer="adam", loss="mse")
    >>> history = model.fit(x, y, epochs=10, validation_split=0.2)
    """

    def __init__(self, layers=None, trainable=True, name=None):
        super().__init__(trainable=trainable, name=name)
        self._layers = []
        self._input_layer = None
        self._graph_outputs = None
        if layers is not None:
            if isinstance(layers, (Layer, KerasTensor)):
                layers = [layers]
            for layer in layers:
                self.add(layer, rebuild=False)
            self._maybe_rebuild()

    # -- structure -------------------------------------------------------------
    def add(self, layer, rebuild=True):
        """Adds a layer (or an `Input(...)`) on top of the stack."""
        if isinstance(layer, KerasTensor):
            layer = layer._input_layer
        if not isinstance(layer, Layer):
            raise ValueError("Only instances of `nnlite.layers.Layer` can be added to a "
                             "Sequential model. Received: %r (of type %s)"
                             % (layer, type(layer).__name__))
        if isinstance(layer, InputLayer):
            if self._layers or self._input_layer is not None:
                raise ValueError("Sequential model '%s' has already been configured to use "
                                 "an input; an InputLayer can only come first." % self.name)
            self._input_layer = layer
            return
        if any(existing.name == layer.name for existing in self._layers):
            raise ValueError("All layers added to a Sequential model should have unique "
                             "names. Name '%s' is already the name of a layer in this model. "
                             "Update the `name` argument to pass a unique name."
                             % layer.name)
        if (not self._layers and self._input_layer is None
                and layer._declared_input_shape is not None):
            self._input_layer = InputLayer(shape=layer._declared_input_shape,
                                           batch_size=layer._declared_batch_size)
        self._layers.append(layer)
        self._forget_resolved()
        self._train_variables = None
        self._plan_cache = {}
        self._graph_outputs = None
        if rebuild:
            self._maybe_rebuild()

    def pop(self, rebuild=True):
        """Removes and returns the last layer."""
        if not self._layers:
            raise TypeError("There are no layers in the model.")
        layer = self._layers.pop()
        self._train_variables = None
        self._plan_cache = {}
        self._graph_outputs = None
        self._forget_resolved()
        self.built = False
        if rebuild:
            self._maybe_rebuild()
        return layer

    @property
    def layers(self):
        """The layers, without the input layer (as in Keras)."""
        return list(self._layers)

    def _output_layer(self):
        return self._layers[-1]

    def _maybe_rebuild(self):
        if self._input_layer is not None and self._layers:
            self.build(self._input_layer.batch_shape)
        elif len(self._layers) > 1 and isinstance(self._layers[0], Model) and \
                hasattr(self._layers[0], "input_shape"):
            # as Keras: a stack that starts with a model (`Sequential([base, Softmax()])`)
            # is built for the model's input shape (and gets an InputLayer)
            self.build(self._layers[0].input_shape)

    def build(self, input_shape=None):
        """Builds every layer for `input_shape` (with the batch axis, e.g. `(None, 784)`)."""
        if input_shape is None:
            if self._input_layer is None:
                raise ValueError("You must provide an `input_shape` argument.")
            input_shape = self._input_layer.batch_shape
        shape = tuple(input_shape)
        if self._input_layer is None:
            self._input_layer = InputLayer(batch_shape=shape)
        if not self._layers:
            raise ValueError("Sequential model %s cannot be built because it has no layers. "
                             "Call `model.add(layer)`." % self.name)
        for layer in self._layers:
            # only weights tie a layer to the shape it was built for: a
            # TextVectorization tried out on a list of strings (rank 1) then
            # reads Input((1,), dtype="string") batches, as in Keras
            if layer.built and layer._build_input_shape is not None and layer.weights:
                built = layer._build_input_shape
                if len(built) != len(shape) or built[-1] != shape[-1]:
                    raise ValueError(
                        'Input 0 of layer "%s" is incompatible with the layer: it was built for '
                        "input shape %s, but received input shape %s"
                        % (layer.name, built, shape))
            layer._maybe_build(shape)
            shape = tuple(layer.compute_output_shape(shape))
        self._build_input_shape = tuple(input_shape)
        self.built = True
        self._connect_graph()

    def _connect_graph(self):
        """Calls the layers once on the Input's symbolic tensor, as Keras 3
        makes a Sequential with a known input a functional graph: each layer
        then has `layer.input`/`layer.output`, and `Model(model.inputs,
        [layer.output for layer in model.layers])` is a feature extractor.
        A stack that cannot run symbolically keeps working without it."""
        if self._graph_outputs is not None:
            return
        x = self._input_layer.output
        try:
            for layer in self._layers:
                x = layer(x)
        except Exception:     # noqa: BLE001 - the graph is an extra, never a new failure
            return
        self._graph_outputs = list(x) if isinstance(x, (list, tuple)) else [x]

    def _ensure_built(self, x, batch_size=None):
        if not self.built:
            if self._input_layer is None and isinstance(x, np.ndarray) and \
                    x.dtype.kind in "USO":
                # built from text: the input is a string input from now on
                self._input_layer = InputLayer(batch_shape=(None,) + x.shape[1:],
                                               dtype="string")
            self.build((None,) + x.shape[1:])

    def _undeclared_text_inputs(self):
        # a stack whose first layer takes data as given (TextVectorization,
        # StringLookup, Hashing) takes text for its input when given text
        first = self._layers[0] if self._layers else None
        return (0,) if self._input_layer is None and getattr(first, "_raw_inputs", False) \
            else ()

    def input_readers(self):
        """`(layer, input index)` for each layer that reads a model input
        directly: the first layer."""
        return [(self._layers[0], 0)] if self._layers else []

    def compute_output_shape(self, input_shape):
        shape = tuple(input_shape)
        for layer in self._layers:
            shape = tuple(layer.compute_output_shape(shape))
        return shape

    @property
    def input_shape(self):
        if self._input_layer is None:
            raise AttributeError("The model has no input yet: build it or pass an Input.")
        return self._input_layer.batch_shape

    @property
    def output_shape(self):
        return self.compute_output_shape(self.input_shape)

    @property
    def inputs(self):
        return [self._input_layer.output] if self._input_layer is not None else None

    @property
    def output_names(self):
        """The name of the last layer (Keras: the output layers' names)."""
        return [self._layers[-1].name] if self._layers else []

    @property
    def outputs(self):
        """One KerasTensor per output of the last layer (several for e.g.
        `Bidirectional(merge_mode=None)` or `return_state=True`)."""
        if self._input_layer is None or not self.built:
            return None
        if self._graph_outputs is not None:
            return list(self._graph_outputs)
        return [KerasTensor(shape, self.dtype, "keras_tensor", None)
                for shape in _output_shapes(self.output_shape)]

    @property
    def input(self):
        """The Input's symbolic tensor (Keras's `model.input`)."""
        if self._input_layer is None:
            raise AttributeError("The model %s has no input yet: build it or start it with an "
                                 "Input." % self.name)
        return self._input_layer.output

    @property
    def output(self):
        """The last layer's symbolic output (Keras's `model.output`)."""
        outputs = self.outputs
        if not outputs:
            raise AttributeError("The model %s has no output yet: build it or start it with an "
                                 "Input." % self.name)
        return outputs[0] if len(outputs) == 1 else outputs

    @property
    def _raw_inputs(self):
        # a model taking text (`Input(dtype="string")`) gets its input as given
        layer = self.__dict__.get("_input_layer")
        if layer is None:       # not built: as its first layer (TextVectorization...)
            stack = self.__dict__.get("_layers") or ()
            return bool(stack) and stack[0]._raw_inputs
        return layer.dtype == "string"

    def _adapt_input(self, x):
        """Matches the input's rank to the model's, as Keras does for a trailing axis of 1."""
        if self._input_layer is None:
            return x
        expected = self._input_layer.batch_shape
        shape = tuple(x.shape)
        if len(shape) == len(expected) - 1 and expected[-1] == 1:
            x = _reshape(x, shape + (1,))
        elif len(shape) == len(expected) + 1 and shape[-1] == 1:
            x = _reshape(x, shape[:-1])
        if len(x.shape) != len(expected) or any(
                e is not None and e != a for e, a in zip(expected[1:], x.shape[1:])):
            raise ValueError(
                'Input 0 of layer "%s" is incompatible with the layer: expected shape=%s, '
                "found shape=%s" % (self.name, expected, (None,) + tuple(x.shape[1:])))
        return x

    # -- call --------------------------------------------------------------------
    def __call__(self, *args, **kwargs):
        if args and self._raw_inputs and holds_text(args[0]):
            # text given as a Python list is one input, as for TextVectorization
            args = (np.asarray(args[0]),) + args[1:]
            if not self.built and self._input_layer is None:
                # built before `call` sees the data: give it its string input here
                self._ensure_built(args[0])
        return super().__call__(*args, **kwargs)

    def _sublayers(self):
        return list(self._layers)

    def call(self, inputs, training=False):
        x = inputs
        if self._raw_inputs:
            x = np.asarray(x)
        if self._input_layer is not None and not isinstance(x, (list, tuple, dict)):
            x = self._adapt_input(x)
        if not self.built:
            self._ensure_built(x)
        for layer in self._layers:
            x = layer(x, training=training)
        return x

    # -- summary and config --------------------------------------------------------
    def summary(self, line_length=None, positions=None, print_fn=None, expand_nested=False,
                show_trainable=False, layer_range=None):
        """Prints a table of layers, output shapes and parameter counts."""
        table = []
        shape = self._input_layer.batch_shape if self.built else None
        for layer in self._layers:
            if shape is not None and layer.built:
                shape = tuple(layer.compute_output_shape(shape))
                table.append((layer.name, type(layer).__name__, summary_utils.shape_text(shape),
                              layer.count_params()))
            else:
                table.append((layer.name, type(layer).__name__, "?", None))
        weights = self.weights if self.built else []
        trainable = sum(int(np.prod(w.shape)) for w in self.trainable_weights) if self.built else 0
        total = sum(int(np.prod(w.shape)) for w in weights)
        opt_params = opt_bytes = None
        if self.optimizer is not None and self.optimizer.built:
            opt_vars = self.optimizer.variables
            opt_params = sum(int(np.prod(v.shape)) for v in opt_vars)
            opt_bytes = sum(v.value.nbytes for v in opt_vars)
        trainable_bytes = sum(w.value.nbytes for w in self.trainable_weights) if self.built else 0
        all_bytes = sum(w.value.nbytes for w in weights)
        summary_utils.print_summary(self.name, table, total, trainable, total - trainable,
                      optimizer_params=opt_params, line_length=line_length, print_fn=print_fn,
                      trainable_bytes=trainable_bytes,
                      non_trainable_bytes=all_bytes - trainable_bytes,
                      optimizer_bytes=opt_bytes)

    def get_config(self):
        """A Keras-shaped config: the `InputLayer` entry (with `batch_shape`)
        first, then one entry per layer, and `build_input_shape` once built."""
        from nnlite.saving.serialization_lib import serialize_dtype, serialize_keras_object
        layers = []
        if self._input_layer is not None:
            layers.append(serialize_keras_object(self._input_layer))
        shape = self._input_layer.batch_shape if self._input_layer is not None else None
        for layer in self._layers:
            entry = serialize_keras_object(layer)
            if shape is not None and self.built:
                # layers nnlite creates built (Flatten) still get the input
                # shape Keras records when it builds the model
                if "build_config" not in entry and _keras_builds(layer):
                    entry["build_config"] = {"input_shape": list(shape)}
                shape = tuple(layer.compute_output_shape(shape))
            layers.append(entry)
        config = {"name": self.name, "trainable": self.trainable,
                  "dtype": serialize_dtype(self.dtype), "layers": layers}
        if self.built and self._build_input_shape is not None:
            config["build_input_shape"] = tuple(self._build_input_shape)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """Rebuilds a model from `get_config()` (new weights)."""
        from nnlite.layers.layer import Layer
        from nnlite.saving.serialization_lib import deserialize_keras_object
        if not isinstance(config, dict) or not isinstance(config.get("layers"), list):
            raise TypeError("A Sequential config must be a dict with a 'layers' list. "
                            "Received: %r" % (config,))
        model = cls(name=config.get("name"), trainable=config.get("trainable", True))
        for layer_config in config["layers"]:
            if not isinstance(layer_config, dict) or "class_name" not in layer_config:
                raise TypeError("Each entry of a Sequential config's 'layers' must be a layer "
                                "config dict. Received: %r" % (layer_config,))
            layer = deserialize_keras_object(layer_config, custom_objects=custom_objects)
            if not isinstance(layer, Layer):
                raise TypeError("Entry %r of 'layers' is not a layer config (it gave %s)."
                                % (layer_config.get("class_name"), type(layer).__name__))
            model.add(layer, rebuild=False)
        model._maybe_rebuild()
        shape = config.get("build_input_shape")
        if not model.built and shape is not None and model._layers:
            model.build(tuple(shape))
        return model


def _keras_builds(layer):
    from nnlite.saving.serialization_lib import _LAYERS_WITH_BUILD_CONFIG, _keras_module_of
    return (_keras_module_of(type(layer)) == "keras.layers"
            and type(layer).__name__ in _LAYERS_WITH_BUILD_CONFIG)



def _reshape(x, shape):
    if isinstance(x, np.ndarray):
        return x.reshape(shape)
    from nnlite.ops import fused
    return fused.reshape(x, shape)


def _output_shapes(shape):
    """The shapes of a layer's outputs: `shape` itself when it is one shape
    (ints and None), else each shape it holds, in order."""
    if all(d is None or isinstance(d, (int, np.integer)) for d in shape):
        return [tuple(shape)]
    return [s for entry in shape for s in _output_shapes(entry)]
