"""The legacy HDF5 format (`.h5`) of tf.keras 2 and of Keras 3's legacy writer.

A whole-model file holds, at its root, the attributes `backend`,
`keras_version`, `model_config` (the model's JSON config) and, for a compiled
model, `training_config` (JSON: optimizer, loss, metrics). The weights live in
the group `model_weights`: its attribute `layer_names` lists the layers, each
layer has a group whose attribute `weight_names` lists its weights, stored as
datasets at those paths relative to the layer group (Keras 3:
`<model>/<layer>/kernel`, a sublayer's weight below its layer's path, as
`<model>/bidirectional/forward_lstm/lstm_cell/kernel`; tf.keras 2:
`<layer>/kernel:0`). A weights-only file
(tf.keras 2 `save_weights("w.h5")`) has the same layout at its root.

Loading is safe: nothing in a file is ever executed or unpickled (a `Lambda`
layer's marshalled bytecode is refused), unknown class names are errors, and
every dataset's declared shape is checked against the model before it is read.
"""
import io
import json
import os
import warnings

import numpy as np

# Largest JSON attribute accepted (a config of thousands of layers is < 1 MB)
MAX_JSON_BYTES = 16 * 2 ** 20
# Largest dataset accepted, in elements (as large as any dense layer nnlite trains)
MAX_ELEMENTS = 2 ** 31

_KERAS_VERSION = "3.15.1"   # the Keras whose legacy layout nnlite writes


# -- errors and file access -------------------------------------------------------
def _h5py():
    try:
        import h5py
    except ImportError as e:     # pragma: no cover - h5py is a dependency
        raise ImportError("Reading and writing `.h5` files needs h5py: pip install h5py") from e
    return h5py


def _open(filepath):
    """Opens an HDF5 file for reading; a damaged or non-HDF5 file is a ValueError."""
    h5py = _h5py()
    path = os.fspath(filepath)
    if not os.path.exists(path):
        raise FileNotFoundError("No such file: '%s'" % path)
    try:
        f = h5py.File(path, "r")
    except OSError as e:
        raise ValueError("'%s' is not a readable HDF5 file (truncated or corrupted?): %s"
                         % (path, e)) from None
    from nnlite.saving import saving_lib

    def fail(problem):
        f.close()
        raise ValueError("Cannot load %s: %s" % (path, problem))
    try:
        saving_lib.check_h5_tree(f, fail)
    except (OSError, RuntimeError, KeyError) as e:
        fail("the file is truncated or corrupted (%s)" % (e,))
    return f


def _json_attr(f, name, path, required=True):
    if name not in f.attrs:
        if required:
            raise ValueError("'%s' has no `%s` attribute: it is not a whole model saved in "
                             "the legacy `.h5` format (a weights-only file? use "
                             "`model.load_weights`)." % (path, name))
        return None
    raw = f.attrs[name]
    if isinstance(raw, np.ndarray) and raw.shape == ():
        raw = raw[()]
    if isinstance(raw, bytes):
        if len(raw) > MAX_JSON_BYTES:
            raise ValueError("'%s': the `%s` attribute is %d bytes, more than the %d accepted."
                             % (path, name, len(raw), MAX_JSON_BYTES))
        raw = raw.decode("utf-8", errors="strict")
    if not isinstance(raw, str):
        raise ValueError("'%s': the `%s` attribute is not a JSON string (found %s)."
                         % (path, name, type(raw).__name__))
    if len(raw) > MAX_JSON_BYTES:
        raise ValueError("'%s': the `%s` attribute is %d bytes, more than the %d accepted."
                         % (path, name, len(raw), MAX_JSON_BYTES))
    try:
        value = json.loads(raw)
        from nnlite.saving.saving_lib import json_depth, MAX_JSON_DEPTH
        if json_depth(value) > MAX_JSON_DEPTH:
            raise RecursionError
        return value
    except ValueError as e:
        raise ValueError("'%s': the `%s` attribute is not valid JSON: %s" % (path, name, e)) \
            from None
    except RecursionError:
        raise ValueError("'%s': the `%s` attribute is nested too deeply" % (path, name)) \
            from None


def _str_list(group, name, path):
    """A string-list attribute (`layer_names`, `weight_names`) as a list of str."""
    if name not in group.attrs:
        raise ValueError("'%s': the group '%s' has no `%s` attribute; the file is not in "
                         "Keras's legacy `.h5` layout." % (path, group.name, name))
    raw = group.attrs[name]
    values = np.asarray(raw).ravel().tolist()
    out = []
    for v in values:
        if isinstance(v, bytes):
            v = v.decode("utf-8")
        if not isinstance(v, str):
            raise ValueError("'%s': the `%s` attribute of '%s' holds a non-string (%r)."
                             % (path, name, group.name, v))
        out.append(v)
    return out


