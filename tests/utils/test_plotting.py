"""confusion_matrix against hand-counted examples; plot_history, plot_images and
plot_confusion_matrix rendered to PNG files; the ImportError without matplotlib."""
import os
import re
import sys

import numpy as np
import pytest

import nnlite
from nnlite.utils import (confusion_matrix, plot_confusion_matrix, plot_history,
                          plot_images)


@pytest.fixture
def mpl():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    before = set(plt.get_fignums())
    yield matplotlib
    for num in set(plt.get_fignums()) - before:
        plt.close(num)


def _read_png(path):
    import matplotlib.image
    image = np.asarray(matplotlib.image.imread(str(path)), dtype=np.float64)
    return image


def _check_picture(path, min_height=100, min_width=100):
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    image = _read_png(path)
    assert image.shape[0] >= min_height and image.shape[1] >= min_width
    assert image.var() > 0
    return image


# -- confusion_matrix ---------------------------------------------------------------
Y_TRUE = [0, 0, 1, 1, 2, 2, 2]
Y_PRED = [0, 1, 1, 1, 2, 0, 2]
# counted by hand: row = true class, column = predicted class
CM = np.array([[1, 1, 0],
               [0, 2, 0],
               [1, 0, 2]])


def test_confusion_matrix_matches_hand_count():
    cm = confusion_matrix(Y_TRUE, Y_PRED)
    np.testing.assert_array_equal(cm, CM)
    assert cm.dtype == np.int64
    assert np.trace(cm) / cm.sum() == pytest.approx(5 / 7)


def test_confusion_matrix_takes_argmax_of_one_hot_and_probabilities():
    one_hot = np.eye(3)[Y_TRUE]
    probs = np.eye(3)[Y_PRED] * 0.6 + 0.4 / 3
    np.testing.assert_array_equal(confusion_matrix(one_hot, probs), CM)


def test_confusion_matrix_accepts_column_labels_and_sigmoid_outputs():
    y_true = np.array([[0], [1], [1], [0], [1]], dtype=np.uint8)   # CIFAR-style (n, 1)
    p = np.array([[0.2], [0.9], [0.4], [0.7], [0.51]], dtype=np.float32)
    np.testing.assert_array_equal(confusion_matrix(y_true, p), [[1, 1], [1, 2]])


def test_confusion_matrix_num_classes_and_one_hot_width_add_empty_classes():
    np.testing.assert_array_equal(confusion_matrix([0, 1], [1, 1], num_classes=4),
                                  [[0, 1, 0, 0], [0, 1, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]])
    cm = confusion_matrix(np.eye(5)[[0, 1]], [0, 1])
    assert cm.shape == (5, 5) and cm.sum() == 2


def test_confusion_matrix_errors_name_the_argument():
    with pytest.raises(ValueError, match="same number of samples"):
        confusion_matrix([0, 1], [0])
    with pytest.raises(ValueError, match="num_classes=2"):
        confusion_matrix([0, 2], [0, 1], num_classes=2)
    with pytest.raises(ValueError, match="non-negative"):
        confusion_matrix([0, -1], [0, 1])
    with pytest.raises(ValueError, match="num_classes=0"):
        confusion_matrix([0], [0], num_classes=0)
    with pytest.raises(ValueError, match="y_pred"):
        confusion_matrix([0, 1], [0.5, 3.2])


# -- plot_history --------------------------------------------------------------------
LOGS = {"accuracy": [0.5, 0.6, 0.7, 0.75], "loss": [1.0, 0.8, 0.6, 0.5],
        "val_accuracy": [0.45, 0.55, 0.6, 0.62], "val_loss": [1.1, 0.9, 0.8, 0.78]}


def test_plot_history_draws_loss_and_each_metric_on_its_own_axes(mpl, tmp_path):
    path = tmp_path / "history.png"
    fig = plot_history(LOGS, to_file=path)
    _check_picture(path, min_width=400)
    assert [ax.get_title() for ax in fig.axes] == ["loss", "accuracy"]
    loss_ax = fig.axes[0]
    assert [line.get_label() for line in loss_ax.get_lines()] == ["training", "validation"]
    np.testing.assert_allclose(loss_ax.get_lines()[1].get_ydata(), LOGS["val_loss"])
    np.testing.assert_array_equal(loss_ax.get_lines()[0].get_xdata(), [1, 2, 3, 4])


