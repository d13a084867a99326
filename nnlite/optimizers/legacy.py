"""`keras.optimizers.legacy` (TF 2.11-2.15): the Keras 2 optimizer classes.

Keras 3 raises ImportError for this module. nnlite accepts it with a
FutureWarning: each name builds the Keras 3 optimizer of the same name (the
Keras 2 arguments `lr=` and `decay=` are accepted there too).

Example:

>>> from nnlite.optimizers.legacy import Adam
>>> opt = Adam(lr=0.001)    # FutureWarnings, then an nnlite.optimizers.Adam
"""
from nnlite.optimizers.adagrad import Adagrad as _Adagrad
from nnlite.optimizers.adam import Adam as _Adam
from nnlite.optimizers.optimizer import Optimizer
from nnlite.optimizers.rmsprop import RMSprop as _RMSprop
from nnlite.optimizers.sgd import SGD as _SGD
from nnlite.utils.legacy import warn_deprecated


def _legacy(cls):
    def make(*args, **kwargs):
        warn_deprecated("keras.optimizers.legacy.%s" % cls.__name__,
                        "keras.optimizers.%s" % cls.__name__)
        return cls(*args, **kwargs)
    make.__name__ = make.__qualname__ = cls.__name__
    make.__doc__ = "Builds `nnlite.optimizers.%s` (Keras 2 name, deprecated)." % cls.__name__
    return make


SGD = _legacy(_SGD)
Adam = _legacy(_Adam)
RMSprop = _legacy(_RMSprop)
Adagrad = _legacy(_Adagrad)

__all__ = ["Optimizer", "SGD", "Adam", "RMSprop", "Adagrad"]
