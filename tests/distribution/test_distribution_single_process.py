"""nnlite.distribution without mpiexec: the shard and flat-buffer logic, the
metrics' additive state, and fit under a one-process DataParallel."""
import os
import subprocess
import sys

import numpy as np
import pytest

import nnlite
from nnlite import callbacks, metrics
from nnlite.distribution import distribution_lib
from nnlite.distribution.data_parallel import DataParallel, shard_bounds
from nnlite.distribution.flat_buffer import FlatBuffer
from nnlite.distribution.self_comm import SelfComm
from nnlite.distribution.step_reducer import StepReducer
from data_parallel_workload import bn_runs, train, train_bn


class _PeerComm(SelfComm):
    """A communicator that reports being rank `rank` of `size`, and whose
    allgather returns the given signatures."""

    def __init__(self, rank=0, size=2, gathered=None):
        self.rank, self.size, self.gathered = rank, size, gathered

    def Get_rank(self):
        return self.rank

    def Get_size(self):
        return self.size

    def allgather(self, obj):
        return self.gathered if self.gathered is not None else [obj] * self.size


@pytest.fixture
def one_process(monkeypatch):
    """The world is one process with no MPI (as without mpi4py)."""
    monkeypatch.setitem(distribution_lib._state, "comm", SelfComm())
    yield
    nnlite.distribution.set_distribution(None)


@pytest.mark.parametrize("n", range(0, 14))
@pytest.mark.parametrize("shards", [1, 2, 3, 4])
def test_shards_cover_every_row_once_in_order(n, shards):
    bounds = [shard_bounds(n, shards, r) for r in range(shards)]
    rows = np.concatenate([np.arange(lo, hi) for lo, hi in bounds])
    np.testing.assert_array_equal(rows, np.arange(n))
    sizes = [hi - lo for lo, hi in bounds]
    assert max(sizes) - min(sizes) <= 1 and sizes == sorted(sizes, reverse=True)


def test_flat_buffer_packs_scaled_arrays_and_zeros_for_none():
    a, b = np.arange(6, dtype=np.float32).reshape(2, 3), np.ones(4, np.float32)
    flat = FlatBuffer([(2, 3), (4,), (1, 2)])
    flat.pack([a, None, b[:2].reshape(1, 2)], scales=[0.5, 1.0, 3.0])
    np.testing.assert_array_equal(flat.buffer, np.r_[a.ravel() * 0.5, np.zeros(4), 3, 3])
    out = flat.unpack()
    assert [o.shape for o in out] == [(2, 3), (4,), (1, 2)]
    assert np.shares_memory(out[0], flat.buffer)
    with pytest.raises(ValueError, match="shape"):
        flat.pack([b, None, None])


@pytest.mark.parametrize("make", [metrics.Mean, metrics.Precision, metrics.AUC,
                                  lambda: metrics.SparseCategoricalAccuracy()])
def test_summed_additive_state_of_shards_is_the_whole_batch_state(make):
    rng = np.random.default_rng(1)
    if make is metrics.Mean:
        args = (rng.normal(size=10),)
    elif make in (metrics.Precision, metrics.AUC):
        args = (rng.integers(0, 2, 10), rng.uniform(size=10))
    else:
        args = (rng.integers(0, 3, 10), rng.uniform(size=(10, 3)))
    whole, first, second = make(), make(), make()
    whole.update_state(*args)
    first.update_state(*[a[:4] for a in args])
    second.update_state(*[a[4:] for a in args])
    summed = [p + q for p, q in zip(first.additive_state(), second.additive_state())]
    first.assign_additive_state(summed)
    np.testing.assert_allclose(first.result(), whole.result(), rtol=1e-6)


def test_fit_under_one_process_data_parallel_matches_plain_fit(one_process):
    expected_weights, expected_history = train("adam")
    nnlite.distribution.set_distribution(nnlite.distribution.DataParallel())
    weights, history = train("adam")
    for w, e in zip(weights, expected_weights):
        np.testing.assert_allclose(w, e, rtol=1e-5, atol=1e-7)
    for key in expected_history:
        np.testing.assert_allclose(history[key], expected_history[key], rtol=1e-6)


