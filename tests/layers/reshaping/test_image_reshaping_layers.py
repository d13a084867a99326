"""ZeroPadding1D/2D, Cropping1D/2D, UpSampling1D/2D: NumPy references, shapes,
finite-difference gradients, errors and saving (issue 11)."""
import numpy as np
import pytest

import nnlite
from layer_gradcheck import check_layer
from nnlite import layers as L


def distinct(shape, seed=0):
    n = int(np.prod(shape))
    return 2.0 * np.random.default_rng(seed).permutation(n).reshape(shape) / n - 1.0


# -- forward against NumPy ------------------------------------------------------
def test_zero_padding2d_matches_np_pad():
    x = distinct((2, 3, 4, 2))
    y = L.ZeroPadding2D(((1, 0), (2, 3)), dtype="float64")(x)
    np.testing.assert_array_equal(np.asarray(y), np.pad(x, ((0, 0), (1, 0), (2, 3), (0, 0))))


def test_zero_padding2d_int_and_pair_forms():
    assert L.ZeroPadding2D(2).padding == ((2, 2), (2, 2))
    assert L.ZeroPadding2D((1, 3)).padding == ((1, 1), (3, 3))
    assert L.ZeroPadding2D().padding == ((1, 1), (1, 1))


def test_zero_padding2d_channels_first_pads_the_last_two_axes():
    x = distinct((1, 2, 3, 4))
    y = L.ZeroPadding2D(((0, 1), (2, 0)), data_format="channels_first", dtype="float64")(x)
    np.testing.assert_array_equal(np.asarray(y), np.pad(x, ((0, 0), (0, 0), (0, 1), (2, 0))))


@pytest.mark.parametrize("data_format,widths", [
    ("channels_last", ((0, 0), (1, 2), (0, 0))), ("channels_first", ((0, 0), (0, 0), (1, 2)))])
def test_zero_padding1d_matches_np_pad(data_format, widths):
    x = distinct((2, 3, 4))
    y = L.ZeroPadding1D((1, 2), data_format=data_format, dtype="float64")(x)
    np.testing.assert_array_equal(np.asarray(y), np.pad(x, widths))


def test_cropping2d_matches_slicing():
    x = distinct((2, 6, 7, 3))
    y = L.Cropping2D(((1, 2), (3, 0)), dtype="float64")(x)
    np.testing.assert_array_equal(np.asarray(y), x[:, 1:4, 3:])


def test_cropping2d_channels_first_crops_the_last_two_axes():
    x = distinct((2, 3, 6, 7))
    y = L.Cropping2D((1, 2), data_format="channels_first", dtype="float64")(x)
    np.testing.assert_array_equal(np.asarray(y), x[:, :, 1:5, 2:5])


def test_cropping1d_matches_slicing():
    x = distinct((2, 6, 3))
    np.testing.assert_array_equal(np.asarray(L.Cropping1D((2, 1), dtype="float64")(x)),
                                  x[:, 2:5])
    np.testing.assert_array_equal(np.asarray(L.Cropping1D(dtype="float64")(x)), x[:, 1:5])


def test_up_sampling1d_repeats_each_step():
    x = distinct((2, 3, 2))
    np.testing.assert_array_equal(np.asarray(L.UpSampling1D(3, dtype="float64")(x)),
                                  np.repeat(x, 3, axis=1))


@pytest.mark.parametrize("data_format,axes", [("channels_last", (1, 2)),
                                              ("channels_first", (2, 3))])
def test_up_sampling2d_nearest_repeats_rows_and_columns(data_format, axes):
    x = distinct((2, 3, 4, 5))
    y = L.UpSampling2D((2, 3), data_format=data_format, dtype="float64")(x)
    want = np.repeat(np.repeat(x, 2, axis=axes[0]), 3, axis=axes[1])
    np.testing.assert_array_equal(np.asarray(y), want)


def np_bilinear(x, sh, sw):
    """Half-pixel-centre bilinear resize of channels-last x (tf.image.resize)."""
    def weights(n, s):
        src = np.clip((np.arange(n * s) + 0.5) / s - 0.5, 0, n - 1)
        lo = np.floor(src).astype(int)
        hi = np.minimum(lo + 1, n - 1)
        return lo, hi, src - lo
    h0, h1, fh = weights(x.shape[1], sh)
    w0, w1, fw = weights(x.shape[2], sw)
    rows = x[:, h0] * (1 - fh)[None, :, None, None] + x[:, h1] * fh[None, :, None, None]
    return rows[:, :, w0] * (1 - fw)[None, None, :, None] + rows[:, :, w1] * fw[None, None, :, None]


