"""Keras 3 metrics beyond accuracy/MSE/MAE: top-k accuracies, RMSE, MAPE,
MSLE, Precision, Recall, AUC and loss metrics, accumulated over several
batches and compared with NumPy float64 formulas written here; names,
aliases and History keys as Keras 3.15.1 gives them (see also
tests/test_losses_keras_reference.py for numbers from real Keras)."""
import json
import os

import numpy as np
import pytest

from nnlite import metrics
from nnlite.layers import Dense, Input
from nnlite.models import Sequential
from nnlite.optimizers import SGD

EPS = 1e-7


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def _batches(rng, n_batches=3, b=10, k=5):
    out = []
    for _ in range(n_batches):
        labels = rng.integers(0, k, size=b)
        scores = rng.normal(size=(b, k)).round(1)       # rounding makes ties
        out.append((labels, np.eye(k)[labels], scores, rng.uniform(0, 2, size=b)))
    return out


# --------------------------------------------------------------------------
# names (keras.metrics.get in Keras 3.15.1)

@pytest.mark.parametrize("name, cls", [
    ("auc", metrics.AUC), ("AUC", metrics.AUC), ("precision", metrics.Precision),
    ("Precision", metrics.Precision), ("recall", metrics.Recall),
    ("top_k_categorical_accuracy", metrics.TopKCategoricalAccuracy),
    ("sparse_top_k_categorical_accuracy", metrics.SparseTopKCategoricalAccuracy),
    ("root_mean_squared_error", metrics.RootMeanSquaredError),
    ("RootMeanSquaredError", metrics.RootMeanSquaredError),
    ("mape", metrics.MeanAbsolutePercentageError), ("MAPE", metrics.MeanAbsolutePercentageError),
    ("msle", metrics.MeanSquaredLogarithmicError), ("mse", metrics.MeanSquaredError),
    ("bce", metrics.BinaryCrossentropy), ("binary_crossentropy", metrics.BinaryCrossentropy),
    ("poisson", metrics.Poisson), ("hinge", metrics.Hinge), ("kl_divergence", metrics.KLDivergence),
    ("binary_accuracy", metrics.BinaryAccuracy), ("Accuracy", metrics.Accuracy),
    ("cosine_similarity", metrics.CosineSimilarity), ("log_cosh_error", metrics.LogCoshError),
])
def test_get_string_gives_a_metric_object_like_keras(name, cls):
    assert type(metrics.get(name)) is cls


@pytest.mark.parametrize("name", ["rmse", "huber", "log_cosh", "logcosh", "kld", "Metric"])
def test_get_rejects_names_keras_3_rejects(name):
    with pytest.raises(ValueError, match=name):
        metrics.get(name)


def test_log_cosh_error_is_named_logcosh_like_keras():
    assert metrics.LogCoshError().name == "logcosh"


def test_cosine_similarity_metric_is_positive_unlike_the_loss():
    # Keras 3.15.1 docstring-style case: rows [0,1]/[1,0] and [1,1]/[1,1] give 0.5
    m = metrics.CosineSimilarity()
    m.update_state([[0.0, 1.0], [1.0, 1.0]], [[1.0, 0.0], [1.0, 1.0]])
    np.testing.assert_allclose(m.result(), 0.5, rtol=1e-6)


def test_exact_accuracy_compares_values():
    m = metrics.Accuracy()
    m.update_state([[1], [2], [3], [4]], [[0], [2], [3], [4]])
    np.testing.assert_allclose(m.result(), 0.75)


def test_unnamed_confusion_metrics_get_unique_names_like_keras():
    a, b = metrics.AUC(), metrics.AUC()
    assert a.name.startswith("auc") and b.name.startswith("auc_") and a.name != b.name
    assert metrics.Precision(name="p").name == "p"


# --------------------------------------------------------------------------
# accuracies

def _in_top_k(labels, scores, k):
    target = scores[np.arange(len(labels)), labels]
    return ((scores > target[:, None]).sum(1) < k).astype(np.float64)


@pytest.mark.parametrize("k", [1, 2, 5])
def test_top_k_categorical_accuracy_accumulates_weighted_mean(rng, k):
    m = metrics.TopKCategoricalAccuracy(k=k)
    hits, weights = [], []
    for labels, onehot, scores, w in _batches(rng):
        m.update_state(onehot, scores, sample_weight=w)
        hits.append(_in_top_k(labels, scores, k))
        weights.append(w)
        h, ww = np.concatenate(hits), np.concatenate(weights)
        np.testing.assert_allclose(m.result(), (h * ww).sum() / ww.sum(), rtol=1e-6)