@pytest.mark.parametrize("name", sorted(bn_runs()))
def test_global_batch_normalization_in_one_process_matches_plain_fit(one_process, name):
    # the data-parallel step's BatchNormalization (statistics summed through
    # the step's reducer, the batch-statistics terms of backward too) against
    # the fused kernel's own training pass
    expected = [np.asarray(w) for w in train_bn(*bn_runs()[name])]
    nnlite.distribution.set_distribution(nnlite.distribution.DataParallel())
    for w, e in zip(train_bn(*bn_runs()[name]), expected):
        np.testing.assert_allclose(np.asarray(w), e, rtol=1e-5, atol=1e-6)


def test_step_reducer_sums_in_one_call_keeping_shapes():
    reducer = StepReducer(SelfComm(), None, None, local_rows=3, global_rows=12)
    a, b = reducer.sum(np.ones((2, 3), np.float32), 5)
    assert a.shape == (2, 3) and a.dtype == np.float64 and b.shape == () and b == 5
    (w,) = reducer.sum(np.array([4.0, 8.0]), weighted=True)
    np.testing.assert_array_equal(w, [1.0, 2.0])


def test_batch_normalization_outside_a_step_has_no_reducer(one_process):
    nnlite.distribution.set_distribution(nnlite.distribution.DataParallel())
    assert distribution_lib.step_reducer() is None
    with nnlite.distribution.distribution().training_step(3, 12) as reducer:
        assert distribution_lib.step_reducer() is reducer and reducer.weight == 0.25
    assert distribution_lib.step_reducer() is None


def test_other_ranks_drop_the_writing_callbacks(tmp_path):
    dist = DataParallel.__new__(DataParallel)
    dist._comm = _PeerComm(rank=1)
    keep = callbacks.EarlyStopping()
    cbs = [callbacks.ModelCheckpoint(str(tmp_path / "m.keras")),
           callbacks.CSVLogger(str(tmp_path / "log.csv")), callbacks.ProgbarLogger(), keep]
    assert dist.for_this_rank(1, cbs) == (0, [keep])
    dist._comm = _PeerComm(rank=0)
    assert dist.for_this_rank(1, cbs) == (1, cbs)


def test_a_model_that_differs_on_another_rank_is_refused(one_process):
    model = nnlite.Sequential([nnlite.layers.Input((3,)), nnlite.layers.Dense(2)])
    dist = nnlite.distribution.DataParallel()
    mine = ([(tuple(v.shape), str(v.value.dtype)) for v in model.variables], [])
    theirs = ([((3, 4), "float32"), ((4,), "float32")], [])
    dist._comm = _PeerComm(rank=0, gathered=[mine, theirs])
    with pytest.raises(ValueError, match="rank 1's model weights differ from rank 0's"):
        dist.begin_fit(model)


def test_data_of_another_shape_on_another_rank_is_refused(one_process):
    model = nnlite.Sequential([nnlite.layers.Input((3,)), nnlite.layers.Dense(2)])
    dist = nnlite.distribution.DataParallel()
    weights = [(tuple(v.shape), str(v.value.dtype)) for v in model.variables]
    x, y = np.zeros((10, 3), "float32"), np.zeros((10, 2), "float32")
    dist._comm = _PeerComm(rank=0, gathered=[(weights, [(10, 3), (10, 2), None]),
                                             (weights, [(9, 3), (9, 2), None])])
    with pytest.raises(ValueError, match="rank 1's data differ from rank 0's"):
        dist.begin_fit(model, (x, y, None))


