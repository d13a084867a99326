"""The Keras 3 file formats: `.keras` archives and `.weights.h5` files.

A `.keras` file is a zip archive (entries stored, as Keras writes them) of
`metadata.json`, `config.json` (`serialize_keras_object(model)`) and
`model.weights.h5`, then the files layers keep beside their variables (a
lookup's adapted vocabulary) at `assets/<h5 path>/<file>`, handed to and taken
from `asset_files()` / `load_asset_files(files)` as bytes. A layer with
`save_own_variables(store)` / `load_own_variables(store)` (Keras's hook) fills
or reads its `vars` group as a dict by name. The HDF5 file holds Keras's layout:

    vars                      (attribute `name` = the model's name)
    layers/<key>/vars/<i>     one dataset per variable of a layer
    optimizer/vars/<i>        iterations, learning rate, then the slots

where `<key>` is the snake_case class name made unique with `_1`, `_2`, ...
(Keras does not use the layer's own name, which is stored as the `name`
attribute of the `vars` group), and `<i>` counts the layer's trainable
variables, then its non-trainable ones, in creation order.

Loading is defensive: entry names, declared sizes and compression ratios are
checked before anything is read; entries are inflated a chunk at a time and
refused as soon as they pass their declared size; everything is read into
memory (nothing is extracted to disk); HDF5 links and external datasets are
refused; the config may create no more weight values than the weights file
declares (and stores) plus `WEIGHT_BUDGET_SLACK`, refused before they are
allocated (`nnlite.backend.variable.weight_budget`); every dataset's shape and
dtype are checked against the model before any data is read; NaN or infinite
weights load with a warning; raw Python errors (MemoryError, RecursionError,
KeyError, TypeError) become `ValueError("Cannot load <file>: ...")`; and no
code is ever executed from the file (JSON and HDF5 only, no pickle).

Saving is atomic: the file is written next to its target as
`.<target>.<pid>.<random>.tmp` and renamed into place; the temporary is removed
on any exception, and the temporaries of killed saves of the same target
(whose process is gone) are removed by the next save.
"""
import contextlib
import datetime
import io
import json
import os
import re
import secrets
import struct
import warnings
import zipfile
import zlib

import numpy as np

from nnlite.backend.naming import to_snake_case
from nnlite.layers.layer import own_variables, saveable_children

CONFIG_FILENAME = "config.json"
METADATA_FILENAME = "metadata.json"
VARS_FNAME_H5 = "model.weights.h5"
KERAS_VERSION = "3.15.1"      # the format version written (Keras ignores it on load)

# Bounds on what a file may declare before anything is read.
MAX_JSON_BYTES = 16 << 20            # config.json / metadata.json
MAX_WEIGHTS_BYTES = 1 << 31          # model.weights.h5 inside a .keras archive
MAX_COMPRESSION_RATIO = 1000         # uncompressed / stored, for entries above 1 MiB
MAX_DATASET_BYTES = 1 << 31          # one weight array
MAX_ASSET_BYTES = 1 << 30            # one file under assets/ (a vocabulary)
MAX_ARCHIVE_BYTES = 1 << 32          # the sum of every entry's declared size
MAX_JSON_DEPTH = 128                 # nesting of config.json (Keras writes ~20 at most)
WEIGHT_BUDGET_SLACK = 1 << 20        # weight values a config may create beyond the file's
READ_CHUNK = 1 << 16                 # zip entries are inflated this much at a time
ASSETS_DIRNAME = "assets"


# -- names -----------------------------------------------------------------
def _layer_keys(layers):
    """`[(key, layer)]` with Keras's keys: `dense`, `dense_1`, `dropout`, ..."""
    used, out = {}, []
    for layer in layers:
        name = to_snake_case(type(layer).__name__)
        if name in used:
            used[name] += 1
            key = "%s_%d" % (name, used[name])
        else:
            used[name] = 0
            key = name
        out.append((key, layer))
    return out


def optimizer_variables(optimizer):
    """The optimizer's variables, in Keras's order (each optimizer lists its own so)."""
    return list(optimizer.variables)


def _model_entries(model):
    """`[(h5 path, object name, variables, object)]` for the model and its
    layers, in the order Keras writes them."""
    entries = [("", model.name, [], model)]
    _layer_entries("layers/", model.layers, entries, set())
    return entries


def _layer_entries(prefix, layers, entries, seen):
    """Appends the entries of `layers` under `prefix`, keyed as Keras keys a list."""
    for key, layer in _layer_keys(layers):
        _held_entries(prefix + key, layer, entries, seen)


