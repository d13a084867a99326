"""The fused recurrent kernel (csrc/rnn_tmpl.h through nnlite._core.rnn_forward /
rnn_backward): forward against a step-by-step NumPy float64 reference written
from Keras 3's cell formulas, every backward against central finite differences
of a random linear functional, bad input, and thread-count independence."""
import numpy as np
import pytest

from nnlite import _core

GATES = {"simple": 1, "lstm": 4, "gru": 3}


# ---- the NumPy reference (float64, one step at a time) -------------------------

def np_act(name, x):
    if name == "linear":
        return x
    if name == "relu":
        return np.maximum(x, 0)
    if name == "sigmoid":
        return 1 / (1 + np.exp(-x))
    if name == "tanh":
        return np.tanh(x)
    if name == "hard_sigmoid":
        return np.clip(x / 6 + 0.5, 0, 1)
    raise ValueError(name)


def ref_rnn(cell, x, kernel, rec, bias=None, h0=None, c0=None, mask=None, recurrent_mask=None,
            activation="tanh", recurrent_activation="sigmoid", go_backwards=False,
            reset_after=True, zero_output_for_mask=False, projected=False):
    x, rec = x.astype(np.float64), rec.astype(np.float64)
    b, t = x.shape[:2]
    u = rec.shape[0]
    act = lambda v: np_act(activation, v)  # noqa: E731
    ract = lambda v: np_act(recurrent_activation, v)  # noqa: E731
    xp = x if projected else x @ kernel.astype(np.float64)
    h = np.zeros((b, u)) if h0 is None else h0.astype(np.float64)
    c = np.zeros((b, u)) if c0 is None else c0.astype(np.float64)
    bias = None if bias is None else bias.astype(np.float64)
    rm = None if recurrent_mask is None else recurrent_mask.astype(np.float64)

    def hm(g, state):
        if rm is None:
            return state
        return state * (rm if rm.ndim == 2 else rm[g])

    def col(a, g):
        return a[..., g * u:(g + 1) * u]

    prev_out = np.zeros((b, u))
    ys = []
    for tt in (range(t - 1, -1, -1) if go_backwards else range(t)):
        xt = xp[:, tt]
        if cell == "simple":
            pre = xt + hm(0, h) @ rec + (0 if bias is None else bias)
            h_new, c_new = act(pre), c
        elif cell == "lstm":
            bb = np.zeros(4 * u) if bias is None else bias
            zs = [col(xt, g) + hm(g, h) @ col(rec, g) + col(bb, g) for g in range(4)]
            i, f, gg, o = ract(zs[0]), ract(zs[1]), act(zs[2]), ract(zs[3])
            c_new = f * c + i * gg
            h_new = o * act(c_new)
        elif reset_after:
            b0, b1 = (np.zeros(3 * u), np.zeros(3 * u)) if bias is None else bias
            xz = xt + b0
            hz = [hm(g, h) @ col(rec, g) + col(b1, g) for g in range(3)]
            z = ract(col(xz, 0) + hz[0])
            r = ract(col(xz, 1) + hz[1])
            hh = act(col(xz, 2) + r * hz[2])
            h_new, c_new = z * h + (1 - z) * hh, c
        else:
            xz = xt + (0 if bias is None else bias)
            z = ract(col(xz, 0) + hm(0, h) @ col(rec, 0))
            r = ract(col(xz, 1) + hm(1, h) @ col(rec, 1))
            hh = act(col(xz, 2) + (r * hm(2, h)) @ col(rec, 2))
            h_new, c_new = z * h + (1 - z) * hh, c
        if mask is None:
            h, c, out = h_new, c_new, h_new
        else:
            m = mask[:, tt][:, None]
            h = np.where(m, h_new, h)
            c = np.where(m, c_new, c)
            out = np.where(m, h_new, 0.0 if zero_output_for_mask else prev_out)
        prev_out = out
        ys.append(out)
    return np.stack(ys, axis=1), h, (c if cell == "lstm" else None)


# ---- cases -------------------------------------------------------------------

