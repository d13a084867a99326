"""Training and prediction speed: nnlite against a hand-written NumPy baseline
(and PyTorch or Keras when they are installed), on the same data, initial
weights, batch order and epochs.

    python benchmarks/bench_training.py          # needs nnlite installed (or PYTHONPATH=.)

Workloads (one thread: OPENBLAS_NUM_THREADS=1, NNLITE_NUM_THREADS=1):
  W1  MLP 784-128-128-10, relu/relu/softmax, cross-entropy, Adam, batch 32,
      one epoch of 60,000 MNIST-shaped samples
  W2  the same at batch 256
  W3  the course model (Dense(100, relu), Dense(100, relu), Dense(1), Adam, MSE)
      on 1,000 x 10 tabular data for 10 epochs: the whole process, import included
  W4  predict one sample (median of many calls) and 10,000 samples
  W5  what `import nnlite` adds to `import numpy`
Each measurement runs in a fresh process, so peak memory is its own. The data
are the real MNIST test images from ../shared/data/mnist when present (8,000
tiled to 60,000 for training, 2,000 held out), else random stand-ins.
"""
import gzip
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
MNIST = os.path.join(HERE, "..", "..", "shared", "data", "mnist")
ENV = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1",
           NNLITE_NUM_THREADS="1")
ENV.pop("PYTHONDONTWRITEBYTECODE", None)   # imports from cached bytecode, as installed


# ---------------------------------------------------------------------------
# data and models (run inside the child processes)

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
    x_train = np.ascontiguousarray(np.tile(x[:8000], (8, 1))[:60000])
    y_train = np.tile(labels[:8000], 8)[:60000]
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


def peak_mb():
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


# ---------------------------------------------------------------------------
# workloads, one per child process

def run_train(framework, batch):
    import numpy as np
    x, y, xt, yt, real = load_mnist()
    sizes = [784, 128, 128, 10]
    weights = initial_weights(sizes)
    order = np.random.default_rng(1).permutation(len(x))
    if framework == "numpy":
        sys.path.insert(0, HERE)
        from baseline_numpy import NumpyMLP
        model = NumpyMLP(weights)
        start = time.perf_counter()
        model.fit_epoch(x, y, batch, order)
        seconds = time.perf_counter() - start
        accuracy = float(np.mean(model.predict(xt).argmax(1) == yt))
    elif framework == "nnlite":
        from nnlite.utils import set_random_seed
        model = nnlite_mlp(sizes, weights, "softmax")
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        # fit's first draw from the seeded generator is the epoch's permutation:
        # the same batch order as default_rng(1).permutation above
        set_random_seed(1)
        start = time.perf_counter()
        model.fit(x, y, batch_size=batch, epochs=1, shuffle=True, verbose=0)
        seconds = time.perf_counter() - start
        accuracy = float(np.mean(model.predict(xt, verbose=0).argmax(1) == yt))
    elif framework == "torch":
        import torch
        torch.set_num_threads(1)
        layers = []
        for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
            lin = torch.nn.Linear(a, b)
            with torch.no_grad():
                lin.weight.copy_(torch.from_numpy(weights[2 * i].T.copy()))
                lin.bias.zero_()
            layers += [lin] + ([torch.nn.ReLU()] if i < len(sizes) - 2 else [])
        net = torch.nn.Sequential(*layers)
        opt = torch.optim.Adam(net.parameters(), lr=1e-3, eps=1e-7)
        loss_fn = torch.nn.CrossEntropyLoss()
        xs, ys = torch.from_numpy(x[order]), torch.from_numpy(y[order])
        start = time.perf_counter()
        for lo in range(0, len(xs), batch):
            opt.zero_grad()
            loss = loss_fn(net(xs[lo:lo + batch]), ys[lo:lo + batch])
            loss.backward()
            opt.step()
        seconds = time.perf_counter() - start
        with torch.no_grad():
            accuracy = float((net(torch.from_numpy(xt)).argmax(1).numpy() == yt).mean())
    else:   # keras
        import keras
        model = keras.Sequential([keras.Input(shape=(784,))] + [
            keras.layers.Dense(n, activation="softmax" if i == 2 else "relu")
            for i, n in enumerate(sizes[1:])])
        model.set_weights(weights)
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        xs, ys = x[order], y[order]
        start = time.perf_counter()
        model.fit(xs, ys, batch_size=batch, epochs=1, shuffle=False, verbose=0)
        seconds = time.perf_counter() - start
        accuracy = float(np.mean(model.predict(xt, verbose=0).argmax(1) == yt))
    return {"seconds": seconds, "samples_per_s": len(x) / seconds, "peak_mb": peak_mb(),
            "accuracy": accuracy, "real_mnist": real}


