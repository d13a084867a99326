"""Optimizer base class: state slots per variable, iterations, learning rate."""
import numpy as np

from nnlite.backend.naming import auto_name
from nnlite.backend.variable import Variable


class Optimizer:
    """Base class of optimizers. Subclasses create their slots in `build` and
    update one variable in place in `update_step` (one C call).

    Args:
        learning_rate: A float. Defaults to the subclass's default.
        name: Defaults to the snake_case class name.
        weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema: accepted
            with Keras's defaults; only the defaults are supported so far.
    """

    def __init__(self, learning_rate, weight_decay=None, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        if kwargs:
            raise ValueError("Argument(s) not recognized: %s" % (kwargs,))
        for arg, value in (("weight_decay", weight_decay), ("clipnorm", clipnorm),
                           ("clipvalue", clipvalue), ("global_clipnorm", global_clipnorm),
                           ("loss_scale_factor", loss_scale_factor),
                           ("gradient_accumulation_steps", gradient_accumulation_steps)):
            if value is not None:
                raise NotImplementedError(
                    "%s is not supported by nnlite yet. Received: %s=%r" % (arg, arg, value))
        if use_ema:
            raise NotImplementedError("use_ema is not supported by nnlite yet")
        self.name = name or auto_name(type(self).__name__)
        self._learning_rate = Variable(_check_lr(learning_rate), shape=(), dtype="float32",
                                       trainable=False, name="learning_rate")
        self._iterations = Variable(0, shape=(), dtype="int64", trainable=False,
                                    name="iteration")
        self._variables_ids = None
        self.built = False

    # -- learning rate and iterations ---------------------------------------
    @property
    def learning_rate(self):
        return self._learning_rate

    @learning_rate.setter
    def learning_rate(self, value):
        self._learning_rate.assign(_check_lr(float(value)))

    @property
    def iterations(self):
        return self._iterations

    def _lr(self):
        return float(self._learning_rate.value)

    # -- slots ---------------------------------------------------------------
    def build(self, variables):
        """Creates the slots (moments, velocities, ...) for `variables`."""
        self._variables_ids = [id(v) for v in variables]
        self.built = True

    def add_variable_from_reference(self, reference_variable, name, initial=0.0):
        value = np.full(reference_variable.shape, initial, dtype=reference_variable.value.dtype)
        return Variable(value, dtype=value.dtype, trainable=False,
                        name="%s_%s" % (reference_variable.name, name))

    @property
    def variables(self):
        return [self._iterations, self._learning_rate] + self._slot_variables()

    def _slot_variables(self):
        return []

    # -- updates -------------------------------------------------------------
    def apply_gradients(self, grads_and_vars):
        """Applies `(gradient, variable)` pairs, as Keras's `apply_gradients`."""
        grads_and_vars = list(grads_and_vars)
        return self.apply([g for g, _ in grads_and_vars], [v for _, v in grads_and_vars])

    def apply(self, grads, trainable_variables):
        """Updates each variable in place with its gradient, then counts one iteration."""
        trainable_variables = list(trainable_variables)
        grads = list(grads)
        if len(grads) != len(trainable_variables):
            raise ValueError("Got %d gradients for %d variables"
                             % (len(grads), len(trainable_variables)))
        if not self.built:
            self.build(trainable_variables)
        elif [id(v) for v in trainable_variables] != self._variables_ids:
            raise ValueError("This optimizer was built for a different set of variables. "
                             "Create a new optimizer for a different model.")
        lr = self._lr()
        for i, (g, v) in enumerate(zip(grads, trainable_variables)):
            if g is None:
                continue
            g = np.require(np.asarray(g, dtype=v.value.dtype), requirements="C")
            if g.shape != v.shape:
                raise ValueError("Gradient of shape %s for variable %r of shape %s"
                                 % (g.shape, v.name, v.shape))
            self.update_step(i, g, v, lr)
        self._iterations.value[...] += 1
        return self._iterations

    def update_step(self, index, gradient, variable, learning_rate):
        raise NotImplementedError

    # -- config --------------------------------------------------------------
    def get_config(self):
        return {"name": self.name, "learning_rate": self._lr(), "weight_decay": None,
                "clipnorm": None, "global_clipnorm": None, "clipvalue": None,
                "use_ema": False, "ema_momentum": 0.99, "ema_overwrite_frequency": None,
                "loss_scale_factor": None, "gradient_accumulation_steps": None}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        return cls(**config)


def _check_lr(value):
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)):
        raise TypeError("learning_rate must be a number. Received: learning_rate=%r" % (value,))
    if not np.isfinite(value) or value < 0:
        raise ValueError("learning_rate must be a finite number >= 0. Received: "
                         "learning_rate=%r" % (value,))
    return float(value)
