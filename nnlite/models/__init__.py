"""Models, as `keras.models`."""
from nnlite.models.model import Model
from nnlite.models.sequential import Sequential
from nnlite.models.functional import Functional
from nnlite.models.cloning import clone_model


def model_from_json(json_string, custom_objects=None):
    """Builds a model (new weights) from the JSON string `model.to_json()` wrote.

    Args:
        json_string: The JSON string (as written by nnlite or by Keras 3).
        custom_objects: Optional dict mapping names to custom classes or
            functions. Defaults to `None`.
    """
    import json
    from nnlite.saving.serialization_lib import deserialize_keras_object
    from nnlite.saving.saving_lib import check_json_depth
    try:
        config = json.loads(json_string)
    except (TypeError, ValueError) as e:
        raise ValueError("model_from_json expects a JSON string. %s" % e) from None
    except RecursionError:
        raise ValueError("model_from_json: the JSON is nested too deeply") from None

    def fail(problem):
        raise ValueError("model_from_json: %s" % problem)
    check_json_depth(config, fail)
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError("model_from_json expects the JSON of a model config dict (with "
                         "`class_name` and `config`), as `model.to_json()` writes it. "
                         "Received JSON of a %s" % type(config).__name__)
    from nnlite.models.model import Model
    try:
        model = deserialize_keras_object(config, custom_objects=custom_objects)
    except RecursionError:
        raise ValueError("model_from_json: the config is nested too deeply") from None
    except MemoryError:
        raise ValueError("model_from_json: building the model ran out of memory") from None
    if not isinstance(model, Model):
        raise ValueError("model_from_json expects a model config dict; the JSON describes "
                         "a %s" % type(model).__name__)
    return model


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Loads a model saved with `model.save()`: a `.keras` archive (written by
    nnlite or by Keras 3) or a legacy `.h5` file.

    Args:
        filepath: Path of the file.
        custom_objects: Optional dict mapping names to custom classes or
            functions. Defaults to `None`.
        compile: Whether to compile the model as it was saved, with the
            optimizer's state. Defaults to `True`.
        safe_mode: Refuse to deserialize code (lambdas). Defaults to `True`.
    """
    from nnlite.saving.saving_api import load_model as _load_model
    return _load_model(filepath, custom_objects=custom_objects, compile=compile,
                       safe_mode=safe_mode)


__all__ = ["Functional", "Model", "Sequential", "clone_model", "load_model",
           "model_from_json"]
