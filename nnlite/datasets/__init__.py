"""Datasets, as in `keras.datasets`.

`digits` ships with nnlite: `nnlite.datasets.digits.load_data()`. The others
download Keras's files on first use into `~/.keras/datasets`
(`$KERAS_HOME/datasets`) and use the files Keras cached there as they are.

Each dataset module is imported on first use."""
from nnlite import _lazy

_NAMES = {
    "boston_housing": "nnlite.datasets.boston_housing",
    "california_housing": "nnlite.datasets.california_housing",
    "cifar10": "nnlite.datasets.cifar10",
    "cifar100": "nnlite.datasets.cifar100",
    "digits": "nnlite.datasets.digits",
    "fashion_mnist": "nnlite.datasets.fashion_mnist",
    "imdb": "nnlite.datasets.imdb",
    "mnist": "nnlite.datasets.mnist",
    "reuters": "nnlite.datasets.reuters",
}
__getattr__, __dir__ = _lazy.attach(__name__, _NAMES)
__all__ = sorted(_NAMES)
