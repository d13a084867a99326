"""Damaged and hostile model files: each is built here, in `tmp_path`, and
must be refused with a ValueError naming the file and the problem, before
the memory it asks for is spent (measured with `tracemalloc`, which sees
NumPy's and Python's allocations)."""
import json
import os
import re
import signal
import struct
import subprocess
import sys
import textwrap
import time
import tracemalloc
import warnings
import zipfile
import zlib

import h5py
import numpy as np
import pytest

import nnlite
from nnlite import layers
from nnlite.saving import saving_lib
from nnlite.saving.serialization_lib import deserialize_keras_object

MB = 1 << 20


# -- helpers --------------------------------------------------------------------
def small_model():
    nnlite.utils.set_random_seed(3)
    model = nnlite.Sequential([layers.Input((3,)), layers.Dense(4), layers.Dense(2)])
    model.compile(optimizer="adam", loss="mse")
    return model


def entries_of(model, tmp_path):
    path = tmp_path / "source.keras"
    model.save(path)
    with zipfile.ZipFile(path) as z:
        entries = {n: z.read(n) for n in z.namelist()}
    path.unlink()
    return entries


def write_zip(path, entries):
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return path


def with_config(tmp_path, edit, name="hostile.keras", model=None):
    """A valid archive of a small model whose config.json `edit(config)` changed."""
    entries = entries_of(model or small_model(), tmp_path)
    config = json.loads(entries["config.json"])
    edit(config)
    entries["config.json"] = json.dumps(config).encode()
    return write_zip(tmp_path / name, entries)


def peak_of(fn):
    """`(result or exception, peak traced bytes, seconds)` of `fn()`."""
    tracemalloc.start()
    t0 = time.perf_counter()
    try:
        try:
            out = fn()
        except Exception as e:      # noqa: BLE001 - returned to the test
            out = e
        return out, tracemalloc.get_traced_memory()[1], time.perf_counter() - t0
    finally:
        tracemalloc.stop()


def refused(path, match, fn=None, max_peak=64 * MB):
    """Loads `path`, expects ValueError matching `match` naming the file, within `max_peak`."""
    err, peak, _ = peak_of(fn or (lambda: nnlite.models.load_model(path)))
    assert isinstance(err, ValueError), "expected ValueError, got %r" % (err,)
    assert str(path) in str(err), str(err)
    assert re.search(match, str(err)), str(err)
    assert peak < max_peak, "peak %.0f MB" % (peak / MB)
    return err


# -- 1. a config that asks for more weights than the file holds ----------------------
def set_units(units, index=1):
    def edit(config):
        layer = config["config"]["layers"][index]
        layer["config"]["units"] = units
    return edit


@pytest.mark.parametrize("units", [20_000_000, 10 ** 10])
def test_config_with_huge_units_is_refused_before_building(tmp_path, units):
    path = with_config(tmp_path, set_units(units))
    err = refused(path, r"the config asks for \d+ weight values but the weights file "
                        r"holds \d+")
    assert "MemoryError" not in str(err)


def test_config_with_huge_build_shape_is_refused_before_building(tmp_path):
    def edit(config):
        config["config"]["layers"][0]["config"]["batch_shape"] = [None, 20_000_000]
        config["config"]["layers"][1]["build_config"] = {"input_shape": [None, 20_000_000]}
        config["config"]["build_input_shape"] = [None, 20_000_000]
        config["build_config"] = {"input_shape": [None, 20_000_000]}
    path = with_config(tmp_path, edit)
    refused(path, r"the config asks for \d+ weight values but the weights file holds \d+")


def test_weight_budget_refuses_before_allocating():
    from nnlite.backend.variable import Variable, WeightBudgetExceeded, weight_budget
    with weight_budget(100) as state:
        Variable(np.zeros(60, "float32"))
        with pytest.raises(WeightBudgetExceeded) as info:
            Variable(lambda shape, dtype: pytest.fail("allocated"), shape=(10 ** 12,))
        assert info.value.asked == 60 + 10 ** 12
        assert state["used"] == 60
    Variable(np.zeros(1000, "float32"))          # no budget outside the block


def test_a_model_within_the_file_s_weights_still_loads(tmp_path):
    model = small_model()
    model.fit(np.ones((4, 3), "float32"), np.ones((4, 2), "float32"), epochs=1, verbose=0)
    model.save(tmp_path / "ok.keras")
    loaded = nnlite.models.load_model(tmp_path / "ok.keras")
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_array_equal(a, b)


