"""LayerNormalization: normalizes each sample over its feature axes."""
import warnings

import numpy as np

from nnlite import _core, constraints, initializers, regularizers
from nnlite.layers.layer import Layer
from nnlite.ops import fused


class LayerNormalization(Layer):
    """Normalizes each sample independently over `axis`.

    `y = gamma * (x - mean) / sqrt(var + epsilon) + beta`, with the mean and
    biased variance taken over the normalized axes of each sample. The same
    computation runs in training and inference. Forward and backward run in C.

    Args:
        axis: Integer or list of integers, the axes to normalize. Defaults to `-1`.
        epsilon: Added to the variance. Defaults to `1e-3`.
        center: Learn an offset `beta`. Defaults to `True`.
        scale: Learn a scale `gamma`. Defaults to `True`.
        beta_initializer, gamma_initializer: Defaults to `"zeros"`, `"ones"`.
        beta_regularizer, gamma_regularizer, beta_constraint,
            gamma_constraint: Optional. Defaults to `None`.
        rms_scaling: Deprecated in Keras 3 (with a warning):
            `y = gamma * x / sqrt(var + epsilon)`, no offset. Defaults to `False`.

    Input shape: any; output shape: the same.

    Example:

    >>> LayerNormalization()(np.array([[1.0, 2.0, 3.0]]))  # doctest: +SKIP
    array([[-1.2238, 0., 1.2238]], dtype=float32)
    """

    supports_masking = True

    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones", beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None, **kwargs):
        rms_scaling = kwargs.pop("rms_scaling", False)
        if rms_scaling:
            warnings.warn("You passed `rms_scaling=True`, which is deprecated. This argument "
                          "incorrectly scales the input by the variance, not the root mean "
                          "square. To correctly use RMS Normalization, please use "
                          "`keras.layers.RMSNormalization` instead.")
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)):
            self.axis = [int(a) for a in axis]
        elif isinstance(axis, (int, np.integer)) and not isinstance(axis, bool):
            self.axis = int(axis)
        else:
            raise TypeError("Expected an int or a list/tuple of ints for the argument 'axis', "
                            "but received: %r" % (axis,))
        self.epsilon = float(epsilon)
        if not self.epsilon >= 0:
            raise ValueError("epsilon must be >= 0. Received: epsilon=%r" % (epsilon,))
        self.center = bool(center)
        self.scale = bool(scale)
        self.rms_scaling = bool(rms_scaling)
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.gamma = self.beta = None
        self._axes = None

    def _resolve_axes(self, ndim):
        axes = self.axis if isinstance(self.axis, list) else [self.axis]
        for a in axes:
            if not -ndim <= a < ndim:
                raise ValueError("Axis %d is out of bounds for input of rank %d. Received: "
                                 "axis=%r" % (a, ndim, self.axis))
        return sorted(a % ndim for a in axes)

    def build(self, input_shape):
        axes = self._resolve_axes(len(input_shape))
        if 0 in axes:
            raise ValueError("LayerNormalization cannot normalize over the batch axis. "
                             "Received: axis=%r" % (self.axis,))
        shape = tuple(input_shape[a] for a in axes)
        if any(d is None for d in shape):
            raise ValueError("The normalized axes of the input to LayerNormalization must be "
                             "defined. Received: input_shape=%s" % (tuple(input_shape),))
        self._axes = axes
        # Keras keeps the axes as a (sorted) list once built: get_config() then says [-1]
        self.axis = sorted(self.axis) if isinstance(self.axis, list) else [self.axis]
        if self.scale or self.rms_scaling:
            self.gamma = self.add_weight(shape=shape, name="gamma",
                                         initializer=self.gamma_initializer,
                                         regularizer=self.gamma_regularizer,
                                         constraint=self.gamma_constraint)
        if self.center and not self.rms_scaling:
            self.beta = self.add_weight(shape=shape, name="beta",
                                        initializer=self.beta_initializer,
                                        regularizer=self.beta_regularizer,
                                        constraint=self.beta_constraint)
        super().build(input_shape)

    def compute_output_shape(self, input_shape):
        self._resolve_axes(len(input_shape))
        return tuple(input_shape)

    # The C kernel normalizes rows; other axes are moved last (a copy) and back.
    def call(self, inputs):
        shape = tuple(inputs.shape)
        if len(shape) != len(self._build_input_shape):
            raise ValueError('Input 0 of layer "%s" is incompatible with the layer: expected '
                             "ndim=%d, found ndim=%d" % (self.name, len(self._build_input_shape),
                                                        len(shape)))
        k = len(self._axes)
        ndim = len(shape)
        order = [a for a in range(ndim) if a not in self._axes] + list(self._axes)
        trailing = self._axes == list(range(ndim - k, ndim))
        x = inputs if trailing else fused.transpose(inputs, order)
        moved = tuple(shape[a] for a in order)
        n = int(np.prod(moved[ndim - k:], dtype=np.int64))
        expected = int(np.prod([self._build_input_shape[a] for a in self._axes]))
        if n != expected:
            raise ValueError('Input 0 of layer "%s" is incompatible with the layer: the '
                             "normalized axes hold %d values, expected %d"
                             % (self.name, n, expected))
        y2 = fused.layer_norm_rows(fused.reshape(x, (-1, n)), self.gamma, self.beta,
                                   self.epsilon, self.rms_scaling)
        y = fused.reshape(y2, moved)
        return y if trailing else fused.transpose(y, list(np.argsort(order)))

    def get_config(self):
        config = super().get_config()
        config.update({
            "axis": self.axis,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "rms_scaling": self.rms_scaling,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "beta_regularizer": regularizers.serialize(self.beta_regularizer),
            "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
            "beta_constraint": constraints.serialize(self.beta_constraint),
            "gamma_constraint": constraints.serialize(self.gamma_constraint),
        })
        return config

    @classmethod
    def from_config(cls, config):
        # nested initializer/regularizer/constraint configs and the dtype
        # policy are resolved by Layer.from_config
        return super().from_config(config)
