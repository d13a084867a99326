"""Optimizer base class: learning rate (or schedule), iterations, state slots per
variable, gradient clipping, decoupled weight decay and variable constraints."""
import math
import re
import warnings

import numpy as np

from nnlite import _core
from nnlite.backend.naming import auto_name
from nnlite.backend.variable import Variable, unbudgeted
from nnlite.optimizers.schedules.learning_rate_schedule import LearningRateSchedule
from nnlite.utils.legacy import warn_deprecated

_C_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))


class Optimizer:
    """Base class of optimizers. Subclasses create their slots in `build` and
    update one variable in place in `update_step` (one C call).

    `apply(grads, variables)` runs Keras's order: drop `None` gradients, clip
    the gradients (`clipnorm`, `global_clipnorm` or `clipvalue`), apply the
    decoupled weight decay `w -= w * weight_decay * lr` to every variable not
    excluded with `exclude_from_weight_decay`, update each variable, project it
    with its `constraint` (if the variable has one), and count one iteration.
    The learning rate of a step is the schedule's value at `iterations` (the
    number of steps already taken) when `learning_rate` is a schedule.

    Args:
        learning_rate: A float, a
            `nnlite.optimizers.schedules.LearningRateSchedule`, or a callable
            with no arguments that returns the rate. A finite number >= 0 (an
            int is accepted too, where Keras 3 insists on a float).
        weight_decay: A float >= 0: decoupled weight decay. Defaults to `None`.
        clipnorm: A float: each gradient is rescaled so that its L2 norm is at
            most this value. Defaults to `None`.
        clipvalue: A float: each gradient element is clipped to
            `[-clipvalue, clipvalue]`. Defaults to `None`.
        global_clipnorm: A float: all gradients are rescaled together so that
            their joint L2 norm is at most this value. Defaults to `None`.
            At most one of the three clipping arguments may be set; as in
            Keras, a value of 0 turns clipping off.
        use_ema, ema_momentum, ema_overwrite_frequency, loss_scale_factor,
            gradient_accumulation_steps: accepted with Keras's defaults; other
            values raise NotImplementedError.
        name: Defaults to the snake_case class name (`adam`, `adam_1`, ...).

    Keras 2 arguments: `lr=` is accepted for `learning_rate` with a
    FutureWarning. `decay=` (Keras 2 time-based decay) is also accepted with
    a FutureWarning, and -- unlike Keras 3, which ignores it -- nnlite applies
    the Keras 2 rule `lr_t = learning_rate / (1 + decay * iterations)`, because
    a notebook that passes it was written for that behaviour (Keras 2's
    `_decayed_lr`, with `iterations` counted before the step; Keras 3 spells
    it `schedules.InverseTimeDecay(learning_rate, 1, decay)`). `get_config()`
    then carries an extra `"decay"` entry so the optimizer round-trips.
    """

    def __init__(self, learning_rate, weight_decay=None, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        if "lr" in kwargs:
            warn_deprecated("lr=", "learning_rate=", stacklevel=4)
            learning_rate = kwargs.pop("lr")
        decay = kwargs.pop("decay", None)
        if kwargs:
            raise ValueError("Argument(s) not recognized: %s" % (kwargs,))
        self._decay = 0.0
        if decay is not None:
            warn_deprecated("decay=", "learning_rate=keras.optimizers.schedules."
                            "InverseTimeDecay(learning_rate, 1, decay)", stacklevel=4)
            self._decay = check_nonneg("decay", decay)
        for arg, value in (("loss_scale_factor", loss_scale_factor),
                           ("gradient_accumulation_steps", gradient_accumulation_steps)):
            if value is not None:
                raise NotImplementedError(
                    "%s is not supported by nnlite yet. Received: %s=%r" % (arg, arg, value))
        if use_ema:
            raise NotImplementedError("use_ema=True is not supported by nnlite yet "
                                      "(exponential moving average of the weights)")
        self.weight_decay = (None if weight_decay is None
                             else check_nonneg("weight_decay", weight_decay))
        self.clipnorm = None if clipnorm is None else check_nonneg("clipnorm", clipnorm)
        self.clipvalue = None if clipvalue is None else check_nonneg("clipvalue", clipvalue)
        self.global_clipnorm = (None if global_clipnorm is None
                                else check_nonneg("global_clipnorm", global_clipnorm))
        if sum(a is not None for a in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError(
                "Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. "
                "Received: clipnorm=%r, clipvalue=%r, global_clipnorm=%r"
                % (clipnorm, clipvalue, global_clipnorm))
        self.use_ema = bool(use_ema)
        self.ema_momentum = ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        self.loss_scale_factor = loss_scale_factor
        self.gradient_accumulation_steps = gradient_accumulation_steps
        self.name = name or auto_name(type(self).__name__)
        self._iterations = Variable(0, shape=(), dtype="int64", trainable=False,
                                    name="iteration")
        self._learning_rate = self._make_learning_rate(learning_rate)
        self._exclude_ids, self._exclude_pattern = set(), None
        self._variables_ids = None
        self._slot_owners = None
        self.built = False

    # -- learning rate and iterations ---------------------------------------
    @staticmethod
    def _make_learning_rate(value):
        if isinstance(value, LearningRateSchedule) or (
                callable(value) and not isinstance(value, Variable)):
            return value
        value = float(value) if isinstance(value, Variable) else value
        return Variable(_check_lr(value), shape=(), dtype="float32", trainable=False,
                        name="learning_rate")

    @property
    def learning_rate(self):
        """The current learning rate: the float32 learning-rate Variable, or
        the schedule's (or callable's) value at the current iteration."""
        lr = self._learning_rate
        if isinstance(lr, Variable):
            return lr
        value = lr(self._iterations) if isinstance(lr, LearningRateSchedule) else lr()
        if isinstance(value, Variable):
            value = value.value
        return np.float32(_check_lr(value))

    @learning_rate.setter
    def learning_rate(self, value):
        if isinstance(value, LearningRateSchedule) or (
                callable(value) and not isinstance(value, Variable)):
            self._learning_rate = value
            return
        if isinstance(self._learning_rate, LearningRateSchedule):
            raise TypeError(
                "This optimizer was created with a `LearningRateSchedule` object as its "
                "`learning_rate` constructor argument, hence its learning rate is not "
                "settable. If you need the learning rate to be settable, you should "
                "instantiate the optimizer with a float `learning_rate` argument.")
        value = float(value) if isinstance(value, Variable) else value
        if isinstance(self._learning_rate, Variable):
            self._learning_rate.assign(_check_lr(value))
        else:
            self._learning_rate = self._make_learning_rate(value)

    @property
    def lr(self):
        """Keras 2 name of `learning_rate` (deprecated)."""
        warn_deprecated("optimizer.lr", "optimizer.learning_rate")
        return self.learning_rate

    @lr.setter
    def lr(self, value):
        warn_deprecated("optimizer.lr", "optimizer.learning_rate")
        self.learning_rate = value

    @property
    def iterations(self):
        return self._iterations

    def _lr(self):
        """The learning rate of the next step as a float (float32-rounded, as
        Keras holds it), including the legacy Keras 2 `decay`."""
        lr = float(np.float32(self.learning_rate))
        if self._decay:
            lr = float(np.float32(lr / (1.0 + self._decay * int(self._iterations.value))))
        return lr

    def _uses_schedule(self):
        """True when the rate changes with the step by itself (a schedule, a
        callable or the legacy decay)."""
        return not isinstance(self._learning_rate, Variable) or self._decay != 0.0

    # -- slots ---------------------------------------------------------------
    def build(self, variables):
        """Creates the slots (moments, velocities, ...) for `variables`."""
        self._variables_ids = [id(v) for v in variables]
        self._variable_index = {vid: i for i, vid in enumerate(self._variables_ids)}
        self._trainable_variables = list(variables)
        self._slot_owners = {}
        self.built = True

    def add_variable_from_reference(self, reference_variable, name, initial=0.0):
        # a slot mirrors a variable that exists (and was counted by a loader's
        # weight budget when it was created): it is not counted again
        with unbudgeted():
            value = np.full(reference_variable.shape, initial,
                            dtype=reference_variable.value.dtype)
            slot = Variable(value, dtype=value.dtype, trainable=False,
                            name="%s_%s" % (reference_variable.name, name))
        if self._slot_owners is not None:
            self._slot_owners[id(slot)] = (id(reference_variable), name)
        return slot

    def build_for(self, variables):
        """Builds the optimizer for `variables`, or, when it is built already
        and some of them are new (a layer added after training), builds it
        again for all of them, keeping every slot and counter of the
        variables it already had. A subset (a layer frozen) needs nothing."""
        if not self.built:
            self.build(list(variables))
            return
        new = [v for v in variables if id(v) not in self._variable_index]
        if not new:
            return
        kept = {self._slot_owners.get(id(s)): np.array(s.value, copy=True)
                for s in self._slot_variables()}
        shared = [np.array(v.value, copy=True) for v in self.variables
                  if id(v) not in self._slot_owners]
        self.build(self._trainable_variables + new)
        for slot in self._slot_variables():
            owner = self._slot_owners.get(id(slot))
            if owner in kept and owner is not None:
                slot.value[...] = kept[owner]
        unowned = [v for v in self.variables if id(v) not in self._slot_owners]
        if len(unowned) == len(shared):
            for var, value in zip(unowned, shared):
                if var.value.shape == value.shape:
                    var.value[...] = value

    def index_of(self, variable):
        """The position of `variable` among the variables the optimizer was
        built for (what `update_step` and `executor_slots` take)."""
        try:
            return self._variable_index[id(variable)]
        except KeyError:
            raise ValueError("The optimizer does not know the variable %r: it was built for "
                             "other variables. Use a new optimizer for another model."
                             % (getattr(variable, "path", variable),)) from None

    @property
    def variables(self):
        """iteration, the learning rate (unless a schedule is used), then the slots."""
        lr = [self._learning_rate] if isinstance(self._learning_rate, Variable) else []
        return [self._iterations] + lr + self._slot_variables()

    def _slot_variables(self):
        return []

    # -- weight decay --------------------------------------------------------
    def exclude_from_weight_decay(self, var_list=None, var_names=None):
        """Excludes variables from weight decay: those in `var_list`, and those
        whose name contains any of the strings in `var_names` (for example
        `var_names=["bias"]`). Keras documents it as a call made before the
        optimizer is built; as in Keras, a later call takes effect from the
        next step."""
        self._exclude_ids = set(id(v) for v in var_list) if var_list else set()
        self._exclude_pattern = (re.compile("|".join(set(var_names))) if var_names else None)

    def applies_weight_decay(self, variable):
        """Whether the decoupled weight decay applies to `variable` (not
        excluded by `exclude_from_weight_decay`)."""
        return self._use_weight_decay(variable)

    def _use_weight_decay(self, variable):
        if id(variable) in self._exclude_ids:
            return False
        if self._exclude_pattern is not None and \
                self._exclude_pattern.search(variable.name) is not None:
            return False
        return True

    # -- clipping -------------------------------------------------------------
    def _clip_gradients(self, grads):
        """Clipped copies of the gradients (the caller's arrays are not changed)."""
        if self.clipnorm:
            c = self.clipnorm
            out = []
            for g in grads:
                scale = g.dtype.type(c / max(_l2_norm(g), c))
                out.append(g if scale == 1 else g * scale)     # g * 1 is g
            return out
        if self.global_clipnorm:
            c = self.global_clipnorm
            norm = float(np.sqrt(sum(_l2_norm(g) ** 2 for g in grads)))
            if not np.isfinite(norm):
                scale = np.nan          # as Keras: a non-finite norm poisons the step
            else:
                scale = 1.0 if norm <= c else c / norm
            return [g * g.dtype.type(scale) for g in grads]
        if self.clipvalue:
            v = self.clipvalue
            return [np.clip(g, -v, v) for g in grads]
        return grads

    # -- updates -------------------------------------------------------------
    def apply_gradients(self, grads_and_vars):
        """Applies `(gradient, variable)` pairs, as Keras's `apply_gradients`."""
        grads_and_vars = list(grads_and_vars)
        return self.apply([g for g, _ in grads_and_vars], [v for _, v in grads_and_vars])

    def apply(self, grads, trainable_variables=None):
        """Updates each variable in place with its gradient, then counts one
        iteration. `trainable_variables` may be left out once the optimizer is
        built (the variables it was built with)."""
        grads = list(grads)
        if trainable_variables is None:
            if not self.built:
                raise ValueError(
                    "When passing `grads` without `variables`, the optimizer must already be "
                    "built on a list of variables. Call `optimizer.build(trainable_variables)` "
                    "first.")
            trainable_variables = self._trainable_variables
        trainable_variables = list(trainable_variables)
        if len(grads) != len(trainable_variables):
            raise ValueError("Got %d gradients for %d variables"
                             % (len(grads), len(trainable_variables)))
        if not self.built:
            self.build(trainable_variables)
        indexes = [self.index_of(v) for v in trainable_variables]
        pairs, missing = [], []
        for i, g, v in zip(indexes, grads, trainable_variables):
            if g is None:
                missing.append(v.path)
                continue
            g = _c_array(g, v.value.dtype)
            if g.shape != v.shape:
                raise ValueError("Gradient of shape %s for variable %r of shape %s"
                                 % (g.shape, v.name, v.shape))
            pairs.append((i, g, v))
        if not pairs:
            raise ValueError("No gradients provided for any variable.")
        if missing:
            warnings.warn("Gradients do not exist for variables %s when minimizing the loss. "
                          "If using `model.compile()`, did you forget to provide a `loss` "
                          "argument?" % (missing,), stacklevel=2)
        lr = self._lr()
        clipped = self._clip_gradients([g for _, g, _ in pairs])
        if self.weight_decay is not None:
            for _, _, v in pairs:
                if self._use_weight_decay(v):
                    _core.weight_decay(v.value, self.weight_decay, lr)
        self._prepare_step()
        for (i, _, v), g in zip(pairs, clipped):
            self.update_step(i, _c_array(g, g.dtype), v, lr)
        for _, _, v in pairs:
            constraint = getattr(v, "constraint", None)
            if constraint is not None:
                v.assign(constraint(v.value))
        self._iterations.value[...] += 1
        return self._iterations

    def _prepare_step(self):
        """Optimizer-wide state updated once per step, before the variables."""

    def update_step(self, index, gradient, variable, learning_rate):
        raise NotImplementedError

    # -- the compiled executor's view -------------------------------------------
    def executor_spec(self):
        """A plain dict that tells the compiled executor what this optimizer's
        step computes, or None when it cannot be lowered (the eager executor
        then runs it). The base class returns None; each built-in returns
        `{"kind": "adam", "beta_1": ..., ...}` plus the common entries of
        `_executor_common()` (`learning_rate`, `clipnorm`, `clipvalue`,
        `weight_decay`) while its math is its own (a subclass overriding
        `update_step`, `apply`, ... gets None)."""
        return None

    def executor_slots(self, index):
        """The slot variables of trainable variable `index` by name (the names
        of the kind's spec; slots the options leave unused are absent)."""
        raise NotImplementedError("%s has no executor slots" % type(self).__name__)

    def executor_step_params(self, nsteps, out=None):
        """The per-step scalars of the next `nsteps` steps, as `update_step`
        computes them: a float64 array (at least nsteps x 4; `out` is reused
        when large enough) whose row s holds the learning rate of step
        `iterations + s` and up to three kind-specific factors (adam: the
        bias-corrected step size; adamax: `1 - beta_1^t`; nadam: the momentum
        factors and `1 - beta_2^t`). Optimizer-wide state (Nadam's
        `u_product`) advances as those steps will advance it; `iterations`
        is left unchanged."""
        if out is None or out.shape[0] < nsteps or out.shape[1] < 4:
            out = np.zeros((nsteps, 4))
        varying = self._uses_schedule()
        lr = self._lr()
        if not varying and not self._EXECUTOR_FACTORS:
            out[:nsteps, 0] = lr
            return out
        it0 = int(self._iterations.value)
        sets_iterations = varying or self._EXECUTOR_FACTORS == "iterations"
        try:
            for s in range(nsteps):
                if sets_iterations:
                    self._iterations.value[...] = it0 + s
                if varying:
                    lr = self._lr()
                row = out[s]
                row[0] = lr
                self._executor_factors(it0 + s + 1, lr, row)
        finally:
            self._iterations.value[...] = it0
        return out

    # False: the step needs only the learning rate; True: factors of t; "iterations":
    # factors computed from the iterations counter (set to each step's value)
    _EXECUTOR_FACTORS = False

    def _executor_factors(self, t, lr, row):
        """Fills row[1:] for step t (counted from 1)."""

    def _executor_common(self, builtin):
        """The entries every optimizer spec carries, or None when the options
        or the class leave the built-in math (`builtin`'s) behind."""
        cls = type(self)
        for name in ("apply", "_clip_gradients", "_prepare_step", "update_step", "build",
                     "add_variable_from_reference", "_lr", "executor_step_params",
                     "_executor_factors"):
            if getattr(cls, name) is not getattr(builtin, name):
                return None
        if self.global_clipnorm or not isinstance(self._learning_rate,
                                                  (Variable, LearningRateSchedule)):
            return None
        return {"learning_rate": self._lr(), "clipnorm": self.clipnorm,
                "clipvalue": self.clipvalue, "weight_decay": self.weight_decay}

    # -- config --------------------------------------------------------------
    def get_config(self):
        lr = self._learning_rate
        if isinstance(lr, LearningRateSchedule):
            from nnlite.optimizers import schedules
            lr = schedules.serialize(lr)
        elif isinstance(lr, Variable):
            lr = float(lr.value)
        config = {"name": self.name, "learning_rate": lr, "weight_decay": self.weight_decay,
                  "clipnorm": self.clipnorm, "global_clipnorm": self.global_clipnorm,
                  "clipvalue": self.clipvalue, "use_ema": self.use_ema,
                  "ema_momentum": self.ema_momentum,
                  "ema_overwrite_frequency": self.ema_overwrite_frequency,
                  "loss_scale_factor": self.loss_scale_factor,
                  "gradient_accumulation_steps": self.gradient_accumulation_steps}
        if self._decay:
            config["decay"] = self._decay      # nnlite only: the Keras 2 decay
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from nnlite.saving.serialization_lib import deserialize_keras_object
        if not isinstance(config, dict):
            raise TypeError("%s.from_config expects a dict. Received: %r"
                            % (cls.__name__, config))
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            # built-in or registered/custom schedules, never imported by module
            config["learning_rate"] = deserialize_keras_object(config["learning_rate"],
                                                               custom_objects=custom_objects)
        return cls(**config)


def _c_array(g, dtype):
    """`g` as a C-contiguous ndarray of `dtype` (itself when it already is)."""
    if type(g) is np.ndarray and g.dtype == dtype and g.flags.c_contiguous:
        return g
    return np.require(np.asarray(g, dtype=dtype), requirements="C")


def _l2_norm(g):
    """The L2 norm of an array, its squares summed in float64 in index order
    (as the compiled executor sums them)."""
    if g.dtype in _C_FLOATS:
        return math.sqrt(_core.abs_square_sums(g)[1])
    flat = g.reshape(-1).astype(np.float64, copy=False)
    return float(np.sqrt(np.dot(flat, flat)))


def _check_lr(value):
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)):
        raise TypeError("learning_rate must be a number, a LearningRateSchedule or a callable. "
                        "Received: learning_rate=%r" % (value,))
    if not np.isfinite(value) or value < 0:
        raise ValueError("learning_rate must be a finite number >= 0. Received: "
                         "learning_rate=%r" % (float(value),))
    return float(value)


def check_nonneg(name, value):
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)):
        raise TypeError("`%s` must be a number. Received: %s=%r" % (name, name, value))
    if not np.isfinite(value) or value < 0:
        raise ValueError("`%s` must be a finite number >= 0. Received: %s=%r"
                         % (name, name, value))
    return value


def check_decay_rate(name, value, upper_inclusive=False):
    """A moment's decay rate (`beta_1`, `rho`, `momentum`, ...) as a float in
    [0, 1), or [0, 1] where 1 is meaningful; anything else is refused by name
    (1 would divide by zero in Adam's bias correction)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError("`%s` must be a number. Received: %s=%r" % (name, name, value))
    value = float(value)
    if not (0.0 <= value < 1.0 or upper_inclusive and value == 1.0):
        raise ValueError("`%s` must be a number in [0, 1%s. Received: %s=%r"
                         % (name, "]" if upper_inclusive else ")", name, value))
    return value
