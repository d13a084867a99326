"""Loading never trusts the file: truncated, corrupted or hostile `.keras` and
`.weights.h5` files raise a clear ValueError naming the file and the problem,
nothing is created outside the target, and saving is atomic."""
import io
import json
import os
import struct
import warnings
import zipfile

import h5py
import numpy as np
import pytest

import nnlite
from nnlite import layers
from nnlite.saving import legacy_h5, saving_lib


def make_model():
    nnlite.utils.set_random_seed(2)
    model = nnlite.Sequential([layers.Input((3,)), layers.Dense(4, activation="relu"),
                               layers.Dense(2)])
    model.compile(optimizer="adam", loss="mse")
    return model


@pytest.fixture
def good(tmp_path):
    """A valid archive's entries: {name: bytes}."""
    path = tmp_path / "good.keras"
    model = make_model()
    x = np.ones((4, 3), dtype="float32")
    model.fit(x, x[:, :2], epochs=1, verbose=0)
    model.save(path)
    with zipfile.ZipFile(path) as z:
        entries = {n: z.read(n) for n in z.namelist()}
    path.unlink()
    return entries


def write_zip(path, entries, compression=zipfile.ZIP_STORED):
    with zipfile.ZipFile(path, "w", compression=compression) as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return path


def files_under(folder):
    return sorted(os.path.relpath(os.path.join(d, f), folder)
                  for d, _, fs in os.walk(folder) for f in fs)


def load_fails(path, match):
    before = files_under(os.path.dirname(path))
    with pytest.raises(ValueError, match=match) as info:
        nnlite.models.load_model(path)
    assert str(path) in str(info.value)
    assert files_under(os.path.dirname(path)) == before       # nothing extracted


def test_valid_archive_loads(tmp_path, good):
    path = write_zip(tmp_path / "m.keras", good)
    assert nnlite.models.load_model(path).layers[0].units == 4


