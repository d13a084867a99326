"""Compiling a Sequential model of Dense layers into a C plan (nnlite._core.Plan).

The plan runs forward, loss, backward and optimizer update of whole chunks of
batches in one C call, and prediction with no per-layer Python. Models the
plan cannot express (other layers, custom activations or losses, sample
weights, ...) keep using the layer-by-layer path, with the same results.
"""
import math

import numpy as np

from nnlite import _core
from nnlite.models import compile_utils
from nnlite.backend.random import global_rng
from nnlite.layers.activation import Activation
from nnlite.layers.dense import Dense
from nnlite.layers.dropout import Dropout
from nnlite.metrics.accuracy_metrics import (BinaryAccuracy, CategoricalAccuracy,
                                             SparseCategoricalAccuracy)
from nnlite import config
from nnlite.backend.variable import Variable
from nnlite.constraints.constraints import MaxNorm, MinMaxNorm, NonNeg, UnitNorm
from nnlite.optimizers.adadelta import Adadelta
from nnlite.optimizers.adagrad import Adagrad
from nnlite.optimizers.adam import Adam
from nnlite.optimizers.adamax import Adamax
from nnlite.optimizers.adamw import AdamW
from nnlite.optimizers.nadam import Nadam
from nnlite.optimizers.rmsprop import RMSprop
from nnlite.optimizers.schedules.learning_rate_schedule import LearningRateSchedule
from nnlite.optimizers.sgd import SGD
from nnlite.regularizers.regularizers import L1, L2, L1L2


def _fused(model):
    """True when the output activation and the loss run as one step on logits."""
    from nnlite.models import compile_utils
    spec, last = model._loss_spec, model.layers[-1]
    act = getattr(getattr(last, "_act", None), "c_name", None)
    return (isinstance(spec, compile_utils.LossSpec) and not spec.from_logits
            and (act, spec.kind) in compile_utils.FUSABLE)


def plan_layers(model):
    """[(dense, activation name, alpha, dropout or None)] when every layer fits
    a plan, else None.

    An Activation layer is folded into a linear Dense just before it; one
    Dropout layer (no noise_shape) may follow each Dense but the last.
    """
    if model.dtype != "float32" or not model.built:
        return None
    shape = getattr(getattr(model, "_input_layer", None), "batch_shape", None)
    if shape is None or len(shape) != 2:
        return None
    out = []
    for layer in model.layers:
        if getattr(layer, "activity_regularizer", None) is not None:
            return None
        if type(layer) is Dense:
            spec = layer._act.spec
            if spec is None or layer.dtype != "float32":
                return None
            # other constraints and penalties run only on the layer path
            for var_index, w in enumerate(layer.variables):
                if w.regularizer is not None and penalty_factors(w.regularizer) is None:
                    return None
                if w.constraint is not None and \
                        constraint_spec(w.constraint, var_index, w.shape) is None:
                    return None
            out.append([layer, spec[0], float(spec[1]), None])
        elif type(layer) is Dropout and out and out[-1][3] is None:
            if layer.noise_shape is not None:
                return None
            out[-1][3] = layer
        elif type(layer) is Activation and out and out[-1][1] == "linear" \
                and out[-1][3] is None:
            spec = layer._act.spec
            if spec is None:
                return None
            out[-1][1], out[-1][2] = spec[0], float(spec[1])
        else:
            return None
    if not out or out[-1][3] is not None:   # dropout on the model's output
        return None
    return out


def penalty_factors(regularizer):
    """(l1, l2) of an L1, L2 or L1L2 regularizer, else None."""
    t = type(regularizer)
    if t is L1:
        return regularizer.l1, 0.0
    if t is L2:
        return 0.0, regularizer.l2
    if t is L1L2:
        return regularizer.l1, regularizer.l2
    return None


