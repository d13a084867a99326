"""Convolutional training speed: nnlite against PyTorch and Keras, one epoch of
the same model on the same data and batch size, on 1 thread and on 2 in one run.

    python benchmarks/bench_cnn.py            # needs nnlite installed (or PYTHONPATH=.)
    gcc -O3 benchmarks/fma_peak.c -o /tmp/fma_peak
    python benchmarks/bench_cnn.py --torch-python /work/torchenv/bin/python \\
        --keras-python /work/kerasenv/bin/python --fma-peak /tmp/fma_peak --runs 3
    python benchmarks/bench_cnn.py ... --quick --runs 1 --workloads C1

Options:
  --torch-python PY   run the PyTorch peer under this interpreter (an environment
                      of its own: PyTorch and Keras are peers, never nnlite
                      dependencies). Defaults to this interpreter when it can
                      import torch, else no PyTorch.
  --keras-python PY   the same for Keras 3 on TensorFlow (CPU).
  --frameworks LIST   a subset of nnlite,torch,keras. Defaults to all found.
  --workloads LIST    a subset of C1,C2. Defaults to all.
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
                      benchmark: nnlite's GFLOP/s is also shown as a fraction of
                      the highest per-core peak it measured, times the threads.
  --peak-gflops X     a per-core peak to use instead (or when there is no EXE).
  --mnist DIR         the folder of the real MNIST test set IDX files
                      (t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz) for
                      C1's accuracy check. Defaults to ../shared/data/mnist from
                      the checkout, as bench_training.py reads it.
  --no-accuracy       skip C1's accuracy check on real MNIST (below).
  --quick             a tenth of every data set, for smoke tests (the accuracy
                      check keeps its size).
  --json FILE         write every measurement, kernel and load figure to FILE.

Workloads (Keras's defaults in every framework: Adam lr 1e-3, betas 0.9/0.999,
epsilon 1e-7; glorot-uniform kernels and zero biases, PyTorch's set to the
same scheme with nn.init.xavier_uniform_/zeros_; padding "valid", stride 1):
  C1  keras.io mnist_convnet: Input(28, 28, 1) -> Conv2D(32, 3, relu) ->
      MaxPooling2D(2) -> Conv2D(64, 3, relu) -> MaxPooling2D(2) -> Flatten ->
      Dropout(0.5) -> Dense(10, softmax), sparse categorical cross-entropy,
      batch 128, one epoch of 60,000 random MNIST-shaped float32 images
  C2  CIFAR-shaped: Input(32, 32, 3) -> 2 x Conv2D(32, 3, relu) ->
      MaxPooling2D(2) -> 2 x Conv2D(64, 3, relu) -> MaxPooling2D(2) -> Flatten
      -> Dense(256, relu) -> Dense(10), sparse categorical cross-entropy from
      logits, batch 64, one epoch of 10,000 random float32 images
nnlite and Keras time model.fit(x, y, batch_size, epochs=1, shuffle=True,
verbose=0) on channels-last data; PyTorch a plain loop over torch.randperm index
batches (gather, zero_grad, forward, backward, step) on the same data stored
channels-first (NCHW, PyTorch's usual layout; the transposition is done while
the data are made, outside the timed region), with the softmax of C1 fused into
nn.CrossEntropyLoss. Initial weights differ between frameworks (same scheme,
different draws); shapes, data (seeded) and batch sizes are the same.

FLOPs: 3 x the forward multiply-adds x 2 of the convolutions and Dense layers
(pooling, activations, the loss and the optimizer count as none; the first
convolution needs no input gradient, so the true backward is a little less):
C1 14.6 MFLOP a sample (879 GFLOP an epoch), C2 88.5 (885 GFLOP). Memory: each child's ru_maxrss after the timed
epoch ("peak"), and before the warm-up, with the framework imported, the data
made and the model built ("before fit"), against the size of the training
images ("data"). Accuracy (C1, when the real MNIST test set is in
--mnist): after the timed epoch, a fresh model trains one epoch on
the first 9,000 of the 10,000 real test images (scaled to [0, 1], batch 128)
and predicts the last 1,000; the same split in every framework. Every child
runs in the clean environment of bench_training.py: its thread variables set to
the thread count (plus torch.set_num_threads and TF's tf.config.threading in
code); each reports its kernels and its CPU time over wall time.
"""
import gzip
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from peer_runs import cell, measure, options, plan  # noqa: E402
from bench_training import (MNIST, Clock, fma_peak,  # noqa: E402
                            kernels, keras_setup, peak_mb, sig, threads)

