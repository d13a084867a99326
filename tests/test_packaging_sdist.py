"""The source distribution holds everything the build needs, and builds."""
import os
import shutil
import subprocess
import sys
import tarfile

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
pytestmark = pytest.mark.skipif(not os.path.exists(os.path.join(ROOT, "setup.py")),
                                reason="needs the source tree")

_SKIP_DIRS = {"__pycache__", "build", "dist", ".git", ".pytest_cache"}


def _source_files(root):
    """Files a build and a user need: sources, data, tests, docs."""
    out = set()
    for sub in ("csrc", "nnlite", "tests", "examples", "benchmarks"):
        for dirpath, dirnames, filenames in os.walk(os.path.join(root, sub)):
            dirnames[:] = [d for d in dirnames if d not in _SKIP_DIRS
                           and not d.endswith(".egg-info")]
            for name in filenames:
                if name.endswith((".so", ".pyd", ".o", ".pyc")) or name == "_nnlite.c":
                    continue
                out.add(os.path.relpath(os.path.join(dirpath, name), root))
    for name in ("setup.py", "pyproject.toml", "README.md", "MANIFEST.in", "LICENSE"):
        if os.path.exists(os.path.join(root, name)):
            out.add(name)
    return out


@pytest.fixture(scope="module")
def sdist(tmp_path_factory):
    work = tmp_path_factory.mktemp("sdist")
    tree = work / "tree"
    shutil.copytree(ROOT, tree, ignore=shutil.ignore_patterns(
        "__pycache__", "build", "dist", ".git", "*.so", "*.egg-info", ".pytest_cache",
        "_nnlite.c", ".venv*"))
    res = subprocess.run([sys.executable, "setup.py", "-q", "sdist", "-d", str(work / "dist")],
                         cwd=tree, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    # setuptools >= 69 writes nnlite_keras-*, older releases nnlite-keras-*
    (archive,) = list((work / "dist").glob("nnlite[-_]keras-*.tar.gz"))
    return tree, archive, work


def test_sdist_is_named_for_the_distribution(sdist):
    _, archive, _ = sdist
    assert archive.name.replace("-", "_", 1).startswith("nnlite_keras-")


def test_sdist_holds_every_source_file(sdist):
    tree, archive, _ = sdist
    with tarfile.open(archive) as tar:
        names = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
    missing = sorted(_source_files(str(tree)) - names)
    assert not missing, "missing from the sdist: %s" % missing


def test_sdist_builds_the_c_core_and_trains(sdist):
    _, archive, work = sdist
    unpack = work / "unpacked"
    with tarfile.open(archive) as tar:
        tar.extractall(unpack)
    (top,) = list(unpack.iterdir())
    res = subprocess.run([sys.executable, "setup.py", "-q", "build_ext", "--inplace"],
                         cwd=top, capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr
    script = (
        "import numpy as np, nnlite\n"
        "from nnlite.layers import Dense\n"
        "m = nnlite.Sequential([nnlite.Input(shape=(2,)), Dense(1)])\n"
        "m.compile(optimizer='sgd', loss='mse')\n"
        "h = m.fit(np.ones((8, 2)), np.ones(8), epochs=2, verbose=0)\n"
        "assert nnlite.__file__.startswith(%r), nnlite.__file__\n"
        "print(len(h.history['loss']))\n" % str(top))
    res = subprocess.run([sys.executable, "-c", script], cwd=top, capture_output=True,
                         text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == "2"
