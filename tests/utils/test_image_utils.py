"""load_img / img_to_array / array_to_img / save_img, and the missing-Pillow error."""
import io
import sys

import numpy as np
import pytest

from nnlite.utils import (array_to_img, image_dataset_from_directory, img_to_array, load_img,
                          save_img)


@pytest.fixture
def pil():
    return pytest.importorskip("PIL.Image")


def test_missing_pillow_raises_import_error_naming_pip(tmp_path, monkeypatch):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.png").write_bytes(b"not decoded")
    monkeypatch.setitem(sys.modules, "PIL", None)
    monkeypatch.setitem(sys.modules, "PIL.Image", None)
    for call in (lambda: image_dataset_from_directory(str(tmp_path)),
                 lambda: load_img(str(tmp_path / "a" / "x.png")),
                 lambda: array_to_img(np.zeros((2, 2, 3)))):
        with pytest.raises(ImportError, match="pip install pillow"):
            call()


def test_save_then_load_round_trips_png_values(tmp_path, pil):
    arr = np.random.default_rng(0).integers(0, 256, (5, 7, 3)).astype(np.float32)
    save_img(str(tmp_path / "x.png"), arr, scale=False)
    back = img_to_array(load_img(str(tmp_path / "x.png")))
    assert back.dtype == np.float32 and np.array_equal(back, arr)


def test_load_img_target_size_is_height_width(tmp_path, pil):
    pil.new("RGB", (10, 4)).save(tmp_path / "x.png")
    img = load_img(tmp_path / "x.png", target_size=(3, 5))       # pathlib.Path accepted
    assert img.size == (5, 3) and img_to_array(img).shape == (3, 5, 3)


def test_load_img_color_modes(tmp_path, pil):
    pil.new("RGB", (4, 4), (200, 100, 0)).save(tmp_path / "x.png")
    assert img_to_array(load_img(str(tmp_path / "x.png"), color_mode="grayscale")).shape == (4, 4, 1)
    assert img_to_array(load_img(str(tmp_path / "x.png"), color_mode="rgba")).shape == (4, 4, 4)
    with pytest.raises(ValueError, match='color_mode must be "grayscale", "rgb", or "rgba"'):
        load_img(str(tmp_path / "x.png"), color_mode="hsv")


def test_load_img_reads_bytes_io_and_refuses_other_types(tmp_path, pil):
    buf = io.BytesIO()
    pil.new("RGB", (3, 2)).save(buf, format="PNG")
    buf.seek(0)
    assert load_img(buf).size == (3, 2)
    with pytest.raises(TypeError, match="path should be path-like or io.BytesIO"):
        load_img(42)


def test_load_img_bad_interpolation(tmp_path, pil):
    pil.new("RGB", (4, 4)).save(tmp_path / "x.png")
    with pytest.raises(ValueError, match="Invalid interpolation method"):
        load_img(str(tmp_path / "x.png"), target_size=(2, 2), interpolation="spline")


def test_keep_aspect_ratio_resizes_the_centre_crop(tmp_path, pil):
    arr = np.zeros((4, 8, 3), np.uint8)
    arr[:, 2:6] = 255
    pil.fromarray(arr).save(tmp_path / "x.png")
    img = load_img(str(tmp_path / "x.png"), target_size=(2, 2), keep_aspect_ratio=True)
    assert np.all(img_to_array(img) == 255)


def test_img_to_array_channels_first_and_grayscale(pil):
    img = pil.new("L", (5, 3))
    assert img_to_array(img).shape == (3, 5, 1)
    assert img_to_array(img, data_format="channels_first").shape == (1, 3, 5)
    assert img_to_array(pil.new("RGB", (5, 3)), data_format="channels_first").shape == (3, 3, 5)


def test_array_to_img_scales_to_0_255_and_picks_the_mode(pil):
    img = array_to_img(np.array([[[0.0], [0.5], [1.0]]]))
    assert img.mode == "L" and np.asarray(img).tolist() == [[0, 127, 255]]
    assert array_to_img(np.zeros((2, 2, 3))).mode == "RGB"
    assert array_to_img(np.zeros((2, 2, 4))).mode == "RGBA"
    assert array_to_img(np.full((2, 2, 1), 1000.0), scale=False).mode == "I"


def test_array_to_img_rejects_bad_ranks_and_channels(pil):
    with pytest.raises(ValueError, match="Expected image array to have rank 3"):
        array_to_img(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="Unsupported channel number: 2"):
        array_to_img(np.zeros((2, 2, 2)))


def test_save_img_jpg_rgba_converts_with_a_warning(tmp_path, pil):
    with pytest.warns(UserWarning, match="JPEG format does not support RGBA"):
        save_img(str(tmp_path / "x.jpg"), np.zeros((2, 2, 4)), file_format="jpg")
    assert load_img(str(tmp_path / "x.jpg")).size == (2, 2)