def test_plot_history_of_a_fit_history(mpl, tmp_path):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 3)).astype("float32")
    y = (x[:, :1] > 0).astype("float32")
    model = nnlite.Sequential([nnlite.Input((3,)), nnlite.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=3, validation_split=0.25, verbose=0)
    path = tmp_path / "fit.png"
    fig = plot_history(history, to_file=path)
    _check_picture(path)
    assert [ax.get_title() for ax in fig.axes] == ["loss", "accuracy"]
    assert len(fig.axes[0].get_lines()[0].get_ydata()) == 3


def test_plot_history_metrics_selects_panels(mpl):
    logs = dict(LOGS, mae=[0.3, 0.2, 0.1, 0.1])
    fig = plot_history(logs, metrics="mae")
    assert [ax.get_title() for ax in fig.axes] == ["loss", "mae"]
    fig = plot_history(logs, metrics=["val_accuracy", "mae"])
    assert [ax.get_title() for ax in fig.axes] == ["loss", "accuracy", "mae"]
    with pytest.raises(ValueError, match="no metric 'auc'"):
        plot_history(logs, metrics=["auc"])


def test_plot_history_places_sparse_validation_at_its_epochs(mpl):
    # validation_freq=2 over 4 epochs: validation after epochs 2 and 4
    fig = plot_history({"loss": [4.0, 3.0, 2.0, 1.0], "val_loss": [3.5, 1.5]})
    val = fig.axes[0].get_lines()[1]
    np.testing.assert_array_equal(val.get_xdata(), [2, 4])


def test_plot_history_rejects_empty_or_wrong_input(mpl):
    with pytest.raises(ValueError, match="no epochs"):
        plot_history({})
    with pytest.raises(TypeError, match="History"):
        plot_history([1.0, 0.5])


def test_plot_history_to_file_leaves_no_pyplot_figure_open(mpl, tmp_path):
    import matplotlib.pyplot as plt
    before = plt.get_fignums()
    plot_history(LOGS, to_file=tmp_path / "h.png")
    assert plt.get_fignums() == before
    plot_history(LOGS)                       # for a notebook or plt.show()
    assert len(plt.get_fignums()) == len(before) + 1


# -- plot_images ---------------------------------------------------------------------
def _digit_like_images(n=6, side=12):
    rng = np.random.default_rng(1)
    images = np.zeros((n, side, side), dtype=np.float32)
    images[:, 3:9, 3:9] = rng.uniform(0.5, 1.0, size=(n, 6, 6))
    return images


def test_plot_images_marks_wrong_predictions(mpl, tmp_path):
    images = _digit_like_images()
    labels = np.array([0, 1, 2, 0, 1, 2])
    probs = np.eye(3)[[0, 1, 1, 0, 2, 2]] * 0.7 + 0.1        # images 2 and 4 wrong
    path = tmp_path / "images.png"
    fig = plot_images(images, labels, probs, class_names=["cat", "dog", "eel"],
                      to_file=path, ncols=3)
    _check_picture(path)
    assert fig._suptitle.get_text() == "2 of 6 predictions wrong (in red)"
    titles = [ax.get_title() for ax in fig.axes]
    assert titles[2] == "pred: dog 80%\ntrue: eel"
    assert titles[0] == "pred: cat 80%\ntrue: cat"
    red = [i for i, ax in enumerate(fig.axes) if ax.spines["top"].get_visible()]
    assert red == [2, 4]
    assert fig.axes[2].title.get_color() != fig.axes[0].title.get_color()


def test_plot_images_labels_only_and_layouts(mpl, tmp_path):
    rng = np.random.default_rng(2)
    flat = rng.random((5, 64))                                   # flattened 8x8
    fig = plot_images(flat, labels=[3, 1, 4, 1, 5])
    assert [ax.get_title() for ax in fig.axes] == ["3", "1", "4", "1", "5"]
    assert fig.axes[0].get_images()[0].get_array().shape == (8, 8)
    rgb_chw = rng.integers(0, 256, size=(4, 3, 10, 10)).astype(np.uint8)
    path = tmp_path / "rgb.png"
    fig = plot_images(rgb_chw, to_file=path, ncols=2)
    _check_picture(path)
    assert fig.axes[0].get_images()[0].get_array().shape == (10, 10, 3)
    assert len(fig.axes) == 4


def test_plot_images_grey_range_follows_the_data(mpl):
    digits = np.array([[[0, 16], [8, 4]]], dtype=np.uint8)          # digits: 0..16
    clim = plot_images(digits).axes[0].get_images()[0].get_clim()
    assert clim == (0.0, 16.0)
    photo = np.array([[[0, 255], [8, 4]]], dtype=np.uint8)
    assert plot_images(photo).axes[0].get_images()[0].get_clim() == (0.0, 255.0)
    unit = np.array([[[0.1, 0.5], [0.2, 0.3]]])
    assert plot_images(unit).axes[0].get_images()[0].get_clim() == (0.0, 1.0)
    standardized = np.array([[[-1.5, 2.0], [0.0, 0.5]]])
    assert plot_images(standardized).axes[0].get_images()[0].get_clim() == (-1.5, 2.0)


def test_plot_images_max_images_and_errors(mpl):
    images = _digit_like_images(n=10)
    assert len(plot_images(images, max_images=4).axes) == 4
    with pytest.raises(ValueError, match="len\\(labels\\)=3"):
        plot_images(images, labels=[0, 1, 2])
    with pytest.raises(ValueError, match="images.shape=\\(28, 30\\)"):
        plot_images(np.zeros((28, 30)))
    with pytest.raises(ValueError, match="ncols=0"):
        plot_images(images, ncols=0)


# -- plot_confusion_matrix -----------------------------------------------------------
def test_plot_confusion_matrix_annotates_each_cell_with_its_count(mpl, tmp_path):
    path = tmp_path / "cm.png"
    fig = plot_confusion_matrix(Y_TRUE, Y_PRED, class_names=["a", "b", "c"], to_file=path)
    _check_picture(path)
    ax = fig.axes[0]
    texts = np.array([int(t.get_text()) for t in ax.texts]).reshape(3, 3)
    np.testing.assert_array_equal(texts, CM)
    assert ax.get_xlabel() == "Predicted label" and ax.get_ylabel() == "True label"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]
    assert "71.4%" in ax.get_title()


