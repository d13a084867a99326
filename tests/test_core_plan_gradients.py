"""The compiled plan's step halves (`Plan.gradients`, `Plan.apply`, what
DataParallel calls): bad arguments are refused in Python with a message that
names them, before any C call, and leave the plan's weights as they were."""
import numpy as np
import pytest

from nnlite import _core, layers
from nnlite.models import Sequential

N = 12


def _plan():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(N, 5)).astype("float32")
    y = rng.integers(0, 3, size=N)
    model = Sequential([layers.Input((5,)), layers.Dense(4, activation="relu"),
                        layers.Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(x, y, epochs=1, verbose=0)        # builds the compiled plan
    state = model._training_plan(x, y, None, N)
    t, labels = state.targets(y)
    return model, state.plan, x, t, labels


def _gradients(plan, x, t, labels):
    out = np.empty(plan.gradient_size, np.float32)
    plan.gradients(x, t, labels, np.arange(N, dtype=np.int64), 1.0, out)
    return out


@pytest.mark.parametrize("what,rows,scale,grad,pattern", [
    ("rows out of range", np.array([0, N], np.int64), 1.0, None, r"\[0, 12\)"),
    ("negative row", np.array([-1], np.int64), 1.0, None, r"\[0, 12\)"),
    ("float rows", np.arange(3, dtype=np.float64), 1.0, None, r"rows must be an int64"),
    ("2-D rows", np.zeros((2, 2), np.int64), 1.0, None, r"rows must be an int64"),
    ("too many rows", np.zeros(N + 1, np.int64), 1.0, None, r"at most 12 rows"),
    ("NaN scale", np.arange(3, dtype=np.int64), float("nan"), None, r"scale"),
    ("negative scale", np.arange(3, dtype=np.int64), -1.0, None, r"scale"),
    ("short grad", np.arange(3, dtype=np.int64), 1.0, "short", r"grad must be"),
    ("float64 grad", np.arange(3, dtype=np.int64), 1.0, "float64", r"grad must be"),
])
def test_gradients_refuses_bad_arguments(what, rows, scale, grad, pattern):
    _, plan, x, t, labels = _plan()
    before = _gradients(plan, x, t, labels)
    size = plan.gradient_size
    buf = {None: np.empty(size, np.float32), "short": np.empty(size - 1, np.float32),
           "float64": np.empty(size, np.float64)}[grad]
    with pytest.raises(ValueError, match=pattern):
        plan.gradients(x, t, labels, rows, scale, buf)
    np.testing.assert_array_equal(_gradients(plan, x, t, labels), before)   # weights as before


def test_gradients_refuse_x_of_the_wrong_width():
    _, plan, x, t, labels = _plan()
    with pytest.raises(ValueError, match="x"):
        plan.gradients(x[:, :4].copy(), t, labels, np.arange(3, dtype=np.int64), 1.0,
                       np.empty(plan.gradient_size, np.float32))


@pytest.mark.parametrize("grad,params,pattern", [
    ("short", "ok", r"grad must be"),
    ("strided", "ok", r"grad must be"),
    ("ok", "short", r"params must hold"),
])
def test_apply_refuses_bad_arguments(grad, params, pattern):
    _, plan, x, t, labels = _plan()
    before = _gradients(plan, x, t, labels)
    size = plan.gradient_size
    g = {"ok": np.zeros(size, np.float32), "short": np.zeros(size - 1, np.float32),
         "strided": np.zeros(2 * size, np.float32)[::2]}[grad]
    p = np.zeros(_core.PLAN_STEP_PARAMS - (params == "short"), np.float64)
    with pytest.raises(ValueError, match=pattern):
        plan.apply(g, p)
    np.testing.assert_array_equal(_gradients(plan, x, t, labels), before)
