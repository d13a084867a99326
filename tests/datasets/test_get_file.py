"""`nnlite.utils.get_file`: download, cache, hash checks and failures, against
a local HTTP server (`dataset_helpers.FileServer`), never the network."""
import hashlib
import os

import pytest

from dataset_helpers import Truncated, listing, make_tar, make_zip, sha256
from nnlite.utils import file_utils
from nnlite.utils.file_utils import DownloadError, get_file

DATA = bytes(range(256)) * 40  # 10 kB, several read chunks at most


def test_get_file_downloads_into_keras_home_datasets(file_server, keras_home):
    file_server.files["/data.bin"] = DATA
    path = get_file("data.bin", origin=file_server.url("data.bin"))
    assert path == str(keras_home / "data.bin")
    with open(path, "rb") as f:
        assert f.read() == DATA


def test_get_file_uses_cache_dir_and_cache_subdir(file_server, tmp_path):
    file_server.files["/data.bin"] = DATA
    path = get_file("data.bin", origin=file_server.url("data.bin"),
                    cache_dir=tmp_path / "cache", cache_subdir="sub")
    assert path == str(tmp_path / "cache" / "sub" / "data.bin")
    assert os.path.getsize(path) == len(DATA)


def test_get_file_without_fname_takes_the_url_file_name(file_server, keras_home):
    file_server.files["/dir/named.bin"] = DATA
    path = get_file(origin=file_server.url("dir/named.bin"))
    assert path == str(keras_home / "named.bin")


def test_get_file_accepts_matching_sha256(file_server, keras_home):
    file_server.files["/data.bin"] = DATA
    path = get_file("data.bin", origin=file_server.url("data.bin"),
                    file_hash=sha256(DATA))
    assert os.path.isfile(path)


def test_get_file_accepts_matching_md5_chosen_by_length(file_server, keras_home):
    file_server.files["/data.bin"] = DATA
    md5 = hashlib.md5(DATA).hexdigest()
    assert len(md5) == 32
    path = get_file("data.bin", origin=file_server.url("data.bin"), file_hash=md5)
    assert os.path.isfile(path)


def test_get_file_wrong_hash_raises_and_leaves_no_file(file_server, keras_home):
    file_server.files["/data.bin"] = DATA
    with pytest.raises(ValueError, match="hash"):
        get_file("data.bin", origin=file_server.url("data.bin"),
                 file_hash=sha256(b"something else"))
    assert listing(keras_home) == []


def test_get_file_interrupted_transfer_raises_and_leaves_no_file(
        file_server, keras_home):
    file_server.files["/data.bin"] = Truncated(DATA[:1000], claimed=len(DATA))
    with pytest.raises(DownloadError, match="1000 of 10240 bytes"):
        get_file("data.bin", origin=file_server.url("data.bin"))
    assert listing(keras_home) == []


def test_get_file_second_call_is_served_from_cache(file_server, keras_home):
    file_server.files["/data.bin"] = DATA
    url = file_server.url("data.bin")
    first = get_file("data.bin", origin=url, file_hash=sha256(DATA))
    second = get_file("data.bin", origin=url, file_hash=sha256(DATA))
    assert first == second
    assert file_server.requests == ["/data.bin"]


def test_get_file_force_download_downloads_again(file_server, keras_home):
    file_server.files["/data.bin"] = DATA
    url = file_server.url("data.bin")
    get_file("data.bin", origin=url)
    file_server.files["/data.bin"] = b"new content"
    path = get_file("data.bin", origin=url, force_download=True)
    assert len(file_server.requests) == 2
    with open(path, "rb") as f:
        assert f.read() == b"new content"


def test_get_file_redownloads_a_cached_file_whose_hash_differs(
        file_server, keras_home):
    keras_home.mkdir(parents=True)
    (keras_home / "data.bin").write_bytes(DATA[:100])  # a truncated old copy
    file_server.files["/data.bin"] = DATA
    path = get_file("data.bin", origin=file_server.url("data.bin"),
                    file_hash=sha256(DATA))
    assert file_server.requests == ["/data.bin"]
    with open(path, "rb") as f:
        assert f.read() == DATA


