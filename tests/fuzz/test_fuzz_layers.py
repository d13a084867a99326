"""Property-based tests of Dense, BatchNormalization (inference),
LayerNormalization and Dropout (inference) against NumPy float64 formulas."""
import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

from fuzz_strategies import FLOATS, QUICK, close, elements, viewed
from nnlite import layers

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")


def _weights(data, shape, dtype, lo=-3.0, hi=3.0, label=None):
    return data.draw(hnp.arrays(dtype, shape, elements=elements(dtype, lo, hi)), label=label)


def _batch_shape(data, feature_dims, max_lead=2):
    lead = data.draw(st.lists(st.integers(0, 4), min_size=1, max_size=max_lead), label="lead")
    return tuple(lead) + tuple(feature_dims)


@QUICK
@given(data=st.data(), dtype=st.sampled_from(FLOATS), units=st.integers(1, 6),
       features=st.integers(0, 6), use_bias=st.booleans(),
       activation=st.sampled_from([None, "relu", "tanh"]))
def test_dense_matches_numpy(data, dtype, units, features, use_bias, activation):
    layer = layers.Dense(units, use_bias=use_bias, activation=activation, dtype=np.dtype(dtype).name)
    layer.build((None, features))
    kernel = _weights(data, (features, units), dtype, label="kernel")
    bias = _weights(data, (units,), dtype, label="bias")
    layer.set_weights([kernel, bias] if use_bias else [kernel])
    shape = _batch_shape(data, (features,))
    x = data.draw(viewed(shape, dtype, elements(dtype, -10, 10)), label="x")
    y = np.asarray(layer(x))
    z = np.asarray(x, np.float64) @ kernel.astype(np.float64)
    if use_bias:
        z = z + bias
    expected = {None: z, "relu": np.maximum(z, 0), "tanh": np.tanh(z)}[activation]
    assert y.dtype == dtype and y.shape == shape[:-1] + (units,)
    eps = 1e-6 if dtype == np.float32 else 1e-14
    close(y, expected, dtype, rtol=8 * eps * max(features, 1),
          atol=8 * eps * max(features, 1) * 30)


@QUICK
@given(data=st.data(), dtype=st.sampled_from(FLOATS), units=st.integers(1, 4),
       features=st.integers(1, 4))
def test_dense_propagates_nan_and_inf_rows(data, dtype, units, features):
    layer = layers.Dense(units, dtype=np.dtype(dtype).name)
    layer.build((None, features))
    kernel = _weights(data, (features, units), dtype, label="kernel")
    layer.set_weights([kernel, np.zeros(units, dtype)])
    x = np.array(data.draw(viewed((3, features), dtype, elements(dtype, -10, 10)), label="x"))
    x[0, data.draw(st.integers(0, features - 1))] = np.nan
    x[1, :] = np.inf
    y = np.asarray(layer(x))
    with np.errstate(all="ignore"):
        expected = (x.astype(np.float64)[:, :, None] * kernel.astype(np.float64)).sum(axis=1)
    assert np.isnan(y[0]).all()
    np.testing.assert_array_equal(np.isnan(y), np.isnan(expected))
    np.testing.assert_array_equal(np.isinf(y), np.isinf(expected))


@QUICK
@given(data=st.data(), dtype=st.sampled_from(FLOATS), nd=st.integers(2, 4),
       epsilon=st.sampled_from([1e-3, 1e-5, 0.5]), center=st.booleans(), scale=st.booleans())
