"""nnlite: a Keras-compatible deep-learning library whose arithmetic runs in its own C core.

Replace `keras` with `nnlite` in a notebook's imports and it runs unchanged:

    from nnlite.models import Sequential
    from nnlite.layers import Dense
"""
__version__ = "0.1.0"

from nnlite import (activations, backend, callbacks, config, constraints, data, datasets,
                    distribution, initializers, layers, losses, metrics, models, ops,
                    optimizers, preprocessing, regularizers, utils)
from nnlite.backend.variable import Variable
from nnlite.layers import Input
from nnlite.models import Model, Sequential

__all__ = ["Input", "Model", "Sequential", "Variable", "activations", "backend", "callbacks",
           "config", "constraints", "data", "datasets", "distribution", "initializers", "layers",
           "losses", "metrics", "models", "ops", "optimizers", "preprocessing", "regularizers",
           "saving", "utils", "wrappers"]


def __getattr__(name):
    # `nnlite.saving` and `nnlite.wrappers` (which imports scikit-learn when
    # installed) are imported on first use: a script that only trains or
    # predicts does not pay for them at `import nnlite` (PEP 562)
    if name in ("saving", "wrappers"):
        import importlib
        return importlib.import_module("nnlite." + name)
    raise AttributeError("module 'nnlite' has no attribute %r" % (name,))