def _mask(b, t, rng):
    """Random on/off steps; row 0 fully masked, row 1 masked at the start."""
    m = rng.random((b, t)) > 0.3
    m[0] = False
    if b > 1:
        m[1, :2] = False
        m[1, 2:] = True
    return m


VARIANTS = {
    "plain": {},
    "no_bias": {"bias": False},
    "initial_state": {"h0": True},
    "go_backwards": {"go_backwards": True, "h0": True},
    "mask": {"mask": True, "h0": True},
    "mask_zero_output": {"mask": True, "h0": True, "zero_output_for_mask": True},
    "mask_go_backwards": {"mask": True, "go_backwards": True, "h0": True},
    "recurrent_mask": {"recurrent_mask": "shared", "h0": True},
    "recurrent_mask_per_gate": {"recurrent_mask": "gates", "h0": True},
    "projected": {"projected": True, "h0": True},
    "batch_1": {"b": 1, "h0": True},
    "one_step": {"t": 1, "h0": True},
    "relu_hard_sigmoid": {"activation": "relu", "recurrent_activation": "hard_sigmoid"},
    "linear_sigmoid": {"activation": "linear", "recurrent_activation": "sigmoid"},
    "hard_sigmoid_tanh": {"activation": "hard_sigmoid", "recurrent_activation": "tanh"},
    "sigmoid_linear": {"activation": "sigmoid", "recurrent_activation": "linear"},
    "everything": {"mask": True, "go_backwards": True, "h0": True, "recurrent_mask": "gates",
                   "projected": True},
}
CELLS = [("simple", True), ("lstm", True), ("gru", True), ("gru", False)]
CASES = [pytest.param(cell, ra, name, id="%s%s-%s" % (cell, "" if cell != "gru" else
                                                      ("_reset_after" if ra else "_reset_before"),
                                                      name))
         for cell, ra in CELLS for name in VARIANTS]


def make_case(cell, reset_after, variant, dtype=np.float64, seed=0):
    v = dict(VARIANTS[variant])
    rng = np.random.default_rng(seed)
    b, t, f, u = v.pop("b", 3), v.pop("t", 5), 3, 4
    g = GATES[cell]
    n = g * u
    projected = v.pop("projected", False)
    x = rng.normal(size=(b, t, n if projected else f))
    kernel = None if projected else rng.normal(scale=0.6, size=(f, n))
    rec = rng.normal(scale=0.5, size=(u, n))
    bias = None
    if v.pop("bias", True):
        bias = rng.normal(scale=0.3, size=(2, n) if cell == "gru" and reset_after else (n,))
    h0 = c0 = mask = rmask = None
    if v.pop("h0", False):
        h0 = rng.normal(scale=0.5, size=(b, u))
        if cell == "lstm":
            c0 = rng.normal(scale=0.5, size=(b, u))
    if v.pop("mask", False):
        mask = _mask(b, t, rng)
    kind = v.pop("recurrent_mask", None)
    if kind is not None:
        shape = (g, b, u) if kind == "gates" else (b, u)
        rmask = (rng.random(shape) > 0.3) / 0.7
    kw = dict(bias=bias, h0=h0, c0=c0, mask=mask, recurrent_mask=rmask,
              reset_after=reset_after, projected=projected, **v)
    cast = lambda a: a if a is None or a.dtype == np.bool_ else a.astype(dtype)  # noqa: E731
    kw = {k: (cast(a) if isinstance(a, np.ndarray) else a) for k, a in kw.items()}
    return cast(x), cast(kernel), cast(rec), kw


# ---- forward -----------------------------------------------------------------

@pytest.mark.parametrize("dtype,rtol,atol", [(np.float32, 1e-5, 1e-6), (np.float64, 1e-12, 1e-13)],
                         ids=["float32", "float64"])
