"""Recurrent training speed: nnlite against PyTorch and Keras, one epoch of the
same model on the same data and batch size, on 1 thread and on 2 in one run.

    python benchmarks/bench_rnn.py            # needs nnlite installed (or PYTHONPATH=.)
    gcc -O3 benchmarks/fma_peak.c -o /tmp/fma_peak
    python benchmarks/bench_rnn.py --torch-python /work/torchenv/bin/python \\
        --keras-python /work/kerasenv/bin/python --fma-peak /tmp/fma_peak --runs 3
    python benchmarks/bench_rnn.py ... --quick --runs 1 --workloads R3

Options:
  --torch-python PY   run the PyTorch peer under this interpreter (an environment
                      of its own: PyTorch and Keras are peers, never nnlite
                      dependencies). Defaults to this interpreter when it can
                      import torch, else no PyTorch.
  --keras-python PY   the same for Keras 3 on TensorFlow (CPU).
  --frameworks LIST   a subset of nnlite,torch,keras. Defaults to all found.
  --workloads LIST    a subset of R1,R2,R3. Defaults to all.
  --threads LIST      thread counts, each measured in turn. Defaults to `1,2`.
  --runs N            timed epochs per workload, framework and thread count, each
                      in a fresh process after an untimed warm-up; the table shows
                      the median with its min-max spread. The order of the
                      frameworks rotates from run to run; ratios are taken within
                      a run. Defaults to `3`.
  --warmup-batches N  full batches in the warm-up fit (plus the epoch's last,
                      partial batch, so Keras has traced every batch shape before
                      the timed epoch). Defaults to `5`.
  --max-seconds S     skip the timed epoch when the warm-up, scaled to a whole
                      epoch, predicts more than S seconds (and drop that framework
                      from the workload's later runs); a child is killed after
                      3 S + 300 seconds. Defaults to `300`.
  --fma-peak EXE      a compiled benchmarks/fma_peak.c, run before and after the
                      benchmark: R1 also reports nnlite's GFLOP/s as a fraction of
                      the highest per-core peak it measured, times the threads.
  --peak-gflops X     a per-core peak to use instead (or when there is no EXE).
  --quick             a tenth of every data set, for smoke tests.
  --json FILE         write every measurement, kernel and load figure to FILE.

Workloads (Keras's optimizer defaults in every framework: Adam lr 1e-3, betas
0.9/0.999, epsilon 1e-7; RMSprop lr 1e-3, rho 0.9, epsilon 1e-7):
  R1  IMDB-shaped: Embedding(10000, 128) -> LSTM(64) -> Dense(1, sigmoid), Adam,
      binary cross-entropy, batch 128, 5,000 sequences of 200 random token ids
      in [1, 10000) (no masking)
  R2  time series: GRU(32) -> Dense(1), RMSprop, MSE, batch 256, 20,000 windows
      of shape (120, 14) (Keras's reset_after=True, PyTorch's GRU formulation)
  R3  small: LSTM(32) -> Dense(1), Adam(clipnorm=1.0), MSE, batch 32, 4,000
      windows of shape (20, 1); PyTorch clips each parameter's gradient by its
      own norm, as Keras's clipnorm does
nnlite and Keras time model.fit(x, y, batch_size, epochs=1, shuffle=True,
verbose=0); PyTorch a plain loop over torch.randperm index batches (gather,
zero_grad, forward, backward, step) with the last time step's output feeding
nn.Linear. Initial weights differ between frameworks; shapes, data (seeded) and
batches are the same. R1 counts 3 * 2 * N * T * (E + U) * 4U FLOPs per epoch
(the input and recurrent GEMMs forward, backward about twice that; the Dense
layer and the embedding gather are negligible). Every child runs in the clean
environment of bench_training.py: its thread variables set to the thread count
(plus torch.set_num_threads and TF's tf.config.threading in code), without
OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE; each reports its kernels and its CPU
time over wall time.
"""
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from peer_runs import cell, measure, options, plan  # noqa: E402
from bench_training import (Clock, fma_peak, kernels,  # noqa: E402
                            keras_setup, peak_mb, sig, threads)

