"""Backend helpers kept for `keras.backend` idioms: epsilon, floatx, image data
format, clear_session."""
from nnlite.backend.naming import clear_session
from nnlite.backend.random import set_random_seed
from nnlite.backend.variable import Variable
from nnlite.config import (epsilon, floatx, image_data_format, set_epsilon, set_floatx,
                           set_image_data_format)

__all__ = ["Variable", "clear_session", "epsilon", "floatx", "image_data_format",
           "set_epsilon", "set_floatx", "set_image_data_format", "set_random_seed"]
