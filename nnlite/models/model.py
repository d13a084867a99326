"""Model: a Layer with compile, fit, evaluate and predict (the trainer), as `keras.Model`.

`Model(inputs, outputs)` builds a functional model; `Sequential` is a stack;
a subclass with its own `call` is a subclassed model. A training step runs the
model's `call` on the tape and takes the gradients from it.
"""
import threading

import numpy as np

from nnlite.backend.tape import stop_recording
from nnlite.layers.layer import Layer
from nnlite.metrics.metric import Mean
from nnlite.trainers.trainer import Trainer
from nnlite.utils import summary_utils


class Model(Trainer, Layer):
    """A layer with training: `Model(inputs, outputs)` (functional), `Sequential`,
    or a subclass that creates its layers in `__init__` and defines `call`."""

    def __new__(cls, *args, **kwargs):
        if cls is Model and (args or "inputs" in kwargs or "outputs" in kwargs):
            from nnlite.models.functional import Functional
            return Functional.__new__(Functional)
        return super().__new__(cls)

    def __init__(self, *args, **kwargs):
        if type(self) is Model:
            raise TypeError("Model() needs `inputs` and `outputs` (the functional API), or "
                            "subclass Model and define `call`.")
        super().__init__(trainable=kwargs.pop("trainable", True), name=kwargs.pop("name", None),
                         dtype=kwargs.pop("dtype", None))
        if kwargs:
            raise TypeError("Unrecognized keyword arguments passed to %s: %s"
                            % (type(self).__name__, sorted(kwargs)))
        self._state_lock = threading.RLock()   # see trainer._one_at_a_time
        self.compiled = False
        self.optimizer = None
        self.loss = None
        self.stop_training = False
        self.history = None
        self.loss_weights = None
        self._compile_metrics = []
        self._compile_weighted_metrics = []
        self._compile_config = None
        self._forget_resolved()
        self._loss_tracker = Mean(name="loss")
        self._train_variables = None
        self._plan_cache = {}
        self._allow_plans = True    # False forces the layer-by-layer path (tests)

    def __reduce__(self):
        """Pickles (and deep-copies) the model by way of the `.keras` format,
        as Keras 3 does: the archive's bytes hold the config, the compile
        config with the optimizer's state, and the weights. Only for moving a
        model between trusted processes (joblib, Dask): unpickling any data can
        run code, so a pickle is never a file format to share."""
        import json
        from nnlite.saving.object_registration import get_custom_objects
        from nnlite.saving.saving_lib import save_model_to_bytes, serialize_model
        # the registered objects this model's config names go along (a worker
        # may not have registered them); the rest of the registry stays behind
        config = json.dumps(serialize_model(self))
        custom = {name: obj for name, obj in get_custom_objects().items()
                  if '"%s"' % name in config}
        return (_unpickle_model, (save_model_to_bytes(self), custom))

    # the inner layers set their outputs' masks; nothing is added to them
    supports_masking = True

    def compute_mask(self, inputs, previous_mask=None):
        return None

    @property
    def layers(self):
        """The layers this model holds (tracked attributes of a subclassed model)."""
        return self._sublayers()

    def _output_layer(self):
        return self.layers[-1] if self.layers else None

    def _ensure_built(self, x, batch_size=None):
        """Builds a model whose weights appear on its first call, from the
        first batch of `x` (as Keras builds from the first batch)."""
        if not self.built:
            from nnlite.models.data import model_inputs
            with stop_recording():
                self(model_inputs(x[:batch_size or 1]))

    def build(self, input_shape=None):
        """Builds the model for inputs of `input_shape` (batch axis first,
        e.g. `(None, 8)`; a list or dict of shapes for several inputs).

        As Keras 3, a subclassed model that does not define `build` is run
        once on zeros of that shape (nothing recorded, `training=False`), so
        that its layers create their weights.
        """
        if input_shape is None:
            self.built = True
            return
        if type(self).build is Model.build:
            self._symbolic_output_shape(input_shape)
        super().build(input_shape)

    def _maybe_build(self, input_shape):
        # a first call builds a subclassed model's layers itself: no dry run first
        if not self.built and type(self).build is Model.build:
            Layer.build(self, input_shape)
            return
        super()._maybe_build(input_shape)

    # -- summary ---------------------------------------------------------------
    def summary(self, line_length=None, positions=None, print_fn=None, expand_nested=False,
                show_trainable=False, layer_range=None):
        """Prints Keras 3's table of a subclassed model: one row per tracked
        layer, in creation order, with its output shape (`?` until the layer
        is built) and parameter count (`0 (unbuilt)` until built), then the
        totals (with the optimizer's variables once it has them).

        Args:
            line_length: Width of the table. Defaults to 88 (or the terminal's).
            print_fn: Called with the whole summary as one string. Defaults
                to writing it to stdout.
            expand_nested: Whether the layers of a nested model get rows
                (`   └ name (Type)`) below it. Defaults to `False`.
        """
        rows = []

        def add(layer, level):
            prefix = "   " * level + "└ " if level else ""
            rows.append((prefix + layer.name, type(layer).__name__,
                         summary_utils.built_output_shape_text(layer),
                         layer.count_params() if layer.built else None))
            if expand_nested and isinstance(layer, Model):
                for inner in layer.layers:
                    add(inner, level + 1)

        for layer in self.layers:
            add(layer, 0)
        trainable_w = self.trainable_weights
        weights = self.weights
        trainable = sum(int(np.prod(w.shape)) for w in trainable_w)
        total = sum(int(np.prod(w.shape)) for w in weights)
        trainable_bytes = sum(np.asarray(w.value).nbytes for w in trainable_w)
        all_bytes = sum(np.asarray(w.value).nbytes for w in weights)
        opt_params = opt_bytes = None
        if self.optimizer is not None and getattr(self.optimizer, "built", False):
            opt_vars = self.optimizer.variables
            opt_params = sum(int(np.prod(v.shape)) for v in opt_vars)
            opt_bytes = sum(np.asarray(v.value).nbytes for v in opt_vars)
        summary_utils.print_summary(self.name, rows, total, trainable, total - trainable,
                      optimizer_params=opt_params, line_length=line_length, print_fn=print_fn,
                      trainable_bytes=trainable_bytes,
                      non_trainable_bytes=all_bytes - trainable_bytes,
                      optimizer_bytes=opt_bytes)

    # -- configs for saving (Keras 3's formats) ------------------------------
    def get_build_config(self):
        """`{"input_shape": ...}` once built (what `build_from_config` takes), else `None`."""
        shape = getattr(self, "_build_input_shape", None)
        if not self.built or shape is None:
            return None
        return {"input_shape": list(shape)}

    def build_from_config(self, config):
        """Builds the model from `get_build_config()`'s dict."""
        if not config:
            return
        if not isinstance(config, dict) or "input_shape" not in config:
            raise ValueError("build_config must be a dict with an 'input_shape' key. "
                             "Received: %r" % (config,))
        shape = config["input_shape"]
        if shape is None or self.built:
            return
        if type(self).build is not Layer.build:
            self.build(tuple(shape))
        else:   # a subclassed model's weights appear on its first call
            if not isinstance(shape, (list, tuple)) or not all(
                    d is None or (isinstance(d, int) and 0 < d <= 1 << 20) for d in shape):
                raise ValueError("build_config['input_shape'] must be a list of positive "
                                 "sizes (or None). Received: %r" % (shape,))
            sample = np.zeros([1] + [1 if d is None else d for d in shape[1:]],
                              dtype=self.dtype)
            with stop_recording():
                self(sample)

    def get_compile_config(self):
        """The arguments of `compile()`, serialized as Keras 3 writes them
        (`{}` when the model is not compiled, as in Keras)."""
        if not self.compiled:
            return {}
        from nnlite.saving.serialization_lib import serialize_keras_object
        metrics = self._compile_metrics if self._compile_metrics else None
        weighted = self._compile_weighted_metrics if self._compile_weighted_metrics else None
        return {"optimizer": serialize_keras_object(self.optimizer),
                "loss": serialize_keras_object(self.loss),
                "loss_weights": serialize_keras_object(self.loss_weights),
                "metrics": serialize_keras_object(metrics),
                "weighted_metrics": serialize_keras_object(weighted),
                **getattr(self, "_compile_flags", {"run_eagerly": False,
                                                   "steps_per_execution": 1,
                                                   "jit_compile": False})}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """A subclassed model from its `get_config()` dict: `cls(**config)`,
        as Keras (Functional and Sequential rebuild their graphs instead); a
        functional config given to `Model.from_config` rebuilds the graph, as
        Keras 3 does."""
        if cls is Model and isinstance(config, dict) and all(
                k in config for k in ("name", "layers", "input_layers", "output_layers")):
            from nnlite.models.functional import Functional
            return Functional.from_config(config, custom_objects=custom_objects)
        try:
            return super().from_config(config)
        except TypeError as e:
            raise TypeError("Unable to revive model from config. When overriding the "
                            "`get_config()` method, make sure that the returned config "
                            "contains all items used as arguments in the constructor to %s, "
                            "which is the default behavior. You can override this default "
                            "behavior by defining a `from_config(cls, config)` class method "
                            "to specify how to create an instance of %s from its config. "
                            "Error encountered during deserialization: %s"
                            % (cls.__name__, cls.__name__, e)) from None

    def compile_from_config(self, config):
        """Compiles the model from `get_compile_config()`'s dict (or Keras's)."""
        from nnlite.saving.serialization_lib import deserialize_keras_object
        if not config:
            return
        if not isinstance(config, dict):
            raise ValueError("compile_config must be a dict. Received: %r" % (config,))
        known = ("optimizer", "loss", "loss_weights", "metrics", "weighted_metrics",
                 "run_eagerly", "steps_per_execution", "jit_compile", "auto_scale_loss")
        unknown = sorted(set(config) - set(known))
        if unknown:
            raise ValueError("Unrecognized keys in compile_config: %s" % unknown)
        args = {k: deserialize_keras_object(v) for k, v in config.items()
                if k in ("optimizer", "loss", "metrics")}
        for key in ("loss_weights", "weighted_metrics"):
            if config.get(key) is not None:
                args[key] = deserialize_keras_object(config[key])
        if args.get("optimizer") is None:
            args["optimizer"] = "rmsprop"
        for key in ("run_eagerly", "steps_per_execution", "jit_compile"):
            if config.get(key) is not None:
                args[key] = config[key]
        self.compile(**args)
        if self.built:
            # as Keras: the optimizer's variables exist, ready for loaded values
            self.optimizer.build(self.trainable_weights)

    def to_json(self, **kwargs):
        """The model's config as a JSON string (`keras.saving.serialize_keras_object`
        of the model, dumped with `json.dumps(..., **kwargs)`)."""
        import json
        from nnlite.saving.serialization_lib import serialize_keras_object
        return json.dumps(serialize_keras_object(self), **kwargs)

    def set_weights(self, weights):
        """Sets all weights from a list in `get_weights()` order (every shape is
        checked before any weight changes)."""
        expected = len(self.variables)
        if isinstance(weights, (list, tuple)) and len(weights) != expected:
            raise ValueError("You called `set_weights(weights)` on layer '%s' with a weight list "
                             "of length %d, but the layer was expecting %d weights."
                             % (self.name, len(weights), expected))
        super().set_weights(weights)

    # -- saving ------------------------------------------------------------------
    def save(self, filepath, overwrite=True, zipped=None, **kwargs):
        """Saves the model (config, weights, compile state and optimizer state)
        to a `.keras` archive, or to a legacy `.h5` file.

        Args:
            filepath: A path ending in `.keras` (or `.h5`/`.hdf5`).
            overwrite: Whether to overwrite an existing file. Defaults to `True`.
        """
        from nnlite.saving import saving_api
        return saving_api.save_model(self, filepath, overwrite=overwrite, zipped=zipped,
                                     **kwargs)

    def save_weights(self, filepath, overwrite=True, **kwargs):
        """Saves the weights (and the optimizer's state) to a `.weights.h5`
        file, in Keras's layout; `.weights.npz` (nnlite's NumPy format, weights
        only) is accepted too."""
        from nnlite.saving import saving_api
        return saving_api.save_weights(self, filepath, overwrite=overwrite, **kwargs)

    def load_weights(self, filepath, skip_mismatch=False, **kwargs):
        """Loads weights from a `.weights.h5` file, a `.keras` archive, a
        legacy `.h5` file or a `.weights.npz` file."""
        from nnlite.saving import saving_api
        return saving_api.load_weights(self, filepath, skip_mismatch=skip_mismatch, **kwargs)

    def reset_states(self):
        """Zeroes the states of every stateful layer (`stateful=True`
        recurrent layers, also inside wrappers such as `Bidirectional` and
        inside nested models), as tf.keras's `Model.reset_states()`."""
        pending = list(self.layers)
        while pending:
            layer = pending.pop(0)
            if getattr(layer, "stateful", False) and callable(getattr(layer, "reset_states",
                                                                      None)):
                layer.reset_states()
            else:
                pending.extend(layer._sublayers())

    def get_layer(self, name=None, index=None):
        """Returns a layer by `name` or by `index`."""
        if index is not None and name is not None:
            raise ValueError("Provide only a layer name or a layer index. Received: "
                             "index=%r, name=%r." % (index, name))
        if index is not None:
            if not -len(self.layers) <= index < len(self.layers):
                raise ValueError("Was asked to retrieve layer at index %d but model only has "
                                 "%d layers." % (index, len(self.layers)))
            return self.layers[index]
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise ValueError("No such layer: %s. Existing layers are: %s."
                         % (name, [layer.name for layer in self.layers]))


def _unpickle_model(data, custom_objects=None):
    """Rebuilds a pickled model from its `.keras` archive bytes (see
    `Model.__reduce__`). As in Keras, safe mode is off: unpickling already
    trusts the data."""
    from nnlite.saving.saving_lib import load_model_from_bytes
    return load_model_from_bytes(data, custom_objects=custom_objects, compile=True,
                                 safe_mode=False)