def test_get_file_uses_a_file_put_in_the_cache_by_hand(file_server, keras_home):
    keras_home.mkdir(parents=True)
    (keras_home / "data.bin").write_bytes(DATA)
    path = get_file("data.bin", origin=file_server.url("data.bin"),
                    file_hash=sha256(DATA))
    assert path == str(keras_home / "data.bin")
    assert file_server.requests == []


def test_get_file_offline_error_names_url_file_and_folder(
        closed_port_url, keras_home):
    url = closed_port_url + "data.bin"
    with pytest.raises(DownloadError) as info:
        get_file("data.bin", origin=url)
    message = str(info.value)
    assert url in message
    assert "'data.bin'" in message
    assert str(keras_home) in message
    assert listing(keras_home) == []


def test_get_file_offline_with_a_stale_file_names_it_and_the_hash_mismatch(
        closed_port_url, keras_home):
    keras_home.mkdir(parents=True)
    stale = keras_home / "data.bin"
    stale.write_bytes(b"an older version")
    with pytest.raises(DownloadError) as info:
        get_file("data.bin", origin=closed_port_url + "data.bin", file_hash=sha256(DATA))
    message = str(info.value)
    assert "A file already exists at '%s'" % stale in message
    assert sha256(b"an older version") in message      # the hash it has
    assert sha256(DATA) in message                     # the hash expected
    assert stale.read_bytes() == b"an older version"   # kept, not deleted


def test_get_file_offline_without_a_stale_file_does_not_mention_one(
        closed_port_url, keras_home):
    with pytest.raises(DownloadError) as info:
        get_file("data.bin", origin=closed_port_url + "data.bin", file_hash=sha256(DATA))
    assert "already exists" not in str(info.value)


def test_get_file_http_error_is_a_download_error(file_server, keras_home):
    with pytest.raises(DownloadError, match="HTTP error 404"):
        get_file("missing.bin", origin=file_server.url("missing.bin"))
    assert listing(keras_home) == []


def test_get_file_download_error_is_an_oserror():
    assert issubclass(DownloadError, OSError)


def test_get_file_shows_a_progbar_while_downloading(file_server, keras_home, capsys):
    file_server.files["/data.bin"] = DATA
    url = file_server.url("data.bin")
    get_file("data.bin", origin=url)
    out = capsys.readouterr().out
    assert f"Downloading data from {url}" in out
    assert f"{len(DATA)}/{len(DATA)}" in out


def test_get_file_refuses_a_path_as_fname(file_server, keras_home):
    with pytest.raises(ValueError, match="cache_dir"):
        get_file("sub/data.bin", origin=file_server.url("data.bin"))


def test_get_file_requires_origin():
    with pytest.raises(ValueError, match="origin"):
        get_file("data.bin")


def test_get_file_created_file_has_umask_permissions(file_server, keras_home):
    file_server.files["/data.bin"] = DATA
    old = os.umask(0o022)
    try:
        path = get_file("data.bin", origin=file_server.url("data.bin"))
    finally:
        os.umask(old)
    assert os.stat(path).st_mode & 0o777 == 0o644


# ------------------------------------------------------------- extraction

def test_get_file_extracts_tar_gz_to_name_extracted(file_server, keras_home):
    file_server.files["/data.tar.gz"] = make_tar(
        [("top/a.txt", b"alpha"), ("top/b.txt", b"beta")])
    path = get_file("data.tar.gz", origin=file_server.url("data.tar.gz"),
                    extract=True)
    assert path == str(keras_home / "data_extracted")
    assert (keras_home / "data.tar.gz").is_file()
    assert (keras_home / "data_extracted" / "top" / "a.txt").read_bytes() == b"alpha"