# -- config conversion (Keras 2 and Keras 3 legacy configs -> nnlite) ----------------
# An InputLayer may also declare integer or boolean inputs (token ids for an Embedding)
_INPUT_DTYPES = ("float32", "float64", "int8", "int16", "int32", "int64", "uint8", "uint16",
                 "uint32", "uint64", "bool")


def _dtype_name(value, where, allowed=("float32", "float64")):
    if value is None:
        return None
    if isinstance(value, dict):     # Keras 3 DTypePolicy
        value = (value.get("config") or {}).get("name")
    if not isinstance(value, str):
        raise ValueError("%s: unsupported dtype %r" % (where, value))
    if value not in allowed:
        if allowed == _INPUT_DTYPES:
            raise ValueError("%s: input dtype %r is not supported by nnlite (%s)"
                             % (where, value, ", ".join(allowed)))
        raise ValueError("%s: dtype %r is not supported by nnlite (float32 and float64 only)"
                         % (where, value))
    return value


def _plain_object_config(entry, where):
    """Keras 2 (`{"class_name", "config"}`) and Keras 3 (with `module`) object
    configs become `{"class_name", "config"}`; strings and None pass through."""
    if entry is None or isinstance(entry, str):
        return entry
    if not isinstance(entry, dict) or "class_name" not in entry:
        raise ValueError("%s: expected a `{class_name, config}` dict, found %r" % (where, entry))
    name = entry["class_name"]
    if not isinstance(name, str):
        raise ValueError("%s: class_name must be a string, found %r" % (where, name))
    if "__lambda__" in name or name.startswith("__"):
        raise ValueError("%s: refusing %r (it would run code stored in the file)" % (where, name))
    config = entry.get("config") or {}
    if not isinstance(config, dict):
        raise ValueError("%s: the config of %s is not a dict" % (where, name))
    config = dict(config)
    # Keras 3 initializers record arguments nnlite's initializers do not take
    for key in ("input_axes", "output_axes"):
        if config.get(key) is None:
            config.pop(key, None)
    return {"class_name": name, "config": config}


_OBJECT_KEYS = ("initializer", "regularizer", "constraint")


def _layer_kwargs(class_name, config, where):
    """The constructor arguments of an nnlite layer from a Keras layer config."""
    kw = {}
    for key, value in config.items():
        if key == "dtype":
            value = _dtype_name(value, where,
                                _INPUT_DTYPES if class_name == "InputLayer" else
                                ("float32", "float64"))
            if value is None:
                continue
        elif key.endswith(_OBJECT_KEYS) and isinstance(value, dict):
            value = _plain_object_config(value, "%s, %s" % (where, key))
            value = _resolve_object(key, value, where)
        kw[key] = value
    if class_name == "InputLayer":
        if "batch_input_shape" in kw:
            kw["batch_shape"] = kw.pop("batch_input_shape")
        for key in ("ragged", "optional"):
            if kw.get(key) in (False, None):
                kw.pop(key, None)
    if class_name == "LeakyReLU" and "alpha" in kw:     # Keras 2 name
        kw["negative_slope"] = kw.pop("alpha")
    if class_name == "BatchNormalization" and isinstance(kw.get("axis"), list):
        if len(kw["axis"]) != 1:
            raise NotImplementedError("%s: BatchNormalization over several axes %r is not "
                                      "supported" % (where, kw["axis"]))
        kw["axis"] = int(kw["axis"][0])
    if class_name in ("Dense", "Embedding"):
        kw.pop("quantization_config", None)
    if "time_major" in kw:                  # tf.keras 2 recurrent layers
        if kw.pop("time_major"):
            raise NotImplementedError("%s: time_major=True (inputs shaped (time, batch, ...)) "
                                      "is not supported" % (where,))
        kw.pop("implementation", None)
    for key in ("batch_input_shape", "input_shape"):
        if kw.get(key) is not None:
            kw[key] = tuple(kw[key])
    return kw


def _resolve_object(key, config, where):
    from nnlite import constraints, initializers, regularizers
    module = (initializers if key.endswith("initializer") else
              regularizers if key.endswith("regularizer") else constraints)
    try:
        return module.deserialize(config)
    except (ValueError, TypeError, KeyError) as e:
        raise ValueError("%s: cannot rebuild %s %r: %s" % (where, key, config, e)) from None


