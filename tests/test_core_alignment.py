"""Inputs the C core cannot read in place (not aligned to their item size, not
contiguous, negative strides) give the results of NumPy float64 references;
outputs the C core writes in place must be aligned and are otherwise refused.

An unaligned array is made the way a user gets one from a byte buffer:
`np.frombuffer(b'\\0' + data, dtype, offset=1)`.
"""
import numpy as np
import pytest

import nnlite
from nnlite import _core, ops


def unaligned(a):
    """A copy of `a` whose data starts one byte past an aligned address."""
    a = np.ascontiguousarray(a)
    out = np.frombuffer(b"\0" + a.tobytes(), dtype=a.dtype, offset=1).reshape(a.shape)
    assert not out.flags.aligned
    return out


def unaligned_writable(shape, dtype):
    buf = np.zeros(int(np.prod(shape)) * np.dtype(dtype).itemsize + 1, np.uint8)
    out = buf[1:].view(dtype).reshape(shape)
    assert not out.flags.aligned and out.flags.writeable
    return out


def column_strided(a):
    """A view of `a` whose rows are not contiguous (every other column of a wider array)."""
    wide = np.zeros(a.shape[:-1] + (2 * a.shape[-1],), a.dtype)
    wide[..., ::2] = a
    out = wide[..., ::2]
    assert not out.flags.c_contiguous
    return out


def reversed_rows(a):
    """A view of `a` with a negative row stride."""
    out = np.ascontiguousarray(a[::-1])[::-1]
    assert out.strides[0] < 0
    return out


def transposed(a):
    """A Fortran-ordered view of `a`."""
    out = np.ascontiguousarray(a.T).T
    assert not out.flags.c_contiguous
    return out


LAYOUTS = {"unaligned": unaligned, "column_strided": column_strided,
           "negative_stride": reversed_rows, "fortran": transposed}
DTYPES = [np.float32, np.float64]


def tol(dtype):
    return dict(rtol=2e-5, atol=2e-5) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-12)


