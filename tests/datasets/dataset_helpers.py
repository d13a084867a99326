"""Helpers for the dataset tests: a local HTTP server (nothing here touches the
network) and in-memory archives.

`FileServer` serves the bytes put in `server.files[path]` from 127.0.0.1 on a
free port and records every request path in `server.requests`. A file given as
`Truncated(data, claimed)` is sent with `Content-Length: claimed` and the
connection closed after `data`, as a transfer cut midway.
"""
import hashlib
import http.server
import io
import os
import tarfile
import threading
import zipfile


def sha256(data):
    return hashlib.sha256(data).hexdigest()


class Truncated:
    def __init__(self, data, claimed):
        self.data = data
        self.claimed = claimed


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        server = self.server
        server.requests.append(self.path)
        body = server.files.get(self.path)
        if body is None:
            self.send_error(404, "Not Found")
            return
        if isinstance(body, Truncated):
            body, claimed = body.data, body.claimed
            self.close_connection = True
        else:
            claimed = len(body)
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(claimed))
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()

    def log_message(self, *args):
        pass


class FileServer:
    def __init__(self):
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.files = {}
        self.httpd.requests = []
        self.thread = threading.Thread(target=self.httpd.serve_forever,
                                       kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    @property
    def files(self):
        return self.httpd.files

    @property
    def requests(self):
        return self.httpd.requests

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/"

    def url(self, name):
        return self.base_url + name

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)


def make_tar(entries, mode="w:gz"):
    """Builds a tar archive in memory. `entries`: list of `(name, data)`
    for files, or `(name, tarinfo_type, linkname)` for links."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode=mode) as tar:
        for entry in entries:
            info = tarfile.TarInfo(entry[0])
            if len(entry) == 2:
                info.size = len(entry[1])
                tar.addfile(info, io.BytesIO(entry[1]))
            else:
                info.type, info.linkname = entry[1], entry[2]
                tar.addfile(info)
    return buf.getvalue()


def make_zip(entries):
    """Builds a zip archive in memory. `entries`: list of `(name, data)` or
    `(name, data, unix_mode)`."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for entry in entries:
            if len(entry) == 2:
                zf.writestr(entry[0], entry[1])
            else:
                info = zipfile.ZipInfo(entry[0])
                info.external_attr = entry[2] << 16
                zf.writestr(info, entry[1])
    return buf.getvalue()


def listing(folder):
    """All paths below `folder`, relative, sorted (hidden files included)."""
    out = []
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            out.append(os.path.relpath(os.path.join(root, name), folder))
    return sorted(out)


def npz_bytes(**arrays):
    """An `.npz` file in memory (`np.savez`; object arrays are pickled)."""
    import numpy as np
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def object_array(sequences):
    """A 1-D object array of Python lists, as the IMDB/Reuters files hold."""
    import numpy as np
    out = np.empty(len(sequences), dtype=object)
    out[:] = [list(s) for s in sequences]
    return out


def serve_dataset(monkeypatch, server, module, name, data, origin_attr="_ORIGIN",
                  hash_attr="_FILE_HASH"):
    """Serves `data` as `name` and points `module`'s origin constant (a full
    URL, or a folder when it ends with '/') and hash constant at it."""
    server.files["/" + name] = data
    origin = getattr(module, origin_attr)
    monkeypatch.setattr(module, origin_attr,
                        server.base_url if origin.endswith("/") else server.url(name))
    if hash_attr is not None:
        monkeypatch.setattr(module, hash_attr, sha256(data))