def _build_layer(entry, custom_objects, safe_mode, where):
    from nnlite import layers as layers_module
    if not isinstance(entry, dict) or not isinstance(entry.get("class_name"), str):
        raise ValueError("%s: a layer entry must be a dict with a string `class_name`, found %r"
                         % (where, entry))
    name = entry["class_name"]
    config = entry.get("config")
    if not isinstance(config, dict):
        raise ValueError("%s: the config of layer %s is not a dict" % (where, name))
    where = "%s, layer '%s' (%s)" % (where, config.get("name"), name)
    from nnlite.saving.object_registration import get_registered_object
    custom = dict(custom_objects or {})
    if name == "Lambda":
        raise ValueError(
            "%s: the file holds a `Lambda` layer, whose function is stored as Python bytecode. "
            "nnlite never runs code from a file (safe_mode=%s does not change that); rebuild "
            "the model in Python and load its weights with `model.load_weights`." % (where,
                                                                                     safe_mode))
    # custom object scopes, `custom_objects`, the registry, then nnlite's layers
    cls = get_registered_object(name, custom, layers_module.ALL_OBJECTS_DICT)
    registered = entry.get("registered_name")
    if cls is None and isinstance(registered, str):
        cls = get_registered_object(registered, custom)
    if cls is None:
        raise ValueError("%s: unknown layer class %r. nnlite supports %s; pass custom layers "
                         "through `custom_objects`." % (where, name,
                                                        ", ".join(sorted(
                                                            layers_module.ALL_OBJECTS_DICT))))
    kw = _layer_kwargs(name, config, where)
    from nnlite.layers.wrapper import Wrapper
    from nnlite.saving.object_registration import custom_object_scope
    try:
        if isinstance(cls, type) and issubclass(cls, Wrapper):
            # the wrapped layers (Bidirectional: `layer` and `backward_layer`) are
            # rebuilt with the same checks as the model's own layers
            for key in ("layer", "backward_layer"):
                if isinstance(kw.get(key), dict):
                    kw[key] = _build_layer(kw[key], custom_objects, safe_mode,
                                           "%s, %s" % (where, key))
            with custom_object_scope(custom):   # Bidirectional copies its layer by config
                return cls(**kw)
        return cls.from_config(kw)
    except (TypeError, ValueError, NotImplementedError) as e:
        if str(e).startswith(where):            # a wrapped layer's error names itself
            raise
        raise type(e)("%s: cannot rebuild the layer from its config: %s" % (where, e)) from None


def model_from_legacy_config(model_config, custom_objects=None, safe_mode=True,
                             where="model_config"):
    """An nnlite Sequential from a Keras 2 or Keras 3 legacy `model_config` dict."""
    from nnlite.layers.input_layer import InputLayer
    from nnlite.models.sequential import Sequential
    if not isinstance(model_config, dict) or not isinstance(model_config.get("class_name"), str):
        raise ValueError("%s: expected `{class_name, config}`, found %r"
                         % (where, type(model_config).__name__))
    name = model_config["class_name"]
    if name in ("Functional", "Model"):
        raise NotImplementedError("%s: the model is a functional `Model` (%s); nnlite loads "
                                  "Sequential models only so far." % (where, name))
    if name != "Sequential":
        raise ValueError("%s: unknown model class %r (nnlite loads Sequential models)"
                         % (where, name))
    config = model_config.get("config")
    if isinstance(config, list):      # Keras 2.0-2.1: the config is the layer list
        config = {"layers": config}
    if not isinstance(config, dict) or not isinstance(config.get("layers"), list):
        raise ValueError("%s: a Sequential config needs a `layers` list" % (where,))
    model_name = config.get("name")
    model = Sequential(name=model_name if isinstance(model_name, str) else None,
                       trainable=bool(config.get("trainable", True)))
    for i, entry in enumerate(config["layers"]):
        layer = _build_layer(entry, custom_objects, safe_mode, "%s, layers[%d]" % (where, i))
        if isinstance(layer, InputLayer) and i != 0:
            raise ValueError("%s: an InputLayer can only come first (found at index %d)"
                             % (where, i))
        model.add(layer, rebuild=False)
    model._maybe_rebuild()
    shape = config.get("build_input_shape")
    if not model.built and isinstance(shape, list) and model.layers:
        model.build(tuple(shape))
    return model


# -- weights --------------------------------------------------------------------------
class _ShapeMismatch(ValueError):
    pass


