"""scikit-learn is optional: nnlite imports without it and the wrappers say how to install it."""
import os
import subprocess
import sys
import tempfile

import nnlite

# the children import the nnlite these tests import (installed or in place), from
# outside the checkout: `python -c` puts the working folder first on sys.path
NNLITE_HOME = os.path.dirname(os.path.dirname(nnlite.__file__))

SCRIPT = r"""
import sys
sys.modules["sklearn"] = None          # as if scikit-learn were not installed
import nnlite
import nnlite.wrappers
from nnlite.layers import Dense
nnlite.Sequential([nnlite.Input((2,)), Dense(1)]).predict([[1.0, 2.0]], verbose=0)
try:
    nnlite.wrappers.SKLearnClassifier(model=None)
except ImportError as e:
    print("ImportError:", e)
"""


def run():
    env = dict(os.environ, PYTHONPATH=NNLITE_HOME)
    return subprocess.run([sys.executable, "-c", SCRIPT], cwd=tempfile.gettempdir(), env=env,
                          capture_output=True, text=True, timeout=60)


def test_nnlite_imports_and_trains_without_sklearn():
    assert run().returncode == 0


def test_wrapper_without_sklearn_raises_import_error_naming_pip_install():
    out = run().stdout
    assert "ImportError: SKLearnClassifier requires `scikit-learn`" in out
    assert "pip install scikit-learn" in out


def test_import_nnlite_does_not_import_sklearn():
    code = "import sys, nnlite; print('sklearn' in sys.modules)"
    env = dict(os.environ, PYTHONPATH=NNLITE_HOME)
    out = subprocess.run([sys.executable, "-c", code], cwd=tempfile.gettempdir(), env=env,
                         capture_output=True, text=True, timeout=60).stdout
    assert out.strip() == "False"
