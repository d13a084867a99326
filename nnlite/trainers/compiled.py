"""Compiling a model of Dense layers (a Sequential chain, or a functional graph with
Add and Concatenate) into a C plan (nnlite._core.Plan).

The plan runs forward, loss, backward and optimizer update of whole chunks of
batches in one C call, and prediction with no per-layer Python. What the plan
runs is lowered only from public specs: each layer, optimizer, regularizer,
constraint and metric says what it computes through `executor_spec()` (a
plain dict with a `"kind"`, or None when it cannot be lowered), the loss
through its `compile_utils.LossSpec`. A None spec keeps the model on the
layer-by-layer (eager) path, with the same results; a spec of a kind this
module does not know is an error.
"""
import numpy as np

from nnlite import _core
from nnlite.models import compile_utils
from nnlite.backend.random import global_rng


def _unknown(what, spec, known):
    return ValueError("The compiled executor cannot lower %s: unknown kind %r (spec %r). "
                      "Known kinds: %s. Return None from executor_spec() to run it on the "
                      "eager executor." % (what, spec.get("kind"), spec, ", ".join(sorted(known))))


def _spec_of(obj):
    """obj.executor_spec(), None when obj has none; a spec must be a dict."""
    method = getattr(obj, "executor_spec", None)
    if method is None:
        return None
    spec = method()
    if spec is not None and not isinstance(spec, dict):
        raise ValueError("executor_spec() of %r must return a dict or None. Received: %r"
                         % (obj, spec))
    return spec


class Compiled:
    """What the trainer hands the compiled executor: the compiled loss's
    `LossSpec`, the compiled metrics, the loss tracker the plan's sums go to,
    and the dict in which the trainer keeps this model's plans."""

    __slots__ = ("loss_spec", "metrics", "loss_tracker", "cache")

    def __init__(self, loss_spec, metrics, loss_tracker, cache):
        self.loss_spec, self.metrics = loss_spec, metrics or []
        self.loss_tracker, self.cache = loss_tracker, cache


def _fused(spec, last_act):
    """True when the output activation and the loss run as one step on logits."""
    return (isinstance(spec, compile_utils.LossSpec) and not spec.from_logits
            and (last_act, spec.kind) in compile_utils.FUSABLE)


class PlanLayer:
    """One dense step of a plan: the Dense layer, its (folded) activation and
    the dropout that follows it (its spec, or None)."""

    __slots__ = ("dense", "act", "alpha", "dropout", "dropout_spec")

    def __init__(self, dense, act, alpha):
        self.dense, self.act, self.alpha = dense, act, alpha
        self.dropout = self.dropout_spec = None

    @property
    def rate(self):
        return 0.0 if self.dropout_spec is None else self.dropout_spec["rate"]


_LAYER_KINDS = ("dense", "dropout", "activation")
_GRAPH_KINDS = _LAYER_KINDS + ("add", "concatenate")


def _plan_dense(layer, spec):
    """A PlanLayer for a Dense layer whose weights, penalties and constraints
    the plan runs, else None."""
    if layer.dtype != "float32":
        return None
    # other constraints and penalties run only on the layer path
    for var_index, w in enumerate(layer.variables):
        if w.regularizer is not None and penalty_factors(w.regularizer) is None:
            return None
        if w.constraint is not None and constraint_spec(w.constraint, var_index, w.shape) is None:
            return None
    return PlanLayer(layer, spec["activation"], float(spec["alpha"]))


def _fold(pl, kind, layer, spec):
    """Folds an Activation (into a linear Dense with no dropout) or a Dropout
    (one per Dense, no noise_shape) into the PlanLayer before it; False when
    it does not fold."""
    if pl is None or pl.dropout is not None:
        return False
    if kind == "activation" and pl.act == "linear":
        pl.act, pl.alpha = spec["activation"], float(spec["alpha"])
        return True
    if kind == "dropout" and spec["noise_shape"] is None:
        pl.dropout, pl.dropout_spec = layer, spec
        return True
    return False


def _input_is_flat(model):
    try:
        shape = model.input_shape
    except AttributeError:
        return False
    return model.dtype == "float32" and model.built and shape is not None and len(shape) == 2


