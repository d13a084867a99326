"""DataParallel: Keras 3's data-parallel distribution, one MPI process per device."""
import contextlib
import os
import sys
import traceback

import numpy as np

from nnlite.distribution import distribution_lib
from nnlite.distribution.flat_buffer import FlatBuffer
from nnlite.distribution.self_comm import SelfComm
from nnlite.distribution.step_reducer import StepReducer


def shard_bounds(n, num_shards, index):
    """`(lo, hi)`: the rows of a batch of `n` that shard `index` of
    `num_shards` takes. Contiguous, in order, sizes differing by at most one
    (the first `n % num_shards` shards take one row more)."""
    base, extra = divmod(int(n), int(num_shards))
    lo = index * base + min(index, extra)
    return lo, lo + base + (1 if index < extra else 0)


class DataParallel:
    """Data parallelism over MPI processes, as `keras.distribution.DataParallel`.

    Every process holds the whole model and the whole data set. Under this
    distribution `fit(batch_size=B)` takes global batches of `B` rows (the
    same shuffle on every process: rank 0's order is broadcast each epoch);
    rank `r` computes the gradients of its contiguous shard of about `B / N`
    rows, and one in-place `Allreduce` over a single flat buffer sums
    `(n_r / B) · g_r`, which is the gradient of the whole global batch. Every
    process then applies the same update, so the weights stay identical.
    The loss and metrics are the global batch's (their state travels in the
    same buffer); the progress bar, `ModelCheckpoint` and `CSVLogger` act on
    rank 0 only. `evaluate`, `predict` and validation on arrays give each rank
    a contiguous block of the rows (metric states summed, predictions
    gathered in order). With generators, datasets or `steps_per_epoch` every
    rank must draw the same batches (the same seed). Unless
    `NNLITE_NUM_THREADS` is set, each process takes an equal share of its
    machine's cores.

    Args:
        device_mesh: Not supported (nnlite has no device meshes); must be
            `None`. Defaults to `None`.
        devices: The devices to use, one per MPI process, as `list_devices()`
            returns them. Defaults to `None` (all processes).
        auto_shard_dataset: Accepted for Keras compatibility. Defaults to `True`.

    Example:

    >>> import nnlite
    >>> nnlite.distribution.initialize()
    >>> nnlite.distribution.set_distribution(nnlite.distribution.DataParallel())
    >>> model.fit(x, y, batch_size=256)     # run as `mpiexec -n 4 python train.py`
    """

    def __init__(self, device_mesh=None, devices=None, auto_shard_dataset=True):
        if device_mesh is not None:
            raise ValueError("nnlite's DataParallel takes `devices`; device meshes are not "
                             "supported. Received: device_mesh=%r" % (device_mesh,))
        if devices is not None and (isinstance(devices, (str, bytes))
                                    or not isinstance(devices, (list, tuple))):
            raise TypeError("DataParallel expects `devices` as a list of device names (as "
                            "list_devices() gives them). Received: devices=%r" % (devices,))
        comm = distribution_lib.world()
        all_devices = distribution_lib.list_devices()
        devices = all_devices if devices is None else [str(d) for d in devices]
        if sorted(devices) != sorted(all_devices):
            raise ValueError("DataParallel needs one device per MPI process, %s. Received: "
                             "devices=%r" % (all_devices, devices))
        self._devices = devices
        self._comm = comm
        self.auto_shard_dataset = auto_shard_dataset
        mpi = None if isinstance(comm, SelfComm) else distribution_lib.mpi_module()
        self._in_place = None if mpi is None else mpi.IN_PLACE
        self._sum = None if mpi is None else mpi.SUM
        self._step_buffer = None
        self._metric_state = None
        if self.num_processes > 1 and "NNLITE_NUM_THREADS" not in os.environ:
            _share_cores()

    # -- the Keras surface -------------------------------------------------------
    @property
    def devices(self):
        return list(self._devices)

    @property
    def batch_dim_name(self):
        return "batch"

    @property
    def rank(self):
        """This process's index among the `num_processes`."""
        return self._comm.Get_rank()

    @property
    def num_processes(self):
        return self._comm.Get_size()

    @contextlib.contextmanager
    def scope(self):
        """Makes this the global distribution inside a `with` block."""
        previous = distribution_lib.distribution()
        distribution_lib.set_distribution(self)
        try:
            yield
        finally:
            distribution_lib.set_distribution(previous)

    # -- what the trainer calls ----------------------------------------------------
    def run(self, fn, *args, **kwargs):
        """Runs `fn` (a whole `fit`); an exception on one rank prints its
        traceback naming the rank and aborts every rank (`MPI_Abort`), so the
        others, waiting in a collective, stop instead of hanging. Errors every
        rank raises alike (a model mismatch) are raised normally."""
        try:
            return fn(*args, **kwargs)
        except BaseException as error:
            if self.num_processes == 1 or getattr(error, "nnlite_all_ranks", False):
                raise
            traceback.print_exc()
            print("nnlite.distribution: rank %d of %d raised %s: %s; aborting all ranks"
                  % (self.rank, self.num_processes, type(error).__name__, error),
                  file=sys.stderr, flush=True)
            self._comm.Abort(1)
            raise

    def for_this_rank(self, verbose, callbacks):
        """`(verbose, callbacks)` for this rank: rank 0 keeps both; the others
        are silent and drop the callbacks that write (the progress bar,
        `ModelCheckpoint`, `CSVLogger`)."""
        if self.rank == 0:
            return verbose, callbacks
        from nnlite.callbacks import CSVLogger, ModelCheckpoint, ProgbarLogger
        writers = (CSVLogger, ModelCheckpoint, ProgbarLogger)
        if callbacks is not None and not isinstance(callbacks, (list, tuple)):
            callbacks = [callbacks]
        return 0, [cb for cb in callbacks or () if not isinstance(cb, writers)]

    def begin_fit(self, model, data=None):
        """Checks that every rank holds the same model (weight shapes and
        dtypes) and data shapes, then copies rank 0's weights to all ranks.

        Args:
            model: The built model.
            data: Arrays (or `None`) whose shapes must agree across ranks.
        """
        variables = model.variables
        signature = ([(tuple(v.shape), str(v.value.dtype)) for v in variables],
                     [_data_shape(a) for a in data or ()])
        signatures = self._comm.allgather(signature)
        for r, other in enumerate(signatures):
            for what, mine, theirs in (("model weights", signatures[0][0], other[0]),
                                       ("data", signatures[0][1], other[1])):
                if mine != theirs:
                    error = ValueError(
                        "DataParallel: rank %d's %s differ from rank 0's. rank 0: %s; "
                        "rank %d: %s" % (r, what, mine, r, theirs))
                    error.nnlite_all_ranks = True
                    raise error
        for dtype in sorted({str(v.value.dtype) for v in variables}):
            group = [v for v in variables if str(v.value.dtype) == dtype]
            flat = FlatBuffer([v.shape for v in group], dtype)
            flat.pack([v.value for v in group])
            self._comm.Bcast(flat.buffer, root=0)
            for v, value in zip(group, flat.unpack()):
                v.value[...] = value
        self._step_buffer = None
        self._metric_state = None

    def broadcast_order(self, order):
        """Rank 0's shuffle order (an int64 array, changed in place), so every
        rank cuts the same global batches."""
        if order is not None:
            order = np.ascontiguousarray(order, dtype=np.int64)
            self._comm.Bcast(order, root=0)
        return order

    def shard_range(self, n):
        """`(lo, hi)`: this rank's rows of a global batch of `n`."""
        return shard_bounds(n, self.num_processes, self.rank)

    def reduce_packed(self, grad, sums):
        """Sums, over the ranks, a step's packed float32 gradients `grad` (in
        place, one `Allreduce`) and its loss and metric sums (four float64
        values, a second, tiny one); returns the summed sums."""
        self._comm.Allreduce(self._in_place, grad, op=self._sum)
        total = np.array(sums, dtype=np.float64)
        self._comm.Allreduce(self._in_place, total, op=self._sum)
        return total.tolist()

    def training_step(self, local_rows, global_rows):
        """A `with` block around one training step's forward pass, this rank
        holding `local_rows` of the global batch's `global_rows`: inside it
        BatchNormalization normalizes with the global batch's statistics (as
        Keras's DataParallel on JAX, where the batch is one sharded array),
        summed over the ranks; its backward pass keeps the same reducer."""
        return distribution_lib.stepping(StepReducer(self._comm, self._in_place, self._sum,
                                                     local_rows, global_rows))

    def shard(self, *arrays):
        """This rank's rows of a global batch: each of `arrays` (`None` stays
        `None`) sliced to `shard_bounds(len(arrays[0]), ...)`."""
        lo, hi = self.shard_range(len(arrays[0]))
        return tuple(None if a is None else a[lo:hi] for a in arrays)

    def reduce_step(self, grads, variables, metrics, local_rows, global_rows):
        """The global batch's gradients from this rank's `grads` (arrays, or
        `None` for an unconnected variable or an empty shard).

        Packs `(local_rows / global_rows) · g` for every gradient, one flag per
        variable (whether it has a gradient) and the state of `metrics` into
        one flat buffer, sums it over the ranks with one in-place
        `Allreduce`, and returns the summed gradients (`None` where no rank
        had one). The summed metric state is kept for `global_metrics`."""
        states = [m.additive_state() for m in metrics]
        counts = [len(st) for st in states]
        flat_states = [a for st in states for a in st]
        shapes = [tuple(v.shape) for v in variables] + [(len(variables),)] \
            + [a.shape for a in flat_states]
        dtype = np.result_type(*[v.value.dtype for v in variables])
        flat = self._step_buffer
        if flat is None or flat.shapes != shapes or flat.buffer.dtype != dtype:
            flat = self._step_buffer = FlatBuffer(shapes, dtype)
        n = len(variables)
        scale = local_rows / float(global_rows)
        flags = np.array([g is not None for g in grads], dtype=dtype)
        flat.pack(list(grads) + [flags] + flat_states,
                  scales=[scale] * n + [1] + [1] * len(flat_states))
        self._comm.Allreduce(self._in_place, flat.buffer, op=self._sum)
        out = flat.unpack()
        reduced, at = [], n + 1
        for count in counts:
            reduced.append(out[at:at + count])
            at += count
        self._metric_state = (list(metrics), reduced)
        return [g if f > 0 else None for g, f in zip(out[:n], out[n])]

    def sum_metrics(self, metrics):
        """Sets each of `metrics` to its state summed over the ranks (one
        `Allreduce`), after each rank evaluated its shard of the data."""
        states = [m.additive_state() for m in metrics]
        flat_states = [a for st in states for a in st]
        if not flat_states:
            return
        flat = FlatBuffer([a.shape for a in flat_states], np.float64)
        flat.pack(flat_states)
        self._comm.Allreduce(self._in_place, flat.buffer, op=self._sum)
        out, at = flat.unpack(), 0
        for m, st in zip(metrics, states):
            m.assign_additive_state(out[at:at + len(st)])
            at += len(st)

    def gather(self, value):
        """`[value of rank 0, value of rank 1, ...]` on every rank (pickled
        objects: a shard's predictions)."""
        return self._comm.allgather(value)

    @contextlib.contextmanager
    def global_metrics(self):
        """Inside the block the metrics hold their state summed over the ranks
        at the last `reduce_step` (so their results are the global batch's);
        their own state is put back after."""
        if self._metric_state is None:
            yield
            return
        metrics, reduced = self._metric_state
        local = [m.additive_state() for m in metrics]
        for m, values in zip(metrics, reduced):
            m.assign_additive_state(values)
        try:
            yield
        finally:
            for m, values in zip(metrics, local):
                m.assign_additive_state(values)


def _share_cores():
    """Gives each process an equal share of its machine's cores (the C core
    would otherwise start a thread per core in every process)."""
    from nnlite import config
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    local = distribution_lib.local_rank_and_size()[1]
    config.set_num_threads(max(1, cores // max(1, local)))


def _data_shape(a):
    """What must agree across ranks about one data array: its shape (the
    row count and the per-row shape), or for structured data its length."""
    if a is None:
        return None
    if isinstance(a, np.ndarray):
        return tuple(a.shape)
    return (type(a).__name__, len(a))
