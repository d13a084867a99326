"""`nnlite.datasets.cifar10` and `cifar100`: Keras's cache layout, the
NCHW-to-NHWC layout of the pickled batches, label modes, and the restricted
unpickler that refuses anything but the plain data the batches hold."""
import pickle

import numpy as np
import pytest

from dataset_helpers import make_tar, serve_dataset
from nnlite.datasets import cifar10, cifar100
from nnlite.datasets.cifar import load_batch
from nnlite.datasets.npz_utils import UnsafePickleError, load_pickle
from nnlite.utils.file_utils import DownloadError

EVIL = b"cos\nsystem\n(S'touch {marker}'\ntR."


def _batch(n, seed, protocol=2, **labels):
    """A CIFAR batch: dict with bytes keys, uint8 `data` (n, 3072), label
    lists, pickled as the originals (protocol 2)."""
    rng = np.random.RandomState(seed)
    data = rng.randint(0, 256, (n, 3072)).astype(np.uint8)
    d = {b"batch_label": b"synthetic", b"data": data}
    d.update({k.encode(): v for k, v in labels.items()})
    return pickle.dumps(d, protocol=protocol), data


@pytest.fixture
def cifar10_served(file_server, keras_home, monkeypatch):
    entries, datas, labels = [], [], []
    for i, name in enumerate(
            [f"data_batch_{k}" for k in range(1, 6)] + ["test_batch"]):
        y = [(i + j) % 10 for j in range(2)]
        raw, data = _batch(2, i, labels=y)
        entries.append((f"cifar-10-batches-py/{name}", raw))
        datas.append(data)
        labels.append(y)
    serve_dataset(monkeypatch, file_server, cifar10, "cifar-10-python.tar.gz",
                  make_tar(entries))
    return datas, labels


@pytest.fixture
def cifar100_served(file_server, keras_home, monkeypatch):
    entries = []
    for i, name in enumerate(["train", "test"]):
        raw, _ = _batch(3, i, fine_labels=[97, 98, 99][: 3 - i] + [0] * i,
                        coarse_labels=[17, 18, 19])
        entries.append((f"cifar-100-python/{name}", raw))
    serve_dataset(monkeypatch, file_server, cifar100, "cifar-100-python.tar.gz",
                  make_tar(entries))


def test_cifar_origins_and_hashes_are_keras_ones():
    assert cifar10._ORIGIN == "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
    assert cifar10._FILE_HASH == (
        "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce")
    assert cifar100._ORIGIN == "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz"
    assert cifar100._FILE_HASH == (
        "85cd44d02ba6437773c5bbd22e183051d648de2e7d6b014e1ef29b855ba677a7")


def test_cifar10_shapes_and_dtypes(cifar10_served):
    (x_train, y_train), (x_test, y_test) = cifar10.load_data()
    assert x_train.shape == (10, 32, 32, 3) and x_train.dtype == np.uint8
    assert y_train.shape == (10, 1) and y_train.dtype == np.uint8
    assert x_test.shape == (2, 32, 32, 3) and y_test.shape == (2, 1)
    assert y_test.dtype == np.uint8


def test_cifar10_images_are_channels_last_of_red_green_blue_planes(cifar10_served):
    datas, labels = cifar10_served
    (x_train, y_train), (x_test, _) = cifar10.load_data()
    row = datas[0][1]  # 1024 red, 1024 green, 1024 blue, row by row
    np.testing.assert_array_equal(x_train[1, 0, 0], row[[0, 1024, 2048]])
    np.testing.assert_array_equal(x_train[1, 2, 5], row[[69, 1024 + 69, 2048 + 69]])
    np.testing.assert_array_equal(x_test[0, :, :, 2],
                                  datas[5][0][2048:].reshape(32, 32))
    np.testing.assert_array_equal(y_train.ravel(), sum(labels[:5], []))


def test_cifar10_uses_keras_cache_layout(cifar10_served, keras_home):
    cifar10.load_data()
    assert (keras_home / "cifar-10-batches-py-target_archive").is_file()
    assert (keras_home / "cifar-10-batches-py-target" / "cifar-10-batches-py"
            / "test_batch").is_file()


def test_cifar10_second_load_uses_the_cache(cifar10_served, file_server):
    cifar10.load_data()
    cifar10.load_data()
    assert len(file_server.requests) == 1


def test_cifar10_offline_error_names_the_archive_and_folder(
        closed_port_url, keras_home, monkeypatch):
    monkeypatch.setattr(cifar10, "_ORIGIN", closed_port_url + "cifar-10-python.tar.gz")
    with pytest.raises(DownloadError) as info:
        cifar10.load_data()
    message = str(info.value)
    assert "cifar-10-python.tar.gz" in message  # the URL
    assert "'cifar-10-batches-py-target_archive'" in message
    assert str(keras_home) in message


def test_cifar100_fine_labels_by_default(cifar100_served):
    (x_train, y_train), (_, y_test) = cifar100.load_data()
    assert x_train.shape == (3, 32, 32, 3)
    np.testing.assert_array_equal(y_train, [[97], [98], [99]])
    np.testing.assert_array_equal(y_test, [[97], [98], [0]])
    assert y_train.dtype == np.int64 and y_train.shape == (3, 1)


