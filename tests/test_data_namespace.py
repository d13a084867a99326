"""`nnlite.data` (the `tf.data` names notebooks use) after a plain `import nnlite`."""
import os
import subprocess
import sys
import tempfile

import nnlite


def _fresh(code):
    """Runs code in a fresh interpreter that imports this nnlite."""
    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(nnlite.__file__)))
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, cwd=tempfile.gettempdir(), env=env)
    assert res.returncode == 0, res.stderr
    return res.stdout.strip()


def test_autotune_is_reachable_after_a_plain_import():
    # tf.data.AUTOTUNE is -1
    assert _fresh("import nnlite; print(nnlite.data.AUTOTUNE)") == "-1"


def test_dataset_is_reachable_after_a_plain_import():
    out = _fresh("import nnlite\n"
                 "ds = nnlite.data.Dataset.from_tensor_slices([1, 2, 3]).batch(2)\n"
                 "print([b.tolist() for b in ds])")
    assert out == "[[1, 2], [3]]"