def test_list_devices_and_initialize_in_one_process(one_process):
    assert nnlite.distribution.list_devices() == ["cpu:0"]
    nnlite.distribution.initialize(num_processes=1, process_id=0)
    with pytest.raises(ValueError, match="num_processes"):
        nnlite.distribution.initialize(num_processes=2)
    with pytest.raises(ValueError, match="devices"):
        nnlite.distribution.DataParallel(devices=["cpu:0", "cpu:1"])


def test_distribution_scope_sets_and_restores_the_global_distribution(one_process):
    dist = nnlite.distribution.DataParallel()
    assert nnlite.distribution.distribution() is None
    with dist.scope():
        assert nnlite.distribution.distribution() is dist
    assert nnlite.distribution.distribution() is None


def _python(code, cwd):
    """Runs `code` in a fresh interpreter importing the nnlite this process imported."""
    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(nnlite.__file__)))
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, env=env, cwd=str(cwd))


def test_import_and_data_parallel_work_without_mpi4py(tmp_path):
    # mpi4py made unimportable: nnlite imports, and a DataParallel is one process
    code = ("import sys; sys.modules['mpi4py'] = None; import nnlite; "
            "d = nnlite.distribution.DataParallel(); "
            "assert (d.num_processes, d.rank) == (1, 0), d.devices; "
            "import nnlite.distribution; assert sys.modules['mpi4py'] is None; print('ok')")
    out = _python(code, tmp_path)
    assert out.returncode == 0 and "ok" in out.stdout, out.stderr


def test_import_nnlite_does_not_import_mpi4py(tmp_path):
    code = "import sys, nnlite; print('mpi4py' in sys.modules)"
    out = _python(code, tmp_path)
    assert out.stdout.strip() == "False", out.stderr


def _mlp():
    nnlite.utils.set_random_seed(5)
    model = nnlite.Sequential([nnlite.layers.Input((5,)),
                               nnlite.layers.Dense(8, activation="relu"),
                               nnlite.layers.Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def test_one_process_data_parallel_runs_the_compiled_steps_bit_for_bit(one_process, monkeypatch):
    # the split step (gradients, then update) gives the fused step's weights and logs
    from nnlite.trainers.trainer import Trainer
    epochs = []
    split = Trainer._fit_epoch_compiled_parallel
    monkeypatch.setattr(Trainer, "_fit_epoch_compiled_parallel",
                        lambda self, *a: epochs.append(1) or split(self, *a))
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 5)).astype("float32")
    y = rng.integers(0, 3, size=40)
    plain = _mlp()
    expected = plain.fit(x, y, batch_size=12, epochs=3, verbose=0).history
    nnlite.distribution.set_distribution(DataParallel())
    model = _mlp()
    history = model.fit(x, y, batch_size=12, epochs=3, verbose=0).history
    assert len(epochs) == 3
    assert history == expected
    for a, b in zip(model.get_weights(), plain.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_shard_gradients_weighted_by_size_sum_to_the_batch_gradient():
    # what the ranks' Allreduce adds: (n_r / B) * g_r over the shards of a batch
    rng = np.random.default_rng(1)
    x = rng.normal(size=(12, 5)).astype("float32")
    y = rng.integers(0, 3, size=12)
    model = _mlp()
    model.fit(x, y, epochs=1, verbose=0)        # builds the compiled plan
    state = model._training_plan(x, y, None, 12)
    t, labels = state.targets(y)
    whole = np.empty(state.plan.gradient_size, np.float32)
    state.plan.gradients(x, t, labels, np.arange(12), 1.0, whole)
    parts = np.zeros_like(whole)
    for lo, hi in (shard_bounds(12, 3, r) for r in range(3)):
        part = np.empty_like(whole)
        state.plan.gradients(x, t, labels, np.arange(lo, hi), (hi - lo) / 12.0, part)
        parts += part
    np.testing.assert_allclose(parts, whole, rtol=1e-5, atol=1e-7)
    empty = np.ones_like(whole)
    state.plan.gradients(x, t, labels, np.arange(0), 0.0, empty)
    assert not empty.any()
