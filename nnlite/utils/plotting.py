"""Pictures of training: curves, image grids and confusion matrices.

Keras leaves these to matplotlib code that every course writes again; nnlite
draws them in one call each:

* `plot_history(history)`: the training curves of `model.fit`'s History;
* `plot_images(images, labels, predictions)`: a grid of images with their
  labels and predictions, wrong predictions marked in red;
* `plot_confusion_matrix(y_true, y_pred)`: the confusion matrix as a heat map.

matplotlib is an optional dependency (`pip install matplotlib`). Each
function returns its `matplotlib.figure.Figure`. With `to_file`, the figure
is saved there and not left open in pyplot (nothing pops up, nothing leaks in
a loop); without it, the figure is made with pyplot, so a notebook shows it
and a script shows it with `matplotlib.pyplot.show()`.
"""
import math
import numbers
import os
from collections.abc import Mapping

import numpy as np

from nnlite.utils.classification_utils import confusion_matrix, to_class_indices

_WRONG = "tab:red"
_RIGHT = "tab:green"


def _require_matplotlib(caller):
    try:
        import matplotlib  # noqa: F401
    except ImportError as e:
        raise ImportError(
            f"`{caller}` needs matplotlib, which is not installed. Install it with "
            "`pip install matplotlib` (or `pip install 'nnlite-keras[plot]'`)."
        ) from e


def _new_figure(to_file, figsize):
    if to_file is None:
        import matplotlib.pyplot as plt
        return plt.figure(figsize=figsize)
    # not through pyplot: a figure only saved needs no window and is freed
    from matplotlib.figure import Figure
    return Figure(figsize=figsize)


def _finish(fig, to_file, dpi=100):
    fig.tight_layout()
    if to_file is not None:
        fig.savefig(os.fspath(to_file), dpi=dpi)
    return fig


# -- training curves ---------------------------------------------------------------
def _history_logs(history):
    logs = getattr(history, "history", history)
    if not isinstance(logs, Mapping):
        raise TypeError(
            "Expected `history` to be the History returned by `model.fit` or its "
            f"`history` dict. Received: history={history!r} "
            f"(of type {type(history).__name__})"
        )
    if not logs or not any(len(v) for v in logs.values()):
        raise ValueError(
            "`history` holds no epochs: train the model with `model.fit(...)` first. "
            f"Received: history={dict(logs)!r}"
        )
    return logs


def _panels(logs, metrics):
    """Metric names to draw, one axes each: `loss` first, then the others in
    the History's order; a `val_x` key goes on the axes of `x`."""
    names = []
    for key in logs:
        base = key[4:] if key.startswith("val_") else key
        if base not in names:
            names.append(base)
    if "loss" in names:
        names.remove("loss")
        names.insert(0, "loss")
    if metrics is None:
        return names
    if isinstance(metrics, str):
        metrics = [metrics]
    chosen = ["loss"] if "loss" in names else []
    for m in metrics:
        if not isinstance(m, str):
            raise TypeError(f"Expected metric names (strings). Received: metrics={metrics!r}")
        base = m[4:] if m.startswith("val_") and m[4:] in names else m
        if base not in names:
            raise ValueError(
                f"History has no metric '{m}'. Available: {names}. "
                f"Received: metrics={metrics!r}"
            )
        if base not in chosen:
            chosen.append(base)
    return chosen


def _epoch_numbers(history, n):
    """1-based epoch numbers of the `n` recorded epochs."""
    epoch = getattr(history, "epoch", None)
    if isinstance(epoch, (list, tuple)) and len(epoch) == n:
        return np.asarray(epoch, dtype=np.int64) + 1
    return np.arange(1, n + 1)


