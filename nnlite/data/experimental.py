"""`tf.data.experimental` names found in older notebooks."""
from nnlite.utils.dataset import AUTOTUNE, INFINITE_CARDINALITY, UNKNOWN_CARDINALITY


def cardinality(dataset):
    """`dataset.cardinality()`: the number of elements, -1 if infinite, -2 if unknown."""
    return dataset.cardinality()


__all__ = ["AUTOTUNE", "INFINITE_CARDINALITY", "UNKNOWN_CARDINALITY", "cardinality"]
