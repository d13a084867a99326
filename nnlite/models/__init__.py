"""Models, as `keras.models`."""
from nnlite.models.model import Model
from nnlite.models.sequential import Sequential


def model_from_json(json_string, custom_objects=None):
    """Builds a model (new weights) from the JSON string `model.to_json()` wrote.

    Args:
        json_string: The JSON string (as written by nnlite or by Keras 3).
        custom_objects: Optional dict mapping names to custom classes or
            functions. Defaults to `None`.
    """
    import json
    from nnlite.saving.serialization_lib import deserialize_keras_object
    try:
        config = json.loads(json_string)
    except (TypeError, ValueError) as e:
        raise ValueError("model_from_json expects a JSON string. %s" % e) from None
    return deserialize_keras_object(config, custom_objects=custom_objects)


__all__ = ["Model", "Sequential", "model_from_json"]
