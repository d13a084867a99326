"""Reading the pickles and `.npz` files of Keras's datasets without running
code from them.

The CIFAR batches are Python pickles, and the IMDB and Reuters `.npz` files
hold object arrays (lists of word ids), which NumPy stores as pickles too, so
`np.load` reads them only with `allow_pickle=True`: a tampered file could
then run any code (a `GLOBAL os.system` opcode followed by `REDUCE`).

Here a pickle is read by `pickle.Unpickler` whose `find_class` gives out no
real Python object at all. The only names a genuine file refers to are
those NumPy uses to rebuild an array -- `numpy.core.multiarray._reconstruct`
(`numpy._core...` for files written by NumPy 2), `numpy.ndarray`,
`numpy.dtype`, `numpy.core.multiarray.scalar` and (protocol 5)
`numpy._core.numeric._frombuffer` -- plus `_codecs.encode` (which Python 3
pickles of protocol 2 use for bytes), and for those it returns
stand-ins defined below, which record the shape, the dtype string and the
raw bytes (or, for an object array, the list of its elements) and build the
array with `np.frombuffer` / `np.fromiter`. Any other name (`os.system`,
`builtins.eval`, ...) raises `UnsafePickleError` (a
`pickle.UnpicklingError`) before anything is
called. Everything else in a pickle is plain data the unpickler builds
itself (dicts, lists, tuples, bytes, str, numbers), so nothing in the file
can reach a callable.
"""
import io
import pickle
import re
import zipfile

import numpy as np

_RECONSTRUCT = {("numpy.core.multiarray", "_reconstruct"),
                ("numpy._core.multiarray", "_reconstruct")}
_SCALAR = {("numpy.core.multiarray", "scalar"),
           ("numpy._core.multiarray", "scalar")}
# Plain dtypes only: bool, integers, floats, complex, bytes, str, object.
_DTYPE_STR = re.compile(r"^([biufcSUO?])(\d*)$")


class UnsafePickleError(pickle.UnpicklingError):
    """A pickle was refused: it refers to a Python object (`os.system`, ...)
    or holds data a Keras dataset file never does. Other errors (a truncated
    file) are `ValueError`s."""


class _Refused(pickle.UnpicklingError):
    pass


def _text(value, what):
    if isinstance(value, bytes):
        value = value.decode("latin1")
    if not isinstance(value, str):
        raise _Refused(f"unexpected {what}: {type(value).__name__}")
    return value


class _Stub:
    """Base of the stand-ins: no `__dict__`, and a pickle BUILD on them is
    refused unless the class accepts it."""
    __slots__ = ()

    def __setstate__(self, state):
        raise _Refused(f"unexpected state for {type(self).__name__}")

    def __reduce__(self):
        raise TypeError("not picklable")


class _NdarrayClass(_Stub):
    """Stands for `numpy.ndarray` (only ever passed to `_reconstruct`)."""
    __slots__ = ()


_NDARRAY = _NdarrayClass()


class _DtypeSpec(_Stub):
    """Result of `numpy.dtype(str, align, copy)`; BUILD gives the byte order."""
    __slots__ = ("dtype",)

    def __init__(self, dtype):
        self.dtype = dtype

    def __setstate__(self, state):
        # (version, byteorder, subdtype, names, fields, elsize, alignment, flags)
        if not isinstance(state, tuple) or len(state) < 2:
            raise _Refused("unexpected dtype state")
        if state[2:5] != (None, None, None) and len(state) >= 5:
            raise _Refused("structured or sub-array dtypes are not accepted")
        order = _text(state[1], "dtype byte order")
        if order in ("<", ">"):
            self.dtype = self.dtype.newbyteorder(order)
        elif order not in ("|", "="):
            raise _Refused(f"unexpected dtype byte order {order!r}")


class _MakeDtype(_Stub):
    __slots__ = ()

    def __call__(self, spec, align=False, copy=False):
        spec = _text(spec, "dtype")
        match = _DTYPE_STR.match(spec)
        if not match:
            raise _Refused(f"dtype {spec!r} is not accepted")
        kind = match.group(1)
        return _DtypeSpec(np.dtype(object) if kind == "O" else np.dtype(spec))


