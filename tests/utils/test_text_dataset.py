"""text_dataset_from_directory: .txt files as strings, labels and splits."""
import os

import numpy as np
import pytest

from nnlite.utils import text_dataset_from_directory


def make_texts(root, classes):
    for name, texts in classes.items():
        os.makedirs(os.path.join(root, name), exist_ok=True)
        for i, text in enumerate(texts):
            with open(os.path.join(root, name, "%02d.txt" % i), "w", encoding="utf-8") as f:
                f.write(text)
    return str(root)


def test_found_message_and_string_batches(tmp_path, capsys):
    d = make_texts(tmp_path, {"neg": ["bad", "awful"], "pos": ["good"]})
    ds = text_dataset_from_directory(d, shuffle=False)
    assert capsys.readouterr().out == "Found 3 files belonging to 2 classes.\n"
    x, y = next(iter(ds))
    assert x.dtype == object and x.tolist() == ["bad", "awful", "good"]
    assert y.dtype == np.int32 and y.tolist() == [0, 0, 1] and ds.class_names == ["neg", "pos"]


def test_only_txt_files_count(tmp_path):
    d = make_texts(tmp_path, {"a": ["x"]})
    with open(os.path.join(d, "a", "notes.md"), "w") as f:
        f.write("ignored")
    x, _ = next(iter(text_dataset_from_directory(d, verbose=False)))
    assert x.tolist() == ["x"]


def test_max_length_truncates(tmp_path):
    d = make_texts(tmp_path, {"a": ["abcdefgh"]})
    x, _ = next(iter(text_dataset_from_directory(d, max_length=3, verbose=False)))
    assert x.tolist() == ["abc"]


def test_unicode_text_round_trips(tmp_path):
    d = make_texts(tmp_path, {"a": ["café — ünïcode"]})
    x, _ = next(iter(text_dataset_from_directory(d, verbose=False)))
    assert x[0] == "café — ünïcode" and isinstance(x[0], str)


def test_unbatched_yields_python_strings(tmp_path):
    d = make_texts(tmp_path, {"a": ["one", "two"]})
    x, y = next(iter(text_dataset_from_directory(d, batch_size=None, shuffle=False,
                                                 verbose=False)))
    assert x == "one" and int(y) == 0


def test_label_mode_none_and_categorical(tmp_path):
    d = make_texts(tmp_path, {"a": ["1"], "b": ["2"], "c": ["3"]})
    x = next(iter(text_dataset_from_directory(d, label_mode=None, shuffle=False, verbose=False)))
    assert x.tolist() == ["1", "2", "3"]
    _, y = next(iter(text_dataset_from_directory(d, label_mode="categorical", shuffle=False,
                                                 verbose=False)))
    assert y.tolist() == np.eye(3).tolist()


def test_validation_split_messages_and_disjoint_subsets(tmp_path, capsys):
    d = make_texts(tmp_path, {"a": ["a%d" % i for i in range(6)],
                              "b": ["b%d" % i for i in range(4)]})
    train, val = text_dataset_from_directory(d, validation_split=0.2, subset="both", seed=9)
    out = capsys.readouterr().out
    assert "Using 8 files for training." in out and "Using 2 files for validation." in out
    texts_train = [t for x, _ in train for t in x]
    texts_val = [t for x, _ in val for t in x]
    assert len(texts_train) == 8 and len(texts_val) == 2
    assert sorted(texts_train + texts_val) == sorted(["a%d" % i for i in range(6)] +
                                                     ["b%d" % i for i in range(4)])


def test_text_errors(tmp_path):
    d = make_texts(tmp_path, {"a": ["x"]})
    with pytest.raises(ValueError, match="you must provide a `seed` argument"):
        text_dataset_from_directory(d, validation_split=0.5, subset="training")
    os.makedirs(tmp_path / "empty" / "a")
    with pytest.raises(ValueError, match="No text files found in directory"):
        text_dataset_from_directory(str(tmp_path / "empty"), verbose=False)
