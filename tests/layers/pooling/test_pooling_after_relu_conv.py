"""Max pooling or a second convolution reading a ReLU convolution's output on
a `variables_only` tape (as `fit` records): the reader's backward applies the
ReLU's mask and the first convolution skips its own pass. The variables'
gradients must equal, bit for bit, those of an ordinary tape, which runs both
passes."""
import numpy as np
import pytest

import nnlite
from nnlite import _core
from nnlite.backend.tape import Tape
from nnlite.layers import Conv1D, Conv2D, Dense, Flatten, MaxPooling1D, MaxPooling2D


def _model(rank, seed=3, second_conv=None):
    """Conv(relu) -> [Conv(relu, second_conv = its kernel size and padding)] ->
    MaxPool -> Dense."""
    nnlite.utils.set_random_seed(seed)
    conv, pool = (Conv2D, MaxPooling2D) if rank == 2 else (Conv1D, MaxPooling1D)
    shape = (9, 8, 3) if rank == 2 else (9, 3)
    stack = [nnlite.Input(shape), conv(16, 3, activation="relu")]
    if second_conv is not None:
        stack.append(conv(8, second_conv[0], padding=second_conv[1], activation="relu"))
    model = nnlite.Sequential(stack + [pool(2), Flatten(), Dense(4)])
    # a negative bias on half the filters: many windows of zeros after the ReLU
    b = model.layers[0].bias
    b.assign(np.where(np.arange(16) % 2 == 0, -3.0, 0.1).astype(np.float32))
    return model


def _grads(model, x, tape, extra=None):
    with tape:
        out = model(x, training=True)
        loss = nnlite.ops.sum(out * out)
        if extra is not None:
            loss = loss + extra(model, x)
    return [np.asarray(g) for g in tape.gradient(loss, model.trainable_weights)]


def _count_relu_backward(monkeypatch):
    calls = []
    real = _core.activation_backward

    def counting(name, *args, **kwargs):
        calls.append(name)
        return real(name, *args, **kwargs)
    monkeypatch.setattr(_core, "activation_backward", counting)
    return calls


@pytest.mark.parametrize("rank,second_conv", [(1, None), (2, None), (2, (3, "valid")),
                                              (2, (3, "same")), (2, (1, "valid")),
                                              (1, (2, "valid"))])
def test_fused_relu_gradients_equal_the_ordinary_tape(rank, second_conv, monkeypatch):
    model = _model(rank, second_conv=second_conv)
    x = np.random.default_rng(0).standard_normal((5,) + model.inputs[0].shape[1:]) \
        .astype(np.float32)
    want = _grads(model, x, Tape())
    calls = _count_relu_backward(monkeypatch)
    got = _grads(model, x, Tape(variables_only=True))
    assert "relu" not in calls
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w)


def test_relu_output_read_twice_keeps_its_mask(monkeypatch):
    """The ReLU's output feeds the pooling and a second term: the summed
    gradient is not the pooling's array, so the convolution masks it."""
    model = _model(2)
    x = np.random.default_rng(1).standard_normal((4, 9, 8, 3)).astype(np.float32)

    def extra(m, inputs):
        h = m.layers[0](inputs)
        return nnlite.ops.sum(m.layers[1](h)) + nnlite.ops.sum(h * h)
    want = _grads(model, x, Tape(), extra)
    calls = _count_relu_backward(monkeypatch)
    got = _grads(model, x, Tape(variables_only=True), extra)
    assert "relu" in calls
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w)


def test_fit_steps_equal_an_ordinary_tape():
    """Two fit steps against the same steps by hand on an ordinary tape."""
    x = np.random.default_rng(2).standard_normal((8, 9, 8, 3)).astype(np.float32)
    y = np.random.default_rng(3).standard_normal((8, 4)).astype(np.float32)
    fitted = _model(2)
    fitted.compile(optimizer="sgd", loss="mse")
    fitted.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0)
    by_hand = _model(2)
    opt = nnlite.optimizers.SGD()
    for lo in (0, 4):
        with Tape() as tape:
            loss = nnlite.ops.mean((by_hand(x[lo:lo + 4], training=True) - y[lo:lo + 4]) ** 2)
        opt.apply(tape.gradient(loss, by_hand.trainable_weights), by_hand.trainable_weights)
    for a, b in zip(fitted.get_weights(), by_hand.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_variables_only_tape_refuses_other_sources():
    model = _model(2)
    x = nnlite.ops.convert_to_tensor(np.ones((1, 9, 8, 3), np.float32))
    with Tape(variables_only=True) as tape:
        tape.watch(x)
        loss = nnlite.ops.sum(model(x))
    with pytest.raises(ValueError, match="variables only"):
        tape.gradient(loss, [x])
