"""Packages that import their modules on first use: every public name still
resolves, and `import nnlite` leaves the modules a script does not use alone."""
import importlib
import os
import subprocess
import sys

import pytest

import nnlite

LAZY = ["nnlite.layers", "nnlite.utils", "nnlite.datasets", "nnlite.distribution",
        "nnlite.preprocessing", "nnlite.data"]


@pytest.mark.parametrize("package", LAZY)
def test_every_public_name_resolves(package):
    module = importlib.import_module(package)
    for name in module.__all__:
        assert getattr(module, name) is not None, name
        assert name in dir(module)


def test_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="NoSuchLayer"):
        nnlite.layers.NoSuchLayer


def test_star_import_gives_every_layer():
    namespace = {}
    exec("from nnlite.layers import *", namespace)
    assert {"Conv2D", "LSTM", "Dense", "TextVectorization"} <= set(namespace)


def test_import_nnlite_leaves_unused_modules_alone():
    code = ("import sys, nnlite\n"
            "unused = ['nnlite.layers.convolutional', 'nnlite.layers.rnn', "
            "'nnlite.layers.preprocessing', 'nnlite.utils.file_utils', "
            "'nnlite.distribution.data_parallel', 'nnlite.datasets.mnist']\n"
            "print([m for m in unused if m in sys.modules])\n"
            "from nnlite.layers import Conv2D\n"
            "print('nnlite.layers.convolutional' in sys.modules)\n")
    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(nnlite.__file__)))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=os.path.dirname(os.path.abspath(os.sep)), env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split("\n")[:2] == ["[]", "True"]


def test_serializable_layers_are_all_found():
    classes = nnlite.layers.ALL_OBJECTS_DICT
    assert classes["Conv2D"] is nnlite.layers.Conv2D and classes["LSTM"] is nnlite.layers.LSTM
    assert len(classes) >= 77
