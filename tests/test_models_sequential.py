"""Sequential: structure, naming, weights, summary and errors."""
import numpy as np
import pytest

from nnlite.backend import clear_session
from nnlite.layers import Activation, Dense, Input, InputLayer
from nnlite.models import Sequential


@pytest.fixture(autouse=True)
def fresh_names():
    clear_session()
    yield
    clear_session()


def test_layers_get_keras_default_names():
    model = Sequential([Input(shape=(4,)), Dense(3), Dense(2), Activation("relu")])
    assert [layer.name for layer in model.layers] == ["dense", "dense_1", "activation"]
    assert model.name == "sequential"
    assert Sequential().name == "sequential_1"


def test_layers_excludes_the_input_layer():
    model = Sequential([Input(shape=(4,)), Dense(3)])
    assert len(model.layers) == 1 and isinstance(model.layers[0], Dense)


def test_input_shape_argument_builds_the_model():
    model = Sequential()
    model.add(Dense(5, activation="relu", input_shape=(3,)))
    assert model.built
    assert model.input_shape == (None, 3)
    assert model.output_shape == (None, 5)


def test_input_dim_argument_builds_the_model():
    model = Sequential([Dense(2, input_dim=7)])
    assert model.layers[0].kernel.shape == (7, 2)


def test_model_without_input_builds_on_first_data():
    model = Sequential([Dense(2)])
    assert not model.built
    out = model.predict(np.ones((3, 6)), verbose=0)
    assert out.shape == (3, 2) and model.built
    assert model.layers[0].kernel.shape == (6, 2)


def test_explicit_build_with_input_shape():
    model = Sequential([Dense(4), Dense(1)])
    model.build((None, 10))
    assert model.count_params() == 10 * 4 + 4 + 4 + 1


def test_pop_removes_last_layer():
    model = Sequential([Input(shape=(4,)), Dense(3), Dense(2)])
    removed = model.pop()
    assert removed.name == "dense_1"
    assert model.output_shape == (None, 3)


def test_pop_on_empty_model_raises():
    with pytest.raises(TypeError, match="no layers"):
        Sequential().pop()


def test_add_rejects_non_layers():
    with pytest.raises(ValueError, match="Only instances"):
        Sequential().add("dense")


def test_duplicate_layer_names_are_rejected():
    model = Sequential([Dense(2, name="a")])
    with pytest.raises(ValueError, match="unique names"):
        model.add(Dense(3, name="a"))


def test_input_layer_only_first():
    model = Sequential([Dense(2, input_shape=(3,))])
    with pytest.raises(ValueError, match="input"):
        model.add(InputLayer(shape=(3,)))


def test_get_weights_order_and_shapes_follow_keras():
    model = Sequential([Input(shape=(4,)), Dense(3), Dense(2, use_bias=False)])
    shapes = [w.shape for w in model.get_weights()]
    assert shapes == [(4, 3), (3,), (3, 2)]


def test_set_weights_round_trip():
    model = Sequential([Input(shape=(4,)), Dense(3), Dense(2)])
    rng = np.random.default_rng(0)
    new = [rng.normal(size=w.shape).astype(np.float32) for w in model.get_weights()]
    model.set_weights(new)
    for got, want in zip(model.get_weights(), new):
        np.testing.assert_array_equal(got, want)


def test_set_weights_with_wrong_count_raises():
    model = Sequential([Input(shape=(4,)), Dense(3)])
    with pytest.raises(ValueError, match="expecting 2 weights"):
        model.set_weights([np.zeros((4, 3))])


def test_set_weights_with_wrong_shape_raises_and_changes_nothing():
    model = Sequential([Input(shape=(4,)), Dense(3)])
    before = model.get_weights()
    with pytest.raises(ValueError, match="not compatible"):
        model.set_weights([np.ones((4, 3)), np.ones((2,))])
    for got, want in zip(model.get_weights(), before):
        np.testing.assert_array_equal(got, want)


