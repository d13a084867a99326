"""End-to-end training cases shared by real Keras and nnlite.

Each case is a plain dict that names a small Sequential MLP, its compile and
fit arguments and a seeded NumPy data set. `run_case(api, case)` builds,
trains, evaluates and predicts with `api` = the `keras` module or the
`nnlite` module: the SAME code drives both, so the only difference between
the two sides is the library. No keras or nnlite import happens here.

Case fields:
    name: unique identifier (also the key prefix in the reference file).
    layers: list of `(class_name, kwargs)`; `"Input"` first. A kwarg ending in
        `_regularizer` may be a string (`"l2"`) or `{"class_name", "config"}`
        resolved through `api.regularizers`.
    optimizer: a string, or `{"class_name", "config"}` resolved through
        `api.optimizers`; a `learning_rate` given as `{"class_name", "config"}`
        is a schedule from `api.optimizers.schedules`.
    loss: a string, or `{"class_name", "config"}` from `api.losses`.
    metrics: list of strings or `{"class_name", "config"}` from `api.metrics`.
    data: `{"kind", "n", "features", "outputs", "seed"}`; kinds are
        regression, positive, binary, onehot, sparse, distribution.
    fit: keyword arguments of `fit` besides x, y (always `shuffle=False`,
        `verbose=0`); `validation` (a sample count) adds `validation_data`,
        `sample_weight` (True) adds seeded per-sample weights,
        `validation_sample_weight` (True) a third item to `validation_data`,
        `class_weight` a dict.
    evaluate_sample_weight: pass the same sample weights to `evaluate`.

Initial weights come from NumPy (`initial_weights(case)`): Glorot-uniform
kernels, small uniform biases, PReLU slopes in [0.05, 0.3]; normalization
layers start at their defaults (gamma 1, beta 0, moving mean 0, variance 1).
"""
import numpy as np

N_PREDICT = 5

# -- building blocks ----------------------------------------------------------------

_CLS_IN = [("Input", {"shape": (6,)}), ("Dense", {"units": 5, "activation": "tanh"}),
           ("Dense", {"units": 3, "activation": "softmax"})]
_CLS_DATA = {"kind": "onehot", "n": 40, "features": 6, "outputs": 3, "seed": 1}
_FIT = {"batch_size": 16, "epochs": 3}


def _opt(class_name, **config):
    return {"class_name": class_name, "config": config}


_loss = _metric = _reg = _opt


def _optimizer_case(name, optimizer, **extra):
    case = {"name": name, "layers": _CLS_IN, "optimizer": optimizer,
            "loss": "categorical_crossentropy", "metrics": ["accuracy"],
            "data": _CLS_DATA, "fit": _FIT}
    case.update(extra)
    return case


def _dense(units, activation=None, **kw):
    d = {"units": units, "activation": activation}
    d.update(kw)
    return ("Dense", d)


def _model(n_in, *layers):
    return [("Input", {"shape": (n_in,)})] + list(layers)


def _data(kind, outputs, seed, n=40, features=6):
    return {"kind": kind, "n": n, "features": features, "outputs": outputs, "seed": seed}


def _loss_case(name, loss, kind, out_activation, outputs, metrics=(), seed=3, hidden="tanh",
               optimizer=None, **extra):
    case = {"name": name,
            "layers": _model(6, _dense(5, hidden), _dense(outputs, out_activation)),
            "optimizer": optimizer or _opt("Adam", learning_rate=0.02),
            "loss": loss, "metrics": list(metrics),
            "data": _data(kind, outputs, seed), "fit": _FIT}
    case.update(extra)
    return case


# -- the cases ----------------------------------------------------------------------

