"""Writes keras_configs.json: what real Keras 3 writes when it serializes objects.

Run with the Keras venv (never with nnlite's interpreter):

    TF_CPP_MIN_LOG_LEVEL=3 /work/kerasenv/bin/python tests/reference/make_config_reference.py

Produced with Keras 3.15.1 on TensorFlow 2.21 (CPU). Each case records the
constructor call (`area`, `class_name`, `kwargs`, optional `build` shape) and
`keras.saving.serialize_keras_object` of the object Keras built from it, so the
tests can build the same object in nnlite and compare. `models` holds
`model.to_json()` and `model.get_compile_config()` of a few Sequential models.
"""
import json
import os

import keras

HERE = os.path.dirname(os.path.abspath(__file__))

CASES = [
    # layers: (class, kwargs, build input shape or None)
    ("layers", "Dense", {"units": 3}, None),
    ("layers", "Dense", {"units": 4, "activation": "relu", "use_bias": False,
                         "kernel_initializer": "he_normal", "kernel_regularizer": "l2",
                         "bias_regularizer": "l1", "kernel_constraint": "max_norm",
                         "name": "d1"}, [None, 5]),
    ("layers", "Activation", {"activation": "softmax"}, None),
    ("layers", "Activation", {"activation": "tanh", "name": "act"}, [None, 3]),
    ("layers", "Dropout", {"rate": 0.5}, None),
    ("layers", "Dropout", {"rate": 0.2, "seed": 3, "noise_shape": [None, 1]}, None),
    ("layers", "BatchNormalization", {}, None),
    ("layers", "BatchNormalization", {"momentum": 0.9, "epsilon": 0.01, "center": False,
                                      "gamma_regularizer": "l2"}, [None, 4]),
    ("layers", "LayerNormalization", {}, None),
    ("layers", "LayerNormalization", {"epsilon": 0.01, "scale": False}, [None, 4]),
    ("layers", "LeakyReLU", {}, None),
    ("layers", "LeakyReLU", {"negative_slope": 0.1}, [None, 3]),
    ("layers", "ReLU", {}, None),
    ("layers", "ReLU", {"max_value": 6.0, "negative_slope": 0.1, "threshold": 0.5}, None),
    ("layers", "ELU", {}, None),
    ("layers", "ELU", {"alpha": 0.5}, None),
    ("layers", "PReLU", {}, None),
    ("layers", "PReLU", {"alpha_initializer": "ones", "shared_axes": [1]}, [None, 3, 2]),
    ("layers", "Softmax", {}, None),
    ("layers", "Softmax", {"axis": 1}, None),
    ("layers", "Flatten", {}, None),
    ("layers", "Reshape", {"target_shape": [2, 3]}, None),
    ("layers", "Reshape", {"target_shape": [-1, 2]}, [None, 6]),
    ("layers", "InputLayer", {"shape": [4]}, None),
    ("layers", "InputLayer", {"batch_shape": [8, 2, 3], "name": "inp"}, None),
    # optimizers
    ("optimizers", "SGD", {}, None),
    ("optimizers", "SGD", {"learning_rate": 0.1, "momentum": 0.9, "nesterov": True,
                           "clipnorm": 1.0}, None),
    ("optimizers", "RMSprop", {}, None),
    ("optimizers", "RMSprop", {"rho": 0.8, "momentum": 0.5, "centered": True}, None),
    ("optimizers", "Adam", {}, None),
    ("optimizers", "Adam", {"learning_rate": 0.01, "amsgrad": True, "weight_decay": 0.1,
                            "clipvalue": 0.5}, None),
    ("optimizers", "AdamW", {}, None),
    ("optimizers", "AdamW", {"weight_decay": 0.01, "beta_1": 0.8}, None),
    ("optimizers", "Adagrad", {}, None),
    ("optimizers", "Adagrad", {"initial_accumulator_value": 0.5, "global_clipnorm": 2.0},
     None),
    ("optimizers", "Adadelta", {}, None),
    ("optimizers", "Adadelta", {"learning_rate": 1.0, "rho": 0.9}, None),
    ("optimizers", "Adamax", {}, None),
    ("optimizers", "Adamax", {"beta_2": 0.99, "epsilon": 1e-5}, None),
    ("optimizers", "Nadam", {}, None),
    ("optimizers", "Nadam", {"learning_rate": 0.002, "use_ema": True}, None),
    # optimizers with a schedule (a `learning_rate` dict is deserialized first)
    ("optimizers", "Adam", {"learning_rate": {
        "module": "keras.optimizers.schedules", "class_name": "ExponentialDecay",
        "config": {"initial_learning_rate": 0.1, "decay_steps": 10, "decay_rate": 0.9},
        "registered_name": None}}, None),
    ("optimizers", "RMSprop", {"learning_rate": {
        "module": "keras.optimizers.schedules", "class_name": "PiecewiseConstantDecay",
        "config": {"boundaries": [5], "values": [0.1, 0.01]}, "registered_name": None}},
     None),
    ("optimizers", "AdamW", {"learning_rate": {
        "module": "keras.optimizers.schedules", "class_name": "CosineDecay",
        "config": {"initial_learning_rate": 0.1, "decay_steps": 100, "alpha": 0.1},
        "registered_name": None}}, None),
    # schedules (also inside an optimizer, below)
    ("optimizers.schedules", "ExponentialDecay",
     {"initial_learning_rate": 0.1, "decay_steps": 10, "decay_rate": 0.9}, None),
    ("optimizers.schedules", "ExponentialDecay",
     {"initial_learning_rate": 0.1, "decay_steps": 10, "decay_rate": 0.5, "staircase": True},
     None),
    ("optimizers.schedules", "InverseTimeDecay",
     {"initial_learning_rate": 0.1, "decay_steps": 5, "decay_rate": 0.5}, None),
    ("optimizers.schedules", "PiecewiseConstantDecay",
     {"boundaries": [10, 20], "values": [0.1, 0.01, 0.001]}, None),
    ("optimizers.schedules", "PolynomialDecay",
     {"initial_learning_rate": 0.1, "decay_steps": 100}, None),
    ("optimizers.schedules", "PolynomialDecay",
     {"initial_learning_rate": 0.1, "decay_steps": 100, "end_learning_rate": 0.01,
      "power": 2.0, "cycle": True}, None),
    ("optimizers.schedules", "CosineDecay",
     {"initial_learning_rate": 0.1, "decay_steps": 100}, None),
    ("optimizers.schedules", "CosineDecay",
     {"initial_learning_rate": 0.1, "decay_steps": 100, "alpha": 0.1,
      "warmup_target": 0.5, "warmup_steps": 10}, None),
    ("optimizers.schedules", "CosineDecayRestarts",
     {"initial_learning_rate": 0.1, "first_decay_steps": 10}, None),
    # losses
    ("losses", "MeanSquaredError", {}, None),
    ("losses", "MeanAbsoluteError", {}, None),
    ("losses", "MeanAbsolutePercentageError", {}, None),
    ("losses", "MeanSquaredLogarithmicError", {}, None),
    ("losses", "BinaryCrossentropy", {}, None),
    ("losses", "BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.1}, None),
    ("losses", "BinaryFocalCrossentropy", {}, None),
    ("losses", "CategoricalCrossentropy", {}, None),
    ("losses", "CategoricalCrossentropy", {"from_logits": True, "label_smoothing": 0.2},
     None),
    ("losses", "SparseCategoricalCrossentropy", {}, None),
    ("losses", "SparseCategoricalCrossentropy", {"from_logits": True, "ignore_class": 0},
     None),
    ("losses", "Hinge", {}, None),
    ("losses", "SquaredHinge", {}, None),
    ("losses", "CategoricalHinge", {}, None),
    ("losses", "Huber", {}, None),
    ("losses", "Huber", {"delta": 2.0, "reduction": "sum"}, None),
    ("losses", "LogCosh", {}, None),
    ("losses", "KLDivergence", {}, None),
    ("losses", "Poisson", {}, None),
    ("losses", "CosineSimilarity", {}, None),
    # metrics
    ("metrics", "Accuracy", {}, None),
    ("metrics", "BinaryAccuracy", {}, None),
    ("metrics", "BinaryAccuracy", {"threshold": 0.7, "name": "ba"}, None),
    ("metrics", "CategoricalAccuracy", {}, None),
    ("metrics", "SparseCategoricalAccuracy", {}, None),
    ("metrics", "TopKCategoricalAccuracy", {"k": 3}, None),
    ("metrics", "SparseTopKCategoricalAccuracy", {}, None),
    ("metrics", "AUC", {}, None),
    ("metrics", "AUC", {"num_thresholds": 50, "curve": "PR", "from_logits": True}, None),
    ("metrics", "Precision", {}, None),
    ("metrics", "Precision", {"thresholds": 0.3}, None),
    ("metrics", "Recall", {}, None),
    ("metrics", "Recall", {"top_k": 2, "class_id": 1}, None),
    ("metrics", "MeanSquaredError", {}, None),
    ("metrics", "RootMeanSquaredError", {}, None),
    ("metrics", "MeanAbsoluteError", {}, None),
    ("metrics", "MeanAbsolutePercentageError", {}, None),
    ("metrics", "MeanSquaredLogarithmicError", {}, None),
    ("metrics", "CosineSimilarity", {}, None),
    ("metrics", "LogCoshError", {}, None),
    ("metrics", "Hinge", {}, None),
    ("metrics", "SquaredHinge", {}, None),
    ("metrics", "CategoricalHinge", {}, None),
    ("metrics", "KLDivergence", {}, None),
    ("metrics", "Poisson", {}, None),
    ("metrics", "BinaryCrossentropy", {}, None),
    ("metrics", "BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.1}, None),
    ("metrics", "CategoricalCrossentropy", {}, None),
    ("metrics", "SparseCategoricalCrossentropy", {}, None),
    ("metrics", "Mean", {}, None),
    # regularizers
    ("regularizers", "L1", {}, None),
    ("regularizers", "L1", {"l1": 0.5}, None),
    ("regularizers", "L2", {}, None),
    ("regularizers", "L2", {"l2": 0.001}, None),
    ("regularizers", "L1L2", {}, None),
    ("regularizers", "L1L2", {"l1": 0.1, "l2": 0.2}, None),
    ("regularizers", "OrthogonalRegularizer", {}, None),
    ("regularizers", "OrthogonalRegularizer", {"factor": 0.1, "mode": "columns"}, None),
    # constraints
    ("constraints", "MaxNorm", {}, None),
    ("constraints", "MaxNorm", {"max_value": 3.0, "axis": 1}, None),
    ("constraints", "NonNeg", {}, None),
    ("constraints", "UnitNorm", {}, None),
    ("constraints", "UnitNorm", {"axis": 1}, None),
    ("constraints", "MinMaxNorm", {}, None),
    ("constraints", "MinMaxNorm", {"min_value": 0.5, "max_value": 2.0, "rate": 0.5}, None),
    # initializers
    ("initializers", "Zeros", {}, None),
    ("initializers", "Ones", {}, None),
    ("initializers", "Constant", {}, None),
    ("initializers", "Constant", {"value": 0.5}, None),
    ("initializers", "RandomNormal", {}, None),
    ("initializers", "RandomNormal", {"mean": 1.0, "stddev": 0.5, "seed": 7}, None),
    ("initializers", "RandomUniform", {}, None),
    ("initializers", "RandomUniform", {"minval": -1.0, "maxval": 2.0, "seed": 7}, None),
    ("initializers", "TruncatedNormal", {}, None),
    ("initializers", "TruncatedNormal", {"stddev": 0.1, "seed": 1}, None),
    ("initializers", "GlorotUniform", {}, None),
    ("initializers", "GlorotUniform", {"seed": 42}, None),
    ("initializers", "GlorotNormal", {}, None),
    ("initializers", "HeNormal", {}, None),
    ("initializers", "HeUniform", {"seed": 3}, None),
    ("initializers", "LecunNormal", {}, None),
    ("initializers", "LecunUniform", {}, None),
    ("initializers", "VarianceScaling", {}, None),
    ("initializers", "VarianceScaling", {"scale": 2.0, "mode": "fan_out",
                                         "distribution": "uniform", "seed": 5}, None),
]

ACTIVATIONS = ["linear", "relu", "leaky_relu", "sigmoid", "tanh", "softmax", "elu", "selu",
               "softplus", "softsign", "silu", "swish", "gelu", "hard_sigmoid", "exponential"]
LOSS_FUNCTIONS = ["mean_squared_error", "mean_absolute_error", "binary_crossentropy",
                  "categorical_crossentropy", "sparse_categorical_crossentropy", "hinge",
                  "huber", "log_cosh", "kl_divergence", "poisson"]


def _make(area, class_name, kwargs):
    kwargs = dict(kwargs)
    if isinstance(kwargs.get("learning_rate"), dict):
        kwargs["learning_rate"] = keras.saving.deserialize_keras_object(kwargs["learning_rate"])
    module = keras
    for part in area.split("."):
        module = getattr(module, part)
    return getattr(module, class_name)(**kwargs)


def _models():
    """(name, model) for the Sequential models whose JSON is recorded."""
    L = keras.layers
    out = []
    m = keras.Sequential([keras.Input((4,)), L.Dense(8, activation="relu"),
                          L.Dense(3, activation="softmax")])
    m.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    out.append(("dense_adam", m))

    m = keras.Sequential([keras.Input((5,)),
                          L.Dense(6, kernel_regularizer=keras.regularizers.L2(0.001),
                                  bias_regularizer="l1", kernel_constraint="non_neg"),
                          L.BatchNormalization(), L.Activation("relu"), L.Dropout(0.3),
                          L.Dense(1, activation="sigmoid")], name="regularized")
    sched = keras.optimizers.schedules.ExponentialDecay(0.01, 100, 0.96, staircase=True)
    m.compile(optimizer=keras.optimizers.SGD(sched, momentum=0.9),
              loss=keras.losses.BinaryCrossentropy(label_smoothing=0.1),
              metrics=["accuracy", keras.metrics.AUC(), "mae"])
    out.append(("bn_dropout_sgd_schedule", m))

    m = keras.Sequential([keras.Input((2, 3)), L.Flatten(), L.Dense(4), L.LeakyReLU(0.2),
                          L.LayerNormalization(), L.Reshape((2, 2)), L.Flatten(),
                          L.Dense(2), L.Softmax()])
    m.compile(optimizer=keras.optimizers.RMSprop(0.01), loss="mse",
              metrics=[keras.metrics.RootMeanSquaredError()])
    out.append(("flatten_reshape_rmsprop", m))

    m = keras.Sequential([L.Dense(2, activation="tanh"), L.Dense(1)])
    out.append(("unbuilt_uncompiled", m))
    return out


def _tf_keras_model_json():
    """model.to_json() of a tf.keras 2 (tf_keras 2.21) model: the Keras 2 format."""
    import tf_keras
    L = tf_keras.layers
    m = tf_keras.Sequential([L.Dense(4, activation="relu", input_shape=(3,),
                                     kernel_regularizer="l2"),
                             L.BatchNormalization(), L.Dropout(0.2), L.LeakyReLU(0.1),
                             L.Dense(1)])
    return m.to_json()


def main():
    ser = keras.saving.serialize_keras_object
    cases = []
    for area, class_name, kwargs, build in CASES:
        obj = _make(area, class_name, kwargs)
        if build is not None:
            obj.build(tuple(build))
        cases.append({"area": area, "class_name": class_name, "kwargs": kwargs,
                      "build": build, "keras": ser(obj)})
    models = []
    for name, m in _models():
        models.append({"name": name, "json": m.to_json(),
                       "compile_config": ser(m.get_compile_config()) if m.compiled else None})
    record = {
        "keras_version": keras.__version__,
        "cases": cases,
        "activations": {a: ser(keras.activations.get(a)) for a in ACTIVATIONS},
        "dense_activation": {a: keras.layers.Dense(1, activation=a).get_config()["activation"]
                             for a in ACTIVATIONS},
        "loss_functions": {f: ser(getattr(keras.losses, f)) for f in LOSS_FUNCTIONS},
        "tuple": ser((1, 2.5, "a")),
        "models": models,
        "tf_keras_model_json": _tf_keras_model_json(),
    }
    path = os.path.join(HERE, "keras_configs.json")
    with open(path, "w") as f:
        json.dump(json.loads(json.dumps(record)), f, indent=1, sort_keys=True)
    print("wrote", path, len(cases), "cases")


if __name__ == "__main__":
    main()
