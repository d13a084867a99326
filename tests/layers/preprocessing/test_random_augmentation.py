"""What every augmentation layer shares: seeds, configs (nnlite's and Keras's),
layouts, inference, and a small CNN that trains with them inside."""
import json

import numpy as np
import pytest

import nnlite
from nnlite import layers, models
from nnlite.saving import serialization_lib

LAYERS = [
    (layers.RandomFlip, {"mode": "horizontal"}),
    (layers.RandomRotation, {"factor": 0.2, "fill_mode": "constant", "fill_value": 0.5}),
    (layers.RandomZoom, {"height_factor": 0.2, "width_factor": (-0.1, 0.3),
                         "interpolation": "nearest"}),
    (layers.RandomTranslation, {"height_factor": 0.2, "width_factor": 0.1, "fill_mode": "wrap"}),
    (layers.RandomContrast, {"factor": 0.4}),
    (layers.RandomBrightness, {"factor": 0.2, "value_range": (0, 1)}),
    (layers.RandomCrop, {"height": 5, "width": 6}),
]
IDS = [cls.__name__ for cls, _ in LAYERS]


def _images(n=6, h=7, w=8, c=3):
    return np.random.RandomState(7).rand(n, h, w, c).astype("float32")


@pytest.mark.parametrize("cls,kwargs", LAYERS, ids=IDS)
def test_same_seed_gives_the_same_augmentation_sequence(cls, kwargs):
    x = _images()
    a, b = cls(seed=11, **kwargs), cls(seed=11, **kwargs)
    first = [a(x, training=True).numpy() for _ in range(2)]
    second = [b(x, training=True).numpy() for _ in range(2)]
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])
    assert not np.array_equal(first[0], first[1])


@pytest.mark.parametrize("cls,kwargs", LAYERS, ids=IDS)
def test_unseeded_layers_follow_set_random_seed(cls, kwargs):
    x = _images()
    nnlite.utils.set_random_seed(5)
    a = cls(**kwargs)(x, training=True).numpy()
    nnlite.utils.set_random_seed(5)
    b = cls(**kwargs)(x, training=True).numpy()
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("cls,kwargs", [p for p in LAYERS if p[0] is not layers.RandomCrop],
                         ids=[i for i in IDS if i != "RandomCrop"])
def test_identity_at_inference(cls, kwargs):
    x = _images()
    np.testing.assert_array_equal(cls(seed=1, **kwargs)(x, training=False).numpy(), x)


@pytest.mark.parametrize("cls,kwargs", LAYERS, ids=IDS)
def test_direct_call_augments_by_default_as_keras(cls, kwargs):
    x = _images()
    layer = cls(seed=3, **kwargs)
    assert not np.array_equal(layer(x).numpy(), layer(x, training=False).numpy())


@pytest.mark.parametrize("cls,kwargs", LAYERS, ids=IDS)
def test_channels_first_equals_channels_last_transposed(cls, kwargs):
    x = _images()
    last = cls(seed=9, **kwargs)(x, training=True).numpy()
    first = cls(seed=9, data_format="channels_first", **kwargs)(
        np.transpose(x, (0, 3, 1, 2)), training=True).numpy()
    np.testing.assert_allclose(np.transpose(first, (0, 2, 3, 1)), last, atol=1e-6)


@pytest.mark.parametrize("cls,kwargs", LAYERS, ids=IDS)
def test_single_image_equals_batch_of_one(cls, kwargs):
    x = _images(1)
    batch = cls(seed=4, **kwargs)(x, training=True).numpy()
    single = cls(seed=4, **kwargs)(x[0], training=True).numpy()
    np.testing.assert_allclose(single, batch[0], atol=1e-6)


@pytest.mark.parametrize("cls,kwargs", LAYERS, ids=IDS)
def test_config_round_trip_gives_the_same_augmentations(cls, kwargs):
    x = _images()
    layer = cls(seed=8, **kwargs)
    restored = layers.deserialize(serialization_lib.serialize_keras_object(layer))
    assert type(restored) is cls
    assert json.loads(json.dumps(restored.get_config())) == json.loads(json.dumps(
        layer.get_config()))
    np.testing.assert_array_equal(restored(x, training=True).numpy(),
                                  cls(seed=8, **kwargs)(x, training=True).numpy())


@pytest.mark.parametrize("cls,kwargs", LAYERS, ids=IDS)
def test_rank_2_input_raises(cls, kwargs):
    with pytest.raises(ValueError, match="rank 3"):
        cls(**kwargs)(np.zeros((4, 4), "float32"), training=True)