def test_cifar100_coarse_label_mode(cifar100_served, keras_home):
    (_, y_train), _ = cifar100.load_data(label_mode="coarse")
    np.testing.assert_array_equal(y_train, [[17], [18], [19]])
    assert (keras_home / "cifar-100-python-target" / "cifar-100-python"
            / "train").is_file()


def test_cifar100_rejects_unknown_label_mode():
    with pytest.raises(ValueError, match="label_mode=medium"):
        cifar100.load_data(label_mode="medium")


@pytest.mark.parametrize("protocol", [0, 2, 4, 5])
def test_load_batch_reads_every_pickle_protocol(tmp_path, protocol):
    raw, data = _batch(2, 0, protocol=protocol, labels=[3, 4])
    (tmp_path / "b").write_bytes(raw)
    x, y = load_batch(tmp_path / "b")
    np.testing.assert_array_equal(x.reshape(2, 3072), data)
    assert y == [3, 4]


def test_load_batch_reads_a_python2_cpickle_batch(tmp_path):
    # The real batches were written by Python 2's cPickle: `str` data
    # (BINSTRING), `numpy.core` names, dtype and array rebuilt by REDUCE/BUILD.
    data = bytes(range(256)) * 24  # 2 images of 3072 bytes
    array = (b"cnumpy.core.multiarray\n_reconstruct\ncnumpy\nndarray\n"
             b"K\x00\x85U\x01b\x87R(K\x01K\x02M\x00\x0c\x86"
             b"cnumpy\ndtype\nU\x02u1K\x00K\x01\x87R"
             b"(K\x03U\x01|NNNJ\xff\xff\xff\xffJ\xff\xff\xff\xffK\x00tb"
             b"\x89T" + len(data).to_bytes(4, "little") + data + b"tb")
    raw = b"\x80\x02}U\x04data" + array + b"sU\x06labels](K\x01K\x02es."
    (tmp_path / "b").write_bytes(raw)
    x, y = load_batch(tmp_path / "b")
    assert x.shape == (2, 3, 32, 32) and x.dtype == np.uint8
    assert x.tobytes() == data and y == [1, 2]


def test_load_batch_refuses_a_pickle_calling_os_system(tmp_path):
    marker = tmp_path / "pwned"
    (tmp_path / "b").write_bytes(EVIL.replace(b"{marker}", str(marker).encode()))
    with pytest.raises(UnsafePickleError, match="os.system"):
        load_batch(tmp_path / "b")
    assert not marker.exists()


def test_cifar10_refuses_a_hostile_batch_in_the_archive(
        file_server, keras_home, monkeypatch, tmp_path):
    marker = tmp_path / "pwned"
    evil = EVIL.replace(b"{marker}", str(marker).encode())
    serve_dataset(monkeypatch, file_server, cifar10, "cifar-10-python.tar.gz",
                  make_tar([("cifar-10-batches-py/data_batch_1", evil)]))
    with pytest.raises(UnsafePickleError, match="os.system"):
        cifar10.load_data()
    assert not marker.exists()


@pytest.mark.parametrize("name", ["builtins\neval", "builtins\ngetattr",
                                  "numpy\nload", "subprocess\nPopen"])
def test_restricted_unpickler_refuses_other_globals(tmp_path, name):
    (tmp_path / "p").write_bytes(b"c" + name.encode() + b"\n(S'1'\ntR.")
    with pytest.raises(UnsafePickleError, match="Refusing"):
        load_pickle(tmp_path / "p")


def test_restricted_unpickler_refuses_reconstruct_of_another_class(tmp_path):
    # `_reconstruct` is allowed only to rebuild a numpy.ndarray.
    body = (b"cnumpy.core.multiarray\n_reconstruct\n"
            b"(cnumpy\ndtype\n(I0\ntS'b'\ntR.")
    (tmp_path / "p").write_bytes(body)
    with pytest.raises(UnsafePickleError, match="numpy.ndarray"):
        load_pickle(tmp_path / "p")


def test_restricted_unpickler_refuses_structured_dtypes(tmp_path):
    array = np.zeros(2, dtype=[("a", "<i4"), ("b", "<f8")])
    (tmp_path / "p").write_bytes(pickle.dumps(array, protocol=2))
    with pytest.raises(UnsafePickleError):
        load_pickle(tmp_path / "p")


def test_restricted_unpickler_reads_plain_data(tmp_path):
    value = {b"k": [1, 2.5, "s", b"b", (None, True)], "n": {"x": -3}}
    (tmp_path / "p").write_bytes(pickle.dumps(value, protocol=2))
    assert load_pickle(tmp_path / "p") == value


def test_load_batch_truncated_pickle_is_a_value_error_naming_the_file(tmp_path):
    raw, _ = _batch(2, 0, labels=[1, 2])
    (tmp_path / "b").write_bytes(raw[:-100])
    with pytest.raises(ValueError, match="truncated") as info:
        load_batch(tmp_path / "b")
    assert str(tmp_path / "b") in str(info.value)
