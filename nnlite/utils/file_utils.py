"""Downloading and caching files, as `keras.utils.get_file`.

`get_file` keeps Keras 3's arguments, cache layout and return values, so a
file Keras cached (`~/.keras/datasets/mnist.npz`, an extracted CIFAR
folder, ...) is found and used as it is. What nnlite adds is safety:

- the download goes to a temporary file in the cache folder and is renamed
  into place only once complete and, when a hash is given, checked, so an
  interrupted or corrupted transfer never leaves a file the cache would use;
- an archive is checked entry by entry before anything is written: entries
  with `..`, absolute paths, links pointing outside the target, devices or
  FIFOs are refused, and extraction goes to a temporary folder renamed into
  place at the end;
- a failed download names the URL, the file and the folder where the file
  can be put by hand.
"""
import os
import shutil
import sys
import tempfile
import urllib.parse
import warnings
import zlib

from nnlite.utils.progbar import Progbar

_CHUNK_SIZE = 1 << 16
_TIMEOUT = 60  # seconds without data before a download is given up


class DownloadError(OSError):
    """A file could not be downloaded (network failure, HTTP error, short
    transfer). The message names the URL and where to put the file by hand."""


def keras_home():
    """Returns the Keras cache folder: `$KERAS_HOME`, else `~/.keras`.

    As in Keras, when the home folder is not writable `~/.keras` becomes
    `/tmp/.keras`. Read at each call, so setting `KERAS_HOME` after import
    works.
    """
    if "KERAS_HOME" in os.environ:
        return os.environ["KERAS_HOME"]
    base = os.path.expanduser("~")
    if not os.access(base, os.W_OK):
        base = _tmp_root()
    return os.path.join(base, ".keras")


def _tmp_root():
    return "/tmp" if os.path.isdir("/tmp") else tempfile.gettempdir()


def _writable_dir(path):
    """Creates `path` if needed; returns whether files can be written there."""
    try:
        os.makedirs(path, exist_ok=True)
    except OSError:
        return False
    return os.access(path, os.W_OK)


def resolve_hasher(algorithm, file_hash=None):
    """Returns a new `hashlib` object: sha256 for `"sha256"`, or for `"auto"`
    with a 64-character `file_hash`; md5 otherwise (as Keras)."""
    import hashlib
    if algorithm not in ("auto", "sha256", "md5"):
        raise ValueError(
            "hash_algorithm must be 'auto', 'sha256' or 'md5'. "
            f"Received: hash_algorithm={algorithm!r}")
    if algorithm == "sha256":
        return hashlib.sha256()
    if algorithm == "auto" and file_hash is not None and len(file_hash) == 64:
        return hashlib.sha256()
    return hashlib.md5()


def hash_file(fpath, algorithm="sha256", chunk_size=_CHUNK_SIZE):
    """Returns the hex digest of a file (`algorithm`: `"sha256"`, `"md5"`,
    `"auto"` (sha256) or a `hashlib` object)."""
    hasher = resolve_hasher(algorithm) if isinstance(algorithm, str) else algorithm
    with open(fpath, "rb") as f:
        for chunk in iter(lambda: f.read(chunk_size), b""):
            hasher.update(chunk)
    return hasher.hexdigest()


def validate_file(fpath, file_hash, algorithm="auto", chunk_size=_CHUNK_SIZE):
    """Returns whether the file's sha256 or md5 hash equals `file_hash`."""
    hasher = resolve_hasher(algorithm, file_hash)
    return hash_file(fpath, hasher, chunk_size) == str(file_hash).lower()


