"""Writes the data files the example notebooks read (run once; the files are committed).

    python examples/notebooks/data/make_data.py

Files written next to this script:

* `regression.csv` — 1,000 synthetic rows, 8 predictors `x1..x8` on very
  different scales (so normalising by mean and standard deviation matters) and
  a continuous target `y`: a smooth nonlinear function of the predictors plus
  Gaussian noise of standard deviation 3.
* `binary.csv` — 1,000 synthetic rows, 10 features `f1..f10` and a 0/1 label
  `label`: the class is set by a curved boundary in `f1, f2, f3` (with 8% of
  labels flipped, so no model reaches 100%); `f4..f10` are partly correlated
  with the first three and partly pure noise.
* `digits_train.csv.gz`, `digits_test.csv.gz` — the 8x8 handwritten digits
  that ship with nnlite (`nnlite/datasets/data/digits.npz`, UCI data under
  CC BY 4.0; see `README.md`), split exactly as
  `nnlite.datasets.digits.load_data()` splits them (1,437 training rows,
  360 test rows). Each row is 64 pixel values (0..16, row by row) and the
  label (0..9). gzip keeps them small; `numpy.loadtxt` reads `.gz` directly.

Everything is drawn from `numpy.random.default_rng` with fixed seeds, and the
gzip headers carry no time stamp, so running the script again rewrites the
same bytes.
"""
import gzip
import io
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
DIGITS_NPZ = os.path.join(HERE, "..", "..", "..", "nnlite", "datasets", "data", "digits.npz")
NUM_DIGITS_TRAIN = 1437  # as nnlite.datasets.digits.NUM_TRAIN


def make_regression(n=1000, seed=2024):
    """8 predictors on mixed scales and a noisy nonlinear target."""
    rng = np.random.default_rng(seed)
    x = np.column_stack([
        rng.uniform(100.0, 500.0, n),          # x1: hundreds
        rng.uniform(0.0, 300.0, n),            # x2
        rng.exponential(50.0, n),              # x3: skewed
        rng.normal(180.0, 20.0, n),            # x4
        rng.uniform(0.0, 30.0, n),             # x5: tens
        rng.uniform(800.0, 1100.0, n),         # x6: around a thousand
        rng.normal(0.0, 1.0, n),               # x7: already standardised
        rng.choice([1, 3, 7, 14, 28, 56, 90, 180, 365], n).astype(float),  # x8: days
    ])
    y = (0.08 * x[:, 0] + 0.05 * x[:, 1] + 8.0 * np.tanh(x[:, 2] / 60.0)
         - 0.15 * (x[:, 3] - 180.0) + 0.02 * (x[:, 4] - 15.0) ** 2
         + 0.01 * (x[:, 5] - 950.0) + 4.0 * np.sin(x[:, 6]) + 7.0 * np.log(x[:, 7])
         + 0.0002 * x[:, 0] * x[:, 4] + rng.normal(0.0, 3.0, n))
    return x, y


def make_binary(n=1000, seed=7):
    """10 features, a curved class boundary and 8% label noise."""
    rng = np.random.default_rng(seed)
    z = rng.normal(0.0, 1.0, (n, 3))
    score = z[:, 0] ** 2 + 0.8 * z[:, 1] - 0.6 * z[:, 2] * z[:, 0] - 0.9
    label = (score > 0).astype(int)
    flip = rng.random(n) < 0.08
    label[flip] = 1 - label[flip]
    mix = rng.normal(0.0, 0.5, (3, 4))
    correlated = z @ mix + rng.normal(0.0, 0.7, (n, 4))
    noise = rng.normal(0.0, 1.0, (n, 3))
    return np.column_stack([z, correlated, noise]), label


def _write_csv(path, header, rows, fmt):
    np.savetxt(path, rows, fmt=fmt, delimiter=",", header=header, comments="")


def _write_csv_gz(path, rows):
    text = io.StringIO()
    np.savetxt(text, rows, fmt="%d", delimiter=",")
    with open(path, "wb") as raw:
        # filename="" and mtime=0: no name or time stamp in the header, reproducible bytes
        with gzip.GzipFile(filename="", mode="wb", compresslevel=9, fileobj=raw, mtime=0) as gz:
            gz.write(text.getvalue().encode("ascii"))


def main():
    x, y = make_regression()
    _write_csv(os.path.join(HERE, "regression.csv"),
               ",".join(["x%d" % i for i in range(1, 9)] + ["y"]),
               np.column_stack([x, y]), "%.3f")

    x, label = make_binary()
    _write_csv(os.path.join(HERE, "binary.csv"),
               ",".join(["f%d" % i for i in range(1, 11)] + ["label"]),
               np.column_stack([x, label]), ["%.4f"] * 10 + ["%d"])

    with np.load(DIGITS_NPZ, allow_pickle=False) as f:
        images, labels, order = f["images"], f["labels"], f["order"].astype(np.intp)
    table = np.column_stack([images.reshape(len(images), 64), labels]).astype(np.int64)
    _write_csv_gz(os.path.join(HERE, "digits_train.csv.gz"), table[order[:NUM_DIGITS_TRAIN]])
    _write_csv_gz(os.path.join(HERE, "digits_test.csv.gz"), table[order[NUM_DIGITS_TRAIN:]])


if __name__ == "__main__":
    main()
