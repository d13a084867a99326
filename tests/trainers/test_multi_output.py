"""compile / fit / evaluate / predict for models with several outputs: losses,
loss_weights and metrics as a list or a dict by output name, as Keras 3."""
import numpy as np
import pytest

import nnlite
from nnlite.backend.naming import clear_session
from nnlite.layers import Dense, Input
from nnlite.models import Model

N = 24


@pytest.fixture(autouse=True)
def fresh_names():
    clear_session()


def data(seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(N, 3)).astype(np.float32)
    ya = (rng.uniform(size=(N, 1)) > 0.5).astype(np.float32)
    yb = rng.normal(size=(N, 2)).astype(np.float32)
    return x, ya, yb


def two_heads(dict_outputs=False):
    """x -> h (linear) -> out_a (sigmoid, 1) and out_b (linear, 2)."""
    x = Input((3,), name="x")
    h = Dense(4, name="h")(x)
    a = Dense(1, activation="sigmoid", name="out_a")(h)
    b = Dense(2, name="out_b")(h)
    return Model(x, {"out_a": a, "out_b": b} if dict_outputs else [a, b])


def numpy_heads(model, x):
    """float64 forward pass from get_weights: (h, a, b)."""
    w0, b0, wa, ba, wb, bb = [w.astype(np.float64) for w in model.get_weights()]
    h = x.astype(np.float64) @ w0 + b0
    a = 1.0 / (1.0 + np.exp(-(h @ wa + ba)))
    b = h @ wb + bb
    return h, a, b


def bce(y, p):
    p = np.clip(p, 1e-7, 1 - 1e-7)
    return float(np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p))))


def compile_two(model, **kw):
    args = dict(optimizer="sgd", loss={"out_a": "binary_crossentropy", "out_b": "mse"},
                metrics={"out_a": ["accuracy"], "out_b": ["mae"]})
    args.update(kw)
    model.compile(**args)


def test_history_keys_name_each_output_as_keras():
    x, ya, yb = data()
    model = two_heads()
    compile_two(model)
    history = model.fit(x, [ya, yb], epochs=1, batch_size=8, verbose=0, validation_split=0.25)
    assert list(history.history) == ["loss", "out_a_accuracy", "out_a_loss", "out_b_loss",
                                     "out_b_mae", "val_loss", "val_out_a_accuracy",
                                     "val_out_a_loss", "val_out_b_loss", "val_out_b_mae"]


def test_evaluate_orders_loss_output_losses_then_metrics_and_matches_numpy():
    x, ya, yb = data()
    model = two_heads()
    compile_two(model, loss_weights={"out_a": 1.0, "out_b": 0.5})
    result = model.evaluate(x, [ya, yb], batch_size=N, verbose=0)
    _, a, b = numpy_heads(model, x)
    la, lb = bce(ya, a), float(np.mean((b - yb) ** 2))
    expected = [la + 0.5 * lb, la, lb, float(np.mean((a > 0.5) == ya)),
                float(np.mean(np.abs(b - yb)))]
    np.testing.assert_allclose(result, expected, rtol=2e-5, atol=1e-6)


def test_output_losses_are_reported_unweighted():
    x, ya, yb = data()
    model = two_heads()
    compile_two(model, loss_weights=[2.0, 0.25], metrics=None)
    logs = model.evaluate(x, [ya, yb], batch_size=N, verbose=0, return_dict=True)
    np.testing.assert_allclose(logs["loss"], 2.0 * logs["out_a_loss"] + 0.25 * logs["out_b_loss"],
                               rtol=1e-6)
    _, a, _ = numpy_heads(model, x)
    np.testing.assert_allclose(logs["out_a_loss"], bce(ya, a), rtol=2e-5)