def _check_dataset(ds, expected_shape, where):
    h5py = _h5py()
    if not isinstance(ds, h5py.Dataset):
        raise ValueError("%s is not a dataset" % (where,))
    shape = ds.shape
    if shape is None:
        raise ValueError("%s has no shape (an empty HDF5 dataspace)" % (where,))
    n = 1
    for d in shape:
        n *= int(d)
    if n > MAX_ELEMENTS:
        raise ValueError("%s declares shape %s (%d elements), more than the %d accepted."
                         % (where, shape, n, MAX_ELEMENTS))
    if tuple(shape) != tuple(expected_shape):
        raise _ShapeMismatch("%s has shape %s, but the model's weight has shape %s."
                         % (where, tuple(shape), tuple(expected_shape)))
    if ds.dtype.kind not in "fiu":
        raise ValueError("%s has dtype %s; a numeric dataset was expected" % (where, ds.dtype))
    if n and ds.id.get_storage_size() == 0:
        # HDF5 reads storage never written as the fill value: refuse, not zeros
        raise ValueError("%s holds no data (its storage was never written)" % (where,))


def _read_layer_values(group, layer, path, skip_mismatch=False, skip_count_mismatch=False):
    """`(variable, dataset, where)` triples (checked, not read) for the weights `group`'s `weight_names` lists,
    checked against `layer`; with `skip_mismatch` a weight of another shape is
    skipped with a warning, as Keras does."""
    names = _str_list(group, "weight_names", path)
    variables = layer.variables
    if len(names) != len(variables):
        msg = ("'%s': layer '%s' (%s) has %d weights, but the file's group '%s' holds %d (%s)."
               % (path, layer.name, type(layer).__name__, len(variables), group.name,
                  len(names), names))
        if skip_count_mismatch:
            warnings.warn("Skipping loading of weights: " + msg, stacklevel=4)
            return []
        raise ValueError(msg)
    pairs = []
    for wname, var in zip(names, variables):
        where = "'%s': weight '%s' of layer '%s'" % (path, wname, layer.name)
        if wname not in group:
            raise ValueError("%s is listed but missing from the file" % (where,))
        ds = group[wname]
        try:
            _check_dataset(ds, var.shape, where)
        except _ShapeMismatch as e:
            if not skip_mismatch:
                raise
            warnings.warn("Skipping loading of weights: %s" % e, stacklevel=4)
            continue
        pairs.append((var, ds, where))     # read once every dataset is checked
    return pairs


def _read_checked(pairs, path):
    """Reads the datasets `_read_layer_values` checked, warning about NaN or
    infinite values."""
    out = []
    for var, ds, where in pairs:
        try:
            value = np.asarray(ds[()], dtype=var.dtype)
        except OSError as e:
            raise ValueError("%s could not be read (truncated or corrupted file?): %s"
                             % (where, e)) from None
        if value.dtype.kind == "f" and value.size and not np.isfinite(value).all():
            warnings.warn("%s holds NaN or infinite value(s) for the variable %r (%s); they "
                          "were loaded as they are" % (path, var.path, where), UserWarning,
                          stacklevel=4)
        out.append((var, value))
    return out


def _load_weights_group(model, group, path, by_name=False, skip_mismatch=False):
    layer_names = _str_list(group, "layer_names", path)
    for lname in layer_names:
        if lname not in group:
            raise ValueError("'%s': layer group '%s' is listed in `layer_names` but missing."
                             % (path, lname))
    pairs = []
    if by_name:
        index = {layer.name: layer for layer in model.layers}
        for lname in layer_names:
            layer = index.get(lname)
            if layer is not None:
                pairs += _read_layer_values(group[lname], layer, path, skip_mismatch,
                                            skip_count_mismatch=skip_mismatch)
    else:
        file_layers = [n for n in layer_names
                       if _str_list(group[n], "weight_names", path)]
        model_layers = [layer for layer in model.layers if layer.variables]
        if len(file_layers) != len(model_layers):
            raise ValueError(
                "'%s': the model has %d layers with weights (%s) but the file holds weights "
                "for %d layers (%s)." % (path, len(model_layers),
                                         [layer.name for layer in model_layers],
                                         len(file_layers), file_layers))
        for lname, layer in zip(file_layers, model_layers):
            pairs += _read_layer_values(group[lname], layer, path, skip_mismatch)
    # every dataset's shape and dtype were checked before any data is read,
    # and everything was read before any weight changes
    for var, value in _read_checked(pairs, path):
        var.assign(value)


