"""Keras 3's `keras.distribution` over MPI: data-parallel training with one
process per device, launched as `mpiexec -n 4 python train.py`.

    import nnlite
    nnlite.distribution.initialize()
    nnlite.distribution.set_distribution(nnlite.distribution.DataParallel())

mpi4py (`pip install 'nnlite-keras[mpi]'`) is imported on first use only.

Each name imports its module on first use.
"""
from nnlite import _lazy

_NAMES = {
    "DataParallel": "nnlite.distribution.data_parallel",
    "distribution": "nnlite.distribution.distribution_lib",
    "initialize": "nnlite.distribution.distribution_lib",
    "list_devices": "nnlite.distribution.distribution_lib",
    "set_distribution": "nnlite.distribution.distribution_lib",
}
__getattr__, __dir__ = _lazy.attach(__name__, _NAMES)
__all__ = sorted(_NAMES)
