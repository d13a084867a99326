"""Random initializers: normal, uniform, truncated normal and variance scaling.

Every instance returns the same values at every call, as in Keras 3: a seeded
one from its seed, an unseeded one from a seed drawn when it is created from
the global generator that `set_random_seed` sets (so two layers given the
same unseeded instance start from the same weights, as they do in Keras).
"""
import math

import numpy as np

from nnlite import config
from nnlite.backend.random import global_rng, make_rng
from nnlite.initializers.initializer import Initializer, compute_fans


class RandomInitializer(Initializer):
    def __init__(self, seed=None):
        make_rng(seed)  # validates the seed now, not at build time
        self._init_seed = seed
        self.seed = int(global_rng().integers(2 ** 31)) if seed is None else seed

    def _rng(self):
        return make_rng(self.seed)

    def get_config(self):
        return {"seed": self._init_seed}


def _truncated_normal(rng, shape, mean, stddev):
    """Normal samples redrawn until they lie within two standard deviations."""
    out = rng.standard_normal(shape)
    bad = np.abs(out) > 2.0
    while bad.any():
        out[bad] = rng.standard_normal(int(bad.sum()))
        bad = np.abs(out) > 2.0
    return out * stddev + mean


class RandomNormal(RandomInitializer):
    """Normal distribution.

    Args:
        mean: Defaults to `0.0`.
        stddev: Defaults to `0.05`.
        seed: An int or `None`. Defaults to `None`.
    """

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        super().__init__(seed)
        self.mean, self.stddev = mean, stddev

    def __call__(self, shape, dtype=None):
        v = self._rng().normal(self.mean, self.stddev, tuple(shape))
        return v.astype(dtype or config.floatx())

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self._init_seed}


class RandomUniform(RandomInitializer):
    """Uniform distribution on `[minval, maxval)`.

    Args:
        minval: Defaults to `-0.05`.
        maxval: Defaults to `0.05`.
        seed: An int or `None`. Defaults to `None`.
    """

    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        super().__init__(seed)
        self.minval, self.maxval = minval, maxval

    def __call__(self, shape, dtype=None):
        v = self._rng().uniform(self.minval, self.maxval, tuple(shape))
        return v.astype(dtype or config.floatx())

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval, "seed": self._init_seed}


class TruncatedNormal(RandomInitializer):
    """Normal distribution with samples beyond two standard deviations redrawn.

    Args:
        mean: Defaults to `0.0`.
        stddev: Defaults to `0.05`.
        seed: An int or `None`. Defaults to `None`.
    """

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        super().__init__(seed)
        self.mean, self.stddev = mean, stddev

    def __call__(self, shape, dtype=None):
        v = _truncated_normal(self._rng(), tuple(shape), self.mean, self.stddev)
        return v.astype(dtype or config.floatx())

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self._init_seed}


class VarianceScaling(RandomInitializer):
    """Samples scaled to the weight's fan: `variance = scale / n`.

    n is fan_in, fan_out or their mean (`mode`); the distribution is a
    truncated normal with stddev `sqrt(variance) / .87962566103423978`, an
    untruncated normal, or uniform on `[-sqrt(3 * variance), sqrt(3 * variance)]`.

    Args:
        scale: Defaults to `1.0`.
        mode: `"fan_in"`, `"fan_out"` or `"fan_avg"`. Defaults to `"fan_in"`.
        distribution: `"truncated_normal"`, `"untruncated_normal"` or
            `"uniform"`. Defaults to `"truncated_normal"`.
        seed: An int or `None`. Defaults to `None`.
    """

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None):
        super().__init__(seed)
        if scale <= 0.0:
            raise ValueError("Argument `scale` must be positive. Received: scale=%r" % (scale,))
        if mode not in ("fan_in", "fan_out", "fan_avg"):
            raise ValueError("Invalid `mode` argument: %r" % (mode,))
        distribution = distribution.lower()
        if distribution == "normal":
            distribution = "truncated_normal"
        if distribution not in ("uniform", "truncated_normal", "untruncated_normal"):
            raise ValueError("Invalid `distribution` argument: %r" % (distribution,))
        self.scale, self.mode, self.distribution = scale, mode, distribution

    def __call__(self, shape, dtype=None):
        fan_in, fan_out = compute_fans(shape)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        variance = self.scale / max(1.0, n)
        rng = self._rng()
        if self.distribution == "truncated_normal":
            v = _truncated_normal(rng, tuple(shape), 0.0, math.sqrt(variance) / 0.87962566103423978)
        elif self.distribution == "untruncated_normal":
            v = rng.normal(0.0, math.sqrt(variance), tuple(shape))
        else:
            limit = math.sqrt(3.0 * variance)
            v = rng.uniform(-limit, limit, tuple(shape))
        return v.astype(dtype or config.floatx())

    def get_config(self):
        return {"scale": self.scale, "mode": self.mode, "distribution": self.distribution,
                "seed": self._init_seed, "input_axes": None, "output_axes": None}

    @classmethod
    def from_config(cls, config):
        """Accepts Keras 3.15's `input_axes`/`output_axes` keys (fan axes of
        einsum kernels) when they are `None`, their default."""
        config = dict(config)
        for key in ("input_axes", "output_axes"):
            if config.pop(key, None) is not None:
                raise NotImplementedError(
                    "%s: custom fan axes (%s) are not supported by nnlite. Received: %r"
                    % (cls.__name__, key, config))
        return cls(**config)


def _preset(name, scale, mode, distribution, doc):
    def __init__(self, seed=None):
        VarianceScaling.__init__(self, scale=scale, mode=mode, distribution=distribution,
                                 seed=seed)

    def get_config(self):
        return {"seed": self._init_seed, "input_axes": None, "output_axes": None}

    return type(name, (VarianceScaling,), {"__init__": __init__, "get_config": get_config,
                                           "__doc__": doc})


GlorotUniform = _preset("GlorotUniform", 1.0, "fan_avg", "uniform",
                        "Glorot uniform: U(-limit, limit), limit = sqrt(6 / (fan_in + fan_out)).")
GlorotNormal = _preset("GlorotNormal", 1.0, "fan_avg", "truncated_normal",
                       "Glorot normal: truncated normal, stddev = sqrt(2 / (fan_in + fan_out)).")
HeUniform = _preset("HeUniform", 2.0, "fan_in", "uniform",
                    "He uniform: U(-limit, limit), limit = sqrt(6 / fan_in).")
HeNormal = _preset("HeNormal", 2.0, "fan_in", "truncated_normal",
                   "He normal: truncated normal, stddev = sqrt(2 / fan_in).")
LecunUniform = _preset("LecunUniform", 1.0, "fan_in", "uniform",
                       "LeCun uniform: U(-limit, limit), limit = sqrt(3 / fan_in).")
LecunNormal = _preset("LecunNormal", 1.0, "fan_in", "truncated_normal",
                      "LeCun normal: truncated normal, stddev = sqrt(1 / fan_in).")
