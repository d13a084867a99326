"""`nnlite.utils.file_utils.extract_archive`: safe, atomic extraction. A
hostile archive is refused whole and nothing is written, inside or outside
the target folder."""
import os
import tarfile

import pytest

from dataset_helpers import listing, make_tar, make_zip
from nnlite.utils.file_utils import extract_archive


@pytest.fixture
def box(tmp_path):
    """`(archive_path, target)`, both inside `tmp_path/box`, so that
    anything escaping the target lands in `box` (or above) and is seen."""
    folder = tmp_path / "box"
    folder.mkdir()
    return folder / "archive", folder / "out"


def _refused(box, data, match):
    archive, target = box
    archive.write_bytes(data)
    with pytest.raises(ValueError, match=match):
        extract_archive(archive, target)
    # Only the archive is left: no target, no staging folder, nothing outside.
    assert listing(archive.parent) == ["archive"]
    assert not (archive.parent.parent / "evil.txt").exists()


def test_extract_tar_gz_writes_the_files(box):
    archive, target = box
    archive.write_bytes(make_tar([("d/a.txt", b"a"), ("b.txt", b"b")]))
    assert extract_archive(archive, target) is True
    assert (target / "d" / "a.txt").read_bytes() == b"a"
    assert (target / "b.txt").read_bytes() == b"b"


def test_extract_zip_writes_the_files(box):
    archive, target = box
    archive.write_bytes(make_zip([("d/a.txt", b"a"), ("b.txt", b"b")]))
    assert extract_archive(archive, target, archive_format="zip") is True
    assert (target / "d" / "a.txt").read_bytes() == b"a"


def test_extract_keeps_an_inside_symlink(box):
    archive, target = box
    archive.write_bytes(make_tar([("d/a.txt", b"a"),
                                  ("d/link", tarfile.SYMTYPE, "a.txt")]))
    extract_archive(archive, target)
    assert (target / "d" / "link").read_bytes() == b"a"


def test_extract_returns_false_for_a_non_archive(box):
    archive, target = box
    archive.write_bytes(b"just some bytes, not an archive")
    assert extract_archive(archive, target) is False
    assert not target.exists()


def test_extract_format_none_does_nothing(box):
    archive, target = box
    archive.write_bytes(make_tar([("a.txt", b"a")]))
    assert extract_archive(archive, target, archive_format=None) is False
    assert not target.exists()


def test_extract_refuses_tar_dotdot_entry(box):
    _refused(box, make_tar([("ok.txt", b"ok"), ("../evil.txt", b"x")]), r"'\.\.'")


def test_extract_refuses_tar_nested_dotdot_entry(box):
    _refused(box, make_tar([("a/../../evil.txt", b"x")]), r"'\.\.'")


def test_extract_refuses_tar_absolute_entry(box, tmp_path):
    evil = tmp_path / "evil.txt"
    _refused(box, make_tar([(str(evil), b"x")]), "absolute path")
    assert not evil.exists()


def test_extract_refuses_tar_symlink_pointing_outside(box):
    _refused(box, make_tar([("link", tarfile.SYMTYPE, "../..")]),
             "pointing outside")


def test_extract_refuses_tar_absolute_symlink(box):
    _refused(box, make_tar([("link", tarfile.SYMTYPE, "/etc/passwd")]),
             "absolute path")


def test_extract_refuses_tar_hardlink_pointing_outside(box):
    _refused(box, make_tar([("link", tarfile.LNKTYPE, "../evil.txt")]),
             "pointing outside")


def test_extract_refuses_tar_entry_written_through_a_symlink(box):
    # `d -> .` is inside, but then `d/../evil.txt` would be resolved through it.
    _refused(box, make_tar([("d", tarfile.SYMTYPE, "."), ("d/x.txt", b"x")]),
             "through a link")


def test_extract_refuses_tar_file_replacing_a_symlink(box):
    _refused(box, make_tar([("f", tarfile.SYMTYPE, "g"), ("f", b"x")]),
             "name of a link")


def test_extract_refuses_tar_device_entry(box):
    _refused(box, make_tar([("dev", tarfile.CHRTYPE, "")]), "device")


def test_extract_refuses_zip_dotdot_entry(box):
    _refused(box, make_zip([("ok.txt", b"ok"), ("../evil.txt", b"x")]), r"'\.\.'")


def test_extract_refuses_zip_absolute_entry(box):
    _refused(box, make_zip([("/evil.txt", b"x")]), "absolute path")


def test_extract_refuses_zip_symlink_entry(box):
    _refused(box, make_zip([("link", b"../../evil.txt", 0o120777)]),
             "link or special file")


def test_extract_corrupted_archive_keeps_the_previous_extraction(box):
    archive, target = box
    archive.write_bytes(make_tar([("a.txt", b"old")]))
    extract_archive(archive, target)
    good = make_tar([("a.txt", b"new" * 1000), ("b.txt", b"b" * 5000)])
    archive.write_bytes(good[: len(good) // 2])  # truncated gzip stream
    with pytest.raises(ValueError, match="truncated or corrupted"):
        extract_archive(archive, target, archive_format="tar")
    assert (target / "a.txt").read_bytes() == b"old"
    assert listing(archive.parent) == ["archive", "out", os.path.join("out", "a.txt")]


def test_extract_replaces_the_previous_extraction_whole(box):
    archive, target = box
    archive.write_bytes(make_tar([("old.txt", b"old")]))
    extract_archive(archive, target)
    archive.write_bytes(make_tar([("new.txt", b"new")]))
    extract_archive(archive, target)
    assert listing(archive.parent) == ["archive", "out", os.path.join("out", "new.txt")]


def test_extract_rejects_unknown_format(box):
    archive, target = box
    archive.write_bytes(make_tar([("a.txt", b"a")]))
    with pytest.raises(ValueError, match="archive_format"):
        extract_archive(archive, target, archive_format="rar")