def constraint_spec(constraint, var_index, shape):
    """(kind, min_value, max_value, rate) of a constraint the plan applies to
    variable var_index (0 kernel, 1 bias) of a Dense layer, else None. Norm
    constraints: kernel only, axis 0, more than one unit (the column sums are
    then added row by row, as NumPy adds them)."""
    t = type(constraint)
    if t is NonNeg:
        return "non_neg", 0.0, 0.0, 1.0
    if t not in (MaxNorm, UnitNorm, MinMaxNorm):
        return None
    axis = constraint.axis
    if var_index != 0 or len(shape) != 2 or shape[1] < 2 or isinstance(axis, bool) \
            or not isinstance(axis, (int, np.integer)) or axis != 0:
        return None
    if t is MaxNorm:
        return "max_norm", 0.0, float(constraint.max_value), 1.0
    if t is UnitNorm:
        return "unit_norm", 0.0, 0.0, 1.0
    return ("min_max_norm", float(constraint.min_value), float(constraint.max_value),
            float(constraint.rate))


def build_plan(model, layers, max_batch):
    dims = [layers[0][0].kernel.shape[0]] + [spec[0].units for spec in layers]
    plan = _core.Plan(dims, [spec[1] for spec in layers], [spec[2] for spec in layers],
                      max_batch)
    for i, (dense, _, _, _) in enumerate(layers):
        plan.set_layer(i, dense.kernel.value, dense.bias.value if dense.use_bias else None,
                       bool(dense.trainable_weights))
    return plan


class DropoutKeys:
    """Draws the mask keys of the plan's dropout layers for a chunk of steps,
    from the same generators and in the same order as the layer path (step by
    step, layers in order): one bulk draw per generator, since a Generator
    gives the same uint64 values in bulk as one at a time."""

    def __init__(self, layers):
        self.dropouts = [spec[3] for spec in layers if spec[3] is not None and spec[3].rate > 0]

    def draw(self, nsteps):
        if not self.dropouts:
            return None
        groups = {}
        for j, layer in enumerate(self.dropouts):
            rng = layer._rng if layer._rng is not None else global_rng()
            groups.setdefault(id(rng), (rng, []))[1].append(j)
        keys = np.empty((nsteps, len(self.dropouts)), dtype=np.uint64)
        for rng, cols in groups.values():
            drawn = rng.integers(0, 2 ** 64, size=nsteps * len(cols), dtype=np.uint64)
            keys[:, cols] = drawn.reshape(nsteps, len(cols))
        return keys


def optimizer_config(optimizer):
    """(plan optimizer name, keyword arguments) for the built-in optimizers, or
    None when the plan cannot express the optimizer's options (global_clipnorm,
    a learning rate given as a plain callable)."""
    if optimizer.global_clipnorm or not isinstance(optimizer._learning_rate,
                                                   (Variable, LearningRateSchedule)):
        return None
    extras = {"clipnorm": optimizer.clipnorm, "clipvalue": optimizer.clipvalue,
              "weight_decay": optimizer.weight_decay}
    t = type(optimizer)
    if t is SGD:
        return "sgd", dict(extras, momentum=optimizer.momentum, nesterov=optimizer.nesterov)
    if t is Adam or t is AdamW:
        return "adam", dict(extras, beta1=optimizer.beta_1, beta2=optimizer.beta_2,
                            epsilon=optimizer.epsilon, amsgrad=optimizer.amsgrad)
    if t is RMSprop:
        return "rmsprop", dict(extras, rho=optimizer.rho, momentum=optimizer.momentum,
                               epsilon=optimizer.epsilon, centered=optimizer.centered)
    if t is Adagrad:
        return "adagrad", dict(extras, epsilon=optimizer.epsilon)
    if t is Adadelta:
        return "adadelta", dict(extras, rho=optimizer.rho, epsilon=optimizer.epsilon)
    if t is Adamax or t is Nadam:
        return ("adamax" if t is Adamax else "nadam",
                dict(extras, beta1=optimizer.beta_1, beta2=optimizer.beta_2,
                     epsilon=optimizer.epsilon))
    return None


def optimizer_slots(optimizer, i):
    """The slot arrays of trainable variable i, in the plan's order."""
    t = type(optimizer)
    if t is SGD:
        return [optimizer.momentums[i].value if optimizer.momentum != 0 else None]
    if t is Adam or t is AdamW:
        return [optimizer._momentums[i].value, optimizer._velocities[i].value,
                optimizer._velocity_hats[i].value if optimizer.amsgrad else None]
    if t is Adagrad:
        return [optimizer._accumulators[i].value, None, None]
    if t is Adadelta:
        return [optimizer._accumulated_grads[i].value,
                optimizer._accumulated_delta_vars[i].value, None]
    if t is Adamax:
        return [optimizer._m[i].value, optimizer._u[i].value, None]
    if t is Nadam:
        return [optimizer._momentums[i].value, optimizer._velocities[i].value, None]
    return [optimizer._velocities[i].value,
            optimizer._average_gradients[i].value if optimizer.centered else None,
            optimizer._momentums[i].value if optimizer.momentum > 0 else None]


