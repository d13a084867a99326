"""`compile(weighted_metrics=...)`: metrics that take the sample weights (or
the weights `class_weight` gives), named as Keras 3 names them."""
import numpy as np
import pytest

import nnlite
from nnlite import layers
from nnlite.optimizers import SGD


def _data(n=64, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, 4)).astype(np.float32)
    return x, rng.integers(0, 3, n), rng.random(n)


def _classifier(**compile_kwargs):
    nnlite.utils.set_random_seed(1)
    model = nnlite.Sequential([nnlite.Input((4,)), layers.Dense(3, activation="softmax")])
    model.compile(SGD(0.0), "sparse_categorical_crossentropy", **compile_kwargs)
    return model


def _hits(model, x, y):
    return (model.predict(x, verbose=0).argmax(axis=1) == y).astype(np.float64)


def test_history_names_repeated_and_weighted_metrics_as_keras():
    # the names real Keras 3.15.1 gives the same compile call
    x, y, sw = _data()
    model = _classifier(metrics=["accuracy", "accuracy"],
                        weighted_metrics=["accuracy", "accuracy"])
    history = model.fit(x, y, sample_weight=sw, epochs=1, verbose=0)
    assert sorted(history.history) == ["accuracy", "accuracy_1", "loss", "weighted_accuracy",
                                       "weighted_accuracy_1"]


def test_weighted_metric_alone_keeps_its_name():
    x, y, sw = _data()
    model = _classifier(weighted_metrics=["accuracy"])
    assert sorted(model.evaluate(x, y, sample_weight=sw, verbose=0, return_dict=True)) == \
        ["accuracy", "loss"]


def test_several_outputs_prefix_the_output_name_before_weighted():
    x, y, sw = _data()
    inputs = nnlite.Input((4,))
    a = layers.Dense(3, activation="softmax", name="a")(inputs)
    b = layers.Dense(1, name="b")(inputs)
    model = nnlite.Model(inputs, [a, b])
    model.compile("sgd", ["sparse_categorical_crossentropy", "mse"],
                  metrics=[["accuracy"], ["mae"]], weighted_metrics=[["accuracy"], ["mse"]])
    history = model.fit(x, [y, x[:, :1]], sample_weight=sw, epochs=1, verbose=0)
    assert sorted(history.history) == ["a_accuracy", "a_loss", "a_weighted_accuracy", "b_loss",
                                       "b_mae", "b_mse", "loss"]


def test_weighted_metric_takes_the_sample_weights_and_the_plain_one_does_not():
    x, y, sw = _data()
    model = _classifier(metrics=["accuracy"], weighted_metrics=["accuracy"])
    logs = model.evaluate(x, y, sample_weight=sw, verbose=0, return_dict=True)
    hits = _hits(model, x, y)
    np.testing.assert_allclose(logs["accuracy"], hits.mean(), rtol=1e-12)
    # the weights reach the metric as float32, as the model's dtype (and Keras) has them
    sw32 = sw.astype(np.float32).astype(np.float64)
    np.testing.assert_allclose(logs["weighted_accuracy"], (sw32 * hits).sum() / sw32.sum(),
                               rtol=1e-6)
    assert abs(logs["weighted_accuracy"] - logs["accuracy"]) > 1e-3


def test_class_weight_reaches_the_weighted_metrics():
    x, y, _ = _data()
    model = _classifier(weighted_metrics=["accuracy"])    # learning rate 0: fixed weights
    class_weight = {0: 1.0, 1: 2.0, 2: 0.5}
    history = model.fit(x, y, class_weight=class_weight, epochs=1, verbose=0, shuffle=False)
    w = np.array([class_weight[int(c)] for c in y])
    hits = _hits(model, x, y)
    np.testing.assert_allclose(history.history["accuracy"][0], (w * hits).sum() / w.sum(),
                               rtol=1e-6)


def test_without_sample_weights_a_weighted_metric_is_the_plain_mean():
    x, y, _ = _data()
    model = _classifier(weighted_metrics=["accuracy"])
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    np.testing.assert_allclose(logs["accuracy"], _hits(model, x, y).mean(), rtol=1e-12)


@pytest.mark.filterwarnings("ignore:You are saving your model as an HDF5 file")
@pytest.mark.parametrize("suffix", [".keras", ".h5"])
def test_weighted_metrics_survive_saving(tmp_path, suffix):
    x, y, sw = _data()
    model = _classifier(weighted_metrics=["accuracy"])
    model.fit(x, y, sample_weight=sw, epochs=1, verbose=0)
    path = str(tmp_path / ("m" + suffix))
    model.save(path)
    loaded = nnlite.models.load_model(path)
    assert loaded.get_compile_config()["weighted_metrics"] == ["accuracy"]
    np.testing.assert_allclose(
        loaded.evaluate(x, y, sample_weight=sw, verbose=0, return_dict=True)["accuracy"],
        model.evaluate(x, y, sample_weight=sw, verbose=0, return_dict=True)["accuracy"])


def test_unknown_weighted_metric_is_refused_at_compile():
    model = nnlite.Sequential([nnlite.Input((4,)), layers.Dense(3)])
    with pytest.raises(ValueError, match="no_such_metric"):
        model.compile("sgd", "mse", weighted_metrics=["no_such_metric"])
