"""Training with recurrent_dropout: the fused C kernel (input projections per
gate, recurrent masks per gate) against the step-by-step path the same layers
took before, one epoch of GRU(32) -> Dense(1) on 1024 windows of (120, 14),
batch 32, Adam, MSE; the same run also times the layer without dropout.

    NNLITE_NUM_THREADS=1 PYTHONPATH=. python benchmarks/bench_rnn_dropout.py --runs 3

Each configuration gets an untimed warm-up epoch, then `--runs` timed epochs;
the table shows the median (min-max) seconds per epoch and the step-by-step
time over the fused one.
"""
import argparse
import statistics
import time

import numpy as np

CASES = (("no dropout", 0.0, 0.0), ("recurrent_dropout=0.25", 0.0, 0.25),
         ("dropout=0.2, recurrent_dropout=0.25", 0.2, 0.25))


def epoch_seconds(dropout, recurrent_dropout, runs, stepwise):
    import nnlite
    from nnlite.layers import GRU, Dense, Input
    from nnlite.layers.rnn.cell_base import RecurrentCell
    rng = np.random.default_rng(0)
    x = rng.normal(size=(1024, 120, 14)).astype("float32")
    y = rng.normal(size=(1024, 1)).astype("float32")
    model = nnlite.Sequential([Input((120, 14)),
                               GRU(32, dropout=dropout, recurrent_dropout=recurrent_dropout),
                               Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    fused_spec = RecurrentCell.fused_spec
    if stepwise:   # what RNN.call ran for masks per gate before they were fused
        RecurrentCell.fused_spec = lambda self: None
    try:
        model.fit(x, y, epochs=1, batch_size=32, verbose=0)
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            model.fit(x, y, epochs=1, batch_size=32, verbose=0)
            times.append(time.perf_counter() - start)
    finally:
        RecurrentCell.fused_spec = fused_spec
    return times


def cell(times):
    return "%.3f (%.3f-%.3f)" % (statistics.median(times), min(times), max(times))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    from nnlite import _core
    rows = []
    for name, dropout, recurrent_dropout in CASES:
        fused = epoch_seconds(dropout, recurrent_dropout, args.runs, stepwise=False)
        step = epoch_seconds(dropout, recurrent_dropout, args.runs, stepwise=True)
        rows.append((name, cell(fused), cell(step),
                     "%.1fx" % (statistics.median(step) / statistics.median(fused))))
    head = ("GRU(32), 1024 x (120, 14), batch 32", "fused s/epoch", "step by step s/epoch",
            "step / fused")
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(head)]
    print("threads: %d; median (min-max) of %d epochs" % (_core.get_num_threads(), args.runs))
    print("| " + " | ".join(h.ljust(w) for h, w in zip(head, widths)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in rows:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |")


if __name__ == "__main__":
    main()
