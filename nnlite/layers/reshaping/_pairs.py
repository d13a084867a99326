"""The `((top, bottom), (left, right))` argument of ZeroPadding2D and Cropping2D."""
from nnlite.ops.pooling import standardize_tuple


def standardize_pairs(value, name):
    """An int (all four sides), `(symmetric_height, symmetric_width)`, or
    `((top, bottom), (left, right))`, as a tuple of two pairs of ints >= 0."""
    if isinstance(value, int) and not isinstance(value, bool):
        if value < 0:
            raise ValueError("`%s` cannot be negative. Received: %s=%r" % (name, name, value))
        return ((value, value), (value, value))
    if hasattr(value, "__len__") and not isinstance(value, str):
        if len(value) != 2:
            raise ValueError("`%s` should have two elements. Received: %s=%r"
                             % (name, name, value))
        return (standardize_tuple(value[0], 2, "1st entry of %s" % name, allow_zero=True),
                standardize_tuple(value[1], 2, "2nd entry of %s" % name, allow_zero=True))
    raise ValueError("`%s` should be either an int, a tuple of 2 ints (symmetric_height, "
                     "symmetric_width), or a tuple of 2 tuples of 2 ints ((top, bottom), "
                     "(left, right)). Received: %s=%r" % (name, name, value))
