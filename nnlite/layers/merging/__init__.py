"""Merge layers, as `keras.layers` (`Add`, `Concatenate`, `Dot`, ... and
their function forms `add`, `concatenate`, `dot`, ...)."""
from nnlite.layers.merging.add import Add, add
from nnlite.layers.merging.average import Average, average
from nnlite.layers.merging.concatenate import Concatenate, concatenate
from nnlite.layers.merging.dot import Dot, dot
from nnlite.layers.merging.maximum import Maximum, maximum
from nnlite.layers.merging.minimum import Minimum, minimum
from nnlite.layers.merging.multiply import Multiply, multiply
from nnlite.layers.merging.subtract import Subtract, subtract

__all__ = ["Add", "Average", "Concatenate", "Dot", "Maximum", "Minimum", "Multiply",
           "Subtract", "add", "average", "concatenate", "dot", "maximum", "minimum",
           "multiply", "subtract"]