def get_file(
    fname=None,
    origin=None,
    untar=False,
    md5_hash=None,
    file_hash=None,
    cache_subdir="datasets",
    hash_algorithm="auto",
    extract=False,
    archive_format="auto",
    cache_dir=None,
    force_download=False,
):
    """Downloads a file from a URL if it is not already in the cache.

    The file at `origin` goes to `cache_dir/cache_subdir/fname`, by default
    `~/.keras/datasets/fname`. A file already there is used without any
    network access; when `file_hash` is given its hash is checked first, and
    a file that does not match is downloaded again. A download is written to
    a temporary file in the same folder and renamed into place only when it
    is complete and its hash matches, so an interrupted or corrupted
    transfer leaves nothing behind.

    With `extract=True` the archive (tar, tar.gz, tar.bz2, tar.xz or zip) is
    extracted, on every call as in Keras, and the path of the extraction
    folder is returned. Names follow Keras: `fname="data.tar.gz"` keeps the
    archive as `data.tar.gz` and extracts to `data_extracted/`;
    `fname="data"` (no dot) keeps the archive as `data_archive` and extracts
    to `data/`; `fname=None` does the same with the URL's file name.
    Entries that would land outside the folder (`..`, absolute paths, links
    pointing outside, devices) make the whole archive be refused with a
    `ValueError`, before anything is written; extraction goes to a
    temporary folder renamed into place at the end.

    Args:
        fname: Name of the file in the cache. If `None`, the name of the
            file at `origin`. With `extract=True`, see above. Defaults to
            `None`.
        origin: URL of the file.
        untar: Deprecated, use `extract`. Whether the file is a tar archive
            to extract. Defaults to `False`.
        md5_hash: Deprecated, use `file_hash`. md5 hash of the file.
            Defaults to `None`.
        file_hash: Expected sha256 or md5 hex digest of the file (the
            command-line `sha256sum` prints it). Defaults to `None`.
        cache_subdir: Folder under `cache_dir` for the file; an absolute
            path is used as it is. Defaults to `"datasets"`.
        hash_algorithm: `"sha256"`, `"md5"` or `"auto"` (sha256 for a
            64-character hash, md5 otherwise). Defaults to `"auto"`.
        extract: Whether to extract the archive. Defaults to `False`.
        archive_format: `"auto"` (tar then zip), `"tar"`, `"zip"`, a list
            of these, or `None` (no extraction). Defaults to `"auto"`.
        cache_dir: Cache folder. Defaults to `$KERAS_HOME` if set, else
            `~/.keras`; a folder that cannot be written becomes
            `/tmp/.keras`, as in Keras.
        force_download: Whether to download even when the file is cached.
            Defaults to `False`.

    Returns:
        The path of the downloaded file, or with `extract=True` the path of
        the extraction folder.

    Raises:
        ValueError: missing `origin`, a path in `fname`, a hash mismatch
            after download, a refused or corrupted archive.
        DownloadError: the download failed (an `OSError`); the message
            names the URL, the file and where to put it by hand.

    Example:

    ```python
    path = nnlite.utils.get_file(
        "mnist.npz",
        origin="https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz",
        file_hash="731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1")
    ```
    """
    if origin is None:
        raise ValueError(
            'Please specify the "origin" argument (URL of the file to download).')
    if md5_hash is not None and file_hash is None:
        file_hash = md5_hash
        hash_algorithm = "md5"
    if file_hash is not None:
        file_hash = str(file_hash).lower()
        resolve_hasher(hash_algorithm, file_hash)  # validates the name early

    if cache_dir is None:
        cache_dir = keras_home()
    cache_dir = os.path.expanduser(os.fspath(cache_dir))
    wanted_datadir = os.path.join(cache_dir, cache_subdir)
    datadir = wanted_datadir
    if not _writable_dir(cache_dir) or not _writable_dir(datadir):
        datadir = os.path.join(_tmp_root(), ".keras", cache_subdir)
        os.makedirs(datadir, exist_ok=True)

    provided_fname = fname
    fname = os.fspath(fname) if fname is not None else None
    if not fname:
        fname = os.path.basename(urllib.parse.urlsplit(origin).path)
        if not fname:
            raise ValueError(
                "Can't parse the file name from the origin provided: "
                f"'{origin}'. Please specify the `fname` argument.")
    elif os.sep in fname or "/" in fname or (os.altsep and os.altsep in fname):
        raise ValueError(
            "Paths are no longer accepted as the `fname` argument. To specify "
            "the file's parent directory, use the `cache_dir` argument. "
            f"Received: fname={fname}")
    if fname in (".", ".."):
        raise ValueError(f"Invalid file name. Received: fname={fname}")

    extraction_dir = None
    if extract or untar:
        if provided_fname and "." in fname:
            archive_name = fname
            extraction_dir = os.path.join(
                datadir, fname[: fname.find(".")] + "_extracted")
        else:
            archive_name = fname + "_archive"
            extraction_dir = os.path.join(datadir, fname)
    else:
        archive_name = fname
    download_target = os.path.join(datadir, archive_name)

    # A read-only cache (a shared course folder, say) is still used for
    # reading when it holds the file and nothing has to be written there.
    candidate_in_wanted = None
    if (datadir != wanted_datadir and extraction_dir is None
            and not force_download):
        candidate = candidate_in_wanted = os.path.join(wanted_datadir, archive_name)
        if os.path.isfile(candidate) and (
                file_hash is None
                or validate_file(candidate, file_hash, hash_algorithm)):
            return candidate

    if force_download:
        download = True
    elif os.path.exists(download_target):
        download = False
        if file_hash is not None and not validate_file(
                download_target, file_hash, algorithm=hash_algorithm):
            print(
                "A local file was found, but it seems to be incomplete or "
                f"outdated because the {_algorithm_name(hash_algorithm, file_hash)} "
                "file hash does not match the original value of "
                f"{file_hash} so we will re-download the data.")
            download = True
    else:
        download = True

    if download:
        stale = [] if force_download or file_hash is None else [
            path for path in dict.fromkeys((candidate_in_wanted, download_target))
            if path is not None and os.path.isfile(path)]
        try:
            _download(origin, download_target, file_hash, hash_algorithm)
        except DownloadError as e:
            if not stale:
                raise
            # offline with an outdated or damaged copy: say it is there and
            # why it was not used, or the advice to "save the file" misleads
            raise DownloadError(str(e) + " " + " ".join(
                _stale_note(path, file_hash, hash_algorithm) for path in stale)) from e

    if extract or untar:
        if untar:
            archive_format = "tar"
        if not extract_archive(download_target, extraction_dir, archive_format):
            warnings.warn(
                f"Could not extract archive '{download_target}': it is not a "
                f"{archive_format} archive.", stacklevel=2)
        return extraction_dir
    return download_target


