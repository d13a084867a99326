"""The table that `Model.summary()` prints.

The layout matches Keras 3's `summary()` character for character (checked
against Keras 3.15.1 with rich 15 as plain text):

```
Model: "sequential"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━┓
┃ Layer (type)                         ┃ Output Shape                ┃         Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━┩
│ dense (Dense)                        │ (None, 100)                 │           1,100 │
├──────────────────────────────────────┼─────────────────────────────┼─────────────────┤
│ batch_normalization                  │ (None, 100)                 │             400 │
│ (BatchNormalization)                 │                             │                 │
└──────────────────────────────────────┴─────────────────────────────┴─────────────────┘
 Total params: 1,500 (5.86 KB)
 Trainable params: 1,300 (5.08 KB)
 Non-trainable params: 200 (800.00 B)
```

Keras renders the table with rich; nnlite draws the same box here without it,
always as plain text (no colours).
"""
import numbers
import re
import shutil
import sys

# Keras 3 lays out a sequential-like model over 88 characters, split at these
# fractions of the line; the last column is right-aligned.
_DEFAULT_LINE_LENGTH = 88
_POSITIONS = (0.45, 0.80, 1.0)
_HEADER = ("Layer (type)", "Output Shape", "Param #")
_RIGHT_ALIGNED = (False, False, True)
# a functional model that is not a plain chain gets a fourth column,
# `Connected to`, over 108 characters (Keras 3's `print_summary`)
_FUNCTIONAL_LINE_LENGTH = 108
_FUNCTIONAL_POSITIONS = (0.3, 0.56, 0.74, 1.0)
_FUNCTIONAL_HEADER = ("Layer (type)", "Output Shape", "Param #", "Connected to")
_FUNCTIONAL_RIGHT_ALIGNED = (False, False, True, False)
_PADDING = 1  # one space each side of a cell, as rich's default
_UNITS = ("B", "KB", "MB", "GB", "TB", "PB")


def readable_memory_size(num_bytes):
    """Formats a byte count with two decimals and a 1024-based unit.

    Args:
        num_bytes: Size in bytes.

    Returns:
        A string such as `"8.60 KB"` (for 8,804 bytes) or `"0.00 B"`.
    """
    size = float(num_bytes)
    for unit in _UNITS[:-1]:
        if size / 1024 < 1:
            return f"{size:.2f} {unit}"
        size /= 1024
    return f"{size:.2f} {_UNITS[-1]}"


def _column_widths(line_length, positions=_POSITIONS):
    """Returns the width of each column between its borders, padding included.

    Keras asks rich for columns of `int(pos * line_length) - previous` cells
    of content, and rich adds one space of padding on each side; the table
    (borders included) must still fit in `line_length`, so rich takes the
    excess back from the columns as evenly as it can, first column first,
    with Python's round-half-to-even (rich's `ratio_reduce`).
    """
    content = []
    current = 0
    for pos in positions:
        width = int(pos * line_length) - current
        if width < 4:
            raise ValueError(
                "Insufficient console width to print summary. "
                f"Received: line_length={line_length}"
            )
        content.append(width)
        current += width
    widths = [w + 2 * _PADDING for w in content]
    available = line_length - (len(widths) + 1)  # one border per column + 1
    excess = sum(widths) - available
    if excess > 0:
        remaining_ratio = len(widths)
        for i, width in enumerate(widths):
            cut = min(width, round(excess / remaining_ratio))
            widths[i] = width - cut
            excess -= cut
            remaining_ratio -= 1
    return widths


_WORD = re.compile(r"\s*\S+\s*")


def _wrap(text, width):
    """Splits `text` into lines of at most `width` characters.

    Lines break between words; a word longer than a whole line is cut and
    ends with '…' (rich's word wrap with the "ellipsis" overflow).
    """
    lines = []
    for paragraph in text.split("\n"):
        breaks = []
        offset = 0
        for match in _WORD.finditer(paragraph):
            word = match.group(0)
            start = match.start()
            if offset + len(word.rstrip()) <= width:
                offset += len(word)
            elif len(word.rstrip()) > width:
                if start:
                    breaks.append(start)
                offset = len(word)
            elif offset and start:
                breaks.append(start)
                offset = len(word)
        bounds = [0] + breaks + [len(paragraph)]
        for a, b in zip(bounds[:-1], bounds[1:]):
            line = paragraph[a:b].rstrip()
            if len(line) > width:
                line = line[: width - 1] + "…"
            lines.append(line)
    return lines