@pytest.mark.parametrize("size", [(2, 2), (3, 2), (1, 4)])
def test_up_sampling2d_bilinear_matches_half_pixel_reference(size):
    x = distinct((2, 3, 4, 2))
    y = L.UpSampling2D(size, interpolation="bilinear", dtype="float64")(x)
    # the source coordinates are float32, as TensorFlow's resize computes them
    np.testing.assert_allclose(np.asarray(y), np_bilinear(x, *size), rtol=0, atol=1e-6)


def test_up_sampling2d_bilinear_worked_numbers():
    y = L.UpSampling2D(2, interpolation="bilinear")(np.array([[[[1.0], [2.0]],
                                                               [[3.0], [4.0]]]]))
    np.testing.assert_allclose(np.asarray(y)[0, 0, :, 0], [1.0, 1.25, 1.75, 2.0])


def test_up_sampling2d_interpolation_is_case_insensitive():
    assert L.UpSampling2D(interpolation="Bilinear").interpolation == "bilinear"


# -- shapes -------------------------------------------------------------------------
@pytest.mark.parametrize("layer,shape,want", [
    (L.ZeroPadding2D(((1, 0), (2, 3))), (None, 4, 5, 2), (None, 5, 10, 2)),
    (L.ZeroPadding2D(1, data_format="channels_first"), (None, 2, None, 5), (None, 2, None, 7)),
    (L.ZeroPadding1D((2, 1)), (None, None, 3), (None, None, 3)),
    (L.ZeroPadding1D(2, data_format="channels_first"), (None, 3, 4), (None, 3, 8)),
    (L.Cropping2D(((2, 2), (4, 4))), (None, 28, 28, 3), (None, 24, 20, 3)),
    (L.Cropping2D(1, data_format="channels_first"), (None, 3, 5, None), (None, 3, 3, None)),
    (L.Cropping1D((1, 2)), (None, 5, 3), (None, 2, 3)),
    (L.Cropping1D((1, 2)), (None, None, 3), (None, None, 3)),
    (L.UpSampling1D(3), (None, 4, 2), (None, 12, 2)),
    (L.UpSampling2D((2, 3)), (None, 4, None, 2), (None, 8, None, 2)),
    (L.UpSampling2D(2, data_format="channels_first", interpolation="bilinear"),
     (None, 2, 3, 4), (None, 2, 6, 8)),
], ids=lambda v: str(v) if isinstance(v, tuple) else None)
def test_reshaping_compute_output_shape(layer, shape, want):
    assert layer.compute_output_shape(shape) == want


@pytest.mark.parametrize("make,shape,want", [
    (lambda: L.ZeroPadding2D(((1, 0), (2, 3))), (4, None, 2), (None, 5, None, 2)),
    (lambda: L.ZeroPadding1D(1), (None, 3), (None, None, 3)),
    (lambda: L.Cropping2D(((1, 0), (0, 2))), (5, 6, 3), (None, 4, 4, 3)),
    (lambda: L.Cropping1D((0, 2)), (5, 3), (None, 3, 3)),
    (lambda: L.UpSampling1D(2), (None, 3), (None, None, 3)),
    (lambda: L.UpSampling2D(2, interpolation="bilinear"), (None, 5, 3), (None, None, 10, 3)),
    (lambda: L.UpSampling2D(2, interpolation="bilinear", data_format="channels_first"),
     (3, 4, 5), (None, 3, 8, 10)),
])
def test_reshaping_symbolic_output_shape(make, shape, want):
    assert tuple(make()(L.Input(shape)).shape) == want


# -- gradients against central finite differences ----------------------------------
@pytest.mark.parametrize("make,shape", [
    (lambda: L.ZeroPadding2D(((1, 0), (2, 3)), dtype="float64"), (1, 2, 3, 2)),
    (lambda: L.ZeroPadding2D(1, data_format="channels_first", dtype="float64"), (1, 2, 2, 3)),
    (lambda: L.ZeroPadding1D((2, 1), data_format="channels_first", dtype="float64"),
     (2, 3, 4)),
    (lambda: L.Cropping2D(((1, 0), (2, 1)), data_format="channels_first", dtype="float64"),
     (1, 2, 4, 5)),
    (lambda: L.Cropping1D((0, 2), dtype="float64"), (2, 5, 2)),
    (lambda: L.UpSampling1D(3, dtype="float64"), (2, 3, 2)),
    (lambda: L.UpSampling2D((3, 2), dtype="float64"), (1, 2, 3, 2)),
    (lambda: L.UpSampling2D((3, 2), interpolation="bilinear", dtype="float64"), (1, 3, 3, 2)),
    (lambda: L.UpSampling2D((2, 3), interpolation="bilinear", data_format="channels_first",
                            dtype="float64"), (1, 2, 3, 3)),
], ids=["zeropad2d", "zeropad2d_cf", "zeropad1d_cf", "crop2d_cf", "crop1d", "up1d",
        "up2d_nearest", "up2d_bilinear", "up2d_bilinear_cf"])