def test_one_step_follows_the_weighted_gradient():
    """SGD on two linear heads: w <- w - lr * d(0.3 * mse_a + 1.7 * mse_b)/dw in NumPy."""
    rng = np.random.default_rng(1)
    x = rng.normal(size=(N, 3))
    ya, yb = rng.normal(size=(N, 1)), rng.normal(size=(N, 2))
    inp = Input((3,))
    h = Dense(4, name="h")(inp)
    model = Model(inp, [Dense(1, name="a")(h), Dense(2, name="b")(h)])
    model.compile(optimizer=nnlite.optimizers.SGD(0.1), loss=["mse", "mse"],
                  loss_weights=[0.3, 1.7])
    w0, b0, wa, ba, wb, bb = [w.astype(np.float64) for w in model.get_weights()]
    model.train_on_batch(x.astype(np.float32), [ya.astype(np.float32), yb.astype(np.float32)])
    hh = x @ w0 + b0
    da = 0.3 * 2 * (hh @ wa + ba - ya) / ya.size
    db = 1.7 * 2 * (hh @ wb + bb - yb) / yb.size
    dh = da @ wa.T + db @ wb.T
    expected = [w0 - 0.1 * x.T @ dh, b0 - 0.1 * dh.sum(0), wa - 0.1 * hh.T @ da,
                ba - 0.1 * da.sum(0), wb - 0.1 * hh.T @ db, bb - 0.1 * db.sum(0)]
    for got, want in zip(model.get_weights(), expected):
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-6)


def test_targets_as_a_dict_by_output_name_equal_a_list():
    x, ya, yb = data()
    results = []
    for y in ([ya, yb], {"out_b": yb, "out_a": ya}):
        clear_session()
        nnlite.utils.set_random_seed(3)
        model = two_heads()
        compile_two(model)
        model.fit(x, y, epochs=2, batch_size=8, verbose=0, shuffle=False)
        results.append(model.get_weights())
    for a, b in zip(*results):
        np.testing.assert_array_equal(a, b)


@pytest.mark.filterwarnings("ignore:Gradients do not exist")
def test_only_one_output_with_a_loss_gives_no_output_loss_keys():
    x, ya, yb = data()
    model = two_heads()
    model.compile(optimizer="sgd", loss={"out_a": "binary_crossentropy", "out_b": None},
                  metrics={"out_b": ["mae"]})
    history = model.fit(x, {"out_a": ya, "out_b": yb}, epochs=1, verbose=0)
    assert sorted(history.history) == ["loss", "out_b_mae"]


def test_one_loss_string_applies_to_every_output():
    x, ya, yb = data()
    model = two_heads()
    model.compile(optimizer="sgd", loss="mse")
    logs = model.evaluate(x, [ya, yb], batch_size=N, verbose=0, return_dict=True)
    _, a, b = numpy_heads(model, x)
    np.testing.assert_allclose([logs["out_a_loss"], logs["out_b_loss"]],
                               [np.mean((a - ya) ** 2), np.mean((b - yb) ** 2)], rtol=2e-5)


def test_per_output_sample_weights():
    x, ya, yb = data()
    sw = np.linspace(0.0, 2.0, N).astype(np.float32)
    model = two_heads()
    model.compile(optimizer="sgd", loss=["mse", "mse"])
    logs = model.evaluate(x, [ya, yb], sample_weight={"out_a": sw, "out_b": np.ones(N)},
                          batch_size=N, verbose=0, return_dict=True)
    _, a, b = numpy_heads(model, x)
    np.testing.assert_allclose(logs["out_a_loss"], np.sum(sw * np.mean((a - ya) ** 2, -1)) / N,
                               rtol=2e-5)
    np.testing.assert_allclose(logs["out_b_loss"], np.mean((b - yb) ** 2), rtol=2e-5)


def test_predict_returns_the_output_structure():
    x, _, _ = data()
    listed = two_heads()
    out = listed.predict(x, batch_size=10, verbose=0)
    assert isinstance(out, list) and [o.shape for o in out] == [(N, 1), (N, 2)]
    _, a, b = numpy_heads(listed, x)
    np.testing.assert_allclose(out[0], a, rtol=1e-5)
    np.testing.assert_allclose(out[1], b, rtol=1e-5, atol=1e-6)
    clear_session()
    keyed = two_heads(dict_outputs=True)
    out = keyed.predict(x, batch_size=10, verbose=0)
    assert isinstance(out, dict) and sorted(out) == ["out_a", "out_b"]
    assert out["out_b"].shape == (N, 2)