FRAMEWORKS = ("nnlite", "torch", "keras")
PEERS = ("torch", "keras")
WORKLOADS = {  # samples, timesteps, features (vocabulary for R1), units, batch
    "R1": dict(samples=5000, steps=200, features=10000, units=64, batch=128),
    "R2": dict(samples=20000, steps=120, features=14, units=32, batch=256),
    "R3": dict(samples=4000, steps=20, features=1, units=32, batch=32),
}
EMBED = 128


def r1_flops(samples):
    """Forward input and recurrent GEMMs of the LSTM, backward about twice that."""
    spec = WORKLOADS["R1"]
    return 3.0 * 2 * samples * spec["steps"] * (EMBED + spec["units"]) * 4 * spec["units"]


# ---------------------------------------------------------------------------
# data and models (run inside the child processes, each importing only its own
# framework: the PyTorch and Keras children run in other environments)

def make_data(workload, samples):
    """Seeded inputs and targets; the same in every framework's NumPy."""
    import numpy as np
    spec = WORKLOADS[workload]
    rng = np.random.default_rng(int(workload[1]))
    if workload == "R1":
        x = rng.integers(1, spec["features"], (samples, spec["steps"])).astype(np.int32)
        y = rng.integers(0, 2, (samples, 1)).astype(np.float32)
    else:
        x = rng.standard_normal((samples, spec["steps"], spec["features"]), np.float32)
        w = rng.standard_normal(spec["features"]).astype(np.float32)
        y = (x[:, -4:].mean(1) @ w)[:, None].astype(np.float32)
    return x, y


def nnlite_model(workload):
    import nnlite
    from nnlite.layers import GRU, LSTM, Dense, Embedding
    from nnlite.optimizers import RMSprop, Adam
    spec = WORKLOADS[workload]
    if workload == "R1":
        layers = [nnlite.Input((spec["steps"],), dtype="int32"),
                  Embedding(spec["features"], EMBED), LSTM(spec["units"]),
                  Dense(1, activation="sigmoid")]
        compiled = dict(optimizer=Adam(), loss="binary_crossentropy")
    else:
        rnn = GRU if workload == "R2" else LSTM
        layers = [nnlite.Input((spec["steps"], spec["features"])), rnn(spec["units"]),
                  Dense(1)]
        compiled = dict(optimizer=RMSprop() if workload == "R2" else Adam(clipnorm=1.0),
                        loss="mse")
    model = nnlite.Sequential(layers)
    model.compile(**compiled)
    return model


def keras_model(keras, workload):
    from keras.layers import GRU, LSTM, Dense, Embedding
    spec = WORKLOADS[workload]
    if workload == "R1":
        layers = [keras.Input((spec["steps"],), dtype="int32"),
                  Embedding(spec["features"], EMBED), LSTM(spec["units"]),
                  Dense(1, activation="sigmoid")]
        compiled = dict(optimizer=keras.optimizers.Adam(), loss="binary_crossentropy")
    else:
        rnn = GRU if workload == "R2" else LSTM
        layers = [keras.Input((spec["steps"], spec["features"])), rnn(spec["units"]),
                  Dense(1)]
        compiled = dict(optimizer=(keras.optimizers.RMSprop() if workload == "R2"
                                   else keras.optimizers.Adam(clipnorm=1.0)), loss="mse")
    model = keras.Sequential(layers)
    model.compile(**compiled)
    return model


def torch_trainer(workload):
    """A function that trains one epoch on (x, y) tensors: the plain PyTorch loop."""
    import torch
    torch.set_num_threads(threads())
    spec = WORKLOADS[workload]
    if workload == "R1":
        embed = torch.nn.Embedding(spec["features"], EMBED)
        rnn = torch.nn.LSTM(EMBED, spec["units"], batch_first=True)
    else:
        embed = torch.nn.Identity()
        rnn = (torch.nn.GRU if workload == "R2" else torch.nn.LSTM)(
            spec["features"], spec["units"], batch_first=True)
    head = torch.nn.Linear(spec["units"], 1)
    params = [*embed.parameters(), *rnn.parameters(), *head.parameters()]
    if workload == "R2":
        opt = torch.optim.RMSprop(params, lr=1e-3, alpha=0.9, eps=1e-7)
    else:
        opt = torch.optim.Adam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-7)
    # the sigmoid fused into the loss, as Keras does from a sigmoid output's logits
    loss_fn = torch.nn.BCEWithLogitsLoss() if workload == "R1" else torch.nn.MSELoss()
    clip = workload == "R3"
    batch = spec["batch"]

    def epoch(x, y):
        order = torch.randperm(len(x))
        for lo in range(0, len(x), batch):
            idx = order[lo:lo + batch]
            opt.zero_grad()
            out, _ = rnn(embed(x[idx]))
            loss = loss_fn(head(out[:, -1]), y[idx])
            loss.backward()
            if clip:   # Keras's clipnorm: every gradient tensor by its own norm
                for p in params:
                    torch.nn.utils.clip_grad_norm_(p, 1.0)
            opt.step()
        return float(loss)

    return epoch