def data(shape, dtype, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


# ---- public ops -------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_gemm_reads_the_left_operand_in_any_layout(layout, dtype):
    a, b = data((37, 21), dtype), data((21, 19), dtype, 1)
    out = _core.gemm(LAYOUTS[layout](a), b)
    np.testing.assert_allclose(out, a.astype(np.float64) @ b.astype(np.float64), **tol(dtype))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_gemm_reads_the_right_operand_in_any_layout(layout, dtype):
    a, b = data((37, 21), dtype), data((21, 19), dtype, 1)
    out = _core.gemm(a, LAYOUTS[layout](b), trans_b=False)
    np.testing.assert_allclose(out, a.astype(np.float64) @ b.astype(np.float64), **tol(dtype))


@pytest.mark.parametrize("layout", LAYOUTS)
def test_matmul_op_reads_operands_in_any_layout(layout):
    a, b = data((30, 17), np.float32), data((17, 11), np.float32, 1)
    out = ops.matmul(LAYOUTS[layout](a), LAYOUTS[layout](b))
    np.testing.assert_allclose(out, a.astype(np.float64) @ b.astype(np.float64), rtol=2e-5,
                               atol=2e-5)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_dense_forward_reads_input_kernel_and_bias_in_any_layout(layout, dtype):
    x, k, b = data((25, 13), dtype), data((13, 9), dtype, 1), data((9,), dtype, 2)
    f = LAYOUTS[layout]
    bias = unaligned(b) if layout == "unaligned" else b[::-1].copy()[::-1]
    _, y = _core.dense_forward(f(x), f(k), bias, "relu")   # y is z, activated in place
    ref = x.astype(np.float64) @ k.astype(np.float64) + b
    np.testing.assert_allclose(y, np.maximum(ref, 0), **tol(dtype))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_activation_reads_input_in_any_layout(layout, dtype):
    x = data((12, 10), dtype)
    out = _core.activation_forward("tanh", LAYOUTS[layout](x))
    np.testing.assert_allclose(out, np.tanh(x.astype(np.float64)), **tol(dtype))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_loss_reads_targets_and_predictions_in_any_layout(layout, dtype):
    t, p = data((14, 6), dtype), data((14, 6), dtype, 1)
    f = LAYOUTS[layout]
    loss, grad = _core.loss("mean_squared_error", f(t), f(p))
    t64, p64 = t.astype(np.float64), p.astype(np.float64)
    np.testing.assert_allclose(loss, ((p64 - t64) ** 2).mean(axis=1), **tol(dtype))
    np.testing.assert_allclose(grad, 2 * (p64 - t64) / 6, **tol(dtype))


def test_sparse_crossentropy_reads_unaligned_int64_labels():
    p = np.random.default_rng(3).uniform(0.1, 1.0, (9, 4))
    p /= p.sum(axis=1, keepdims=True)
    labels = np.arange(9, dtype=np.int64) % 4
    loss, _ = _core.sparse_crossentropy(unaligned(labels), unaligned(p))
    np.testing.assert_allclose(loss, -np.log(p[np.arange(9), labels]), rtol=1e-7)


def test_embedding_reads_unaligned_indices_and_table():
    table = data((7, 5), np.float64)
    idx = np.array([[6, 0, 3], [3, 3, 1]], dtype=np.int64)
    out = _core.embedding_forward(unaligned(table), unaligned(idx))
    np.testing.assert_array_equal(out, table[idx])


def test_sgd_update_reads_an_unaligned_gradient():
    w = np.linspace(-1, 1, 12).reshape(3, 4)
    g = data((3, 4), np.float64)
    expected = w - 0.1 * g
    _core.sgd_update(w, unaligned(g), 0.1)
    np.testing.assert_allclose(w, expected, rtol=1e-15)


def test_conv2d_reads_unaligned_input_and_kernel():
    x, k = data((1, 4, 4, 2), np.float64), data((1, 1, 2, 3), np.float64, 1)
    z, _ = _core.conv2d_forward(unaligned(x), unaligned(k))
    np.testing.assert_allclose(z, np.einsum("nhwc,cf->nhwf", x, k[0, 0]), rtol=1e-12)


def test_batchnorm_inference_reads_unaligned_statistics():
    x = data((6, 3), np.float64)
    mean, var = np.array([0.5, -1.0, 2.0]), np.array([1.0, 4.0, 0.25])
    y, _, _ = _core.batchnorm_forward(unaligned(x), -1, None, None, unaligned(mean),
                                      unaligned(var), 1e-3, training=False)
    np.testing.assert_allclose(y, (x - mean) / np.sqrt(var + 1e-3), rtol=1e-12)


# ---- outputs ---------------------------------------------------------------

def test_gemm_refuses_an_unaligned_output():
    a, b = data((4, 3), np.float32), data((3, 5), np.float32)
    with pytest.raises(ValueError, match="c is not aligned"):
        _core.gemm(a, b, c=unaligned_writable((4, 5), np.float32))


def test_activation_refuses_an_unaligned_output():
    with pytest.raises(ValueError, match="out is not aligned"):
        _core.activation_forward("relu", np.zeros((2, 3)), out=unaligned_writable((2, 3), float))


def test_dense_forward_refuses_an_unaligned_output():
    x, k = data((4, 3), np.float32), data((3, 5), np.float32)
    with pytest.raises(ValueError, match="z is not aligned"):
        _core.dense_forward(x, k, z=unaligned_writable((4, 5), np.float32))


def test_optimizer_update_refuses_an_unaligned_variable():
    w = unaligned_writable((3, 4), np.float64)
    with pytest.raises(ValueError, match="variable is not aligned"):
        _core.sgd_update(w, np.zeros((3, 4)), 0.1)


def test_unaligned_output_is_left_untouched_when_refused():
    c = unaligned_writable((4, 5), np.float32)
    c[...] = 7.0
    with pytest.raises(ValueError):
        _core.gemm(np.ones((4, 3), np.float32), np.ones((3, 5), np.float32), c=c)
    np.testing.assert_array_equal(c, 7.0)


# ---- Dense models ----------------------------------------------------------

def dense_model(seed=0):
    nnlite.utils.set_random_seed(seed)
    model = nnlite.Sequential([nnlite.layers.Input((6,)), nnlite.layers.Dense(4, "tanh"),
                               nnlite.layers.Dense(3)])
    return model


def reference_forward(weights, x):
    k1, b1, k2, b2 = (w.astype(np.float64) for w in weights)
    return np.tanh(x.astype(np.float64) @ k1 + b1) @ k2 + b2


@pytest.mark.parametrize("layout", LAYOUTS)
def test_dense_predict_reads_input_in_any_layout(layout):
    model = dense_model()
    x = data((20, 6), np.float32, 4)
    out = model.predict(LAYOUTS[layout](x), verbose=0)
    np.testing.assert_allclose(out, reference_forward(model.get_weights(), x), rtol=1e-5,
                               atol=1e-5)


def test_dense_predict_reads_an_input_from_a_byte_buffer():
    model = dense_model()
    x = data((16, 6), np.float32, 5)
    buf = b"\0" + x.tobytes()
    xu = np.frombuffer(buf, dtype=np.float32, offset=1).reshape(16, 6)
    out = model.predict(xu, verbose=0)
    np.testing.assert_allclose(out, reference_forward(model.get_weights(), x), rtol=1e-5,
                               atol=1e-5)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_dense_fit_reads_inputs_and_targets_in_any_layout(layout):
    """One full-batch SGD step on MSE against the step computed in float64."""
    nnlite.utils.set_random_seed(1)
    model = nnlite.Sequential([nnlite.layers.Input((6,)), nnlite.layers.Dense(3)])
    model.compile(optimizer=nnlite.optimizers.SGD(learning_rate=0.1), loss="mse")
    x, y = data((10, 6), np.float32, 6), data((10, 3), np.float32, 7)
    k, b = (w.astype(np.float64) for w in model.get_weights())
    dz = 2 * (x.astype(np.float64) @ k + b - y) / y.size
    expected_k, expected_b = k - 0.1 * x.T.astype(np.float64) @ dz, b - 0.1 * dz.sum(axis=0)
    f = LAYOUTS[layout]
    model.fit(f(x), f(y), batch_size=10, epochs=1, shuffle=False, verbose=0)
    new_k, new_b = model.get_weights()
    np.testing.assert_allclose(new_k, expected_k, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(new_b, expected_b, rtol=1e-5, atol=1e-6)


def test_max_pool_reads_an_unaligned_input():
    x = data((2, 4, 4, 3), np.float64)
    y = _core.max_pool2d_forward(unaligned(x), 2)
    np.testing.assert_array_equal(y, x.reshape(2, 2, 2, 2, 2, 3).max(axis=(2, 4)))


def test_layernorm_reads_an_unaligned_input_and_gamma():
    x, gamma = data((5, 7), np.float64), np.linspace(0.5, 2.0, 7)
    y, _, _ = _core.layernorm_forward(unaligned(x), unaligned(gamma), None, 1e-3)
    ref = (x - x.mean(axis=1, keepdims=True)) / np.sqrt(x.var(axis=1, keepdims=True) + 1e-3)
    np.testing.assert_allclose(y, ref * gamma, rtol=1e-12, atol=1e-12)


def test_bias_backward_reads_an_input_with_negative_row_stride():
    dy = data((9, 4), np.float64)
    np.testing.assert_allclose(_core.bias_backward(reversed_rows(dy)), dy.sum(axis=0),
                               rtol=1e-13)


def test_dropout_with_rate_zero_reads_an_unaligned_input():
    x = data((6, 5), np.float32)
    np.testing.assert_array_equal(_core.dropout_forward(unaligned(x), 7, 0.0), x)


def test_simple_rnn_reads_unaligned_inputs_and_weights():
    x, w, r = data((2, 3, 4), np.float64), data((4, 5), np.float64, 1), data((5, 5), np.float64, 2)
    y, hn, _, _ = _core.rnn_forward("simple", unaligned(x), unaligned(w), unaligned(r),
                                    keep=False)
    h = np.zeros((2, 5))
    for t in range(3):
        h = np.tanh(x[:, t] @ w + h @ r)
        np.testing.assert_allclose(y[:, t], h, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(hn, h, rtol=1e-12, atol=1e-12)
