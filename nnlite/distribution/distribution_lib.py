"""Keras 3's distribution functions over MPI: list_devices, initialize,
set_distribution and distribution.

A "device" is one MPI process (`"cpu:<rank>"`). mpi4py is imported on first
use only, so `import nnlite` and single-process training never need it; with
no mpi4py the one process is the whole world.
"""
import contextlib
import os

from nnlite.distribution.self_comm import SelfComm

_state = {"distribution": None, "comm": None, "step": None}


def mpi_module():
    """mpi4py's `MPI` module, or None when mpi4py is not installed."""
    try:
        from mpi4py import MPI
    except ImportError:
        return None
    return MPI


def world():
    """The communicator of all processes: mpi4py's `COMM_WORLD`, or a
    one-process stand-in when mpi4py is not installed."""
    if _state["comm"] is None:
        mpi = mpi_module()
        _state["comm"] = SelfComm() if mpi is None else mpi.COMM_WORLD
    return _state["comm"]


def list_devices(device_type=None):
    """Returns the devices of the job: one `"cpu:<rank>"` per MPI process.

    As `keras.distribution.list_devices`; every process sees the whole list.

    Args:
        device_type: `"cpu"` or `None` (nnlite runs on CPUs only). Defaults
            to `None`.

    Returns:
        A list of device strings, `["cpu:0", "cpu:1", ...]`.
    """
    if device_type is not None and str(device_type).lower() != "cpu":
        raise ValueError("nnlite runs on CPU processes only. Received: device_type=%r"
                         % (device_type,))
    return ["cpu:%d" % r for r in range(world().Get_size())]


def initialize(job_addresses=None, num_processes=None, process_id=None):
    """Starts the multi-process job, as `keras.distribution.initialize`.

    Under MPI the launcher (`mpiexec -n 4 python train.py`, `srun`) already
    started and connected the processes, so this initializes MPI and checks
    the arguments against it. Each falls back to the environment variables
    Keras reads (`KERAS_DISTRIBUTION_JOB_ADDRESSES`,
    `KERAS_DISTRIBUTION_NUM_PROCESSES`, `KERAS_DISTRIBUTION_PROCESS_ID`).

    Args:
        job_addresses: Comma-separated addresses of the processes; accepted
            for Keras compatibility (MPI finds its peers itself). Defaults to
            `None`.
        num_processes: The number of processes expected; must equal the MPI
            world size. Defaults to `None`.
        process_id: This process's expected rank. Defaults to `None`.
    """
    env = os.environ
    if job_addresses is None:
        job_addresses = env.get("KERAS_DISTRIBUTION_JOB_ADDRESSES")
    if num_processes is None and "KERAS_DISTRIBUTION_NUM_PROCESSES" in env:
        num_processes = int(env["KERAS_DISTRIBUTION_NUM_PROCESSES"])
    if process_id is None and "KERAS_DISTRIBUTION_PROCESS_ID" in env:
        process_id = int(env["KERAS_DISTRIBUTION_PROCESS_ID"])
    comm = world()
    size, rank = comm.Get_size(), comm.Get_rank()
    if num_processes is not None and int(num_processes) != size:
        raise ValueError("num_processes must equal the number of MPI processes (%d). "
                         "Received: num_processes=%r" % (size, num_processes))
    if process_id is not None and int(process_id) != rank:
        raise ValueError("process_id must equal this process's MPI rank (%d). "
                         "Received: process_id=%r" % (rank, process_id))


def set_distribution(value):
    """Sets the global distribution (a `DataParallel`, or `None` to train in
    one process again), as `keras.distribution.set_distribution`."""
    from nnlite.distribution.data_parallel import DataParallel
    if value is not None and not isinstance(value, DataParallel):
        raise TypeError("set_distribution expects a DataParallel or None. Received: %r"
                        % (value,))
    _state["distribution"] = value


def distribution():
    """The current global distribution, or `None`, as
    `keras.distribution.distribution`."""
    return _state["distribution"]


def step_reducer():
    """The `StepReducer` of the data-parallel training step running now, or
    `None` outside one: layers whose training statistics span the batch
    (BatchNormalization) sum them over the ranks through it."""
    return _state["step"]


@contextlib.contextmanager
def stepping(reducer):
    """Makes `reducer` the `step_reducer()` inside the block."""
    previous, _state["step"] = _state["step"], reducer
    try:
        yield reducer
    finally:
        _state["step"] = previous


def allreduce_in_place(buffer):
    """Sums the contiguous NumPy array `buffer` over all processes, in place
    (one `Allreduce` with `MPI.IN_PLACE`)."""
    comm = world()
    if isinstance(comm, SelfComm):
        return buffer
    mpi = mpi_module()
    comm.Allreduce(mpi.IN_PLACE, buffer, op=mpi.SUM)
    return buffer


def local_rank_and_size():
    """`(rank, size)` of this process among the processes on its machine."""
    comm = world()
    if isinstance(comm, SelfComm):
        return 0, 1
    if _state.get("local") is None:
        node = comm.Split_type(mpi_module().COMM_TYPE_SHARED)
        _state["local"] = (node.Get_rank(), node.Get_size())
        node.Free()
    return _state["local"]