# -- 2. __numpy__ entries ------------------------------------------------------------
def numpy_entry(value, dtype, shape=None):
    inner = {"value": value, "dtype": dtype}
    if shape is not None:
        inner["shape"] = shape
    return {"class_name": "__numpy__", "config": inner}


def test_numpy_entry_with_a_subarray_dtype_is_refused_without_allocating():
    # np.array(0, dtype="(16000,16000)f4") would allocate 1 GB
    err, peak, _ = peak_of(lambda: deserialize_keras_object(
        numpy_entry(0, "(16000,16000)float32")))
    assert isinstance(err, ValueError) and "dtype" in str(err)
    assert peak < 8 * MB


@pytest.mark.parametrize("dtype", ["object", "O", "U10", "V8", "datetime64[s]", 7])
def test_numpy_entry_accepts_only_plain_numeric_dtypes(dtype):
    with pytest.raises(ValueError, match="dtype"):
        deserialize_keras_object(numpy_entry([1, 2], dtype))


def test_numpy_entry_declared_shape_must_match_the_data():
    with pytest.raises(ValueError, match=r"declares shape \(16000, 16000\) but its data "
                                         r"has shape \(2,\)"):
        deserialize_keras_object(numpy_entry([1, 2], "float32", [16000, 16000]))
    with pytest.raises(ValueError, match="regular"):
        deserialize_keras_object(numpy_entry([[1, 2], [3]], "float32"))
    with pytest.raises(ValueError, match="only numbers"):
        deserialize_keras_object(numpy_entry(["a"], "float32"))
    arr = deserialize_keras_object(numpy_entry([[1, 2], [3, 4]], "int32", [2, 2]))
    assert arr.dtype == np.int32 and arr.tolist() == [[1, 2], [3, 4]]


def test_numpy_entry_in_a_keras_file_is_refused(tmp_path):
    def edit(config):
        config["compile_config"]["loss_weights"] = numpy_entry(0, "(16000,16000)float32")
    path = with_config(tmp_path, edit)
    refused(path, "__numpy__.*dtype", max_peak=16 * MB)


# -- 3. HDF5 datasets checked before any is read ---------------------------------------
def count_reads(monkeypatch):
    reads = []
    original = h5py.Dataset.__getitem__

    def spy(self, key):
        reads.append(self.name)
        return original(self, key)
    monkeypatch.setattr(h5py.Dataset, "__getitem__", spy)
    return reads


def big_group_weights(path, model, n_big=2, rows=4096, cols=4096):
    """A `.weights.h5` of `model` whose first layer group holds `n_big`
    gzip-compressed float32 datasets of `rows x cols` (64 MB each) instead of
    its kernel and bias."""
    model.save_weights(path)
    filler = (np.arange(rows * cols, dtype=np.float32) % 5).reshape(rows, cols)
    with h5py.File(path, "a") as f:
        group = f["layers/dense/vars"]
        for key in list(group.keys()):
            del group[key]
        for i in range(n_big):
            group.create_dataset(str(i), data=filler, compression="gzip", chunks=(512, 4096))
    return path


def test_h5_dataset_shapes_are_checked_before_any_data_is_read(tmp_path, monkeypatch):
    model = small_model()
    path = big_group_weights(tmp_path / "big.weights.h5", model)
    assert os.path.getsize(path) < 8 * MB            # 128 MB of values, stored small
    reads = count_reads(monkeypatch)
    refused(path, r"has shape \(3, 4\) but the file holds shape \(4096, 4096\)",
            fn=lambda: model.load_weights(path), max_peak=32 * MB)
    assert reads == []


def weights_with(tmp_path, model, key, value):
    """The model's `.weights.h5` with dataset `key` replaced by `value`."""
    path = tmp_path / "m.weights.h5"
    model.save_weights(path)
    with h5py.File(path, "a") as f:
        del f[key]
        f[key] = value
    return path


def test_no_dataset_is_read_when_a_later_layer_mismatches(tmp_path, monkeypatch):
    model = small_model()
    path = weights_with(tmp_path, model, "layers/dense_1/vars/0", np.zeros((4, 3), "float32"))
    reads = count_reads(monkeypatch)
    refused(path, r"dense_1", fn=lambda: model.load_weights(path))
    assert reads == []


def test_h5_dataset_of_a_non_numeric_dtype_is_refused(tmp_path, monkeypatch):
    model = small_model()
    path = weights_with(tmp_path, model, "layers/dense/vars/1", np.array([b"abcd"] * 4))
    reads = count_reads(monkeypatch)
    refused(path, "non-numeric dtype", fn=lambda: model.load_weights(path))
    assert reads == []


