"""The few `tf.data` names that notebooks use around Keras datasets.

`nnlite.data.Dataset` is nnlite's streaming dataset (`from_tensor_slices`,
`map`, `batch`, `shuffle`, ...); `AUTOTUNE` is accepted wherever tf.data takes
it (`prefetch(buffer_size=AUTOTUNE)`, `map(..., num_parallel_calls=AUTOTUNE)`),
so `AUTOTUNE = tf.data.AUTOTUNE` becomes `AUTOTUNE = nnlite.data.AUTOTUNE`.

Each name imports its module on first use.
"""
from nnlite import _lazy

_NAMES = {
    "experimental": "nnlite.data.experimental",
    "AUTOTUNE": "nnlite.utils.dataset",
    "INFINITE_CARDINALITY": "nnlite.utils.dataset",
    "UNKNOWN_CARDINALITY": "nnlite.utils.dataset",
    "Dataset": "nnlite.utils.dataset",
}
__getattr__, __dir__ = _lazy.attach(__name__, _NAMES)
__all__ = sorted(_NAMES)