def test_keras_written_layer_configs_load():
    dtype = {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"},
             "registered_name": None}
    base = {"trainable": True, "dtype": dtype}
    configs = [
        ("RandomFlip", {"name": "random_flip", "seed": None, "mode": "horizontal",
                        "data_format": "channels_last"}),
        ("RandomRotation", {"name": "random_rotation", "factor": [-0.1, 0.1],
                            "data_format": "channels_last", "fill_mode": "reflect",
                            "fill_value": 0.0, "interpolation": "bilinear", "seed": None}),
        ("RandomZoom", {"name": "random_zoom", "height_factor": 0.1, "width_factor": None,
                        "fill_mode": "reflect", "interpolation": "bilinear", "seed": None,
                        "fill_value": 0.0, "data_format": "channels_last"}),
        ("RandomTranslation", {"name": "random_translation", "height_factor": 0.1,
                               "width_factor": 0.1, "fill_mode": "reflect",
                               "interpolation": "bilinear", "seed": None, "fill_value": 0.0,
                               "data_format": "channels_last"}),
        ("RandomContrast", {"name": "random_contrast", "factor": [0.0, 0.2],
                            "value_range": [0, 255], "seed": None}),
        ("RandomBrightness", {"name": "random_brightness", "factor": [-0.2, 0.2],
                              "value_range": [0, 255], "seed": None}),
        ("RandomCrop", {"name": "random_crop", "height": 4, "width": 4, "seed": 1234,
                        "data_format": "channels_last"}),
    ]
    for class_name, config in configs:
        layer = layers.deserialize({"module": "keras.layers", "class_name": class_name,
                                    "config": dict(base, **config), "registered_name": None})
        assert type(layer).__name__ == class_name and layer.name == config["name"]


def _augmented_cnn():
    return models.Sequential([
        layers.Input((8, 8, 1)),
        layers.RandomFlip("horizontal", seed=1),
        layers.RandomRotation(0.1, seed=2),
        layers.Conv2D(4, 3, activation="relu"),
        layers.Flatten(),
        layers.Dense(2, activation="softmax"),
    ])


def _data():
    rng = np.random.RandomState(0)
    x = rng.rand(64, 8, 8, 1).astype("float32")
    y = (x[:, :4].mean(axis=(1, 2, 3)) > x[:, 4:].mean(axis=(1, 2, 3))).astype("int64")
    return x, y


def test_cnn_with_augmentation_block_trains_with_fit():
    x, y = _data()
    nnlite.utils.set_random_seed(0)
    model = _augmented_cnn()
    model.compile("adam", "sparse_categorical_crossentropy")
    before = model.evaluate(x, y, verbose=0)
    history = model.fit(x, y, epochs=5, batch_size=16, verbose=0)
    assert np.all(np.isfinite(history.history["loss"]))
    assert model.evaluate(x, y, verbose=0) < before


def test_cnn_with_augmentation_block_predicts_deterministically():
    x, y = _data()
    model = _augmented_cnn()
    model.compile("adam", "sparse_categorical_crossentropy")
    model.fit(x, y, epochs=1, batch_size=16, verbose=0)
    np.testing.assert_array_equal(model.predict(x, verbose=0), model.predict(x, verbose=0))


def test_augmented_model_saves_and_loads_as_keras_file(tmp_path):
    x, _ = _data()
    model = _augmented_cnn()
    path = str(tmp_path / "augmented.keras")
    model.save(path)
    loaded = models.load_model(path)
    assert [type(l).__name__ for l in loaded.layers][:2] == ["RandomFlip", "RandomRotation"]
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-6)


def test_summary_shows_augmentation_output_shapes(capsys):
    model = models.Sequential([layers.Input((12, 12, 3)), layers.RandomFlip(),
                               layers.RandomCrop(10, 9)])
    model.summary()
    out = capsys.readouterr().out
    assert "(None, 12, 12, 3)" in out and "(None, 10, 9, 3)" in out


def test_keras_io_augmentation_block_inside_a_functional_model(tmp_path):
    # keras.io image classification / Deep Learning with Python ch. 8
    data_augmentation = models.Sequential([layers.RandomFlip("horizontal"),
                                           layers.RandomRotation(0.1), layers.RandomZoom(0.2)])
    images = (np.random.RandomState(3).rand(8, 16, 16, 3) * 255).astype("uint8")
    assert data_augmentation(images).shape == (8, 16, 16, 3)
    inputs = nnlite.Input(shape=(16, 16, 3))
    x = data_augmentation(inputs)
    x = layers.Rescaling(1.0 / 255)(x)
    x = layers.Conv2D(4, 3, strides=2, activation="relu")(x)
    x = layers.GlobalAveragePooling2D()(x)
    outputs = layers.Dense(1, activation="sigmoid")(x)
    model = models.Model(inputs, outputs)
    model.compile("adam", "binary_crossentropy", metrics=["accuracy"])
    model.fit(images, np.arange(8) % 2, epochs=1, verbose=0)
    trained = model(images, training=True).numpy()
    inferred = model(images, training=False).numpy()
    assert not np.allclose(trained, inferred)
    np.testing.assert_array_equal(model.predict(images, verbose=0), model.predict(images, verbose=0))
    path = str(tmp_path / "functional.keras")
    model.save(path)
    np.testing.assert_allclose(models.load_model(path).predict(images, verbose=0),
                               model.predict(images, verbose=0), rtol=1e-6)


def test_unseeded_augmented_models_train_identically_after_set_random_seed():
    x, y = _data()
    weights = []
    for _ in range(2):
        nnlite.utils.set_random_seed(3)
        model = models.Sequential([layers.Input((8, 8, 1)), layers.RandomFlip(),
                                   layers.RandomTranslation(0.2, 0.2), layers.Flatten(),
                                   layers.Dense(2, activation="softmax")])
        model.compile("sgd", "sparse_categorical_crossentropy")
        model.fit(x, y, epochs=2, batch_size=16, verbose=0)
        weights.append(model.get_weights())
    for a, b in zip(*weights):
        np.testing.assert_array_equal(a, b)