FRAMEWORKS = ("nnlite", "torch", "keras")
PEERS = ("torch", "keras")
WORKLOADS = {  # samples, image shape (height, width, channels), batch
    "C1": dict(samples=60000, shape=(28, 28, 1), batch=128),
    "C2": dict(samples=10000, shape=(32, 32, 3), batch=64),
}
# the layer stacks: ("conv", filters), ("pool",), ("flatten",), ("dropout", rate),
# ("dense", units, activation)
STACKS = {
    "C1": [("conv", 32), ("pool",), ("conv", 64), ("pool",), ("flatten",),
           ("dropout", 0.5), ("dense", 10, "softmax")],
    "C2": [("conv", 32), ("conv", 32), ("pool",), ("conv", 64), ("conv", 64), ("pool",),
           ("flatten",), ("dense", 256, "relu"), ("dense", 10, None)],
}
ACCURACY_TRAIN, ACCURACY_TEST = 9000, 1000


def forward_macs(workload):
    """Multiply-adds of one sample's forward pass through the convolutions and Dense layers."""
    h, w, c = WORKLOADS[workload]["shape"]
    macs = 0
    for layer in STACKS[workload]:
        if layer[0] == "conv":
            h, w = h - 2, w - 2
            macs += h * w * layer[1] * 9 * c
            c = layer[1]
        elif layer[0] == "pool":
            h, w = h // 2, w // 2
        elif layer[0] == "flatten":
            h, w, c = 1, 1, h * w * c
        elif layer[0] == "dense":
            macs += c * layer[1]
            c = layer[1]
    return macs


def flops(workload, samples):
    """Forward 2 x multiply-adds, forward + backward 3 x that."""
    return 3.0 * 2 * forward_macs(workload) * samples


def data_mb(workload, samples):
    h, w, c = WORKLOADS[workload]["shape"]
    return samples * h * w * c * 4 / 2 ** 20


# ---------------------------------------------------------------------------
# data and models (run inside the child processes, each importing only its own
# framework: the PyTorch and Keras children run in other environments)

def make_data(workload, samples, channels_first=False):
    """Seeded images in [0, 1) and integer labels; the same in every framework's NumPy.
    Made 5,000 images at a time, so PyTorch's channels-first copy costs no second
    full array."""
    import numpy as np
    h, w, c = WORKLOADS[workload]["shape"]
    rng = np.random.default_rng(int(workload[1]))
    x = np.empty((samples, c, h, w) if channels_first else (samples, h, w, c), np.float32)
    for lo in range(0, samples, 5000):
        part = rng.random((min(5000, samples - lo), h, w, c), np.float32)
        x[lo:lo + len(part)] = part.transpose(0, 3, 1, 2) if channels_first else part
    y = rng.integers(0, 10, samples).astype(np.int64)
    return x, y


def load_mnist_test(folder):
    """The real MNIST test set as (10000, 28, 28, 1) float32 in [0, 1] and int64 labels,
    or None when it is not there."""
    import numpy as np
    try:
        with gzip.open(os.path.join(folder, "t10k-images-idx3-ubyte.gz")) as f:
            images = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 28, 28, 1)
        with gzip.open(os.path.join(folder, "t10k-labels-idx1-ubyte.gz")) as f:
            labels = np.frombuffer(f.read(), np.uint8, offset=8).astype(np.int64)
    except OSError:
        return None
    return images.astype(np.float32) / 255.0, labels


def nnlite_model(workload):
    import nnlite
    from nnlite.layers import Conv2D, Dense, Dropout, Flatten, MaxPooling2D
    from nnlite.optimizers import Adam
    layers = [nnlite.Input(WORKLOADS[workload]["shape"])]
    for layer in STACKS[workload]:
        kind = layer[0]
        layers.append(Conv2D(layer[1], 3, activation="relu") if kind == "conv" else
                      MaxPooling2D(2) if kind == "pool" else
                      Flatten() if kind == "flatten" else
                      Dropout(layer[1]) if kind == "dropout" else
                      Dense(layer[1], activation=layer[2]))
    model = nnlite.Sequential(layers)
    model.compile(optimizer=Adam(), loss=_loss(nnlite, workload))
    return model


