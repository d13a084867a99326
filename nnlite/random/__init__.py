"""Random tensors and seeds, as `keras.random`."""
from nnlite.random.random import (beta, binomial, categorical, dropout, gamma, normal,
                                  randint, shuffle, truncated_normal, uniform)
from nnlite.random.seed_generator import SeedGenerator, draw_generator

__all__ = ["SeedGenerator", "beta", "binomial", "categorical", "dropout", "draw_generator",
           "gamma", "normal", "randint", "shuffle", "truncated_normal", "uniform"]
