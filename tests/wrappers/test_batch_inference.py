"""predict_in_parallel on local processes: same predictions, same order, clear errors."""
import numpy as np
import pytest

pytest.importorskip("joblib")

from nnlite.layers import Concatenate, Dense, Input  # noqa: E402
from nnlite.models import Model, Sequential  # noqa: E402
from nnlite.wrappers import predict_in_parallel  # noqa: E402


def mlp():
    return Sequential([Input((3,)), Dense(5, activation="relu"), Dense(2)])


def test_predict_in_parallel_equals_predict_in_original_order():
    model = mlp()
    x = np.random.default_rng(0).normal(size=(997, 3)).astype("float32")
    got = predict_in_parallel(model, x, batch_size=50, n_jobs=2)
    np.testing.assert_allclose(got, model.predict(x, verbose=0), rtol=1e-6, atol=1e-7)


def test_predict_in_parallel_handles_fewer_samples_than_shards():
    model = mlp()
    x = np.arange(6, dtype="float32").reshape(2, 3)
    got = predict_in_parallel(model, x, n_jobs=2, shards_per_worker=4)
    np.testing.assert_allclose(got, model.predict(x, verbose=0), rtol=1e-6)


def test_predict_in_parallel_splits_every_input_of_a_two_input_model():
    a, b = Input((2,)), Input((3,))
    model = Model([a, b], Dense(1)(Concatenate()([a, b])))
    rng = np.random.default_rng(1)
    xa = rng.normal(size=(40, 2)).astype("float32")
    xb = rng.normal(size=(40, 3)).astype("float32")
    got = predict_in_parallel(model, [xa, xb], batch_size=7, n_jobs=2)
    np.testing.assert_allclose(got, model.predict([xa, xb], verbose=0), rtol=1e-6)


def test_predict_in_parallel_rejects_bad_batch_size():
    with pytest.raises(ValueError, match="batch_size=0"):
        predict_in_parallel(mlp(), np.zeros((4, 3)), batch_size=0)


def test_predict_in_parallel_rejects_inputs_of_different_lengths():
    with pytest.raises(ValueError, match="same number of samples"):
        predict_in_parallel(mlp(), [np.zeros((4, 3)), np.zeros((5, 3))])


def test_predict_in_parallel_rejects_non_model():
    with pytest.raises(TypeError, match="nnlite `Model`"):
        predict_in_parallel(lambda x: x, np.zeros((4, 3)))