def test_reshaping_gradient_matches_finite_differences(make, shape):
    check_layer(make(), distinct(shape))


# -- errors ------------------------------------------------------------------------
@pytest.mark.parametrize("make,match", [
    (lambda: L.ZeroPadding2D(-1), "padding"),
    (lambda: L.ZeroPadding2D(((1, -1), (0, 0))), "padding"),
    (lambda: L.ZeroPadding2D((1, 2, 3)), "padding"),
    (lambda: L.ZeroPadding1D(-1), "padding"),
    (lambda: L.ZeroPadding1D((1, 2, 3)), "padding"),
    (lambda: L.Cropping2D(-1), "cropping"),
    (lambda: L.Cropping2D((1, 2, 3)), "cropping"),
    (lambda: L.Cropping1D(-1), "cropping"),
    (lambda: L.UpSampling2D(0), "size"),
    (lambda: L.UpSampling1D(0), "size"),
    (lambda: L.UpSampling2D(2, interpolation="cubic"), "interpolation"),
    (lambda: L.ZeroPadding2D(1, data_format="nhwc"), "data_format"),
])
def test_reshaping_rejects_bad_arguments(make, match):
    with pytest.raises(ValueError, match=match):
        make()


@pytest.mark.parametrize("layer,x", [
    (L.ZeroPadding2D(), np.zeros((2, 4, 4))), (L.ZeroPadding1D(), np.zeros((2, 4))),
    (L.Cropping2D(1), np.zeros((2, 4, 4))), (L.Cropping1D(), np.zeros((2, 4, 4, 1))),
    (L.UpSampling2D(), np.zeros((2, 4, 4))), (L.UpSampling1D(), np.zeros((2, 4))),
])
def test_reshaping_rejects_wrong_input_rank_as_keras(layer, x):
    with pytest.raises(ValueError, match=r"expected ndim=\d, found ndim=\d"):
        layer(x)


def test_cropping_everything_raises():
    with pytest.raises(ValueError, match="cropping"):
        L.Cropping2D(2)(np.zeros((1, 4, 4, 1)))
    with pytest.raises(ValueError, match="cropping"):
        L.Cropping1D((2, 3)).compute_output_shape((None, 5, 1))


# -- models -----------------------------------------------------------------------
def test_reshaping_models_save_and_reload_predict_the_same(tmp_path):
    model2d = nnlite.Sequential([
        L.Input((5, 6, 2)), L.ZeroPadding2D(((1, 0), (0, 2))), L.UpSampling2D((2, 1)),
        L.UpSampling2D(2, interpolation="bilinear", data_format="channels_first"),
        L.Cropping2D(((1, 2), (0, 1)))])
    model1d = nnlite.Sequential([
        L.Input((5, 2)), L.ZeroPadding1D((2, 1)), L.UpSampling1D(3), L.Cropping1D((1, 4))])
    for i, (model, shape) in enumerate([(model2d, (3, 5, 6, 2)), (model1d, (3, 5, 2))]):
        x = distinct(shape).astype("float32")
        path = str(tmp_path / ("m%d.keras" % i))
        model.save(path)
        again = nnlite.saving.load_model(path)
        assert [a.get_config() for a in again.layers] == [a.get_config() for a in model.layers]
        np.testing.assert_array_equal(again.predict(x, verbose=0), model.predict(x, verbose=0))


def test_reshaping_model_summary_shows_shapes_and_zero_params():
    lines = []
    model = nnlite.Sequential([L.Input((4, 4, 3)), L.ZeroPadding2D(1), L.UpSampling2D(),
                               L.Cropping2D(((1, 0), (2, 1)))])
    model.summary(print_fn=lines.append)
    text = "\n".join(lines)
    for shape in ["(None, 6, 6, 3)", "(None, 12, 12, 3)", "(None, 11, 9, 3)"]:
        assert shape in text
    assert "Total params: 0" in text
