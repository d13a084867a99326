"""Tests for nnlite.utils.summary_utils.print_summary.

The expected tables are the plain-text output of Keras 3.15.1's
`model.summary()` (rich 15) for the same models.
"""
import numpy as np
import pytest

from nnlite.utils.summary_utils import print_summary, readable_memory_size

# keras.Sequential([Input((20,)), Dense(100), Dense(1)]) at line_length 88
KERAS_2201 = """\
Model: "sequential"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━┓
┃ Layer (type)                         ┃ Output Shape                ┃         Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━┩
│ dense (Dense)                        │ (None, 100)                 │           2,100 │
├──────────────────────────────────────┼─────────────────────────────┼─────────────────┤
│ dense_1 (Dense)                      │ (None, 1)                   │             101 │
└──────────────────────────────────────┴─────────────────────────────┴─────────────────┘
 Total params: 2,201 (8.60 KB)
 Trainable params: 2,201 (8.60 KB)
 Non-trainable params: 0 (0.00 B)
"""
ROWS_2201 = [("dense", "Dense", "(None, 100)", 2100),
             ("dense_1", "Dense", "(None, 1)", 101)]

# the same model in an 80-column terminal or a notebook (line_length 76)
KERAS_2201_76 = """\
Model: "sequential"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ dense (Dense)                   │ (None, 100)            │         2,100 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense_1 (Dense)                 │ (None, 1)              │           101 │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 2,201 (8.60 KB)
 Trainable params: 2,201 (8.60 KB)
 Non-trainable params: 0 (0.00 B)
"""

# Dense(64), BatchNormalization, Dense(10000), Dense(1000, long name)
KERAS_WRAPPED = """\
Model: "sequential_1"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━┓
┃ Layer (type)                         ┃ Output Shape                ┃         Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━┩
│ dense_2 (Dense)                      │ (None, 64)                  │             704 │
├──────────────────────────────────────┼─────────────────────────────┼─────────────────┤
│ batch_normalization                  │ (None, 64)                  │             256 │
│ (BatchNormalization)                 │                             │                 │
├──────────────────────────────────────┼─────────────────────────────┼─────────────────┤
│ dense_3 (Dense)                      │ (None, 10000)               │         650,000 │
├──────────────────────────────────────┼─────────────────────────────┼─────────────────┤
│ a_very_long_dense_layer_name_that_i… │ (None, 1000)                │      10,001,000 │
│ (Dense)                              │                             │                 │
└──────────────────────────────────────┴─────────────────────────────┴─────────────────┘
 Total params: 10,651,960 (40.63 MB)
 Trainable params: 10,651,832 (40.63 MB)
 Non-trainable params: 128 (512.00 B)
"""
ROWS_WRAPPED = [
    ("dense_2", "Dense", "(None, 64)", 704),
    ("batch_normalization", "BatchNormalization", "(None, 64)", 256),
    ("dense_3", "Dense", "(None, 10000)", 650000),
    ("a_very_long_dense_layer_name_that_is_too_wide", "Dense",
     "(None, 1000)", 10001000),
]

# Sequential([Dense(3), Dense(1)]) before it is built
KERAS_UNBUILT = """\
Model: "sequential_1"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━┓
┃ Layer (type)                         ┃ Output Shape                ┃         Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━┩
│ dense_3 (Dense)                      │ ?                           │     0 (unbuilt) │
├──────────────────────────────────────┼─────────────────────────────┼─────────────────┤
│ dense_4 (Dense)                      │ ?                           │     0 (unbuilt) │
└──────────────────────────────────────┴─────────────────────────────┴─────────────────┘
 Total params: 0 (0.00 B)
 Trainable params: 0 (0.00 B)
 Non-trainable params: 0 (0.00 B)
"""


def capture(*args, **kwargs):
    calls = []
    print_summary(*args, print_fn=calls.append, **kwargs)
    assert len(calls) == 1
    return calls[0]


def test_summary_table_matches_keras_for_2201_param_model():
    text = capture("sequential", ROWS_2201, 2201, 2201, 0, line_length=88)
    assert text == KERAS_2201


def test_summary_at_line_length_76_matches_keras_notebook_width():
    text = capture("sequential", ROWS_2201, 2201, 2201, 0, line_length=76)
    assert text == KERAS_2201_76