@pytest.mark.parametrize("cell,reset_after,variant", CASES)
def test_rnn_forward_matches_numpy(cell, reset_after, variant, dtype, rtol, atol):
    x, kernel, rec, kw = make_case(cell, reset_after, variant, dtype)
    y, hn, cn, saved = _core.rnn_forward(cell, x, kernel, rec, **kw)
    y_ref, h_ref, c_ref = ref_rnn(cell, x, kernel, rec, **kw)
    assert y.dtype == dtype and hn.dtype == dtype
    np.testing.assert_allclose(y, y_ref, rtol=rtol, atol=atol)
    np.testing.assert_allclose(hn, h_ref, rtol=rtol, atol=atol)
    if cell == "lstm":
        np.testing.assert_allclose(cn, c_ref, rtol=rtol, atol=atol)
    else:
        assert cn is None
    assert saved is not None


@pytest.mark.parametrize("cell,reset_after", [("simple", True), ("lstm", True), ("gru", True),
                                              ("gru", False)])
def test_rnn_forward_without_keep_equals_with_keep(cell, reset_after):
    x, kernel, rec, kw = make_case(cell, reset_after, "mask", np.float32)
    y1, h1, c1, saved = _core.rnn_forward(cell, x, kernel, rec, keep=True, **kw)
    y2, h2, c2, none = _core.rnn_forward(cell, x, kernel, rec, keep=False, **kw)
    assert none is None
    np.testing.assert_array_equal(y1, y2)
    np.testing.assert_array_equal(h1, h2)
    if cell == "lstm":
        np.testing.assert_array_equal(c1, c2)


@pytest.mark.parametrize("cell,reset_after", [("simple", True), ("lstm", True), ("gru", True),
                                              ("gru", False)])
def test_rnn_forward_without_sequences_keeps_the_same_states(cell, reset_after):
    x, kernel, rec, kw = make_case(cell, reset_after, "go_backwards", np.float32)
    y1, h1, c1, saved1 = _core.rnn_forward(cell, x, kernel, rec, **kw)
    y2, h2, c2, saved2 = _core.rnn_forward(cell, x, kernel, rec, sequences=False, **kw)
    assert y2 is None
    np.testing.assert_array_equal(h1, h2)
    np.testing.assert_array_equal(y1[:, -1], h2)
    if cell == "lstm":
        np.testing.assert_array_equal(c1, c2)
    for a, c in zip(saved1, saved2):
        if a is not None:
            np.testing.assert_array_equal(a, c)


def test_rnn_forward_without_sequences_refuses_a_mask():
    x, kernel, rec, kw = make_case("lstm", True, "mask", np.float32)
    with pytest.raises(ValueError, match="sequences=False needs mask=None"):
        _core.rnn_forward("lstm", x, kernel, rec, sequences=False, **kw)


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_rnn_sequence_last_output_gradient_equals_sliced_sequence(cell):
    from nnlite.backend.tape import Tape
    from nnlite.backend.variable import Variable
    from nnlite.ops.recurrent import rnn_sequence
    x, kernel, rec, kw = make_case(cell, True, "initial_state", np.float32)
    wy = np.random.default_rng(3).normal(size=(x.shape[0], rec.shape[0])).astype(np.float32)
    results = []
    for full in (True, False):
        k, r = Variable(kernel), Variable(rec)
        with Tape() as tape:
            out = rnn_sequence(cell, x, k, r, kw["bias"], kw["h0"], kw["c0"],
                               return_sequences=full)
            last = out[0][:, -1] if full else out[0]
            loss = (last * wy).sum() + (out[1] * wy).sum() * 0.5
        results.append([np.asarray(last)] + tape.gradient(loss, [k, r]))
    for a, c in zip(*results):
        np.testing.assert_array_equal(a, c)


def test_rnn_fully_masked_row_keeps_initial_state_and_outputs_zeros():
    x, kernel, rec, kw = make_case("lstm", True, "mask", np.float64)
    y, hn, cn, _ = _core.rnn_forward("lstm", x, kernel, rec, **kw)
    np.testing.assert_array_equal(y[0], 0)
    np.testing.assert_array_equal(hn[0], kw["h0"][0])
    np.testing.assert_array_equal(cn[0], kw["c0"][0])


