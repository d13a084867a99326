"""Tests for nnlite.utils.progbar.Progbar.

Expected strings were produced by Keras 3.15.1's `keras.utils.Progbar`
(with `stateless_metrics=set()`, as its ProgbarLogger uses it) under the
same fake clock.
"""
import re
import sys

import numpy as np
import pytest

from nnlite.utils import progbar as progbar_module
from nnlite.utils.progbar import Progbar

BAR = "\u2501"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


class FakeClock:
    """Stands in for the `time` module inside progbar.py."""

    def __init__(self, start=1000.0):
        self.now = start

    def time(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    fake = FakeClock()
    monkeypatch.setattr(progbar_module, "time", fake)
    return fake


def run(clock, steps, **kwargs):
    """Creates a Progbar and feeds it `(seconds, method, args, kwargs)`."""
    bar = Progbar(**kwargs)
    for seconds, method, args, kw in steps:
        clock.now += seconds
        getattr(bar, method)(*args, **kw)
    return bar


def plain(text):
    return ANSI.sub("", text)


def last_line(text):
    """The last drawn line, as a person sees it on a terminal."""
    return plain(re.split(r"[\r\n]", text.rstrip("\n"))[-1]).rstrip("\b ")


def test_verbose2_prints_one_keras_line_at_the_end(clock, capsys):
    steps = [(0.013, "update", (i, [("accuracy", 0.567), ("loss", 0.6755)]),
              {}) for i in range(1, 33)]
    run(clock, steps, target=32, verbose=2)
    assert capsys.readouterr().out == (
        "32/32 - 0s - 13ms/step - accuracy: 0.5670 - loss: 0.6755\n")


def test_verbose2_prints_nothing_before_the_target(clock, capsys):
    steps = [(0.1, "update", (i, [("loss", 0.5)]), {}) for i in range(1, 5)]
    run(clock, steps, target=5, verbose=2)
    assert capsys.readouterr().out == ""


def test_verbose0_prints_nothing(clock, capsys):
    steps = [(0.1, "add", (1, [("loss", 0.5)]), {}) for _ in range(5)]
    run(clock, steps, target=5, verbose=0)
    assert capsys.readouterr().out == ""


def test_verbose1_dynamic_output_matches_keras_bytes(clock, capsys):
    steps = [(0.5, "update", (1, [("loss", 0.5)]), {}),
             (0.2, "update", (2, [("loss", 0.4)]), {}),
             (0.2, "update", (3, [("loss", 0.3)]), {})]
    bar = Progbar(3)
    bar._dynamic_display = True
    for seconds, method, args, kw in steps:
        clock.now += seconds
        getattr(bar, method)(*args, **kw)
    back = "\b" * 53
    assert capsys.readouterr().out == (
        "\r\x1b[1m1/3\x1b[0m \x1b[32m" + BAR * 6 + "\x1b[0m\x1b[37m"
        + BAR * 14 + "\x1b[0m \x1b[1m1s\x1b[0m 500ms/step - loss: 0.5000"
        + back + "\r\x1b[1m2/3\x1b[0m \x1b[32m" + BAR * 13
        + "\x1b[0m\x1b[37m" + BAR * 7
        + "\x1b[0m \x1b[1m0s\x1b[0m 200ms/step - loss: 0.4000"
        + back + "\r\x1b[1m3/3\x1b[0m \x1b[32m" + BAR * 20
        + "\x1b[0m\x1b[37m\x1b[0m \x1b[1m1s\x1b[0m 200ms/step - loss: 0.3000\n")


def test_verbose1_without_dynamic_display_writes_new_lines(clock, capsys):
    bar = Progbar(3)
    bar._dynamic_display = False
    for step in (1, 2, 3):
        clock.now += 0.2
        bar.update(step, [("loss", 0.5)])
    out = capsys.readouterr().out
    assert "\b" not in out and "\r" not in out
    assert out.startswith("\n") and out.endswith("\n")
    assert [plain(line) for line in out.strip("\n").split("\n")] == [
        f"1/3 {BAR * 20} 0s 200ms/step - loss: 0.5000",
        f"2/3 {BAR * 20} 0s 200ms/step - loss: 0.5000",
        f"3/3 {BAR * 20} 1s 200ms/step - loss: 0.5000",
    ]


@pytest.mark.parametrize("trigger", ["none", "posix", "ipykernel", "pycharm"])
def test_dynamic_display_follows_keras_rule(monkeypatch, trigger):
    # capsys/capture makes stdout a non-terminal stream.
    monkeypatch.setattr(sys, "stdout", open(__file__))
    monkeypatch.delitem(sys.modules, "posix", raising=False)
    monkeypatch.delitem(sys.modules, "ipykernel", raising=False)
    monkeypatch.delenv("PYCHARM_HOSTED", raising=False)
    if trigger in ("posix", "ipykernel"):
        monkeypatch.setitem(sys.modules, trigger, sys)
    elif trigger == "pycharm":
        monkeypatch.setenv("PYCHARM_HOSTED", "1")
    try:
        assert Progbar(3)._dynamic_display == (trigger != "none")
    finally:
        sys.stdout.close()


def test_bar_is_twenty_heavy_lines_with_green_done_part(clock, capsys):
    run(clock, [(0.1, "update", (5, None), {})], target=20)
    out = capsys.readouterr().out
    assert f"\x1b[32m{BAR * 5}\x1b[0m\x1b[37m{BAR * 15}\x1b[0m" in out
    assert plain(out).count(BAR) == 20


def test_bar_width_argument_sets_number_of_characters(clock, capsys):
    run(clock, [(0.1, "update", (1, None), {})], target=2, width=10)
    assert plain(capsys.readouterr().out).count(BAR) == 10


def test_step_counter_is_bold_and_padded_to_target_digits(clock, capsys):
    run(clock, [(2.0, "update", (1, None), {})], target=10)
    out = capsys.readouterr().out
    assert out.startswith("\r\x1b[1m 1/10\x1b[0m ")


def test_eta_mid_epoch_in_seconds(clock, capsys):
    run(clock, [(2.0, "update", (1, None), {})], target=10)
    assert last_line(capsys.readouterr().out) == (
        f" 1/10 {BAR * 2}{BAR * 18} 18s 2s/step")


def test_eta_over_an_hour_uses_hours_minutes_seconds(clock, capsys):
    run(clock, [(40.0, "update", (1, None), {})], target=1000)
    assert " 11:06:00 40s/step" in plain(capsys.readouterr().out)


def test_eta_over_a_minute_uses_minutes_seconds(clock, capsys):
    run(clock, [(0.5, "update", (1, None), {})], target=200)
    # 199 steps left at 0.5 s: 99.5 s
    assert " 1:39 500ms/step" in plain(capsys.readouterr().out)


def test_final_update_shows_elapsed_time_instead_of_eta(clock, capsys):
    steps = [(1.0, "update", (1, None), {}), (1.0, "update", (2, None), {})]
    run(clock, steps, target=2)
    assert last_line(capsys.readouterr().out) == f"2/2 {BAR * 20} 2s 1s/step"


@pytest.mark.parametrize("seconds, text", [
    (2.4, " 2s/step"),
    (1.0, " 1s/step"),
    (0.013, " 13ms/step"),
    (1 / 512, " 2ms/step"),      # 1.95 ms
    (1 / 1024, " 977us/step"),   # just under 1 ms
    (0.00005, " 50us/step"),
    (0.0, " 0s/step"),
])
def test_time_per_step_unit(clock, capsys, seconds, text):
    run(clock, [(seconds, "update", (1, None), {})], target=1, verbose=2)
    assert capsys.readouterr().out.endswith(text + "\n")


def test_unit_name_replaces_step(clock, capsys):
    run(clock, [(0.3, "update", (1, None), {})], target=1, verbose=2,
        unit_name="sample")
    assert capsys.readouterr().out == "1/1 - 0s - 300ms/sample\n"


def test_time_per_step_leaves_out_the_first_step(clock, capsys):
    steps = [(5.0, "update", (1, None), {}), (0.1, "update", (2, None), {}),
             (0.1, "update", (3, None), {})]
    run(clock, steps, target=3, verbose=2)
    assert capsys.readouterr().out == "3/3 - 5s - 100ms/step\n"


@pytest.mark.parametrize("value, text", [
    (0.6755, "0.6755"),
    (12345.678, "12345.6780"),
    (-0.5, "-0.5000"),
    (0.0011, "0.0011"),
    (0.001, "1.0000e-03"),
    (5e-4, "5.0000e-04"),
    (-2e-4, "-2.0000e-04"),
    (0.0, "0.0000e+00"),
])
def test_metric_format_on_bar_is_4f_or_4e(clock, capsys, value, text):
    run(clock, [(0.1, "update", (1, [("m", value)]), {})], target=1)
    assert plain(capsys.readouterr().out).endswith(f" - m: {text}\n")


def test_verbose2_prints_negative_values_as_4e_like_keras(clock, capsys):
    # Keras 3 tests `v > 1e-3` (no abs) on the verbose=2 line.
    run(clock, [(0.1, "update", (1, [("m", -0.5)]), {})], target=1,
        verbose=2)
    assert capsys.readouterr().out.endswith(" - m: -5.0000e-01\n")


def test_metrics_show_latest_value_in_first_seen_order(clock, capsys):
    steps = [(0.1, "update", (1, [("loss", 0.9), ("acc", 0.1)]), {}),
             (0.1, "update", (2, [("acc", 0.3), ("loss", 0.7)]), {}),
             (0.1, "update", (3, [("val_loss", 0.8)]), {})]
    run(clock, steps, target=3, verbose=2)
    assert capsys.readouterr().out.endswith(
        " - loss: 0.7000 - acc: 0.3000 - val_loss: 0.8000\n")


def test_numpy_values_are_shown_as_floats(clock, capsys):
    values = [("a", np.float32(0.25)), ("b", np.array([0.5, 1.5])),
              ("c", 2)]
    run(clock, [(0.1, "update", (1, values), {})], target=1, verbose=2)
    assert capsys.readouterr().out.endswith(
        " - a: 0.2500 - b: 1.0000 - c: 2.0000\n")


def test_redraws_are_rate_limited_to_interval(clock, capsys):
    # Binary fractions keep the fake clock exact: a step is 1/64 s and the
    # interval 1/16 s, so after step 1 the bar redraws every 4th step
    # (5, 9, ..., 97), and the final step 100 always draws.
    steps = [(1 / 64, "update", (i, None), {}) for i in range(1, 101)]
    bar = run(clock, steps, target=100, interval=1 / 16)
    out = capsys.readouterr().out
    assert out.count("\r") == 1 + 24 + 1
    assert bar._seen_so_far == 100


def test_final_update_draws_even_within_interval(clock, capsys):
    steps = [(0.01, "update", (1, None), {}),
             (0.001, "update", (2, None), {})]
    run(clock, steps, target=2)
    out = capsys.readouterr().out
    assert out.count("\r") == 2 and out.endswith("\n")


def test_shorter_line_is_padded_to_rub_out_previous(clock, capsys):
    steps = [(0.1, "update", (1, [("loss", 12345.678)]), {}),
             (0.1, "update", (2, [("loss", 1.0)]), {})]
    run(clock, steps, target=3)
    first, second = capsys.readouterr().out.split("\r")[1:]
    width = len(plain(first).rstrip("\b"))
    assert first.endswith("\b" * width)
    assert len(plain(second)) == width


def test_add_advances_by_n(clock, capsys):
    steps = [(0.1, "add", (2, None), {}), (0.1, "add", (3, None), {})]
    run(clock, steps, target=5, verbose=2)
    assert capsys.readouterr().out.startswith("5/5 - ")


def test_unknown_target_shows_count_and_unknown(clock, capsys):
    run(clock, [(0.5, "add", (1, [("loss", 0.3)]), {})], target=None)
    assert plain(capsys.readouterr().out) == (
        "\r      1/Unknown 0s 500ms/step - loss: 0.3000")


def test_finalize_false_keeps_the_line_open(clock, capsys):
    run(clock, [(0.1, "update", (2, None), {"finalize": False})], target=2)
    out = capsys.readouterr().out
    assert not out.endswith("\n")
    assert " 0s 50ms/step" in plain(out)  # ETA 0 s, not elapsed


def test_stream_without_unicode_gets_equals_signs(clock, monkeypatch):
    class AsciiStream:
        encoding = "ascii"

        def __init__(self):
            self.parts = []

        def write(self, text):
            text.encode("ascii")  # raises UnicodeEncodeError like a real one
            self.parts.append(text)

        def flush(self):
            pass

    stream = AsciiStream()
    monkeypatch.setattr(sys, "stdout", stream)
    run(clock, [(0.1, "update", (1, None), {})], target=1)
    assert plain("".join(stream.parts)) == "\r1/1 " + "=" * 20 + " 0s 100ms/step\n"