class _ArraySpec(_Stub):
    """Result of `_reconstruct(ndarray, ...)`; BUILD fills in the array."""
    __slots__ = ("array",)

    def __init__(self):
        self.array = None

    def __setstate__(self, state):
        if self.array is not None or not isinstance(state, tuple):
            raise _Refused("unexpected array state")
        if len(state) == 5:
            state = state[1:]  # drop the format version
        if len(state) != 4:
            raise _Refused("unexpected array state")
        shape, dtype, fortran, data = state
        if (not isinstance(shape, tuple)
                or not all(type(n) is int and n >= 0 for n in shape)):
            raise _Refused("unexpected array shape")
        if not isinstance(dtype, _DtypeSpec):
            raise _Refused("unexpected array dtype")
        dtype = dtype.dtype
        count = int(np.prod(shape, dtype=np.int64))
        order = "F" if fortran else "C"
        if dtype.hasobject:
            if not isinstance(data, list) or len(data) != count:
                raise _Refused("object array data is not a list of the right length")
            # Elements that are arrays are stand-ins to replace. Lists are
            # not searched (a genuine file's lists hold only ints, and
            # walking 25,000 of them would double the load time): a stand-in
            # hidden in one stays an inert object the loaders then refuse as
            # not an integer id.
            if any(isinstance(v, _Stub) for v in data):
                data = [_resolve(v) for v in data]
            flat = np.fromiter(data, dtype=object, count=count)
            self.array = flat.reshape(shape, order=order)
        else:
            if isinstance(data, str):
                data = data.encode("latin1")  # Python 2 str read as latin1
            if not isinstance(data, (bytes, bytearray)):
                raise _Refused("array data is not bytes")
            if len(data) != count * dtype.itemsize:
                raise _Refused(
                    f"array data holds {len(data)} bytes, the shape {shape} "
                    f"and dtype {dtype} need {count * dtype.itemsize}")
            self.array = np.frombuffer(data, dtype=dtype).reshape(
                shape, order=order).copy()


class _Reconstruct(_Stub):
    __slots__ = ()

    def __call__(self, cls, shape=None, typecode=None):
        if cls is not _NDARRAY:
            raise _Refused("_reconstruct is only accepted for numpy.ndarray")
        return _ArraySpec()


class _MakeScalar(_Stub):
    __slots__ = ()

    def __call__(self, dtype, data=None):
        if not isinstance(dtype, _DtypeSpec) or dtype.dtype.hasobject:
            raise _Refused("unexpected numpy scalar")
        if isinstance(data, str):
            data = data.encode("latin1")
        if not isinstance(data, bytes) or len(data) != dtype.dtype.itemsize:
            raise _Refused("unexpected numpy scalar data")
        return np.frombuffer(data, dtype=dtype.dtype)[0]


class _Latin1Encode(_Stub):
    """Stands for `_codecs.encode`, which Python 3 pickles of protocol < 3
    use for bytes: `encode(text, "latin1")`, and nothing else."""
    __slots__ = ()

    def __call__(self, text, encoding="utf-8", errors="strict"):
        if (not isinstance(text, str) or encoding not in ("latin1", "latin-1")
                or errors != "strict"):
            raise _Refused("_codecs.encode is only accepted as encode(str, 'latin1')")
        return text.encode("latin1")


class _FromBuffer(_Stub):
    """Stands for `numpy._core.numeric._frombuffer(buf, dtype, shape, order)`,
    which pickle protocol 5 uses for arrays."""
    __slots__ = ()

    def __call__(self, buf, dtype, shape, order="C"):
        if not isinstance(dtype, _DtypeSpec) or dtype.dtype.hasobject:
            raise _Refused("unexpected dtype for _frombuffer")
        if isinstance(buf, pickle.PickleBuffer):
            buf = bytes(buf)
        if (not isinstance(buf, (bytes, bytearray)) or not isinstance(shape, tuple)
                or not all(type(n) is int and n >= 0 for n in shape)
                or order not in ("C", "F")):
            raise _Refused("unexpected arguments to _frombuffer")
        spec = _ArraySpec()
        spec.__setstate__((shape, dtype, order == "F", bytes(buf)))
        return spec


_GLOBALS = {("numpy", "ndarray"): _NDARRAY, ("numpy", "dtype"): _MakeDtype(),
            ("_codecs", "encode"): _Latin1Encode()}
_GLOBALS.update({key: _Reconstruct() for key in _RECONSTRUCT})
_GLOBALS.update({key: _MakeScalar() for key in _SCALAR})
_GLOBALS.update({(module, "_frombuffer"): _FromBuffer()
                 for module in ("numpy.core.numeric", "numpy._core.numeric")})


class RestrictedUnpickler(pickle.Unpickler):
    """A `pickle.Unpickler` that builds only plain data and NumPy arrays.

    Args:
        file: Binary file object holding the pickle.
        source: Name of the file, for error messages.
        encoding: How to decode Python 2 `str` objects (`"bytes"` keeps
            them as bytes, as Keras reads the CIFAR batches). Defaults to
            `"ASCII"`.
    """

    def __init__(self, file, source="<pickle>", encoding="ASCII"):
        super().__init__(file, encoding=encoding)
        self.source = source

    def find_class(self, module, name):
        try:
            return _GLOBALS[(module, name)]
        except KeyError:
            pass
        raise UnsafePickleError(
            f"Refusing to load '{self.source}': it refers to the Python object "
            f"`{module}.{name}`, which a Keras dataset file never holds (only "
            "plain data and NumPy arrays are accepted). The file may be "
            "corrupted or malicious; delete it to download it again.")

    def persistent_load(self, pid):
        raise UnsafePickleError(
            f"Refusing to load '{self.source}': it holds a persistent id.")

    def load(self):
        try:
            return _resolve(super().load())
        except _Refused as e:
            raise UnsafePickleError(
                f"Refusing to load '{self.source}': {e}. The file may be "
                "corrupted or malicious; delete it to download it again.") from None