def test_rnn_go_backwards_outputs_in_processing_order():
    x, kernel, rec, kw = make_case("gru", True, "plain", np.float64)
    y_back, h_back, _, _ = _core.rnn_forward("gru", x, kernel, rec, go_backwards=True, **kw)
    y_rev, h_rev, _, _ = _core.rnn_forward("gru", np.ascontiguousarray(x[:, ::-1]), kernel, rec,
                                           **kw)
    np.testing.assert_array_equal(y_back, y_rev)
    np.testing.assert_array_equal(h_back, h_rev)


# ---- backward against finite differences -----------------------------------------

def _loss_weights(cell, y_shape, b, u, rng):
    return (rng.normal(size=y_shape), rng.normal(size=(b, u)),
            rng.normal(size=(b, u)) if cell == "lstm" else None)


def _loss(cell, wy, wh, wc, x, kernel, rec, kw):
    y, hn, cn, _ = _core.rnn_forward(cell, x, kernel, rec, keep=False, **kw)
    total = np.sum(wy * y) + np.sum(wh * hn)
    if cell == "lstm":
        total += np.sum(wc * cn)
    return total


def _numeric_grad(fn, arr, eps=1e-6):
    grad = np.zeros_like(arr)
    flat, gflat = arr.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        up = fn()
        flat[i] = old - eps
        down = fn()
        flat[i] = old
        gflat[i] = (up - down) / (2 * eps)
    return grad