def plot_history(history, metrics=None, to_file=None):
    """Draws the training curves of `model.fit`: one axes per metric.

    The loss and the validation loss share the first axes; each other
    metric (`accuracy`, `mae`, ...) gets its own, with its `val_` curve. When
    validation ran on fewer epochs (`validation_freq=k`), its points are
    placed at epochs `k, 2k, ...`.

    Args:
        history: The `History` returned by `model.fit` (or `model.history`),
            or its `history` dict of per-epoch lists.
        metrics: Names of the metrics to draw besides the loss (a string or
            a list), or `None` for all of them. Defaults to `None`.
        to_file: Path of an image file to save the figure to (`.png`, `.svg`,
            `.pdf`, ...), or `None`. Defaults to `None`.

    Returns:
        The `matplotlib.figure.Figure`.

    Example:

    ```python
    history = model.fit(x, y, epochs=20, validation_split=0.2)
    nnlite.utils.plot_history(history, to_file="curves.png")
    ```
    """
    _require_matplotlib("plot_history")
    from matplotlib.ticker import MaxNLocator

    logs = _history_logs(history)
    panels = _panels(logs, metrics)
    ncols = min(len(panels), 3)
    nrows = math.ceil(len(panels) / ncols)
    fig = _new_figure(to_file, (5.0 * ncols, 3.6 * nrows))
    for i, name in enumerate(panels):
        ax = fig.add_subplot(nrows, ncols, i + 1)
        train = np.asarray(logs.get(name, []), dtype=np.float64)
        val = np.asarray(logs.get("val_" + name, []), dtype=np.float64)
        n = max(len(train), len(val))
        epochs = _epoch_numbers(history, n)
        marker = "o" if n <= 30 else None
        if len(train):
            ax.plot(epochs[:len(train)], train, marker=marker, markersize=4,
                    label="training")
        if len(val):
            step = n // len(val)
            x = epochs[step - 1::step][:len(val)]
            ax.plot(x, val, marker=marker, markersize=4, label="validation")
        ax.set_title(name)
        ax.set_xlabel("epoch")
        ax.set_ylabel(name)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(True, alpha=0.3)
        ax.legend()
    return _finish(fig, to_file)


# -- image grids ---------------------------------------------------------------------
def _as_image_batch(images):
    """`(n, h, w)` grey or `(n, h, w, 3|4)` colour images from the usual layouts."""
    x = np.asarray(images)
    if x.dtype == object or not (np.issubdtype(x.dtype, np.number) or x.dtype == bool):
        raise ValueError(f"Expected `images` to be a numeric array. Received: dtype={x.dtype}")
    if x.ndim == 2:
        side = math.isqrt(x.shape[1])
        if side * side != x.shape[1]:
            raise ValueError(
                "Expected `images` of shape (n, height, width), (n, height, width, "
                "channels) or flattened square images (n, side*side). Received: "
                f"images.shape={x.shape} (for one image, pass `image[None]`)"
            )
        x = x.reshape(x.shape[0], side, side)
    elif x.ndim == 4:
        if x.shape[-1] not in (1, 3, 4) and x.shape[1] in (1, 3, 4):
            x = np.transpose(x, (0, 2, 3, 1))          # channels first
        if x.shape[-1] not in (1, 3, 4):
            raise ValueError(
                "Expected images with 1, 3 or 4 channels. Received: "
                f"images.shape={np.asarray(images).shape}"
            )
        if x.shape[-1] == 1:
            x = x[..., 0]
    elif x.ndim != 3:
        raise ValueError(
            "Expected `images` of shape (n, height, width) or (n, height, width, "
            f"channels). Received: images.shape={x.shape}"
        )
    return x


def _display_range(x):
    """The data range shown from black to white: 0..1 for floats within it,
    0..max for non-negative integers (uint8 photos reach 255, the digits data
    set 16), else the batch's own min..max."""
    if x.dtype == bool:
        return 0.0, 1.0
    finite = x[np.isfinite(x)] if np.issubdtype(x.dtype, np.floating) else x
    if finite.size == 0:
        return 0.0, 1.0
    lo, hi = float(finite.min()), float(finite.max())
    if np.issubdtype(x.dtype, np.floating) and lo >= 0.0 and hi <= 1.0:
        return 0.0, 1.0
    lo = min(lo, 0.0) if np.issubdtype(x.dtype, np.integer) else lo
    return lo, hi if hi > lo else lo + 1.0


def _confidences(predictions):
    """The top probability of each row when `predictions` are probability rows."""
    p = np.asarray(predictions)
    if p.ndim != 2 or p.shape[1] < 2 or not np.issubdtype(p.dtype, np.floating):
        return None
    if np.any(p < 0) or np.any(p > 1) or not np.allclose(p.sum(axis=1), 1.0, atol=1e-3):
        return None
    return p.max(axis=1)


def _class_name(index, class_names):
    if class_names is not None and 0 <= index < len(class_names):
        return str(class_names[index])
    return str(index)


def _check_count(arg_name, value, n):
    if value is not None and len(value) != n:
        raise ValueError(
            f"Expected one entry of `{arg_name}` per image ({n}). "
            f"Received: len({arg_name})={len(value)}"
        )


