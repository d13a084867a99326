"""`nnlite.preprocessing` mirrors Keras 3's `keras.preprocessing` (its
generated API listing, keras/api/preprocessing/)."""
import pytest

import nnlite
from nnlite import preprocessing, utils

# keras/api/preprocessing/__init__.py and image/__init__.py, sequence/__init__.py
KERAS_PREPROCESSING = {"image", "sequence", "image_dataset_from_directory",
                       "text_dataset_from_directory", "timeseries_dataset_from_array"}
KERAS_IMAGE = {"array_to_img", "img_to_array", "load_img", "save_img", "smart_resize"}


def _public(module):
    return {n for n in dir(module) if not n.startswith("_")}


def test_preprocessing_holds_the_keras_3_names():
    assert _public(preprocessing) == KERAS_PREPROCESSING


def test_preprocessing_image_holds_the_keras_3_names():
    assert _public(preprocessing.image) == KERAS_IMAGE


def test_preprocessing_sequence_holds_pad_sequences():
    assert _public(preprocessing.sequence) == {"pad_sequences"}


@pytest.mark.parametrize("name", sorted(KERAS_PREPROCESSING - {"image", "sequence"}))
def test_dataset_builders_are_the_utils_functions(name):
    assert getattr(preprocessing, name) is getattr(utils, name)


@pytest.mark.parametrize("name", sorted(KERAS_IMAGE - {"smart_resize"}))
def test_image_helpers_are_the_utils_functions(name):
    assert getattr(preprocessing.image, name) is getattr(utils, name)


def test_old_imports_of_the_image_helpers_work():
    from nnlite.preprocessing.image import img_to_array, load_img  # noqa: F401
    from nnlite.preprocessing import image
    assert image.load_img is nnlite.utils.load_img


def test_image_data_generator_import_names_its_replacements():
    # Keras 3 has no ImageDataGenerator either; the message says what to use
    with pytest.raises(ImportError, match="image_dataset_from_directory") as info:
        from nnlite.preprocessing.image import ImageDataGenerator  # noqa: F401
    assert "Rescaling" in str(info.value)


def test_unknown_names_in_preprocessing_image_are_attribute_errors():
    assert not hasattr(preprocessing.image, "NoSuchHelper")