CASES = [
    # optimizers, 3 epochs of 3 batches (16, 16, 8)
    _optimizer_case("sgd_plain", _opt("SGD", learning_rate=0.1)),
    _optimizer_case("sgd_momentum", _opt("SGD", learning_rate=0.1, momentum=0.9)),
    _optimizer_case("sgd_nesterov", _opt("SGD", learning_rate=0.1, momentum=0.9, nesterov=True)),
    _optimizer_case("sgd_string", "sgd"),
    _optimizer_case("rmsprop_plain", _opt("RMSprop", learning_rate=0.01)),
    _optimizer_case("rmsprop_string", "rmsprop"),
    _optimizer_case("rmsprop_centered_momentum",
                    _opt("RMSprop", learning_rate=0.01, rho=0.8, momentum=0.5, centered=True)),
    _optimizer_case("adam_plain", _opt("Adam", learning_rate=0.01)),
    _optimizer_case("adam_betas", _opt("Adam", learning_rate=0.01, beta_1=0.8, beta_2=0.99,
                                       epsilon=1e-5)),
    _optimizer_case("adam_amsgrad", _opt("Adam", learning_rate=0.01, amsgrad=True)),
    _optimizer_case("adagrad", _opt("Adagrad", learning_rate=0.1)),
    _optimizer_case("adagrad_accumulator", _opt("Adagrad", learning_rate=0.1,
                                                initial_accumulator_value=0.5)),
    _optimizer_case("adadelta", _opt("Adadelta", learning_rate=1.0, rho=0.9)),
    _optimizer_case("adamw", _opt("AdamW", learning_rate=0.01, weight_decay=0.1)),
    _optimizer_case("adamw_amsgrad", _opt("AdamW", learning_rate=0.01, amsgrad=True)),
    _optimizer_case("adamax", _opt("Adamax", learning_rate=0.02)),
    _optimizer_case("nadam", _opt("Nadam", learning_rate=0.01)),
    _optimizer_case("adagrad_string", "adagrad"),
    _optimizer_case("nadam_string", "nadam"),
    # gradient clipping and decoupled weight decay
    _optimizer_case("sgd_clipnorm", _opt("SGD", learning_rate=0.1, clipnorm=0.05)),
    _optimizer_case("sgd_clipvalue", _opt("SGD", learning_rate=0.1, clipvalue=0.02)),
    _optimizer_case("sgd_global_clipnorm", _opt("SGD", learning_rate=0.1, global_clipnorm=0.1)),
    _optimizer_case("sgd_weight_decay", _opt("SGD", learning_rate=0.1, momentum=0.5,
                                             weight_decay=0.05)),
    _optimizer_case("adam_clipnorm", _opt("Adam", learning_rate=0.01, clipnorm=0.05)),
    _optimizer_case("adam_clipvalue", _opt("Adam", learning_rate=0.01, clipvalue=0.01)),
    _optimizer_case("adam_global_clipnorm", _opt("Adam", learning_rate=0.01,
                                                 global_clipnorm=0.1)),
    _optimizer_case("adam_weight_decay", _opt("Adam", learning_rate=0.01, weight_decay=0.05)),
    # learning-rate schedules
    _optimizer_case("sgd_exponential_decay", _opt(
        "SGD", learning_rate=_opt("ExponentialDecay", initial_learning_rate=0.2,
                                  decay_steps=2, decay_rate=0.7))),
    _optimizer_case("sgd_exponential_decay_staircase", _opt(
        "SGD", momentum=0.5,
        learning_rate=_opt("ExponentialDecay", initial_learning_rate=0.2, decay_steps=2,
                           decay_rate=0.5, staircase=True))),
    _optimizer_case("adam_piecewise_constant", _opt(
        "Adam", learning_rate=_opt("PiecewiseConstantDecay", boundaries=[3, 6],
                                   values=[0.03, 0.01, 0.003]))),

    # losses
    _loss_case("loss_mse", "mse", "regression", None, 2, metrics=["mae"]),
    _loss_case("loss_mean_squared_error_class", _loss("MeanSquaredError"), "regression", None,
               2),
    _loss_case("loss_mae", "mae", "regression", None, 2, metrics=["mse"]),
    _loss_case("loss_huber", "huber", "regression", None, 2),
    _loss_case("loss_huber_delta", _loss("Huber", delta=0.3), "regression", None, 2),
    _loss_case("loss_log_cosh", "log_cosh", "regression", None, 2),
    _loss_case("loss_mape", "mape", "positive", "softplus", 2),
    _loss_case("loss_msle", "msle", "positive", "softplus", 2),
    _loss_case("loss_poisson", "poisson", "positive", "softplus", 2),
    _loss_case("loss_cosine_similarity", "cosine_similarity", "regression", None, 2),
    _loss_case("loss_hinge", "hinge", "binary", "tanh", 1),
    _loss_case("loss_squared_hinge", "squared_hinge", "binary", "tanh", 1),
    _loss_case("loss_categorical_hinge", "categorical_hinge", "onehot", None, 3),
    _loss_case("loss_kl_divergence", "kl_divergence", "distribution", "softmax", 3),
    _loss_case("loss_bce", "binary_crossentropy", "binary", "sigmoid", 1,
               metrics=["accuracy"]),
    _loss_case("loss_bce_from_logits", _loss("BinaryCrossentropy", from_logits=True),
               "binary", None, 1),
    _loss_case("loss_bce_label_smoothing", _loss("BinaryCrossentropy", label_smoothing=0.1),
               "binary", "sigmoid", 1),
    _loss_case("loss_cce", "categorical_crossentropy", "onehot", "softmax", 3,
               metrics=["accuracy"]),
    _loss_case("loss_cce_from_logits", _loss("CategoricalCrossentropy", from_logits=True),
               "onehot", None, 3),
    _loss_case("loss_cce_label_smoothing",
               _loss("CategoricalCrossentropy", label_smoothing=0.2), "onehot", "softmax", 3),
    _loss_case("loss_sparse_cce", "sparse_categorical_crossentropy", "sparse", "softmax", 3,
               metrics=["accuracy"]),
    _loss_case("loss_sparse_cce_from_logits",
               _loss("SparseCategoricalCrossentropy", from_logits=True), "sparse", None, 3),
    _loss_case("loss_binary_focal", "binary_focal_crossentropy", "binary", "sigmoid", 1),
    _loss_case("loss_binary_focal_balanced",
               _loss("BinaryFocalCrossentropy", apply_class_balancing=True, alpha=0.3,
                     gamma=1.5, from_logits=True), "binary", None, 1),

    # regularizers (the penalty is part of the reported loss)
    _loss_case("reg_kernel_l1", "mse", "regression", None, 2, hidden="relu",
               layers=_model(6, _dense(5, "relu", kernel_regularizer=_reg("L1", l1=0.01)),
                             _dense(2))),
    _loss_case("reg_kernel_l2", "mse", "regression", None, 2,
               layers=_model(6, _dense(5, "tanh", kernel_regularizer=_reg("L2", l2=0.05)),
                             _dense(2, kernel_regularizer=_reg("L2", l2=0.01)))),
    _loss_case("reg_kernel_l1l2", "mse", "regression", None, 2,
               layers=_model(6, _dense(5, "tanh",
                                       kernel_regularizer=_reg("L1L2", l1=0.01, l2=0.02)),
                             _dense(2))),
    _loss_case("reg_kernel_string_l2", "mse", "regression", None, 2,
               layers=_model(6, _dense(5, "tanh", kernel_regularizer="l2"), _dense(2))),
    _loss_case("reg_bias_l1_l2", "mse", "regression", None, 2,
               layers=_model(6, _dense(5, "tanh", bias_regularizer=_reg("L1", l1=0.05)),
                             _dense(2, bias_regularizer=_reg("L2", l2=0.1)))),
    _loss_case("reg_activity_l1", "categorical_crossentropy", "onehot", "softmax", 3,
               layers=_model(6, _dense(5, "tanh", activity_regularizer=_reg("L1", l1=0.01)),
                             _dense(3, "softmax"))),
    _loss_case("reg_activity_l2_l1l2", "mse", "regression", None, 2,
               layers=_model(6, _dense(5, "tanh", activity_regularizer=_reg("L2", l2=0.02)),
                             _dense(2, activity_regularizer=_reg("L1L2", l1=0.01, l2=0.01)))),
    _loss_case("reg_all_sgd", "mse", "regression", None, 2,
               optimizer=_opt("SGD", learning_rate=0.05, momentum=0.9),
               layers=_model(6, _dense(5, "tanh", kernel_regularizer=_reg("L2", l2=0.01),
                                       bias_regularizer=_reg("L1", l1=0.01),
                                       activity_regularizer=_reg("L2", l2=0.01)),
                             _dense(2, kernel_regularizer=_reg("L1L2", l1=0.005, l2=0.005)))),

    # normalization and activation layers
    _loss_case("layer_batchnorm", "categorical_crossentropy", "onehot", "softmax", 3,
               metrics=["accuracy"],
               # no bias before BN: its gradient is zero up to rounding, which Adam
               # would turn into full-size steps of arbitrary sign
               layers=_model(6, _dense(5, use_bias=False), ("BatchNormalization", {}), ("ReLU", {}),
                             _dense(3, "softmax"))),
    _loss_case("layer_batchnorm_momentum", "mse", "regression", None, 2,
               layers=_model(6, _dense(6, "tanh"),
                             ("BatchNormalization", {"momentum": 0.8, "epsilon": 0.01}),
                             _dense(2))),
    _loss_case("layer_batchnorm_sgd", "mse", "regression", None, 2,
               optimizer=_opt("SGD", learning_rate=0.05, momentum=0.9),
               layers=_model(6, ("BatchNormalization", {"momentum": 0.5}), _dense(5, "tanh"),
                             ("BatchNormalization", {"center": False, "momentum": 0.7}),
                             _dense(2))),
    _loss_case("layer_layernorm", "categorical_crossentropy", "onehot", "softmax", 3,
               layers=_model(6, _dense(5), ("LayerNormalization", {}),
                             ("Activation", {"activation": "tanh"}), _dense(3, "softmax"))),
    _loss_case("layer_layernorm_eps", "mse", "regression", None, 2,
               layers=_model(6, _dense(6, "relu"), ("LayerNormalization", {"epsilon": 0.1}),
                             _dense(2))),
    _loss_case("layer_leaky_relu", "mse", "regression", None, 2,
               layers=_model(6, _dense(5), ("LeakyReLU", {"negative_slope": 0.2}), _dense(2))),
    _loss_case("layer_leaky_relu_default", "mse", "regression", None, 2,
               layers=_model(6, _dense(5), ("LeakyReLU", {}), _dense(2))),
    _loss_case("layer_prelu", "mse", "regression", None, 2,
               layers=_model(6, _dense(5), ("PReLU", {}), _dense(2))),
    _loss_case("layer_elu", "mse", "regression", None, 2,
               layers=_model(6, _dense(5), ("ELU", {"alpha": 0.7}), _dense(2))),
    _loss_case("layer_relu_options", "mse", "regression", None, 2,
               layers=_model(6, _dense(5), ("ReLU", {"max_value": 0.6, "negative_slope": 0.1,
                                                     "threshold": 0.1}), _dense(2))),
    _loss_case("layer_softmax", "categorical_crossentropy", "onehot", None, 3,
               metrics=["accuracy"],
               layers=_model(6, _dense(5, "tanh"), _dense(3), ("Softmax", {}))),
    _loss_case("layer_activation_softmax", "categorical_crossentropy", "onehot", None, 3,
               layers=_model(6, _dense(5, "relu"), _dense(3),
                             ("Activation", {"activation": "softmax"}))),

    # metrics (history and evaluate)
    _loss_case("metrics_binary", "binary_crossentropy", "binary", "sigmoid", 1,
               metrics=["accuracy", "binary_accuracy", "mse"]),
    _loss_case("metrics_categorical", "categorical_crossentropy", "onehot", "softmax", 3,
               metrics=["acc", "categorical_accuracy", "mae"]),
    _loss_case("metrics_sparse", "sparse_categorical_crossentropy", "sparse", "softmax", 3,
               metrics=["accuracy", "sparse_categorical_accuracy"]),
    _loss_case("metrics_regression", "mse", "regression", None, 2,
               metrics=["mae", "mse", _metric("RootMeanSquaredError")]),
    _loss_case("metrics_regression_positive", "mse", "positive", "softplus", 2,
               metrics=["mape", "msle"]),
    _loss_case("metrics_top_k", "categorical_crossentropy", "onehot", "softmax", 4,
               metrics=["top_k_categorical_accuracy",
                        _metric("TopKCategoricalAccuracy", k=2, name="top2")]),
    _loss_case("metrics_sparse_top_k", "sparse_categorical_crossentropy", "sparse", "softmax", 4,
               metrics=[_metric("SparseTopKCategoricalAccuracy", k=2, name="top2")]),
    _loss_case("metrics_precision_recall", "binary_crossentropy", "binary", "sigmoid", 1,
               metrics=[_metric("Precision", name="precision"),
                        _metric("Recall", name="recall")]),
    _loss_case("metrics_auc", "binary_crossentropy", "binary", "sigmoid", 1,
               metrics=[_metric("AUC", name="auc"),
                        _metric("AUC", curve="PR", num_thresholds=50, name="pr_auc")]),

    # sample and class weights, validation data
    _loss_case("weights_sample_cce", "categorical_crossentropy", "onehot", "softmax", 3,
               metrics=["accuracy"], fit=dict(_FIT, sample_weight=True),
               evaluate_sample_weight=True),
    _loss_case("weights_sample_mse_sgd", "mse", "regression", None, 2, metrics=["mae"],
               optimizer=_opt("SGD", learning_rate=0.1), fit=dict(_FIT, sample_weight=True)),
    _loss_case("weights_class_sparse", "sparse_categorical_crossentropy", "sparse", "softmax", 3,
               metrics=["accuracy"], fit=dict(_FIT, class_weight={0: 0.5, 1: 2.0, 2: 1.0})),
    _loss_case("weights_class_binary", "binary_crossentropy", "binary", "sigmoid", 1,
               metrics=["accuracy"], fit=dict(_FIT, class_weight={0: 3.0, 1: 0.5})),
    _loss_case("weights_class_onehot_adam", "categorical_crossentropy", "onehot", "softmax", 3,
               metrics=["accuracy"], fit=dict(_FIT, class_weight={0: 1.5, 1: 1.0, 2: 0.5})),
    _loss_case("validation_cce", "categorical_crossentropy", "onehot", "softmax", 3,
               metrics=["accuracy"], fit=dict(_FIT, validation=16)),
    _loss_case("validation_mse_rmsprop", "mse", "regression", None, 2, metrics=["mae"],
               optimizer=_opt("RMSprop", learning_rate=0.01), fit=dict(_FIT, validation=12)),
    _loss_case("validation_sparse_sgd", "sparse_categorical_crossentropy", "sparse", "softmax", 3,
               metrics=["accuracy"], optimizer=_opt("SGD", learning_rate=0.2, momentum=0.5),
               fit=dict(_FIT, validation=16, batch_size=8, epochs=2)),
    _loss_case("validation_sample_weight", "binary_crossentropy", "binary", "sigmoid", 1,
               metrics=["accuracy"], optimizer=_opt("RMSprop", learning_rate=0.01),
               fit=dict(_FIT, validation=16, validation_sample_weight=True)),
    _loss_case("dense_no_bias", "categorical_crossentropy", "onehot", None, 3,
               metrics=["accuracy"], optimizer=_opt("SGD", learning_rate=0.1, momentum=0.5),
               layers=_model(6, _dense(5, "relu", use_bias=False), _dense(3, use_bias=False),
                             ("Activation", {"activation": "softmax"}))),
    _loss_case("validation_batchnorm_metrics", "binary_crossentropy", "binary", "sigmoid", 1,
               metrics=["accuracy", _metric("AUC", name="auc")],
               layers=_model(6, _dense(5, use_bias=False), ("BatchNormalization", {"momentum": 0.6}),
                             ("LeakyReLU", {}), _dense(1, "sigmoid")),
               fit=dict(_FIT, validation=16)),
]

