"""PolynomialDecay learning-rate schedule."""
import numpy as np

from nnlite.optimizers.schedules.learning_rate_schedule import (
    LearningRateSchedule, _check_decay_steps, _result, _step)


class PolynomialDecay(LearningRateSchedule):
    """Decays the learning rate polynomially to `end_learning_rate`.

    `(initial_learning_rate - end_learning_rate) * (1 - p) ** power +
    end_learning_rate` with `p = min(step, decay_steps) / decay_steps`; with
    `cycle`, `decay_steps` is multiplied by `ceil(step / decay_steps)` (1 at
    step 0) instead of capping the step.

    Args:
        initial_learning_rate: A float, the learning rate at step 0.
        decay_steps: A number > 0.
        end_learning_rate: Defaults to `0.0001`.
        power: Defaults to `1.0`.
        cycle: Whether to restart after `decay_steps`. Defaults to `False`.
        name: Defaults to `"PolynomialDecay"`.

    Example:

    >>> lr = PolynomialDecay(0.1, decay_steps=10, end_learning_rate=0.0)
    >>> float(lr(5))  # 0.05
    """

    def __init__(self, initial_learning_rate, decay_steps, end_learning_rate=0.0001, power=1.0,
                 cycle=False, name="PolynomialDecay"):
        super().__init__()
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.end_learning_rate = end_learning_rate
        self.power = power
        self.cycle = cycle
        self.name = name
        _check_decay_steps("decay_steps", decay_steps)

    def __call__(self, step):
        step = _step(step)
        decay_steps = float(self.decay_steps)
        if self.cycle:
            multiplier = np.where(step == 0, 1.0, np.ceil(step / decay_steps))
            decay_steps = decay_steps * multiplier
        else:
            step = np.minimum(step, decay_steps)
        p = step / decay_steps
        span = self.initial_learning_rate - self.end_learning_rate
        return _result(span * np.power(1.0 - p, self.power) + self.end_learning_rate)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "end_learning_rate": self.end_learning_rate,
                "power": self.power, "cycle": self.cycle, "name": self.name}