def test_batch_normalization_inference_matches_numpy(data, dtype, nd, epsilon, center, scale):
    shape = tuple(data.draw(st.lists(st.integers(0, 4), min_size=nd, max_size=nd), label="shape"))
    axis = data.draw(st.integers(1, nd - 1) | st.just(-1), label="axis")
    c = shape[axis]
    if c == 0:
        shape = shape[:axis % nd] + (2,) + shape[axis % nd + 1:]
        c = 2
    layer = layers.BatchNormalization(axis=axis, epsilon=epsilon, center=center, scale=scale,
                                      dtype=np.dtype(dtype).name)
    layer.build((None,) + shape[1:])
    gamma = _weights(data, (c,), dtype, label="gamma")
    beta = _weights(data, (c,), dtype, label="beta")
    mean = _weights(data, (c,), dtype, label="moving_mean")
    var = _weights(data, (c,), dtype, 0.0, 5.0, label="moving_var")
    layer.set_weights(([gamma] if scale else []) + ([beta] if center else []) + [mean, var])
    x = data.draw(viewed(shape, dtype, elements(dtype, -10, 10)), label="x")
    y = np.asarray(layer(x, training=False))
    bshape = [1] * nd
    bshape[axis] = c
    g = gamma.astype(np.float64).reshape(bshape) if scale else 1.0
    b = beta.astype(np.float64).reshape(bshape) if center else 0.0
    expected = ((np.asarray(x, np.float64) - mean.astype(np.float64).reshape(bshape))
                / np.sqrt(var.astype(np.float64).reshape(bshape) + epsilon) * g + b)
    assert y.dtype == dtype and y.shape == shape
    # rounding of x - mean is amplified by gamma / sqrt(var + epsilon)
    eps = 1.2e-7 if dtype == np.float32 else 2.3e-16
    amp = 10.0 * np.abs(g) / np.sqrt(var.astype(np.float64).reshape(bshape) + epsilon)
    bound = 16 * eps * (amp + 3.0 + np.abs(expected))
    assert np.all(np.abs(y - expected) <= bound), np.max(np.abs(y - expected) - bound)


@QUICK
@given(data=st.data(), dtype=st.sampled_from(FLOATS), nd=st.integers(2, 3),
       epsilon=st.sampled_from([1e-3, 1e-6]), center=st.booleans(), scale=st.booleans())
def test_layer_normalization_matches_numpy(data, dtype, nd, epsilon, center, scale):
    shape = tuple(data.draw(st.lists(st.integers(1, 5), min_size=nd, max_size=nd), label="shape"))
    axes = data.draw(st.sampled_from([-1, (nd - 1,), tuple(range(1, nd))]), label="axis")
    ax = (axes % nd,) if isinstance(axes, int) else tuple(a % nd for a in axes)
    layer = layers.LayerNormalization(axis=axes if isinstance(axes, int) else list(axes),
                                      epsilon=epsilon, center=center, scale=scale,
                                      dtype=np.dtype(dtype).name)
    layer.build((None,) + shape[1:])
    pshape = tuple(shape[a] for a in ax)
    gamma = _weights(data, pshape, dtype, label="gamma")
    beta = _weights(data, pshape, dtype, label="beta")
    layer.set_weights(([gamma] if scale else []) + ([beta] if center else []))
    x = data.draw(viewed(shape, dtype, elements(dtype, -100, 100)), label="x")
    y = np.asarray(layer(x))
    x64 = np.asarray(x, np.float64)
    mu = x64.mean(axis=ax, keepdims=True)
    var = ((x64 - mu) ** 2).mean(axis=ax, keepdims=True)
    bshape = tuple(shape[i] if i in ax else 1 for i in range(nd))
    expected = (x64 - mu) / np.sqrt(var + epsilon)
    if scale:
        expected = expected * gamma.astype(np.float64).reshape(bshape)
    if center:
        expected = expected + beta.astype(np.float64).reshape(bshape)
    assert y.dtype == dtype and y.shape == shape
    # rounding of x - mean (relative to max |x|) is amplified by 1/sqrt(var + epsilon)
    eps = 1.2e-7 if dtype == np.float32 else 2.3e-16
    n = int(np.prod(pshape))
    amp = np.max(np.abs(x64), axis=ax, keepdims=True) / np.sqrt(var + epsilon)
    bound = 16 * n * eps * (amp * 3.0 + 3.0 + np.abs(expected))
    assert np.all(np.abs(y - expected) <= bound), np.max(np.abs(y - expected) - bound)


@QUICK
@given(data=st.data(), dtype=st.sampled_from(FLOATS + (np.int32,)),
       rate=st.sampled_from([0.0, 0.3, 0.99]),
       shape=hnp.array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=4))
def test_dropout_at_inference_is_the_identity(data, dtype, rate, shape):
    x = data.draw(viewed(shape, dtype, elements(dtype, nan=True, inf=True)), label="x")
    # float inputs are autocast to the layer's dtype, as in Keras: give it theirs
    kw = {"dtype": np.dtype(dtype).name} if dtype in FLOATS else {}
    layer = layers.Dropout(rate, seed=1, **kw)
    y = np.asarray(layer(x, training=False))
    assert y.shape == x.shape
    np.testing.assert_array_equal(y, x)