def _algorithm_name(hash_algorithm, file_hash):
    return resolve_hasher(hash_algorithm, file_hash).name


def _stale_note(path, file_hash, hash_algorithm):
    hasher = resolve_hasher(hash_algorithm, file_hash)
    actual = hash_file(path, hasher)
    return (f"A file already exists at '{path}', but its {hasher.name} hash is {actual}, "
            f"which does not match the expected {file_hash} (the file is incomplete, "
            f"corrupted or another version), so it was not used. It was left in place: "
            f"replace it with the right file, or delete it and download again.")


# ---------------------------------------------------------------- download

def _download(origin, target, file_hash, hash_algorithm):
    """Streams `origin` to a temporary file beside `target`, checks its
    length and hash, then renames it to `target`."""
    folder, name = os.path.split(target)
    print(f"Downloading data from {origin}")
    # Not `tempfile.mkstemp`: its files are created 0600, and a shared cache
    # wants the usual permissions (0666 less the umask), as Keras gives.
    while True:
        partial = os.path.join(folder, f".{name}.{os.urandom(6).hex()}.part")
        try:
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL
                         | getattr(os, "O_BINARY", 0), 0o666)
            break
        except FileExistsError:
            continue
    hasher = (resolve_hasher(hash_algorithm, file_hash)
              if file_hash is not None else None)
    try:
        with os.fdopen(fd, "wb") as out:
            import http.client      # the network modules load on first download
            import urllib.error
            try:
                received, expected = _stream(origin, out, hasher)
            except urllib.error.HTTPError as e:
                raise DownloadError(_fetch_failure(
                    origin, target, f"HTTP error {e.code} {e.reason}")) from e
            except urllib.error.URLError as e:
                raise DownloadError(_fetch_failure(origin, target, e.reason)) from e
            except (OSError, ValueError, http.client.HTTPException) as e:
                # socket timeouts, resets, bad chunked bodies, bad URLs
                raise DownloadError(_fetch_failure(origin, target, e)) from e
        if expected is not None and received != expected:
            raise DownloadError(_fetch_failure(
                origin, target,
                f"the transfer stopped after {received} of {expected} bytes"))
        if hasher is not None and hasher.hexdigest() != file_hash:
            raise ValueError(
                "Incomplete or corrupted file detected. The "
                f"{hasher.name} file hash of the data downloaded from "
                f"{origin} is {hasher.hexdigest()}, which does not match the "
                f"provided value of {file_hash}. Nothing was saved as "
                f"'{target}'.")
        os.replace(partial, target)
    except BaseException:
        if os.path.exists(partial):
            os.remove(partial)
        raise


def urlopen(url, timeout):
    """`urllib.request.urlopen`, imported on first use (the import costs more
    than the rest of nnlite's)."""
    from urllib.request import urlopen as open_url
    return open_url(url, timeout=timeout)