def test_legacy_h5_datasets_are_checked_before_any_is_read(tmp_path, monkeypatch):
    model = small_model()
    path = tmp_path / "m.h5"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.save(path)
    name = model.layers[1].name
    with h5py.File(path, "a") as f:
        group = f["model_weights/%s/%s/%s" % (name, model.name, name)]
        del group["kernel"]
        group["kernel"] = np.zeros((4, 3), "float32")
    reads = count_reads(monkeypatch)
    err = refused(path, "shape", fn=lambda: model.load_weights(path))
    assert name in str(err)
    assert [r for r in reads if "model_weights" in r] == []


# -- 4. zip entries that inflate past their declared size -------------------------------
def _deflate_stream(total, chunk=MB):
    c = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    zero = bytes(chunk)
    parts = [c.compress(zero) for _ in range(total // chunk)]
    parts.append(c.flush())
    return b"".join(parts)


def write_raw_zip(path, members):
    """Writes a zip by hand: `members` is `[(name, stored bytes, method, crc,
    declared compressed size, declared file size)]`."""
    out, central = bytearray(), bytearray()
    for name, raw, method, crc, csize, usize in members:
        fname = name.encode()
        offset = len(out)
        out += struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, method, 0, 0, crc, csize,
                           usize, len(fname), 0) + fname + raw
        central += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, method, 0, 0, crc,
                               csize, usize, len(fname), 0, 0, 0, 0, 0, offset) + fname
    start = len(out)
    out += central
    out += struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members),
                       len(central), start, 0)
    with open(path, "wb") as f:
        f.write(out)
    return path


def stored(name, data):
    crc = zlib.crc32(data) & 0xFFFFFFFF
    return (name, data, zipfile.ZIP_STORED, crc, len(data), len(data))


@pytest.mark.parametrize("declared", [4096, 300_000])
def test_zip_entry_inflating_past_its_declared_size_is_refused(tmp_path, declared):
    # 4 kB: refused from the sizes alone (256 kB stored cannot be 4 kB of
    # data); 300 kB: refused while inflating, as soon as it passes 300 kB
    entries = entries_of(small_model(), tmp_path)
    bomb = _deflate_stream(256 * MB)          # 256 MiB of zeros in ~250 kB
    assert len(bomb) < declared or declared == 4096
    members = [stored("metadata.json", entries["metadata.json"]),
               stored("config.json", entries["config.json"]),
               ("model.weights.h5", bomb, zipfile.ZIP_DEFLATED,
                zlib.crc32(bytes(declared)) & 0xFFFFFFFF, len(bomb), declared)]
    path = write_raw_zip(tmp_path / "bomb.keras", members)
    assert os.path.getsize(path) < MB
    err, peak, seconds = peak_of(lambda: nnlite.models.load_model(path))
    assert isinstance(err, ValueError), repr(err)
    assert str(path) in str(err)
    assert "entry model.weights.h5 is larger than it declares" in str(err)
    assert peak < 8 * MB, "peak %.0f MB" % (peak / MB)
    assert seconds < 5


def test_zip_entry_with_a_wrong_crc_is_refused(tmp_path):
    entries = entries_of(small_model(), tmp_path)
    data = entries["model.weights.h5"]
    members = [stored("metadata.json", entries["metadata.json"]),
               stored("config.json", entries["config.json"]),
               ("model.weights.h5", data, zipfile.ZIP_STORED, 1234, len(data), len(data))]
    path = write_raw_zip(tmp_path / "crc.keras", members)
    refused(path, "model.weights.h5.*(CRC|corrupted)")


def test_deflated_archives_still_load(tmp_path):
    model = small_model()
    model.fit(np.ones((4, 3), "float32"), np.ones((4, 2), "float32"), epochs=1, verbose=0)
    entries = entries_of(model, tmp_path)
    path = tmp_path / "deflated.keras"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, data in entries.items():
            z.writestr(name, data)
    loaded = nnlite.models.load_model(path)
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_array_equal(a, b)


# -- 5. raw Python errors become ValueError --------------------------------------------
def nested(depth):
    value = 1
    for _ in range(depth):
        value = {"a": value}
    return value


def test_deeply_nested_config_is_a_value_error(tmp_path):
    def edit(config):
        config["compile_config"]["loss_weights"] = nested(900)
    path = with_config(tmp_path, edit)
    refused(path, "nested")


def test_deeply_nested_json_text_is_a_value_error(tmp_path):
    entries = entries_of(small_model(), tmp_path)
    entries["config.json"] = b"[" * 100000 + b"]" * 100000
    path = write_zip(tmp_path / "deep.keras", entries)
    refused(path, "nested too deeply|not valid JSON")