def test_default_line_length_is_88_on_a_wide_terminal(monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    assert capture("sequential", ROWS_2201, 2201, 2201, 0) == KERAS_2201


def test_default_line_length_is_terminal_width_minus_4(monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    assert capture("sequential", ROWS_2201, 2201, 2201, 0) == KERAS_2201_76


@pytest.mark.parametrize("line_length", [40, 60, 76, 88, 120])
def test_every_table_line_is_line_length_wide(line_length):
    text = capture("m", ROWS_WRAPPED, 10651960, 10651832, 128,
                   line_length=line_length)
    table = text.splitlines()[1:-3]
    assert {len(line) for line in table} == {line_length}


def test_long_name_and_type_wrap_onto_two_lines():
    text = capture("sequential_1", ROWS_WRAPPED, 10651960, 10651832, 128,
                   line_length=88)
    assert text == KERAS_WRAPPED


def test_unbuilt_rows_show_question_mark_and_zero_unbuilt():
    rows = [("dense_3", "Dense", "?", None), ("dense_4", "Dense", "?", None)]
    text = capture("sequential_1", rows, 0, 0, 0, line_length=88)
    assert text == KERAS_UNBUILT


def test_param_counts_use_thousands_separators():
    rows = [("big", "Dense", "(None, 9)", 1234567890)]
    text = capture("m", rows, 1234567890, 1234567890, 0, line_length=88)
    assert "│   1,234,567,890 │" in text
    assert " Total params: 1,234,567,890 (4.60 GB)" in text


def test_numpy_integer_counts_are_accepted():
    rows = [("dense", "Dense", "(None, 100)", np.int64(2100)),
            ("dense_1", "Dense", "(None, 1)", np.int64(101))]
    text = capture("sequential", rows, np.int64(2201), np.int64(2201),
                   np.int64(0), line_length=88)
    assert text == KERAS_2201


def test_totals_sizes_are_four_bytes_per_param():
    # 2,201 float32 params = 8,804 bytes = 8.597... KiB
    expected_kb = "%.2f KB" % (2201 * 4 / 1024)
    assert expected_kb == "8.60 KB"
    text = capture("sequential", ROWS_2201, 2201, 2201, 0, line_length=88)
    assert f" Total params: 2,201 ({expected_kb})\n" in text
    assert text.endswith(
        f" Trainable params: 2,201 ({expected_kb})\n"
        " Non-trainable params: 0 (0.00 B)\n")


def test_optimizer_params_line_is_added_and_counted_in_total():
    rows = [("dense_7", "Dense", "(None, 3)", 15)]
    text = capture("sequential_3", rows, 15, 15, 0, optimizer_params=32,
                   line_length=88)
    # Keras 3.15.1 (torch backend) prints exactly these lines after fit.
    assert text.endswith(
        " Total params: 47 (188.00 B)\n"
        " Trainable params: 15 (60.00 B)\n"
        " Non-trainable params: 0 (0.00 B)\n"
        " Optimizer params: 32 (128.00 B)\n")


def test_optimizer_bytes_can_count_an_int64_counter():
    # TensorFlow keeps the iteration counter as int64: 31*4 + 8 bytes.
    rows = [("dense", "Dense", "(None, 3)", 15)]
    text = capture("m", rows, 15, 15, 0, optimizer_params=32,
                   optimizer_bytes=132, line_length=88)
    assert " Total params: 47 (192.00 B)\n" in text
    assert text.endswith(" Optimizer params: 32 (132.00 B)\n")


def test_no_optimizer_line_without_optimizer_params():
    text = capture("sequential", ROWS_2201, 2201, 2201, 0, line_length=88)
    assert "Optimizer params" not in text


@pytest.mark.parametrize("num_bytes, text", [
    (0, "0.00 B"),
    (88, "88.00 B"),
    (1023, "1023.00 B"),
    (1024, "1.00 KB"),
    (8804, "8.60 KB"),
    (42607840, "40.63 MB"),
    (3 * 1024 ** 3, "3.00 GB"),
])
def test_readable_memory_size_units(num_bytes, text):
    assert readable_memory_size(num_bytes) == text


def test_print_fn_none_writes_to_stdout(capsys):
    print_summary("sequential", ROWS_2201, 2201, 2201, 0, line_length=88)
    assert capsys.readouterr().out == KERAS_2201


def test_empty_model_draws_header_and_bottom_only():
    text = capture("sequential", [], 0, 0, 0, line_length=88)
    lines = text.splitlines()
    assert lines[4].startswith("└") and lines[5] == " Total params: 0 (0.00 B)"


def test_total_must_equal_trainable_plus_non_trainable():
    with pytest.raises(ValueError, match="total=10, trainable=4"):
        print_summary("m", [], 10, 4, 5)


def test_negative_count_is_rejected_with_its_value():
    with pytest.raises(ValueError, match="non_trainable=-1"):
        print_summary("m", [], 0, 1, -1)


def test_too_narrow_line_length_is_rejected():
    with pytest.raises(ValueError, match="line_length=10"):
        print_summary("m", [], 0, 0, 0, line_length=10)


def test_malformed_row_is_rejected_with_its_index():
    with pytest.raises(ValueError, match=r"rows\[1\]"):
        print_summary("m", [ROWS_2201[0], ("x", "Dense")], 2100, 2100, 0)