def test_truncated_archive(tmp_path, good):
    data = write_zip(tmp_path / "full.keras", good).read_bytes()
    path = tmp_path / "m.keras"
    path.write_bytes(data[:len(data) // 2])
    load_fails(path, "zip archive is unreadable, truncated or corrupted")


def test_bit_flipped_weights_entry(tmp_path, good):
    path = write_zip(tmp_path / "m.keras", good)
    raw = bytearray(path.read_bytes())
    start = raw.index(good["model.weights.h5"][:64])
    raw[start + 3000] ^= 0xFF       # inside the stored HDF5 data: the CRC no longer matches
    path.write_bytes(bytes(raw))
    load_fails(path, "corrupted")


def test_corrupted_hdf5_with_valid_zip(tmp_path, good):
    entries = dict(good)
    entries["model.weights.h5"] = b"\x89HDF\r\n\x1a\n" + b"\x00" * 500
    load_fails(write_zip(tmp_path / "m.keras", entries), "not a valid HDF5 file")


@pytest.mark.parametrize("evil", ["../evil.txt", "/abs/evil.txt", "a/../../evil.txt",
                                  "dir\\evil.txt", "C:/evil.txt"])
def test_unsafe_entry_names_are_refused(tmp_path, good, evil):
    entries = dict(good)
    entries[evil] = b"x"
    os.mkdir(tmp_path / "inner")
    load_fails(write_zip(tmp_path / "inner" / "m.keras", entries), "unsafe name")
    assert not (tmp_path / "evil.txt").exists()


def test_zip_bomb_ratio_is_refused(tmp_path, good):
    entries = dict(good)
    entries["model.weights.h5"] = b"\x00" * (8 << 20)     # bz2 stores it in ~100 bytes
    path = write_zip(tmp_path / "m.keras", entries, compression=zipfile.ZIP_BZIP2)
    load_fails(path, "zip bomb")


def test_huge_declared_size_is_refused_before_reading(tmp_path, good):
    path = write_zip(tmp_path / "m.keras", good)
    raw = bytearray(path.read_bytes())
    # patch the uncompressed size of model.weights.h5 in the central directory
    name = b"model.weights.h5"
    pos = 0
    while True:
        pos = raw.index(b"PK\x01\x02", pos)
        (nlen,) = struct.unpack_from("<H", raw, pos + 28)
        if raw[pos + 46:pos + 46 + nlen] == name:
            break
        pos += 4
    struct.pack_into("<I", raw, pos + 24, 0xF0000000)
    path.write_bytes(bytes(raw))
    load_fails(path, "declares")


def test_missing_weights_entry(tmp_path, good):
    entries = {k: v for k, v in good.items() if k != "model.weights.h5"}
    load_fails(write_zip(tmp_path / "m.keras", entries), "no model.weights.h5 entry")


def test_missing_config_entry(tmp_path, good):
    entries = {k: v for k, v in good.items() if k != "config.json"}
    load_fails(write_zip(tmp_path / "m.keras", entries), "no config.json entry")


def test_non_json_config(tmp_path, good):
    entries = dict(good)
    entries["config.json"] = b"{not json"
    load_fails(write_zip(tmp_path / "m.keras", entries), "config.json is not valid JSON")


def test_unknown_class_name_in_config(tmp_path, good):
    config = json.loads(good["config.json"])
    config["config"]["layers"][1]["class_name"] = "os.system"
    entries = dict(good)
    entries["config.json"] = json.dumps(config).encode()
    load_fails(write_zip(tmp_path / "m.keras", entries), "os.system")


def test_config_without_class_name(tmp_path, good):
    entries = dict(good)
    entries["config.json"] = b"[1, 2, 3]"
    load_fails(write_zip(tmp_path / "m.keras", entries), "does not describe a model")


def replace_dataset(weights, key, value):
    buf = io.BytesIO(weights)
    with h5py.File(buf, "a") as f:
        del f[key]
        f[key] = value
    return buf.getvalue()


def test_weight_shape_not_matching_config(tmp_path, good):
    entries = dict(good)
    entries["model.weights.h5"] = replace_dataset(good["model.weights.h5"],
                                                  "layers/dense/vars/0", np.zeros((5, 4)))
    with pytest.raises(ValueError, match=r"shape \(3, 4\) but the file holds shape \(5, 4\)"):
        nnlite.models.load_model(write_zip(tmp_path / "m.keras", entries))


def test_wrong_variable_count(tmp_path, good):
    buf = io.BytesIO(good["model.weights.h5"])
    with h5py.File(buf, "a") as f:
        f["layers/dense_1/vars/2"] = np.zeros(3)
    entries = dict(good)
    entries["model.weights.h5"] = buf.getvalue()
    with pytest.raises(ValueError, match="expected 2 variables, but received 3"):
        nnlite.models.load_model(write_zip(tmp_path / "m.keras", entries))


def test_string_dataset_is_refused(tmp_path, good):
    entries = dict(good)
    entries["model.weights.h5"] = replace_dataset(good["model.weights.h5"],
                                                  "layers/dense/vars/1", "abc")
    load_fails(write_zip(tmp_path / "m.keras", entries), "non-numeric dtype")


def test_external_link_is_refused(tmp_path, good):
    buf = io.BytesIO(good["model.weights.h5"])
    with h5py.File(buf, "a") as f:
        del f["layers/dense/vars/0"]
        f["layers/dense/vars/0"] = h5py.ExternalLink("/etc/passwd", "/x")
    entries = dict(good)
    entries["model.weights.h5"] = buf.getvalue()
    load_fails(write_zip(tmp_path / "m.keras", entries), "link")


def test_hdf5_shape_bomb_is_refused(tmp_path):
    model = make_model()
    model.build((None, 3))
    path = tmp_path / "m.weights.h5"
    model.save_weights(path)
    with h5py.File(path, "a") as f:
        del f["layers/dense/vars/0"]
        f.create_dataset("layers/dense/vars/0", shape=(1 << 16, 1 << 16), dtype="float32",
                         chunks=(64, 64), compression="gzip")      # 16 GiB, stores nothing
    with pytest.raises(ValueError, match="declares"):
        model.load_weights(path)


def test_failed_load_weights_changes_nothing(tmp_path):
    model = make_model()
    model.build((None, 3))
    path = tmp_path / "m.weights.h5"
    model.save_weights(path)
    with h5py.File(path, "a") as f:
        del f["layers/dense_1/vars/0"]
        f["layers/dense_1/vars/0"] = np.zeros((4, 3), dtype="float32")
        f["layers/dense/vars/0"][...] = 7.0
    before = model.get_weights()
    with pytest.raises(ValueError, match="Layer 'dense"):
        model.load_weights(path)
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_truncated_weights_h5(tmp_path):
    model = make_model()
    model.build((None, 3))
    path = tmp_path / "m.weights.h5"
    model.save_weights(path)
    path.write_bytes(path.read_bytes()[:700])
    with pytest.raises(ValueError, match="not a valid HDF5 file"):
        model.load_weights(path)


# -- atomic saving ------------------------------------------------------------------
@pytest.mark.parametrize("name", ["m.keras", "m.weights.h5"])
def test_failure_mid_save_keeps_the_previous_file(tmp_path, monkeypatch, name):
    model = make_model()
    model.build((None, 3))
    path = tmp_path / name
    (model.save if name.endswith(".keras") else model.save_weights)(path)
    previous = path.read_bytes()

    def broken(model, fileobj):
        fileobj.write(b"half")
        raise OSError("disk full")
    monkeypatch.setattr(saving_lib, "write_weights_h5", broken)
    with pytest.raises(OSError, match="disk full"):
        (model.save if name.endswith(".keras") else model.save_weights)(path)
    assert path.read_bytes() == previous
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]      # no temp file left


def test_failure_while_writing_the_archive_keeps_the_previous_file(tmp_path, monkeypatch):
    model = make_model()
    model.build((None, 3))
    path = tmp_path / "m.keras"
    model.save(path)
    previous = path.read_bytes()
    real = zipfile.ZipFile.writestr

    def writestr(self, name, data, *args, **kwargs):
        if name == "model.weights.h5":
            raise KeyboardInterrupt
        return real(self, name, data, *args, **kwargs)
    monkeypatch.setattr(zipfile.ZipFile, "writestr", writestr)
    with pytest.raises(KeyboardInterrupt):
        model.save(path)
    assert path.read_bytes() == previous
    assert [p.name for p in tmp_path.iterdir()] == ["m.keras"]


def test_no_pickle_in_npz_weights(tmp_path):
    model = make_model()
    model.build((None, 3))
    path = tmp_path / "m.weights.npz"
    np.savez(path, arr_0=np.array([object()], dtype=object))
    with pytest.raises(ValueError, match="allow_pickle"):
        model.load_weights(path)


@pytest.mark.parametrize("name, save", [
    ("m.keras", lambda m, p: m.save(p)),
    ("m.h5", lambda m, p: m.save(p)),
    ("m.weights.h5", lambda m, p: m.save_weights(p)),
    ("m.weights.npz", lambda m, p: m.save_weights(p)),
    ("w.h5", lambda m, p: legacy_h5.save_weights_to_hdf5(m, p)),
])
def test_saved_file_gets_ordinary_permissions(tmp_path, name, save):
    model = make_model()
    model.build((None, 3))
    path = tmp_path / name
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")     # the legacy .h5 format warning
        save(model, path)
        mask = os.umask(0)
        os.umask(mask)
        assert path.stat().st_mode & 0o777 == 0o666 & ~mask
        os.chmod(path, 0o640)
        save(model, path)      # replacing keeps the file's permissions
    assert path.stat().st_mode & 0o777 == 0o640


def _legacy_weights_file(tmp_path):
    model = nnlite.Sequential([layers.Input((3,)), layers.Dense(2, name="d")], name="seq")
    path = tmp_path / "w.h5"
    legacy_h5.save_weights_to_hdf5(model, path)
    return model, path


def test_legacy_h5_refuses_a_dataset_stored_in_another_file(tmp_path):
    model, path = _legacy_weights_file(tmp_path)
    outside = tmp_path / "outside.bin"
    (np.arange(6, dtype=np.float32) * 7).tofile(outside)
    with h5py.File(path, "a") as f:
        g = f["d/seq/d"]
        del g["kernel"]
        g.create_dataset("kernel", shape=(3, 2), dtype="f4",
                         external=[(str(outside), 0, 24)])
    before = model.get_weights()
    with pytest.raises(ValueError, match="outside the file"):
        model.load_weights(path)
    np.testing.assert_array_equal(model.get_weights()[0], before[0])


def test_legacy_h5_refuses_an_external_link(tmp_path):
    model, path = _legacy_weights_file(tmp_path)
    other = tmp_path / "other.h5"
    with h5py.File(other, "w") as o:
        o["k"] = np.full((3, 2), 5.0, dtype=np.float32)
    with h5py.File(path, "a") as f:
        g = f["d/seq/d"]
        del g["kernel"]
        g["kernel"] = h5py.ExternalLink(str(other), "k")
    with pytest.raises(ValueError, match="is a link"):
        model.load_weights(path)
