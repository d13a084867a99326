"""BatchNormalization: normalizes each feature with batch or moving statistics."""
import numpy as np

from nnlite import _core, constraints, initializers, regularizers
from nnlite.distribution import distribution_lib
from nnlite.layers.layer import Layer
from nnlite.ops import fused


class BatchNormalization(Layer):
    """Normalizes each feature (the `axis` channel) over the batch.

    Training (`fit`, or `training=True`) uses the batch mean and biased
    variance: `y = gamma * (x - mean) / sqrt(var + epsilon) + beta`, and updates
    `moving_mean = moving_mean * momentum + mean * (1 - momentum)` (likewise
    `moving_variance` with the biased batch variance). Inference uses the moving
    statistics. A layer with `trainable=False` always runs in inference mode
    and leaves its statistics alone (Keras 3 behaviour). Forward and backward
    run in C.

    Args:
        axis: The feature axis. Defaults to `-1`.
        momentum: Momentum of the moving averages. Defaults to `0.99`.
        epsilon: Added to the variance. Defaults to `1e-3`.
        center: Learn an offset `beta`. Defaults to `True`.
        scale: Learn a scale `gamma`. Defaults to `True`.
        beta_initializer, gamma_initializer: Defaults to `"zeros"`, `"ones"`.
        moving_mean_initializer, moving_variance_initializer: Defaults to
            `"zeros"`, `"ones"`.
        beta_regularizer, gamma_regularizer, beta_constraint,
            gamma_constraint: Optional. Defaults to `None`.

    Weights: `gamma`, `beta` (trainable), `moving_mean`, `moving_variance`
    (non-trainable), in that order.

    Input shape: any; output shape: the same.

    Example:

    >>> layer = BatchNormalization()
    >>> y = layer(np.random.rand(8, 3), training=True)
    """

    supports_masking = True
    uses_batch_statistics = True    # training mixes the samples of a batch

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones",
                 moving_mean_initializer="zeros", moving_variance_initializer="ones",
                 beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                 gamma_constraint=None, renorm=False, renorm_clipping=None,
                 renorm_momentum=0.99, synchronized=False, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)):
            raise NotImplementedError("BatchNormalization over several axes is not supported. "
                                      "Received: axis=%r" % (axis,))
        if renorm:
            raise NotImplementedError("renorm=True is not supported by nnlite yet")
        if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
            raise TypeError("axis must be an integer. Received: axis=%r" % (axis,))
        self.axis = int(axis)
        for arg, value in (("momentum", momentum), ("epsilon", epsilon)):
            if isinstance(value, bool) or not isinstance(value, (int, float, np.integer,
                                                                 np.floating)):
                raise TypeError("%s must be a number. Received: %s=%r" % (arg, arg, value))
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        if not self.epsilon >= 0:
            raise ValueError("epsilon must be >= 0. Received: epsilon=%r" % (epsilon,))
        self.center = bool(center)
        self.scale = bool(scale)
        self.synchronized = bool(synchronized)
        self.renorm = False
        self.renorm_clipping = renorm_clipping
        self.renorm_momentum = renorm_momentum
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.gamma = self.beta = self.moving_mean = self.moving_variance = None

    def build(self, input_shape):
        ndim = len(input_shape)
        if not -ndim <= self.axis < ndim:
            raise ValueError("Axis %d is out of bounds for input shape %s. Received: axis=%d"
                             % (self.axis, tuple(input_shape), self.axis))
        dim = input_shape[self.axis]
        if dim is None:
            raise ValueError("Axis %d of the input to BatchNormalization must be defined. "
                             "Received: input_shape=%s" % (self.axis, tuple(input_shape)))
        shape = (dim,)
        if self.scale:
            self.gamma = self.add_weight(shape=shape, name="gamma",
                                         initializer=self.gamma_initializer,
                                         regularizer=self.gamma_regularizer,
                                         constraint=self.gamma_constraint)
        if self.center:
            self.beta = self.add_weight(shape=shape, name="beta",
                                        initializer=self.beta_initializer,
                                        regularizer=self.beta_regularizer,
                                        constraint=self.beta_constraint)
        self.moving_mean = self.add_weight(shape=shape, name="moving_mean",
                                           initializer=self.moving_mean_initializer,
                                           trainable=False)
        self.moving_variance = self.add_weight(shape=shape, name="moving_variance",
                                               initializer=self.moving_variance_initializer,
                                               trainable=False)
        super().build(input_shape)

    def compute_output_shape(self, input_shape):
        if not -len(input_shape) <= self.axis < len(input_shape):
            raise ValueError("Axis %d is out of bounds for input shape %s. Received: axis=%d"
                             % (self.axis, tuple(input_shape), self.axis))
        return tuple(input_shape)

    def _check_input(self, x):
        dim = self.moving_mean.shape[0]
        if x.ndim != len(self._build_input_shape) or x.shape[self.axis] != dim:
            raise ValueError('Input 0 of layer "%s" is incompatible with the layer: expected '
                             "axis %d of input shape to have value %d, but received input "
                             "with shape %s" % (self.name, self.axis, dim, x.shape))

    def call(self, inputs, training=False):
        self._check_input(inputs)
        # frozen means inference mode, as in Keras 3
        batch_stats = bool(training) and self.trainable
        # in a data-parallel training step: the global batch's statistics
        reducer = distribution_lib.step_reducer() if batch_stats else None
        return fused.batch_norm(inputs, self.gamma if self.scale else None,
                                self.beta if self.center else None, self.axis,
                                self.moving_mean.value, self.moving_variance.value,
                                self.epsilon, self.momentum, batch_stats, reducer)

    def get_config(self):
        config = super().get_config()
        config.update({
            "axis": self.axis,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "moving_mean_initializer": initializers.serialize(self.moving_mean_initializer),
            "moving_variance_initializer": initializers.serialize(
                self.moving_variance_initializer),
            "beta_regularizer": regularizers.serialize(self.beta_regularizer),
            "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
            "beta_constraint": constraints.serialize(self.beta_constraint),
            "gamma_constraint": constraints.serialize(self.gamma_constraint),
            "synchronized": self.synchronized,
            "renorm": self.renorm,
            "renorm_clipping": self.renorm_clipping,
            "renorm_momentum": self.renorm_momentum,
        })
        return config

    @classmethod
    def from_config(cls, config):
        # nested initializer/regularizer/constraint configs and the dtype
        # policy are resolved by Layer.from_config; tf.keras 2 writes the
        # axis as a one-element list
        config = dict(config)
        axis = config.get("axis")
        if isinstance(axis, (list, tuple)) and len(axis) == 1:
            config["axis"] = axis[0]
        return super().from_config(config)