def plan_layers(model):
    """[PlanLayer] when every layer of a Sequential model fits a plan, else None.

    An Activation layer is folded into a linear Dense just before it; one
    Dropout layer (no noise_shape) may follow each Dense but the last.
    """
    from nnlite.models.sequential import Sequential
    if not isinstance(model, Sequential) or not _input_is_flat(model):
        return None
    out = []
    for layer in model.layers:
        spec = _spec_of(layer)
        if spec is None:
            return None
        kind = spec.get("kind")
        if kind not in _LAYER_KINDS:
            raise _unknown("layer %r" % layer.name, spec, _LAYER_KINDS)
        if kind == "dense":
            pl = _plan_dense(layer, spec)
            if pl is None:
                return None
            out.append(pl)
        elif not _fold(out[-1] if out else None, kind, layer, spec):
            return None
    if not out or out[-1].dropout is not None:   # dropout on the model's output
        return None
    return out


def plan_graph(model):
    """([PlanLayer], graph) for a functional model of one flat input and one
    output whose layers the plan runs (Dense, Activation and Dropout folded
    into the Dense before them, Add, Concatenate on the last axis), graph the
    plan's nodes `[(kind, inputs)]` (see `_core.Plan`); else None."""
    graph_of = getattr(model, "executor_graph", None)
    calls = graph_of() if graph_of is not None and _input_is_flat(model) else None
    if not calls:
        return None
    readers = {}
    for _, sources, _ in calls:
        for src in sources:
            readers[src] = readers.get(src, 0) + 1
    layers, graph, node_of, dense_at = [], [], [], {}
    for pos, (layer, sources, kwargs) in enumerate(calls):
        spec = _spec_of(layer)
        if spec is None or kwargs:
            return None
        kind = spec.get("kind")
        if kind not in _GRAPH_KINDS:
            raise _unknown("layer %r" % layer.name, spec, _GRAPH_KINDS)
        srcs = [-1 if s < 0 else node_of[s] for s in sources]
        if kind in ("activation", "dropout"):
            # folds only into a Dense no other call reads
            if readers.get(sources[0]) != 1 or                     not _fold(dense_at.get(srcs[0]), kind, layer, spec):
                return None
            node_of.append(srcs[0])
            continue
        if kind == "dense":
            pl = _plan_dense(layer, spec)
            if pl is None:
                return None
            dense_at[len(graph)] = pl
            layers.append(pl)
            graph.append(("dense", srcs))
        elif kind == "add":
            graph.append(("add", srcs))
        else:
            if spec["axis"] not in (-1, 1):
                return None
            graph.append(("concat", srcs))
        node_of.append(len(graph) - 1)
    last = dense_at.get(len(graph) - 1)
    if last is None or last.dropout is not None or node_of[-1] != len(graph) - 1:
        return None
    return layers, graph


def lower(model):
    """(layers, graph) of a model the plan runs (graph None for a chain), else None."""
    layers = plan_layers(model)
    if layers is not None:
        return layers, None
    return plan_graph(model)


_REGULARIZER_KINDS = ("l1l2",)


def penalty_factors(regularizer):
    """(l1, l2) of a regularizer whose spec the plan runs, else None."""
    spec = _spec_of(regularizer)
    if spec is None:
        return None
    if spec.get("kind") not in _REGULARIZER_KINDS:
        raise _unknown("regularizer %r" % (regularizer,), spec, _REGULARIZER_KINDS)
    return spec["l1"], spec["l2"]


_CONSTRAINT_KINDS = ("non_neg", "max_norm", "unit_norm", "min_max_norm")