def _loss(lib, workload):
    return lib.losses.SparseCategoricalCrossentropy(from_logits=workload == "C2")


def keras_model(keras, workload):
    from keras.layers import Conv2D, Dense, Dropout, Flatten, MaxPooling2D
    layers = [keras.Input(WORKLOADS[workload]["shape"])]
    for layer in STACKS[workload]:
        kind = layer[0]
        layers.append(Conv2D(layer[1], 3, activation="relu") if kind == "conv" else
                      MaxPooling2D(2) if kind == "pool" else
                      Flatten() if kind == "flatten" else
                      Dropout(layer[1]) if kind == "dropout" else
                      Dense(layer[1], activation=layer[2]))
    model = keras.Sequential(layers)
    model.compile(optimizer=keras.optimizers.Adam(), loss=_loss(keras, workload))
    return model


def torch_model(workload):
    """The same stack in NCHW, glorot-uniform weights and zero biases as Keras
    initialises them; C1's softmax is left to the loss."""
    import torch
    nn = torch.nn
    h, w, c = WORKLOADS[workload]["shape"]
    layers = []
    for layer in STACKS[workload]:
        kind = layer[0]
        if kind == "conv":
            layers += [nn.Conv2d(c, layer[1], 3), nn.ReLU()]
            h, w, c = h - 2, w - 2, layer[1]
        elif kind == "pool":
            layers.append(nn.MaxPool2d(2))
            h, w = h // 2, w // 2
        elif kind == "flatten":
            layers.append(nn.Flatten())
            h, w, c = 1, 1, h * w * c
        elif kind == "dropout":
            layers.append(nn.Dropout(layer[1]))
        else:
            layers.append(nn.Linear(c, layer[1]))
            if layer[2] == "relu":
                layers.append(nn.ReLU())
            c = layer[1]
    model = nn.Sequential(*layers)
    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)
    return model


def torch_trainer(workload):
    """The model and a function that trains one epoch on (x, y) tensors: the plain loop."""
    import torch
    torch.set_num_threads(threads())
    model = torch_model(workload)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-7)
    loss_fn = torch.nn.CrossEntropyLoss()
    batch = WORKLOADS[workload]["batch"]

    def epoch(x, y):
        model.train()
        order = torch.randperm(len(x))
        for lo in range(0, len(x), batch):
            idx = order[lo:lo + batch]
            opt.zero_grad()
            loss = loss_fn(model(x[idx]), y[idx])
            loss.backward()
            opt.step()
        return float(loss)

    def predict(x):
        model.eval()
        with torch.no_grad():
            return torch.cat([model(x[lo:lo + 1000]) for lo in range(0, len(x), 1000)])

    return epoch, predict


# ---------------------------------------------------------------------------
# one measurement per child process: an untimed warm-up, then one timed epoch

def setup(framework, workload, seed):
    """fit(x, y) -> last loss and predict(x) -> scores (NumPy), for a fresh model."""
    import numpy as np
    batch = WORKLOADS[workload]["batch"]
    extra = {}
    if framework == "nnlite":
        from nnlite.utils import set_random_seed
        set_random_seed(seed)
        model = nnlite_model(workload)

        def fit(x, y):
            history = model.fit(x, y, batch_size=batch, epochs=1, shuffle=True, verbose=0)
            return history.history["loss"][-1]

        def predict(x):
            return np.asarray(model.predict(x, verbose=0))
    elif framework == "torch":
        import torch
        torch.manual_seed(seed)
        epoch, torch_predict = torch_trainer(workload)

        def as_tensor(a):
            return a if isinstance(a, torch.Tensor) else torch.from_numpy(a)

        def fit(x, y):
            return epoch(as_tensor(x), as_tensor(y))

        def predict(x):
            return torch_predict(as_tensor(x)).numpy()
    else:
        keras = keras_setup()
        keras.utils.set_random_seed(seed)
        model = keras_model(keras, workload)

        def fit(x, y):
            history = model.fit(x, y, batch_size=batch, epochs=1, shuffle=True, verbose=0)
            return history.history["loss"][-1]

        def predict(x):
            return np.asarray(model.predict(x, batch_size=1000, verbose=0))
        extra["model"] = model
    return fit, predict, extra