def test_top_k_counts_ties_at_the_boundary_as_inside():
    # TensorFlow's in_top_k: class 1 ties with class 2 for second place
    m = metrics.TopKCategoricalAccuracy(k=2)
    m.update_state([[0, 1, 0, 0]], [[0.9, 0.3, 0.3, 0.1]])
    assert m.result() == 1.0


@pytest.mark.parametrize("label_shape", ["flat", "column"])
def test_sparse_top_k_accumulates_over_batches(rng, label_shape):
    m = metrics.SparseTopKCategoricalAccuracy(k=2)
    hits = []
    for labels, _, scores, _ in _batches(rng):
        m.update_state(labels if label_shape == "flat" else labels[:, None], scores)
        hits.append(_in_top_k(labels, scores, 2))
        np.testing.assert_allclose(m.result(), np.concatenate(hits).mean(), rtol=1e-6)


def test_top_k_default_k_is_5_and_config():
    assert metrics.TopKCategoricalAccuracy().get_config() == {
        "name": "top_k_categorical_accuracy", "dtype": "float32", "k": 5}


# --------------------------------------------------------------------------
# regression

def test_root_mean_squared_error_is_root_of_weighted_mean_over_batches(rng):
    m = metrics.RootMeanSquaredError()
    sq, ws = [], []
    for _ in range(3):
        t, p, w = rng.normal(size=(7, 2)), rng.normal(size=(7, 2)), rng.uniform(0, 2, size=7)
        m.update_state(t, p, sample_weight=w)
        sq.append(((p - t) ** 2).mean(1))
        ws.append(w)
        s, ww = np.concatenate(sq), np.concatenate(ws)
        np.testing.assert_allclose(m.result(), np.sqrt((s * ww).sum() / ww.sum()), rtol=1e-6)


def test_mape_and_msle_metrics_accumulate_sample_means(rng):
    mape, msle = metrics.MeanAbsolutePercentageError(), metrics.MeanSquaredLogarithmicError()
    a, b = [], []
    for _ in range(3):
        t, p = rng.uniform(0.5, 2, size=(6, 3)), rng.uniform(0.0, 2, size=(6, 3))
        mape.update_state(t, p)
        msle.update_state(t, p)
        a.append(100 * np.mean(np.abs((t - p) / t), axis=1))
        b.append(np.mean((np.log(np.maximum(p, EPS) + 1) - np.log(t + 1)) ** 2, axis=1))
        np.testing.assert_allclose(mape.result(), np.concatenate(a).mean(), rtol=1e-5)
        np.testing.assert_allclose(msle.result(), np.concatenate(b).mean(), rtol=1e-5)


# --------------------------------------------------------------------------
# precision and recall

def _counts(t, p, thr, w):
    pos = p > thr
    t = t.astype(bool)
    return (w * (t & pos)).sum(), (w * (~t & pos)).sum(), (w * (t & ~pos)).sum()


def test_precision_and_recall_accumulate_weighted_counts(rng):
    prec, rec = metrics.Precision(), metrics.Recall()
    tp = fp = fn = 0.0
    for _ in range(3):
        t = rng.integers(0, 2, size=(9, 1)).astype(np.float32)
        p = rng.uniform(size=(9, 1)).astype(np.float32)
        w = rng.uniform(0, 2, size=9)
        prec.update_state(t, p, sample_weight=w)
        rec.update_state(t, p, sample_weight=w)
        a, b, c = _counts(t, p, 0.5, w[:, None])
        tp, fp, fn = tp + a, fp + b, fn + c
        np.testing.assert_allclose(prec.result(), tp / (tp + fp), rtol=1e-6)
        np.testing.assert_allclose(rec.result(), tp / (tp + fn), rtol=1e-6)


def test_precision_at_several_thresholds_keeps_their_order(rng):
    t = rng.integers(0, 2, size=(20, 3)).astype(np.float32)
    p = rng.uniform(size=(20, 3)).astype(np.float32)
    thresholds = [0.8, 0.2, 0.5]
    m = metrics.Precision(thresholds=thresholds)
    m.update_state(t, p)
    expected = []
    for thr in thresholds:
        a, b, _ = _counts(t, p, thr, 1.0)
        expected.append(a / (a + b))
    np.testing.assert_allclose(m.result(), expected, rtol=1e-6)