CASES_BY_NAME = {c["name"]: c for c in CASES}
assert len(CASES_BY_NAME) == len(CASES), "case names must be unique"


# -- data and initial weights ----------------------------------------------------------

def make_data(case):
    """(x, y, x_val, y_val, weights) as float32 / int32 NumPy arrays; `weights`
    covers training and validation rows (see `_split_weights`)."""
    spec, fit = case["data"], case["fit"]
    n_val = fit.get("validation", 0)
    rng = np.random.default_rng(spec["seed"])
    n, f, k = spec["n"] + n_val, spec["features"], spec["outputs"]
    x = rng.normal(size=(n, f))
    w = rng.normal(size=(f, k)) / np.sqrt(f)
    z = x @ w + 0.3 * rng.normal(size=(n, k))
    kind = spec["kind"]
    if kind == "regression":
        y = np.tanh(z) + 0.5
    elif kind == "positive":
        y = np.exp(0.5 * z)
    elif kind == "binary":
        y = (z[:, :1] > 0).astype(np.float64)
    elif kind in ("onehot", "sparse"):
        labels = np.argmax(z, axis=1)
        y = labels.astype(np.int32) if kind == "sparse" else np.eye(k)[labels]
    elif kind == "distribution":
        e = np.exp(z - z.max(axis=1, keepdims=True))
        y = e / e.sum(axis=1, keepdims=True)
    else:
        raise ValueError("unknown data kind %r" % (kind,))
    x = x.astype(np.float32)
    if y.dtype != np.int32:
        y = y.astype(np.float32)
    sw = rng.uniform(0.2, 2.0, size=n).astype(np.float32)
    m = spec["n"]
    return x[:m], y[:m], x[m:], y[m:], sw