@pytest.mark.parametrize("cell,reset_after,variant", CASES)
def test_rnn_backward_matches_finite_differences(cell, reset_after, variant):
    x, kernel, rec, kw = make_case(cell, reset_after, variant, np.float64, seed=1)
    rng = np.random.default_rng(2)
    b, t = x.shape[:2]
    u = rec.shape[0]
    wy, wh, wc = _loss_weights(cell, (b, t, u), b, u, rng)
    y, hn, cn, saved = _core.rnn_forward(cell, x, kernel, rec, **kw)
    flags = {k: kw[k] for k in ("mask", "recurrent_mask", "reset_after", "projected")}
    flags.update({k: kw[k] for k in ("activation", "recurrent_activation", "go_backwards",
                                     "zero_output_for_mask") if k in kw})
    dx, dk, dr, db, dh0, dc0 = _core.rnn_backward(
        cell, x, kernel, rec, saved, dy=wy, dhn=wh, dcn=wc, has_bias=kw["bias"] is not None,
        has_h0=kw["h0"] is not None, has_c0=kw["c0"] is not None, **flags)
    loss = lambda: _loss(cell, wy, wh, wc, x, kernel, rec, kw)  # noqa: E731
    tol = dict(rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(dx, _numeric_grad(loss, x), **tol)
    np.testing.assert_allclose(dr, _numeric_grad(loss, rec), **tol)
    if kw["projected"]:
        assert dk is None
    else:
        np.testing.assert_allclose(dk, _numeric_grad(loss, kernel), **tol)
    if kw["bias"] is None:
        assert db is None
    else:
        np.testing.assert_allclose(db, _numeric_grad(loss, kw["bias"]), **tol)
    if kw["h0"] is None:
        assert dh0 is None
    else:
        np.testing.assert_allclose(dh0, _numeric_grad(loss, kw["h0"]), **tol)
    if kw["c0"] is None:
        assert dc0 is None
    else:
        np.testing.assert_allclose(dc0, _numeric_grad(loss, kw["c0"]), **tol)


@pytest.mark.parametrize("cell", ["simple", "lstm", "gru"])
def test_rnn_backward_without_output_gradients_is_zero(cell):
    x, kernel, rec, kw = make_case(cell, True, "initial_state", np.float64)
    _, _, _, saved = _core.rnn_forward(cell, x, kernel, rec, **kw)
    dx, dk, dr, db, dh0, dc0 = _core.rnn_backward(cell, x, kernel, rec, saved)
    for g in (dx, dk, dr, db, dh0) + ((dc0,) if cell == "lstm" else ()):
        np.testing.assert_array_equal(g, 0)


def test_rnn_backward_float32_matches_float64():
    x, kernel, rec, kw = make_case("lstm", True, "mask", np.float64)
    rng = np.random.default_rng(3)
    dy = rng.normal(size=(3, 5, 4))
    grads = {}
    for dtype in (np.float32, np.float64):
        cast = lambda a: a if a is None or a.dtype == np.bool_ else a.astype(dtype)  # noqa: E731
        kwd = {k: (cast(a) if isinstance(a, np.ndarray) else a) for k, a in kw.items()}
        _, _, _, saved = _core.rnn_forward("lstm", cast(x), cast(kernel), cast(rec), **kwd)
        grads[dtype] = _core.rnn_backward("lstm", cast(x), cast(kernel), cast(rec), saved,
                                          dy=cast(dy), mask=kw["mask"])
    for g32, g64 in zip(grads[np.float32], grads[np.float64]):
        np.testing.assert_allclose(g32, g64, rtol=1e-4, atol=1e-5)


# ---- bad input -----------------------------------------------------------------

def _good(cell="lstm", dtype=np.float64):
    x, kernel, rec, kw = make_case(cell, True, "plain", dtype)
    return x, kernel, rec, kw["bias"]


def test_rnn_unknown_cell_raises():
    x, k, r, b = _good()
    with pytest.raises(ValueError, match="cell"):
        _core.rnn_forward("rnn", x, k, r, b)


@pytest.mark.parametrize("arg", ["activation", "recurrent_activation"])
def test_rnn_unknown_activation_raises(arg):
    x, k, r, b = _good()
    with pytest.raises(ValueError, match=arg):
        _core.rnn_forward("lstm", x, k, r, b, **{arg: "softmax"})


@pytest.mark.parametrize("which", ["kernel", "recurrent_kernel", "bias", "h0", "mask",
                                   "recurrent_mask"])
def test_rnn_shape_mismatch_raises(which):
    x, k, r, b = _good()
    args = dict(kernel=k, recurrent_kernel=r, bias=b)
    bad = {"kernel": np.zeros((4, 16)), "recurrent_kernel": np.zeros((4, 12)),
           "bias": np.zeros(12), "h0": np.zeros((3, 5)), "mask": np.ones((3, 4), bool),
           "recurrent_mask": np.ones((2, 3, 4))}[which]
    args[which] = bad
    with pytest.raises(ValueError, match=which):
        _core.rnn_forward("lstm", x, **args)


def test_rnn_gru_bias_needs_two_rows_with_reset_after():
    x, k, r, b = _good("gru")
    with pytest.raises(ValueError, match="bias"):
        _core.rnn_forward("gru", x, k, r, b[0], reset_after=True)


@pytest.mark.parametrize("which", ["kernel", "recurrent_kernel", "bias"])
def test_rnn_dtype_mismatch_raises(which):
    x, k, r, b = _good()
    args = dict(kernel=k, recurrent_kernel=r, bias=b)
    args[which] = args[which].astype(np.float32)
    with pytest.raises(TypeError, match=which):
        _core.rnn_forward("lstm", x, **args)


def test_rnn_integer_input_raises():
    x, k, r, b = _good()
    with pytest.raises(TypeError, match="x"):
        _core.rnn_forward("lstm", x.astype(np.int64), k, r, b)


def test_rnn_zero_time_steps_raises():
    x, k, r, b = _good()
    with pytest.raises(ValueError, match="time step"):
        _core.rnn_forward("lstm", x[:, :0], k, r, b)


def test_rnn_c0_for_gru_raises():
    x, k, r, b = _good("gru")
    with pytest.raises(ValueError, match="c0"):
        _core.rnn_forward("gru", x, k, r, b, c0=np.zeros((3, 4)))


def test_rnn_projected_with_kernel_raises():
    x, k, r, b = _good()
    with pytest.raises(ValueError, match="kernel"):
        _core.rnn_forward("lstm", np.zeros((3, 5, 16)), k, r, b, projected=True)


def test_rnn_backward_saved_from_another_cell_raises():
    x, k, r, b = _good("gru")
    _, _, _, saved = _core.rnn_forward("gru", x, k, r, b)
    xl, kl, rl, bl = _good("lstm")
    with pytest.raises((ValueError, TypeError), match="saved"):
        _core.rnn_backward("lstm", xl, kl, rl, saved)


def test_rnn_non_contiguous_inputs_are_accepted():
    x, k, r, b = _good()
    xf = np.asfortranarray(x)
    y1 = _core.rnn_forward("lstm", x, k, r, b)[0]
    y2 = _core.rnn_forward("lstm", xf, np.asfortranarray(k), r, b)[0]
    np.testing.assert_array_equal(y1, y2)


@pytest.mark.parametrize("cell,reset_after", [("simple", True), ("lstm", True), ("gru", True)])
@pytest.mark.parametrize("variant", ["plain", "mask_go_backwards"])
def test_rnn_backward_weight_gradients_of_many_rows_equal_the_sum_over_rows(cell, reset_after,
                                                                          variant):
    # 41 rows: 6 blocks of the micro-kernel's rows, so the weight gradients are
    # summed per group of blocks; one row at a time takes the single-GEMM path
    rng = np.random.default_rng(11)
    b, t, f, u = 41, 7, 5, 6
    n = GATES[cell] * u
    x = rng.normal(size=(b, t, f))
    k = rng.normal(scale=0.4, size=(f, n))
    r = rng.normal(scale=0.4, size=(u, n))
    bias = rng.normal(scale=0.3, size=(2, n) if cell == "gru" and reset_after else (n,))
    dy = rng.normal(size=(b, t, u))
    kw = dict(reset_after=reset_after)
    if variant != "plain":
        kw.update(mask=rng.random((b, t)) > 0.3, go_backwards=True)
    results = []
    for dtype in (np.float32, np.float64):
        cast = [a.astype(dtype) for a in (x, k, r, bias, dy)]
        _, _, _, saved = _core.rnn_forward(cell, *cast[:3], cast[3], **kw)
        results.append(_core.rnn_backward(cell, *cast[:3], saved, dy=cast[4], has_h0=False,
                                          **kw)[1:4])
    per_row = [0, 0, 0]
    for i in range(b):
        row_kw = dict(kw, mask=kw["mask"][i:i + 1]) if "mask" in kw else kw
        _, _, _, saved = _core.rnn_forward(cell, x[i:i + 1], k, r, bias, **row_kw)
        grads = _core.rnn_backward(cell, x[i:i + 1], k, r, saved, dy=dy[i:i + 1],
                                   has_h0=False, **row_kw)[1:4]
        per_row = [p + g for p, g in zip(per_row, grads)]
    for g32, g64, ref in zip(results[0], results[1], per_row):
        np.testing.assert_allclose(g64, ref, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(g32, ref, rtol=1e-4, atol=1e-4)


# ---- threads ----------------------------------------------------------------------

@pytest.mark.parametrize("cell,reset_after", [("lstm", True), ("gru", True), ("gru", False)])
def test_rnn_bit_identical_for_one_and_two_threads(cell, reset_after):
    rng = np.random.default_rng(5)
    b, t, f, u = 384, 6, 32, 64   # big enough that the row passes split too
    n = GATES[cell] * u
    x = rng.normal(size=(b, t, f)).astype(np.float32)
    k = rng.normal(scale=0.2, size=(f, n)).astype(np.float32)
    r = rng.normal(scale=0.2, size=(u, n)).astype(np.float32)
    bias = rng.normal(size=(2, n) if cell == "gru" and reset_after else (n,)).astype(np.float32)
    mask = rng.random((b, t)) > 0.2
    dy = rng.normal(size=(b, t, u)).astype(np.float32)
    before = _core.get_num_threads()
    results = []
    try:
        for threads in (1, 2):
            _core.set_num_threads(threads)
            y, hn, cn, saved = _core.rnn_forward(cell, x, k, r, bias, mask=mask,
                                                 reset_after=reset_after)
            grads = _core.rnn_backward(cell, x, k, r, saved, dy=dy, mask=mask,
                                       reset_after=reset_after, has_h0=False)
            results.append((y, hn) + tuple(g for g in grads if g is not None))
    finally:
        _core.set_num_threads(before)
    for a, c in zip(*results):
        np.testing.assert_array_equal(a, c)


# ---- projections read through rows (one per distinct input row) ------------------

ROW_VARIANTS = ["plain", "mask_go_backwards", "recurrent_mask_per_gate", "no_bias"]


@pytest.mark.parametrize("variant", ROW_VARIANTS)
@pytest.mark.parametrize("cell,reset_after", CELLS)
def test_rnn_forward_reading_rows_equals_the_gathered_projection(cell, reset_after, variant):
    _, _, rec, kw = make_case(cell, reset_after, variant, np.float32)
    kw["projected"] = True
    b, t, u = 3, 5, rec.shape[0]
    rng = np.random.default_rng(5)
    distinct = rng.normal(size=(4, GATES[cell] * u)).astype(np.float32)
    rows = rng.integers(0, 4, (b, t))
    y1, h1, c1, saved1 = _core.rnn_forward(cell, distinct, None, rec, rows=rows, **kw)
    y2, h2, c2, saved2 = _core.rnn_forward(cell, distinct[rows], None, rec, **kw)
    np.testing.assert_array_equal(y1, y2)
    np.testing.assert_array_equal(h1, h2)
    for a1, a2 in zip(saved1, saved2):
        if a1 is not None:
            np.testing.assert_array_equal(a1, a2)
    y_ref = ref_rnn(cell, distinct[rows], None, rec, **kw)[0]
    np.testing.assert_allclose(y1, y_ref, rtol=1e-5, atol=1e-6)


def test_rnn_forward_rows_out_of_range_raises_before_writing():
    rec = np.zeros((2, 8))
    with pytest.raises(ValueError, match=r"rows holds 3, outside \[0, 3\)"):
        _core.rnn_forward("lstm", np.zeros((3, 8)), None, rec, rows=np.array([[0, 3]]),
                          projected=True)
    with pytest.raises(ValueError, match=r"rows holds -1"):
        _core.rnn_forward("lstm", np.zeros((3, 8)), None, rec, rows=np.array([[-1, 0]]),
                          projected=True)


def test_rnn_forward_rows_need_projected():
    with pytest.raises(ValueError, match="rows is only used with projected=True"):
        _core.rnn_forward("lstm", np.zeros((3, 2)), np.zeros((2, 8)), np.zeros((2, 8)),
                          rows=np.zeros((1, 2), dtype=np.int64))


def test_rnn_forward_rows_must_be_2d():
    with pytest.raises(ValueError, match="rows"):
        _core.rnn_forward("lstm", np.zeros((3, 8)), None, np.zeros((2, 8)),
                          rows=np.zeros(4, dtype=np.int64), projected=True)


def test_c_rnn_forward_returns_erange_for_a_row_outside_x():
    from nnlite._nnlite import ffi, lib
    rows = np.array([0, 2], dtype=np.int64)
    x, rec = np.zeros((2, 4), np.float32), np.zeros((1, 4), np.float32)
    hn = np.full((1, 1), 7.0, np.float32)
    cn = np.full((1, 1), 7.0, np.float32)
    f = lambda a: ffi.from_buffer("float[]", a)  # noqa: E731
    null = ffi.NULL
    status = lib.nl_srnn_forward(lib.NL_RNN_LSTM, lib.NL_ACT_TANH, lib.NL_ACT_SIGMOID,
                                 lib.NL_RNN_PROJECTED, 1, 2, 0, 1, f(x), 2,
                                 ffi.from_buffer("int64_t[]", rows), null, f(rec), null, null,
                                 null, null, null, null, f(hn), f(cn), null, null, null, null)
    assert status == lib.NL_ERANGE
    assert hn[0, 0] == 7.0 and cn[0, 0] == 7.0
