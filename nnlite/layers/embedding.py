"""Embedding: integer ids to dense vectors, rows of a trainable table."""
import warnings

import numpy as np

from nnlite import _core, constraints, initializers, ops, regularizers
from nnlite.layers.layer import Layer
from nnlite.ops.embedding import embedding_lookup


def _positive_int(name, value):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError("Received an invalid value for `%s`, expected a positive integer. "
                         "Received: %s=%r" % (name, name, value))
    return int(value)


class Embedding(Layer):
    """Turns non-negative integers (indexes) into dense vectors of fixed size.

    `output[..., :] = embeddings[inputs[...], :]`, with `embeddings` a
    trainable `(input_dim, output_dim)` matrix: `[[4], [20]] -> [[0.25, 0.1],
    [0.6, -0.2]]`. Every id must lie in `[0, input_dim)`; one outside raises a
    ValueError (Keras raises InvalidArgumentError on CPU). Float ids holding
    integral values are accepted; other floats raise.

    Args:
        input_dim: Size of the vocabulary, i.e. the largest id + 1.
        output_dim: Size of each embedding vector.
        embeddings_initializer: Initializer of the `embeddings` matrix.
            Defaults to `"uniform"` (`RandomUniform(-0.05, 0.05)`).
        embeddings_regularizer: Optional penalty on the matrix. Defaults to `None`.
        embeddings_constraint: Optional constraint the optimizer applies after
            each update. Defaults to `None`.
        mask_zero: Whether id 0 is padding: the output then carries the mask
            `inputs != 0` (for RNNs, pooling ...), and id 0 cannot be a word
            (input_dim = vocabulary + 1). Defaults to `False`.
        weights: Optional initial matrix of shape `(input_dim, output_dim)`
            (or a list holding it). Defaults to `None`.
        lora_rank, lora_alpha: LoRA is not supported by nnlite: a `lora_rank`
            raises NotImplementedError. Defaults to `None`.

    `input_length=` (Keras 2) is ignored with a warning, as Keras 3 does.

    Input shape: an integer array of any shape, usually `(batch_size, input_length)`.
    Output shape: `input_shape + (output_dim,)`, in the layer's dtype (float32).

    Example:

    >>> layer = Embedding(1000, 64)
    >>> layer(np.random.randint(1000, size=(32, 10))).shape
    (32, 10, 64)
    """

    _keep_int_inputs = True     # ids reach `call` as given, not cast to float

    def __init__(self, input_dim, output_dim, embeddings_initializer="uniform",
                 embeddings_regularizer=None, embeddings_constraint=None, mask_zero=False,
                 weights=None, lora_rank=None, lora_alpha=None, quantization_config=None,
                 **kwargs):
        input_length = kwargs.pop("input_length", None)
        if input_length is not None:
            warnings.warn("Argument `input_length` is deprecated. Just remove it.",
                          stacklevel=2)
        super().__init__(**kwargs)
        if lora_rank is not None:
            raise NotImplementedError(
                "LoRA is not supported by nnlite's Embedding layer: pass lora_rank=None. "
                "Received: lora_rank=%r" % (lora_rank,))
        if quantization_config is not None:
            raise NotImplementedError("Quantized Embedding layers are not supported by nnlite. "
                                      "Received: quantization_config=%r" % (quantization_config,))
        self.input_dim = _positive_int("input_dim", input_dim)
        self.output_dim = _positive_int("output_dim", output_dim)
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.mask_zero = bool(mask_zero)
        self.supports_masking = self.mask_zero     # as Keras: no mask_zero, no mask support
        self.lora_rank = None
        self.lora_alpha = lora_alpha
        self.quantization_config = None
        self._embeddings = None
        if weights is not None:
            self.build()
            if not (isinstance(weights, list) and len(weights) == 1):
                weights = [weights]
            self.set_weights(weights)

    def build(self, input_shape=None):
        if self.built:
            return
        self._embeddings = self.add_weight(
            shape=(self.input_dim, self.output_dim), initializer=self.embeddings_initializer,
            name="embeddings", regularizer=self.embeddings_regularizer,
            constraint=self.embeddings_constraint, trainable=True)
        self._build_input_shape = None if input_shape is None else tuple(input_shape)
        self.built = True

    @property
    def embeddings(self):
        """The `(input_dim, output_dim)` weight (AttributeError before `build`)."""
        if not self.built:
            raise AttributeError("You must build the layer before accessing `embeddings`.")
        return self._embeddings

    def call(self, inputs):
        return embedding_lookup(self._embeddings, inputs)

    def check_input_data(self, data):
        """Every index of `data` must be an integer in `[0, input_dim)`."""
        _core.embedding_range_check(data, self.input_dim, "Embedding layer '%s'" % self.name)

    def compute_mask(self, inputs, previous_mask=None):
        if not self.mask_zero:
            return None
        return ops.not_equal(inputs, 0)

    def compute_output_shape(self, input_shape):
        return (*tuple(input_shape), self.output_dim)

    # -- saving --------------------------------------------------------------
    def get_build_config(self):
        """`{"input_shape": [...]}` once built, as Keras writes for Embedding."""
        if not self.built:
            return None
        shape = self._build_input_shape
        return {"input_shape": None if shape is None else list(shape)}

    def build_from_config(self, config):
        shape = config.get("input_shape") if isinstance(config, dict) else None
        if shape is None:
            self.build()
        else:
            self._maybe_build(tuple(shape))

    def get_config(self):
        base = super().get_config()
        config = {
            "input_dim": self.input_dim,
            "output_dim": self.output_dim,
            "embeddings_initializer": initializers.serialize(self.embeddings_initializer),
            "embeddings_regularizer": regularizers.serialize(self.embeddings_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "embeddings_constraint": constraints.serialize(self.embeddings_constraint),
            "mask_zero": self.mask_zero,
            "quantization_config": None,
        }
        return {**base, **config}