def test_dict_outputs_train_with_dict_targets():
    x, ya, yb = data()
    model = two_heads(dict_outputs=True)
    compile_two(model)
    history = model.fit(x, {"out_a": ya, "out_b": yb}, epochs=3, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_loss_dict_must_name_every_output():
    model = two_heads()
    with pytest.raises(ValueError, match=r"Expected keys \['out_a', 'out_b'\] in loss dict"):
        model.compile(optimizer="sgd", loss={"out_a": "mse"})


def test_loss_weights_with_a_single_loss_are_refused():
    model = two_heads()
    with pytest.raises(ValueError, match="loss_weights"):
        model.compile(optimizer="sgd", loss="mse", loss_weights=[1.0, 0.5])


def test_a_flat_metric_list_on_two_outputs_is_refused():
    model = two_heads()
    with pytest.raises(ValueError, match="metrics must be a dict by output name"):
        model.compile(optimizer="sgd", loss=["mse", "mse"], metrics=["mae"])


def test_a_loss_list_of_the_wrong_length_is_refused():
    model = two_heads()
    with pytest.raises(ValueError, match="one per output"):
        model.compile(optimizer="sgd", loss=["mse"])


def test_a_failed_compile_keeps_the_previous_one():
    model = two_heads()
    compile_two(model)
    optimizer = model.optimizer
    with pytest.raises(ValueError):
        model.compile(optimizer="adam", loss={"out_a": "mse", "nope": "mse"})
    assert model.optimizer is optimizer


def test_targets_must_match_the_outputs():
    x, ya, yb = data()
    model = two_heads()
    compile_two(model)
    with pytest.raises(ValueError, match="2 outputs"):
        model.fit(x, ya, verbose=0)
    with pytest.raises(ValueError, match="not output names"):
        model.fit(x, {"out_a": ya, "c": yb}, verbose=0)


def test_class_weight_needs_a_single_output():
    x, ya, yb = data()
    model = two_heads()
    compile_two(model)
    with pytest.raises(ValueError, match="single output"):
        model.fit(x, [ya, yb], class_weight={0: 1.0, 1: 2.0}, verbose=0)


def test_compile_config_round_trips_through_a_keras_file(tmp_path):
    x, ya, yb = data()
    model = two_heads()
    compile_two(model, loss_weights={"out_a": 1.0, "out_b": 0.5})
    model.fit(x, [ya, yb], epochs=1, verbose=0)
    path = str(tmp_path / "two.keras")
    model.save(path)
    loaded = nnlite.models.load_model(path)
    assert loaded.get_compile_config()["loss_weights"] == {"out_a": 1.0, "out_b": 0.5}
    np.testing.assert_allclose(loaded.evaluate(x, [ya, yb], verbose=0),
                               model.evaluate(x, [ya, yb], verbose=0), rtol=1e-6)


def test_compile_with_no_loss_or_metrics_keeps_the_previous_ones():
    """Keras 3's compile replaces only the arguments that are not None."""
    x, ya, yb = data()
    model = two_heads()
    compile_two(model, loss_weights=[1.0, 0.5])
    model.compile(optimizer="adam")
    assert model.loss == {"out_a": "binary_crossentropy", "out_b": "mse"}
    logs = model.evaluate(x, [ya, yb], verbose=0, return_dict=True)
    assert sorted(logs) == ["loss", "out_a_accuracy", "out_a_loss", "out_b_loss", "out_b_mae"]
    np.testing.assert_allclose(logs["loss"], logs["out_a_loss"] + 0.5 * logs["out_b_loss"],
                               rtol=1e-6)