def _held_entries(path, layer, entries, seen):
    """Appends the entries of `layer` at `path`. A model used as a layer is a
    container, as Keras writes it: `<path>/vars` (its own variables: none) and
    its layers under `<path>/layers/<key>`. Any other layer's own variables go
    to `<path>/vars` and the layers it holds as attributes under
    `<path>/<attribute>` (a list of them under `<path>/<attribute>/<key>`); a
    layer held twice is written once, where Keras's walk meets it first."""
    from nnlite.models.model import Model
    if id(layer) in seen:
        return
    seen.add(id(layer))
    if isinstance(layer, Model) and hasattr(layer, "layers"):
        entries.append((path, layer.name, [], layer))
        _layer_entries(path + "/layers/", layer.layers, entries, seen)
        return
    entries.append((path, layer.name, own_variables(layer), layer))
    for attr, held in saveable_children(layer):
        if isinstance(held, list):
            _layer_entries(path + "/" + attr + "/", held, entries, seen)
        else:
            _held_entries(path + "/" + attr, held, entries, seen)


# -- errors ----------------------------------------------------------------
def _fail(filepath, problem):
    raise ValueError("Cannot load %s: %s" % (filepath, problem))


@contextlib.contextmanager
def loading(filepath):
    """Turns the raw errors a damaged or hostile file can provoke while it is
    loaded (MemoryError, RecursionError, KeyError, TypeError, ...) into
    `ValueError("Cannot load <file>: <problem>")`. FileNotFoundError and
    ValueErrors that already name the file pass through unchanged."""
    from nnlite.backend.variable import WeightBudgetExceeded
    try:
        yield
    except WeightBudgetExceeded:
        raise
    except ValueError as e:
        if str(filepath) in str(e):
            raise
        raise ValueError("Cannot load %s: %s" % (filepath, e)) from e
    except MemoryError as e:
        raise ValueError("Cannot load %s: building it ran out of memory (the file asks for "
                         "more than this machine can hold)%s"
                         % (filepath, ": %s" % e if str(e) else "")) from None
    except RecursionError:
        raise ValueError("Cannot load %s: the file's structure is nested too deeply"
                         % (filepath,)) from None
    except (KeyError, TypeError, AttributeError, IndexError, OverflowError,
            NotImplementedError, UnicodeError, zipfile.BadZipFile, struct.error,
            zlib.error) as e:
        raise ValueError("Cannot load %s: %s: %s" % (filepath, type(e).__name__, e)) from e


def json_depth(value):
    """The nesting depth of a parsed JSON value (iterative, never recurses)."""
    depth, stack = 0, [(value, 1)]
    while stack:
        v, d = stack.pop()
        if isinstance(v, dict):
            v = list(v.values())
        if isinstance(v, list):
            depth = max(depth, d)
            if d > MAX_JSON_DEPTH:
                return d
            stack.extend((x, d + 1) for x in v if isinstance(x, (list, dict)))
    return depth


def check_json_depth(value, fail):
    depth = json_depth(value)
    if depth > MAX_JSON_DEPTH:
        fail("the JSON is nested more than %d levels deep" % MAX_JSON_DEPTH)


# -- writing ---------------------------------------------------------------
def _h5py():
    import h5py
    return h5py


def write_weights_h5(model, fileobj):
    """Writes the model's (and its optimizer's) variables in Keras's HDF5
    layout to a path or a binary file object."""
    h5py = _h5py()
    with h5py.File(fileobj, "w") as f:
        for path, name, variables, obj in _model_entries(model):
            group = f.create_group(path + "/vars" if path else "vars")
            group.attrs["name"] = name
            for key, value in _own_store(obj, variables).items():
                group[key] = value
        optimizer = getattr(model, "optimizer", None)
        if optimizer is not None:
            group = f.create_group("optimizer/vars")
            group.attrs["name"] = optimizer.name
            for i, v in enumerate(optimizer_variables(optimizer)):
                group[str(i)] = np.asarray(v.value)


def _own_store(obj, variables):
    """`{dataset name: array}` of one object's `vars` group: `"0"`, `"1"`, ...
    for its variables, or what its `save_own_variables(store)` puts in the
    dict (Keras's hook: the lookup layers store `idf_weights` by name)."""
    if hasattr(obj, "save_own_variables"):
        store = {}
        obj.save_own_variables(store)
        return {str(k): np.asarray(v) for k, v in store.items()}
    return {str(i): np.asarray(v.value) for i, v in enumerate(variables)}


def _asset_entries(model):
    """`[(zip entry name, bytes)]` of the files layers keep outside the
    weights (`asset_files()` -> `{file name: bytes}`, such as a lookup's
    `vocabulary.txt`), at Keras's `assets/<h5 path>/<file name>`."""
    out = []
    for path, _, _, obj in _model_entries(model):
        if path and hasattr(obj, "asset_files"):
            for fname, data in obj.asset_files().items():
                out.append(("%s/%s/%s" % (ASSETS_DIRNAME, path, fname), bytes(data)))
    return out


