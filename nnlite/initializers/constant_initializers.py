"""Constant initializers: Zeros, Ones, Constant."""
import numpy as np

from nnlite import config
from nnlite.initializers.initializer import Initializer


class Constant(Initializer):
    """Fills with a constant value.

    Args:
        value: The fill value. Defaults to `0.0`.
    """

    def __init__(self, value=0.0):
        self.value = value

    def __call__(self, shape, dtype=None):
        return np.full(tuple(shape), self.value, dtype=dtype or config.floatx())

    def get_config(self):
        return {"value": self.value}


class Zeros(Initializer):
    """Fills with zeros."""

    def __call__(self, shape, dtype=None):
        return np.zeros(tuple(shape), dtype=dtype or config.floatx())


class Ones(Initializer):
    """Fills with ones."""

    def __call__(self, shape, dtype=None):
        return np.ones(tuple(shape), dtype=dtype or config.floatx())