def load_weights_from_hdf5(model, filepath, by_name=False, skip_mismatch=False):
    """Loads a legacy `.h5` weights file (or a whole-model file's weights) into `model`.

    Layers with weights are matched in order (as Keras does), or by name with
    `by_name=True` (file layers absent from the model are ignored). Every shape
    is checked before any weight changes.

    Args:
        model: A built nnlite model.
        filepath: Path of a `.h5` file from `save_weights` (tf.keras 2) or
            `save` (tf.keras 2, Keras 3 legacy, nnlite).
        by_name: Match layers by name. Defaults to `False`.
        skip_mismatch: Skip (with a warning) each weight whose shape differs,
            and with `by_name` each layer whose weight count differs, instead
            of raising (as Keras 3). Defaults to `False`.
    """
    if not model.built:
        raise ValueError("Unable to load weights saved in HDF5 format into a subclassed "
                         "Model which has not created its variables yet. Build the model "
                         "first (call it on data, or pass an Input).")
    path = os.fspath(filepath)
    with _open(path) as f:
        group = f["model_weights"] if "layer_names" not in f.attrs and "model_weights" in f \
            else f
        try:
            _load_weights_group(model, group, path, by_name, skip_mismatch)
        except OSError as e:
            raise ValueError("'%s' could not be read (truncated or corrupted?): %s"
                             % (path, e)) from None


# -- compile ---------------------------------------------------------------------------
_OPTIMIZER_DROP = ("is_legacy_optimizer", "jit_compile")


def _optimizer_from_config(config, custom_objects, path):
    from nnlite import optimizers
    if isinstance(config, str):
        return optimizers.get(config)
    entry = _plain_object_config(config, "'%s', optimizer_config" % path)
    name = entry["class_name"]
    if name.startswith("Custom>"):          # tf.keras 2.11+ registered name
        name = name[len("Custom>"):]
    cfg = {k: v for k, v in entry["config"].items() if k not in _OPTIMIZER_DROP}
    if "lr" in cfg:                           # tf.keras < 2.3
        cfg.setdefault("learning_rate", cfg.pop("lr"))
        cfg.pop("lr", None)
    if not cfg.get("decay"):
        cfg.pop("decay", None)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            return optimizers.deserialize({"class_name": name, "config": cfg},
                                          custom_objects=custom_objects)
    except (ValueError, TypeError) as e:
        raise ValueError("'%s': cannot rebuild the optimizer %s: %s" % (path, name, e)) from None


def _function_name(entry):
    """Keras 3 writes a function as `{"class_name": "function", "config": name}`."""
    if isinstance(entry, dict) and entry.get("class_name") == "function" \
            and isinstance(entry.get("config"), str):
        return entry["config"]
    return entry


def _loss_from_config(loss, custom_objects, path):
    from nnlite import losses
    loss = _function_name(loss)
    if loss is None or isinstance(loss, str):
        return loss
    if isinstance(loss, dict):
        entry = _plain_object_config(loss, "'%s', loss" % path)
        cfg = entry["config"]
        cfg.pop("fn", None)                    # tf.keras 2 records the wrapped function
        if cfg.get("reduction") == "auto":     # tf.keras 2: "auto" is sum over batch size
            cfg["reduction"] = "sum_over_batch_size"
        try:
            return losses.deserialize(entry, custom_objects=custom_objects)
        except (ValueError, TypeError, KeyError) as e:
            raise ValueError("'%s': cannot rebuild the loss %r: %s" % (path, loss, e)) from None
    raise NotImplementedError("'%s': loss %r (several outputs?) is not supported" % (path, loss))


def _metrics_from_config(metrics, path):
    from nnlite import metrics as metrics_module
    if metrics is None:
        return None
    if isinstance(metrics, dict):
        raise NotImplementedError("'%s': dicts of metrics (several outputs) are not supported"
                                  % path)
    if not isinstance(metrics, list):
        raise ValueError("'%s': metrics must be a list, found %r" % (path, metrics))
    if len(metrics) == 1 and isinstance(metrics[0], list):   # tf.keras 2: one list per output
        metrics = metrics[0]
    out = []
    for m in metrics:
        m = _function_name(m)
        if isinstance(m, str):
            out.append(m)
            continue
        entry = _plain_object_config(m, "'%s', metrics" % path)
        cfg = entry["config"]
        if entry["class_name"] == "MeanMetricWrapper":
            # tf.keras 2 wraps the string the user wrote (cfg name) around its function
            name, fn = cfg.get("name"), cfg.get("fn")
            if isinstance(name, str) and (name.lower() in ("accuracy", "acc")
                                          or _is_metric_name(name)):
                out.append(name)
            elif isinstance(fn, str) and _is_metric_name(fn):
                out.append(fn)
            else:
                raise ValueError("'%s': unknown metric %r" % (path, m))
            continue
        cls = metrics_module.ALL_OBJECTS_DICT.get(entry["class_name"])
        if not isinstance(cls, type):
            raise ValueError("'%s': unknown metric class %r" % (path, entry["class_name"]))
        cfg = {k: v for k, v in cfg.items() if not (k == "dtype" and v == "float32")}
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", FutureWarning)
                out.append(cls.from_config(cfg) if hasattr(cls, "from_config") else cls(**cfg))
        except (ValueError, TypeError, KeyError, NotImplementedError) as e:
            raise ValueError("'%s': cannot rebuild the metric %r: %s" % (path, m, e)) from None
    return out


