"""Reference numbers from real Keras for tests/test_losses_keras_reference.py.

Run with the Keras 3.15.1 + TensorFlow 2.21 environment (never from nnlite's
test suite, which must not import keras):

    TF_CPP_MIN_LOG_LEVEL=3 /work/kerasenv/bin/python tests/reference/make_loss_metric_reference.py

It writes tests/reference/loss_metric_reference.json beside this file: the
fixed input data, every loss (reduced "sum_over_batch_size", "sum", "none",
and weighted) with its gradient w.r.t. y_pred from tf.GradientTape, every
metric's result after each of 3 batches (so accumulation is checked), and the
History keys Keras gives for a few metric identifiers.
"""
import json
import os

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import keras  # noqa: E402
import tensorflow as tf  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def make_data():
    rng = np.random.default_rng(20261123)
    f = lambda a: np.asarray(a, dtype=np.float32)  # noqa: E731
    n = 6
    reg_t = rng.normal(size=(n, 3))
    reg_p = reg_t + rng.normal(scale=1.2, size=(n, 3))
    pos_t = rng.uniform(0.1, 3.0, size=(n, 3))
    pos_p = rng.uniform(0.05, 3.0, size=(n, 3))
    msle_p = pos_p.copy()
    msle_p[0, 0], msle_p[2, 1] = -0.5, -2.0          # below epsilon: clipped, zero gradient
    mape_t = rng.normal(size=(n, 3))
    mape_t[1, 2] = 0.0                               # divided by epsilon
    bin_t = rng.integers(0, 2, size=(n, 3)).astype(float)
    bin_p = rng.uniform(0.02, 0.98, size=(n, 3))
    bin_z = rng.normal(scale=2.0, size=(n, 3))
    pm_t = 2 * bin_t - 1
    hinge_p = rng.normal(scale=1.5, size=(n, 3))
    k = 4
    labels = rng.integers(0, k, size=n)
    cat_t = np.eye(k)[labels]
    cat_z = rng.normal(scale=1.5, size=(n, k))
    cat_p = np.exp(cat_z) / np.exp(cat_z).sum(-1, keepdims=True)
    kl_t = rng.uniform(0.01, 1, size=(n, k))
    kl_t /= kl_t.sum(-1, keepdims=True)
    weights = rng.uniform(0.1, 2.0, size=n)
    return {k_: f(v).tolist() for k_, v in dict(
        reg_t=reg_t, reg_p=reg_p, pos_t=pos_t, pos_p=pos_p, msle_p=msle_p, mape_t=mape_t,
        bin_t=bin_t, bin_p=bin_p, bin_z=bin_z, pm_t=pm_t, hinge_p=hinge_p, cat_t=cat_t,
        cat_z=cat_z, cat_p=cat_p, kl_t=kl_t, weights=weights, labels=labels).items()}


# (case id, Keras class name, constructor kwargs, y_true key, y_pred key)
LOSS_CASES = [
    ("mse", "MeanSquaredError", {}, "reg_t", "reg_p"),
    ("mae", "MeanAbsoluteError", {}, "reg_t", "reg_p"),
    ("huber", "Huber", {}, "reg_t", "reg_p"),
    ("huber_delta_0.3", "Huber", {"delta": 0.3}, "reg_t", "reg_p"),
    ("log_cosh", "LogCosh", {}, "reg_t", "reg_p"),
    ("mape", "MeanAbsolutePercentageError", {}, "mape_t", "reg_p"),
    ("msle", "MeanSquaredLogarithmicError", {}, "pos_t", "msle_p"),
    ("hinge_01", "Hinge", {}, "bin_t", "hinge_p"),
    ("hinge_pm1", "Hinge", {}, "pm_t", "hinge_p"),
    ("squared_hinge_01", "SquaredHinge", {}, "bin_t", "hinge_p"),
    ("categorical_hinge", "CategoricalHinge", {}, "cat_t", "cat_z"),
    ("kld", "KLDivergence", {}, "kl_t", "cat_p"),
    ("poisson", "Poisson", {}, "pos_t", "pos_p"),
    ("cosine", "CosineSimilarity", {}, "reg_t", "reg_p"),
    ("bce", "BinaryCrossentropy", {}, "bin_t", "bin_p"),
    ("bce_logits_smooth", "BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.1},
     "bin_t", "bin_z"),
    ("cce_smooth", "CategoricalCrossentropy", {"label_smoothing": 0.2}, "cat_t", "cat_p"),
    ("cce_logits", "CategoricalCrossentropy", {"from_logits": True}, "cat_t", "cat_z"),
    ("sparse_cce", "SparseCategoricalCrossentropy", {}, "labels", "cat_p"),
    ("sparse_cce_logits", "SparseCategoricalCrossentropy", {"from_logits": True}, "labels",
     "cat_z"),
    ("focal", "BinaryFocalCrossentropy", {}, "bin_t", "bin_p"),
    ("focal_balanced", "BinaryFocalCrossentropy",
     {"apply_class_balancing": True, "alpha": 0.3, "gamma": 1.5}, "bin_t", "bin_p"),
    ("focal_logits", "BinaryFocalCrossentropy", {"from_logits": True}, "bin_t", "bin_z"),
    ("focal_logits_smooth_balanced", "BinaryFocalCrossentropy",
     {"from_logits": True, "label_smoothing": 0.1, "apply_class_balancing": True}, "bin_t", "bin_z"),
    ("focal_smooth", "BinaryFocalCrossentropy", {"label_smoothing": 0.2, "gamma": 3.0},
     "bin_t", "bin_p"),
]


