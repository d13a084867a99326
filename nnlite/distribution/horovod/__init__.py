"""A Horovod-shaped API over the same MPI processes, for code written for
`horovod.tensorflow.keras` (`import nnlite.distribution.horovod as hvd`):

    hvd.init()
    model.compile(optimizer=hvd.DistributedOptimizer(nnlite.optimizers.Adam(1e-3 * hvd.size())),
                  loss="sparse_categorical_crossentropy")
    model.fit(x_shard, y_shard, batch_size=32,
              callbacks=[hvd.callbacks.BroadcastGlobalVariablesCallback(0),
                         hvd.callbacks.MetricAverageCallback()],
              verbose=1 if hvd.rank() == 0 else 0)

As in Horovod, each process trains on its own data with its own batch size and
`DistributedOptimizer` averages the gradients over the processes before each
update (for Keras 3's own API see `nnlite.distribution.DataParallel`).
"""
import numpy as np

from nnlite.distribution import distribution_lib
from nnlite.distribution.flat_buffer import FlatBuffer
from nnlite.distribution.horovod import callbacks

Sum = "sum"
Average = "average"


def init(comm=None):
    """Starts MPI (mpi4py initializes it on import). `comm` is accepted for
    Horovod compatibility and must be `None` (all processes)."""
    if comm is not None:
        raise ValueError("nnlite's horovod runs on all MPI processes. Received: comm=%r"
                         % (comm,))
    distribution_lib.initialize()


def size():
    """The number of processes."""
    return distribution_lib.world().Get_size()


def rank():
    """This process's index, 0 to `size() - 1`."""
    return distribution_lib.world().Get_rank()


def local_rank():
    """This process's index among the processes on its machine."""
    return distribution_lib.local_rank_and_size()[0]


def local_size():
    """The number of processes on this machine."""
    return distribution_lib.local_rank_and_size()[1]


def allreduce(tensor, average=None, name=None, op=None):
    """The sum (`op=Sum`) or the mean (`op=Average`, the default) of `tensor`
    over all processes, as a new NumPy array of its dtype.

    Args:
        tensor: An array, Tensor, Variable or number.
        average: Horovod's older switch: `True` for `Average`, `False` for `Sum`.
        name: Accepted for Horovod compatibility.
        op: `Average` or `Sum`. Defaults to `Average`.
    """
    if op is None:
        op = Sum if average is False else Average
    if op not in (Sum, Average):
        raise ValueError("op must be hvd.Sum or hvd.Average. Received: op=%r" % (op,))
    value = np.array(tensor, dtype=None)
    if not np.issubdtype(value.dtype, np.floating):
        value = value.astype(np.float64)
    distribution_lib.allreduce_in_place(value.reshape(-1))
    if op == Average:
        value /= size()
    return value


def broadcast(tensor, root_rank, name=None):
    """`tensor` as process `root_rank` holds it, on every process (a new array)."""
    value = np.ascontiguousarray(np.array(tensor))
    distribution_lib.world().Bcast(value, root=root_rank)
    return value


def broadcast_variables(variables, root_rank):
    """Sets every Variable of `variables` to its value on `root_rank` (one
    `Bcast` per dtype over a flat buffer)."""
    variables = list(variables)
    comm = distribution_lib.world()
    for dtype in sorted({str(v.value.dtype) for v in variables}):
        group = [v for v in variables if str(v.value.dtype) == dtype]
        flat = FlatBuffer([v.shape for v in group], dtype)
        flat.pack([v.value for v in group])
        comm.Bcast(flat.buffer, root=root_rank)
        for v, value in zip(group, flat.unpack()):
            v.value[...] = value


def DistributedOptimizer(optimizer, name=None, op=Average, **kwargs):  # noqa: N802
    """A copy of `optimizer` whose `apply` first reduces the gradients over
    all processes (`op`: `Average`, Horovod's default, or `Sum`), in one
    `Allreduce` of a flat buffer; clipping and the update rule then run as
    the optimizer's own. Such an optimizer runs on the eager executor.

    Args:
        optimizer: An nnlite optimizer instance.
        name: Defaults to the optimizer's name.
        op: `Average` or `Sum`. Defaults to `Average`.
    """
    if op not in (Sum, Average):
        raise ValueError("op must be hvd.Sum or hvd.Average. Received: op=%r" % (op,))
    base = type(optimizer)

    def apply(self, grads, trainable_variables=None):
        grads = list(grads)
        variables = list(self._trainable_variables if trainable_variables is None
                         else trainable_variables)
        dtype = np.result_type(*[v.value.dtype for v in variables]) if variables \
            else np.float32
        flat = FlatBuffer([tuple(v.shape) for v in variables] + [(len(variables),)], dtype)
        flags = np.array([g is not None for g in grads], dtype=dtype)
        scale = 1.0 / size() if op == Average else 1.0
        flat.pack(grads + [flags], scales=[scale] * len(grads) + [1])
        distribution_lib.allreduce_in_place(flat.buffer)
        out = flat.unpack()
        reduced = [g if f > 0 else None for g, f in zip(out[:-1], out[-1])]
        return base.apply(self, reduced, trainable_variables)

    cls = type("Distributed" + base.__name__, (base,), {"apply": apply})
    config = optimizer.get_config()
    if name is not None:
        config["name"] = name
    return cls.from_config(config)
