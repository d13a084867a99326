"""SelfComm: the one-process stand-in for an MPI communicator."""
import numpy as np


class SelfComm:
    """The few communicator calls `DataParallel` makes, for a single process
    with no MPI (mpi4py's `COMM_SELF` where mpi4py is not installed): every
    collective of one process returns its own contribution."""

    def Get_rank(self):
        return 0

    def Get_size(self):
        return 1

    def Allreduce(self, sendbuf, recvbuf, op=None):
        # with MPI.IN_PLACE (not an array) the result is already in recvbuf
        if isinstance(sendbuf, np.ndarray) and sendbuf is not recvbuf:
            np.copyto(recvbuf, sendbuf)

    def Bcast(self, buf, root=0):
        pass

    def allgather(self, obj):
        return [obj]

    def bcast(self, obj, root=0):
        return obj

    def Barrier(self):
        pass

    def Abort(self, errorcode=1):
        raise SystemExit(errorcode)

