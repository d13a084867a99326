"""SpatialDropout1D/2D: whole channels dropped, inverted scaling, inference identity,
seeds, gradients, configs as Keras 3.15.1 writes them (issue 11)."""
import json
import os
import zipfile

import numpy as np
import pytest

import nnlite
from layer_gradcheck import call_with_grad, numeric_grad
from nnlite import layers as L
from nnlite.backend.tape import Tape
from nnlite.backend.tensor import Tensor
from nnlite.utils import set_random_seed

TESTS = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
KERAS_MODEL = os.path.join(TESTS, "fixtures", "keras3_pooling", "model.keras")


def test_spatial_dropout2d_drops_whole_channels():
    y = np.asarray(L.SpatialDropout2D(0.5, seed=1)(np.ones((8, 5, 6, 16)), training=True))
    assert (y == y[:, :1, :1, :]).all()         # one draw per (sample, channel)
    assert set(np.unique(y)) == {0.0, 2.0}


def test_spatial_dropout2d_channels_first_drops_whole_channels():
    layer = L.SpatialDropout2D(0.5, data_format="channels_first", seed=1)
    y = np.asarray(layer(np.ones((8, 16, 5, 6)), training=True))
    assert (y == y[:, :, :1, :1]).all()
    assert set(np.unique(y)) == {0.0, 2.0}


def test_spatial_dropout1d_drops_whole_features_for_every_step():
    y = np.asarray(L.SpatialDropout1D(0.25, seed=4)(np.ones((50, 3, 20)), training=True))
    assert (y == y[:, :1]).all()
    np.testing.assert_allclose(np.unique(y), [0.0, 1.0 / 0.75], rtol=1e-6)


def test_spatial_dropout_mask_differs_between_samples_and_channels():
    y = np.asarray(L.SpatialDropout2D(0.5, seed=2)(np.ones((16, 2, 2, 16)), training=True))
    mask = y[:, 0, 0, :]
    assert len({tuple(row) for row in mask}) > 1
    assert len({tuple(col) for col in mask.T}) > 1


def test_spatial_dropout_scales_kept_channels_by_inverse_keep_rate():
    x = np.random.default_rng(0).normal(size=(6, 3, 4, 10))
    y = np.asarray(L.SpatialDropout2D(0.3, seed=5, dtype="float64")(x, training=True))
    kept = y[:, 0, 0, :] != 0
    np.testing.assert_allclose(y, x * kept[:, None, None, :] / 0.7, rtol=1e-12)


def test_spatial_dropout_drops_about_rate_of_the_channels():
    y = np.asarray(L.SpatialDropout2D(0.3, seed=6)(np.ones((100, 2, 2, 50)), training=True))
    assert abs((y[:, 0, 0, :] == 0).mean() - 0.3) < 0.03


@pytest.mark.parametrize("layer,shape", [(L.SpatialDropout1D(0.5), (2, 4, 3)),
                                         (L.SpatialDropout2D(0.5), (2, 3, 3, 4))])
def test_spatial_dropout_is_identity_at_inference(layer, shape):
    x = np.random.default_rng(0).normal(size=shape).astype("float32")
    y, dx = call_with_grad(layer, x, np.ones_like(x), training=False)
    np.testing.assert_array_equal(y, x)
    np.testing.assert_array_equal(dx, np.ones_like(x))
    np.testing.assert_array_equal(np.asarray(layer(x)), x)


def test_spatial_dropout_rate_zero_is_identity_in_training():
    x = np.ones((2, 3, 3, 4), "float32")
    np.testing.assert_array_equal(np.asarray(L.SpatialDropout2D(0.0)(x, training=True)), x)


def test_seeded_spatial_dropout_repeats_its_masks():
    x = np.ones((4, 3, 3, 8), "float32")
    a, b = L.SpatialDropout2D(0.5, seed=42), L.SpatialDropout2D(0.5, seed=42)
    first = [np.asarray(a(x, training=True)) for _ in range(3)]
    second = [np.asarray(b(x, training=True)) for _ in range(3)]
    for u, v in zip(first, second):
        np.testing.assert_array_equal(u, v)
    assert not all((first[0] == f).all() for f in first[1:])   # a new mask each call


def test_unseeded_spatial_dropout_follows_set_random_seed():
    x = np.ones((4, 6, 8), "float32")
    layer = L.SpatialDropout1D(0.5)
    set_random_seed(3)
    a = np.asarray(layer(x, training=True))
    set_random_seed(3)
    b = np.asarray(layer(x, training=True))
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("make,shape", [
    (lambda: L.SpatialDropout2D(0.4, dtype="float64"), (2, 3, 3, 4)),
    (lambda: L.SpatialDropout2D(0.4, data_format="channels_first", dtype="float64"),
     (2, 4, 3, 2)),
    (lambda: L.SpatialDropout1D(0.4, dtype="float64"), (2, 4, 5)),
], ids=["2d", "2d_cf", "1d"])
def test_spatial_dropout_gradient_matches_finite_differences(make, shape):
    layer = make()
    rng = np.random.default_rng(0)
    x = rng.normal(size=shape)
    r = rng.normal(size=shape)

    def scalar():                       # the same mask on every call
        set_random_seed(7)
        return float(np.sum(np.asarray(layer(x, training=True)) * r))

    set_random_seed(7)
    xt = Tensor(x.copy())
    with Tape() as tape:
        tape.watch(xt)
        y = layer(xt, training=True)
    dx = tape.gradient(y, xt, output_gradients=r)
    assert (np.asarray(y) == 0).any()   # some channel dropped, so the check means something
    np.testing.assert_allclose(dx, numeric_grad(scalar, x), rtol=1e-6, atol=1e-7)