def constraint_spec(constraint, var_index, shape):
    """(kind, min_value, max_value, rate, epsilon) of a constraint the plan
    applies to variable var_index (0 kernel, 1 bias) of a Dense layer, else
    None. Norm constraints: kernel only, axis 0, more than one unit (the
    column sums are then added row by row, as NumPy adds them)."""
    spec = _spec_of(constraint)
    if spec is None:
        return None
    kind = spec.get("kind")
    if kind not in _CONSTRAINT_KINDS:
        raise _unknown("constraint %r" % (constraint,), spec, _CONSTRAINT_KINDS)
    if kind == "non_neg":
        return "non_neg", 0.0, 0.0, 1.0, 0.0
    axis = spec["axis"]
    if var_index != 0 or len(shape) != 2 or shape[1] < 2 or isinstance(axis, bool) \
            or not isinstance(axis, (int, np.integer)) or axis != 0:
        return None
    eps = float(spec["epsilon"])
    if kind == "max_norm":
        return "max_norm", 0.0, float(spec["max_value"]), 1.0, eps
    if kind == "unit_norm":
        return "unit_norm", 0.0, 0.0, 1.0, eps
    return ("min_max_norm", float(spec["min_value"]), float(spec["max_value"]),
            float(spec["rate"]), eps)


def build_plan(model, layers, max_batch, graph=None):
    dims = [model.input_shape[-1]] + [pl.dense.units for pl in layers]
    plan = _core.Plan(dims, [pl.act for pl in layers], [pl.alpha for pl in layers], max_batch,
                      graph=graph)
    for i, pl in enumerate(layers):
        dense = pl.dense
        plan.set_layer(i, dense.kernel.value, dense.bias.value if dense.use_bias else None,
                       bool(dense.trainable_weights))
    return plan


class DropoutKeys:
    """Draws the mask keys of the plan's dropout layers for a chunk of steps,
    from the same generators and in the same order as the layer path (step by
    step, layers in order; `Dropout.draw_key`): one bulk draw per generator,
    since a Generator gives the same uint64 values in bulk as one at a time."""

    def __init__(self, layers):
        self.generators = [pl.dropout_spec["seed_generator"] for pl in layers
                           if pl.rate > 0]

    def draw(self, nsteps):
        if not self.generators:
            return None
        groups = {}
        for j, gen in enumerate(self.generators):
            rng = gen if gen is not None else global_rng()
            groups.setdefault(id(rng), (rng, []))[1].append(j)
        keys = np.empty((nsteps, len(self.generators)), dtype=np.uint64)
        for rng, cols in groups.values():
            drawn = rng.integers(0, 2 ** 64, size=nsteps * len(cols), dtype=np.uint64)
            keys[:, cols] = drawn.reshape(nsteps, len(cols))
        return keys


# optimizer kind -> (the plan's keyword arguments from the spec's entries, the
# slots in the order the plan's update kernel reads them)
_OPTIMIZER_KINDS = {
    "sgd": ({"momentum": "momentum", "nesterov": "nesterov"}, ("momentum",)),
    "adam": ({"beta1": "beta_1", "beta2": "beta_2", "epsilon": "epsilon",
              "amsgrad": "amsgrad"}, ("momentum", "velocity", "velocity_hat")),
    "rmsprop": ({"rho": "rho", "momentum": "momentum", "epsilon": "epsilon",
                 "centered": "centered"}, ("velocity", "average_gradient", "momentum")),
    "adagrad": ({"epsilon": "epsilon"}, ("accumulator",)),
    "adadelta": ({"rho": "rho", "epsilon": "epsilon"},
                 ("accumulated_grad", "accumulated_delta_var")),
    "adamax": ({"beta1": "beta_1", "beta2": "beta_2", "epsilon": "epsilon"},
               ("momentum", "norm")),
    "nadam": ({"beta1": "beta_1", "beta2": "beta_2", "epsilon": "epsilon"},
              ("momentum", "velocity")),
}


def optimizer_config(optimizer):
    """(plan optimizer name, keyword arguments) from the optimizer's spec, or
    None when it cannot be lowered (global_clipnorm, a learning rate given as
    a plain callable, a custom optimizer)."""
    spec = _spec_of(optimizer)
    if spec is None:
        return None
    kind = spec.get("kind")
    if kind not in _OPTIMIZER_KINDS:
        raise _unknown("optimizer %r" % (optimizer,), spec, _OPTIMIZER_KINDS)
    args = {"clipnorm": spec["clipnorm"], "clipvalue": spec["clipvalue"],
            "weight_decay": spec["weight_decay"]}
    for plan_name, spec_name in _OPTIMIZER_KINDS[kind][0].items():
        args[plan_name] = spec[spec_name]
    return kind, args