COURSE = {
    "numpy": """
import sys, numpy as np
sys.path.insert(0, {here!r})
from baseline_numpy import NumpyMLP
rng = np.random.default_rng(0)
x = rng.standard_normal((1000, 10)).astype(np.float32)
y = (x @ rng.standard_normal(10) + 0.1 * rng.standard_normal(1000)).astype(np.float32)
ws = []
for a, b in ((10, 100), (100, 100), (100, 1)):
    lim = (6.0 / (a + b)) ** 0.5
    ws += [rng.uniform(-lim, lim, (a, b)).astype(np.float32), np.zeros(b, np.float32)]
m = NumpyMLP(ws, output="linear")
n = int(len(x) * 0.8)
for epoch in range(10):
    m.fit_epoch(x[:n], y[:n], 32, rng.permutation(n))
    val = float(np.mean((m.predict(x[n:])[:, 0] - y[n:]) ** 2))
print(val)
""",
    "nnlite": """
import numpy as np
from nnlite.models import Sequential
from nnlite.layers import Dense
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
""",
}


def run_course(framework):
    code = COURSE[framework].format(here=HERE)
    subprocess.run([sys.executable, "-c", code], env=ENV, capture_output=True, check=True)
    times = []
    for _ in range(7):   # the fastest of seven: whole processes are noisy here
        start = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", code], env=ENV, capture_output=True,
                             text=True, check=True).stdout
        times.append(time.perf_counter() - start)
    return {"seconds": min(times), "val_mse": float(out.strip().splitlines()[-1])}


def run_predict(framework):
    import numpy as np
    x, _, xt, _, _ = load_mnist()
    sizes = [784, 128, 128, 10]
    weights = initial_weights(sizes)
    one = np.ascontiguousarray(xt[:1])
    many = np.ascontiguousarray(x[:10000])
    if framework == "numpy":
        sys.path.insert(0, HERE)
        from baseline_numpy import NumpyMLP
        model = NumpyMLP(weights)

        def predict(v):
            return model.predict(v)
    else:
        model = nnlite_mlp(sizes, weights, "softmax")

        def predict(v):
            return model.predict(v, verbose=0)
    predict(one)
    samples = []
    for _ in range(3000):
        start = time.perf_counter()
        predict(one)
        samples.append(time.perf_counter() - start)
    samples.sort()
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        predict(many)
        best = min(best, time.perf_counter() - start)
    return {"one_us": samples[len(samples) // 2] * 1e6, "many_s": best}


def run_import():
    code = ("import time; t0 = time.perf_counter(); import numpy; t1 = time.perf_counter(); "
            "import nnlite; t2 = time.perf_counter(); print(t1 - t0, t2 - t1)")
    subprocess.run([sys.executable, "-c", "import nnlite"], env=ENV, check=True)  # bytecode
    extra = []
    for _ in range(7):
        out = subprocess.run([sys.executable, "-X", "frozen_modules=on", "-c", code], env=ENV,
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


def spawn(*args):
    out = subprocess.run([sys.executable, os.path.abspath(__file__), "--child", *args], env=ENV,
                         capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


def available(name):
    import importlib.util
    return importlib.util.find_spec(name) is not None


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2:])
        return
    frameworks = ["numpy", "nnlite"] + [f for f in ("torch", "keras") if available(f)]
    print("one thread; frameworks: %s" % ", ".join(frameworks))
    rows = []
    for batch, label in ((32, "W1 batch 32"), (256, "W2 batch 256")):
        res = {f: spawn("train", f, str(batch)) for f in frameworks}
        base = res["numpy"]["seconds"]
        for f in frameworks:
            r = res[f]
            rows.append(("%s, %s" % (label, f), "%.2f s/epoch" % r["seconds"],
                         "%.0f samples/s" % r["samples_per_s"], "%.2fx" % (base / r["seconds"]),
                         "%.0f MB" % r["peak_mb"], "acc %.4f" % r["accuracy"]))
        if not res["numpy"]["real_mnist"]:
            print("(MNIST not found: random stand-in data, accuracy is meaningless)")
    course = {f: run_course(f) for f in ("numpy", "nnlite")}
    for f in ("numpy", "nnlite"):
        rows.append(("W3 course model, whole process, %s" % f, "%.3f s" % course[f]["seconds"],
                     "", "%.2fx" % (course["numpy"]["seconds"] / course[f]["seconds"]), "",
                     "val mse %.4f" % course[f]["val_mse"]))
    pred = {f: spawn("predict", f) for f in ("numpy", "nnlite")}
    for f in ("numpy", "nnlite"):
        rows.append(("W4 predict 1 sample, %s" % f, "%.1f us median" % pred[f]["one_us"], "",
                     "%.2fx" % (pred["numpy"]["one_us"] / pred[f]["one_us"]), "", ""))
        rows.append(("W4 predict 10,000 samples, %s" % f, "%.1f ms" % (pred[f]["many_s"] * 1e3),
                     "", "%.2fx" % (pred["numpy"]["many_s"] / pred[f]["many_s"]), "", ""))
    rows.append(("W5 import nnlite after numpy", "%.1f ms" % run_import()["import_ms"], "", "",
                 "", ""))
    widths = [max(len(r[i]) for r in rows) for i in range(6)]
    head = ("workload", "time", "throughput", "vs numpy", "peak mem", "check")
    widths = [max(w, len(h)) for w, h in zip(widths, head)]
    print("| " + " | ".join(h.ljust(w) for h, w in zip(head, widths)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in rows:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |")


if __name__ == "__main__":
    main()