def _load_assets(model, assets):
    """Hands each layer with `load_asset_files(files)` the files of its
    `assets/<h5 path>/` folder (`{file name: bytes}`)."""
    for path, _, _, obj in _model_entries(model):
        if path and hasattr(obj, "load_asset_files"):
            prefix = "%s/%s/" % (ASSETS_DIRNAME, path)
            files = {name[len(prefix):]: data for name, data in assets.items()
                     if name.startswith(prefix) and "/" not in name[len(prefix):]}
            obj.load_asset_files(files)


def _weights_h5_bytes(model):
    buf = io.BytesIO()
    write_weights_h5(model, buf)
    return buf.getvalue()


def serialize_model(model):
    """`config.json`'s content: the model's Keras config with `build_config`
    and `compile_config`."""
    from nnlite.saving.serialization_lib import serialize_keras_object
    return serialize_keras_object(model)


def _metadata():
    return {"keras_version": KERAS_VERSION,
            "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S")}


def _pid_alive(pid):
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True           # it exists (another user's) or we cannot tell: keep it
    return True


def _remove_stale_temporaries(folder, base):
    """Removes `.<base>.<pid>.<random>.tmp` files an interrupted save of the
    same target left in `folder`, when process `<pid>` no longer runs."""
    pattern = re.compile(r"^\.%s\.(\d+)\.[0-9a-f]+\.tmp$" % re.escape(base))
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        m = pattern.match(name)
        if m and not _pid_alive(int(m.group(1))):
            try:
                os.unlink(os.path.join(folder, name))
            except OSError:
                pass


def temporary_name(filepath):
    """The hidden temporary a save of `filepath` writes first:
    `.<target>.<pid>.<random>.tmp` in the target's folder."""
    folder = os.path.dirname(os.path.abspath(filepath))
    return os.path.join(folder, ".%s.%d.%s.tmp" % (os.path.basename(filepath), os.getpid(),
                                                   secrets.token_hex(6)))


def atomic_write(filepath, write):
    """Calls `write(fileobj)` on a hidden temporary file in `filepath`'s folder
    (`.<target>.<pid>.<random>.tmp`), flushes it to disk and renames it over
    `filepath`. On any error the temporary file is removed and an existing
    `filepath` is left untouched; temporaries that killed saves of the same
    target left behind (their process is gone) are removed first."""
    filepath = os.fspath(filepath)
    folder = os.path.dirname(os.path.abspath(filepath))
    if not os.path.isdir(folder):
        raise FileNotFoundError("Cannot save %s: the folder %s does not exist"
                                % (filepath, folder))
    _remove_stale_temporaries(folder, os.path.basename(filepath))
    tmp = temporary_name(filepath)
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                     0o600)
    except OSError as e:       # named by the target, not the hidden temporary
        raise type(e)(e.errno, "Cannot save %s: %s" % (filepath, e.strerror), folder) \
            from None
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, _file_mode(filepath))     # the 0600 it was created with would stick
        os.replace(tmp, filepath)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _file_mode(filepath):
    """The permissions of the file being replaced, or those a new file gets."""
    try:
        return os.stat(filepath).st_mode & 0o7777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def save_model(model, filepath):
    """Writes `model` to a `.keras` archive at `filepath` (atomically)."""
    filepath = os.fspath(filepath)
    if not filepath.endswith(".keras"):
        raise ValueError("Invalid `filepath` argument: expected a `.keras` extension. "
                         "Received: filepath=%s" % filepath)
    if not model.built:
        warnings.warn("You are saving a model that has not yet been built. It might not "
                      "contain any weights yet. Consider building the model first by "
                      "calling it on some data.", stacklevel=2)
    atomic_write(filepath, _archive_writer(model))


def _archive_writer(model):
    """A `write(fileobj)` that writes `model`'s `.keras` zip archive (its
    content is gathered before anything is written)."""
    config_json = json.dumps(serialize_model(model))
    metadata_json = json.dumps(_metadata())
    weights = _weights_h5_bytes(model)
    assets = _asset_entries(model)

    def write(f):
        with zipfile.ZipFile(f, "w", compression=zipfile.ZIP_STORED) as zf:
            zf.writestr(METADATA_FILENAME, metadata_json)
            zf.writestr(CONFIG_FILENAME, config_json)
            zf.writestr(VARS_FNAME_H5, weights)
            for name, data in assets:
                zf.writestr(name, data)
    return write


def save_model_to_bytes(model):
    """The bytes of the `.keras` archive `save_model` would write (config,
    compile config with the optimizer's state, weights, assets); what
    pickling a model stores."""
    buf = io.BytesIO()
    _archive_writer(model)(buf)
    return buf.getvalue()


