"""Convolutional layers: shapes, weight layouts, gradients, errors, summary and files
(issue 11). Numbers against real Keras are in test_conv_keras_fixtures.py."""
import numpy as np
import pytest

import nnlite
from nnlite import layers
from layer_gradcheck import check_layer

RNG = np.random.default_rng(11)


def _x(*shape):
    return RNG.normal(size=shape)


@pytest.mark.parametrize("layer, shape, out", [
    (lambda: layers.Conv2D(5, 3), (2, 9, 8, 3), (2, 7, 6, 5)),
    (lambda: layers.Conv2D(5, 3, strides=2, padding="same"), (2, 9, 8, 3), (2, 5, 4, 5)),
    (lambda: layers.Conv2D(4, 3, data_format="channels_first"), (2, 3, 9, 8), (2, 4, 7, 6)),
    (lambda: layers.Conv1D(4, 3, padding="causal", dilation_rate=2), (2, 10, 3), (2, 10, 4)),
    (lambda: layers.Conv1D(4, 3, strides=2), (2, 10, 3), (2, 4, 4)),
    (lambda: layers.DepthwiseConv2D(3, depth_multiplier=2), (2, 7, 7, 3), (2, 5, 5, 6)),
    (lambda: layers.SeparableConv2D(4, 3, padding="same"), (2, 7, 7, 3), (2, 7, 7, 4)),
    (lambda: layers.Conv2DTranspose(4, 3, strides=2), (2, 4, 5, 3), (2, 9, 11, 4)),
    (lambda: layers.Conv2DTranspose(4, 3, strides=2, padding="same", output_padding=1),
     (2, 4, 5, 3), (2, 8, 10, 4)),
    (lambda: layers.Conv1DTranspose(2, 2, strides=3), (2, 5, 3), (2, 15, 2)),
])
def test_output_shape_matches_call_and_compute_output_shape(layer, shape, out):
    lay = layer()
    y = np.asarray(lay(_x(*shape).astype("float32")))
    assert y.shape == out
    assert tuple(lay.compute_output_shape(shape)) == out


@pytest.mark.parametrize("layer, shape, kernel", [
    (lambda: layers.Conv2D(6, (3, 2), groups=3), (1, 5, 5, 9), (3, 2, 3, 6)),
    (lambda: layers.Conv1D(4, 3), (1, 6, 2), (3, 2, 4)),
    (lambda: layers.DepthwiseConv2D(3, depth_multiplier=2), (1, 5, 5, 3), (3, 3, 3, 2)),
    (lambda: layers.Conv2DTranspose(4, 3), (1, 5, 5, 2), (3, 3, 4, 2)),
])
def test_kernel_in_keras_layout(layer, shape, kernel):
    lay = layer()
    lay(np.zeros(shape, "float32"))
    assert tuple(lay.kernel.shape) == kernel


def test_separable_kernels_in_keras_layout():
    lay = layers.SeparableConv2D(5, 3, depth_multiplier=2)
    lay(np.zeros((1, 6, 6, 3), "float32"))
    shapes = [tuple(w.shape) for w in lay.weights]
    assert shapes == [(3, 3, 3, 2), (1, 1, 6, 5), (5,)]


@pytest.mark.parametrize("layer, shape", [
    (lambda: layers.Conv2D(3, (3, 2), strides=(2, 1), padding="same", activation="tanh",
                           dtype="float64"), (2, 5, 4, 2)),
    (lambda: layers.Conv2D(4, 2, dilation_rate=2, groups=2, dtype="float64"), (1, 5, 5, 4)),
    (lambda: layers.Conv2D(2, 3, data_format="channels_first", dtype="float64"),
     (2, 2, 5, 4)),
    (lambda: layers.Conv1D(3, 3, padding="causal", activation="relu", dtype="float64"),
     (2, 6, 2)),
    (lambda: layers.DepthwiseConv2D(2, strides=2, padding="same", dtype="float64"),
     (1, 5, 5, 2)),
    (lambda: layers.SeparableConv2D(3, 2, dtype="float64"), (1, 4, 4, 2)),
    (lambda: layers.Conv2DTranspose(2, 3, strides=2, padding="same", dtype="float64"),
     (1, 3, 3, 2)),
    (lambda: layers.Conv1DTranspose(2, 3, strides=2, dtype="float64"), (2, 4, 2)),
])
def test_gradients_match_finite_differences(layer, shape):
    check_layer(layer(), _x(*shape), rtol=1e-5, atol=1e-7)


