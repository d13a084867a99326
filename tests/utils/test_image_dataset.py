"""image_dataset_from_directory: files, labels, splits, decoding and streaming."""
import os

import numpy as np
import pytest

Image = pytest.importorskip("PIL.Image")

from nnlite.utils import image_dataset_from_directory  # noqa: E402


def make_folder(root, counts, size=(6, 8), ext=".png", mode="RGB"):
    """`counts` = {class: n}; file i of a class is a solid image of colour
    (10 * class_index, i, 0)."""
    for c, (name, n) in enumerate(sorted(counts.items())):
        os.makedirs(os.path.join(root, name), exist_ok=True)
        for i in range(n):
            colour = (10 * c, i, 0) if mode == "RGB" else 10 * c
            Image.new(mode, (size[1], size[0]), colour).save(
                os.path.join(root, name, "img_%03d%s" % (i, ext)))
    return str(root)


def test_found_message_and_sorted_class_names(tmp_path, capsys):
    d = make_folder(tmp_path, {"dog": 2, "cat": 2, "Zebra": 2})
    ds = image_dataset_from_directory(d, image_size=(6, 8))
    assert capsys.readouterr().out == "Found 6 files belonging to 3 classes.\n"
    assert ds.class_names == ["Zebra", "cat", "dog"]


def test_batches_are_float32_images_and_int32_labels(tmp_path):
    d = make_folder(tmp_path, {"a": 3, "b": 2})
    x, y = next(iter(image_dataset_from_directory(d, image_size=(4, 5), batch_size=4)))
    assert x.shape == (4, 4, 5, 3) and x.dtype == np.float32
    assert y.shape == (4,) and y.dtype == np.int32


def test_unshuffled_order_is_class_then_file_name(tmp_path):
    d = make_folder(tmp_path, {"a": 3, "b": 2})
    ds = image_dataset_from_directory(d, image_size=(6, 8), shuffle=False, batch_size=10)
    x, y = next(iter(ds))
    assert y.tolist() == [0, 0, 0, 1, 1]
    assert [os.path.relpath(p, d) for p in ds.file_paths] == [
        os.path.join("a", "img_000.png"), os.path.join("a", "img_001.png"),
        os.path.join("a", "img_002.png"), os.path.join("b", "img_000.png"),
        os.path.join("b", "img_001.png")]
    assert x[4, 0, 0].tolist() == [10.0, 1.0, 0.0]       # the decoded colour, in [0, 255]


def test_labels_stay_with_their_images_when_shuffled(tmp_path):
    d = make_folder(tmp_path, {"a": 5, "b": 5, "c": 5})
    for x, y in image_dataset_from_directory(d, image_size=(6, 8), seed=4, batch_size=4):
        assert np.array_equal(x[:, 0, 0, 0], 10.0 * y)


def test_categorical_and_binary_label_modes(tmp_path):
    d = make_folder(tmp_path, {"a": 2, "b": 2})
    _, y = next(iter(image_dataset_from_directory(d, label_mode="categorical", shuffle=False,
                                                  image_size=(6, 8))))
    assert y.dtype == np.float32 and y.tolist() == [[1, 0], [1, 0], [0, 1], [0, 1]]
    _, y = next(iter(image_dataset_from_directory(d, label_mode="binary", shuffle=False,
                                                  image_size=(6, 8))))
    assert y.dtype == np.float32 and y.shape == (4, 1) and y[:, 0].tolist() == [0, 0, 1, 1]


def test_binary_needs_exactly_two_classes(tmp_path):
    d = make_folder(tmp_path, {"a": 1, "b": 1, "c": 1})
    with pytest.raises(ValueError, match='When passing `label_mode="binary"`, there must be '
                                         'exactly 2 class_names'):
        image_dataset_from_directory(d, label_mode="binary")


def test_label_mode_none_yields_images_only(tmp_path):
    d = make_folder(tmp_path, {"a": 2})
    batch = next(iter(image_dataset_from_directory(d, label_mode=None, image_size=(6, 8))))
    assert isinstance(batch, np.ndarray) and batch.shape == (2, 6, 8, 3)


def test_color_modes_give_1_3_4_channels(tmp_path):
    d = make_folder(tmp_path, {"a": 2})
    for mode, channels in (("grayscale", 1), ("rgb", 3), ("rgba", 4)):
        x, _ = next(iter(image_dataset_from_directory(d, color_mode=mode, image_size=(6, 8))))
        assert x.shape[-1] == channels


def test_bad_arguments_raise_keras_errors(tmp_path):
    d = make_folder(tmp_path, {"a": 2})
    with pytest.raises(ValueError, match="`color_mode` must be one of"):
        image_dataset_from_directory(d, color_mode="cmyk")
    with pytest.raises(ValueError, match="`label_mode` argument must be one of"):
        image_dataset_from_directory(d, label_mode="sparse")
    with pytest.raises(ValueError, match="Invalid `image_size` value"):
        image_dataset_from_directory(d, image_size=(1, 2, 3))
    with pytest.raises(ValueError, match="Argument `interpolation` should be one of"):
        image_dataset_from_directory(d, interpolation="cubicle")
    with pytest.raises(ValueError, match="`labels` argument should be a list/tuple"):
        image_dataset_from_directory(d, labels="folders")


