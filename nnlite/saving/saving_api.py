"""`save_model`, `load_model`, `save_weights` and `load_weights`, as `keras.saving`.

The file extension chooses the format: `.keras` (the Keras 3 zip archive),
`.h5`/`.hdf5` (the legacy Keras HDF5 format), `.weights.h5` (weights only).
nnlite also reads and writes its own `.weights.npz` (NumPy, no pickle).
"""
import os
import warnings

from nnlite.saving import saving_lib


def _ask_to_overwrite(filepath):
    """Keras's prompt; with no terminal to answer it, refuse to overwrite."""
    try:
        answer = input("[WARNING] %s already exists - overwrite? [y/n]" % filepath)
        answer = answer.strip().lower()
        while answer not in ("y", "n"):
            answer = input('Enter "y" (overwrite) or "n" (cancel).').strip().lower()
    except EOFError:
        raise FileExistsError("File %s exists and overwrite=False (no answer could be read "
                              "to confirm overwriting it)" % filepath) from None
    if answer == "n":
        return False
    print("[TIP] Next time specify overwrite=True!")
    return True


def save_model(model, filepath, overwrite=True, zipped=None, **kwargs):
    """Saves a model as a `.keras` archive (or a legacy `.h5` file).

    Args:
        model: The model.
        filepath: A path ending in `.keras` (or `.h5`/`.hdf5`, legacy).
        overwrite: Whether to overwrite an existing file; `False` asks, as
            Keras does. Defaults to `True`.
        zipped: Only `None`/`True` (a zipped `.keras` file) is supported.
    """
    include_optimizer = kwargs.pop("include_optimizer", True)
    save_format = kwargs.pop("save_format", False)
    filepath = os.fspath(filepath)
    if save_format:
        if filepath.endswith((".h5", ".hdf5", ".keras")):
            warnings.warn("The `save_format` argument is deprecated in Keras 3. We recommend "
                          "removing this argument as it can be inferred from the file path. "
                          "Received: save_format=%s" % save_format, stacklevel=2)
        else:
            raise ValueError("The `save_format` argument is deprecated in Keras 3. Please "
                             "remove this argument and pass a file path with either `.keras` "
                             "or `.h5` extension.Received: save_format=%s" % save_format)
    if kwargs:
        raise ValueError("The following argument(s) are not supported: %s"
                         % list(kwargs.keys()))
    if zipped is False:
        raise NotImplementedError("zipped=False (saving a model as a folder) is not "
                                  "supported by nnlite")
    is_keras = filepath.endswith(".keras")
    is_h5 = filepath.endswith((".h5", ".hdf5"))
    if not (is_keras or is_h5):
        raise ValueError(
            "Invalid filepath extension for saving. Please add either a `.keras` extension "
            "for the native Keras format (recommended) or a `.h5` extension. Use "
            "`model.export(filepath)` if you want to export a SavedModel for use with "
            "TFLite/TFServing/etc. Received: filepath=%s." % filepath)
    if os.path.exists(filepath) and not overwrite:
        if not _ask_to_overwrite(filepath):
            return
    if is_keras:
        return saving_lib.save_model(model, filepath)
    warnings.warn("You are saving your model as an HDF5 file via `model.save()` or "
                  "`keras.saving.save_model(model)`. This file format is considered legacy. "
                  "We recommend using instead the native Keras format, e.g. "
                  "`model.save('my_model.keras')` or "
                  "`keras.saving.save_model(model, 'my_model.keras')`. ", UserWarning,
                  stacklevel=2)
    from nnlite.saving import legacy_h5
    return legacy_h5.save_model_to_hdf5(model, filepath, overwrite=True,
                                        include_optimizer=include_optimizer)


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Loads a model saved with `model.save()` (by nnlite or Keras 3).

    Args:
        filepath: A `.keras` file, or a legacy `.h5`/`.hdf5` file.
        custom_objects: Optional dict of names to classes or functions
            used by the model.
        compile: Whether to compile the model as it was saved (optimizer
            state included). Defaults to `True`.
        safe_mode: Refuse to deserialize lambdas (code). Defaults to `True`.
    """
    filepath = os.fspath(filepath)
    if filepath.endswith(".keras"):
        if not os.path.exists(filepath):
            raise ValueError("File not found: filepath=%s. Please ensure the file is an "
                             "accessible `.keras` zip file." % filepath)
        return saving_lib.load_model(filepath, custom_objects=custom_objects,
                                     compile=compile, safe_mode=safe_mode)
    if filepath.endswith((".h5", ".hdf5")):
        from nnlite.saving import legacy_h5
        with saving_lib.loading(filepath):
            return legacy_h5.load_model_from_hdf5(filepath, custom_objects=custom_objects,
                                                  compile=compile, safe_mode=safe_mode)
    raise ValueError(
        "File format not supported: filepath=%s. Keras 3 only supports V3 `.keras` files, "
        "legacy H5 format files (`.h5` extension). Note that the legacy SavedModel format is "
        "not supported by `load_model()` in Keras 3." % filepath)


def save_weights(model, filepath, overwrite=True, **kwargs):
    """Saves the weights (and the optimizer's state) to a `.weights.h5` file.
    nnlite also writes `.weights.npz` (its NumPy format, weights only)."""
    if kwargs.pop("max_shard_size", None) is not None:
        raise NotImplementedError("max_shard_size (sharded weights) is not supported by nnlite")
    if kwargs:
        raise ValueError("Invalid keyword arguments: %s" % (kwargs,))
    filepath = os.fspath(filepath)
    npz = filepath.endswith(".weights.npz")
    if not (npz or filepath.endswith(".weights.h5")):
        raise ValueError("The filename must end in `.weights.h5`. Received: filepath=%s"
                         % filepath)
    if os.path.exists(filepath) and not overwrite:
        if not _ask_to_overwrite(filepath):
            return
    if npz:
        import numpy as np
        weights = model.get_weights()

        def write(f):
            np.savez(f, **{"arr_%d" % i: w for i, w in enumerate(weights)})
        return saving_lib.atomic_write(filepath, write)
    return saving_lib.save_weights(model, filepath)


def load_weights(model, filepath, skip_mismatch=False, **kwargs):
    """Loads weights from a `.weights.h5`, `.keras`, legacy `.h5` or nnlite
    `.weights.npz` file into a built model."""
    by_name = kwargs.pop("by_name", None)
    if kwargs.pop("objects_to_skip", None) is not None:
        raise NotImplementedError("objects_to_skip is not supported by nnlite")
    if kwargs:
        raise ValueError("Invalid keyword arguments: %s" % (kwargs,))
    filepath = os.fspath(filepath)
    if filepath.endswith(".weights.npz"):
        import numpy as np
        with np.load(filepath, allow_pickle=False) as data:
            if any(k != "arr_%d" % i for i, k in enumerate(
                    sorted(data.files, key=lambda s: (len(s), s)))):
                raise ValueError("%s is not a weights file written by nnlite" % filepath)
            weights = [data["arr_%d" % i] for i in range(len(data.files))]
        model.set_weights(weights)
        return
    if filepath.endswith((".keras", ".weights.h5")):
        if by_name:
            raise ValueError("`by_name` only supports loading legacy '.h5' or '.hdf5' files. "
                             "Received: %s" % filepath)
        return saving_lib.load_weights(model, filepath, skip_mismatch=skip_mismatch)
    if filepath.endswith((".h5", ".hdf5")):
        from nnlite.saving import legacy_h5
        with saving_lib.loading(filepath):
            return legacy_h5.load_weights_from_hdf5(model, filepath, by_name=bool(by_name),
                                                    skip_mismatch=skip_mismatch)
    raise ValueError("File format not supported: filepath=%s. Keras 3 only supports V3 "
                     "`.keras` files, `.weights.h5` files, legacy H5 format files (`.h5` "
                     "extension), or Orbax checkpoints." % filepath)