def _split_weights(case, sw):
    """(sample_weight for fit, sample weights for validation_data or None)."""
    m = case["data"]["n"]
    fit = case["fit"]
    return (sw[:m] if fit.get("sample_weight") else None,
            sw[m:] if fit.get("validation_sample_weight") else None)


def initial_weights(case):
    """The starting weights in `get_weights()` order, from NumPy with a seed."""
    rng = np.random.default_rng(1000 + case["data"]["seed"])
    width = None
    out = []
    for cls, kw in case["layers"]:
        if cls == "Input":
            width = kw["shape"][-1]
        elif cls == "Dense":
            units = kw["units"]
            limit = np.sqrt(6.0 / (width + units))
            out.append(rng.uniform(-limit, limit, size=(width, units)))
            if kw.get("use_bias", True):
                out.append(rng.uniform(-0.1, 0.1, size=units))
            width = units
        elif cls == "BatchNormalization":
            if kw.get("scale", True):
                out.append(np.ones(width))
            if kw.get("center", True):
                out.append(np.zeros(width))
            out += [np.zeros(width), np.ones(width)]
        elif cls == "LayerNormalization":
            out += [np.ones(width), np.zeros(width)]
        elif cls == "PReLU":
            out.append(rng.uniform(0.05, 0.3, size=width))
    return [w.astype(np.float32) for w in out]


