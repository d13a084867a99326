"""Datasets, as in `keras.datasets`.

`digits` ships with nnlite: `nnlite.datasets.digits.load_data()`. The others
download Keras's files on first use into `~/.keras/datasets`
(`$KERAS_HOME/datasets`) and use the files Keras cached there as they are.
"""
from nnlite.datasets import (
    boston_housing,
    california_housing,
    cifar10,
    cifar100,
    digits,
    fashion_mnist,
    imdb,
    mnist,
    reuters,
)

__all__ = [
    "boston_housing",
    "california_housing",
    "cifar10",
    "cifar100",
    "digits",
    "fashion_mnist",
    "imdb",
    "mnist",
    "reuters",
]
