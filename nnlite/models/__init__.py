"""Models, as `keras.models`."""
from nnlite.models.model import Model
from nnlite.models.sequential import Sequential

__all__ = ["Model", "Sequential"]
