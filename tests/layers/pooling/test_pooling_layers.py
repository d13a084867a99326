"""Pooling layers: NumPy references, shapes, finite-difference gradients, errors,
saving and an end-to-end fit (issue 11)."""
import numpy as np
import pytest

import nnlite
from layer_gradcheck import call_with_grad, check_layer, numeric_grad
from nnlite import layers as L
from nnlite.backend.tape import Tape
from nnlite.backend.tensor import Tensor


def distinct(shape, seed=0):
    """Distinct float64 values in [-1, 1), spaced 2/size apart (no ties in a window)."""
    n = int(np.prod(shape))
    return 2.0 * np.random.default_rng(seed).permutation(n).reshape(shape) / n - 1.0


def np_pool2d(x, pool, strides, padding, kind):
    """float64 reference over channels-last x; 'same' pads total // 2 before and
    leaves padded places out of every window."""
    n, h, w, c = x.shape
    pads, outs = [], []
    for size, k, s in zip((h, w), pool, strides):
        if padding == "same":
            out = -(-size // s)
            total = max((out - 1) * s + k - size, 0)
            pads.append(total // 2)
        else:
            out = (size - k) // s + 1
            pads.append(0)
        outs.append(out)
    y = np.zeros((n, outs[0], outs[1], c))
    for i in range(outs[0]):
        r0 = i * strides[0] - pads[0]
        rows = slice(max(r0, 0), min(r0 + pool[0], h))
        for j in range(outs[1]):
            c0 = j * strides[1] - pads[1]
            win = x[:, rows, max(c0, 0):min(c0 + pool[1], w)]
            y[:, i, j] = win.max(axis=(1, 2)) if kind == "max" else win.mean(axis=(1, 2))
    return y


# -- forward against NumPy ------------------------------------------------------
@pytest.mark.parametrize("kind", ["max", "average"])
@pytest.mark.parametrize("pool,strides,padding", [
    ((2, 2), (2, 2), "valid"), ((3, 2), (1, 2), "valid"), ((3, 3), (2, 2), "same"),
    ((2, 3), (3, 1), "same"), ((1, 1), (2, 2), "valid")])
def test_pooling2d_matches_numpy_reference(kind, pool, strides, padding):
    x = distinct((2, 7, 6, 3))
    cls = L.MaxPooling2D if kind == "max" else L.AveragePooling2D
    y = cls(pool, strides=strides, padding=padding, dtype="float64")(x)
    np.testing.assert_allclose(np.asarray(y), np_pool2d(x, pool, strides, padding, kind),
                               rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("kind", ["max", "average"])
def test_pooling1d_matches_pooling2d_with_height_one(kind):
    x = distinct((2, 9, 3))
    cls = L.MaxPooling1D if kind == "max" else L.AveragePooling1D
    y = cls(3, strides=2, padding="same", dtype="float64")(x)
    want = np_pool2d(x[:, None], (1, 3), (1, 2), "same", kind)[:, 0]
    np.testing.assert_allclose(np.asarray(y), want, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("cls", [L.MaxPooling2D, L.AveragePooling2D])
def test_pooling2d_channels_first_equals_transposed_channels_last(cls):
    x = distinct((2, 3, 7, 5))
    first = cls(3, strides=2, padding="same", data_format="channels_first", dtype="float64")
    last = cls(3, strides=2, padding="same", dtype="float64")
    want = np.transpose(np.asarray(last(np.transpose(x, (0, 2, 3, 1)))), (0, 3, 1, 2))
    np.testing.assert_allclose(np.asarray(first(x)), want, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("cls", [L.MaxPooling1D, L.AveragePooling1D])
def test_pooling1d_channels_first_equals_transposed_channels_last(cls):
    x = distinct((2, 3, 8))
    first = cls(2, padding="same", data_format="channels_first", dtype="float64")
    last = cls(2, padding="same", dtype="float64")
    want = np.transpose(np.asarray(last(np.transpose(x, (0, 2, 1)))), (0, 2, 1))
    np.testing.assert_allclose(np.asarray(first(x)), want, rtol=1e-12, atol=1e-12)


def test_average_pooling_same_divides_by_real_elements_only():
    x = np.arange(1.0, 26.0).reshape(1, 5, 5, 1)
    y = np.asarray(L.AveragePooling2D(2, padding="same", dtype="float64")(x))[0, :, :, 0]
    assert y[2, 2] == 25.0                       # the corner window holds x[4, 4] only
    assert y[0, 2] == (5.0 + 10.0) / 2


@pytest.mark.parametrize("cls,axes", [
    (L.GlobalMaxPooling2D, (1, 2)), (L.GlobalAveragePooling2D, (1, 2)),
    (L.GlobalMaxPooling1D, (1,)), (L.GlobalAveragePooling1D, (1,))])
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("keepdims", [False, True])
def test_global_pooling_reduces_the_spatial_axes(cls, axes, data_format, keepdims):
    shape = (2, 4, 5, 3) if len(axes) == 2 else (2, 5, 3)
    x = distinct(shape)
    if data_format == "channels_first":
        axes = tuple(a + 1 for a in axes)
    reduce = np.max if "Max" in cls.__name__ else np.mean
    y = cls(data_format=data_format, keepdims=keepdims, dtype="float64")(x)
    np.testing.assert_allclose(np.asarray(y), reduce(x, axis=axes, keepdims=keepdims),
                               rtol=1e-12)


def test_global_average_pooling1d_leaves_masked_steps_out():
    x = np.array([[[1.0, 2.0], [3.0, 4.0], [9.0, 9.0]]])
    mask = np.array([[True, True, False]])
    np.testing.assert_allclose(np.asarray(L.GlobalAveragePooling1D()(x, mask=mask)),
                               [[2.0, 3.0]])
    xf = np.transpose(x, (0, 2, 1))
    y = L.GlobalAveragePooling1D(data_format="channels_first", keepdims=True)(xf, mask=mask)
    np.testing.assert_allclose(np.asarray(y), [[[2.0], [3.0]]])


def test_pooling_keeps_float64_and_casts_integers_to_float32():
    x = np.arange(16).reshape(1, 4, 4, 1)
    assert np.asarray(L.MaxPooling2D()(x)).dtype == np.float32
    y = L.AveragePooling2D(2, dtype="float64")(x.astype("float64"))
    assert np.asarray(y).dtype == np.float64


def test_short_aliases_are_the_same_classes():
    assert L.MaxPool1D is L.MaxPooling1D and L.MaxPool2D is L.MaxPooling2D
    assert L.AvgPool1D is L.AveragePooling1D and L.AvgPool2D is L.AveragePooling2D
    assert L.GlobalMaxPool1D is L.GlobalMaxPooling1D
    assert L.GlobalMaxPool2D is L.GlobalMaxPooling2D
    assert L.GlobalAvgPool1D is L.GlobalAveragePooling1D
    assert L.GlobalAvgPool2D is L.GlobalAveragePooling2D


# -- shapes -------------------------------------------------------------------------
@pytest.mark.parametrize("layer,shape,want", [
    (L.MaxPooling2D(), (None, 28, 28, 32), (None, 14, 14, 32)),
    (L.MaxPooling2D(3, strides=2), (None, 7, 8, 1), (None, 3, 3, 1)),
    (L.MaxPooling2D(3, strides=2, padding="same"), (None, 7, 8, 1), (None, 4, 4, 1)),
    (L.AveragePooling2D(2, data_format="channels_first"), (None, 3, 5, 7), (None, 3, 2, 3)),
    (L.AveragePooling2D(2, padding="same"), (None, None, 5, 2), (None, None, 3, 2)),
    (L.MaxPooling1D(), (None, 7, 3), (None, 3, 3)),
    (L.AveragePooling1D(3, strides=1, padding="same"), (None, None, 3), (None, None, 3)),
    (L.MaxPooling1D(2, data_format="channels_first"), (None, 3, 9), (None, 3, 4)),
    (L.GlobalAveragePooling2D(), (None, 4, 5, 6), (None, 6)),
    (L.GlobalMaxPooling2D(keepdims=True), (None, 4, 5, 6), (None, 1, 1, 6)),
    (L.GlobalMaxPooling2D(data_format="channels_first", keepdims=True), (None, 6, 4, 5),
     (None, 6, 1, 1)),
    (L.GlobalAveragePooling1D(), (None, None, 6), (None, 6)),
    (L.GlobalMaxPooling1D(data_format="channels_first"), (None, 6, None), (None, 6)),
], ids=lambda v: str(v) if isinstance(v, tuple) else None)
def test_pooling_compute_output_shape(layer, shape, want):
    assert layer.compute_output_shape(shape) == want


@pytest.mark.parametrize("make,shape,want", [
    (lambda: L.MaxPooling2D(), (8, None, 3), (None, 4, None, 3)),
    (lambda: L.AveragePooling2D(3, strides=2, padding="same", data_format="channels_first"),
     (3, 7, None), (None, 3, 4, None)),
    (lambda: L.MaxPooling1D(3, strides=2, padding="same"), (None, 7), (None, None, 7)),
    (lambda: L.GlobalAveragePooling2D(keepdims=True), (4, 5, 3), (None, 1, 1, 3)),
    (lambda: L.GlobalMaxPooling1D(), (None, 3), (None, 3)),
])
def test_pooling_symbolic_output_shape(make, shape, want):
    assert tuple(make()(L.Input(shape)).shape) == want


def test_pooling_layers_have_no_weights():
    for layer in [L.MaxPooling2D(), L.AveragePooling1D(2), L.GlobalMaxPooling2D(),
                  L.GlobalAveragePooling1D()]:
        layer(np.zeros((1, 4, 4, 2) if "2D" in type(layer).__name__ else (1, 4, 2)))
        assert layer.weights == [] and layer.count_params() == 0


# -- gradients against central finite differences ----------------------------------
@pytest.mark.parametrize("make,shape", [
    (lambda: L.MaxPooling2D(2, padding="same", dtype="float64"), (2, 5, 7, 2)),
    (lambda: L.MaxPooling2D((3, 2), strides=(1, 2), data_format="channels_first",
                            dtype="float64"), (1, 2, 5, 6)),
    (lambda: L.AveragePooling2D(3, strides=2, padding="same", dtype="float64"), (2, 5, 6, 2)),
    (lambda: L.AveragePooling2D(2, data_format="channels_first", dtype="float64"),
     (1, 2, 4, 5)),
    (lambda: L.MaxPooling1D(3, strides=2, padding="same", dtype="float64"), (2, 7, 3)),
    (lambda: L.AveragePooling1D(3, strides=1, padding="same", data_format="channels_first",
                                dtype="float64"), (2, 3, 6)),
    (lambda: L.GlobalMaxPooling2D(dtype="float64"), (2, 3, 4, 2)),
    (lambda: L.GlobalAveragePooling2D(data_format="channels_first", keepdims=True,
                                      dtype="float64"), (2, 3, 4, 2)),
    (lambda: L.GlobalMaxPooling1D(data_format="channels_first", dtype="float64"), (2, 3, 5)),
    (lambda: L.GlobalAveragePooling1D(dtype="float64"), (2, 5, 3)),
], ids=["max2d_same", "max2d_cf", "avg2d_same", "avg2d_cf", "max1d", "avg1d_cf", "gmp2d",
        "gap2d_cf", "gmp1d_cf", "gap1d"])
def test_pooling_gradient_matches_finite_differences(make, shape):
    check_layer(make(), distinct(shape))


def test_max_pooling_gradient_goes_to_the_window_maximum_only():
    x = np.array([[[[1.0], [5.0]], [[3.0], [2.0]]]])
    _, dx = call_with_grad(L.MaxPooling2D(dtype="float64"), x, np.array([[[[7.0]]]]))
    np.testing.assert_array_equal(np.asarray(dx)[0, :, :, 0], [[0.0, 7.0], [0.0, 0.0]])


# -- errors ------------------------------------------------------------------------
@pytest.mark.parametrize("make,match", [
    (lambda: L.MaxPooling2D(0), "pool_size"),
    (lambda: L.AveragePooling1D(0), "pool_size"),
    (lambda: L.MaxPooling2D((2, -1)), "pool_size"),
    (lambda: L.MaxPooling1D((2, 2)), "pool_size"),
    (lambda: L.MaxPooling2D(2, strides=0), "strides"),
    (lambda: L.AveragePooling2D(2, padding="full"), "padding"),
    (lambda: L.MaxPooling2D(2, data_format="nhwc"), "data_format"),
    (lambda: L.GlobalAveragePooling2D(data_format="nhwc"), "data_format"),
])
def test_pooling_rejects_bad_arguments(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_pooling_padding_is_case_insensitive():
    assert L.MaxPooling2D(2, padding="SAME").padding == "same"


@pytest.mark.parametrize("layer,x", [
    (L.MaxPooling2D(), np.zeros((2, 4, 4))),
    (L.AveragePooling1D(2), np.zeros((2, 4, 4, 1))),
    (L.GlobalAveragePooling2D(), np.zeros((2, 4, 4))),
    (L.GlobalMaxPooling1D(), np.zeros((2, 4))),
])
def test_pooling_rejects_wrong_input_rank_as_keras(layer, x):
    with pytest.raises(ValueError, match=r"expected ndim=\d, found ndim=\d"):
        layer(x)


def test_pooling_rejects_wrong_rank_symbolic_input():
    with pytest.raises(ValueError, match="expected ndim=4, found ndim=3"):
        L.MaxPooling2D()(L.Input((4, 4)))


def test_valid_pooling_larger_than_input_raises():
    with pytest.raises(ValueError, match="zero or negative"):
        L.MaxPooling2D(5)(np.zeros((1, 4, 4, 1)))


# -- models -----------------------------------------------------------------------
def _pooling_model():
    return nnlite.Sequential([
        L.Input((8, 9, 2)), L.MaxPooling2D(2, padding="same"),
        L.AveragePooling2D(2, strides=1, data_format="channels_first"),
        L.GlobalMaxPooling2D(keepdims=True), L.Reshape((1, 1)), L.MaxPooling1D(1),
        L.AveragePooling1D(1), L.GlobalAveragePooling1D()])


def test_pooling_model_save_and_reload_predicts_the_same(tmp_path):
    model = _pooling_model()
    x = distinct((3, 8, 9, 2)).astype("float32")
    path = str(tmp_path / "pool.keras")
    model.save(path)
    again = nnlite.saving.load_model(path)
    assert [type(a).__name__ for a in again.layers] == [type(a).__name__ for a in model.layers]
    assert [a.get_config() for a in again.layers][:4] == \
        [a.get_config() for a in model.layers][:4]
    np.testing.assert_array_equal(again.predict(x, verbose=0), model.predict(x, verbose=0))


def test_pooling_model_summary_shows_shapes_and_zero_params():
    lines = []
    model = nnlite.Sequential([L.Input((8, 8, 3)), L.MaxPooling2D(), L.AveragePooling2D(2),
                               L.GlobalAveragePooling2D()])
    model.summary(print_fn=lines.append)
    text = "\n".join(lines)
    for shape in ["(None, 4, 4, 3)", "(None, 2, 2, 3)", "(None, 3)"]:
        assert shape in text
    assert "Total params: 0" in text
    assert model.count_params() == 0


def test_conv_max_pool_global_average_model_learns():
    nnlite.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 8, 8, 1)).astype("float32")
    y = (x[:, :4].mean(axis=(1, 2, 3)) > x[:, 4:].mean(axis=(1, 2, 3))).astype("int32")
    model = nnlite.Sequential([
        L.Input((8, 8, 1)), L.Conv2D(4, 3, padding="same", activation="relu"),
        L.MaxPooling2D(), L.GlobalAveragePooling2D(), L.Dense(2, activation="softmax")])
    model.compile(optimizer=nnlite.optimizers.Adam(0.05),
                  loss="sparse_categorical_crossentropy")
    losses = model.fit(x, y, epochs=10, batch_size=16, verbose=0).history["loss"]
    assert losses[-1] < 0.9 * losses[0]


def test_masked_global_average_pooling1d_gradient_matches_finite_differences():
    layer = L.GlobalAveragePooling1D(dtype="float64")
    x = distinct((2, 5, 3))
    mask = np.array([[1, 1, 0, 1, 0], [0, 1, 1, 1, 1]], bool)
    r = np.random.default_rng(1).normal(size=(2, 3))
    xt = Tensor(x.copy())
    with Tape() as tape:
        tape.watch(xt)
        y = layer(xt, mask=mask)
    dx = tape.gradient(y, xt, output_gradients=r)
    want = numeric_grad(lambda: float(np.sum(np.asarray(layer(x, mask=mask)) * r)), x)
    np.testing.assert_allclose(dx, want, rtol=1e-6, atol=1e-7)
    assert (np.asarray(dx)[~mask] == 0).all()
