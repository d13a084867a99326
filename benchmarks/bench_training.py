"""Training and prediction speed: nnlite against a hand-written NumPy baseline,
PyTorch and Keras, on the same data, initial weights, batch order and epochs.

    python benchmarks/bench_training.py          # needs nnlite installed (or PYTHONPATH=.)
    gcc -O2 -mavx512f -mfma benchmarks/fma_peak.c -o /tmp/fma_peak
    python benchmarks/bench_training.py --torch-python /work/torchenv/bin/python \\
        --keras-python /work/kerasenv/bin/python --fma-peak /tmp/fma_peak --runs 3
    python benchmarks/bench_training.py ... --threads 2 --workloads W1,W2

Options:
  --torch-python PY   run the PyTorch peer under this interpreter (a virtual
                      environment of its own: PyTorch and Keras are peers, never
                      nnlite dependencies). Defaults to this interpreter when it
                      can import torch, else no PyTorch.
  --keras-python PY   the same for Keras 3 on TensorFlow (CPU).
  --frameworks LIST   a subset of numpy,nnlite,torch,keras. Defaults to all found.
  --workloads LIST    a subset of W1,W2,W3,W4,W5. Defaults to all.
  --threads N         threads for every framework. Defaults to `1`.
  --runs N            run the whole benchmark N times (the order of the
                      frameworks rotates from run to run), print each run's table,
                      then the medians of the runs with their min-max spread.
                      Ratios are taken within a run. Defaults to `1`.
  --fma-peak EXE      a compiled benchmarks/fma_peak.c, run before and after each
                      run: W1/W2 also report GFLOP/s as a fraction of the highest
                      per-core peak it measured, times the threads.
  --json FILE         write every measurement, kernel and load figure to FILE.

Workloads:
  W1  MLP 784-128-128-10, relu/relu/softmax, cross-entropy, Adam (Keras's
      defaults: lr 1e-3, betas 0.9/0.999, epsilon 1e-7), batch 32, one epoch of
      60,000 MNIST-shaped samples; the timed region includes the shuffled gather
  W2  the same at batch 256
  W3  the course model (Dense(100, relu), Dense(100, relu), Dense(1), Adam, MSE)
      on 1,000 x 10 tabular data for 10 epochs: the whole process, import included
      (nnlite and Keras run the same Keras source text; NumPy and PyTorch a
      hand-written loop with the same weights and batch order)
  W4  predict one sample (median of many calls) and 10,000 samples (each
      framework's usual call: predict() for nnlite and Keras, batch 32 by default;
      Keras's predict_on_batch for one sample beside it)
  W5  what `import nnlite` (or torch, or keras) adds to `import numpy`
W1/W2 count 6 * parameters * samples FLOPs per epoch (forward 2 * params per
sample, backward about twice that). Each measurement runs in a fresh process, so
peak memory is its own. Every child gets OPENBLAS_NUM_THREADS, OMP_NUM_THREADS,
MKL_NUM_THREADS, NNLITE_NUM_THREADS, TF_NUM_INTRAOP_THREADS and
TF_NUM_INTEROP_THREADS set to the thread count (and torch.set_num_threads, TF's
tf.config.threading in code), and runs without OPENBLAS_CORETYPE and
OPENBLAS_L2_SIZE, which some machines set to hold OpenBLAS to its AVX2 kernel
where a user's NumPy runs its AVX-512 one; each child reports the BLAS kernel
threadpoolctl finds (when installed) and its CPU time over wall time. The data
are the real MNIST test images from ../shared/data/mnist when present (8,000
tiled to 60,000 for training, 2,000 held out), else random stand-ins.
"""
import argparse
import gzip
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
MNIST = os.path.join(HERE, "..", "..", "shared", "data", "mnist")
FRAMEWORKS = ("numpy", "nnlite", "torch", "keras")
WORKLOADS = ("W1", "W2", "W3", "W4", "W5")
SIZES = [784, 128, 128, 10]
SAMPLES = 60000
PARAMS = sum(a * b + b for a, b in zip(SIZES[:-1], SIZES[1:]))
FLOPS_PER_EPOCH = 6.0 * PARAMS * SAMPLES
THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
               "NNLITE_NUM_THREADS", "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS")