def test_precision_top_k_and_recall_class_id(rng):
    t = np.eye(4)[rng.integers(0, 4, size=12)]
    p = rng.uniform(size=(12, 4))
    top2 = np.argsort(-p, axis=1)[:, :2]
    pred_pos = np.zeros_like(t, dtype=bool)
    np.put_along_axis(pred_pos, top2, True, axis=1)
    m = metrics.Precision(top_k=2)
    m.update_state(t, p)
    np.testing.assert_allclose(m.result(), (t.astype(bool) & pred_pos).sum() / pred_pos.sum(),
                               rtol=1e-6)
    r = metrics.Recall(class_id=2)
    r.update_state(t, p)
    col_t, col_p = t[:, 2].astype(bool), p[:, 2] > 0.5
    np.testing.assert_allclose(r.result(), (col_t & col_p).sum() / col_t.sum(), rtol=1e-6)


def test_precision_without_positive_predictions_is_zero():
    m = metrics.Precision()
    m.update_state([[1.0], [0.0]], [[0.1], [0.2]])
    assert m.result() == 0.0


def test_precision_rejects_thresholds_outside_unit_interval():
    with pytest.raises(ValueError, match="1.5"):
        metrics.Precision(thresholds=1.5)


# --------------------------------------------------------------------------
# AUC

def _auc_reference(t, p, w, num_thresholds=200, curve="ROC"):
    """Keras's AUC in float64: bucketed counts at thresholds
    [-eps, 1/(T-1), ..., 1+eps] and the trapezoid (interpolation) rule."""
    thr = np.array([-EPS] + [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)]
                   + [1 + EPS])
    bucket = np.maximum(np.ceil(np.clip(p, 0, 1).astype(np.float32)
                                * np.float32(num_thresholds - 1)) - 1, 0)
    above = bucket[None, :] >= np.arange(num_thresholds)[:, None]
    t = t.astype(bool)
    tp = (above * (w * t)).sum(1)
    fp = (above * (w * ~t)).sum(1)
    fn, tn = (w * t).sum() - tp, (w * ~t).sum() - fp
    assert len(thr) == num_thresholds
    tpr = tp / (tp + fn)
    fpr = fp / (fp + tn)
    if curve == "ROC":
        return np.sum((fpr[:-1] - fpr[1:]) * (tpr[:-1] + tpr[1:]) / 2)
    prec = np.where(tp + fp > 0, tp / np.maximum(tp + fp, 1e-300), 0.0)
    return np.sum((tpr[:-1] - tpr[1:]) * (prec[:-1] + prec[1:]) / 2)


@pytest.mark.parametrize("num_thresholds", [200, 13])
def test_auc_roc_accumulates_over_batches(rng, num_thresholds):
    m = metrics.AUC(num_thresholds=num_thresholds)
    ts, ps, ws = [], [], []
    for _ in range(3):
        t = rng.integers(0, 2, size=11).astype(np.float32)
        p = np.clip(0.3 * t + rng.uniform(size=11) * 0.8, 0, 1).astype(np.float32)
        w = rng.uniform(0, 2, size=11)
        m.update_state(t, p, sample_weight=w)
        ts.append(t), ps.append(p), ws.append(w)
        ref = _auc_reference(np.concatenate(ts), np.concatenate(ps), np.concatenate(ws),
                             num_thresholds)
        np.testing.assert_allclose(m.result(), ref, rtol=1e-5)


def test_auc_pr_majoring_matches_riemann_sum(rng):
    t = rng.integers(0, 2, size=30).astype(np.float32)
    p = rng.uniform(size=30).astype(np.float32)
    m = metrics.AUC(curve="PR", summation_method="minoring")
    m.update_state(t, p)
    thr_n = 200
    bucket = np.maximum(np.ceil(p * np.float32(thr_n - 1)) - 1, 0)
    above = bucket[None, :] >= np.arange(thr_n)[:, None]
    tp = (above * t.astype(bool)).sum(1).astype(float)
    fp = (above * ~t.astype(bool)).sum(1).astype(float)
    rec = tp / t.sum()
    prec = np.where(tp + fp > 0, tp / np.maximum(tp + fp, 1), 0.0)
    ref = np.sum((rec[:-1] - rec[1:]) * np.minimum(prec[:-1], prec[1:]))
    np.testing.assert_allclose(m.result(), ref, rtol=1e-5)


def test_auc_of_perfect_and_reversed_ranking():
    t = np.array([0, 0, 1, 1], dtype=np.float32)
    good = metrics.AUC()
    good.update_state(t, [0.1, 0.2, 0.8, 0.9])
    bad = metrics.AUC()
    bad.update_state(t, [0.9, 0.8, 0.2, 0.1])
    np.testing.assert_allclose([good.result(), bad.result()], [1.0, 0.0], atol=1e-6)