def test_causal_output_does_not_see_the_future():
    lay = layers.Conv1D(2, 3, padding="causal", dtype="float64")
    x = _x(1, 8, 2)
    y0 = np.asarray(lay(x))
    x2 = x.copy()
    x2[0, 5:] += 10.0
    y1 = np.asarray(lay(x2))
    np.testing.assert_array_equal(y0[0, :5], y1[0, :5])
    assert not np.allclose(y0[0, 5:], y1[0, 5:])


def test_pointwise_conv_equals_dense_on_channels():
    lay = layers.Conv2D(3, 1, dtype="float64")
    x = _x(2, 4, 5, 6)
    y = np.asarray(lay(x))
    k, b = lay.get_weights()
    np.testing.assert_allclose(y, x @ k[0, 0] + b, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("make, message", [
    (lambda: layers.Conv2D(0, 3), "filters"),
    (lambda: layers.Conv2D(4, 0), "kernel_size"),
    (lambda: layers.Conv2D(4, 3, strides=0), "strides"),
    (lambda: layers.Conv2D(5, 3, groups=2), "divisible"),
    (lambda: layers.Conv2D(4, 3, padding="causal"), "padding"),
    (lambda: layers.Conv2D(4, 3, data_format="nhwc"), "data_format"),
])
def test_bad_arguments_raise_value_error(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_wrong_input_rank_raises():
    with pytest.raises(ValueError, match="incompatible"):
        layers.Conv2D(2, 3)(np.zeros((2, 5, 5), "float32"))


def test_input_channels_not_divisible_by_groups_raises():
    with pytest.raises(ValueError, match="divisible"):
        layers.Conv2D(4, 3, groups=2)(np.zeros((1, 5, 5, 3), "float32"))


def test_kernel_larger_than_input_raises():
    with pytest.raises(ValueError, match="zero or negative"):
        layers.Conv2D(2, 5)(np.zeros((1, 3, 3, 1), "float32"))


def test_summary_counts_parameters_as_keras():
    model = nnlite.Sequential([
        nnlite.Input((28, 28, 1)),
        layers.Conv2D(32, 3, activation="relu"),
        layers.MaxPooling2D(2),
        layers.Conv2D(64, 3, activation="relu"),
        layers.MaxPooling2D(2),
        layers.Flatten(),
        layers.Dropout(0.5),
        layers.Dense(10, activation="softmax"),
    ])
    lines = []
    model.summary(print_fn=lines.append)
    text = "\n".join(lines)
    # keras.io mnist_convnet: 320, 18,496 and 16,010 parameters; 34,826 in all
    for piece in ("(None, 26, 26, 32)", "320", "(None, 11, 11, 64)", "18,496", "(None, 1600)",
                  "16,010", "34,826"):
        assert piece in text
    assert model.count_params() == 34826


def test_legacy_h5_round_trip(tmp_path):
    model = nnlite.Sequential([nnlite.Input((6, 6, 2)), layers.Conv2D(3, 3),
                               layers.DepthwiseConv2D(2), layers.Flatten(), layers.Dense(1)])
    x = _x(3, 6, 6, 2).astype("float32")
    path = str(tmp_path / "m.h5")
    model.save(path)
    again = nnlite.saving.load_model(path)
    np.testing.assert_array_equal(again.predict(x, verbose=0), model.predict(x, verbose=0))


def test_small_convnet_learns():
    nnlite.utils.set_random_seed(0)
    x = RNG.normal(size=(64, 8, 8, 1)).astype("float32")
    y = (x[:, :4].mean(axis=(1, 2, 3)) > 0).astype("float32")
    model = nnlite.Sequential([nnlite.Input((8, 8, 1)), layers.Conv2D(4, 3, activation="relu"),
                               layers.Flatten(), layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=nnlite.optimizers.Adam(0.01), loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=30, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
    assert history.history["accuracy"][-1] > 0.9
