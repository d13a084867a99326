"""The few `tf.data` names that notebooks use around Keras datasets.

`nnlite.data.Dataset` is nnlite's streaming dataset (`from_tensor_slices`,
`map`, `batch`, `shuffle`, ...); `AUTOTUNE` is accepted wherever tf.data takes
it (`prefetch(buffer_size=AUTOTUNE)`, `map(..., num_parallel_calls=AUTOTUNE)`),
so `AUTOTUNE = tf.data.AUTOTUNE` becomes `AUTOTUNE = nnlite.data.AUTOTUNE`.
"""
from nnlite.data import experimental
from nnlite.utils.dataset import AUTOTUNE, INFINITE_CARDINALITY, UNKNOWN_CARDINALITY, Dataset

__all__ = ["AUTOTUNE", "Dataset", "INFINITE_CARDINALITY", "UNKNOWN_CARDINALITY", "experimental"]