def test_auc_from_logits_applies_a_sigmoid(rng):
    t = rng.integers(0, 2, size=20).astype(np.float32)
    z = rng.normal(size=20).astype(np.float32)
    a, b = metrics.AUC(from_logits=True), metrics.AUC()
    a.update_state(t, z)
    b.update_state(t, 1 / (1 + np.exp(-z)))
    np.testing.assert_allclose(a.result(), b.result(), rtol=1e-6)


def test_auc_rejects_unknown_curve_and_summation():
    with pytest.raises(ValueError, match="XY"):
        metrics.AUC(curve="XY")
    with pytest.raises(ValueError, match="simpson"):
        metrics.AUC(summation_method="simpson")


def test_auc_reset_state_clears_counts(rng):
    m = metrics.AUC()
    m.update_state([0, 1], [0.9, 0.1])
    m.reset_state()
    m.update_state([0, 1], [0.1, 0.9])
    np.testing.assert_allclose(m.result(), 1.0, atol=1e-6)


# --------------------------------------------------------------------------
# in compile/fit/evaluate

def _binary_model(seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(48, 3)).astype(np.float32)
    y = (x[:, :1] + 0.5 * rng.normal(size=(48, 1)) > 0).astype(np.float32)
    model = Sequential([Input(shape=(3,)), Dense(1, activation="sigmoid")])
    return model, x, y


REF_PATH = os.path.join(os.path.dirname(__file__), "reference", "loss_metric_reference.json")


def test_history_keys_follow_the_keras_rule():
    # Keras 3.15.1 (tests/reference/make_loss_metric_reference.py): a string
    # metric is keyed by the string written, an object by its name.
    with open(REF_PATH) as fh:
        keras_keys = json.load(fh)["history_keys"]
    model, x, y = _binary_model()
    recall = metrics.Recall()
    model.compile(SGD(), "binary_crossentropy",
                  metrics=["AUC", "mse", "precision", recall, metrics.AUC(name="my_auc"),
                           "RootMeanSquaredError", "binary_accuracy", "Accuracy"])
    history = model.fit(x, y, epochs=1, verbose=0)
    expected = sorted(recall.name if k.startswith("recall") else k for k in keras_keys)
    assert sorted(history.history) == expected


def test_evaluate_accumulates_auc_and_precision_over_batches_like_one_pass():
    model, x, y = _binary_model(1)
    model.compile(SGD(), "binary_crossentropy", metrics=["auc", "precision", "recall", "mape"])
    logs = model.evaluate(x, y, batch_size=10, verbose=0, return_dict=True)
    p = model.predict(x, verbose=0)
    for key, m in (("auc", metrics.AUC()), ("precision", metrics.Precision()),
                   ("recall", metrics.Recall()),
                   ("mape", metrics.MeanAbsolutePercentageError())):
        m.update_state(y, p)
        np.testing.assert_allclose(logs[key], m.result(), rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("metric", ["auc", "precision", "mse", "top_k_categorical_accuracy",
                                    ["accuracy", "mse"]])
def test_compiled_plan_falls_back_for_metrics_it_does_not_count(metric):
    model, x, y = _binary_model()
    model.compile(SGD(), "binary_crossentropy", metrics=metric if isinstance(metric, list)
                  else [metric])
    assert model._training_plan(x, y, None, 16) is None


@pytest.mark.parametrize("metric", ["accuracy", "binary_accuracy", "Accuracy"])
def test_compiled_plan_still_counts_one_accuracy(metric):
    model, x, y = _binary_model()
    model.compile(SGD(), "binary_crossentropy", metrics=[metric])
    assert model._training_plan(x, y, None, 16) is not None
    history = model.fit(x, y, epochs=1, verbose=0)
    assert metric in history.history


# --------------------------------------------------------------------------
# bad input

@pytest.mark.parametrize("make", [metrics.AUC, metrics.Precision, metrics.Recall,
                                  metrics.TopKCategoricalAccuracy, metrics.RootMeanSquaredError])
def test_mismatched_shapes_raise_value_error_naming_them(make):
    with pytest.raises(ValueError, match=r"\(3, 2\)"):
        make().update_state(np.zeros((3, 2)), np.zeros((3, 3)))


def test_class_id_outside_the_classes_raises_value_error():
    with pytest.raises(ValueError, match="class_id=4"):
        metrics.Recall(class_id=4).update_state(np.eye(3), np.eye(3))


def test_num_thresholds_of_one_raises_value_error():
    with pytest.raises(ValueError, match="num_thresholds=1"):
        metrics.AUC(num_thresholds=1)
