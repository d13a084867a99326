"""Runs a Jupyter notebook's code cells in order, without Jupyter, under Keras or nnlite.

    python examples/notebooks/run_notebook.py examples/notebooks/01_regression.ipynb
    python examples/notebooks/run_notebook.py --nnlite examples/notebooks/03_multiclass_digits.ipynb

Every code cell runs in one shared namespace, in a working directory set to the
notebook's folder (as Jupyter does, so `data/...` paths resolve). Without
`--nnlite` the notebook runs as written, which needs Keras installed. With
`--nnlite` only the import lines are rewritten first, and nothing else:

    import keras                        ->  import nnlite as keras
    import keras as k                   ->  import nnlite as k
    from keras.x import y               ->  from nnlite.x import y
    from keras import x                 ->  from nnlite import x
    from tensorflow import keras        ->  import nnlite as keras
    from tensorflow.keras.x import y    ->  from nnlite.x import y
    from tensorflow.keras import x      ->  from nnlite import x

`import tensorflow` (as `tf` or otherwise) is refused: code written against the
`tf.` namespace is TensorFlow code, not Keras code, and a rewrite of the import
alone would not make it run. Add `--show-imports` to print the rewritten lines.

Only the standard library is used, so the same script runs in a Keras
environment and in an nnlite one.
"""
import argparse
import json
import os
import re
import sys

_INDENT = r"(?P<indent>[ \t]*)"
_TAIL = r"(?P<tail>\s*(?:#.*)?)$"
_RULES = [
    # from tensorflow import keras [as k]
    (re.compile(r"^" + _INDENT + r"from\s+tensorflow\s+import\s+keras(?:\s+as\s+(?P<alias>\w+))?"
                + _TAIL),
     lambda m: "%simport nnlite as %s%s" % (m["indent"], m["alias"] or "keras", m["tail"])),
    # from tensorflow.keras[.x] import ...
    (re.compile(r"^" + _INDENT + r"from\s+tensorflow\.keras(?P<sub>(?:\.\w+)*)\s+import\s"),
     lambda m: "%sfrom nnlite%s import " % (m["indent"], m["sub"])),
    # from keras[.x] import ...
    (re.compile(r"^" + _INDENT + r"from\s+keras(?P<sub>(?:\.\w+)*)\s+import\s"),
     lambda m: "%sfrom nnlite%s import " % (m["indent"], m["sub"])),
    # import keras [as k]
    (re.compile(r"^" + _INDENT + r"import\s+keras(?:\s+as\s+(?P<alias>\w+))?" + _TAIL),
     lambda m: "%simport nnlite as %s%s" % (m["indent"], m["alias"] or "keras", m["tail"])),
]
_TENSORFLOW = re.compile(r"^[ \t]*(?:import\s+tensorflow\b|from\s+tensorflow(?:\.\w+)*\s+import\s)")


def rewrite_imports(source):
    """Returns `source` with its Keras import lines pointed at nnlite.

    Only lines that start (after indentation) with one of the import forms in
    this module's docstring change; every other line is returned unchanged.

    Raises:
        ValueError: a line imports TensorFlow itself (`import tensorflow as tf`)
            or something from TensorFlow other than `keras`, or imports
            `keras.<module>` as a package path (`import keras.layers`).
    """
    out = []
    for number, line in enumerate(source.split("\n"), start=1):
        for pattern, replace in _RULES:
            m = pattern.match(line)
            if m:
                line = replace(m) + line[m.end():]
                break
        else:
            if _TENSORFLOW.match(line):
                raise ValueError("line %d imports TensorFlow, which nnlite does not replace; "
                                 "use `from tensorflow import keras` or `import keras`. "
                                 "Received: %r" % (number, line.strip()))
            if re.match(r"^[ \t]*import\s+keras\.", line):
                raise ValueError("line %d imports a Keras module by its dotted path; use "
                                 "`from keras import <module>`. Received: %r"
                                 % (number, line.strip()))
        out.append(line)
    return "\n".join(out)


def code_cells(path):
    """The sources of the notebook's code cells, in order, as strings."""
    with open(path, encoding="utf-8") as f:
        notebook = json.load(f)
    if notebook.get("nbformat") != 4:
        raise ValueError("%s: only nbformat 4 notebooks are supported. Received: nbformat=%r"
                         % (path, notebook.get("nbformat")))
    cells = []
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            source = cell["source"]
            cells.append(source if isinstance(source, str) else "".join(source))
    return cells


def _use_source_tree():
    """Makes `import nnlite` find the source tree this script lives in, when
    nnlite is not installed (running from a clone)."""
    import importlib.util
    if importlib.util.find_spec("nnlite") is not None:
        return
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    if os.path.isfile(os.path.join(root, "nnlite", "__init__.py")):
        sys.path.insert(0, root)


def run_notebook(path, nnlite=False):
    """Executes the code cells of the notebook at `path` and returns the namespace.

    Args:
        path: the `.ipynb` file.
        nnlite: when true, rewrite the import lines with `rewrite_imports`
            first. Defaults to `False` (run the notebook as written).

    The working directory is the notebook's folder while the cells run and is
    restored afterwards. An exception in a cell propagates, with the cell
    number in the traceback's file name.
    """
    path = os.path.abspath(path)
    cells = code_cells(path)
    if nnlite:
        cells = [rewrite_imports(source) for source in cells]
        _use_source_tree()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    namespace = {"__name__": "__main__", "__file__": path}
    previous = os.getcwd()
    os.chdir(os.path.dirname(path))
    try:
        for index, source in enumerate(cells, start=1):
            code = compile(source, "%s [code cell %d]" % (os.path.basename(path), index), "exec")
            exec(code, namespace)
    finally:
        os.chdir(previous)
    return namespace


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="+", help=".ipynb files to run, in order")
    parser.add_argument("--nnlite", action="store_true",
                        help="rewrite the Keras import lines to nnlite before running")
    parser.add_argument("--show-imports", action="store_true",
                        help="print each import line as it will run, then run")
    args = parser.parse_args(argv)
    for path in args.notebooks:
        print("=== %s (%s)" % (path, "nnlite" if args.nnlite else "as written"), flush=True)
        if args.show_imports:
            for source in code_cells(path):
                if args.nnlite:
                    source = rewrite_imports(source)
                for line in source.split("\n"):
                    if re.match(r"^\s*(import|from)\s", line):
                        print("    " + line.strip())
        run_notebook(path, nnlite=args.nnlite)
    return 0


if __name__ == "__main__":
    sys.exit(main())