# ---------------------------------------------------------------------------
# one measurement per child process: an untimed warm-up, then one timed epoch

def run_epoch(framework, workload, samples, warmup_batches, max_seconds):
    import numpy as np
    spec = WORKLOADS[workload]
    batch = spec["batch"]
    x, y = make_data(workload, samples)
    # whole batches, then the epoch's partial one: every batch shape is seen
    warm = min(samples, warmup_batches * batch + samples % batch)
    extra = {}
    if framework == "nnlite":
        from nnlite.utils import set_random_seed
        set_random_seed(1)
        model = nnlite_model(workload)

        def fit(n):
            history = model.fit(x[:n], y[:n], batch_size=batch, epochs=1, shuffle=True,
                                verbose=0)
            return history.history["loss"][-1]
    elif framework == "torch":
        import torch
        torch.manual_seed(1)
        epoch = torch_trainer(workload)
        xs = torch.from_numpy(x.astype(np.int64) if workload == "R1" else x)
        ys = torch.from_numpy(y)

        def fit(n):
            return epoch(xs[:n], ys[:n])
    else:
        keras = keras_setup()
        keras.utils.set_random_seed(1)
        model = keras_model(keras, workload)

        def fit(n):
            history = model.fit(x[:n], y[:n], batch_size=batch, epochs=1, shuffle=True,
                                verbose=0)
            return history.history["loss"][-1]
    with Clock() as warmup:
        fit(warm)
    estimate = warmup.seconds * samples / warm
    result = dict(warmup_seconds=warmup.seconds, warmup_samples=warm,
                  estimate_seconds=estimate, kernels=kernels(framework))
    if framework == "nnlite":
        from nnlite import _core
        result["kernels"]["nnlite_threads"] = _core.get_num_threads()
    if framework == "keras":
        extra["jit_compile"] = bool(model.jit_compile)
    if estimate > max_seconds:
        return dict(result, skipped="slow: warm-up predicts %.0f s > --max-seconds %g"
                    % (estimate, max_seconds))
    with Clock() as clock:
        loss = fit(samples)
    return dict(result, **extra, seconds=clock.seconds, cpu_ratio=clock.cpu_ratio,
                loss=float(loss), peak_mb=peak_mb())


# ---------------------------------------------------------------------------
# driver

def child(args):
    framework, workload, samples, warmup_batches, max_seconds = args
    print(json.dumps(run_epoch(framework, workload, int(samples), int(warmup_batches),
                               float(max_seconds))))



def outcome(r):
    if "seconds" in r:
        return "%s s (cpu/wall %.2f, loss %.4g)" % (sig(r["seconds"]), r["cpu_ratio"], r["loss"])
    return r.get("skipped") or "FAILED: " + r["failed"]



