"""Datasets, as in `keras.datasets`.

`digits` ships with nnlite: `nnlite.datasets.digits.load_data()`.
"""
from nnlite.datasets import digits

__all__ = ["digits"]
