"""The confusion matrix of a classifier, in NumPy (no scikit-learn).

`confusion_matrix(y_true, y_pred)[i, j]` counts the samples of true class `i`
predicted as class `j`: rows are true classes, columns predicted ones, as in
`tf.math.confusion_matrix` and scikit-learn.
"""
import numpy as np


def to_class_indices(y, arg_name="y"):
    """Class indices from what a classifier's labels or outputs look like.

    * integer labels, shape `(n,)` or `(n, 1)` (CIFAR's `y` is `(n, 1)`);
    * one-hot labels or class scores, shape `(n, k)` with `k > 1`: argmax;
    * probabilities of the positive class, shape `(n,)` or `(n, 1)` with a
      value strictly between 0 and 1 (a sigmoid output): `p > 0.5`.

    Args:
        y: Array-like of labels or model outputs.
        arg_name: Name used in error messages. Defaults to `"y"`.

    Returns:
        A `(indices, width)` pair: an int64 array of shape `(n,)`, and the
        number of classes the input's last axis implies (`k` for one-hot or
        scores, 2 for probabilities, else `None`).
    """
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] > 1:
        return np.argmax(y, axis=1).astype(np.int64), y.shape[1]
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1:
        raise ValueError(
            f"Expected `{arg_name}` to be class indices of shape (n,) or (n, 1), or "
            f"one-hot labels / class scores of shape (n, num_classes). "
            f"Received: {arg_name}.shape={y.shape}"
        )
    if y.dtype == bool:
        return y.astype(np.int64), 2
    if not np.issubdtype(y.dtype, np.number):
        raise ValueError(
            f"Expected `{arg_name}` to hold numbers. Received: {arg_name}.dtype={y.dtype}"
        )
    if np.issubdtype(y.dtype, np.integer):
        return y.astype(np.int64), None
    if not np.all(np.isfinite(y)):
        raise ValueError(f"`{arg_name}` contains NaN or infinite values.")
    if np.all(y == np.round(y)):
        return y.astype(np.int64), None
    if np.all((y >= 0) & (y <= 1)):
        return (y > 0.5).astype(np.int64), 2
    raise ValueError(
        f"Expected `{arg_name}` to hold whole class indices or probabilities in "
        f"[0, 1]. Received values such as {y[y != np.round(y)][0]!r}"
    )


def confusion_matrix(y_true, y_pred, num_classes=None):
    """Counts how often each true class is predicted as each class.

    `cm[i, j]` = number of samples with true class `i` and predicted class
    `j`, so the diagonal holds the correct predictions and
    `trace(cm) / cm.sum()` is the accuracy.

    Args:
        y_true: True labels: class indices `(n,)` or `(n, 1)`, or one-hot
            `(n, num_classes)`.
        y_pred: Predictions: class indices, class scores or probabilities
            `(n, num_classes)` (their argmax is taken), or positive-class
            probabilities `(n,)`/`(n, 1)` of a sigmoid output (thresholded at
            0.5).
        num_classes: Number of classes. Defaults to `None`: one more than
            the largest class seen, and at least the width of one-hot or
            score inputs.

    Returns:
        An int64 array of shape `(num_classes, num_classes)`.

    Example:

    >>> confusion_matrix([0, 1, 2, 2], [0, 2, 2, 1])
    array([[1, 0, 0],
           [0, 0, 1],
           [0, 1, 1]])
    """
    t, t_width = to_class_indices(y_true, "y_true")
    p, p_width = to_class_indices(y_pred, "y_pred")
    if t.shape[0] != p.shape[0]:
        raise ValueError(
            "`y_true` and `y_pred` must have the same number of samples. "
            f"Received: len(y_true)={t.shape[0]}, len(y_pred)={p.shape[0]}"
        )
    for arg_name, v in (("y_true", t), ("y_pred", p)):
        if v.size and v.min() < 0:
            raise ValueError(
                f"Class indices must be non-negative. Received: {arg_name} "
                f"containing {int(v.min())}"
            )
    if num_classes is None:
        seen = max(int(t.max()) + 1 if t.size else 0, int(p.max()) + 1 if p.size else 0)
        num_classes = max(seen, t_width or 0, p_width or 0)
    else:
        if (isinstance(num_classes, bool) or not isinstance(num_classes, (int, np.integer))
                or num_classes < 1):
            raise ValueError(
                "Expected `num_classes` to be a positive integer or None. "
                f"Received: num_classes={num_classes!r}"
            )
        num_classes = int(num_classes)
        for arg_name, v in (("y_true", t), ("y_pred", p)):
            if v.size and v.max() >= num_classes:
                raise ValueError(
                    f"`{arg_name}` contains class {int(v.max())}, which is not below "
                    f"num_classes={num_classes}"
                )
    counts = np.bincount(t * num_classes + p, minlength=num_classes * num_classes)
    return counts.reshape(num_classes, num_classes).astype(np.int64)
