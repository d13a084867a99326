"""Global settings, as `keras.config`: float type, fuzz factor and image data format."""

_FLOATX = "float32"
_EPSILON = 1e-7
_IMAGE_DATA_FORMAT = "channels_last"


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


def image_data_format():
    """Returns the default image data format, `"channels_last"` or
    `"channels_first"`. Defaults to `"channels_last"`."""
    return _IMAGE_DATA_FORMAT


def set_image_data_format(data_format):
    """Sets the default image data format: `"channels_last"` (images
    `(H, W, C)`) or `"channels_first"` (`(C, H, W)`)."""
    global _IMAGE_DATA_FORMAT
    value = str(data_format).lower()
    if value not in ("channels_first", "channels_last"):
        raise ValueError("The `data_format` argument must be one of {'channels_first', "
                         "'channels_last'}. Received: data_format=%s" % (data_format,))
    _IMAGE_DATA_FORMAT = value


def set_num_threads(n):
    """Sets how many threads nnlite's C core may use (at least 1).

    Defaults to the usable cores, or the `NNLITE_NUM_THREADS` environment
    variable. Work is split so results do not depend on the thread count.
    """
    from nnlite import _core
    _core.set_num_threads(n)


def get_num_threads():
    """Returns how many threads nnlite's C core may use."""
    from nnlite import _core
    return _core.get_num_threads()


def runtime_info():
    """Which code paths run: a dict with the instruction set of the GEMM
    micro-kernels (`"avx512"`, `"avx2"` or `"ref"`, forced with the
    `NNLITE_ISA` environment variable), the ones this CPU supports, and the
    thread count."""
    from nnlite import _core
    return {"isa": _core.isa(),
            "isas_supported": [n for n in _core.ISAS if _core.isa_supported(n)],
            "num_threads": _core.get_num_threads(),
            "version": _core.version()}


def enable_unsafe_deserialization():
    """As `keras.config.enable_unsafe_deserialization()`: loading then behaves
    as with `safe_mode=False`. nnlite still never runs bytecode stored in a
    file (a saved lambda raises NotImplementedError instead of ValueError)."""
    from nnlite.saving import serialization_lib
    serialization_lib.enable_unsafe_deserialization()
