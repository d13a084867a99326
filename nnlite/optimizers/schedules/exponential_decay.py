"""ExponentialDecay learning-rate schedule."""
import numpy as np

from nnlite.optimizers.schedules.learning_rate_schedule import (
    LearningRateSchedule, _check_decay_steps, _progress, _result)


class ExponentialDecay(LearningRateSchedule):
    """Decays the learning rate by `decay_rate` every `decay_steps` steps.

    `initial_learning_rate * decay_rate ** (step / decay_steps)`, with the
    exponent floored when `staircase` is true.

    Args:
        initial_learning_rate: A float, the learning rate at step 0.
        decay_steps: A number > 0.
        decay_rate: A float, the factor per `decay_steps` steps.
        staircase: Whether to decay in whole intervals. Defaults to `False`.
        name: Defaults to `"ExponentialDecay"`.

    Example:

    >>> lr = ExponentialDecay(0.1, decay_steps=10, decay_rate=0.9)
    >>> float(lr(10))  # 0.09
    """

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False,
                 name="ExponentialDecay"):
        super().__init__()
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name
        _check_decay_steps("decay_steps", decay_steps)

    def __call__(self, step):
        p = _progress(step, self.decay_steps, self.staircase)
        return _result(self.initial_learning_rate * np.power(float(self.decay_rate), p))

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "decay_rate": self.decay_rate,
                "staircase": self.staircase, "name": self.name}