def accuracy(framework, workload, folder):
    """Train a fresh model one epoch on 9,000 real MNIST test images, score the other 1,000."""
    import numpy as np
    real = load_mnist_test(folder)
    if real is None:
        return {"accuracy_skipped": "no MNIST in %s" % folder}
    x, y = real
    if framework == "torch":
        x = np.ascontiguousarray(x.transpose(0, 3, 1, 2))
    fit, predict, _ = setup(framework, workload, 2)
    with Clock() as clock:
        fit(x[:ACCURACY_TRAIN], y[:ACCURACY_TRAIN])
    scores = predict(x[-ACCURACY_TEST:])
    return dict(accuracy=float(np.mean(scores.argmax(1) == y[-ACCURACY_TEST:])),
                accuracy_fit_seconds=clock.seconds)


def run_epoch(framework, workload, samples, warmup_batches, max_seconds, mnist):
    """One timed epoch; then C1's accuracy check unless `mnist` (its folder) is empty."""
    batch = WORKLOADS[workload]["batch"]
    x, y = make_data(workload, samples, channels_first=framework == "torch")
    # whole batches, then the epoch's partial one: every batch shape is seen
    warm = min(samples, warmup_batches * batch + samples % batch)
    fit, _, extra = setup(framework, workload, 1)
    before = peak_mb()
    with Clock() as warmup:
        fit(x[:warm], y[:warm])
    estimate = warmup.seconds * samples / warm
    result = dict(warmup_seconds=warmup.seconds, warmup_samples=warm,
                  estimate_seconds=estimate, kernels=kernels(framework), before_fit_mb=before,
                  data_mb=data_mb(workload, samples))
    if framework == "nnlite":
        from nnlite import _core
        result["kernels"]["nnlite_threads"] = _core.get_num_threads()
    if framework == "keras":
        result["jit_compile"] = bool(extra["model"].jit_compile)
    if estimate > max_seconds:
        return dict(result, skipped="slow: warm-up predicts %.0f s > --max-seconds %g"
                    % (estimate, max_seconds))
    with Clock() as clock:
        loss = fit(x, y)
    result.update(seconds=clock.seconds, cpu_ratio=clock.cpu_ratio, loss=float(loss),
                  peak_mb=peak_mb())
    if mnist and workload == "C1":
        del x, y
        result.update(accuracy(framework, workload, mnist))
    return result


# ---------------------------------------------------------------------------
# driver

def child(args):
    framework, workload, samples, warmup_batches, max_seconds, mnist = args
    print(json.dumps(run_epoch(framework, workload, int(samples), int(warmup_batches),
                               float(max_seconds), mnist)))



def outcome(r):
    if "seconds" in r:
        text = "%s s (cpu/wall %.2f, loss %.4g, peak %.0f MB)" % (
            sig(r["seconds"]), r["cpu_ratio"], r["loss"], r["peak_mb"])
        if "accuracy" in r:
            text += ", accuracy %.4f" % r["accuracy"]
        return text
    return r.get("skipped") or "FAILED: " + r["failed"]



