"""fit under DataParallel on 2 and 3 MPI processes (mpiexec) against one
process training on the same global batches, and the faults that must stop
every rank."""
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

import nnlite
from data_parallel_workload import (bn_runs, configs, train, train_and_infer, train_bn,
                                    train_horovod_style)

HERE = os.path.dirname(os.path.abspath(__file__))
# the children import the nnlite this process imported (a build in place or
# the installed package)
NNLITE_HOME = os.path.dirname(os.path.dirname(os.path.abspath(nnlite.__file__)))


def _mpiexec():
    try:
        import mpi4py  # noqa: F401
    except ImportError:
        pytest.skip("mpi4py is not installed")
    exe = shutil.which("mpiexec") or shutil.which("mpirun")
    if exe is None:
        pytest.skip("no mpiexec on PATH")
    return exe


def _launch(ranks, mode, out=None, timeout=120):
    """Runs data_parallel_child.py on `ranks` processes; returns the
    CompletedProcess (a hang fails the test through the timeout)."""
    cmd = [_mpiexec(), "-n", str(ranks)]
    if ranks > (os.cpu_count() or 1) and "Open MPI" in _version():
        cmd.append("--oversubscribe")
    cmd += [sys.executable, os.path.join(HERE, "data_parallel_child.py"), mode]
    if out is not None:
        cmd.append(str(out))
    env = dict(os.environ, NNLITE_NUM_THREADS="1", PYTHONPATH=NNLITE_HOME)
    return subprocess.run(cmd, cwd=HERE, env=env, capture_output=True, text=True,
                          timeout=timeout)


def _version():
    exe = shutil.which("mpiexec") or shutil.which("mpirun")
    try:
        return subprocess.run([exe, "--version"], capture_output=True, text=True,
                              timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return ""


@pytest.fixture(scope="module")
def single_process():
    """Every workload run trained in this process with no distribution."""
    assert nnlite.distribution.distribution() is None
    runs = {name: train(name) for name in configs()}
    runs["infer"] = train_and_infer()
    return runs


@pytest.mark.parametrize("ranks", [2, 3])
def test_data_parallel_weights_match_one_process(ranks, tmp_path, single_process):
    out = tmp_path / "weights.npz"
    run = _launch(ranks, "train", out)
    assert run.returncode == 0, run.stdout + run.stderr
    saved = np.load(out)
    runs = dict(single_process)
    history, results, predictions = runs.pop("infer")
    for key, values in history.items():      # validation sharded too
        np.testing.assert_allclose(saved["infer/" + key], values, rtol=1e-5, err_msg=key)
    for key, value in results.items():       # evaluate: shards' metric states summed
        np.testing.assert_allclose(saved["evaluate/" + key], value, rtol=1e-5, err_msg=key)
    np.testing.assert_allclose(saved["predict"], predictions, rtol=1e-5, atol=1e-7)
    for name, (weights, history) in runs.items():
        for i, w in enumerate(weights):
            np.testing.assert_allclose(saved["%s/w%d" % (name, i)], w, rtol=1e-4, atol=2e-6,
                                       err_msg="%s weight %d, %d ranks" % (name, i, ranks))
        for key, values in history.items():
            np.testing.assert_allclose(saved["%s/%s" % (name, key)], values, rtol=1e-5,
                                       err_msg="%s %s, %d ranks" % (name, key, ranks))


@pytest.mark.parametrize("ranks", [2, 3])
def test_horovod_style_training_matches_one_process(ranks, tmp_path):
    out = tmp_path / "hvd.npz"
    run = _launch(ranks, "horovod", out)
    assert run.returncode == 0, run.stdout + run.stderr
    saved = np.load(out)
    weights, history = train_horovod_style()
    for i, w in enumerate(weights):
        np.testing.assert_allclose(saved["w%d" % i], w, rtol=1e-4, atol=2e-6)
    for key, values in history.items():
        np.testing.assert_allclose(saved[key], values, rtol=1e-5, err_msg=key)


@pytest.mark.parametrize("ranks", [2, 3])
def test_batch_normalization_uses_the_global_batch_statistics(ranks, tmp_path):
    # as Keras's DataParallel on JAX: every rank normalizes its shard with the
    # global batch's mean and variance, so N ranks train (weights and moving
    # statistics) as one process does on the same global batches
    run = _launch(ranks, "bn", tmp_path / "bn")
    assert run.returncode == 0, run.stdout + run.stderr
    saved = [np.load(tmp_path / ("bn.%d.npz" % r)) for r in range(ranks)]
    for name, args in bn_runs().items():
        for i, w in enumerate(train_bn(*args)):
            for r in range(ranks):
                np.testing.assert_allclose(saved[r]["%s/w%d" % (name, i)], np.asarray(w),
                                           rtol=1e-5, atol=1e-6,
                                           err_msg="%s weight %d, rank %d of %d"
                                           % (name, i, r, ranks))


def test_a_global_batch_smaller_than_the_ranks_is_refused_with_batch_normalization():
    run = _launch(2, "bn-small-batch", timeout=60)
    assert run.returncode != 0
    assert "a global batch of 1 rows cannot be split over 2 processes" in run.stderr, \
        run.stderr


def test_a_rank_that_raises_stops_every_rank_naming_it():
    run = _launch(2, "fault", timeout=60)
    assert run.returncode != 0
    assert "rank 1 of 2 raised RuntimeError: injected fault" in run.stderr, run.stderr


def test_a_rank_that_dies_stops_the_job():
    # MPICH's launcher ends the job with the dead rank's exit code
    run = _launch(2, "die", timeout=60)
    assert run.returncode != 0


def test_mismatched_models_are_refused_at_the_start():
    run = _launch(2, "mismatch", timeout=60)
    assert run.returncode != 0
    assert "rank 1's model weights differ from rank 0's" in run.stderr, run.stderr