def optimizer_slots(optimizer, kind, i):
    """The slot arrays of trainable variable i, in the plan's order."""
    slots = optimizer.executor_slots(i)
    return [slots[name].value if name in slots else None
            for name in _OPTIMIZER_KINDS[kind][1]]


_METRIC_KINDS = {"binary_accuracy": "binary", "categorical_accuracy": "categorical",
                 "sparse_categorical_accuracy": "sparse"}


def metric_config(metrics):
    """(plan metric, threshold) for none or one lowerable metric, else None."""
    if not metrics:
        return None, 0.5
    if len(metrics) > 1:
        return None
    spec = _spec_of(metrics[0])
    if spec is None:
        return None
    kind = spec.get("kind")
    if kind not in _METRIC_KINDS:
        raise _unknown("metric %r" % (metrics[0],), spec, _METRIC_KINDS)
    return _METRIC_KINDS[kind], float(spec.get("threshold", 0.5))


def _plan_variables(layers, variables):
    """(layer index, variable index, variable) for each of `variables` that a
    plan layer holds, in the plan's order."""
    wanted = {id(v) for v in variables}
    for li, pl in enumerate(layers):
        dense = pl.dense
        for var_index, var in enumerate([dense.kernel, dense.bias] if dense.use_bias
                                        else [dense.kernel]):
            if id(var) in wanted:
                yield li, var_index, var


class TrainingPlan:
    """A plan wired to a compiled model: its weights, optimizer slots, loss and metric."""

    def __init__(self, model, state, layers, batch_size, train=True, graph=None):
        self.model = model
        self.loss_tracker = state.loss_tracker
        self.layers = layers
        self.plan = build_plan(model, layers, batch_size, graph)
        for i, pl in enumerate(layers):
            if pl.rate > 0:
                self.plan.set_dropout(i, pl.rate)
        self.keys = DropoutKeys(layers)
        spec = state.loss_spec
        last_act = layers[-1].act
        fused = _fused(spec, last_act)
        self.sparse = spec.kind == "sparse_categorical_crossentropy"
        metric, threshold = metric_config(state.metrics)
        self.metric = state.metrics[0] if state.metrics else None
        from_logits = fused or (spec.from_logits and last_act == "linear")
        trainable = list(_plan_variables(layers, model.trainable_weights))
        for li, var_index, var in trainable:    # the penalties are reported in evaluation too
            if var.regularizer is not None:
                self.plan.set_regularizer(li, var_index, *penalty_factors(var.regularizer))
        if not train:   # evaluation only: no optimizer state is created
            self.plan.configure(spec.kind, from_logits, metric, threshold, "sgd", 0.0, 0)
            return
        opt = model.optimizer
        kind = optimizer_config(opt)[0]
        opt.build_for(model.trainable_weights)
        for li, var_index, var in trainable:
            self.plan.set_slots(li, var_index, optimizer_slots(opt, kind, opt.index_of(var)))
            if var.constraint is not None:
                ckind, lo, hi, rate, eps = constraint_spec(var.constraint, var_index, var.shape)
                self.plan.set_constraint(li, var_index, ckind, lo, hi, rate, eps=eps)
        self.decayed = trainable    # (layer, var index, variable) of the trainable variables
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
            if labels.size and (labels.min() < 0 or labels.max() >= n_out):
                raise ValueError("sparse_categorical_crossentropy: labels must lie in [0, %d). "
                                 "Received labels from %s to %s"
                                 % (n_out, labels.min(), labels.max()))
            return None, np.ascontiguousarray(labels, dtype=np.int64)
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
            # the learning rate of each step comes with the step's parameters
            self.plan.configure(*self._loss_args, config[0], 0.0,
                                int(opt.iterations.value), **config[1])
        if config[1]["weight_decay"] is not None:
            for li, vi, var in self.decayed:
                self.plan.set_decay(li, vi, opt.applies_weight_decay(var))

    def step_params(self, ns):
        """The learning rate and bias corrections of the next ns steps, computed
        as the optimizer's own update_step computes them (float64, ns x 4)."""
        params = self._params
        if params is None or len(params) < ns:
            params = self._params = np.zeros((ns, _core.PLAN_STEP_PARAMS))
        out = self.model.optimizer.executor_step_params(ns, params)
        if out is not params:
            raise ValueError("executor_step_params() must fill the array it is given "
                             "(%d x %d float64)" % params.shape)
        return params

    def splits_steps(self):
        """Whether a step can run as gradients, then update (data parallelism):
        not with dropout, whose masks are drawn per whole batch."""
        return not self.plan.ndrop

    def sums(self):
        """The loss tracker's and the metric's running sums, where the plan's
        next chunk goes on adding (so the totals add batch by batch, as the
        eager executor adds them, however the epoch is cut into chunks)."""
        tracker, metric = self.loss_tracker, self.metric
        return [tracker.total, tracker.count] + \
            ([metric.total, metric.count] if metric is not None else [0.0, 0.0])

    def account(self, sums):
        """Stores the sums a chunk returned in the loss tracker and the metric."""
        tracker = self.loss_tracker
        tracker.total, tracker.count = sums[0], sums[1]
        if self.metric is not None:
            self.metric.total, self.metric.count = sums[2], sums[3]


