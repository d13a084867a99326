"""PiecewiseConstantDecay learning-rate schedule."""
import numpy as np

from nnlite.optimizers.schedules.learning_rate_schedule import (
    LearningRateSchedule, _result, _step)


class PiecewiseConstantDecay(LearningRateSchedule):
    """A learning rate that is constant between step boundaries.

    `values[0]` while `step <= boundaries[0]`, `values[i]` while
    `boundaries[i-1] < step <= boundaries[i]`, and `values[-1]` after the last
    boundary.

    Args:
        boundaries: An increasing list of steps.
        values: A list of learning rates, one longer than `boundaries`.
        name: Defaults to `"PiecewiseConstant"`.

    Example:

    >>> lr = PiecewiseConstantDecay([100, 200], [1.0, 0.5, 0.1])
    >>> float(lr(150))  # 0.5
    """

    def __init__(self, boundaries, values, name="PiecewiseConstant"):
        super().__init__()
        if len(boundaries) != len(values) - 1:
            raise ValueError(
                "The length of boundaries should be 1 less than the length of values. "
                "Received: boundaries=%r of length %d, and values=%r of length %d."
                % (boundaries, len(boundaries), values, len(values)))
        self.boundaries = boundaries
        self.values = values
        self.name = name

    def __call__(self, step):
        # the number of boundaries strictly below the step picks the value
        index = np.searchsorted(np.asarray(self.boundaries, dtype=np.float64), _step(step),
                                side="left")
        return _result(np.asarray(self.values, dtype=np.float64)[index])

    def get_config(self):
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}