def test_predict_matches_numpy_float64_forward_pass():
    model = Sequential([Input(shape=(5,)), Dense(4, activation="tanh"),
                        Dense(3, activation="softmax")])
    x = np.random.default_rng(1).normal(size=(37, 5))
    w1, b1, w2, b2 = [w.astype(np.float64) for w in model.get_weights()]
    b1 += 0.1
    b2 -= 0.2
    model.set_weights([w1, b1, w2, b2])
    z = np.tanh(x @ w1 + b1) @ w2 + b2
    expected = np.exp(z - z.max(1, keepdims=True))
    expected /= expected.sum(1, keepdims=True)
    out = model.predict(x, batch_size=8, verbose=0)
    assert out.dtype == np.float32 and out.shape == (37, 3)
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6)


def test_model_call_and_predict_on_batch_agree_with_predict():
    model = Sequential([Input(shape=(3,)), Dense(2, activation="sigmoid")])
    x = np.random.default_rng(2).normal(size=(5, 3)).astype(np.float32)
    np.testing.assert_array_equal(model(x), model.predict(x, verbose=0))
    np.testing.assert_array_equal(model.predict_on_batch(x), model.predict(x, verbose=0))


def test_one_dimensional_input_is_expanded_for_one_feature_models():
    model = Sequential([Dense(1, input_shape=[1])])
    x = np.array([1.0, 2.0, 3.0])
    assert model.predict(x, verbose=0).shape == (3, 1)


def test_wrong_feature_count_raises_naming_shapes():
    model = Sequential([Input(shape=(4,)), Dense(2)])
    with pytest.raises(ValueError, match=r"expected shape=\(None, 4\), found shape=\(None, 5\)"):
        model.predict(np.ones((2, 5)), verbose=0)


def test_summary_lists_layers_shapes_and_totals(capsys):
    model = Sequential([Input(shape=(8,)), Dense(16, activation="relu"), Dense(1)])
    model.summary()
    out = capsys.readouterr().out
    assert 'Model: "sequential"' in out
    assert "dense (Dense)" in out and "dense_1 (Dense)" in out
    assert "(None, 16)" in out and "(None, 1)" in out
    assert "144" in out and "17" in out
    total = 8 * 16 + 16 + 16 + 1
    assert " Total params: %d (%.2f B)" % (total, total * 4) in out
    assert " Non-trainable params: 0 (0.00 B)" in out


def test_summary_after_training_counts_optimizer_params(capsys):
    model = Sequential([Input(shape=(2,)), Dense(3), Dense(1)])  # 13 params
    model.compile(optimizer="adam", loss="mse")
    model.fit(np.ones((4, 2)), np.ones((4, 1)), verbose=0)
    model.summary()
    out = capsys.readouterr().out
    # Adam: m and v per parameter, plus iteration and learning rate
    assert " Optimizer params: 28 " in out
    assert " Total params: 41 " in out


def test_unbuilt_summary_shows_question_marks(capsys):
    Sequential([Dense(3)]).summary()
    out = capsys.readouterr().out
    assert "?" in out and "0 (unbuilt)" in out


def test_frozen_layer_weights_are_non_trainable():
    model = Sequential([Input(shape=(2,)), Dense(3), Dense(1)])
    model.layers[0].trainable = False
    assert len(model.trainable_weights) == 2
    assert len(model.non_trainable_weights) == 2


def test_get_layer_by_name_and_index():
    model = Sequential([Input(shape=(2,)), Dense(3, name="hidden"), Dense(1)])
    assert model.get_layer("hidden") is model.layers[0]
    assert model.get_layer(index=1) is model.layers[1]
    with pytest.raises(ValueError, match="No such layer"):
        model.get_layer("missing")


def test_config_round_trip_rebuilds_same_architecture():
    model = Sequential([Input(shape=(3,)), Dense(4, activation="relu"), Dense(2)])
    clone = Sequential.from_config(model.get_config())
    assert [type(l).__name__ for l in clone.layers] == ["Dense", "Dense"]
    assert clone.output_shape == (None, 2)
    assert clone.layers[0].get_config()["activation"] == "relu"