def _plan_batch(batch_size, n):
    """The largest batch a plan for n rows in batches of batch_size sees
    (Keras clamps batch_size to the number of samples)."""
    return max(1, min(int(batch_size), int(n)))


def training_plan(model, state, x, y, sample_weight, batch_size, train=True):
    """A TrainingPlan for fit (or, with train=False, for evaluate), or None when
    the model or data need the slow path. `state` is the trainer's `Compiled`
    (its loss resolved already). Batches larger than x are clamped to len(x)."""
    if sample_weight is not None or not isinstance(x, np.ndarray) \
            or x.ndim != 2 or x.dtype != np.float32:
        return None
    lowered = lower(model)
    if lowered is None:
        return None
    layers, graph = lowered
    if train and (model.optimizer is None or optimizer_config(model.optimizer) is None):
        return None
    spec = state.loss_spec
    if not isinstance(spec, compile_utils.LossSpec) or spec.label_smoothing \
            or spec.reduction != "sum_over_batch_size":
        return None
    if spec.kind not in _core.PLAN_LOSSES or spec.params:   # losses the plan lacks
        return None
    if spec.from_logits and layers[-1].act != "linear":
        return None
    if metric_config(state.metrics) is None:
        return None
    need = _plan_batch(batch_size, len(x))
    # the optimizer's variables are part of the key: loading its state replaces them
    key = (id(model.optimizer), tuple(map(id, model.optimizer.variables)) if train else (),
           tuple(id(pl.dense) for pl in layers),
           tuple(pl.dense.trainable for pl in layers), id(spec), tuple(map(id, state.metrics)),
           tuple(None if pl.dropout is None else (id(pl.dropout), pl.rate) for pl in layers))
    slot = "train" if train else "evaluate"
    cached = state.cache.get(slot)
    # a cached plan serves when it holds the batch and runs evaluation in the
    # same chunks (all rows at once, or chunks of batch_size)
    if cached is not None and cached[0] == key \
            and need <= cached[1].plan.max_batch <= batch_size:
        plan = cached[1]
    else:
        plan = TrainingPlan(model, state, layers, need, train=train, graph=graph)
        state.cache[slot] = (key, plan)
    return plan


def inference_plan(model, n, cache):
    """A plan for predicting n rows, or None. Plans are kept in `cache` per
    batch bucket until the model's layers change (add, pop, compile reset it)."""
    max_batch = 1
    while max_batch < n and max_batch < 256:   # 256 rows measured best (cache-sized)
        max_batch *= 2
    cached = cache.get(("predict", max_batch))
    if cached is not None:
        return cached
    lowered = lower(model)
    if lowered is None:
        return None
    plan = build_plan(model, lowered[0], max_batch, lowered[1])
    cache[("predict", max_batch)] = plan
    if max_batch <= 64:   # small batches skip the general argument handling next time
        fast = cache.get("predict_fast")
        if fast is None or fast[1] < max_batch:
            cache["predict_fast"] = (plan.dims[0], max_batch, plan)
    return plan
