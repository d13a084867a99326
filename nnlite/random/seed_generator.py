"""SeedGenerator: a seed whose every draw advances it, as `keras.random.SeedGenerator`."""
import numpy as np

from nnlite.backend.random import global_rng, make_rng


def _check_int_seed(seed):
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise ValueError("Argument `seed` must be an integer. Received: seed=%r" % (seed,))
    if seed < 0:
        raise ValueError("Argument `seed` must be a non-negative integer. Received: seed=%r"
                         % (seed,))
    return int(seed)


class SeedGenerator:
    """A stateful seed for the functions of `nnlite.random`.

    Passing the same SeedGenerator to random functions gives different values
    at each call, reproducibly: each draw uses the state `[seed, counter]` and
    then increments `counter`. (An int seed gives the same values at every
    call; `seed=None` draws from the global generator `set_random_seed` sets.)

    Args:
        seed: The initial seed, an int. Defaults to `None` (a seed drawn from
            the global generator).
        name: Optional name. Defaults to `"seed_generator"`.

    Example:

    >>> gen = SeedGenerator(42)
    >>> a = normal((2,), seed=gen)
    >>> b = normal((2,), seed=gen)          # different from a
    >>> c = normal((2,), seed=SeedGenerator(42))   # equal to a
    """

    def __init__(self, seed=None, name=None, **kwargs):
        if kwargs:
            raise ValueError("Unrecognized keyword arguments: %s" % sorted(kwargs))
        if seed is None:
            seed = int(global_rng().integers(1, 10 ** 9))
        self._initial_seed = _check_int_seed(seed)
        self.name = name or "seed_generator"
        self.state = np.array([self._initial_seed, 0], dtype=np.int64)

    def next(self, ordered=True):
        """The current state `[seed, counter]` (a copy); advances the counter."""
        value = self.state.copy()
        self.state[1] += 1
        return value

    def generator(self):
        """A NumPy generator for the next draw (advances the state)."""
        return np.random.default_rng([int(v) for v in self.next()])

    def get_config(self):
        return {"seed": self._initial_seed}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return "<SeedGenerator seed=%d counter=%d>" % (self.state[0], self.state[1])


def draw_generator(seed):
    """The NumPy generator a random function draws from for `seed`.

    `None` gives the global generator (reseeded by `set_random_seed`); an int a
    fresh generator from that int (the same values at every call); a
    SeedGenerator a generator from its next state.
    """
    if isinstance(seed, SeedGenerator):
        return seed.generator()
    if seed is None or isinstance(seed, np.random.Generator):
        return make_rng(seed)
    return make_rng(_check_int_seed(seed))