# set on some machines to hold OpenBLAS to its AVX2 kernel; a user's NumPy has neither
HELD_BACK = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


def child_env(threads):
    env = dict(os.environ, KERAS_BACKEND="tensorflow", TF_CPP_MIN_LOG_LEVEL="2")
    env.update((name, str(threads)) for name in THREAD_VARS)
    for name in HELD_BACK:
        env.pop(name, None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)   # imports from cached bytecode, as installed
    return env


# ---------------------------------------------------------------------------
# data and models (run inside the child processes, which import no framework
# but their own: the PyTorch and Keras children run in other environments)

def threads():
    return int(os.environ.get("NNLITE_NUM_THREADS", "1"))


def load_mnist():
    import numpy as np
    try:
        with gzip.open(os.path.join(MNIST, "t10k-images-idx3-ubyte.gz")) as f:
            images = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784)
        with gzip.open(os.path.join(MNIST, "t10k-labels-idx1-ubyte.gz")) as f:
            labels = np.frombuffer(f.read(), np.uint8, offset=8).astype(np.int64)
        real = True
    except OSError:
        rng = np.random.default_rng(0)
        images = rng.integers(0, 256, (10000, 784), dtype=np.uint8)
        labels = rng.integers(0, 10, 10000)
        real = False
    x = images.astype(np.float32) / 255.0
    x_train = np.ascontiguousarray(np.tile(x[:8000], (8, 1))[:SAMPLES])
    y_train = np.tile(labels[:8000], 8)[:SAMPLES]
    return x_train, y_train, x[8000:], labels[8000:], real


def initial_weights(sizes, seed=0):
    import numpy as np
    rng = np.random.default_rng(seed)
    weights = []
    for a, b in zip(sizes[:-1], sizes[1:]):
        limit = (6.0 / (a + b)) ** 0.5    # glorot uniform, as Keras initialises Dense
        weights += [rng.uniform(-limit, limit, (a, b)).astype(np.float32),
                    np.zeros(b, np.float32)]
    return weights


def nnlite_mlp(sizes, weights, output):
    from nnlite.layers import Dense, Input
    from nnlite.models import Sequential
    layers = [Input(shape=(sizes[0],))]
    for i, n in enumerate(sizes[1:]):
        last = i == len(sizes) - 2
        layers.append(Dense(n, activation=(output if last else "relu")))
    model = Sequential(layers)
    model.set_weights(weights)
    return model


def torch_mlp(sizes, weights):
    """Linear layers holding `weights` (transposed to torch's out x in), ReLU between."""
    import torch
    torch.set_num_threads(threads())
    layers = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        lin = torch.nn.Linear(a, b)
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(weights[2 * i].T.copy()))
            lin.bias.copy_(torch.from_numpy(weights[2 * i + 1]))
        layers += [lin] + ([torch.nn.ReLU()] if i < len(sizes) - 2 else [])
    return torch.nn.Sequential(*layers)


def keras_setup():
    """Import Keras on TensorFlow with its thread pools sized before any op runs."""
    import tensorflow as tf
    tf.config.threading.set_intra_op_parallelism_threads(threads())
    tf.config.threading.set_inter_op_parallelism_threads(threads())
    import keras
    return keras


def keras_mlp(keras, sizes, weights):
    model = keras.Sequential([keras.Input(shape=(sizes[0],))] + [
        keras.layers.Dense(n, activation="softmax" if i == len(sizes) - 2 else "relu")
        for i, n in enumerate(sizes[1:])])
    model.set_weights(weights)
    return model


