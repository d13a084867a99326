"""config.image_data_format / set_image_data_format, as keras.config."""
import numpy as np
import pytest

from nnlite import backend, config, layers


@pytest.fixture
def restore_format():
    yield
    config.set_image_data_format("channels_last")


def test_image_data_format_defaults_to_channels_last():
    assert config.image_data_format() == "channels_last"
    assert backend.image_data_format() == "channels_last"


def test_set_image_data_format_sets_the_image_layers_default(restore_format):
    config.set_image_data_format("channels_first")
    assert backend.image_data_format() == "channels_first"
    layer = layers.RandomCrop(2, 3)
    assert layer.data_format == "channels_first"
    assert layer(np.zeros((1, 3, 5, 5), "float32"), training=True).shape == (1, 3, 2, 3)


def test_set_image_data_format_rejects_unknown_value():
    with pytest.raises(ValueError, match="data_format=channels_middle"):
        config.set_image_data_format("channels_middle")