def metric_config(metrics):
    """(plan metric, threshold) for none or one accuracy metric, else None."""
    if not metrics:
        return None, 0.5
    if len(metrics) > 1:
        return None
    m = metrics[0]
    if type(m) is BinaryAccuracy:
        return "binary", float(m.threshold)
    if type(m) is CategoricalAccuracy:
        return "categorical", 0.5
    if type(m) is SparseCategoricalAccuracy:
        return "sparse", 0.5
    return None


class TrainingPlan:
    """A plan wired to a compiled model: its weights, optimizer slots, loss and metric."""

    def __init__(self, model, layers, batch_size, train=True):
        self.model = model
        self.layers = layers
        self.plan = build_plan(model, layers, batch_size)
        for i, spec in enumerate(layers):
            if spec[3] is not None and spec[3].rate > 0:
                self.plan.set_dropout(i, spec[3].rate)
        self.keys = DropoutKeys(layers)
        spec = model._loss_spec
        last_act = layers[-1][1]
        fused = _fused(model)
        self.sparse = spec.kind == "sparse_categorical_crossentropy"
        metric, threshold = metric_config(model._metrics)
        self.metric = model._metrics[0] if model._metrics else None
        from_logits = fused or (spec.from_logits and last_act == "linear")
        if not train:   # evaluation only: no optimizer state is created
            self.plan.configure(spec.kind, from_logits, metric, threshold, "sgd", 0.0, 0)
            return
        opt = model.optimizer
        variables = model.trainable_weights
        if not opt.built:
            opt.build(variables)
        model._train_variables = variables
        ids = {id(v): i for i, v in enumerate(variables)}
        self.decayed = []      # (layer, var index, variable) of the trainable variables
        for li, (dense, _, _, _) in enumerate(layers):
            for var_index, var in enumerate([dense.kernel, dense.bias] if dense.use_bias
                                            else [dense.kernel]):
                i = ids.get(id(var))
                if i is not None:
                    self.plan.set_slots(li, var_index, optimizer_slots(opt, i))
                    if var.constraint is not None:
                        self.plan.set_constraint(
                            li, var_index, *constraint_spec(var.constraint, var_index,
                                                            var.shape),
                            eps=config.epsilon())
                    if var.regularizer is not None:
                        self.plan.set_regularizer(li, var_index,
                                                  *penalty_factors(var.regularizer))
                    self.decayed.append((li, var_index, var))
        self._loss_args = (spec.kind, from_logits, metric, threshold)
        self.opt_config = None
        self._params = None
        self.sync()

    def targets(self, y):
        """(float targets, int64 labels) in the layout the plan reads."""
        n_out = self.plan.dims[-1]
        if self.sparse:
            labels = y.reshape(len(y), -1)
            if labels.shape[1] != 1:
                return None
            labels = labels[:, 0]
            if not np.issubdtype(labels.dtype, np.integer):
                if np.any(labels != np.floor(labels)):
                    return None
            labels = np.ascontiguousarray(labels, dtype=np.int64)
            if labels.size and (labels.min() < 0 or labels.max() >= n_out):
                raise ValueError("sparse_categorical_crossentropy: labels must lie in [0, %d). "
                                 "Received labels from %d to %d"
                                 % (n_out, labels.min(), labels.max()))
            return None, labels
        t = y
        if t.ndim == 1 and n_out == 1:
            t = t.reshape(-1, 1)
        if t.ndim != 2 or t.shape[1] != n_out:
            return None
        return np.ascontiguousarray(t, dtype=np.float32), None

    def sync(self):
        """Brings the optimizer's options (which a callback may change between
        steps) and its weight-decay exclusions into the plan."""
        opt = self.model.optimizer
        config = optimizer_config(opt)
        if config is None:
            raise RuntimeError("The optimizer's options changed to ones the compiled plan "
                               "cannot run during fit")
        if config != self.opt_config:
            self.opt_config = config
            self.opt_name = config[0]
            self.plan.configure(*self._loss_args, config[0], opt._lr(),
                                int(opt.iterations.value), **config[1])
        if opt.weight_decay is not None:
            for li, vi, var in self.decayed:
                self.plan.set_decay(li, vi, opt._use_weight_decay(var))

    def step_params(self, ns):
        """The learning rate and bias corrections of the next ns steps, computed
        as the optimizer's own update_step computes them (float64, ns x 4)."""
        opt = self.model.optimizer
        params = self._params
        if params is None or len(params) < ns:
            params = self._params = np.zeros((ns, _core.PLAN_STEP_PARAMS))
        name = self.opt_name
        varying = opt._uses_schedule()
        lr = opt._lr()
        if not varying and name not in ("adam", "adamax", "nadam"):
            params[:ns, 0] = lr
            return params
        it0 = int(opt.iterations.value)
        b1, b2 = getattr(opt, "beta_1", 0.0), getattr(opt, "beta_2", 0.0)
        try:
            for s in range(ns):
                t = it0 + s + 1
                if varying or name == "nadam":
                    opt.iterations.value[...] = it0 + s
                if varying:
                    lr = opt._lr()
                row = params[s]
                row[0] = lr
                if name == "adam":
                    row[1] = lr * math.sqrt(1 - b2 ** t) / (1 - b1 ** t)
                elif name == "adamax":
                    row[1] = 1.0 - b1 ** t
                elif name == "nadam":
                    opt._prepare_step()      # advances u_product as the steps will
                    row[1:4] = opt._factors
        finally:
            opt.iterations.value[...] = it0
        return params

    def account(self, sums):
        """Adds a chunk's sums to the loss tracker and the metric."""
        tracker = self.model._loss_tracker
        tracker.total += sums[0]
        tracker.count += sums[1]
        if self.metric is not None:
            self.metric.total += sums[2]
            self.metric.count += sums[3]