def _is_metric_name(name):
    from nnlite import metrics as metrics_module
    try:
        metrics_module.get(name)
    except (ValueError, TypeError, KeyError):
        return False
    return True


def _compile_from_training_config(model, training_config, custom_objects, path):
    if not isinstance(training_config, dict):
        raise ValueError("'%s': training_config is not a JSON object" % path)
    if training_config.get("loss_weights") is not None:
        warnings.warn("'%s': loss_weights in a legacy .h5 file are not read by nnlite; "
                      "the model is compiled without them." % path, stacklevel=3)
    optimizer = _optimizer_from_config(training_config.get("optimizer_config", "rmsprop"),
                                       custom_objects, path)
    loss = _loss_from_config(training_config.get("loss"), custom_objects, path)
    metrics = _metrics_from_config(training_config.get("metrics"), path)
    weighted = _metrics_from_config(training_config.get("weighted_metrics"), path)
    model.compile(optimizer=optimizer, loss=loss, metrics=metrics, weighted_metrics=weighted)


# -- whole models ----------------------------------------------------------------------
def _build_within_budget(f, model_config, custom_objects, safe_mode, path):
    """Builds the model of `model_config`, creating at most as many weight
    values as the file's datasets declare (plus a small slack), refused before
    they are allocated."""
    from nnlite.backend.variable import WeightBudgetExceeded, weight_budget
    from nnlite.saving import saving_lib

    def fail(problem):
        raise ValueError("Cannot load %s: %s" % (path, problem))
    held = saving_lib.declared_elements(f, fail, check=False)
    try:
        with weight_budget(held + saving_lib.WEIGHT_BUDGET_SLACK):
            return model_from_legacy_config(model_config, custom_objects, safe_mode,
                                            where="'%s', model_config" % path)
    except WeightBudgetExceeded as e:
        fail("the config asks for %d weight values but the weights file holds %d"
             % (e.asked, held))


def load_model_from_hdf5(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Loads a whole model from a legacy `.h5` file (tf.keras 2, Keras 3, nnlite).

    Args:
        filepath: Path of the `.h5` file.
        custom_objects: Optional dict of classes by name for custom layers.
        compile: Compile the model with the file's `training_config` (when
            present). Defaults to `True`.
        safe_mode: Kept for Keras's signature; nnlite never runs code stored in
            a file, whatever its value. Defaults to `True`.

    Returns:
        A built `Sequential` with the file's weights.
    """
    path = os.fspath(filepath)
    with _open(path) as f:
        try:
            model_config = _json_attr(f, "model_config", path)
            model = _build_within_budget(f, model_config, custom_objects, safe_mode, path)
            if not model.built:
                raise ValueError("'%s': the model config declares no input shape, so its "
                                 "weights cannot be placed." % path)
            if "model_weights" not in f:
                raise ValueError("'%s' has no `model_weights` group." % path)
            _load_weights_group(model, f["model_weights"], path)
            training_config = _json_attr(f, "training_config", path, required=False)
        except OSError as e:
            raise ValueError("'%s' could not be read (truncated or corrupted?): %s"
                             % (path, e)) from None
    if compile and training_config is not None:
        _compile_from_training_config(model, training_config, custom_objects, path)
    return model


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def _layer_entry(config_entry):
    """Keras 3's legacy writer keeps `class_name` and `config` of each layer."""
    return {"class_name": config_entry["class_name"], "config": config_entry["config"]}


# Arguments tf.keras 2 does not write (some it does not accept); omitted while at
# these defaults, which every reader fills in
_KERAS3_ONLY = {"input_axes": None, "output_axes": None, "quantization_config": None,
                "lora_rank": None, "lora_alpha": None, "synchronized": False,
                "renorm": False, "renorm_clipping": None, "renorm_momentum": 0.99}


def _drop_keras3_defaults(value):
    if isinstance(value, dict):
        return {k: _drop_keras3_defaults(v) for k, v in value.items()
                if not (k in _KERAS3_ONLY and v == _KERAS3_ONLY[k])}
    if isinstance(value, list):
        return [_drop_keras3_defaults(v) for v in value]
    return value


