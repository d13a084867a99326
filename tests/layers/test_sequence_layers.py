"""Masking (against real Keras 3.15.1 outputs), Permute and RepeatVector (against
NumPy and finite differences)."""
import json
import os

import numpy as np
import pytest

import nnlite
from layer_gradcheck import check_layer
from nnlite.backend.tape import Tape
from nnlite.backend.tensor import Tensor
from nnlite.layers import Masking, Permute, RepeatVector

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
with open(os.path.join(HERE, "fixtures", "keras3_sequence", "masking.json")) as f:
    MASKING = json.load(f)


@pytest.mark.parametrize("name", sorted(MASKING["cases"]))
def test_masking_output_and_mask_equal_keras(name):
    case = MASKING["cases"][name]
    y = Masking(case["mask_value"])(np.asarray(case["x"], dtype="float32"))
    np.testing.assert_array_equal(np.asarray(y), np.asarray(case["output"], dtype="float32"))
    np.testing.assert_array_equal(np.asarray(y._keras_mask), np.asarray(case["mask"]))


def test_masking_config_equals_keras():
    config = Masking(0.0, name=MASKING["config"]["name"]).get_config()
    assert config == MASKING["config"]


def test_masking_gradient_is_zero_at_masked_steps():
    x = np.random.default_rng(1).normal(size=(2, 4, 3))
    x[0, 1] = 0.0
    xt = Tensor(x)
    r = np.random.default_rng(2).normal(size=x.shape)
    with Tape() as tape:
        tape.watch(xt)
        y = Masking(dtype="float64")(xt)
    dx = np.asarray(tape.gradient([y], [xt], output_gradients=[r])[0])
    keep = np.ones(x.shape)
    keep[0, 1] = 0.0
    np.testing.assert_array_equal(dx, r * keep)


def test_permute_equals_numpy_transpose():
    x = np.random.default_rng(2).normal(size=(2, 3, 4, 5)).astype("float32")
    y = Permute((3, 1, 2))(x)
    np.testing.assert_array_equal(np.asarray(y), x.transpose(0, 3, 1, 2))
    assert Permute((3, 1, 2)).compute_output_shape((None, 3, 4, 5)) == (None, 5, 3, 4)


def test_permute_gradient():
    check_layer(Permute((2, 1), dtype="float64"), np.random.default_rng(3).normal(size=(2, 3, 4)))


@pytest.mark.parametrize("dims", [(1, 1), (0, 1), (1, 3)])
def test_permute_refuses_a_non_permutation(dims):
    with pytest.raises(ValueError, match="consecutive and start from 1"):
        Permute(dims)


def test_repeat_vector_equals_numpy():
    x = np.arange(6, dtype="float32").reshape(2, 3)
    y = RepeatVector(4)(x)
    np.testing.assert_array_equal(np.asarray(y), np.repeat(x[:, None, :], 4, axis=1))


def test_repeat_vector_gradient_sums_the_copies():
    check_layer(RepeatVector(3, dtype="float64"), np.random.default_rng(4).normal(size=(2, 5)))


@pytest.mark.parametrize("n, error", [(0, ValueError), (2.5, TypeError), (True, TypeError)])
def test_repeat_vector_refuses_bad_n(n, error):
    with pytest.raises(error):
        RepeatVector(n)


def test_repeat_vector_needs_rank_two():
    with pytest.raises(ValueError):
        RepeatVector(2)(np.zeros((2, 3, 4), "float32"))


def test_seq2seq_model_with_repeat_vector_and_time_distributed_trains():
    rng = np.random.default_rng(5)
    x = rng.normal(size=(32, 5, 2)).astype("float32")
    y = np.flip(x, axis=1).copy()
    L = nnlite.layers
    model = nnlite.Sequential([nnlite.Input((5, 2)), L.LSTM(16), L.RepeatVector(5),
                               L.LSTM(16, return_sequences=True), L.TimeDistributed(L.Dense(2))])
    model.compile(optimizer=nnlite.optimizers.Adam(0.01), loss="mse")
    history = model.fit(x, y, epochs=30, batch_size=8, verbose=0)
    assert history.history["loss"][-1] < 0.75 * history.history["loss"][0]