def test_spatial_dropout_backward_uses_the_forward_channel_mask():
    x = np.random.default_rng(1).normal(size=(3, 4, 4, 6))
    y, dx = call_with_grad(L.SpatialDropout2D(0.5, seed=9, dtype="float64"), x,
                           np.ones_like(x))
    np.testing.assert_allclose(dx, (y != 0) * 2.0)


# -- shapes, configs, errors --------------------------------------------------------
def test_spatial_dropout_output_shapes():
    assert L.SpatialDropout1D(0.5).compute_output_shape((None, None, 3)) == (None, None, 3)
    assert L.SpatialDropout2D(0.5).compute_output_shape((None, 4, 5, 3)) == (None, 4, 5, 3)
    assert tuple(L.SpatialDropout2D(0.5)(L.Input((4, None, 3))).shape) == (None, 4, None, 3)
    assert tuple(L.SpatialDropout1D(0.5)(L.Input((None, 3))).shape) == (None, None, 3)


def _keras_layer_config(class_name):
    with zipfile.ZipFile(KERAS_MODEL) as z:
        config = json.loads(z.read("config.json"))
    return [layer["config"] for layer in config["config"]["layers"]
            if layer["class_name"] == class_name][0]


def test_spatial_dropout2d_config_equals_keras():
    want = _keras_layer_config("SpatialDropout2D")
    got = L.SpatialDropout2D(0.3, seed=3, name="spatial_dropout2d").get_config()
    assert got == want          # no trainable, no noise_shape, dtype as a plain name


def test_spatial_dropout1d_config_has_keras_keys():
    config = L.SpatialDropout1D(0.2, seed=1, name="sd").get_config()
    assert config == {"rate": 0.2, "seed": 1, "name": "sd", "dtype": "float32"}


@pytest.mark.parametrize("cls", [L.SpatialDropout1D, L.SpatialDropout2D])
def test_spatial_dropout_from_config_round_trip(cls):
    layer = cls(0.25, seed=5, dtype="float64")
    again = cls.from_config(layer.get_config())
    assert again.get_config() == layer.get_config()
    assert again.dtype == "float64"


def test_spatial_dropout2d_channels_first_config():
    assert L.SpatialDropout2D(0.5, data_format="channels_first").get_config()[
        "data_format"] == "channels_first"


@pytest.mark.parametrize("make,match", [
    (lambda: L.SpatialDropout2D(1.5), "rate"),
    (lambda: L.SpatialDropout1D(-0.1), "rate"),
    (lambda: L.SpatialDropout2D(0.5, data_format="nhwc"), "data_format"),
])
def test_spatial_dropout_rejects_bad_arguments(make, match):
    with pytest.raises(ValueError, match=match):
        make()


@pytest.mark.parametrize("layer,x", [(L.SpatialDropout2D(0.5), np.zeros((2, 4, 4))),
                                     (L.SpatialDropout1D(0.5), np.zeros((2, 4, 4, 1)))])
def test_spatial_dropout_rejects_wrong_input_rank_as_keras(layer, x):
    with pytest.raises(ValueError, match=r"expected ndim=\d, found ndim=\d"):
        layer(x, training=True)


# -- models -----------------------------------------------------------------------
def _model():
    return nnlite.Sequential([L.Input((6, 6, 2)), L.Conv2D(4, 3, padding="same"),
                              L.SpatialDropout2D(0.5, seed=1), L.GlobalAveragePooling2D(),
                              L.Dense(1)])


def test_model_with_spatial_dropout_saves_and_reloads(tmp_path):
    model = _model()
    x = np.random.default_rng(0).normal(size=(3, 6, 6, 2)).astype("float32")
    path = str(tmp_path / "sd.keras")
    model.save(path)
    again = nnlite.saving.load_model(path)
    assert again.layers[1].get_config() == model.layers[1].get_config()
    np.testing.assert_array_equal(again.predict(x, verbose=0), model.predict(x, verbose=0))


def test_model_with_spatial_dropout_trains_and_predicts_deterministically():
    set_random_seed(0)
    model = _model()
    model.compile(optimizer="adam", loss="mse")
    x = np.random.default_rng(0).normal(size=(16, 6, 6, 2)).astype("float32")
    y = x.mean(axis=(1, 2, 3))[:, None]
    losses = model.fit(x, y, epochs=5, batch_size=8, verbose=0).history["loss"]
    assert np.isfinite(losses).all()
    np.testing.assert_array_equal(model.predict(x, verbose=0), model.predict(x, verbose=0))