@pytest.mark.parametrize("error", [MemoryError, RecursionError, KeyError, TypeError])
def test_raw_errors_inside_loading_become_value_errors(tmp_path, monkeypatch, error):
    small_model().save(tmp_path / "m.keras")

    def boom(*args, **kwargs):
        raise error("raised inside loading")
    monkeypatch.setattr(saving_lib, "load_weights_into", boom)
    err = refused(tmp_path / "m.keras", "Cannot load")
    assert err.__class__ is ValueError


def test_missing_files_stay_file_not_found(tmp_path):
    model = small_model()
    with pytest.raises(FileNotFoundError, match="nothere.weights.h5"):
        model.load_weights(tmp_path / "nothere.weights.h5")
    with pytest.raises(FileNotFoundError, match="nothere.h5"):
        nnlite.models.load_model(tmp_path / "nothere.h5")


def test_model_from_json_needs_a_model_config_dict():
    for text in ("[1, 2]", "3", '"x"', "null", '{"a": 1}'):
        with pytest.raises(ValueError, match="model config dict"):
            nnlite.models.model_from_json(text)
    layer_json = json.dumps(nnlite.saving.serialize_keras_object(layers.Dense(2)))
    with pytest.raises(ValueError, match="model config dict.*Dense"):
        nnlite.models.model_from_json(layer_json)
    with pytest.raises(ValueError, match="nested"):
        nnlite.models.model_from_json(json.dumps(nested(900)))
    model = small_model()
    assert nnlite.models.model_from_json(model.to_json()).layers[0].units == 4


# -- 6. NaN and infinite weights ------------------------------------------------------
def test_nan_weights_load_with_a_warning(tmp_path):
    model = small_model()
    kernel = model.layers[1].kernel
    value = kernel.numpy()
    value[0, 0] = np.nan
    value[1, 0] = np.inf
    kernel.assign(value)
    for path in (tmp_path / "nan.keras", tmp_path / "nan.weights.h5"):
        model.save(path) if path.suffix == ".keras" else model.save_weights(path)
        with pytest.warns(UserWarning) as record:
            if path.suffix == ".keras":
                loaded = nnlite.models.load_model(path)
            else:
                loaded = small_model()
                loaded.load_weights(path)
        messages = [str(w.message) for w in record if "NaN" in str(w.message)]
        assert len(messages) == 1, messages
        assert str(path) in messages[0]
        assert loaded.layers[1].kernel.path in messages[0]
        np.testing.assert_array_equal(loaded.layers[1].kernel.numpy(), value)


def test_nan_weights_in_legacy_h5_warn(tmp_path):
    model = small_model()
    bias = model.layers[0].bias
    bias.assign(np.array([np.nan, 0, 0, 0], "float32"))
    path = tmp_path / "nan.h5"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.save(path)
    with pytest.warns(UserWarning, match="NaN") as record:
        nnlite.models.load_model(path)
    msg = [str(w.message) for w in record if "NaN" in str(w.message)][0]
    assert str(path) in msg and bias.path in msg


def test_finite_weights_load_without_warnings(tmp_path):
    model = small_model()
    model.fit(np.ones((4, 3), "float32"), np.ones((4, 2), "float32"), epochs=1, verbose=0)
    model.save(tmp_path / "m.keras")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        nnlite.models.load_model(tmp_path / "m.keras")


# -- 7. interrupted saves ---------------------------------------------------------------
CHILD = textwrap.dedent("""
    import sys, time
    import nnlite
    from nnlite import layers
    from nnlite.saving import saving_lib
    model = nnlite.Sequential([layers.Input((3,)), layers.Dense(4)])
    real = saving_lib.zipfile.ZipFile.writestr

    def slow_writestr(self, name, data, *args, **kwargs):
        real(self, name, data, *args, **kwargs)
        self.fp.flush()
        print("writing", flush=True)
        time.sleep(60)
    saving_lib.zipfile.ZipFile.writestr = slow_writestr
    model.save(sys.argv[1])
""")


def temporaries(folder, target):
    return sorted(n for n in os.listdir(folder)
                  if re.match(r"^\.%s\.\d+\.[0-9a-f]+\.tmp$" % re.escape(target), n))


