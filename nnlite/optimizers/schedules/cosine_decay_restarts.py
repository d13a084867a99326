"""CosineDecayRestarts learning-rate schedule (SGDR)."""
import numpy as np

from nnlite.optimizers.schedules.learning_rate_schedule import (
    LearningRateSchedule, _check_decay_steps, _result, _step)


class CosineDecayRestarts(LearningRateSchedule):
    """Cosine decay with warm restarts (SGDR, Loshchilov & Hutter 2016).

    The first period lasts `first_decay_steps` steps, each next one `t_mul`
    times longer, and restart i starts from `m_mul ** i` times the initial
    rate. Within a period at fraction `f`:
    `lr0 * ((1 - alpha) * 0.5 * m_mul ** i * (1 + cos(pi * f)) + alpha)`.

    Args:
        initial_learning_rate: A float.
        first_decay_steps: A number > 0.
        t_mul: Period growth factor. Defaults to `2.0`.
        m_mul: Restart rate factor. Defaults to `1.0`.
        alpha: The final rate as a fraction of the initial one. Defaults to `0.0`.
        name: Defaults to `"SGDRDecay"`.

    Example:

    >>> lr = CosineDecayRestarts(0.1, first_decay_steps=10)
    >>> float(lr(10))  # 0.1: the first restart
    """

    def __init__(self, initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0,
                 alpha=0.0, name="SGDRDecay"):
        super().__init__()
        self.initial_learning_rate = initial_learning_rate
        self.first_decay_steps = first_decay_steps
        self._t_mul = t_mul
        self._m_mul = m_mul
        self.alpha = alpha
        self.name = name
        _check_decay_steps("first_decay_steps", first_decay_steps)

    def __call__(self, step):
        fraction = _step(step) / float(self.first_decay_steps)
        t_mul = float(self._t_mul)
        if t_mul == 1.0:
            restart = np.floor(fraction)
            fraction = fraction - restart
        else:
            restart = np.floor(np.log(1.0 - fraction * (1.0 - t_mul)) / np.log(t_mul))
            done = (1.0 - np.power(t_mul, restart)) / (1.0 - t_mul)
            fraction = (fraction - done) / np.power(t_mul, restart)
        cosine = 0.5 * np.power(float(self._m_mul), restart) * (1.0 + np.cos(np.pi * fraction))
        decayed = (1.0 - self.alpha) * cosine + self.alpha
        return _result(self.initial_learning_rate * decayed)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "first_decay_steps": self.first_decay_steps, "t_mul": self._t_mul,
                "m_mul": self._m_mul, "alpha": self.alpha, "name": self.name}
