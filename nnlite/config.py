"""Global settings, as `keras.config`: float type and fuzz factor."""

_FLOATX = "float32"
_EPSILON = 1e-7


def floatx():
    """Returns the default float type as a string. Defaults to `"float32"`."""
    return _FLOATX


def set_floatx(value):
    """Sets the default float type: `"float32"` or `"float64"`."""
    global _FLOATX
    if value not in ("float32", "float64"):
        raise ValueError(
            "Unknown floatx type: %r. Expected 'float32' or 'float64'." % (value,))
    _FLOATX = value


def epsilon():
    """Returns the fuzz factor used in numeric expressions. Defaults to `1e-7`."""
    return _EPSILON


def set_epsilon(value):
    """Sets the fuzz factor used in numeric expressions."""
    global _EPSILON
    _EPSILON = float(value)