@pytest.mark.filterwarnings("ignore:Skipping variable loading")
def test_a_killed_save_leaves_a_temporary_the_next_save_removes(tmp_path):
    target = tmp_path / "m.keras"
    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(nnlite.__file__)))
    # run from tmp_path: `-c` puts the working folder first on sys.path
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(target)],
                             stdout=subprocess.PIPE, env=env, cwd=tmp_path)
    try:
        assert child.stdout.readline().strip() == b"writing"
        litter = temporaries(tmp_path, "m.keras")
        assert len(litter) == 1 and (".%d." % child.pid) in litter[0]
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
        child.stdout.close()
    assert not target.exists()
    assert temporaries(tmp_path, "m.keras") == litter           # the kill left it
    # a temporary of a live process (this one) and of another target are kept
    mine = tmp_path / (".m.keras.%d.abcdef.tmp" % os.getpid())
    other = tmp_path / (".n.keras.%d.abcdef.tmp" % child.pid)
    mine.write_bytes(b"x")
    other.write_bytes(b"x")
    small_model().save(target)
    assert temporaries(tmp_path, "m.keras") == [mine.name]
    assert other.exists()
    assert nnlite.models.load_model(target).layers[0].units == 4


def test_an_exception_during_save_leaves_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "m.keras"
    small_model().save(target)
    before = target.read_bytes()

    def broken(self, name, data, *args, **kwargs):
        raise OSError("disk full")
    monkeypatch.setattr(saving_lib.zipfile.ZipFile, "writestr", broken)
    with pytest.raises(OSError, match="disk full"):
        small_model().save(target)
    assert os.listdir(tmp_path) == ["m.keras"]
    assert target.read_bytes() == before


def test_saving_into_a_missing_folder_names_the_target_and_folder(tmp_path):
    target = tmp_path / "missing" / "m.keras"
    model = small_model()
    for path, save in ((target, model.save),
                       (tmp_path / "missing" / "m.weights.h5", model.save_weights)):
        with pytest.raises(FileNotFoundError) as info:
            save(path)
        msg = str(info.value)
        assert str(path) in msg and str(tmp_path / "missing") in msg
        assert ".tmp" not in msg
    assert os.listdir(tmp_path) == []


def test_weights_file_declaring_unstored_datasets_does_not_raise_the_budget(tmp_path):
    # a chunked dataset that is never written declares 10**10 values in a
    # few bytes; the budget must not believe it
    entries = entries_of(small_model(), tmp_path)
    path = tmp_path / "w.h5"
    path.write_bytes(entries["model.weights.h5"])
    with h5py.File(path, "a") as f:
        f.create_dataset("padding/vars/0", shape=(10 ** 10,), dtype="float32",
                         chunks=(1 << 16,))
    entries["model.weights.h5"] = path.read_bytes()
    config = json.loads(entries["config.json"])
    set_units(20_000_000)(config)
    entries["config.json"] = json.dumps(config).encode()
    refused(write_zip(tmp_path / "padded.keras", entries), "padding/vars/0.*declares")


@pytest.mark.parametrize("optimizer", ["adam", "sgd", "rmsprop", "nadam", "adagrad"])
def test_budget_is_the_model_s_weights_slots_are_not_counted(tmp_path, optimizer):
    # a compiled, never trained model: the file holds no slots, the
    # optimizer builds them while loading
    nnlite.utils.set_random_seed(1)
    model = nnlite.Sequential([layers.Input((1200,)), layers.Dense(1200), layers.Dense(2)])
    model.compile(optimizer=optimizer, loss="mse")
    model.save(tmp_path / "m.keras")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        loaded = nnlite.models.load_model(tmp_path / "m.keras")
    np.testing.assert_array_equal(loaded.layers[0].kernel.numpy(),
                                  model.layers[0].kernel.numpy())


def test_legacy_h5_config_with_huge_units_is_refused_before_building(tmp_path):
    path = tmp_path / "m.h5"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        small_model().save(path)
    with h5py.File(path, "a") as f:
        config = json.loads(f.attrs["model_config"])
        config["config"]["layers"][-1]["config"]["units"] = 20_000_000
        f.attrs["model_config"] = json.dumps(config)
    refused(path, r"the config asks for \d+ weight values but the weights file holds \d+")


def test_saving_into_an_unwritable_folder_names_the_target(tmp_path, monkeypatch):
    real_open = os.open

    def refuse_temporaries(path, *args, **kwargs):
        if str(path).endswith(".tmp"):
            raise PermissionError(13, "Permission denied", path)
        return real_open(path, *args, **kwargs)
    monkeypatch.setattr(os, "open", refuse_temporaries)
    with pytest.raises(PermissionError) as info:
        small_model().save(tmp_path / "m.keras")
    assert str(tmp_path / "m.keras") in str(info.value)
    assert ".tmp" not in str(info.value)