def load_model_from_bytes(data, custom_objects=None, compile=True, safe_mode=True):
    """The model held in the bytes of a `.keras` archive. The bytes go through
    the same checks as a file: they are written to a private temporary file
    that `load_model` reads."""
    import tempfile
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError("load_model_from_bytes expects the bytes of a `.keras` archive. "
                        "Received: data of type %s" % type(data).__name__)
    with tempfile.TemporaryDirectory(prefix="nnlite-") as folder:
        path = os.path.join(folder, "model.keras")
        with open(path, "wb") as f:
            f.write(data)
        return load_model(path, custom_objects=custom_objects, compile=compile,
                          safe_mode=safe_mode)


def save_weights(model, filepath):
    """Writes the variables to a `.weights.h5` file (atomically)."""
    filepath = os.fspath(filepath)
    if not filepath.endswith(".weights.h5"):
        raise ValueError("The filename must end in `.weights.h5`. Received: filepath=%s"
                         % filepath)
    if not model.built:
        raise ValueError("You are saving a model that has not yet been built. Try building "
                         "the model first by calling it on some data or by using `build()`.")
    data = _weights_h5_bytes(model)
    atomic_write(filepath, lambda f: f.write(data))


# -- reading: the archive ----------------------------------------------------
def _check_entry_name(filepath, name):
    if (not name or "\\" in name or name.startswith("/") or "\x00" in name
            or re.match(r"^[A-Za-z]:", name)
            or any(part == ".." for part in name.split("/"))):
        _fail(filepath, "the archive holds an entry with an unsafe name %r (absolute, "
                        "with '..' or a backslash); refusing to read it" % (name,))


def _check_entry_size(filepath, info, limit):
    if info.file_size > limit:
        _fail(filepath, "the entry %r declares %d bytes, more than the %d allowed"
              % (info.filename, info.file_size, limit))
    if info.file_size > (1 << 20) and \
            info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1):
        _fail(filepath, "the entry %r declares %d bytes but stores only %d (a compression "
                        "ratio above %d); refusing a potential zip bomb"
              % (info.filename, info.file_size, info.compress_size, MAX_COMPRESSION_RATIO))


def _too_large(filepath, info):
    _fail(filepath, "entry %s is larger than it declares (%d bytes); refusing a potential "
                    "zip bomb" % (info.filename, info.file_size))


def _raw_member(filepath, zf, info):
    """The stored (compressed) bytes of `info`, read from its local header."""
    if info.compress_size > info.file_size + info.file_size // 100 + 4096:
        # deflate never grows data by more than a few bytes per 16 kB block
        _fail(filepath, "entry %s is larger than it declares: it stores %d compressed "
                        "bytes for %d declared; refusing a potential zip bomb"
              % (info.filename, info.compress_size, info.file_size))
    fp = zf.fp
    fp.seek(info.header_offset)
    header = fp.read(30)
    if len(header) != 30 or header[:4] != b"PK\x03\x04":
        _fail(filepath, "the entry %r is corrupted or truncated (bad local header)"
              % info.filename)
    name_len, extra_len = struct.unpack("<HH", header[26:30])
    fp.seek(info.header_offset + 30 + name_len + extra_len)
    raw = fp.read(info.compress_size)
    if len(raw) != info.compress_size:
        _fail(filepath, "the entry %r is truncated" % info.filename)
    return raw


def _inflate(filepath, info, raw):
    """Inflates a deflated entry a chunk at a time, never past its declared
    size: an entry that inflates to more than it declares is refused as soon
    as it passes its declared size."""
    d = zlib.decompressobj(-zlib.MAX_WBITS)
    out, total, buf = [], 0, raw
    try:
        while True:
            piece = d.decompress(buf, READ_CHUNK)
            buf = d.unconsumed_tail
            total += len(piece)
            if total > info.file_size:
                _too_large(filepath, info)
            out.append(piece)
            if d.eof or (not piece and not buf):
                break
        tail = d.flush(1)
        if tail:
            _too_large(filepath, info)
    except zlib.error as e:
        _fail(filepath, "the entry %r is corrupted or truncated (%s)" % (info.filename, e))
    if not d.eof:
        _fail(filepath, "the entry %r is truncated (its compressed data ends early)"
              % info.filename)
    return b"".join(out)