def peak_mb():
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def kernels(framework):
    """What runs the products in this child: threadpoolctl's view plus the framework's own."""
    info = {"python": sys.executable, "threads": threads(),
            "held_back": {name: os.environ.get(name) for name in HELD_BACK}}
    try:
        import threadpoolctl
        info["threadpoolctl"] = [
            {k: pool.get(k) for k in ("user_api", "internal_api", "architecture",
                                      "num_threads", "version", "prefix")}
            for pool in threadpoolctl.threadpool_info()]
    except ImportError:
        info["threadpoolctl"] = "not installed"
    import numpy
    info["numpy"] = numpy.__version__
    if framework == "nnlite":
        import nnlite
        from nnlite import _core
        info["nnlite_isa"] = _core.isa()
        info["nnlite_core"] = os.path.abspath(_core.__file__)
        info["nnlite"] = getattr(nnlite, "__version__", "?")
    elif framework == "torch":
        import torch
        config = torch.__config__.show()
        info.update(torch=torch.__version__, torch_threads=torch.get_num_threads(),
                    torch_interop_threads=torch.get_num_interop_threads(),
                    cpu_capability=torch.backends.cpu.get_cpu_capability(),
                    mkldnn=torch.backends.mkldnn.is_available(),
                    blas=[part.strip() for line in config.splitlines()
                          for part in line.split(",") if "BLAS_INFO" in part])
    elif framework == "keras":
        import keras
        import tensorflow as tf
        info.update(tensorflow=tf.__version__, keras=keras.__version__,
                    backend=keras.backend.backend(),
                    intra_op=tf.config.threading.get_intra_op_parallelism_threads(),
                    inter_op=tf.config.threading.get_inter_op_parallelism_threads(),
                    onednn=os.environ.get("TF_ENABLE_ONEDNN_OPTS", "default (on)"))
    return info


class Clock:
    """Wall time and the process's CPU time over it (above 1: more than one core busy)."""

    def __enter__(self):
        self.cpu, self.wall = sum(os.times()[:2]), time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.wall
        self.cpu_ratio = (sum(os.times()[:2]) - self.cpu) / self.seconds


# ---------------------------------------------------------------------------
# workloads, one per child process