# -- building and running, the same code for keras and nnlite -------------------------------

def _resolve(namespace, spec):
    if isinstance(spec, dict):
        config = dict(spec["config"])
        return getattr(namespace, spec["class_name"])(**config)
    return spec


def build(api, case):
    """A compiled model with the case's initial weights; `api` is keras or nnlite."""
    layers = []
    for cls, kw in case["layers"]:
        kw = dict(kw)
        if cls == "Input":
            layers.append(api.layers.Input(**kw))
            continue
        for key in list(kw):
            if key.endswith("_regularizer") and kw[key] is not None:
                kw[key] = (api.regularizers.get(kw[key]) if isinstance(kw[key], str)
                           else _resolve(api.regularizers, kw[key]))
        layers.append(getattr(api.layers, cls)(**kw))
    model = api.models.Sequential(layers)
    optimizer = case["optimizer"]
    if isinstance(optimizer, dict):
        config = dict(optimizer["config"])
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = _resolve(api.optimizers.schedules, config["learning_rate"])
        optimizer = getattr(api.optimizers, optimizer["class_name"])(**config)
    model.compile(optimizer=optimizer, loss=_resolve(api.losses, case["loss"]),
                  metrics=[_resolve(api.metrics, m) for m in case["metrics"]])
    model.set_weights(initial_weights(case))
    return model


