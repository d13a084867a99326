"""Data-parallel throughput over MPI: N ranks of 1 thread against 1 rank of 1 thread.

    python benchmarks/bench_distributed.py                 # needs mpi4py and mpiexec
    python benchmarks/bench_distributed.py --ranks 1,2 --epochs 3 --samples 16384 --batch 256

Workload W2 (the default): MLP 784-128-128-10 (relu, relu, softmax), sparse
cross-entropy, Adam, global batch 256, synthetic MNIST-shaped data; `--workload
c1`: keras.io's mnist_convnet at global batch 128 (the eager executor: the
convolutional layers have no compiled plan). Each configuration runs
in fresh processes with NNLITE_NUM_THREADS=1; the first epoch is a warm-up
and the figure is the median samples/s of the others (rank 0's clock, which
waits on every rank at each step's allreduce). Rows:

  plain fit, 1 process    no distribution: the compiled executor (C plan), many
                          steps per C call
  DataParallel, N ranks   the compiled executor a step at a time: the shard's
                          gradients in C, one Allreduce, the update in C
  allreduce               median time of one in-place Allreduce of the
                          flat gradient buffer (118,282 float32, 473 kB)

Numbers depend on the machine and its load; nothing here is asserted.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time

import numpy as np

HERE = os.path.abspath(__file__)


def _worker(args):
    import nnlite
    from nnlite import layers
    dist = None
    if args.distributed:
        nnlite.distribution.initialize()
        dist = nnlite.distribution.DataParallel()
        nnlite.distribution.set_distribution(dist)
    rng = np.random.default_rng(0)
    y = rng.integers(0, 10, size=args.samples)
    nnlite.utils.set_random_seed(0)
    if args.workload == "c1":     # keras.io mnist_convnet
        x = rng.uniform(size=(args.samples, 28, 28, 1)).astype("float32")
        model = nnlite.Sequential([
            layers.Input((28, 28, 1)), layers.Conv2D(32, 3, activation="relu"),
            layers.MaxPooling2D(2), layers.Conv2D(64, 3, activation="relu"),
            layers.MaxPooling2D(2), layers.Flatten(), layers.Dropout(0.5),
            layers.Dense(10, activation="softmax")])
    else:
        x = rng.uniform(size=(args.samples, 784)).astype("float32")
        model = nnlite.Sequential([layers.Input((784,)), layers.Dense(128, activation="relu"),
                                   layers.Dense(128, activation="relu"),
                                   layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    times = []

    class Timer(nnlite.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.t = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            times.append(time.perf_counter() - self.t)

    model.fit(x, y, batch_size=args.batch, epochs=args.epochs, verbose=0, callbacks=[Timer()])
    result = {"ranks": 1 if dist is None else dist.num_processes,
              "distributed": bool(args.distributed),
              "samples_per_s": float(args.samples / np.median(times[1:] or times))}
    if dist is not None:
        from mpi4py import MPI
        comm = MPI.COMM_WORLD
        buf = np.ones(sum(int(np.prod(w.shape)) for w in model.trainable_weights), np.float32)
        spent = []
        for _ in range(30):
            comm.Barrier()
            t = time.perf_counter()
            comm.Allreduce(MPI.IN_PLACE, buf, op=MPI.SUM)
            spent.append(time.perf_counter() - t)
        result["allreduce_ms"] = float(np.median(spent) * 1e3)
        result["allreduce_kb"] = buf.nbytes / 1e3
        if dist.rank != 0:
            return
    print("RESULT " + json.dumps(result), flush=True)


def _run(cmd, env):
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=1800)
    if out.returncode != 0:
        raise RuntimeError(out.stdout + out.stderr)
    line = [ln for ln in out.stdout.splitlines() if ln.startswith("RESULT ")][-1]
    return json.loads(line[len("RESULT "):])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ranks", default="1,2")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--samples", type=int, default=16384)
    parser.add_argument("--batch", type=int, default=None,
                        help="the global batch size (W2: 256, C1: 128)")
    parser.add_argument("--workload", choices=("w2", "c1"), default="w2",
                        help="w2: the MLP; c1: keras.io's mnist_convnet (eager executor)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--distributed", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.batch is None:
        args.batch = 128 if args.workload == "c1" else 256
    if args.worker:
        return _worker(args)
    env = dict(os.environ, NNLITE_NUM_THREADS="1", OMP_NUM_THREADS="1",
               OPENBLAS_NUM_THREADS="1")
    common = [HERE, "--worker", "--epochs", str(args.epochs), "--samples", str(args.samples),
              "--batch", str(args.batch), "--workload", args.workload]
    mpiexec = shutil.which("mpiexec")
    if mpiexec is None:
        sys.exit("bench_distributed.py needs mpiexec (pip install 'nnlite-keras[mpi]')")
    rows = [("plain fit, 1 process", _run([sys.executable] + common, env))]
    for n in [int(r) for r in args.ranks.split(",")]:
        rows.append(("DataParallel, %d rank%s" % (n, "s" * (n > 1)),
                     _run([mpiexec, "-n", str(n), sys.executable] + common + ["--distributed"],
                          env)))
    base = rows[0][1]["samples_per_s"]
    one = next((r for _, r in rows if r.get("distributed") and r["ranks"] == 1), None)
    print("%s, Adam, global batch %d, %d samples, 1 thread per rank"
          % ("C1 mnist_convnet" if args.workload == "c1" else "W2 MLP 784-128-128-10",
             args.batch, args.samples))
    print("%-24s %12s %10s %12s %14s" % ("configuration", "samples/s", "vs plain",
                                         "vs DP 1 rank", "allreduce ms"))
    for name, r in rows:
        print("%-24s %12.0f %9.2fx %11s %14s" % (
            name, r["samples_per_s"], r["samples_per_s"] / base,
            "%.2fx" % (r["samples_per_s"] / one["samples_per_s"]) if one and r.get("distributed")
            else "-",
            "%.3f (%.0f kB)" % (r["allreduce_ms"], r["allreduce_kb"]) if "allreduce_ms" in r
            else "-"))


if __name__ == "__main__":
    main()