def run_train(framework, batch):
    import numpy as np
    x, y, xt, yt, real = load_mnist()
    weights = initial_weights(SIZES)
    order = np.random.default_rng(1).permutation(len(x))
    extra = {}
    if framework == "numpy":
        sys.path.insert(0, HERE)
        from baseline_numpy import NumpyMLP
        model = NumpyMLP(weights)
        with Clock() as clock:
            model.fit_epoch(x, y, batch, order)
        accuracy = float(np.mean(model.predict(xt).argmax(1) == yt))
    elif framework == "nnlite":
        from nnlite.optimizers import Adam
        from nnlite.utils import set_random_seed
        model = nnlite_mlp(SIZES, weights, "softmax")
        model.compile(optimizer=Adam(learning_rate=0.001, beta_1=0.9, beta_2=0.999,
                                     epsilon=1e-7),
                      loss="sparse_categorical_crossentropy")
        # fit's first draw from the seeded generator is the epoch's permutation:
        # the same batch order as default_rng(1).permutation above
        set_random_seed(1)
        with Clock() as clock:
            model.fit(x, y, batch_size=batch, epochs=1, shuffle=True, verbose=0)
        accuracy = float(np.mean(model.predict(xt, verbose=0).argmax(1) == yt))
    elif framework == "torch":
        import torch
        net = torch_mlp(SIZES, weights)
        opt = torch.optim.Adam(net.parameters(), lr=0.001, betas=(0.9, 0.999), eps=1e-7)
        loss_fn = torch.nn.CrossEntropyLoss()    # log-softmax fused in, mean over the batch
        xs, ys, index = torch.from_numpy(x), torch.from_numpy(y), torch.from_numpy(order)
        with Clock() as clock:
            for lo in range(0, len(xs), batch):
                idx = index[lo:lo + batch]
                opt.zero_grad()
                loss = loss_fn(net(xs[idx]), ys[idx])
                loss.backward()
                opt.step()
        with torch.no_grad():
            accuracy = float((net(torch.from_numpy(xt)).argmax(1).numpy() == yt).mean())
    else:   # keras
        keras = keras_setup()
        model = keras_mlp(keras, SIZES, weights)
        model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001, beta_1=0.9,
                                                      beta_2=0.999, epsilon=1e-7),
                      loss="sparse_categorical_crossentropy")

        class FirstStep(keras.callbacks.Callback):
            def on_train_batch_end(self, step, logs=None):
                if step == 0:
                    self.end = time.perf_counter()

        first = FirstStep()
        with Clock() as clock:
            # Keras's own shuffle draws another order: hand it the permuted arrays
            model.fit(x[order], y[order], batch_size=batch, epochs=1, shuffle=False,
                      verbose=0, callbacks=[first])
        steps = -(-len(x) // batch)
        rest = clock.seconds - (first.end - clock.wall)
        # without the first step, which traces and optimises the graph
        extra["steady_seconds"] = rest * steps / (steps - 1)
        extra["jit_compile"] = bool(model.jit_compile)
        accuracy = float(np.mean(model.predict(xt, verbose=0).argmax(1) == yt))
    return dict(extra, seconds=clock.seconds, cpu_ratio=clock.cpu_ratio,
                samples_per_s=len(x) / clock.seconds, peak_mb=peak_mb(), accuracy=accuracy,
                real_mnist=real, kernels=kernels(framework))


COURSE_DATA = """
import numpy as np
rng = np.random.default_rng(0)
x = rng.standard_normal((1000, 10)).astype(np.float32)
y = (x @ rng.standard_normal(10) + 0.1 * rng.standard_normal(1000)).astype(np.float32)
ws = []
for a, b in ((10, 100), (100, 100), (100, 1)):
    lim = (6.0 / (a + b)) ** 0.5
    ws += [rng.uniform(-lim, lim, (a, b)).astype(np.float32), np.zeros(b, np.float32)]
n = int(len(x) * 0.8)
"""

KERAS_COURSE = """
import numpy as np
from {package}.models import Sequential
from {package}.layers import Dense
rng = np.random.default_rng(0)
predictors = rng.standard_normal((1000, 10)).astype(np.float32)
target = (predictors @ rng.standard_normal(10) + 0.1 * rng.standard_normal(1000)).astype(np.float32)
n_cols = predictors.shape[1]
model = Sequential()
model.add(Dense(100, activation='relu', input_shape=(n_cols,)))
model.add(Dense(100, activation='relu'))
model.add(Dense(1))
model.compile(optimizer='adam', loss='mean_squared_error')
history = model.fit(predictors, target, epochs=10, validation_split=0.2, verbose=0)
print(history.history['val_loss'][-1])
"""

COURSE = {
    "numpy": """
import sys
sys.path.insert(0, {here!r})
from baseline_numpy import NumpyMLP
""" + COURSE_DATA + """
m = NumpyMLP(ws, output="linear")
for epoch in range(10):
    m.fit_epoch(x[:n], y[:n], 32, rng.permutation(n))
    val = float(np.mean((m.predict(x[n:])[:, 0] - y[n:]) ** 2))
print(val)
""",
    "nnlite": KERAS_COURSE.replace("{package}", "nnlite"),
    "torch": """
import torch
torch.set_num_threads({threads})
""" + COURSE_DATA + """
layers = []
for i in range(3):
    lin = torch.nn.Linear(*ws[2 * i].shape)
    with torch.no_grad():
        lin.weight.copy_(torch.from_numpy(ws[2 * i].T.copy()))
        lin.bias.zero_()
    layers += [lin] + ([torch.nn.ReLU()] if i < 2 else [])
net = torch.nn.Sequential(*layers)
opt = torch.optim.Adam(net.parameters(), lr=0.001, eps=1e-7)
loss_fn = torch.nn.MSELoss()
xs, ys = torch.from_numpy(x), torch.from_numpy(y).reshape(-1, 1)
for epoch in range(10):
    order = torch.from_numpy(rng.permutation(n))
    for lo in range(0, n, 32):
        idx = order[lo:lo + 32]
        opt.zero_grad()
        loss_fn(net(xs[idx]), ys[idx]).backward()
        opt.step()
    with torch.no_grad():
        val = float(loss_fn(net(xs[n:]), ys[n:]))
print(val)
""",
    "keras": """
import tensorflow as tf
tf.config.threading.set_intra_op_parallelism_threads({threads})
tf.config.threading.set_inter_op_parallelism_threads({threads})
""" + KERAS_COURSE.replace("{package}", "keras"),
}


def run_course(framework, python, env, threads):
    code = COURSE[framework].format(here=HERE, threads=threads)
    subprocess.run([python, "-c", code], env=env, capture_output=True, check=True)
    times = []
    for _ in range(7):   # the fastest of seven: whole processes are noisy here
        start = time.perf_counter()
        out = subprocess.run([python, "-c", code], env=env, capture_output=True,
                             text=True, check=True).stdout
        times.append(time.perf_counter() - start)
    return {"seconds": min(times), "val_mse": float(out.strip().splitlines()[-1])}


def run_predict(framework):
    import numpy as np
    x, _, xt, _, _ = load_mnist()
    weights = initial_weights(SIZES)
    one = np.ascontiguousarray(xt[:1])
    many = np.ascontiguousarray(x[:10000])
    if framework == "numpy":
        sys.path.insert(0, HERE)
        from baseline_numpy import NumpyMLP
        model = NumpyMLP(weights)

        def predict(v):
            return model.predict(v)
    elif framework == "nnlite":
        model = nnlite_mlp(SIZES, weights, "softmax")

        def predict(v):
            return model.predict(v, verbose=0)
    elif framework == "torch":
        import torch
        net = torch_mlp(SIZES, weights)

        def predict(v):
            with torch.inference_mode():
                return torch.softmax(net(torch.from_numpy(v)), 1).numpy()
    else:
        keras = keras_setup()
        model = keras_mlp(keras, SIZES, weights)

        def predict(v):
            return model.predict(v, verbose=0)
    predict(one)
    samples = []
    end = time.perf_counter() + 10.0    # 3000 calls, or fewer for a slow predict
    while len(samples) < 3000 and (len(samples) < 50 or time.perf_counter() < end):
        start = time.perf_counter()
        predict(one)
        samples.append(time.perf_counter() - start)
    samples.sort()
    predict(many)
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        predict(many)
        best = min(best, time.perf_counter() - start)
    result = {"one_us": samples[len(samples) // 2] * 1e6, "calls": len(samples), "many_s": best}
    if framework == "keras":   # Keras's advice for small inputs, beside the usual predict()
        model.predict_on_batch(one)
        calls = []
        for _ in range(1000):
            start = time.perf_counter()
            model.predict_on_batch(one)
            calls.append(time.perf_counter() - start)
        result["on_batch_us"] = sorted(calls)[len(calls) // 2] * 1e6
    return result


IMPORTS = {"nnlite": "import nnlite", "torch": "import torch", "keras": "import keras"}


def run_import(framework, python, env):
    code = ("import time; t0 = time.perf_counter(); import numpy; t1 = time.perf_counter(); "
            "%s; t2 = time.perf_counter(); print(t1 - t0, t2 - t1)" % IMPORTS[framework])
    subprocess.run([python, "-c", IMPORTS[framework]], env=env, capture_output=True,
                   check=True)   # writes the bytecode
    extra = []
    for _ in range(7):
        out = subprocess.run([python, "-X", "frozen_modules=on", "-c", code], env=env,
                             capture_output=True, text=True, check=True).stdout.split()
        extra.append(float(out[1]))
    extra.sort()
    return {"import_ms": extra[len(extra) // 2] * 1e3}


# ---------------------------------------------------------------------------
# driver

def child(args):
    kind = args[0]
    if kind == "train":
        result = run_train(args[1], int(args[2]))
    elif kind == "predict":
        result = run_predict(args[1])
    else:
        raise SystemExit("unknown workload %r" % kind)
    print(json.dumps(result))


def spawn(python, env, *args):
    out = subprocess.run([python, os.path.abspath(__file__), "--child", *args], env=env,
                         capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError("%s %s failed:\n%s" % (python, " ".join(args), out.stderr))
    return json.loads(out.stdout.strip().splitlines()[-1])


def can_import(python, name):
    return subprocess.run([python, "-c", "import " + name], capture_output=True,
                          env=child_env(1)).returncode == 0


def fma_peak(exe):
    """Per-core float32 FMA GFLOP/s that fma_peak prints, by vector width."""
    out = subprocess.run([exe], capture_output=True, text=True, check=True).stdout
    peaks = {}
    for line in out.splitlines():
        if "GFLOP/s" in line:
            peaks[line.split()[0]] = float(line.split(":")[1].split()[0])
    return peaks


def run_once(frameworks, pythons, workloads, nthreads, rotate):
    """One pass over the workloads; within each, frameworks in an order rotated by `rotate`."""
    env = child_env(nthreads)
    order = frameworks[rotate % len(frameworks):] + frameworks[:rotate % len(frameworks)]
    res = {}
    for wl, batch in (("W1", 32), ("W2", 256)):
        if wl in workloads:
            res[wl] = {f: spawn(pythons[f], env, "train", f, str(batch)) for f in order}
    if "W3" in workloads:
        res["W3"] = {f: run_course(f, pythons[f], env, nthreads) for f in order}
    if "W4" in workloads:
        res["W4"] = {f: spawn(pythons[f], env, "predict", f) for f in order}
    if "W5" in workloads:
        res["W5"] = {f: run_import(f, pythons[f], env) for f in order if f in IMPORTS}
    return res


ROWS = [  # (label, workload, measurement, unit, scale)
    ("W1 batch 32", "W1", "seconds", "s/epoch", 1.0),
    ("W2 batch 256", "W2", "seconds", "s/epoch", 1.0),
    ("W3 course model, whole process", "W3", "seconds", "s", 1.0),
    ("W4 predict 1 sample", "W4", "one_us", "us median", 1.0),
    ("W4 predict 10,000 samples", "W4", "many_s", "ms", 1e3),
    ("W5 import after numpy", "W5", "import_ms", "ms", 1.0),
]


def sig(value):
    """Three significant figures, without an exponent."""
    return "%.0f" % value if value >= 100 else "%.3g" % value


def cell(values, fmt, unit=""):
    """The median, and the min-max spread when there are several values."""
    show = fmt if callable(fmt) else (lambda v: fmt % v)
    text = show(statistics.median(values))
    if len(values) > 1:
        text += " (%s-%s)" % (show(min(values)), show(max(values)))
    return text + unit


def table(runs, frameworks, peak, nthreads):
    head = ("workload", "time", "throughput", "GFLOP/s", "of peak", "vs numpy",
            "nnlite is", "peak mem", "check")
    rows = []
    for label, wl, key, unit, scale in ROWS:
        present = [r[wl] for r in runs if wl in r]
        if not present:
            continue
        for f in frameworks:
            if f not in present[0]:
                continue
            t = [r[f][key] * scale for r in present]
            row = [label + ", " + f, cell(t, sig, " " + unit), "", "", "", "", "", "", ""]
            if wl in ("W1", "W2"):
                seconds = [r[f]["seconds"] for r in present]
                gflops = [FLOPS_PER_EPOCH / s / 1e9 for s in seconds]
                row[2] = cell([SAMPLES / s for s in seconds], "%.0f", " samples/s")
                row[3] = cell(gflops, "%.1f")
                if peak:
                    row[4] = cell([100 * g / (peak * nthreads) for g in gflops], "%.0f", " %")
                row[7] = "%.0f MB" % statistics.median(r[f]["peak_mb"] for r in present)
                row[8] = "acc " + cell([r[f]["accuracy"] for r in present], "%.4f")
                if f == "keras":
                    row[8] += "; %s s w/o 1st step" % cell(
                        [r[f]["steady_seconds"] for r in present], sig)
            if key == "one_us" and f == "keras":
                row[8] = "predict_on_batch %s us" % cell(
                    [r[f]["on_batch_us"] for r in present], sig)
            if wl == "W3":
                row[8] = "val mse " + cell([r[f]["val_mse"] for r in present], "%.4f")
            if "numpy" in present[0]:
                row[5] = cell([r["numpy"][key] / r[f][key] for r in present], "%.2f", "x")
            if "nnlite" in present[0] and f != "nnlite":
                row[6] = cell([r[f][key] / r["nnlite"][key] for r in present], "%.2f", "x")
            rows.append(row)
    keep = [i for i in range(len(head)) if any(r[i] for r in rows)]
    rows = [[r[i] for i in keep] for r in rows]
    head = [head[i] for i in keep]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(head)]
    lines = ["| " + " | ".join(h.ljust(w) for h, w in zip(head, widths)) + " |",
             "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    lines += ["| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |" for r in rows]
    return "\n".join(lines)


def kernel_lines(runs):
    """One line per framework: the BLAS pools threadpoolctl saw in its W1/W2 child."""
    lines = []
    for wl in ("W1", "W2"):
        if wl not in runs[0]:
            continue
        for f, r in runs[0][wl].items():
            k = r["kernels"]
            pools = k["threadpoolctl"]
            if isinstance(pools, list):
                pools = "; ".join("%s %s %s, %s threads" % (
                    p["internal_api"], p["version"] or "", p["architecture"] or "",
                    p["num_threads"]) for p in pools) or "no pools"
            own = {key: k[key] for key in ("nnlite_isa", "cpu_capability", "blas", "torch_threads",
                                          "tensorflow", "keras", "intra_op", "inter_op",
                                          "onednn") if key in k}
            lines.append("  %s (%s): threadpoolctl: %s%s; cpu/wall %.2f" % (
                f, k["python"], pools, (" " + json.dumps(own)) if own else "", r["cpu_ratio"]))
        return lines
    return lines


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--torch-python")
    parser.add_argument("--keras-python")
    parser.add_argument("--frameworks", default=",".join(FRAMEWORKS))
    parser.add_argument("--workloads", default=",".join(WORKLOADS))
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--fma-peak")
    parser.add_argument("--json")
    args = parser.parse_args()
    pythons = {"numpy": sys.executable, "nnlite": sys.executable,
               "torch": args.torch_python or sys.executable,
               "keras": args.keras_python or sys.executable}
    wanted = args.frameworks.split(",")
    frameworks = [f for f in FRAMEWORKS if f in wanted and (
        f in ("numpy", "nnlite") or can_import(pythons[f], "tensorflow, keras" if f == "keras"
                                               else f))]
    workloads = args.workloads.split(",")
    print("%d thread(s); frameworks: %s" % (args.threads, ", ".join(
        f + ("" if pythons[f] == sys.executable else " (%s)" % pythons[f]) for f in frameworks)))
    held = {name: os.environ[name] for name in HELD_BACK if name in os.environ}
    if held:
        print("removed for the children: %s" % held)
    runs, log = [], []
    for i in range(args.runs):
        entry = {"start": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
                 "load_before": os.getloadavg()}
        if args.fma_peak:
            entry["peak_before"] = fma_peak(args.fma_peak)
        res = run_once(frameworks, pythons, workloads, args.threads, i)
        entry["load_after"] = os.getloadavg()
        if args.fma_peak:
            entry["peak_after"] = fma_peak(args.fma_peak)
        entry["results"] = res
        runs.append(res)
        log.append(entry)
        peaks = [v for key in ("peak_before", "peak_after") for v in entry.get(key, {}).values()]
        print("\nrun %d of %d, %s, load %.2f -> %.2f%s" % (
            i + 1, args.runs, entry["start"], entry["load_before"][0], entry["load_after"][0],
            (", FMA peak %.1f GFLOP/s per core" % max(peaks)) if peaks else ""))
        print(table([res], frameworks, max(peaks) if peaks else None, args.threads))
        if "W1" in res or "W2" in res:
            if not next(iter(res.get("W1", res.get("W2")).values()))["real_mnist"]:
                print("(MNIST not found: random stand-in data, accuracy is meaningless)")
    peaks = [v for e in log for key in ("peak_before", "peak_after")
             for v in e.get(key, {}).values()]
    peak = max(peaks) if peaks else None
    if args.runs > 1:
        print("\nmedian of %d runs (min-max); ratios within each run%s" % (
            args.runs, (", of the highest FMA peak measured, %.1f GFLOP/s per core x %d"
                        % (peak, args.threads)) if peak else ""))
        print(table(runs, frameworks, peak, args.threads))
    print("\nkernels (first run):")
    print("\n".join(kernel_lines(runs)))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"threads": args.threads, "frameworks": frameworks, "pythons": pythons,
                       "held_back_in_parent": held, "fma_peak_max": peak,
                       "flops_per_epoch": FLOPS_PER_EPOCH, "params": PARAMS, "runs": log},
                      f, indent=1)


if __name__ == "__main__":
    main()