def _wrapped_build_configs(entry, layer):
    """Keras writes a `build_config` for the recurrent layers a wrapper holds
    (a Bidirectional's `layer` and `backward_layer`, a TimeDistributed's LSTM);
    it is added where nnlite's config has none."""
    from nnlite.layers.rnn.rnn import RNN
    from nnlite.layers.wrapper import Wrapper
    if not isinstance(layer, Wrapper):
        return
    held = {"layer": getattr(layer, "forward_layer", layer.layer),
            "backward_layer": getattr(layer, "backward_layer", None)}
    for key, inner in held.items():
        nested = entry["config"].get(key)
        if not isinstance(nested, dict) or inner is None:
            continue
        shape = getattr(inner, "_build_input_shape", None)
        if "build_config" not in nested and isinstance(inner, RNN) and shape is not None:
            entry["config"][key] = dict(nested, build_config={"input_shape": list(shape)})
        if isinstance(inner, Wrapper) and isinstance(nested.get("config"), dict):
            _wrapped_build_configs(nested, inner)


def _plain_dtypes(cfg):
    """A layer config with its DTypePolicy dicts as plain strings, and the same
    for the layers it wraps (`layer`, `backward_layer`)."""
    cfg = dict(cfg)
    if isinstance(cfg.get("dtype"), dict):
        cfg["dtype"] = _dtype_name(cfg["dtype"], "layer %s" % cfg.get("name"))
    for key in ("layer", "backward_layer"):
        inner = cfg.get(key)
        if isinstance(inner, dict) and isinstance(inner.get("config"), dict):
            cfg[key] = dict(inner, config=_plain_dtypes(inner["config"]))
    return cfg


def _model_config(model):
    """The model's config in the form both readers accept: Keras 3's legacy
    loader converts tf.keras 2 configs, but tf.keras 2 rejects Keras 3's
    `batch_shape` and DTypePolicy dicts, so the InputLayer gets
    `batch_input_shape` and dtypes are plain strings."""
    config = dict(model.get_config())
    config["dtype"] = model.dtype
    config["layers"] = [_layer_entry(entry) for entry in config["layers"]]
    by_name = {layer.name: layer for layer in model.layers}
    for entry in config["layers"]:
        cfg = _plain_dtypes(_drop_keras3_defaults(dict(entry["config"])))
        entry["config"] = cfg
        _wrapped_build_configs(entry, by_name.get(cfg.get("name")))
        if entry["class_name"] == "InputLayer":
            cfg["batch_input_shape"] = cfg.pop("batch_shape")
            cfg.setdefault("ragged", False)
        if entry["class_name"] == "LeakyReLU":   # the name both tf.keras 2 and Keras 3 read
            cfg["alpha"] = cfg.pop("negative_slope")
    return {"class_name": "Sequential", "config": config}


# Keras 3.15.1 cannot load its own legacy file when the loss is an alias such as
# "mse" (it looks the alias up among the metrics), so the file gets the full name
_LOSS_ALIASES = {"mse": "mean_squared_error", "MSE": "mean_squared_error",
                 "mae": "mean_absolute_error", "MAE": "mean_absolute_error",
                 "mape": "mean_absolute_percentage_error",
                 "MAPE": "mean_absolute_percentage_error",
                 "msle": "mean_squared_logarithmic_error",
                 "MSLE": "mean_squared_logarithmic_error",
                 "bce": "binary_crossentropy", "BCE": "binary_crossentropy",
                 "kld": "kl_divergence", "KLD": "kl_divergence"}


_OPTIMIZER_DEFAULTS = {"weight_decay": None, "use_ema": False, "ema_momentum": 0.99,
                       "ema_overwrite_frequency": None, "loss_scale_factor": None,
                       "gradient_accumulation_steps": None}


def _compile_entry(obj):
    """A loss or metric as the training config stores it: strings and functions
    by name, objects as Keras 3 object configs."""
    from nnlite.saving.serialization_lib import serialize_keras_object
    if obj is None or isinstance(obj, str):
        return obj
    if callable(obj) and not hasattr(obj, "get_config"):
        return getattr(obj, "__name__", None) or repr(obj)
    return serialize_keras_object(obj)


def _training_config(model):
    from nnlite import optimizers
    loss = _compile_entry(model.loss)
    if isinstance(loss, str):
        loss = _LOSS_ALIASES.get(loss, loss)
    metrics = [_compile_entry(m) for m in model._compile_metrics]
    weighted = [_compile_entry(m) for m in model._compile_weighted_metrics]
    opt = optimizers.serialize(model.optimizer)
    # tf.keras 2 reads a bare "Adam" as its legacy optimizer, which rejects the
    # newer arguments (`weight_decay`, `use_ema`, ...); they are omitted while at
    # their defaults, which Keras 3 then fills in. ("Custom>Adam", tf.keras 2's own
    # name for the current optimizer, would suit tf.keras 2, but Keras 3 then
    # drops the whole config, learning rate included.)
    opt_config = {k: v for k, v in opt["config"].items()
                  if not (k in _OPTIMIZER_DEFAULTS and v == _OPTIMIZER_DEFAULTS[k])}
    return {"loss": loss, "loss_weights": None, "metrics": metrics or None,
            "weighted_metrics": weighted or None, "run_eagerly": False, "steps_per_execution": 1,
            "jit_compile": False,
            "optimizer_config": {"class_name": opt["class_name"], "config": opt_config}}


