"""keras.layers.Lambda: calls, shapes, gradients through the function in fit,
and saving (a lambda is written as bytecode and refused on load; a named
function is saved by name)."""
import numpy as np
import pytest

import nnlite
from nnlite import config, ops
from nnlite.layers import Dense, Input, Lambda
from nnlite.models import Model, Sequential
from nnlite.optimizers import SGD
from nnlite.saving import (deserialize_keras_object, register_keras_serializable,
                           serialize_keras_object)
from layer_gradcheck import call_with_grad, model_finite_differences, numeric_grad, \
    sgd_step_gradient

RNG = np.random.default_rng(11)


@pytest.fixture
def float64():
    config.set_floatx("float64")
    yield
    config.set_floatx("float32")


@register_keras_serializable(package="lambda_test")
def halve_sum(x):
    return ops.sum(x, axis=-1, keepdims=True) * 0.5


def test_lambda_runs_the_function():
    out = Lambda(lambda x: x / 255.0)(np.array([[255.0, 51.0]]))
    np.testing.assert_allclose(np.asarray(out), [[1.0, 0.2]], rtol=1e-6)


def test_lambda_passes_arguments():
    out = Lambda(lambda x, k: x * k, arguments={"k": 3.0})(np.array([[1.0, 2.0]]))
    np.testing.assert_allclose(np.asarray(out), [[3.0, 6.0]])


def test_lambda_gives_training_to_a_function_that_takes_it():
    layer = Lambda(lambda x, training=None: x * (2.0 if training else 1.0))
    x = np.ones((1, 2))
    assert np.asarray(layer(x, training=True)).tolist() == [[2.0, 2.0]]
    assert np.asarray(layer(x, training=False)).tolist() == [[1.0, 1.0]]


def test_lambda_gradient_matches_finite_differences(float64):
    x = RNG.normal(size=(3, 4))
    dy = RNG.normal(size=(3, 1))
    fn = lambda v: ops.sum(ops.tanh(v) * v, axis=1, keepdims=True)   # noqa: E731
    _, dx = call_with_grad(Lambda(fn), x, dy)
    expected = numeric_grad(lambda: float(np.sum(np.sum(np.tanh(x) * x, 1, keepdims=True)
                                                 * dy)), x)
    np.testing.assert_allclose(np.asarray(dx), expected, rtol=1e-6, atol=1e-8)


def test_lambda_output_shape_is_inferred_in_a_functional_model():
    x = Input((5, 3))
    y = Lambda(lambda t: ops.mean(t, axis=1))(x)
    assert y.shape == (None, 3)


def test_lambda_output_dtype_is_inferred():
    y = Lambda(lambda t: ops.argmax(t, axis=-1))(Input((4,)))
    assert y.dtype == "int32"


def test_lambda_compute_output_shape_runs_the_function():
    layer = Lambda(lambda t: ops.concatenate([t, t], axis=-1))
    assert layer.compute_output_shape((None, 6, 2)) == (None, 6, 4)


def test_lambda_output_shape_tuple_gets_the_batch_axis():
    assert Lambda(lambda t: t, output_shape=(7,)).compute_output_shape((4, 5, 3)) == (4, 7)


def test_lambda_output_shape_function_gets_the_full_shape():
    layer = Lambda(lambda t: t, output_shape=lambda s: (s[0], 2 * s[1]))
    assert layer.compute_output_shape((None, 3)) == (None, 6)


def test_lambda_uninferable_shape_asks_for_output_shape():
    def fails(t):
        raise RuntimeError("no")
    with pytest.raises(NotImplementedError, match="output_shape"):
        Lambda(fails).compute_output_shape((None, 3))


def test_lambda_rejects_a_non_callable():
    with pytest.raises(TypeError, match="function"):
        Lambda(3)


def test_lambda_fixed_mask_is_given_to_the_outputs():
    mask = np.array([[True, False]])
    out = Lambda(lambda t: t * 1.0, mask=mask)(np.ones((1, 2, 3)))
    np.testing.assert_array_equal(np.asarray(out._keras_mask), mask)


def test_lambda_in_sequential_fit_gradients_match_finite_differences(float64):
    x = RNG.normal(size=(6, 3))
    y = RNG.normal(size=(6, 1))
    model = Sequential([Input((3,)), Dense(4), Lambda(lambda t: ops.square(t) * 0.5),
                        Dense(1)])
    model.compile(optimizer=SGD(learning_rate=1.0), loss="mse")
    analytic = sgd_step_gradient(model, x, y)
    numeric = model_finite_differences(model, x, y)
    for a, b in zip(analytic, numeric):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-8)


