"""Saving and loading, as `keras.saving`.

The serialization layer (objects <-> Keras-format configs), the registry of
custom objects, and the files: `.keras` archives, `.weights.h5`, legacy `.h5`.
"""
from nnlite.saving.object_registration import (CustomObjectScope, custom_object_scope,
                                               get_custom_objects, get_registered_name,
                                               get_registered_object,
                                               register_keras_serializable)
from nnlite.saving.serialization_lib import (deserialize_keras_object,
                                             serialize_keras_object)

from nnlite.saving.saving_api import load_model, load_weights, save_model, save_weights

__all__ = ["CustomObjectScope", "custom_object_scope", "deserialize_keras_object",
           "get_custom_objects", "load_model", "load_weights", "save_model", "save_weights", "get_registered_name", "get_registered_object",
           "register_keras_serializable", "serialize_keras_object"]