def loss_reference(data):
    out = []
    w = tf.constant(data["weights"])
    for case, cls, kwargs, tk, pk in LOSS_CASES:
        t, p = tf.constant(data[tk]), tf.Variable(data[pk])
        loss = getattr(keras.losses, cls)(**kwargs)
        with tf.GradientTape() as tape:
            value = loss(t, p)
        grad = tape.gradient(value, p)
        entry = {"case": case, "class": cls, "kwargs": kwargs, "y_true": tk, "y_pred": pk,
                 "value": float(value), "grad": grad.numpy().tolist(),
                 "weighted": float(loss(t, p, sample_weight=w)),
                 "config": loss.get_config()}
        for red in ("sum", "none", "mean", "mean_with_sample_weight"):
            other = getattr(keras.losses, cls)(reduction=red, **kwargs)
            entry[red] = np.asarray(other(t, p, sample_weight=w)).tolist()
        out.append(entry)
    return out


def metric_data():
    rng = np.random.default_rng(7)
    batches = []
    for _ in range(3):
        b = 8
        yb = rng.integers(0, 2, size=(b, 1)).astype(np.float32)
        pb = rng.uniform(0, 1, size=(b, 1)).astype(np.float32)
        pb[0, 0], pb[1, 0], pb[2, 0] = 0.0, 1.0, 0.5    # the bucket edges
        labels = rng.integers(0, 5, size=b)
        yc = np.eye(5, dtype=np.float32)[labels]
        zc = rng.normal(size=(b, 5)).astype(np.float32)
        pc = (np.exp(zc) / np.exp(zc).sum(-1, keepdims=True)).astype(np.float32)
        yr = rng.uniform(0.5, 2.0, size=(b, 2)).astype(np.float32)
        pr = (yr + rng.normal(scale=0.5, size=(b, 2))).astype(np.float32)
        sw = rng.uniform(0.0, 2.0, size=b).astype(np.float32)
        batches.append({"yb": yb.tolist(), "pb": pb.tolist(), "zb": (4 * pb - 2).tolist(),
                        "labels": labels.tolist(), "yc": yc.tolist(), "pc": pc.tolist(),
                        "yr": yr.tolist(), "pr": pr.tolist(), "pp": (np.abs(pr) + 0.1).tolist(),
                        "sw": sw.tolist()})
    return batches


