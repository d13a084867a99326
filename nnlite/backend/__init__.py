"""Backend helpers kept for `keras.backend` idioms: epsilon, floatx, clear_session."""
from nnlite.backend.naming import clear_session
from nnlite.backend.random import set_random_seed
from nnlite.backend.variable import Variable
from nnlite.config import epsilon, floatx, set_epsilon, set_floatx

__all__ = ["Variable", "clear_session", "epsilon", "floatx", "set_epsilon", "set_floatx",
           "set_random_seed"]
