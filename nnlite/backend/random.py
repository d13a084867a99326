"""Random state: one global NumPy generator that `set_random_seed` reseeds."""
import random as _pyrandom

import numpy as np

# Created on first use: importing numpy.random costs ~10 ms, which a script
# that only predicts need not pay.
_state = {"rng": None}


def global_rng():
    """The generator used by unseeded initializers, shuffling and dropout."""
    rng = _state["rng"]
    if rng is None:
        rng = _state["rng"] = np.random.default_rng()
    return rng


def make_rng(seed=None):
    """A generator for `seed` (an int), or the global one when `seed` is None."""
    if seed is None:
        return global_rng()
    if type(seed).__name__ == "Generator":
        return seed
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise ValueError("seed must be an int or None. Received: seed=%r" % (seed,))
    return np.random.default_rng(int(seed))


def set_random_seed(seed):
    """Sets the seed of Python's `random`, NumPy's global state and nnlite.

    After `set_random_seed(s)` a script builds the same weights, shuffles the
    same way and trains to the same result.

    Args:
        seed: Integer, the seed to use.
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise ValueError("Expected `seed` argument to be an integer. Received: seed=%r" % (seed,))
    _pyrandom.seed(int(seed))
    np.random.seed(int(seed) % (2 ** 32))
    _state["rng"] = np.random.default_rng(int(seed))