def test_get_file_extracts_zip_with_fname_without_dot(file_server, keras_home):
    file_server.files["/pack.zip"] = make_zip([("x/one.txt", b"1"), ("two.txt", b"2")])
    path = get_file("pack", origin=file_server.url("pack.zip"), extract=True)
    assert path == str(keras_home / "pack")
    assert (keras_home / "pack_archive").is_file()
    assert listing(path) == ["two.txt", "x", os.path.join("x", "one.txt")]


def test_get_file_extract_without_fname_uses_url_name(file_server, keras_home):
    file_server.files["/pack.tar.bz2"] = make_tar([("f.txt", b"f")], mode="w:bz2")
    path = get_file(origin=file_server.url("pack.tar.bz2"), extract=True)
    assert path == str(keras_home / "pack.tar.bz2")
    assert (keras_home / "pack.tar.bz2_archive").is_file()
    assert (keras_home / "pack.tar.bz2" / "f.txt").read_bytes() == b"f"


def test_get_file_untar_extracts_tar_xz(file_server, keras_home):
    file_server.files["/d.tar.xz"] = make_tar([("f.txt", b"xz")], mode="w:xz")
    path = get_file("d", origin=file_server.url("d.tar.xz"), untar=True)
    assert (keras_home / "d" / "f.txt").read_bytes() == b"xz"
    assert path == str(keras_home / "d")


def test_get_file_refuses_hostile_archive_and_keeps_nothing(file_server, keras_home):
    file_server.files["/evil.tar.gz"] = make_tar(
        [("ok.txt", b"ok"), ("../evil.txt", b"pwned")])
    with pytest.raises(ValueError, match=r"\.\."):
        get_file("evil.tar.gz", origin=file_server.url("evil.tar.gz"), extract=True)
    assert not (keras_home.parent / "evil.txt").exists()
    assert listing(keras_home) == ["evil.tar.gz"]


def test_extraction_folder_gets_umask_permissions(tmp_path):
    archive = tmp_path / "a.tar"
    archive.write_bytes(make_tar([("f.txt", b"f")], mode="w"))
    old = os.umask(0o022)
    try:
        file_utils.extract_archive(archive, tmp_path / "out")
    finally:
        os.umask(old)
    assert os.stat(tmp_path / "out").st_mode & 0o777 == 0o755


def test_get_file_default_cache_is_home_dot_keras(file_server, tmp_path, monkeypatch):
    monkeypatch.delenv("KERAS_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    file_server.files["/data.bin"] = DATA
    path = get_file("data.bin", origin=file_server.url("data.bin"))
    assert path == str(tmp_path / ".keras" / "datasets" / "data.bin")


def test_get_file_absolute_cache_subdir_is_used_as_is(file_server, keras_home, tmp_path):
    file_server.files["/data.bin"] = DATA
    path = get_file("data.bin", origin=file_server.url("data.bin"),
                    cache_subdir=str(tmp_path / "elsewhere"))
    assert path == str(tmp_path / "elsewhere" / "data.bin")


def test_get_file_md5_hash_argument_is_checked(file_server, keras_home):
    file_server.files["/data.bin"] = DATA
    with pytest.raises(ValueError, match="md5"):
        get_file("data.bin", origin=file_server.url("data.bin"),
                 md5_hash=hashlib.md5(b"other").hexdigest())
    assert listing(keras_home) == []


def test_get_file_rejects_unknown_hash_algorithm(file_server, keras_home):
    with pytest.raises(ValueError, match="hash_algorithm='sha1'"):
        get_file("data.bin", origin=file_server.url("data.bin"),
                 file_hash="0" * 40, hash_algorithm="sha1")
    assert file_server.requests == []


def test_get_file_ctrl_c_midway_leaves_no_file(file_server, keras_home, monkeypatch):
    def stream_then_interrupt(origin, out, hasher):
        out.write(DATA[:500])
        raise KeyboardInterrupt
    monkeypatch.setattr(file_utils, "_stream", stream_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        get_file("data.bin", origin=file_server.url("data.bin"))
    assert listing(keras_home) == []