def _stream(origin, out, hasher):
    """Copies the response body to `out` with a Progbar; returns
    `(bytes received, Content-Length or None)`."""
    with urlopen(origin, timeout=_TIMEOUT) as response:
        length = response.headers.get("Content-Length")
        try:
            expected = int(length) if length is not None else None
        except ValueError:
            expected = None
        bar = Progbar(expected if expected else None)
        received = 0
        while True:
            chunk = response.read(_CHUNK_SIZE)
            if not chunk:
                break
            out.write(chunk)
            if hasher is not None:
                hasher.update(chunk)
            received += len(chunk)
            if expected is None or received < expected:
                bar.update(received)
        if expected is not None and received == expected:
            bar.update(expected, finalize=True)
        elif expected is None:
            bar.update(received, finalize=True)
        else:
            sys.stdout.write("\n")
    return received, expected


def _fetch_failure(origin, target, reason):
    folder, name = os.path.split(target)
    return (
        f"URL fetch failure on {origin}: {reason}. The file could not be "
        f"downloaded. If this machine is offline or cannot reach that "
        f"address, download the file on another machine and save it as "
        f"'{name}' in the folder '{folder}' (full path: '{target}'); it will "
        f"then be used without any download.")


# ---------------------------------------------------------------- archives

def extract_archive(file_path, path=".", archive_format="auto"):
    """Extracts a tar or zip archive safely and atomically.

    Every entry is checked before anything is written: an entry whose path
    is absolute or leaves `path` through `..`, a symbolic or hard link
    pointing outside `path`, an entry reached through a link, a device or a
    FIFO makes the whole archive be refused with a `ValueError`. The
    archive is extracted into a temporary folder next to `path`, which then
    replaces `path`; on any error nothing is left behind.

    Args:
        file_path: Path of the archive.
        path: Folder to extract into. Defaults to `"."`.
        archive_format: `"auto"` (tar then zip), `"tar"` (tar, tar.gz,
            tar.bz2, tar.xz), `"zip"`, a list of these, or `None`.
            Defaults to `"auto"`.

    Returns:
        `True` if the archive matched a format and was extracted, `False`
        if it matched none.
    """
    import tarfile
    import zipfile
    if archive_format is None:
        return False
    if archive_format == "auto":
        archive_format = ["tar", "zip"]
    if isinstance(archive_format, str):
        archive_format = [archive_format]
    file_path = os.fspath(file_path)
    path = os.path.abspath(os.fspath(path))
    for kind in archive_format:
        if kind == "tar":
            try:
                matches = tarfile.is_tarfile(file_path)
            except _read_errors() as e:
                # The compression was recognised but the stream is cut.
                raise ValueError(_corrupted(file_path, e)) from e
        elif kind == "zip":
            matches = zipfile.is_zipfile(file_path)
        else:
            raise ValueError(
                "archive_format must be 'auto', 'tar', 'zip', a list of "
                f"these or None. Received: archive_format={kind!r}")
        if matches:
            _extract_atomically(file_path, path, kind)
            return True
    return False


def _read_errors():
    """What reading a truncated or corrupted archive raises (bz2 raises OSError)."""
    import lzma
    import tarfile
    import zipfile
    return (tarfile.TarError, zipfile.BadZipFile, EOFError, OSError,
            ValueError, zlib.error, lzma.LZMAError)


def _corrupted(file_path, error):
    return (f"Could not extract the archive '{file_path}': {error}. The file "
            "may be truncated or corrupted; delete it to download it again.")


def _extract_atomically(file_path, path, kind):
    import tarfile
    import zipfile
    parent = os.path.dirname(path)
    os.makedirs(parent, exist_ok=True)
    staging = _fresh_dir(parent, os.path.basename(path), ".tmp")
    try:
        try:
            if kind == "tar":
                with tarfile.open(file_path) as archive:
                    members = _safe_tar_members(archive, file_path)
                    kwargs = {}
                    if hasattr(tarfile, "data_filter"):
                        # Belt and braces: Python's own checks as well.
                        kwargs["filter"] = "data"
                    archive.extractall(staging, members=members, **kwargs)
            else:
                with zipfile.ZipFile(file_path) as archive:
                    members = _safe_zip_members(archive, file_path)
                    archive.extractall(staging, members=members)
        except _UnsafeArchive as e:
            raise ValueError(str(e)) from None
        except _read_errors() + (RuntimeError,) as e:
            raise ValueError(_corrupted(file_path, e)) from e
        # Swap the new folder in. A directory cannot be renamed over a
        # non-empty one, so the old one is moved aside first: at no time is
        # a half-extracted folder visible at `path`.
        old = None
        if os.path.lexists(path):
            if os.path.isdir(path) and not os.path.islink(path):
                old = _fresh_dir(parent, os.path.basename(path), ".old")
                os.rmdir(old)
                os.rename(path, old)
            else:
                os.remove(path)
        os.rename(staging, path)
        staging = None
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)


