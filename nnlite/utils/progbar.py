"""The text progress bar that `fit`, `evaluate` and `predict` print.

The output matches Keras 3's `keras.utils.Progbar` character for character
(checked against Keras 3.15.1), so a notebook's log looks the same:

```
25/25 ━━━━━━━━━━━━━━━━━━━━ 1s 15ms/step - accuracy: 0.4938 - loss: 0.6974
```
"""
import math
import os
import sys
import time

import numpy as np

# ANSI escapes used by Keras 3's bar.
_BOLD = "\x1b[1m"
_GREEN = "\x1b[32m"
_WHITE = "\x1b[37m"
_RESET = "\x1b[0m"
_BAR_CHAR = "\u2501"  # '━', BOX DRAWINGS HEAVY HORIZONTAL


def _format_eta(seconds):
    """Formats a remaining time as `%ds`, `%d:%02d` or `%d:%02d:%02d`."""
    if seconds > 3600:
        return "%d:%02d:%02d" % (
            seconds // 3600,
            (seconds % 3600) // 60,
            seconds % 60,
        )
    if seconds > 60:
        return "%d:%02d" % (seconds // 60, seconds % 60)
    return "%ds" % seconds


def _format_time_per_unit(time_per_unit, unit_name):
    """Formats a step duration as ` Ns/step`, ` Nms/step` or ` Nus/step`."""
    if time_per_unit >= 1 or time_per_unit == 0:
        return f" {time_per_unit:.0f}s/{unit_name}"
    if time_per_unit >= 1e-3:
        return f" {time_per_unit * 1e3:.0f}ms/{unit_name}"
    return f" {time_per_unit * 1e6:.0f}us/{unit_name}"


def _write(message):
    """Writes `message` to the current `sys.stdout` and flushes it.

    A stream whose encoding cannot hold '━' (for example a Windows code page)
    gets '=' instead, and any other character it cannot encode is dropped,
    as Keras 3 does.
    """
    stream = sys.stdout
    try:
        stream.write(message)
    except UnicodeEncodeError:
        encoding = getattr(stream, "encoding", None) or "utf-8"
        message = message.replace(_BAR_CHAR, "=")
        message = message.encode(encoding, errors="ignore").decode(encoding)
        stream.write(message)
    stream.flush()


class Progbar:
    """Displays a progress bar.

    Each update shows the step counter, a bar of `width` '━' characters (the
    done part in green), the ETA while running or the elapsed time at the
    end, the time per step and the latest value of every metric, as
    ` - name: %.4f` (or `%.4e` when |value| <= 1e-3).

    The metric values given to `update()` are shown as they are: the caller
    passes running means, as nnlite's training loop does (Keras's
    `ProgbarLogger` uses its `Progbar` the same way). A metric that is
    missing from a later update keeps its last value; metrics are shown in
    the order in which they first appeared.

    When the output is "dynamic" (stdout is a terminal, `ipykernel` is
    loaded, `posix` is in `sys.modules` or `PYCHARM_HOSTED` is set, as Keras
    decides) the line is redrawn in place with backspaces and `\\r`, at most
    once every `interval` seconds, the final update always; otherwise each
    update goes on a new line.

    Args:
        target: Total number of steps expected, or `None` if unknown.
        width: Width of the bar in characters. Defaults to `20`.
        verbose: Verbosity mode: `0` (silent), `1` (bar, redrawn as it
            goes) or `2` (one plain line once the target is reached).
            Defaults to `1`.
        interval: Minimum time between two redraws, in seconds.
            Defaults to `0.05`.
        stateful_metrics: Names of metrics that should not be averaged.
            Accepted for compatibility with Keras; every metric is shown
            as given. Defaults to `None`.
        unit_name: Name of a step in the time per step, usually `"step"`
            or `"sample"`. Defaults to `"step"`.

    Example:

    ```python
    bar = Progbar(3, verbose=2)
    for step in range(1, 4):
        bar.update(step, values=[("loss", 1.0 / step)])
    # prints: 3/3 - 0s - 3us/step - loss: 0.3333
    ```
    """

    def __init__(
        self,
        target,
        width=20,
        verbose=1,
        interval=0.05,
        stateful_metrics=None,
        unit_name="step",
    ):
        self.target = target
        self.width = width
        self.verbose = verbose
        self.interval = interval
        self.unit_name = unit_name
        self.stateful_metrics = (
            set(stateful_metrics) if stateful_metrics is not None else set()
        )
        self._dynamic_display = (
            (hasattr(sys.stdout, "isatty") and sys.stdout.isatty())
            or "ipykernel" in sys.modules
            or "posix" in sys.modules
            or "PYCHARM_HOSTED" in os.environ
        )
        self._seen_so_far = 0
        self._values = {}  # insertion order is the display order
        self._start = time.time()
        self._last_update = 0
        self._time_after_first_step = None
        self._prev_total_width = 0

    def update(self, current, values=None, finalize=None):
        """Updates the progress bar.

        Args:
            current: Index of the current step (1 after the first step).
            values: List of `(name, value)` pairs; each value is a number
                (a NumPy array is shown as its mean). Defaults to `None`.
            finalize: Whether this is the last update of the bar. Defaults
                to `current >= target` (`False` when `target` is `None`).
        """
        if finalize is None:
            finalize = self.target is not None and current >= self.target

        for name, value in values or []:
            self._values[name] = value
        self._seen_so_far = current

        now = time.time()
        time_per_unit = self._estimate_step_duration(current, now)

        if self.verbose == 1:
            if now - self._last_update < self.interval and not finalize:
                return
            self._write_bar(current, now, time_per_unit, finalize)
        elif self.verbose == 2:
            if finalize and self.target is not None and self.target > 0:
                self._write_line(current, now, time_per_unit)

        self._last_update = now

    def add(self, n, values=None):
        """Advances the bar by `n` steps.

        Args:
            n: Number of steps done since the last update.
            values: List of `(name, value)` pairs, as in `update()`.
                Defaults to `None`.
        """
        self.update(self._seen_so_far + n, values)

    # ------------------------------------------------------------------ text

    def _write_bar(self, current, now, time_per_unit, finalize):
        """Draws the verbose=1 line."""
        known_target = self.target is not None and self.target > 0
        if known_target:
            digits = int(math.log10(self.target)) + 1
            counter = "%*d/%d" % (digits, current, self.target)
            done = int(self.width * float(current) / self.target)
            # Keras writes the green escape only for a non-empty done part,
            # but always writes the white one, even when it is empty.
            bar = f"{_BOLD}{counter}{_RESET} "
            if done > 0:
                bar += f"{_GREEN}{_BAR_CHAR * done}{_RESET}"
            bar += f"{_WHITE}{_BAR_CHAR * (self.width - done)}{_RESET}"
        else:
            bar = "%7d/Unknown" % current

        if known_target and not finalize:
            when = _format_eta(time_per_unit * (self.target - current))
        else:
            when = f"{now - self._start:.0f}s"
        info = f" {_BOLD}{when}{_RESET}"
        info += _format_time_per_unit(time_per_unit, self.unit_name)
        for name, value in self._values.items():
            info += f" - {name}: {_format_value(value, abs_test=True)}"

        # The visible width leaves out the escape sequences; it is what the
        # next redraw must rub out.
        visible = _strip_ansi(bar) + _strip_ansi(info)
        total_width = len(visible)

        message = ("\b" * self._prev_total_width + "\r"
                   if self._dynamic_display else "\n")
        message += bar + info
        if self._prev_total_width > total_width:
            message += " " * (self._prev_total_width - total_width)
        if finalize:
            message += "\n"
        _write(message)
        self._prev_total_width = total_width

    def _write_line(self, current, now, time_per_unit):
        """Writes the single verbose=2 line."""
        digits = int(math.log10(self.target)) + 1
        line = "%*d/%d - %.0fs -" % (digits, current, self.target,
                                      now - self._start)
        line += _format_time_per_unit(time_per_unit, self.unit_name)
        for name, value in self._values.items():
            line += f" - {name}: {_format_value(value, abs_test=False)}"
        _write(line + "\n")

    # ------------------------------------------------------------------ time

    def _estimate_step_duration(self, current, now):
        """Estimates the duration of one step.

        The first step is usually slow (warm-up), so once a second step is
        done the estimate leaves it out: (now - end of step 1) / (current - 1).
        Before that it is (now - start) / current, and 0 before any step.
        """
        if not current:
            return 0
        if self._time_after_first_step is not None and current > 1:
            time_per_unit = (now - self._time_after_first_step) / (current - 1)
        else:
            time_per_unit = (now - self._start) / current
        if current == 1:
            self._time_after_first_step = now
        return time_per_unit


def _format_value(value, abs_test):
    """Formats one metric value as `%.4f`, or `%.4e` for tiny values.

    Keras 3 tests `abs(v) > 1e-3` on the bar but `v > 1e-3` on the
    verbose=2 line (so negative values print as `%.4e` there); both are
    kept to match its output.
    """
    if not isinstance(value, float):
        value = float(np.mean(value))
    big = abs(value) > 1e-3 if abs_test else value > 1e-3
    return f"{value:.4f}" if big else f"{value:.4e}"


def _strip_ansi(text):
    """Removes the escape sequences this module writes."""
    for code in (_BOLD, _GREEN, _WHITE, _RESET):
        text = text.replace(code, "")
    return text