def run_case(api, case, before_fit=None):
    """Builds, trains, evaluates and predicts; returns plain NumPy results:
    {"history": {key: [per epoch]}, "weights": [...], "evaluate": {key: value},
    "predict": array}. `before_fit(model)` may adjust the model first."""
    x, y, xv, yv, sw_all = make_data(case)
    sw, swv = _split_weights(case, sw_all)
    model = build(api, case)
    if before_fit is not None:
        before_fit(model)
    fit = dict(case["fit"])
    n_val = fit.pop("validation", 0)
    fit.pop("sample_weight", None)
    fit.pop("validation_sample_weight", None)
    if n_val:
        fit["validation_data"] = (xv, yv) if swv is None else (xv, yv, swv)
    history = model.fit(x, y, sample_weight=sw, shuffle=False, verbose=0, **fit)
    ev = model.evaluate(x, y, sample_weight=sw if case.get("evaluate_sample_weight") else None,
                        verbose=0, return_dict=True)
    pred = model.predict(x[:N_PREDICT], verbose=0)
    return {"history": {k: [float(v) for v in vals] for k, vals in history.history.items()},
            "weights": [np.asarray(w) for w in model.get_weights()],
            "evaluate": {k: float(v) for k, v in ev.items()},
            "predict": np.asarray(pred)}
