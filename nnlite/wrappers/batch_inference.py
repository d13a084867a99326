"""predict_in_parallel: batch prediction over a large array, sharded across
local processes (joblib) or the workers of a Dask cluster, results in order.

Keras has no such function; this one is a thin layer over joblib and
`dask.distributed`, which do the scheduling."""
import numpy as np

from nnlite.wrappers.utils import limit_worker_threads


def _predict_shard(model, x, batch_size):
    limit_worker_threads()
    return model.predict(x, batch_size=batch_size, verbose=0)


def _concatenate(parts):
    """Joins the shards' predictions in order (a list/tuple/dict per output
    for a multi-output model)."""
    first = parts[0]
    if isinstance(first, dict):
        return {k: np.concatenate([p[k] for p in parts], axis=0) for k in first}
    if isinstance(first, (list, tuple)):
        return type(first)(np.concatenate([p[i] for p in parts], axis=0)
                           for i in range(len(first)))
    return np.concatenate(parts, axis=0)


def predict_in_parallel(model, x, batch_size=32, client=None, n_jobs=2, shards_per_worker=2):
    """`model.predict(x)` computed in shards on several processes.

    `x` is cut into contiguous shards along its first axis; each worker
    predicts its shards with `model.predict(shard, batch_size=batch_size)`
    (with one C-core thread per worker process) and the outputs are joined in
    the original order, so the result equals `model.predict(x)`. The model
    travels to the workers pickled (by way of the `.keras` format); with Dask
    it is sent once to every worker.

    Args:
        model: An nnlite `Model`.
        x: A NumPy array (or a list/dict of arrays of equal length, for a
            model with several inputs), samples along the first axis.
        batch_size: The batch size of each worker's `predict`. Defaults to `32`.
        client: A `dask.distributed.Client`: run on its workers. Defaults to
            `None` (local processes through joblib's loky backend).
        n_jobs: The number of local processes when `client` is `None`.
            Defaults to `2`.
        shards_per_worker: Shards per worker (more balance the load better,
            fewer send less). Defaults to `2`.

    Returns:
        The predictions, as `model.predict(x)` returns them.

    Example:

    ```python
    from dask.distributed import Client, LocalCluster
    with LocalCluster(n_workers=4, threads_per_worker=1) as cluster, \\
            Client(cluster) as client:
        y = predict_in_parallel(model, x, batch_size=256, client=client)
    ```
    """
    from nnlite.models.model import Model
    if not isinstance(model, Model):
        raise TypeError("`model` must be an nnlite `Model`. Received: model of type %s"
                        % type(model).__name__)
    if not isinstance(batch_size, (int, np.integer)) or isinstance(batch_size, bool) \
            or batch_size < 1:
        raise ValueError("`batch_size` must be a positive integer. Received: batch_size=%r"
                         % (batch_size,))
    if not isinstance(shards_per_worker, (int, np.integer)) or shards_per_worker < 1:
        raise ValueError("`shards_per_worker` must be a positive integer. Received: "
                         "shards_per_worker=%r" % (shards_per_worker,))
    if isinstance(x, dict):
        arrays = {k: np.asarray(v) for k, v in x.items()}
        n = len(next(iter(arrays.values()))) if arrays else 0
        lengths = {len(v) for v in arrays.values()}
    elif isinstance(x, (list, tuple)):
        arrays = [np.asarray(v) for v in x]
        n = len(arrays[0]) if arrays else 0
        lengths = {len(v) for v in arrays}
    else:
        arrays = np.asarray(x)
        if arrays.ndim == 0:
            raise ValueError("`x` must have a samples axis. Received: x of shape ()")
        n = len(arrays)
        lengths = {n}
    if len(lengths) != 1:
        raise ValueError("All inputs in `x` must have the same number of samples. Received "
                         "lengths %s" % sorted(lengths))
    if n == 0:
        raise ValueError("`x` holds no samples.")

    if client is not None:
        workers = max(1, len(client.scheduler_info().get("workers", {})))
    else:
        if not isinstance(n_jobs, (int, np.integer)) or n_jobs == 0 or n_jobs < -1:
            raise ValueError("`n_jobs` must be a positive integer or -1. Received: n_jobs=%r"
                             % (n_jobs,))
        import os
        workers = (os.cpu_count() or 1) if n_jobs == -1 else int(n_jobs)
    bounds = np.linspace(0, n, min(n, workers * shards_per_worker) + 1).astype(int)

    def take(lo, hi):
        if isinstance(arrays, dict):
            return {k: v[lo:hi] for k, v in arrays.items()}
        if isinstance(arrays, list):
            return [v[lo:hi] for v in arrays]
        return arrays[lo:hi]
    shards = [take(lo, hi) for lo, hi in zip(bounds[:-1], bounds[1:])]

    if client is not None:
        remote_model = client.scatter(model, broadcast=True)
        futures = [client.submit(_predict_shard, remote_model, shard, int(batch_size),
                                 pure=False) for shard in shards]
        parts = client.gather(futures)
    else:
        try:
            from joblib import Parallel, delayed
        except ImportError:
            raise ImportError("predict_in_parallel needs `joblib` for local processes. Run "
                              "`pip install joblib` (it comes with scikit-learn).") from None
        parts = Parallel(n_jobs=n_jobs)(delayed(_predict_shard)(model, shard, int(batch_size))
                                        for shard in shards)
    return _concatenate(parts)