def _weight_paths(layer):
    """Keras's paths of `layer.variables` below the model: `<layer>/<name>`, and
    for the weights of a sublayer `<layer>/<sublayer>/.../<name>` (an RNN's
    `gru/gru_cell/kernel`, a Bidirectional's `bidirectional/forward_lstm/lstm_cell/
    kernel`, a TimeDistributed's `time_distributed/dense/kernel`)."""
    paths = {}

    def walk(owner, prefix):
        prefix = prefix + owner.name + "/"
        for var in owner._own_weights():
            paths.setdefault(id(var), prefix + var.name)
        for sub in owner._sublayers():
            walk(sub, prefix)
    walk(layer, "")
    return [paths.get(id(v), "%s/%s" % (layer.name, v.name)) for v in layer.variables]


def _write_weights_group(group, model, prefix):
    """`layer_names`, one group per layer with `weight_names` and its datasets."""
    names = [layer.name for layer in model.layers]
    group.attrs["layer_names"] = np.array([n.encode("utf-8") for n in names], dtype="S")
    group.attrs["backend"] = "tensorflow"
    group.attrs["keras_version"] = _KERAS_VERSION
    for layer in model.layers:
        g = group.create_group(layer.name)
        wnames = [prefix + p for p in _weight_paths(layer)]
        if len(set(wnames)) != len(wnames):
            raise ValueError("Layer '%s' has several weights of the same path (%s); give its "
                             "sublayers distinct names." % (layer.name, wnames))
        g.attrs["weight_names"] = np.array([n.encode("utf-8") for n in wnames], dtype="S")
        for wname, var in zip(wnames, layer.variables):
            g.create_dataset(wname, data=var.numpy())
    top = group.create_group("top_level_model_weights")
    top.attrs["weight_names"] = np.array([], dtype=np.float64)


def _atomic_write(filepath, overwrite, write):
    """Calls `write(h5file)` on an in-memory HDF5 file, then writes its bytes
    with the one atomic writer (`saving_lib.atomic_write`)."""
    from nnlite.saving import saving_lib
    h5py = _h5py()
    path = os.fspath(filepath)
    if not overwrite and os.path.exists(path):
        raise FileExistsError("File %s exists and overwrite=False" % path)
    buf = io.BytesIO()
    with h5py.File(buf, "w") as f:
        write(f)
    data = buf.getvalue()
    saving_lib.atomic_write(path, lambda out: out.write(data))


def save_model_to_hdf5(model, filepath, overwrite=True, include_optimizer=True):
    """Saves `model` as a legacy whole-model `.h5` file, in Keras 3's layout.

    The file is written to a temporary file in the same folder and renamed, so
    a failed save never leaves a half-written file at `filepath`.

    Args:
        model: A built nnlite `Sequential`.
        filepath: Destination path (`.h5`).
        overwrite: Replace an existing file. Defaults to `True`.
        include_optimizer: Store the compile settings (`training_config`).
            Defaults to `True`. Optimizer state is not written.
    """
    from nnlite.models.sequential import Sequential
    if not isinstance(model, Sequential):
        raise NotImplementedError("Only Sequential models can be saved to `.h5` by nnlite.")
    if not model.built:
        raise ValueError("The model must be built before it is saved (call it on data, "
                         "fit it, or give it an Input).")
    model_config = json.dumps(_jsonable(_model_config(model)))
    training_config = None
    if include_optimizer and model.compiled and model.optimizer is not None:
        training_config = json.dumps(_jsonable(_training_config(model)))
    prefix = model.name + "/"

    def write(f):
        # "tensorflow": the weights follow TensorFlow's layout (channels-last, kernels
        # (in, out)), which is what readers of this attribute convert from
        f.attrs["backend"] = "tensorflow"
        f.attrs["keras_version"] = _KERAS_VERSION
        f.attrs["model_config"] = model_config
        if training_config is not None:
            f.attrs["training_config"] = training_config
        _write_weights_group(f.create_group("model_weights"), model, prefix)

    _atomic_write(filepath, overwrite, write)


def save_weights_to_hdf5(model, filepath, overwrite=True):
    """Saves only the weights of `model` in the legacy `.h5` weights layout."""
    if not model.built:
        raise ValueError("The model must be built before its weights are saved.")
    prefix = model.name + "/"
    _atomic_write(filepath, overwrite, lambda f: _write_weights_group(f, model, prefix))
