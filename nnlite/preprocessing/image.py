"""`keras.preprocessing.image`: the image file helpers (the same functions as
`nnlite.utils.load_img`, ...) and `smart_resize`.

Keras 3 has no `ImageDataGenerator`; importing it (as Keras 2 notebooks do)
raises an ImportError that names what replaces it."""
from nnlite.utils.image_utils import array_to_img, img_to_array, load_img, save_img, smart_resize

__all__ = ["array_to_img", "img_to_array", "load_img", "save_img", "smart_resize"]

# the layers Keras 3 points to instead of ImageDataGenerator's arguments
_AUGMENTATION = ("RandomFlip", "RandomRotation", "RandomZoom", "RandomTranslation",
                 "RandomContrast", "RandomCrop", "RandomBrightness")


def _image_data_generator_message():
    from nnlite import layers
    have = [n for n in _AUGMENTATION if hasattr(layers, n)]
    missing = [n for n in _AUGMENTATION if n not in have]
    message = ("`ImageDataGenerator` was removed in Keras 3, and nnlite follows Keras 3. Load the "
               "images with `nnlite.utils.image_dataset_from_directory(directory, "
               "image_size=..., batch_size=...)` (also "
               "`nnlite.preprocessing.image_dataset_from_directory`) and put the preprocessing "
               "in the model as layers: `layers.Rescaling(1./255)` for `rescale=`")
    if have:
        message += ", and the augmentation layers %s" % ", ".join(
            "`layers.%s`" % n for n in have)
    message += "."
    if missing:
        message += " (Keras 3's %s are not in nnlite yet.)" % ", ".join(missing)
    return message


def __getattr__(name):
    # an ImportError, not an AttributeError: `from ... import ImageDataGenerator`
    # then shows this message instead of Python's "cannot import name"
    if name == "ImageDataGenerator":
        raise ImportError(_image_data_generator_message(), name=__name__)
    raise AttributeError("module %r has no attribute %r" % (__name__, name))