def test_lambda_in_functional_fit_matches_numpy_sgd_step(float64):
    # y = (x @ W + b) scaled by the Lambda (x3), loss mse; one SGD step by hand
    x = RNG.normal(size=(5, 2))
    y = RNG.normal(size=(5, 1))
    inp = Input((2,))
    dense = Dense(1, kernel_initializer="ones", bias_initializer="zeros")
    model = Model(inp, Lambda(lambda t: t * 3.0)(dense(inp)))
    model.compile(optimizer=SGD(learning_rate=0.1), loss="mse")
    w, b = np.ones((2, 1)), np.zeros(1)
    err = 3.0 * (x @ w + b) - y
    grad_w = x.T @ (2 * err / 5 * 3.0)
    grad_b = np.sum(2 * err / 5 * 3.0, axis=0)
    model.fit(x, y, batch_size=5, epochs=1, shuffle=False, verbose=0)
    np.testing.assert_allclose(dense.get_weights()[0], w - 0.1 * grad_w, rtol=1e-6)
    np.testing.assert_allclose(dense.get_weights()[1], b - 0.1 * grad_b, rtol=1e-6)


def test_lambda_config_of_a_lambda_is_bytecode():
    config_ = Lambda(lambda t: t * 2).get_config()
    assert config_["function"]["class_name"] == "__lambda__"
    assert set(config_["function"]["config"]) == {"code", "defaults", "closure"}
    assert config_["arguments"] == {}


def test_lambda_of_a_lambda_is_refused_on_load():
    config_ = serialize_keras_object(Lambda(lambda t: t * 2))
    with pytest.raises(ValueError, match="disallowed by default"):
        deserialize_keras_object(config_)


def test_lambda_of_a_lambda_is_not_run_without_safe_mode():
    config_ = serialize_keras_object(Lambda(lambda t: t * 2))
    with pytest.raises(NotImplementedError, match="never runs bytecode"):
        deserialize_keras_object(config_, safe_mode=False)


def test_lambda_of_a_named_function_round_trips():
    config_ = serialize_keras_object(Lambda(halve_sum, name="hs"))
    assert config_["config"]["function"]["config"] == "lambda_test>halve_sum"
    layer = deserialize_keras_object(config_)
    out = layer(np.array([[1.0, 2.0, 3.0]]))
    np.testing.assert_allclose(np.asarray(out), [[3.0]])


def test_model_with_named_lambda_saves_and_loads(tmp_path):
    inp = Input((3,))
    model = Model(inp, Dense(2)(Lambda(halve_sum)(inp)))
    x = RNG.normal(size=(4, 3)).astype("float32")
    path = str(tmp_path / "m.keras")
    model.save(path)
    loaded = nnlite.saving.load_model(path)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_model_with_a_lambda_is_refused_by_load_model(tmp_path):
    model = Sequential([Input((3,)), Lambda(lambda t: t / 255.0), Dense(1)])
    path = str(tmp_path / "m.keras")
    model.save(path)
    with pytest.raises(ValueError, match="disallowed by default"):
        nnlite.saving.load_model(path)


def test_load_model_safe_mode_false_reaches_the_lambda(tmp_path):
    model = Sequential([Input((3,)), Lambda(lambda t: t / 255.0), Dense(1)])
    path = str(tmp_path / "m.keras")
    model.save(path)
    with pytest.raises((ValueError, NotImplementedError), match="never runs bytecode"):
        nnlite.saving.load_model(path, safe_mode=False)


def test_lambda_on_a_list_of_inputs():
    a, b = Input((3,)), Input((3,))
    model = Model([a, b], Lambda(lambda t: t[0] * t[1])([a, b]))
    x1, x2 = RNG.normal(size=(2, 3)), RNG.normal(size=(2, 3))
    np.testing.assert_allclose(model.predict([x1, x2], verbose=0), x1 * x2, rtol=1e-6)


def test_lambda_in_sequential_without_input_builds_on_data():
    model = Sequential([Lambda(lambda t: t / 255.0), Dense(2)])
    out = model.predict(np.full((3, 4), 255.0), verbose=0)
    assert out.shape == (3, 2)


def test_clone_model_copies_a_lambda_without_bytecode():
    inp = Input((3,))
    model = Model(inp, Lambda(lambda t: t * 4.0)(inp))
    clone = nnlite.models.clone_model(model)
    np.testing.assert_allclose(clone.predict(np.ones((1, 3)), verbose=0), [[4.0, 4.0, 4.0]])


def test_enable_unsafe_deserialization_still_never_runs_bytecode(monkeypatch):
    from nnlite.saving import serialization_lib
    monkeypatch.setattr(serialization_lib, "_unsafe_globally", [False])
    config_ = serialize_keras_object(Lambda(lambda t: t * 2))
    nnlite.config.enable_unsafe_deserialization()
    with pytest.raises(NotImplementedError, match="never runs bytecode"):
        deserialize_keras_object(config_)
