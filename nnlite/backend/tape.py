"""The reverse-mode tape: ops record what they did, `gradient` walks it backwards.

Each differentiable op is one function that computes its forward result and
returns, beside it, a `backward(*output_grads)` closure giving the gradient of
each input (the state the backward pass needs lives in that closure, so a
layer can be called many times on one tape). `apply` runs such a function on
tensors and records it when a tape is active and some input needs a gradient.
`Tape.gradient` walks the records newest first and *adds* the gradients that
reach one value along several paths (a value used twice, a shared layer).
"""
import threading

import numpy as np

_local = threading.local()


def _stack():
    stack = getattr(_local, "stack", None)
    if stack is None:
        stack = _local.stack = []
    return stack


def active_tape():
    """The innermost recording tape of this thread, or None."""
    stack = _stack()
    return stack[-1] if stack else None


class Record:
    """One op call on the tape: its inputs, outputs and backward closure, and
    which inputs need a gradient (decided when the op ran: a source is
    watched, or a value produced on the tape, before it is used)."""
    __slots__ = ("backward", "inputs", "outputs", "name", "none_grads", "needs")

    def __init__(self, name, backward, inputs, outputs, none_grads=False, needs=None):
        self.name = name
        self.none_grads = none_grads
        self.backward = backward
        self.inputs = inputs
        self.outputs = outputs
        self.needs = needs


class Tape:
    """Records differentiable op calls made inside `with Tape() as tape:`.

    Trainable variables are watched automatically (as `tf.GradientTape`
    does); other values are watched with `watch`. Tapes nest per thread.

    Args:
        persistent: Keep the records after `gradient` (to call it again).
            Defaults to `False`.
        variables_only: Promise that `gradient` is asked for variables only
            (as `fit` does), never for a value computed on the tape. Ops may
            then pass back, for such a value, a gradient that is right only
            once it went through the op that made the value (see
            `ReluGradient`). Defaults to `False`.
    """

    def __init__(self, persistent=False, watch_accessed_variables=True, variables_only=False):
        self.records = []
        self.persistent = bool(persistent)
        self.watch_variables = bool(watch_accessed_variables)
        self.variables_only = bool(variables_only)
        self._watched = set()
        self._produced = set()

    def __enter__(self):
        _stack().append(self)
        return self

    def __exit__(self, *exc):
        stack = _stack()
        if stack and stack[-1] is self:
            stack.pop()
        elif self in stack:
            stack.remove(self)
        return False

    def watch(self, value):
        """Marks `value` (a Tensor or Variable, or a list of them) as a source."""
        if isinstance(value, (list, tuple)):
            for v in value:
                self.watch(v)
            return
        self._watched.add(id(value))

    def needs_grad(self, value):
        """Whether `value` is a source or was computed from one on this tape."""
        key = id(value)
        if key in self._produced or key in self._watched:
            return True
        return self.watch_variables and getattr(value, "_is_variable", False) \
            and value.trainable

    def record(self, name, backward, inputs, outputs, none_grads=False, needs=None):
        if needs is None:
            needs = tuple(x is not None and self.needs_grad(x) for x in inputs)
        self.records.append(Record(name, backward, inputs, outputs, none_grads, needs))
        for out in outputs:
            self._produced.add(id(out))

    def gradient(self, target, sources, output_gradients=None):
        """d target / d each source, as NumPy arrays (None where unconnected).

        Args:
            target: A Tensor (usually the scalar loss), or a list of them.
            sources: A Tensor or Variable, or a (nested) list of them.
            output_gradients: The gradient of each target (defaults to ones).
        """
        if self.records is None:
            raise RuntimeError("A non-persistent Tape can compute gradients only once.")
        if self.variables_only:
            for s in _flat(sources):
                if not getattr(s, "_is_variable", False):
                    raise ValueError("This Tape(variables_only=True) gives gradients of "
                                     "variables only. Received a source of type %s"
                                     % type(s).__name__)
        targets = target if isinstance(target, (list, tuple)) else [target]
        seeds = output_gradients
        if seeds is not None and not isinstance(seeds, (list, tuple)):
            seeds = [seeds]
        grads = {}
        for i, t in enumerate(targets):
            value = np.asarray(t)
            seed = np.ones_like(value) if seeds is None or seeds[i] is None \
                else np.asarray(seeds[i], dtype=value.dtype).reshape(value.shape)
            _accumulate(grads, t, seed)
        for rec in reversed(self.records):
            outs = [grads.get(id(o)) for o in rec.outputs]
            if all(g is None for g in outs):
                continue
            if not rec.none_grads:
                outs = [np.zeros(o.shape, o.dtype) if g is None else g
                        for o, g in zip(rec.outputs, outs)]
            in_grads = rec.backward(*outs)
            for x, g, need in zip(rec.inputs, in_grads, rec.needs):
                if need and g is not None:
                    _accumulate(grads, x, g)
        if not self.persistent:
            self.records = None
            self._produced = set()
        flat = sources if isinstance(sources, (list, tuple)) else [sources]
        out = [_source_grad(grads, s) for s in flat]
        return out if isinstance(sources, (list, tuple)) else out[0]


def _flat(values):
    if isinstance(values, (list, tuple)):
        for v in values:
            yield from _flat(v)
    else:
        yield values


def only_variable_gradients():
    """Whether every recording tape of this thread was made with
    `variables_only=True` (and one at least is recording)."""
    stack = _stack()
    return bool(stack) and all(t.variables_only for t in stack)


class ReluGradient:
    """The link between an op whose output is `relu(z)` and an op reading
    that output which can multiply its own input gradient by the ReLU's mask
    `[relu(z) > 0]` in a pass it makes anyway (max pooling, a convolution's
    input gradient). That op stores
    the array it returned in `masked`; the ReLU's backward, given exactly
    that array (no other gradient was added to it), skips its own mask. The
    mask is idempotent, so a masked gradient summed with others is still
    right after the ReLU's backward; only the gradient of the ReLU's output
    itself differs, which is why ops do this only on `variables_only` tapes.
    """
    __slots__ = ("masked",)

    def __init__(self):
        self.masked = None

    def take(self, dy):
        """Whether `dy` is the masked array (and forget it)."""
        hit = self.masked is not None and self.masked is dy
        self.masked = None
        return hit


def _source_grad(grads, source):
    if isinstance(source, (list, tuple)):
        return [_source_grad(grads, s) for s in source]
    return grads.get(id(source))


def _accumulate(grads, value, g):
    key = id(value)
    if type(g) is not np.ndarray:
        g = np.asarray(g)
    shape = value.shape
    if g.shape != shape:
        g = unbroadcast(g, tuple(shape))
    prev = grads.get(key)
    grads[key] = g if prev is None else prev + g


def unbroadcast(g, shape):
    """Sums `g` down to `shape` (the inverse of NumPy broadcasting)."""
    g = np.asarray(g)
    if g.shape == shape:
        return g
    extra = g.ndim - len(shape)
    if extra > 0:
        g = g.sum(axis=tuple(range(extra)))
    axes = tuple(i for i, d in enumerate(shape) if d == 1 and g.shape[i] != 1)
    if axes:
        g = g.sum(axis=axes, keepdims=True)
    return g.reshape(shape)


class stop_recording:
    """Context in which ops are not recorded on any tape (inference)."""

    def __enter__(self):
        self._saved = list(_stack())
        _stack().clear()
        return self

    def __exit__(self, *exc):
        _stack().extend(self._saved)
        return False