def _fresh_dir(parent, name, suffix):
    """Creates a new empty hidden folder `parent/.name.<random><suffix>`.
    Not `tempfile.mkdtemp`, whose 0700 mode the extracted folder would keep:
    `os.mkdir` gives 0777 less the umask, as a plain extraction does."""
    while True:
        candidate = os.path.join(parent, f".{name}.{os.urandom(6).hex()}{suffix}")
        try:
            os.mkdir(candidate)
            return candidate
        except FileExistsError:
            continue


class _UnsafeArchive(Exception):
    pass


def _refuse(file_path, entry, why):
    raise _UnsafeArchive(
        f"Refusing to extract the archive '{file_path}': entry '{entry}' "
        f"{why}. Nothing was extracted.")


def _clean_parts(file_path, name):
    """Splits an archive entry name into path components, refusing absolute
    paths, drive letters and `..`."""
    unified = name.replace("\\", "/")
    if (unified.startswith("/") or os.path.isabs(name)
            or (len(unified) > 1 and unified[1] == ":")):
        _refuse(file_path, name, "has an absolute path")
    parts = [p for p in unified.split("/") if p not in ("", ".")]
    if ".." in parts:
        _refuse(file_path, name, "goes outside the target folder with '..'")
    if "\x00" in name:
        _refuse(file_path, name, "has a NUL character in its name")
    return tuple(parts)


def _walk_inside(parts, links):
    """Lexically resolves a relative path given as components; returns None
    if it climbs above the root or passes through one of `links` (a real
    `..` after a link need not match the lexical one)."""
    out = []
    for i, p in enumerate(parts):
        if p in ("", "."):
            continue
        if p == "..":
            if not out:
                return None
            out.pop()
        else:
            out.append(p)
        if i < len(parts) - 1 and tuple(out) in links:
            return None
    return tuple(out)


def _safe_tar_members(archive, file_path):
    members = archive.getmembers()
    names = [_clean_parts(file_path, m.name) for m in members]
    links = {parts for m, parts in zip(members, names) if m.issym() or m.islnk()}
    seen = set()
    for m, parts in zip(members, names):
        if m.ischr() or m.isblk():
            _refuse(file_path, m.name, "is a device file")
        if m.isfifo():
            _refuse(file_path, m.name, "is a FIFO")
        if not (m.isfile() or m.isdir() or m.issym() or m.islnk()):
            _refuse(file_path, m.name, "is of an unsupported type")
        # Nothing may be written through a link: no entry below a link, and
        # no second entry with the name of a link (it would write through it).
        for i in range(1, len(parts)):
            if parts[:i] in links:
                _refuse(file_path, m.name, "is reached through a link")
        if parts in seen and parts in links:
            _refuse(file_path, m.name, "has the name of a link")
        seen.add(parts)
        if m.issym() or m.islnk():
            target = m.linkname.replace("\\", "/")
            if target.startswith("/") or os.path.isabs(m.linkname) or (
                    len(target) > 1 and target[1] == ":"):
                _refuse(file_path, m.name, "is a link to an absolute path")
            base = parts[:-1] if m.issym() else ()  # hard links: archive root
            if _walk_inside(base + tuple(target.split("/")), links) is None:
                _refuse(file_path, m.name,
                        f"is a link pointing outside the target folder ('{m.linkname}')")
    return members


def _safe_zip_members(archive, file_path):
    members = archive.infolist()
    for info in members:
        _clean_parts(file_path, info.filename)
        mode = (info.external_attr >> 16) & 0o170000
        if mode not in (0, 0o100000, 0o040000):
            # zipfile writes a link or device entry as a plain file, but an
            # archive holding one is not what a dataset should contain.
            _refuse(file_path, info.filename, "is a link or special file")
    return members
