"""Ctrl-C during a compiled epoch (verbose 0 and 2) stops within a fraction of
a second and leaves a model that still predicts and trains."""
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

import nnlite

CHILD = textwrap.dedent("""
    import sys, time
    import numpy as np
    from nnlite import layers
    from nnlite.models import Sequential
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200_000, 64)).astype(np.float32)
    y = rng.integers(0, 10, size=200_000)
    model = Sequential([layers.Input((64,)), layers.Dense(256, activation="relu"),
                        layers.Dense(256, activation="relu"), layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    print("started", flush=True)
    try:
        model.fit(x, y, batch_size=32, epochs=50, verbose=int(sys.argv[1]))
    except KeyboardInterrupt:
        steps = int(model.optimizer.iterations.value)
        out = model.predict(x[:100], verbose=0)
        model.fit(x[:64], y[:64], epochs=1, verbose=0)
        print("interrupted", steps, bool(np.isfinite(out).all()),
              int(model.optimizer.iterations.value) - steps, flush=True)
""")


@pytest.mark.parametrize("verbose", [0, 2])
def test_ctrl_c_stops_a_compiled_epoch_quickly(verbose, tmp_path):
    # the child imports the nnlite these tests import, from outside the checkout
    env = dict(os.environ, NNLITE_NUM_THREADS="1",
               PYTHONPATH=os.path.dirname(os.path.dirname(nnlite.__file__)))
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(verbose)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env=env, cwd=tmp_path)
    try:
        assert child.stdout.readline().strip() == "started"
        time.sleep(1.5)
        sent = time.monotonic()
        child.send_signal(signal.SIGINT)
        line = ""
        while not line.startswith("interrupted"):
            line = child.stdout.readline()
            assert line, child.stderr.read()
        waited = time.monotonic() - sent
    finally:
        child.kill()
        child.wait()
    _, steps, finite, more = line.split()
    assert waited < 1.0
    assert 0 < int(steps) < 50 * 6250
    assert finite == "True" and int(more) == 2
