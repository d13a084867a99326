"""StepReducer: sums per-channel statistics over the ranks within one
data-parallel training step (global-batch BatchNormalization)."""
import numpy as np


class StepReducer:
    """Sums small float64 vectors over the ranks of a communicator, for one
    training step whose global batch has `global_rows` rows of which this
    rank holds `local_rows`.

    Every rank must make the same calls in the same order (the model's
    layers run in the same order on every rank), each one `Allreduce`.

    Args:
        comm: An mpi4py communicator (or the one-process stand-in).
        in_place, op: `MPI.IN_PLACE` and `MPI.SUM` (or the stand-in's).
        local_rows, global_rows: This rank's shard and the global batch.
    """

    def __init__(self, comm, in_place, op, local_rows, global_rows):
        self._comm = comm
        self._in_place = in_place
        self._op = op
        self.local_rows = int(local_rows)
        self.global_rows = int(global_rows)

    @property
    def weight(self):
        """This rank's share of the global batch, `local_rows / global_rows`
        (the weight of its loss in the global batch's loss)."""
        return self.local_rows / float(self.global_rows)

    def sum(self, *vectors, weighted=False):
        """`vectors` (arrays of any shape) summed over the ranks, each as a
        float64 array of its shape; with `weighted`, rank r's part counts
        `weight` times. One `Allreduce` for all of them."""
        parts = [np.asarray(v, dtype=np.float64).reshape(-1) for v in vectors]
        flat = np.concatenate(parts) if parts else np.zeros(0)
        if weighted:
            flat *= self.weight
        self._comm.Allreduce(self._in_place, flat, op=self._op)
        out, at = [], 0
        for v, part in zip(vectors, parts):
            out.append(flat[at:at + part.size].reshape(np.shape(v)))
            at += part.size
        return out
