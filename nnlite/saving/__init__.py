"""Saving and loading, as `keras.saving`.

This module holds the serialization layer (objects <-> Keras-format configs)
and the registry of custom objects.
"""
from nnlite.saving.object_registration import (CustomObjectScope, custom_object_scope,
                                               get_custom_objects, get_registered_name,
                                               get_registered_object,
                                               register_keras_serializable)
from nnlite.saving.serialization_lib import (deserialize_keras_object,
                                             serialize_keras_object)

# save_model / load_model (nnlite.saving.saving_api) are added here by the
# file-format layer.

__all__ = ["CustomObjectScope", "custom_object_scope", "deserialize_keras_object",
           "get_custom_objects", "get_registered_name", "get_registered_object",
           "register_keras_serializable", "serialize_keras_object"]