def plot_images(images, labels=None, predictions=None, class_names=None, to_file=None,
                ncols=8, max_images=64):
    """Draws a grid of images with their labels and predictions.

    Each image is titled with its label; given predictions, with the
    predicted class (and its probability when `predictions` are probability
    rows) over the true one. A correct prediction is written in green; a wrong
    one in red, with a red frame around the image, and the figure's title
    counts the mistakes.

    Args:
        images: Array of shape `(n, h, w)` or `(n, h, w, c)` with 1, 3 or 4
            channels (channels-first `(n, c, h, w)` and flattened square
            images `(n, h*w)` are recognised too). Floats within 0..1 are
            shown on 0..1, non-negative integers on 0..their maximum (255 for
            a uint8 photo, 16 for the digits data set), anything else over
            the batch's range.
        labels: True classes: indices `(n,)`/`(n, 1)` or one-hot `(n, k)`,
            or `None`. Defaults to `None`.
        predictions: Predicted classes: indices, or the model's outputs
            `(n, k)` (argmax taken), or sigmoid outputs `(n, 1)`; or `None`.
            Defaults to `None`.
        class_names: Names of the classes, indexed by class, or `None` to
            show the indices. Defaults to `None`.
        to_file: Path of an image file to save the figure to, or `None`.
            Defaults to `None`.
        ncols: Number of columns of the grid (fewer if there are fewer
            images). Defaults to `8`.
        max_images: Draw at most this many (the first ones), or `None` for
            all. Defaults to `64`.

    Returns:
        The `matplotlib.figure.Figure`.

    Example:

    ```python
    probs = model.predict(x_test[:16])
    nnlite.utils.plot_images(x_test[:16], y_test[:16], probs,
                             class_names=[str(d) for d in range(10)])
    ```
    """
    _require_matplotlib("plot_images")
    if isinstance(ncols, bool) or not isinstance(ncols, numbers.Integral) or ncols < 1:
        raise ValueError(f"Expected `ncols` to be a positive integer. Received: ncols={ncols!r}")
    if max_images is not None and (isinstance(max_images, bool)
                                   or not isinstance(max_images, numbers.Integral)
                                   or max_images < 1):
        raise ValueError("Expected `max_images` to be a positive integer or None. "
                         f"Received: max_images={max_images!r}")
    x = _as_image_batch(images)
    n_all = x.shape[0]
    if n_all == 0:
        raise ValueError("`images` is empty: there is nothing to draw.")
    true = pred = conf = None
    if labels is not None:
        _check_count("labels", np.asarray(labels), n_all)
        true = to_class_indices(labels, "labels")[0]
    if predictions is not None:
        _check_count("predictions", np.asarray(predictions), n_all)
        pred = to_class_indices(predictions, "predictions")[0]
        conf = _confidences(predictions)
    n = n_all if max_images is None else min(n_all, int(max_images))
    vmin, vmax = _display_range(x[:n])

    cols = min(int(ncols), n)
    rows = math.ceil(n / cols)
    lines = (labels is not None) + (predictions is not None)
    fig = _new_figure(to_file, (1.7 * cols, (1.7 + 0.3 * lines) * rows + 0.4))
    wrong = 0 if true is not None and pred is not None else None
    for i in range(n):
        ax = fig.add_subplot(rows, cols, i + 1)
        img = x[i]
        if img.ndim == 2:
            ax.imshow(img, cmap="gray", vmin=vmin, vmax=vmax, interpolation="nearest")
        else:
            if not np.issubdtype(img.dtype, np.integer) or (vmin, vmax) != (0.0, 255.0):
                img = np.clip((img.astype(np.float64) - vmin) / (vmax - vmin), 0.0, 1.0)
            ax.imshow(img, interpolation="nearest")
        ax.set_xticks([])
        ax.set_yticks([])
        for spine in ax.spines.values():
            spine.set_visible(False)
        title, color = [], "black"
        if pred is not None:
            text = _class_name(int(pred[i]), class_names)
            if conf is not None:
                text += f" {100 * conf[i]:.0f}%"
            title.append(text if true is None else "pred: " + text)
        if true is not None:
            name = _class_name(int(true[i]), class_names)
            title.append(name if pred is None else "true: " + name)
        if wrong is not None:
            if pred[i] == true[i]:
                color = _RIGHT
            else:
                color = _WRONG
                wrong += 1
                for spine in ax.spines.values():
                    spine.set_visible(True)
                    spine.set_color(_WRONG)
                    spine.set_linewidth(3)
        if title:
            ax.set_title("\n".join(title), fontsize=9, color=color)
    if wrong is not None:
        fig.suptitle(f"{wrong} of {n} predictions wrong" + (" (in red)" if wrong else ""),
                     fontsize=11)
    return _finish(fig, to_file)