def training_plan(model, x, y, sample_weight, batch_size, train=True):
    """A TrainingPlan for fit (or, with train=False, for evaluate), or None when
    the model or data need the slow path."""
    if not model._allow_plans or sample_weight is not None or x.ndim != 2 \
            or x.dtype != np.float32:
        return None
    layers = plan_layers(model)
    if layers is None:
        return None
    if train and (model.optimizer is None or optimizer_config(model.optimizer) is None):
        return None
    model._resolve_compiled(y, (None, layers[-1][0].units))
    spec = model._loss_spec
    if not isinstance(spec, compile_utils.LossSpec) or spec.label_smoothing \
            or spec.reduction != "sum_over_batch_size":
        return None
    if spec.kind not in _core.PLAN_LOSSES or spec.params:   # losses the plan lacks
        return None
    if spec.from_logits and layers[-1][1] != "linear":
        return None
    if metric_config(model._metrics) is None:
        return None
    key = (batch_size, id(model.optimizer), tuple(id(s[0]) for s in layers),
           tuple(s[0].trainable for s in layers), id(spec), tuple(map(id, model._metrics)),
           tuple(None if s[3] is None else (id(s[3]), s[3].rate) for s in layers))
    slot = "train" if train else "evaluate"
    cached = model._plan_cache.get(slot)
    if cached is not None and cached[0] == key:
        plan = cached[1]
    else:
        plan = TrainingPlan(model, layers, batch_size, train=train)
        model._plan_cache[slot] = (key, plan)
    return plan


def inference_plan(model, n):
    """A plan for predicting n rows, or None. Plans are kept per batch bucket
    until the model's layers change (add, pop, compile reset the cache)."""
    max_batch = 1
    while max_batch < n and max_batch < 256:   # 256 rows measured best (cache-sized)
        max_batch *= 2
    cached = model._plan_cache.get(("predict", max_batch))
    if cached is not None:
        return cached
    layers = plan_layers(model) if model._allow_plans else None
    if layers is None:
        return None
    plan = build_plan(model, layers, max_batch)
    model._plan_cache[("predict", max_batch)] = plan
    if max_batch <= 64:   # small batches skip the general argument handling next time
        fast = model._plan_cache.get("predict_fast")
        if fast is None or fast[1] < max_batch:
            model._plan_cache["predict_fast"] = (plan.dims[0], max_batch, plan)
    return plan