def _read_entry(filepath, zf, info, limit):
    """Reads one member into memory, stream-wise, never holding more than its
    declared size (itself checked against `limit`), then checks its CRC."""
    _check_entry_size(filepath, info, limit)
    if info.flag_bits & 0x1:
        _fail(filepath, "the entry %r is encrypted" % info.filename)
    try:
        if info.compress_type == zipfile.ZIP_DEFLATED:
            data = _inflate(filepath, info, _raw_member(filepath, zf, info))
        else:
            chunks, total = [], 0
            with zf.open(info, "r") as f:
                while True:
                    piece = f.read(READ_CHUNK)
                    if not piece:
                        break
                    total += len(piece)
                    if total > info.file_size:
                        _too_large(filepath, info)
                    chunks.append(piece)
            data = b"".join(chunks)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError,
            NotImplementedError, RuntimeError, struct.error) as e:
        _fail(filepath, "the entry %r is corrupted or truncated (%s)" % (info.filename, e))
    if len(data) != info.file_size:
        _fail(filepath, "the entry %r does not hold the size it declares" % info.filename)
    if zlib.crc32(data) & 0xFFFFFFFF != info.CRC:
        _fail(filepath, "the entry %r is corrupted (its CRC-32 does not match)"
              % info.filename)
    return data


def _check_total_size(filepath, infos):
    total = sum(info.file_size for info in infos)
    if total > MAX_ARCHIVE_BYTES:
        _fail(filepath, "the archive's entries declare %d bytes in all, more than the %d "
                        "allowed" % (total, MAX_ARCHIVE_BYTES))


def read_archive(filepath):
    """Validates a `.keras` archive and returns `(config dict, weights bytes)`
    without extracting anything."""
    filepath = os.fspath(filepath)
    if not os.path.isfile(filepath):
        raise ValueError("File not found: filepath=%s. Please ensure the file is an "
                         "accessible `.keras` zip file." % filepath)
    try:
        zf = zipfile.ZipFile(filepath, "r")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as e:
        _fail(filepath, "not a valid `.keras` file: the zip archive is unreadable, "
                        "truncated or corrupted (%s)" % (e,))
    with zf:
        infos = zf.infolist()
        _check_total_size(filepath, infos)
        seen = set()
        for info in infos:
            _check_entry_name(filepath, info.filename)
            if info.filename in seen:
                _fail(filepath, "the archive holds the entry %r twice" % info.filename)
            seen.add(info.filename)
        by_name = {info.filename: info for info in infos}
        if CONFIG_FILENAME not in by_name:
            _fail(filepath, "the archive has no %s entry" % CONFIG_FILENAME)
        if VARS_FNAME_H5 not in by_name:
            if "model.weights.npz" in by_name:
                _fail(filepath, "weights stored as model.weights.npz are not supported; "
                                "save the model with the default HDF5 weights")
            _fail(filepath, "the archive has no %s entry" % VARS_FNAME_H5)
        for info in infos:     # every size is checked before anything is read
            limit = MAX_WEIGHTS_BYTES if info.filename == VARS_FNAME_H5 else MAX_JSON_BYTES
            if info.filename in (CONFIG_FILENAME, METADATA_FILENAME, VARS_FNAME_H5):
                _check_entry_size(filepath, info, limit)
        raw = _read_entry(filepath, zf, by_name[CONFIG_FILENAME], MAX_JSON_BYTES)
        config = _parse_json(filepath, CONFIG_FILENAME, raw)
        if METADATA_FILENAME in by_name:
            meta = _parse_json(filepath, METADATA_FILENAME,
                               _read_entry(filepath, zf, by_name[METADATA_FILENAME],
                                           MAX_JSON_BYTES))
            if not isinstance(meta, dict):
                _fail(filepath, "%s is not a JSON object" % METADATA_FILENAME)
        weights = _read_entry(filepath, zf, by_name[VARS_FNAME_H5], MAX_WEIGHTS_BYTES)
    if not isinstance(config, dict) or "class_name" not in config:
        _fail(filepath, "%s does not describe a model (no `class_name`)" % CONFIG_FILENAME)
    return config, weights


def read_assets(filepath):
    """`{entry name: bytes}` of the archive's `assets/...` files (names and
    sizes checked as `read_archive` checks them; nothing is extracted)."""
    out = {}
    try:
        zf = zipfile.ZipFile(os.fspath(filepath), "r")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as e:
        _fail(filepath, "not a valid `.keras` file (%s)" % (e,))
    with zf:
        _check_total_size(filepath, zf.infolist())
        for info in zf.infolist():
            if info.filename.startswith(ASSETS_DIRNAME + "/") and not info.is_dir():
                _check_entry_name(filepath, info.filename)
                out[info.filename] = _read_entry(filepath, zf, info, MAX_ASSET_BYTES)
    return out


def _parse_json(filepath, name, raw):
    try:
        value = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        _fail(filepath, "%s is not valid JSON (%s)" % (name, e))
    except RecursionError:
        _fail(filepath, "%s is nested too deeply" % name)
    check_json_depth(value, lambda problem: _fail(filepath, "%s: %s" % (name, problem)))
    return value