def test_plot_confusion_matrix_normalizes_rows(mpl, tmp_path):
    path = tmp_path / "cm_norm.png"
    fig = plot_confusion_matrix(np.eye(3)[Y_TRUE], Y_PRED, normalize=True, to_file=path)
    _check_picture(path)
    values = np.array([float(t.get_text()) for t in fig.axes[0].texts]).reshape(3, 3)
    np.testing.assert_allclose(values, CM / CM.sum(axis=1, keepdims=True), atol=0.005)
    fig = plot_confusion_matrix(Y_TRUE, Y_PRED, normalize="pred")
    values = np.array([float(t.get_text()) for t in fig.axes[0].texts]).reshape(3, 3)
    np.testing.assert_allclose(values, CM / CM.sum(axis=0, keepdims=True), atol=0.005)
    with pytest.raises(ValueError, match="normalize='rows'"):
        plot_confusion_matrix(Y_TRUE, Y_PRED, normalize="rows")


# -- without matplotlib --------------------------------------------------------------
@pytest.mark.parametrize("call", [
    lambda: plot_history(LOGS),
    lambda: plot_images(np.zeros((2, 4, 4))),
    lambda: plot_confusion_matrix([0, 1], [0, 1]),
], ids=["plot_history", "plot_images", "plot_confusion_matrix"])
def test_plots_without_matplotlib_say_what_to_install(monkeypatch, call):
    monkeypatch.setitem(sys.modules, "matplotlib", None)   # `import matplotlib` now fails
    with pytest.raises(ImportError, match=re.escape("pip install matplotlib")):
        call()


def test_the_install_hint_names_the_distribution_and_its_plot_extra(monkeypatch):
    # the wheel is `nnlite-keras` (pyproject.toml), with a `plot` extra
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    with open(os.path.join(root, "pyproject.toml")) as f:
        pyproject = f.read()      # no tomllib before Python 3.11
    name = re.search(r'^name = "([^"]+)"', pyproject, re.M).group(1)
    assert re.search(r"^plot = \[", pyproject, re.M)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ImportError) as info:
        plot_history(LOGS)
    assert "pip install '%s[plot]'" % name in str(info.value)


def test_confusion_matrix_needs_no_matplotlib(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    np.testing.assert_array_equal(confusion_matrix(Y_TRUE, Y_PRED), CM)
