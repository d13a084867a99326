"""InverseTimeDecay learning-rate schedule."""
from nnlite.optimizers.schedules.learning_rate_schedule import (
    LearningRateSchedule, _check_decay_steps, _progress, _result)


class InverseTimeDecay(LearningRateSchedule):
    """Divides the learning rate by `1 + decay_rate * step / decay_steps`.

    `initial_learning_rate / (1 + decay_rate * p)` with `p = step / decay_steps`,
    floored when `staircase` is true. With `decay_steps=1` this is the Keras 2
    `decay=` argument.

    Args:
        initial_learning_rate: A float, the learning rate at step 0.
        decay_steps: A number > 0.
        decay_rate: A float.
        staircase: Whether to decay in whole intervals. Defaults to `False`.
        name: Defaults to `"InverseTimeDecay"`.

    Example:

    >>> lr = InverseTimeDecay(0.1, decay_steps=1, decay_rate=0.5)
    >>> float(lr(2))  # 0.05
    """

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False,
                 name="InverseTimeDecay"):
        super().__init__()
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name
        _check_decay_steps("decay_steps", decay_steps)

    def __call__(self, step):
        p = _progress(step, self.decay_steps, self.staircase)
        return _result(self.initial_learning_rate / (1.0 + self.decay_rate * p))

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "decay_rate": self.decay_rate,
                "staircase": self.staircase, "name": self.name}
