"""Packages whose public names import their modules on first use (PEP 562).

`import nnlite` then costs only what a script uses: `from nnlite.layers import
Dense` loads the Dense module, not every layer's."""
import importlib


def attach(package, names):
    """`(__getattr__, __dir__)` for the package named `package`, where
    `names` maps each public name to the module that defines it (a
    submodule's name to the submodule itself)."""
    def __getattr__(name):
        module = names.get(name)
        if module is None:
            raise AttributeError("module %r has no attribute %r" % (package, name))
        loaded = importlib.import_module(module)
        value = loaded if module == package + "." + name else getattr(loaded, name)
        setattr(importlib.import_module(package), name, value)   # next time: no lookup
        return value

    def __dir__():
        return sorted(set(names) | set(vars(importlib.import_module(package))))
    return __getattr__, __dir__


def load_all(package, names):
    """Imports every name of `names` into the package (what a saved model may
    refer to), returning them as a dict."""
    module = importlib.import_module(package)
    return {name: getattr(module, name) for name in names}
