"""Keras 3's `keras.distribution` over MPI: data-parallel training with one
process per device, launched as `mpiexec -n 4 python train.py`.

    import nnlite
    nnlite.distribution.initialize()
    nnlite.distribution.set_distribution(nnlite.distribution.DataParallel())

mpi4py (`pip install 'nnlite-keras[mpi]'`) is imported on first use only.
"""
from nnlite.distribution.data_parallel import DataParallel
from nnlite.distribution.distribution_lib import (distribution, initialize, list_devices,
                                                  set_distribution)

__all__ = ["DataParallel", "distribution", "initialize", "list_devices", "set_distribution"]
