"""LearningRateSchedule: the base class of learning-rate schedules."""
import numpy as np


class LearningRateSchedule:
    """A learning rate that depends on the optimizer step.

    An optimizer given a schedule as `learning_rate` calls it with its
    `iterations` (the number of steps already taken, so 0 for the first step)
    before each step. Subclasses override `__call__(step)` and `get_config()`.

    Example:

    >>> class Halving(LearningRateSchedule):
    ...     def __call__(self, step):
    ...         return 0.1 * 0.5 ** (step // 10)
    ...     def get_config(self):
    ...         return {}
    """

    def __call__(self, step):
        raise NotImplementedError(
            "Learning rate schedule '%s' must override `__call__(self, step)`."
            % type(self).__name__)

    def get_config(self):
        raise NotImplementedError(
            "Learning rate schedule '%s' must override `get_config()` in order to be "
            "serializable." % type(self).__name__)

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _step(step):
    """The step as float64 (a number, an array or a Variable)."""
    value = getattr(step, "value", step)
    return np.asarray(value, dtype=np.float64)


def _progress(step, decay_steps, staircase):
    """`step / decay_steps` in float64, floored when `staircase` is true (the
    exponent of ExponentialDecay, the `p` of InverseTimeDecay)."""
    p = _step(step) / decay_steps
    return np.floor(p) if staircase else p


def _result(value):
    """A float32 result, as Keras's schedules return (a scalar for a scalar step)."""
    out = np.asarray(value, dtype=np.float32)
    return out[()] if out.ndim == 0 else out


def _check_decay_steps(name, value):
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError("Argument `%s` must be a number. Received: %s=%r" % (name, name, value))
    if value <= 0:
        raise ValueError("Argument `%s` must be > 0. Received: %s=%r" % (name, name, value))
