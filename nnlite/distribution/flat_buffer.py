"""FlatBuffer: many arrays packed back to back in one preallocated 1-D array."""
import numpy as np


class FlatBuffer:
    """One preallocated 1-D array holding arrays of the given shapes back to
    back, so that a single collective (one `Allreduce`, one `Bcast`) moves
    them all: `pack` copies arrays in (scaled, or zeros for `None`), the
    collective works on `buffer` in place, `unpack` hands back views.

    Args:
        shapes: The shape of each array, in packing order.
        dtype: The buffer's dtype (arrays are cast to it). Defaults to
            `"float32"`.

    Example:

    >>> flat = FlatBuffer([(2, 3), (3,)])
    >>> flat.pack([np.ones((2, 3)), None], scales=[0.5, 1.0])
    >>> [a.sum() for a in flat.unpack()]
    [3.0, 0.0]
    """

    def __init__(self, shapes, dtype="float32"):
        self.shapes = [tuple(int(d) for d in s) for s in shapes]
        sizes = [int(np.prod(s, dtype=np.int64)) for s in self.shapes]
        self.offsets = np.concatenate([[0], np.cumsum(sizes, dtype=np.int64)]).astype(np.int64)
        self.buffer = np.zeros(int(self.offsets[-1]), dtype=dtype)

    def __len__(self):
        return len(self.shapes)

    def segment(self, i):
        """The flat view of array `i` inside `buffer`."""
        return self.buffer[self.offsets[i]:self.offsets[i + 1]]

    def pack(self, arrays, scales=None):
        """Copies `arrays` (one per shape; `None` packs zeros) into the buffer,
        each multiplied by its entry of `scales` when given."""
        if len(arrays) != len(self.shapes):
            raise ValueError("FlatBuffer holds %d arrays. Received: %d arrays"
                             % (len(self.shapes), len(arrays)))
        for i, a in enumerate(arrays):
            out = self.segment(i)
            if a is None:
                out[...] = 0
                continue
            a = np.asarray(a)
            if a.shape != self.shapes[i]:
                raise ValueError("Array %d has shape %s; the buffer expects %s"
                                 % (i, a.shape, self.shapes[i]))
            if scales is None or scales[i] == 1:
                out[...] = a.reshape(-1)
            else:
                np.multiply(a.reshape(-1), scales[i], out=out, casting="unsafe")
        return self.buffer

    def unpack(self):
        """Views of the buffer in the packed shapes (valid until the next `pack`)."""
        return [self.segment(i).reshape(s) for i, s in enumerate(self.shapes)]