def test_validation_split_needs_seed_and_subset(tmp_path):
    d = make_folder(tmp_path, {"a": 5})
    with pytest.raises(ValueError, match="you must provide a `seed` argument"):
        image_dataset_from_directory(d, validation_split=0.2, subset="training")
    with pytest.raises(ValueError, match="If `subset` is set, `validation_split` must be set"):
        image_dataset_from_directory(d, validation_split=0.2, seed=1)
    with pytest.raises(ValueError, match="`validation_split` must be between 0 and 1"):
        image_dataset_from_directory(d, validation_split=1.5, subset="training", seed=1)
    with pytest.raises(ValueError, match='`subset` must be either "training", "validation"'):
        image_dataset_from_directory(d, validation_split=0.2, subset="test", seed=1)


def test_validation_subset_is_the_last_files_after_the_seeded_shuffle(tmp_path, capsys):
    d = make_folder(tmp_path, {"a": 12, "b": 9})
    sorted_paths = sorted(os.path.join(d, c, f) for c in ("a", "b")
                          for f in os.listdir(os.path.join(d, c)))
    reference = list(sorted_paths)
    np.random.RandomState(1337).shuffle(reference)
    num_val = int(0.3 * 21)                                  # 6
    train = image_dataset_from_directory(d, validation_split=0.3, subset="training",
                                         seed=1337, image_size=(6, 8))
    val = image_dataset_from_directory(d, validation_split=0.3, subset="validation",
                                       seed=1337, image_size=(6, 8))
    out = capsys.readouterr().out
    assert "Using 15 files for training.\n" in out and "Using 6 files for validation.\n" in out
    assert train.file_paths == reference[:-num_val]
    assert val.file_paths == reference[-num_val:]


def test_subset_both_returns_training_and_validation(tmp_path):
    d = make_folder(tmp_path, {"a": 6, "b": 4})
    train, val = image_dataset_from_directory(d, validation_split=0.2, subset="both", seed=7,
                                              image_size=(6, 8), batch_size=3)
    assert len(train.file_paths) == 8 and len(val.file_paths) == 2
    assert not set(train.file_paths) & set(val.file_paths)
    assert len(train) == 3 and len(val) == 1 and val.class_names == ["a", "b"]


def test_unbatched_dataset_yields_single_images(tmp_path):
    d = make_folder(tmp_path, {"a": 2, "b": 1})
    ds = image_dataset_from_directory(d, batch_size=None, image_size=(6, 8))
    x, y = next(iter(ds))
    assert x.shape == (6, 8, 3) and np.asarray(y).shape == () and len(ds) == 3


def test_only_allowed_formats_are_listed(tmp_path):
    d = make_folder(tmp_path, {"a": 1})
    for ext, fmt in ((".jpg", "JPEG"), (".JPEG", "JPEG"), (".bmp", "BMP"), (".gif", "GIF"),
                     (".tiff", "TIFF")):
        Image.new("RGB", (8, 6), (1, 2, 3)).save(os.path.join(d, "a", "x" + ext), format=fmt)
    with open(os.path.join(d, "a", "notes.txt"), "w") as f:
        f.write("not an image")
    ds = image_dataset_from_directory(d, image_size=(6, 8), verbose=False)
    assert len(ds.file_paths) == 5                         # png jpg JPEG bmp gif


def test_explicit_labels_follow_the_sorted_file_order(tmp_path):
    d = make_folder(tmp_path, {"a": 2, "b": 2})
    ds = image_dataset_from_directory(d, labels=[3, 1, 1, 3], shuffle=False, image_size=(6, 8))
    _, y = next(iter(ds))
    assert y.tolist() == [3, 1, 1, 3] and ds.class_names == ["1", "3"]
    with pytest.raises(ValueError, match="You can only pass `class_names` if"):
        image_dataset_from_directory(d, labels=[0, 1, 0, 1], class_names=["a", "b"])
    with pytest.raises(ValueError, match="Expected the lengths of `labels` to match"):
        image_dataset_from_directory(d, labels=[0, 1])


def test_class_names_choose_and_order_the_classes(tmp_path):
    d = make_folder(tmp_path, {"a": 1, "b": 2, "c": 1})
    ds = image_dataset_from_directory(d, class_names=["c", "a"], shuffle=False, image_size=(6, 8))
    _, y = next(iter(ds))
    assert y.tolist() == [0, 1] and ds.class_names == ["c", "a"]
    with pytest.raises(ValueError, match="did not match the names of the subdirectories"):
        image_dataset_from_directory(d, class_names=["a", "zz"])


