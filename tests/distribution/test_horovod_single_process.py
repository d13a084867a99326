"""nnlite.distribution.horovod in one process (no mpiexec)."""
import numpy as np
import pytest

import nnlite
from nnlite.distribution import distribution_lib
from nnlite.distribution import horovod as hvd
from nnlite.distribution.self_comm import SelfComm


class _FourProcesses(SelfComm):
    def Get_size(self):
        return 4


@pytest.fixture
def one_process(monkeypatch):
    monkeypatch.setitem(distribution_lib._state, "comm", SelfComm())


def test_allreduce_and_broadcast_of_one_process(one_process):
    hvd.init()
    assert (hvd.size(), hvd.rank(), hvd.local_rank(), hvd.local_size()) == (1, 0, 0, 1)
    np.testing.assert_array_equal(hvd.allreduce(np.arange(3)), [0.0, 1.0, 2.0])
    np.testing.assert_array_equal(hvd.allreduce([1.5, 2.0], op=hvd.Sum), [1.5, 2.0])
    np.testing.assert_array_equal(hvd.broadcast(np.ones((2, 2)), 0), np.ones((2, 2)))
    with pytest.raises(ValueError, match="op"):
        hvd.allreduce(1.0, op="max")


def test_distributed_optimizer_of_one_process_is_the_optimizer(one_process):
    def fit(make):
        nnlite.utils.set_random_seed(2)
        model = nnlite.Sequential([nnlite.layers.Input((4,)), nnlite.layers.Dense(3)])
        model.compile(optimizer=make(), loss="mse")
        rng = np.random.default_rng(0)
        model.fit(rng.normal(size=(20, 4)).astype("float32"),
                  rng.normal(size=(20, 3)).astype("float32"), batch_size=5, epochs=2,
                  verbose=0)
        return model.get_weights()

    wrapped = hvd.DistributedOptimizer(nnlite.optimizers.Adam(0.01))
    assert type(wrapped).__name__ == "DistributedAdam" and wrapped.executor_spec() is None
    for got, want in zip(fit(lambda: hvd.DistributedOptimizer(nnlite.optimizers.Adam(0.01))),
                         fit(lambda: nnlite.optimizers.Adam(0.01))):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7)


def test_learning_rate_warmup_follows_horovods_ramp(monkeypatch):
    monkeypatch.setitem(distribution_lib._state, "comm", _FourProcesses())
    model = nnlite.Sequential([nnlite.layers.Input((2,)), nnlite.layers.Dense(1)])
    model.compile(optimizer=nnlite.optimizers.SGD(0.4), loss="mse")
    cb = hvd.callbacks.LearningRateWarmupCallback(0.4, warmup_epochs=2, steps_per_epoch=10)
    cb.set_model(model)
    seen = []
    for epoch in range(3):
        cb.on_epoch_begin(epoch)
        for batch in (0, 5):
            cb.on_train_batch_begin(batch)
            seen.append(float(model.optimizer.learning_rate))
        cb.on_epoch_end(epoch)
    # lr = 0.4 / 4 * (e * 3 / 2 + 1) at fractional epoch e, then 0.4
    np.testing.assert_allclose(seen, [0.1, 0.175, 0.25, 0.325, 0.4, 0.4], rtol=1e-6)


def test_metric_average_of_one_process_keeps_the_logs(one_process):
    logs = {"loss": 0.5, "accuracy": 0.25, "note": "text"}
    hvd.callbacks.MetricAverageCallback().on_epoch_end(0, logs)
    assert logs == {"loss": 0.5, "accuracy": 0.25, "note": "text"}
