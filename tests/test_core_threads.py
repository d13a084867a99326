"""Threads and instruction-set dispatch: results never depend on them."""
import multiprocessing
import os
import subprocess
import sys
import tempfile

import numpy as np
import pytest

import nnlite
from nnlite import _core, config
from nnlite.layers import Dense, Input
from nnlite.models import Sequential
from nnlite.utils import set_random_seed

ISAS = [name for name in _core.ISAS if _core.isa_supported(name)]


@pytest.fixture
def restore():
    isa, threads = _core.isa(), _core.get_num_threads()
    yield
    _core.set_isa(isa)
    _core.set_num_threads(threads)


def _run(code, **env):
    """Runs code in a fresh interpreter that imports this nnlite."""
    full_env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(nnlite.__file__)),
                    **env)
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, cwd=tempfile.gettempdir(), env=full_env)
    assert res.returncode == 0, res.stderr
    return res.stdout.strip()


@pytest.mark.parametrize("isa", ISAS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("m,n,k,trans_a,trans_b", [
    (300, 70, 129, False, False),    # split along M
    (33, 517, 250, False, True),     # split along N
    (257, 255, 391, True, False),
    (97, 301, 113, True, True),
])
def test_threaded_gemm_equals_one_thread_bit_for_bit(restore, isa, dtype, m, n, k, trans_a,
                                                     trans_b):
    rng = np.random.default_rng(0)
    a = rng.standard_normal((k, m) if trans_a else (m, k)).astype(dtype)
    b = rng.standard_normal((n, k) if trans_b else (k, n)).astype(dtype)
    c0 = rng.standard_normal((m, n)).astype(dtype)
    _core.set_isa(isa)
    results = []
    for threads in (1, 2, 3):
        _core.set_num_threads(threads)
        results.append(_core.gemm(a, b, c0.copy(), trans_a, trans_b, alpha=0.7, beta=0.3))
    np.testing.assert_array_equal(results[0], results[1])
    np.testing.assert_array_equal(results[0], results[2])


def test_model_trained_with_one_and_two_threads_ends_with_identical_weights(restore):
    rng = np.random.default_rng(1)
    x = rng.standard_normal((512, 200)).astype(np.float32)
    y = rng.integers(0, 10, 512)
    weights = []
    for threads in (1, 2):
        config.set_num_threads(threads)
        set_random_seed(5)
        model = Sequential([Input(shape=(200,)), Dense(256, activation="relu"),
                            Dense(10, activation="softmax")])
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        model.fit(x, y, batch_size=128, epochs=2, verbose=0)
        weights.append(model.get_weights())
    for a, b in zip(*weights):
        np.testing.assert_array_equal(a, b)


def test_set_num_threads_changes_the_reported_count(restore):
    config.set_num_threads(3)
    assert config.get_num_threads() == 3
    assert config.runtime_info()["num_threads"] == 3


@pytest.mark.parametrize("bad", [0, -1, 1.5, True])
def test_set_num_threads_rejects_non_positive_integers(restore, bad):
    with pytest.raises(ValueError, match="positive integer"):
        config.set_num_threads(bad)


def test_runtime_info_reports_the_path_in_use(restore):
    info = config.runtime_info()
    assert info["isa"] in info["isas_supported"]
    _core.set_isa("ref")
    assert config.runtime_info()["isa"] == "ref"


def test_unknown_isa_name_is_rejected(restore):
    with pytest.raises(ValueError, match="Unknown instruction set"):
        _core.set_isa("sse9")


def test_default_thread_count_is_the_usable_cores():
    expected = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    out = _run("import nnlite; print(nnlite.config.get_num_threads())",
               NNLITE_NUM_THREADS="")
    assert int(out) == expected


def test_num_threads_environment_variable_is_read():
    out = _run("import nnlite; print(nnlite.config.get_num_threads())", NNLITE_NUM_THREADS="3")
    assert out == "3"


@pytest.mark.parametrize("isa", ISAS)
def test_isa_environment_variable_forces_the_path(isa):
    out = _run("import nnlite; print(nnlite.config.runtime_info()['isa'])", NNLITE_ISA=isa)
    assert out == isa


def test_best_path_is_chosen_by_default():
    out = _run("import nnlite; print(nnlite.config.runtime_info()['isa'])", NNLITE_ISA="")
    assert out == ISAS[-1]


def _child_product(seed):
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((300, 300)).astype(np.float32)
    return _core.gemm(a, a)


@pytest.mark.skipif(sys.platform == "win32", reason="fork is POSIX")
def test_thread_pool_works_in_forked_children(restore):
    _core.set_num_threads(2)
    expected = _child_product(7)          # starts the pool in the parent
    with multiprocessing.get_context("fork").Pool(2) as pool:
        results = pool.map(_child_product, [7, 7])
    for r in results:
        np.testing.assert_array_equal(r, expected)


# -- fused GEMM + bias + activation ---------------------------------------------

ELEMENTWISE = ["linear", "relu", "sigmoid", "tanh", "leaky_relu", "elu", "selu", "softplus",
               "softsign", "swish", "gelu", "hard_sigmoid", "exponential"]


@pytest.mark.parametrize("isa", ISAS)
@pytest.mark.parametrize("activation", ELEMENTWISE)
def test_fused_dense_forward_matches_separate_steps(restore, isa, activation):
    _core.set_isa(isa)
    rng = np.random.default_rng(2)
    x = rng.standard_normal((37, 29))
    w = rng.standard_normal((29, 45)) * 0.3
    b = rng.standard_normal(45)
    z, y = _core.dense_forward(x, w, b, activation, 0.2, y=np.empty((37, 45)))
    np.testing.assert_allclose(z, x @ w + b, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(y, _core.activation_forward(activation, x @ w + b, 0.2),
                               rtol=1e-12, atol=1e-12)


def test_fused_dense_forward_in_place_and_threaded(restore):
    rng = np.random.default_rng(3)
    x = rng.standard_normal((300, 200)).astype(np.float32)
    w = rng.standard_normal((200, 150)).astype(np.float32)
    b = rng.standard_normal(150).astype(np.float32)
    _core.set_num_threads(2)
    z, y = _core.dense_forward(x, w, b, "relu")
    assert y is z
    ref = np.maximum(x.astype(np.float64) @ w + b, 0)
    np.testing.assert_allclose(y, ref, rtol=1e-4, atol=1e-3)
    _core.set_num_threads(1)
    z1, _ = _core.dense_forward(x, w, b, "relu")
    np.testing.assert_array_equal(z, z1)


def test_fused_dense_forward_rejects_softmax():
    x = np.ones((2, 3))
    with pytest.raises(ValueError, match="softmax"):
        _core.dense_forward(x, np.ones((3, 4)), None, "softmax")


@pytest.mark.parametrize("name", ["relu", "gelu", "softmax"])
def test_large_activation_runs_threaded_with_identical_results(restore, name):
    rng = np.random.default_rng(4)
    x = rng.standard_normal((700, 900)).astype(np.float32)
    dy = rng.standard_normal((700, 900)).astype(np.float32)
    outs = []
    for threads in (1, 2):
        _core.set_num_threads(threads)
        y = _core.activation_forward(name, x)
        outs.append((y, _core.activation_backward(name, x, y, dy)))
    np.testing.assert_array_equal(outs[0][0], outs[1][0])
    np.testing.assert_array_equal(outs[0][1], outs[1][1])
    if name == "relu":
        np.testing.assert_array_equal(outs[1][0], np.maximum(x, 0))
        np.testing.assert_array_equal(outs[1][1], np.where(x > 0, dy, 0))
    if name == "softmax":
        np.testing.assert_allclose(outs[1][0].sum(axis=1), 1.0, rtol=1e-5)


@pytest.mark.parametrize("bad", [-1, 1.5, True, "256"])
def test_keep_freed_memory_rejects_a_bad_size(bad):
    with pytest.raises(ValueError, match="nbytes"):
        _core.keep_freed_memory(bad)


def test_keep_freed_memory_is_only_a_hint():
    # 0 and sizes past the allocator's limits are accepted (clamped), never an error
    _core.keep_freed_memory(0)
    _core.keep_freed_memory(1 << 40)
    _core.keep_freed_memory(256 << 20)