_PLAIN = {int, float, bytes, str}


def _resolve(obj):
    """Replaces the stand-ins in unpickled data by the arrays they built."""
    if isinstance(obj, _ArraySpec):
        if obj.array is None:
            raise _Refused("an array was never filled in")
        return obj.array
    if isinstance(obj, _Stub):
        raise _Refused(f"unexpected {type(obj).__name__} in the data")
    if isinstance(obj, dict):
        return {_resolve(k): _resolve(v) for k, v in obj.items()}
    if isinstance(obj, list):
        if set(map(type, obj)) <= _PLAIN:  # a list of word ids: no copy
            return obj
        return [_resolve(v) for v in obj]
    if isinstance(obj, tuple):
        return tuple(_resolve(v) for v in obj)
    return obj


def load_pickle(path, encoding="bytes"):
    """Reads a pickle file with `RestrictedUnpickler`.

    Raises:
        UnsafePickleError: the pickle refers to a Python object or holds
            data other than plain values and NumPy arrays.
        ValueError: the file is truncated or corrupted.
    """
    with open(path, "rb") as f:
        try:
            return RestrictedUnpickler(f, source=str(path), encoding=encoding).load()
        except UnsafePickleError:
            raise
        except (pickle.UnpicklingError, EOFError, ValueError, TypeError,
                IndexError, KeyError, AttributeError, MemoryError) as e:
            raise ValueError(
                f"Could not read the pickle '{path}': {type(e).__name__}: {e}. "
                "The file may be truncated or corrupted.") from e


def _read_npy(raw, source):
    """Reads one `.npy` stream: numeric arrays with pickling disabled,
    object arrays through `RestrictedUnpickler`."""
    fp = io.BytesIO(raw)
    version = np.lib.format.read_magic(fp)
    if version == (1, 0):
        shape, fortran, dtype = np.lib.format.read_array_header_1_0(fp)
    elif version in ((2, 0), (3, 0)):
        # 3.0 differs from 2.0 only in the header's text encoding (UTF-8
        # instead of latin1), which an ASCII header does not see.
        shape, fortran, dtype = np.lib.format.read_array_header_2_0(fp)
    else:
        raise ValueError(f"unsupported .npy format version {version}")
    if not dtype.hasobject:
        fp.seek(0)
        return np.lib.format.read_array(fp, allow_pickle=False)
    array = RestrictedUnpickler(fp, source=source, encoding="latin1").load()
    if not isinstance(array, np.ndarray) or array.shape != tuple(shape):
        raise UnsafePickleError(
            f"Refusing to load '{source}': the pickled data is not the "
            f"array of shape {tuple(shape)} its header announces.")
    return array


def load_npz(path):
    """Reads every array of an `.npz` file into a dict, safely.

    A drop-in for `dict(np.load(path, allow_pickle=True))` on Keras's
    dataset files: object arrays are read with `RestrictedUnpickler`, so a
    tampered file cannot run code.

    Raises:
        ValueError: the file is not a valid `.npz` (truncated, corrupted).
        UnsafePickleError: an object array refers to anything other than
            plain data and NumPy arrays (a `pickle.UnpicklingError`).
    """
    arrays = {}
    try:
        with zipfile.ZipFile(path) as archive:
            for member in archive.namelist():
                if not member.endswith(".npy"):
                    continue
                source = f"{path}' (member '{member}"
                arrays[member[: -len(".npy")]] = _read_npy(
                    archive.read(member), source)
    except UnsafePickleError:
        raise
    except (pickle.UnpicklingError, zipfile.BadZipFile, EOFError, ValueError,
            OSError, KeyError, TypeError, IndexError, AttributeError) as e:
        raise ValueError(
            f"Could not read '{path}' as an .npz file: {type(e).__name__}: "
            f"{e}. The file may be truncated or corrupted; delete it to "
            "download it again.") from e
    return arrays


def require_keys(arrays, keys, path):
    """Returns `arrays[k]` for each of `keys`, or a ValueError naming the
    missing ones and the file."""
    missing = [k for k in keys if k not in arrays]
    if missing:
        raise ValueError(
            f"'{path}' does not hold the arrays {missing} (found: "
            f"{sorted(arrays)}); it is not the expected dataset file.")
    return [arrays[k] for k in keys]
