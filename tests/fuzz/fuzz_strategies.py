"""Shared hypothesis strategies for the fuzz tests: arrays of a given shape in
random memory layouts (contiguous, transposed, reversed, strided slices,
zero-stride broadcasts) and element values with the floating-point edge cases."""
import numpy as np
from hypothesis import HealthCheck, settings, strategies as st
from hypothesis.extra import numpy as hnp

# deterministic and quick: the whole fuzz suite runs in well under a minute
_COMMON = dict(derandomize=True, deadline=None, database=None,
               suppress_health_check=[HealthCheck.too_slow])   # a loaded CI machine
FAST = settings(max_examples=40, **_COMMON)
QUICK = settings(max_examples=20, **_COMMON)

FLOATS = (np.float32, np.float64)


def finfo_edges(dtype):
    """Signed zeros, the smallest normal and subnormal, and the largest finite value."""
    fi = np.finfo(dtype)
    tiny, sub, big = float(fi.tiny), float(fi.smallest_subnormal), float(fi.max)
    return [0.0, -0.0, tiny, -tiny, sub, -sub, big, -big]


def elements(dtype, lo=None, hi=None, nan=False, inf=False, edges=True):
    """Element values for `dtype`: bounded finite floats (plus edge values, NaN
    and infinities when asked), or small integers."""
    dtype = np.dtype(dtype)
    if dtype.kind in "iu":
        lo = -50 if lo is None else int(lo)
        hi = 50 if hi is None else int(hi)
        return st.integers(max(lo, int(np.iinfo(dtype).min)), min(hi, int(np.iinfo(dtype).max)))
    width = 32 if dtype == np.float32 else 64
    if width == 32:    # bounds exactly representable in float32
        lo = None if lo is None else float(np.float32(lo))
        hi = None if hi is None else float(np.float32(hi))
    base = st.floats(min_value=lo, max_value=hi, allow_nan=False, allow_infinity=False,
                     width=width)
    extra = []
    if edges:
        extra = [v for v in finfo_edges(dtype)
                 if (lo is None or v >= lo) and (hi is None or v <= hi)]
    if nan:
        extra.append(float("nan"))
    if inf:
        extra += [float("inf"), float("-inf")]
    return st.one_of(base, st.sampled_from(extra)) if extra else base


LAYOUTS = ("c", "transposed", "reversed", "sliced", "broadcast")


@st.composite
def viewed(draw, shape, dtype, elems=None, layouts=LAYOUTS):
    """An array of exactly `shape` and `dtype`, in a random memory layout."""
    shape = tuple(shape)
    dtype = np.dtype(dtype)
    elems = elements(dtype) if elems is None else elems
    layout = draw(st.sampled_from(layouts))
    nd = len(shape)
    if layout == "transposed" and nd >= 2:
        perm = draw(st.permutations(range(nd)))
        inv = np.argsort(perm)
        base = draw(hnp.arrays(dtype, tuple(shape[p] for p in inv), elements=elems))
        out = np.transpose(base, perm)
    elif layout == "reversed" and nd >= 1:
        ax = draw(st.integers(0, nd - 1))
        base = draw(hnp.arrays(dtype, shape, elements=elems))
        out = base[(slice(None),) * ax + (slice(None, None, -1),)]
    elif layout == "sliced" and nd >= 1:
        ax = draw(st.integers(0, nd - 1))
        step = draw(st.integers(2, 3))
        big = shape[:ax] + (shape[ax] * step,) + shape[ax + 1:]
        base = draw(hnp.arrays(dtype, big, elements=elems))
        out = base[(slice(None),) * ax + (slice(None, None, step),)]
    elif layout == "broadcast" and nd >= 1:
        ax = draw(st.integers(0, nd - 1))
        small = shape[:ax] + (1,) + shape[ax + 1:]
        base = draw(hnp.arrays(dtype, small, elements=elems))
        out = np.broadcast_to(base, shape)
    else:
        out = draw(hnp.arrays(dtype, shape, elements=elems))
    assert out.shape == shape and out.dtype == dtype
    return out


def shapes(min_dims=0, max_dims=3, min_side=0, max_side=4):
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side,
                            max_side=max_side)


def tol(dtype):
    """(rtol, atol) for one correctly rounded-ish operation in `dtype`."""
    return (2e-6, 1e-6) if np.dtype(dtype) == np.float32 else (1e-13, 1e-13)


def close(actual, expected, dtype, rtol=None, atol=None):
    """assert_allclose with NaN matching NaN and infinities compared exactly."""
    r, a = tol(dtype)
    actual = np.asarray(actual)
    expected = np.asarray(expected)
    assert actual.shape == expected.shape, (actual.shape, expected.shape)
    np.testing.assert_allclose(actual.astype(np.float64), expected.astype(np.float64),
                               rtol=r if rtol is None else rtol,
                               atol=a if atol is None else atol, equal_nan=True)
