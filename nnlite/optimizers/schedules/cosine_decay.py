"""CosineDecay learning-rate schedule, with optional linear warmup."""
import numpy as np

from nnlite.optimizers.schedules.learning_rate_schedule import (
    LearningRateSchedule, _check_decay_steps, _result, _step)


class CosineDecay(LearningRateSchedule):
    """Cosine decay (SGDR without restarts), optionally after a linear warmup.

    Without warmup: `lr0 * ((1 - alpha) * 0.5 * (1 + cos(pi * s / decay_steps)) + alpha)`
    with `s = min(step, decay_steps)` and `lr0 = initial_learning_rate`. With
    `warmup_target`, the rate first rises linearly from `initial_learning_rate`
    to `warmup_target` over `warmup_steps` steps, then decays from
    `warmup_target` as above with `s = min(step, decay_steps + warmup_steps) -
    warmup_steps`.

    Args:
        initial_learning_rate: A float.
        decay_steps: A number > 0, the length of the decay.
        alpha: The final rate as a fraction of the start of the decay.
            Defaults to `0.0`.
        name: Defaults to `"CosineDecay"`.
        warmup_target: The rate reached at the end of the warmup, or `None`
            for no warmup. Defaults to `None`.
        warmup_steps: Defaults to `0`.

    Example:

    >>> lr = CosineDecay(0.1, decay_steps=100)
    >>> float(lr(50))  # 0.05
    """

    def __init__(self, initial_learning_rate, decay_steps, alpha=0.0, name="CosineDecay",
                 warmup_target=None, warmup_steps=0):
        super().__init__()
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.alpha = alpha
        self.name = name
        self.warmup_steps = warmup_steps
        self.warmup_target = warmup_target
        _check_decay_steps("decay_steps", decay_steps)

    def _decay(self, s, decay_from):
        cosine = 0.5 * (1.0 + np.cos(np.pi * s / float(self.decay_steps)))
        return decay_from * ((1.0 - self.alpha) * cosine + self.alpha)

    def __call__(self, step):
        step = _step(step)
        decay_steps = float(self.decay_steps)
        lr0 = float(self.initial_learning_rate)
        if self.warmup_target is None:
            return _result(self._decay(np.minimum(step, decay_steps), lr0))
        target, warmup = float(self.warmup_target), float(self.warmup_steps)
        step = np.minimum(step, decay_steps + warmup)
        with np.errstate(divide="ignore", invalid="ignore"):
            rising = (target - lr0) * (step / warmup) + lr0
        return _result(np.where(step < warmup, rising, self._decay(step - warmup, target)))

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "alpha": self.alpha, "name": self.name,
                "warmup_target": self.warmup_target, "warmup_steps": self.warmup_steps}