# -- confusion matrix ----------------------------------------------------------------
_NORMALIZE = {True: "true", "true": "true", "pred": "pred", "all": "all"}


def plot_confusion_matrix(y_true, y_pred, class_names=None, normalize=False, to_file=None):
    """Draws the confusion matrix as a heat map, each cell annotated.

    Rows are true classes and columns predicted ones (`confusion_matrix`),
    so the diagonal holds the correct predictions; the title gives the
    accuracy.

    Args:
        y_true: True labels: class indices or one-hot rows.
        y_pred: Predictions: class indices, or the model's outputs (argmax
            taken; sigmoid outputs thresholded at 0.5).
        class_names: Names of the classes, which also fixes their number, or
            `None` for indices. Defaults to `None`.
        normalize: `False` for counts; `True` or `"true"` to divide each row
            by its total (the share of each true class predicted as each
            class: recall on the diagonal); `"pred"` to divide each column
            (precision on the diagonal); `"all"` to divide by the number of
            samples. Defaults to `False`.
        to_file: Path of an image file to save the figure to, or `None`.
            Defaults to `None`.

    Returns:
        The `matplotlib.figure.Figure`.

    Example:

    ```python
    y_prob = model.predict(x_test)
    nnlite.utils.plot_confusion_matrix(y_test, y_prob, normalize=True)
    ```
    """
    _require_matplotlib("plot_confusion_matrix")
    mode = None
    if normalize is not False and normalize is not None:
        mode = _NORMALIZE.get(normalize) if isinstance(normalize, (bool, str)) else None
        if mode is None:
            raise ValueError(
                "Expected `normalize` to be False, True, 'true', 'pred' or 'all'. "
                f"Received: normalize={normalize!r}"
            )
    num_classes = len(class_names) if class_names is not None else None
    cm = confusion_matrix(y_true, y_pred, num_classes=num_classes)
    k = cm.shape[0]
    total = cm.sum()
    values = cm.astype(np.float64)
    if mode == "true":
        values /= np.maximum(cm.sum(axis=1, keepdims=True), 1)
    elif mode == "pred":
        values /= np.maximum(cm.sum(axis=0, keepdims=True), 1)
    elif mode == "all":
        values /= max(total, 1)
    names = [_class_name(i, class_names) for i in range(k)]

    side = min(max(4.5, 0.55 * k + 2.5), 16.0)
    fig = _new_figure(to_file, (side + 1.0, side))
    ax = fig.add_subplot(1, 1, 1)
    vmax = 1.0 if mode is not None else max(float(values.max()), 1.0)
    image = ax.imshow(values, cmap="Blues", vmin=0.0, vmax=vmax, interpolation="nearest")
    fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    ax.set_xticks(np.arange(k))
    ax.set_yticks(np.arange(k))
    long_names = max((len(s) for s in names), default=0) > 3
    ax.set_xticklabels(names, rotation=45 if long_names else 0,
                       ha="right" if long_names else "center")
    ax.set_yticklabels(names)
    ax.set_xlabel("Predicted label")
    ax.set_ylabel("True label")
    accuracy = np.trace(cm) / total if total else 0.0
    title = f"Confusion matrix (accuracy {100 * accuracy:.1f}%)"
    if mode is not None:
        title += {"true": "\nnormalized over true labels (rows)",
                  "pred": "\nnormalized over predicted labels (columns)",
                  "all": "\nnormalized over all samples"}[mode]
    ax.set_title(title)
    if k <= 30:
        # one label per cell: dark cells get white text
        fmt = "{:.2f}" if mode is not None else "{:d}"
        cells = values if mode is not None else cm
        threshold = vmax / 2.0
        for (i, j), v in np.ndenumerate(cells):
            ax.text(j, i, fmt.format(v.item()), ha="center", va="center",
                    fontsize=9 if k <= 12 else 7,
                    color="white" if values[i, j] > threshold else "black")
    return _finish(fig, to_file)