def test_bilinear_resize_uses_half_pixel_centres(tmp_path):
    os.makedirs(tmp_path / "a")
    Image.fromarray(np.array([[10, 20], [30, 40]], np.uint8), "L").save(tmp_path / "a" / "x.png")
    x, _ = next(iter(image_dataset_from_directory(str(tmp_path), color_mode="grayscale",
                                                  image_size=(4, 4))))
    expected = 10 * np.array([[1, 1.25, 1.75, 2], [1.5, 1.75, 2.25, 2.5],
                              [2.5, 2.75, 3.25, 3.5], [3, 3.25, 3.75, 4]])
    assert np.allclose(x[0, :, :, 0], expected)


def test_nearest_resize_repeats_pixels(tmp_path):
    os.makedirs(tmp_path / "a")
    Image.fromarray(np.array([[10, 20], [30, 40]], np.uint8), "L").save(tmp_path / "a" / "x.png")
    x, _ = next(iter(image_dataset_from_directory(str(tmp_path), color_mode="grayscale",
                                                  image_size=(4, 4), interpolation="nearest")))
    assert x[0, :, :, 0].tolist() == [[10, 10, 20, 20]] * 2 + [[30, 30, 40, 40]] * 2


def _banded(tmp_path):
    """A 4 x 8 image: blue columns 0-1 and 6-7, red columns 2-5."""
    os.makedirs(tmp_path / "a")
    arr = np.zeros((4, 8, 3), np.uint8)
    arr[:, :, 2] = 255
    arr[:, 2:6] = (255, 0, 0)
    Image.fromarray(arr, "RGB").save(tmp_path / "a" / "x.png")
    return str(tmp_path)


def test_crop_to_aspect_ratio_keeps_the_centre(tmp_path):
    x, _ = next(iter(image_dataset_from_directory(_banded(tmp_path), image_size=(4, 4),
                                                  crop_to_aspect_ratio=True)))
    assert np.all(x[0] == np.array([255, 0, 0], np.float32))


def test_pad_to_aspect_ratio_adds_zero_bands(tmp_path):
    x, _ = next(iter(image_dataset_from_directory(_banded(tmp_path), image_size=(8, 8),
                                                  pad_to_aspect_ratio=True)))
    assert np.all(x[0, :2] == 0) and np.all(x[0, 6:] == 0)
    assert np.array_equal(x[0, 2:6, 3], [[255, 0, 0]] * 4)


def test_crop_and_pad_together_are_refused(tmp_path):
    with pytest.raises(ValueError, match="Only one of `pad_to_aspect_ratio`"):
        image_dataset_from_directory(_banded(tmp_path), crop_to_aspect_ratio=True,
                                     pad_to_aspect_ratio=True)


def test_channels_first_puts_channels_before_height(tmp_path):
    d = make_folder(tmp_path, {"a": 2})
    x, _ = next(iter(image_dataset_from_directory(d, image_size=(6, 8),
                                                  data_format="channels_first")))
    assert x.shape == (2, 3, 6, 8)


def test_follow_links_visits_linked_folders(tmp_path):
    d = make_folder(tmp_path / "data", {"a": 2})
    other = make_folder(tmp_path / "other", {"extra": 3})
    os.symlink(os.path.join(other, "extra"), os.path.join(d, "a", "linked"))
    assert len(image_dataset_from_directory(d, verbose=False).file_paths) == 2
    assert len(image_dataset_from_directory(d, follow_links=True, verbose=False).file_paths) == 5


def test_empty_folder_raises_no_images_found(tmp_path):
    os.makedirs(tmp_path / "a")
    with pytest.raises(ValueError, match="No images found in directory"):
        image_dataset_from_directory(str(tmp_path))


def test_each_pass_reshuffles_the_same_files(tmp_path):
    d = make_folder(tmp_path, {"a": 10, "b": 10})
    ds = image_dataset_from_directory(d, image_size=(2, 2), seed=5, batch_size=4)
    first, second = [np.concatenate([x[:, 0, 0, 1] + 100 * y for x, y in ds]) for _ in range(2)]
    assert sorted(first) == sorted(second) and not np.array_equal(first, second)


def test_images_are_decoded_one_batch_at_a_time(tmp_path, monkeypatch):
    d = make_folder(tmp_path, {"a": 100, "b": 100}, size=(4, 4))
    opened = []
    real_open = Image.open
    monkeypatch.setattr(Image, "open", lambda *a, **k: opened.append(1) or real_open(*a, **k))
    ds = image_dataset_from_directory(d, image_size=(4, 4), seed=0, batch_size=16,
                                      verbose=False)
    assert opened == []                                    # listing decodes nothing
    for step, (x, _) in enumerate(ds):
        assert len(opened) == 16 * step + len(x)           # only this batch was decoded
    assert len(opened) == 200