# (case id, Keras class name, kwargs, y_true key, y_pred key, weighted)
METRIC_CASES = [
    ("binary_accuracy", "BinaryAccuracy", {}, "yb", "pb", False),
    ("categorical_accuracy", "CategoricalAccuracy", {}, "yc", "pc", False),
    ("sparse_categorical_accuracy", "SparseCategoricalAccuracy", {}, "labels", "pc", False),
    ("top_k", "TopKCategoricalAccuracy", {"k": 2}, "yc", "pc", False),
    ("sparse_top_k", "SparseTopKCategoricalAccuracy", {"k": 2}, "labels", "pc", False),
    ("top_k_default", "TopKCategoricalAccuracy", {}, "yc", "pc", True),
    ("mse", "MeanSquaredError", {}, "yr", "pr", False),
    ("mse_weighted", "MeanSquaredError", {}, "yr", "pr", True),
    ("mae", "MeanAbsoluteError", {}, "yr", "pr", False),
    ("rmse", "RootMeanSquaredError", {}, "yr", "pr", False),
    ("rmse_weighted", "RootMeanSquaredError", {}, "yr", "pr", True),
    ("mape", "MeanAbsolutePercentageError", {}, "yr", "pr", False),
    ("msle", "MeanSquaredLogarithmicError", {}, "yr", "pr", True),
    ("precision", "Precision", {}, "yb", "pb", False),
    ("precision_weighted", "Precision", {}, "yb", "pb", True),
    ("precision_thresholds", "Precision", {"thresholds": [0.7, 0.3, 0.5]}, "yb", "pb", False),
    ("precision_top_k", "Precision", {"top_k": 2}, "yc", "pc", False),
    ("recall", "Recall", {}, "yb", "pb", False),
    ("recall_class_id", "Recall", {"class_id": 1}, "yc", "pc", False),
    ("recall_top_k_weighted", "Recall", {"top_k": 2}, "yc", "pc", True),
    ("auc", "AUC", {}, "yb", "pb", False),
    ("auc_weighted", "AUC", {}, "yb", "pb", True),
    ("auc_pr", "AUC", {"curve": "PR"}, "yb", "pb", False),
    ("auc_minoring_50", "AUC", {"num_thresholds": 50, "summation_method": "minoring"},
     "yb", "pb", False),
    ("auc_majoring_pr", "AUC", {"curve": "PR", "summation_method": "majoring"}, "yb", "pb", True),
    ("auc_logits", "AUC", {"from_logits": True}, "yb", "zb", False),
    ("auc_thresholds", "AUC", {"thresholds": [0.1, 0.35, 0.5, 0.8]}, "yb", "pb", False),
    ("auc_multiclass_flat", "AUC", {}, "yc", "pc", False),
    ("binary_crossentropy", "BinaryCrossentropy", {}, "yb", "pb", False),
    ("categorical_crossentropy", "CategoricalCrossentropy", {}, "yc", "pc", True),
    ("hinge", "Hinge", {}, "yb", "zb", False),
    ("kl_divergence", "KLDivergence", {}, "yc", "pc", False),
    ("poisson", "Poisson", {}, "yr", "pp", False),
    ("cosine_similarity", "CosineSimilarity", {}, "yr", "pr", True),
    ("logcosh", "LogCoshError", {}, "yr", "pr", False),
]


def metric_reference(batches):
    out = []
    for case, cls, kwargs, tk, pk, weighted in METRIC_CASES:
        m = getattr(keras.metrics, cls)(**kwargs)
        results = []
        for b in batches:
            sw = np.asarray(b["sw"], dtype=np.float32) if weighted else None
            m.update_state(np.asarray(b[tk]), np.asarray(b[pk], dtype=np.float32),
                           sample_weight=sw)
            results.append(np.asarray(m.result()).tolist())
        config = m.get_config()
        config.pop("name")
        out.append({"case": case, "class": cls, "kwargs": kwargs, "y_true": tk, "y_pred": pk,
                    "weighted": weighted, "results": results, "config": config})
    return out


def history_keys():
    """The History keys for metric identifiers given as strings and as objects."""
    keras.utils.set_random_seed(0)
    x = np.random.default_rng(0).normal(size=(32, 3)).astype(np.float32)
    y = (x[:, :1] > 0).astype(np.float32)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile("sgd", "binary_crossentropy",
                  metrics=["AUC", "mse", "precision", keras.metrics.Recall(),
                           keras.metrics.AUC(name="my_auc"), "RootMeanSquaredError",
                           "binary_accuracy", "Accuracy"])
    hist = model.fit(x, y, epochs=1, verbose=0)
    return sorted(hist.history)


def main():
    data = make_data()
    batches = metric_data()
    ref = {"keras_version": keras.__version__, "tensorflow_version": tf.__version__,
           "data": data, "losses": loss_reference(data), "metric_batches": batches,
           "metrics": metric_reference(batches), "history_keys": history_keys()}
    path = os.path.join(HERE, "loss_metric_reference.json")
    with open(path, "w") as fh:
        json.dump(ref, fh, separators=(",", ":"))
    print("wrote", path, os.path.getsize(path), "bytes")


if __name__ == "__main__":
    main()