def table(res, frameworks, samples, peak):
    head = ["workload", "threads"] + ["%s s/epoch" % f for f in frameworks] + [
        "nnlite vs faster peer", "nnlite GFLOP/s", "of peak"]
    rows = []
    for nthreads, by_wl in res.items():
        for wl, runs in by_wl.items():
            row = [wl, str(nthreads)]
            for f in frameworks:
                t = [run[f]["seconds"] for run in runs if "seconds" in run.get(f, {})]
                why = [run[f] for run in runs if f in run and "seconds" not in run[f]]
                row.append(cell(t, sig) if t else ("slow" if why and "skipped" in why[0]
                                                    else "failed"))
            # speedup within each run: the faster peer's time over nnlite's
            ratios = []
            for run in runs:
                peers = [run[p]["seconds"] for p in PEERS if "seconds" in run.get(p, {})]
                if peers and "seconds" in run.get("nnlite", {}):
                    ratios.append(min(peers) / run["nnlite"]["seconds"])
            row.append(cell(ratios, "%.2f", "x") if ratios else "")
            gflops = [r1_flops(samples) / run["nnlite"]["seconds"] / 1e9 for run in runs
                      if wl == "R1" and "seconds" in run.get("nnlite", {})]
            row.append(cell(gflops, "%.2f") if gflops else "")
            row.append(cell([100 * g / (peak * nthreads) for g in gflops], "%.1f", " %")
                       if gflops and peak else "")
            rows.append(row)
    keep = [i for i in range(len(head)) if i < 2 + len(frameworks) or any(r[i] for r in rows)]
    rows = [[r[i] for i in keep] for r in rows]
    head = [head[i] for i in keep]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(head)]
    lines = ["| " + " | ".join(h.ljust(w) for h, w in zip(head, widths)) + " |",
             "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    lines += ["| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |" for r in rows]
    return "\n".join(lines)


def notes(res):
    """Kernels per framework and thread count (first child that ran), and what did not run."""
    lines, seen = [], set()
    for nthreads, by_wl in res.items():
        for wl, runs in by_wl.items():
            for run in runs:
                for f, r in run.items():
                    if "seconds" not in r and (wl, f, nthreads) not in seen:
                        seen.add((wl, f, nthreads))
                        lines.append("  %s %d thread(s) %s: %s" % (
                            wl, nthreads, f, r.get("skipped") or "failed: " + r["failed"]))
                    if "kernels" in r and (f, nthreads) not in seen:
                        seen.add((f, nthreads))
                        k = r["kernels"]
                        pools = k["threadpoolctl"]
                        if isinstance(pools, list):
                            pools = "; ".join("%s %s %s, %s threads" % (
                                p["internal_api"], p["version"] or "", p["architecture"] or "",
                                p["num_threads"]) for p in pools) or "no pools"
                        own = {key: k[key] for key in (
                            "nnlite_isa", "nnlite_threads", "torch", "torch_threads",
                            "torch_interop_threads", "cpu_capability", "blas", "tensorflow",
                            "keras", "intra_op", "inter_op", "onednn") if key in k}
                        lines.append("  %s, %d thread(s) (%s): threadpoolctl: %s %s" % (
                            f, nthreads, k["python"], pools, json.dumps(own)))
    return lines


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2:])
        return
    parser = options(__doc__, FRAMEWORKS, WORKLOADS)
    args = parser.parse_args()
    pythons, frameworks, workloads, thread_counts, samples = plan(args, FRAMEWORKS, WORKLOADS)
    start = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    peaks = fma_peak(args.fma_peak) if args.fma_peak else {}
    res = measure(__file__, frameworks, pythons, workloads, thread_counts, args, samples,
                  outcome)
    after = fma_peak(args.fma_peak) if args.fma_peak else {}
    measured = list(peaks.values()) + list(after.values())
    peak = args.peak_gflops or (max(measured) if measured else None)
    print("\nmedian of %d runs (min-max), seconds per epoch after an untimed warm-up; "
          "'nnlite vs faster peer' = the faster peer's time / nnlite's, within each run "
          "(above 1: nnlite faster)%s" % (
              args.runs, (";\nR1 counts %.1f GFLOP per epoch; peak %.1f GFLOP/s per core x "
                          "threads%s" % (r1_flops(samples["R1"]) / 1e9, peak,
                                         "" if args.peak_gflops else " (fma_peak)"))
              if peak else ""))
    print(table(res, frameworks, samples["R1"], peak))
    print("\nkernels and notes:")
    print("\n".join(notes(res)))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"start": start, "argv": sys.argv, "threads": thread_counts,
                       "frameworks": frameworks, "pythons": pythons, "quick": args.quick,
                       "samples": samples, "workloads": WORKLOADS,
                       "fma_peak_before": peaks, "fma_peak_after": after, "peak": peak,
                       "r1_flops_per_epoch": r1_flops(samples["R1"]),
                       "results": {str(n): by_wl for n, by_wl in res.items()}},
                      f, indent=1)


if __name__ == "__main__":
    main()