def _render_row(cells, widths, vertical, bottom=False, right_aligned=_RIGHT_ALIGNED):
    """Renders one table row (possibly several lines tall).

    Cells are aligned to the top of the row, or to its bottom when `bottom`
    is set (rich does that for the header row).
    """
    wrapped = []
    for cell, width in zip(cells, widths):
        wrapped.append(_wrap(cell, width - 2 * _PADDING))
    height = max(len(lines) for lines in wrapped)
    if bottom:
        wrapped = [[""] * (height - len(lines)) + lines for lines in wrapped]
    out = []
    for i in range(height):
        parts = []
        for lines, width, right in zip(wrapped, widths, right_aligned):
            text = lines[i] if i < len(lines) else ""
            inner = width - 2 * _PADDING
            text = text.rjust(inner) if right else text.ljust(inner)
            pad = " " * _PADDING
            parts.append(pad + text + pad)
        out.append(vertical + vertical.join(parts) + vertical)
    return out


def _rule(widths, left, fill, middle, right):
    return left + middle.join(fill * w for w in widths) + right


def _count_and_size(count, num_bytes):
    return f"{count:,} ({readable_memory_size(num_bytes)})"


def print_summary(
    model_name,
    rows,
    total,
    trainable,
    non_trainable,
    optimizer_params=None,
    line_length=None,
    print_fn=None,
    *,
    trainable_bytes=None,
    non_trainable_bytes=None,
    optimizer_bytes=None,
    connections=False,
):
    """Prints a summary table of a model, as Keras 3's `summary()`.

    The table has one row per layer, with the columns `Layer (type)`,
    `Output Shape` and `Param #`; a `name (Type)` cell too long for its
    column wraps onto a second line. Below it come the parameter totals
    with their size in memory (4 bytes per float32 parameter unless the
    sizes are given):

    ```
     Total params: 2,201 (8.60 KB)
     Trainable params: 2,201 (8.60 KB)
     Non-trainable params: 0 (0.00 B)
    ```

    and, once the optimizer has variables, ` Optimizer params: N (size)`;
    the Total line then includes them, as in Keras.

    Args:
        model_name: Name of the model, shown as `Model: "name"`.
        rows: List of `(layer_name, class_name, output_shape, params)`
            tuples, one per layer, in order. `output_shape` is the text to
            show (`"?"` for an unbuilt layer); `params` is the layer's
            parameter count, or `None` for an unbuilt layer, shown as
            `0 (unbuilt)`.
        total: Number of model parameters, `trainable + non_trainable`
            (without the optimizer's variables).
        trainable: Number of trainable parameters.
        non_trainable: Number of non-trainable parameters.
        optimizer_params: Number of optimizer variables' elements, or
            `None` to leave out the Optimizer line. Defaults to `None`.
        line_length: Total width of the table in characters. Defaults to
            `88`, or the terminal width minus 4 when that is smaller (as
            Keras, via `shutil.get_terminal_size()`).
        print_fn: Function called once with the whole summary as one
            string ending in a newline (as Keras 3 does), or `None` to
            write it to `sys.stdout`. Defaults to `None`.
        trainable_bytes: Size of the trainable weights in bytes. Defaults
            to `4 * trainable`.
        non_trainable_bytes: Size of the non-trainable weights in bytes.
            Defaults to `4 * non_trainable`.
        optimizer_bytes: Size of the optimizer variables in bytes (Keras
            counts its int64 iteration counter as 8 bytes). Defaults to
            `4 * optimizer_params`.
        connections: Whether the table has the fourth column `Connected to`
            (a functional model that is not a plain chain). Each row then
            has a fifth item, the text of that cell (`"-"` for an input,
            `"dense[0][0], dense_1[0][0]"`), and the line is 108 characters
            by default. Defaults to `False`.

    Example:

    ```python
    print_summary("sequential", [("dense", "Dense", "(None, 1)", 11)],
                  total=11, trainable=11, non_trainable=0)
    ```
    """
    for arg_name, value in (("total", total), ("trainable", trainable),
                            ("non_trainable", non_trainable)):
        if not _is_count(value):
            raise ValueError(
                f"Expected `{arg_name}` to be a non-negative integer. "
                f"Received: {arg_name}={value!r}"
            )
    if optimizer_params is not None and not _is_count(optimizer_params):
        raise ValueError(
            "Expected `optimizer_params` to be a non-negative integer or "
            f"None. Received: optimizer_params={optimizer_params!r}"
        )
    if total != trainable + non_trainable:
        raise ValueError(
            "Expected `total` to equal `trainable + non_trainable` "
            "(optimizer parameters are added separately). "
            f"Received: total={total}, trainable={trainable}, "
            f"non_trainable={non_trainable}"
        )

    if connections:
        default_length, positions = _FUNCTIONAL_LINE_LENGTH, _FUNCTIONAL_POSITIONS
        header, right_aligned = _FUNCTIONAL_HEADER, _FUNCTIONAL_RIGHT_ALIGNED
        row_form = "(layer_name, class_name, output_shape, params, connected_to)"
    else:
        default_length, positions = _DEFAULT_LINE_LENGTH, _POSITIONS
        header, right_aligned = _HEADER, _RIGHT_ALIGNED
        row_form = "(layer_name, class_name, output_shape, params)"
    if line_length is None:
        line_length = min(default_length,
                          shutil.get_terminal_size().columns - 4)
    widths = _column_widths(line_length, positions)

    lines = [f'Model: "{model_name}"']
    lines.append(_rule(widths, "┏", "━", "┳", "┓"))
    lines += _render_row(header, widths, "┃", bottom=True,
                         right_aligned=right_aligned)
    lines.append(_rule(widths, "┡", "━", "╇", "┩"))
    for i, row in enumerate(rows):
        try:
            if connections:
                layer_name, class_name, output_shape, params, connected = row
            else:
                layer_name, class_name, output_shape, params = row
        except (TypeError, ValueError):
            raise ValueError(
                "Expected each row to be a tuple "
                f"`{row_form}`. "
                f"Received: rows[{i}]={row!r}"
            ) from None
        if params is None:
            params_text = "0 (unbuilt)"
        else:
            params_text = f"{params:,}"
        cells = (f"{layer_name} ({class_name})", str(output_shape),
                 params_text)
        if connections:
            cells += (str(connected),)
        if i:
            lines.append(_rule(widths, "├", "─", "┼", "┤"))
        lines += _render_row(cells, widths, "│", right_aligned=right_aligned)
    lines.append(_rule(widths, "└", "─", "┴", "┘"))

    if trainable_bytes is None:
        trainable_bytes = 4 * trainable
    if non_trainable_bytes is None:
        non_trainable_bytes = 4 * non_trainable
    total_count = total
    total_bytes = trainable_bytes + non_trainable_bytes
    if optimizer_params is not None:
        if optimizer_bytes is None:
            optimizer_bytes = 4 * optimizer_params
        total_count += optimizer_params
        total_bytes += optimizer_bytes

    lines.append(" Total params: " + _count_and_size(total_count, total_bytes))
    lines.append(" Trainable params: "
                 + _count_and_size(trainable, trainable_bytes))
    lines.append(" Non-trainable params: "
                 + _count_and_size(non_trainable, non_trainable_bytes))
    if optimizer_params is not None:
        lines.append(" Optimizer params: "
                     + _count_and_size(optimizer_params, optimizer_bytes))

    text = "\n".join(lines) + "\n"
    if print_fn is None:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        print_fn(text)


def _is_count(value):
    return (isinstance(value, numbers.Integral)
            and not isinstance(value, bool) and value >= 0)


def shape_text(shape):
    """A shape as Keras's summary writes it: `(None, 16)`, `(3,)`."""
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + \
        ("," if len(shape) == 1 else "") + ")"


def built_output_shape_text(layer):
    """A layer's output shape for the summary, from the input shape it was
    built for (`?` when it is not built or the shape cannot be found)."""
    shape = layer.build_input_shape if layer.built else None
    if shape is None:
        return "?"
    try:
        out = layer.compute_output_shape(shape)
    except Exception:     # noqa: BLE001 - any failure just means "unknown" here
        return "?"
    if isinstance(out, (list, tuple)) and out and isinstance(out[0], (list, tuple)):
        return "[" + ", ".join(shape_text(s) for s in out) + "]"
    return shape_text(tuple(out))
