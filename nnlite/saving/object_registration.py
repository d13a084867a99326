"""Registration of custom objects, as `keras.saving.register_keras_serializable`
and `keras.saving.custom_object_scope`.

A registered class or function is saved under `"package>name"` and found again
by that name when a config is read; a custom object scope (or the
`custom_objects=` argument of the loaders) maps plain names to objects for the
duration of a `with` block.
"""
import threading

# "package>name" -> object, and object -> "package>name"
_GLOBAL_CUSTOM_OBJECTS = {}
_GLOBAL_CUSTOM_NAMES = {}
_SCOPE = threading.local()


def _scope_stack():
    if not hasattr(_SCOPE, "stack"):
        _SCOPE.stack = []
    return _SCOPE.stack


class CustomObjectScope:
    """Makes custom objects findable by name inside a `with` block.

    Args:
        custom_objects: Dict mapping names (as written in a config) to classes
            or functions.

    Example:

    >>> with custom_object_scope({"MyLayer": MyLayer}):
    ...     model = nnlite.models.model_from_json(json_string)
    """

    def __init__(self, custom_objects):
        if custom_objects is None:
            custom_objects = {}
        if not isinstance(custom_objects, dict):
            raise TypeError("custom_objects must be a dict mapping names to classes or "
                            "functions. Received: custom_objects=%r" % (custom_objects,))
        self.custom_objects = dict(custom_objects)

    def __enter__(self):
        _scope_stack().append(self.custom_objects)
        return self

    def __exit__(self, *args):
        _scope_stack().pop()


custom_object_scope = CustomObjectScope


def get_custom_objects():
    """The global dict of registered objects (`"package>name"` -> object)."""
    return _GLOBAL_CUSTOM_OBJECTS


def register_keras_serializable(package="Custom", name=None):
    """Class or function decorator: registers the object under `"package>name"`.

    Args:
        package: Defaults to `"Custom"`.
        name: Defaults to the object's `__name__`.
    """
    if not isinstance(package, str) or ">" in package:
        raise ValueError("package must be a string without '>'. Received: package=%r"
                         % (package,))

    def decorator(arg):
        class_name = name if name is not None else getattr(arg, "__name__", None)
        if not class_name:
            raise ValueError("Cannot register %r: it has no __name__; pass name=." % (arg,))
        registered_name = package + ">" + class_name
        if isinstance(arg, type) and not hasattr(arg, "get_config"):
            raise ValueError("Cannot register a class that does not have a get_config() "
                             "method. Received: %s" % arg.__name__)
        _GLOBAL_CUSTOM_OBJECTS[registered_name] = arg
        _GLOBAL_CUSTOM_NAMES[arg] = registered_name
        return arg

    return decorator


def get_registered_name(obj):
    """The name `obj` is saved under: `"package>name"` if registered, else its `__name__`."""
    if obj in _GLOBAL_CUSTOM_NAMES:
        return _GLOBAL_CUSTOM_NAMES[obj]
    return obj.__name__


def get_registered_object(name, custom_objects=None, module_objects=None):
    """Finds `name` in the active scopes, `custom_objects`, the registry, then
    `module_objects` (in that order); `None` when not found."""
    for scope in reversed(_scope_stack()):
        if name in scope:
            return scope[name]
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    if name in _GLOBAL_CUSTOM_OBJECTS:
        return _GLOBAL_CUSTOM_OBJECTS[name]
    if module_objects and name in module_objects:
        return module_objects[name]
    return None
