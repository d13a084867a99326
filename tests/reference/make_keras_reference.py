"""Writes tests/reference/keras_training_reference.npz with real Keras 3.

How to run (Keras is never a dependency of nnlite or of its tests; only this
script needs it, in an environment of its own):

    python -m venv kenv
    kenv/bin/pip install tensorflow-cpu keras      # used: keras 3.15.1, tensorflow 2.21.0
    TF_CPP_MIN_LOG_LEVEL=3 kenv/bin/python tests/reference/make_keras_reference.py [OUT.npz]

(on the project machine the venv is /work/kerasenv). The versions used are
stored in the file (`meta/keras_version`, `meta/tensorflow_version`).

For every case of `cases.py` it builds the model with `keras` as the api, sets
the NumPy initial weights, trains with `fit(shuffle=False, verbose=0)` and
stores, under the key prefix `<case name>/`:
    history/<key>   per-epoch values of every History key (val_* included)
    weights/<i>     every final weight in `get_weights()` order (BN moving stats too)
    evaluate/<key>  `evaluate(return_dict=True)` on the training data
    predict         `predict` on the first rows of x
    initial/<i>, data/x, data/y   the inputs, so that a test can check that
                    NumPy still generates the same ones
Everything is float32 except the int32 sparse labels; the file stays small
(~90 cases of models with at most 6 inputs, 6 units and 56 samples; ~0.5 MB).
"""
import datetime
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import numpy as np  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import cases  # noqa: E402

OUT = os.path.join(HERE, "keras_training_reference.npz")


def main(out=OUT):
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(0)
    arrays = {"meta/keras_version": np.array(keras.__version__),
              "meta/tensorflow_version": np.array(tf.__version__),
              "meta/numpy_version": np.array(np.__version__),
              "meta/backend": np.array(keras.backend.backend()),
              "meta/date": np.array(datetime.date.today().isoformat()),
              "meta/cases": np.array([c["name"] for c in cases.CASES])}
    for case in cases.CASES:
        name = case["name"]
        keras.backend.clear_session()
        result = cases.run_case(keras, case)
        for key, values in result["history"].items():
            arrays["%s/history/%s" % (name, key)] = np.asarray(values, dtype=np.float32)
        for i, w in enumerate(result["weights"]):
            arrays["%s/weights/%d" % (name, i)] = w.astype(np.float32)
        for key, value in result["evaluate"].items():
            arrays["%s/evaluate/%s" % (name, key)] = np.float32(value)
        arrays["%s/predict" % name] = result["predict"].astype(np.float32)
        for i, w in enumerate(cases.initial_weights(case)):
            arrays["%s/initial/%d" % (name, i)] = w
        x, y = cases.make_data(case)[:2]
        arrays["%s/data/x" % name] = x
        arrays["%s/data/y" % name] = y
        print("%-36s %s" % (name, ", ".join("%s=%.5g" % kv for kv in result["evaluate"].items())))
    np.savez_compressed(out, **arrays)
    print("wrote %s (%d bytes, %d cases)" % (out, os.path.getsize(out), len(cases.CASES)))


if __name__ == "__main__":
    main(*sys.argv[1:2])