# -- reading: the HDF5 store ---------------------------------------------------
class _WeightsStore:
    """Read-only, checked access to a Keras weights file held in memory or on
    disk: `group(path)` returns `{"0": array, ...}` of the `vars` group below
    `path` (empty when the group is absent)."""

    def __init__(self, source, filepath):
        h5py = _h5py()
        self.filepath = filepath
        try:
            self.file = h5py.File(source, "r")
        except (OSError, ValueError) as e:
            _fail(filepath, "the weights are not a valid HDF5 file: truncated or corrupted "
                            "(%s)" % (e,))
        try:
            check_h5_tree(self.file, lambda problem: _fail(filepath, problem))
        except (OSError, KeyError, RuntimeError) as e:
            self.file.close()
            _fail(filepath, "the weights HDF5 file is corrupted (%s)" % (e,))
        except ValueError:
            self.file.close()
            raise

    def close(self):
        self.file.close()

    def declared_elements(self):
        """The number of values the file's datasets declare (`declared_elements`)."""
        return declared_elements(self.file, lambda problem: _fail(self.filepath, problem))

    def _child(self, parent, name, where):
        try:
            if name not in parent:
                return None
            return parent[name]        # links were refused by check_h5_tree
        except (OSError, KeyError, RuntimeError) as e:
            _fail(self.filepath, "the HDF5 entry %r is corrupted (%s)" % (where, e))

    def group(self, path):
        h5py = _h5py()
        node = self.file
        parts = [p for p in path.split("/") if p] + ["vars"]
        for i, part in enumerate(parts):
            node = self._child(node, part, "/".join(parts[:i + 1]))
            if node is None:
                return {}
            if not isinstance(node, h5py.Group):
                _fail(self.filepath, "the HDF5 entry %r should be a group"
                      % "/".join(parts[:i + 1]))
        out = {}
        for key in list(node.keys()):
            where = "/".join(parts + [key])
            ds = self._child(node, key, where)
            if not isinstance(ds, h5py.Dataset):
                _fail(self.filepath, "the HDF5 entry %r should be a dataset" % where)
            self._check(ds, where)
            out[key] = _Pending(ds, where)
        return out

    def read(self, pending):
        """The array of a dataset `group()` returned (its checks passed)."""
        try:
            return np.asarray(pending.dataset[()])
        except (OSError, RuntimeError, TypeError) as e:
            _fail(self.filepath, "the HDF5 dataset %r is unreadable: truncated or corrupted "
                                 "(%s)" % (pending.where, e))

    def _check(self, ds, where):
        try:
            if ds.dtype.kind not in "biuf":
                _fail(self.filepath, "the HDF5 dataset %r has the non-numeric dtype %s"
                      % (where, ds.dtype))
        except (OSError, RuntimeError, TypeError) as e:
            _fail(self.filepath, "the HDF5 dataset %r is unreadable: truncated or corrupted "
                                 "(%s)" % (where, e))
        self._check_size(ds, where)

    def _check_size(self, ds, where):
        check_dataset_size(ds, where, lambda problem: _fail(self.filepath, problem))


def check_dataset_size(ds, where, fail):
    """A dataset may declare at most MAX_DATASET_BYTES, and above 1 MiB at
    most MAX_COMPRESSION_RATIO times the bytes it stores, so that what a file
    declares is bounded by its size; `fail(problem)` otherwise."""
    try:
        declared = _element_count(ds.shape) * ds.dtype.itemsize \
            if ds.shape is not None else 0
        if declared > MAX_DATASET_BYTES:
            fail("the HDF5 dataset %r declares %d bytes, more than the %d allowed"
                 % (where, declared, MAX_DATASET_BYTES))
        stored = ds.id.get_storage_size()
        if declared > (1 << 20) and declared > MAX_COMPRESSION_RATIO * max(stored, 1):
            fail("the HDF5 dataset %r declares %d bytes but stores only %d; refusing a "
                 "potential decompression bomb" % (where, declared, stored))
    except (OSError, RuntimeError, TypeError) as e:
        fail("the HDF5 dataset %r is unreadable: truncated or corrupted (%s)" % (where, e))