def markdown(head, rows):
    keep = [i for i in range(len(head)) if any(r[i] for r in rows) or i < 2]
    rows = [[r[i] for i in keep] for r in rows]
    head = [head[i] for i in keep]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(head)]
    lines = ["| " + " | ".join(h.ljust(w) for h, w in zip(head, widths)) + " |",
             "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    lines += ["| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |" for r in rows]
    return "\n".join(lines)


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
            gflops = [flops(wl, samples[wl]) / run["nnlite"]["seconds"] / 1e9 for run in runs
                      if "seconds" in run.get("nnlite", {})]
            row.append(cell(gflops, "%.1f") if gflops else "")
            row.append(cell([100 * g / (peak * nthreads) for g in gflops], "%.1f", " %")
                       if gflops and peak else "")
            rows.append(row)
    return markdown(head, rows)


def memory_table(res, frameworks):
    """Per workload, thread count and framework: peak and pre-fit memory, accuracy."""
    head = ["workload", "threads", "framework", "data MB", "before fit MB", "peak MB",
            "peak / data", "cpu/wall", "accuracy (real MNIST, 9k/1k)"]
    rows = []
    for nthreads, by_wl in res.items():
        for wl, runs in by_wl.items():
            for f in frameworks:
                done = [run[f] for run in runs if "seconds" in run.get(f, {})]
                if not done:
                    continue
                acc = [r["accuracy"] for r in done if "accuracy" in r]
                rows.append([wl, str(nthreads), f, "%.0f" % done[0]["data_mb"],
                             cell([r["before_fit_mb"] for r in done], "%.0f"),
                             cell([r["peak_mb"] for r in done], "%.0f"),
                             cell([r["peak_mb"] / r["data_mb"] for r in done], "%.1f", "x"),
                             cell([r["cpu_ratio"] for r in done], "%.2f"),
                             cell(acc, "%.4f") if acc else ""])
    return markdown(head, rows)


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
                    if "accuracy_skipped" in r and ("acc", f) not in seen:
                        seen.add(("acc", f))
                        lines.append("  %s accuracy: %s" % (f, r["accuracy_skipped"]))
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
                            "torch_interop_threads", "cpu_capability", "mkldnn", "blas",
                            "tensorflow", "keras", "intra_op", "inter_op", "onednn")
                            if key in k}
                        if "jit_compile" in r:
                            own["jit_compile"] = r["jit_compile"]
                        lines.append("  %s, %d thread(s) (%s): threadpoolctl: %s %s" % (
                            f, nthreads, k["python"], pools, json.dumps(own)))
    return lines


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2:])
        return
    parser = options(__doc__, FRAMEWORKS, WORKLOADS)
    parser.add_argument("--mnist", default=MNIST)
    parser.add_argument("--no-accuracy", action="store_true")
    args = parser.parse_args()
    pythons, frameworks, workloads, thread_counts, samples = plan(args, FRAMEWORKS, WORKLOADS)
    start = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    load_start = os.getloadavg()
    print("start %s, load average %.2f %.2f %.2f" % ((start,) + load_start), flush=True)
    peaks = fma_peak(args.fma_peak) if args.fma_peak else {}
    res = measure(__file__, frameworks, pythons, workloads, thread_counts, args, samples,
                  outcome, extra=("" if args.no_accuracy else os.path.abspath(args.mnist),))
    after = fma_peak(args.fma_peak) if args.fma_peak else {}
    load_end = os.getloadavg()
    measured = list(peaks.values()) + list(after.values())
    peak = args.peak_gflops or (max(measured) if measured else None)
    print("\nmedian of %d runs (min-max), seconds per epoch after an untimed warm-up; "
          "'nnlite vs faster peer' = the faster peer's time / nnlite's, within each run "
          "(above 1: nnlite faster);\nFLOPs per epoch: %s%s" % (
              args.runs, ", ".join("%s %.1f GFLOP" % (wl, flops(wl, samples[wl]) / 1e9)
                                   for wl in workloads),
              "; peak %.1f GFLOP/s per core x threads%s" % (
                  peak, "" if args.peak_gflops else " (fma_peak)") if peak else ""))
    print(table(res, frameworks, samples, peak))
    print("\nmemory (ru_maxrss) and accuracy:")
    print(memory_table(res, frameworks))
    print("\nload average (1, 5, 15 min): %.2f %.2f %.2f at the start, %.2f %.2f %.2f at "
          "the end" % (load_start + load_end))
    print("\nkernels and notes:")
    print("\n".join(notes(res)))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"start": start, "argv": sys.argv, "threads": thread_counts,
                       "frameworks": frameworks, "pythons": pythons,
                       "quick": args.quick,
                       "samples": samples, "workloads": WORKLOADS, "stacks": STACKS,
                       "load_start": load_start, "load_end": load_end,
                       "fma_peak_before": peaks, "fma_peak_after": after, "peak": peak,
                       "flops_per_epoch": {wl: flops(wl, samples[wl]) for wl in workloads},
                       "results": {str(n): by_wl for n, by_wl in res.items()}},
                      f, indent=1)


if __name__ == "__main__":
    main()