def declared_elements(root, fail, check=True):
    """The number of values the datasets below `root` (an open h5py File or
    Group) declare, from the HDF5 metadata only (no data is read). A
    declaration is only believed when the file stores the data: with `check`
    each dataset must pass `check_dataset_size`, without it each counts for
    at most what its stored bytes could inflate to (the reader refuses the
    dataset later, in its own words). The loaders bound the weights a config
    may create by it."""
    h5py = _h5py()
    total, seen, stack = 0, set(), [root]
    try:
        while stack:
            group = stack.pop()
            for name in list(group.keys()):
                obj = group[name]
                if hash(obj.id) in seen:
                    continue
                seen.add(hash(obj.id))
                if isinstance(obj, h5py.Group):
                    stack.append(obj)
                elif isinstance(obj, h5py.Dataset) and obj.shape is not None:
                    n = _element_count(obj.shape)
                    if check:
                        check_dataset_size(obj, obj.name.lstrip("/"), fail)
                    else:
                        stored = obj.id.get_storage_size()
                        n = min(n, (MAX_COMPRESSION_RATIO * stored + (1 << 20))
                                // max(obj.dtype.itemsize, 1))
                    total += n
    except (OSError, KeyError, RuntimeError) as e:
        fail("the HDF5 file is corrupted (%s)" % (e,))
    return total


def _element_count(shape):
    n = 1
    for d in shape:
        n *= int(d)
    return n


class _Pending:
    """A checked, not yet read dataset: `shape` and `dtype` from the metadata."""

    def __init__(self, dataset, where):
        self.dataset = dataset
        self.where = where
        self.shape = tuple(dataset.shape) if dataset.shape is not None else ()
        self.dtype = dataset.dtype


def _warn_non_finite(filepath, arr, what):
    if arr.dtype.kind in "fc" and arr.size and not np.isfinite(arr).all():
        bad = int(arr.size - np.count_nonzero(np.isfinite(arr)))
        warnings.warn("%s holds %d NaN or infinite value(s) for %s; they were loaded as "
                      "they are" % (filepath, bad, what), UserWarning, stacklevel=4)


def check_h5_tree(root, fail):
    """Walks every entry below `root` (an open h5py File or Group) and calls
    `fail(problem)` for anything that would make reading leave the file: a soft
    or external link, or a dataset whose data is external or virtual. Shared by
    the `.weights.h5` reader and the legacy `.h5` reader."""
    h5py = _h5py()
    seen = set()
    stack = [(root, "")]
    while stack:
        group, prefix = stack.pop()
        if hash(group.id) in seen:        # hard links may form cycles
            continue
        seen.add(hash(group.id))
        for name in list(group.keys()):
            where = prefix + name
            link = group.get(name, getclass=True, getlink=True)
            if link in (h5py.ExternalLink, h5py.SoftLink):
                fail("the HDF5 entry %r is a link; links are not allowed" % where)
                continue
            obj = group[name]
            if isinstance(obj, h5py.Group):
                stack.append((obj, where + "/"))
            elif isinstance(obj, h5py.Dataset) and (obj.external or obj.is_virtual):
                fail("the HDF5 dataset %r refers to data outside the file" % where)


def _match(filepath, where, name, variables, values, errors):
    """Checks one object's stored arrays against its variables; returns the
    `(variable, array)` pairs, or records an error."""
    if len(values) != len(variables):
        errors.append("Layer '%s' expected %d variables, but received %d variables during "
                      "loading. Expected: %s" % (name, len(variables), len(values),
                                                 [v.name for v in variables]))
        return []
    pairs = []
    for i, v in enumerate(variables):
        arr = values.get(str(i))
        if arr is None:
            errors.append("Layer '%s': the file has no variable %d at %s/vars/%d"
                          % (name, i, where, i))
            return []
        if tuple(arr.shape) != tuple(v.shape):
            errors.append("Layer '%s': the variable %r has shape %s but the file holds "
                          "shape %s (at %s/vars/%d)"
                          % (name, v.name, tuple(v.shape), tuple(arr.shape), where, i))
            return []
        pairs.append((v, arr))
    return pairs


def load_weights_into(model, store, skip_mismatch=False, load_optimizer=True):
    """Loads every layer's variables (and the optimizer's) from `store`.
    Nothing is assigned unless every layer matches (or `skip_mismatch`).

    As in Keras, the optimizer's state is restored only when its variables
    match the file's in number: an optimizer that was never built (a freshly
    compiled model) has only `iterations` and `learning_rate`, so its state is
    skipped with a warning (`load_model` builds the optimizer first)."""
    filepath = store.filepath
    errors, pairs, custom = [], [], []
    for where, name, variables, obj in _model_entries(model):
        if not where:
            continue
        values = store.group(where)
        if hasattr(obj, "load_own_variables"):     # Keras's hook, given the group's dict
            custom.append((obj, values))
            continue
        got = _match(filepath, where, name, variables, values, errors)
        pairs.extend(got)
    if errors:
        msg = ("A total of %d objects could not be loaded from %s. Example error message:\n\n"
               "%s\n\nAll errors:\n%s" % (len(errors), filepath, errors[0],
                                         "\n".join(errors)))
        if not skip_mismatch:
            raise ValueError(msg)
        warnings.warn(msg, stacklevel=3)
    opt_pairs = []
    optimizer = getattr(model, "optimizer", None)
    if load_optimizer and optimizer is not None:
        values = store.group("optimizer")
        if values:
            variables = optimizer_variables(optimizer)
            if len(values) != len(variables):
                warnings.warn("Skipping variable loading for optimizer '%s', because it has "
                              "%d variables whereas the saved optimizer has %d variables. "
                              % (optimizer.name, len(variables), len(values)), stacklevel=3)
            else:
                opt_errors = []
                opt_pairs = _match(filepath, "optimizer", optimizer.name, variables, values,
                                   opt_errors)
                if opt_errors:
                    raise ValueError("Cannot load the optimizer state from %s: %s"
                                     % (filepath, opt_errors[0]))
    # every dataset's shape and dtype were checked above; only now is data read
    loaded = []
    for v, pending in pairs + opt_pairs:
        arr = store.read(pending)
        _warn_non_finite(filepath, arr, "the variable %r (%s)" % (v.path, pending.where))
        loaded.append((v, arr))
    custom_values = []
    for obj, values in custom:
        arrays = {}
        for key, pending in values.items():
            arrays[key] = store.read(pending)
            _warn_non_finite(filepath, arrays[key], "%r of layer %r (%s)"
                             % (key, obj.name, pending.where))
        custom_values.append((obj, arrays))
    for v, arr in loaded:
        v.assign(arr.astype(v.value.dtype, copy=False))
    for obj, values in custom_values:
        obj.load_own_variables(values)


# -- public entry points -------------------------------------------------------
def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Loads a `.keras` archive written by nnlite or by Keras 3."""
    filepath = os.fspath(filepath)
    if not filepath.endswith(".keras"):
        raise ValueError("Invalid filename: expected a `.keras` extension. Received: "
                         "filepath=%s" % filepath)
    with loading(filepath):
        return _load_model(filepath, custom_objects, compile, safe_mode)


def _load_model(filepath, custom_objects, compile, safe_mode):
    from nnlite.backend.variable import WeightBudgetExceeded, weight_budget
    config, weights = read_archive(filepath)
    if not compile:
        config = dict(config)
        config["compile_config"] = None
    from nnlite.saving.serialization_lib import deserialize_keras_object
    # the weights file is opened (and checked) first: what it declares bounds
    # the weights the config may create
    store = _WeightsStore(io.BytesIO(weights), filepath)
    try:
        held = store.declared_elements()
        try:
            with weight_budget(held + WEIGHT_BUDGET_SLACK):
                model = deserialize_keras_object(config, custom_objects=custom_objects,
                                                 safe_mode=safe_mode)
        except WeightBudgetExceeded as e:
            _fail(filepath, "the config asks for %d weight values but the weights file holds "
                            "%d" % (e.asked, held))
        except (ValueError, TypeError, KeyError, AttributeError, NotImplementedError) as e:
            raise ValueError("Cannot load %s: config.json does not describe a model nnlite "
                             "can build: %s" % (filepath, e)) from e
        from nnlite.models.model import Model
        if not isinstance(model, Model):
            _fail(filepath, "config.json describes a %s, not a model" % type(model).__name__)
        optimizer = getattr(model, "optimizer", None)
        if optimizer is not None and not optimizer.built and model.built:
            # the slots: a few per trainable weight, which the budget bounded
            optimizer.build(model.trainable_weights)
        load_weights_into(model, store)
    finally:
        store.close()
    _load_assets(model, read_assets(filepath))
    return model


def load_weights(model, filepath, skip_mismatch=False):
    """Loads weights from a `.weights.h5` file or from the weights inside a
    `.keras` archive."""
    filepath = os.fspath(filepath)
    if not model.built:
        raise ValueError("You are loading weights into a model that has not yet been built. "
                         "Try building the model first by calling it on some data or by "
                         "using `build()`.")
    with loading(filepath):
        _load_weights(model, filepath, skip_mismatch)


def _load_weights(model, filepath, skip_mismatch):
    if filepath.endswith(".keras"):
        _, weights = read_archive(filepath)
        source = io.BytesIO(weights)
    else:
        if not os.path.isfile(filepath):
            raise FileNotFoundError("No such weights file: %s" % filepath)
        size = os.path.getsize(filepath)
        if size > MAX_WEIGHTS_BYTES:
            _fail(filepath, "the file holds %d bytes, more than the %d allowed"
                  % (size, MAX_WEIGHTS_BYTES))
        with open(filepath, "rb") as f:
            source = io.BytesIO(f.read())
    store = _WeightsStore(source, filepath)
    try:
        load_weights_into(model, store, skip_mismatch=skip_mismatch)
    finally:
        store.close()
