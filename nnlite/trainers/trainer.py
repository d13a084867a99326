"""The trainer: compile, fit, evaluate, predict and the `*_on_batch` methods, written once.

As Keras's `trainers/trainer.py`: `Model` mixes this in. A training step runs
the model's `call` on the tape (`_train_step`); where whole epochs run is
decided in one place, `executors.choose`: the compiled executor (a C program
running chunks of batches) when the model and data lower to it, otherwise the
eager executor (ops one by one on the tape). Under a `nnlite.distribution`
(`DataParallel` over MPI) fit runs on the eager executor, one global batch per
step: `_train_step` takes this rank's shard of the batch and sums the
gradients over the ranks (`DataParallel.reduce_step`) before the optimizer
sees them.
"""
import contextlib
import functools
import time
import warnings

import numpy as np

from nnlite import losses as losses_module
from nnlite import metrics as metrics_module
from nnlite import optimizers as optimizers_module
from nnlite.backend.random import global_rng
from nnlite.backend.tape import Tape, active_tape, stop_recording
from nnlite.callbacks.callback import Callback
from nnlite.callbacks.callback_list import CallbackList
from nnlite.callbacks.progbar_logger import ProgbarLogger
from nnlite.distribution import distribution_lib
from nnlite.metrics.metric import Mean, Metric
from nnlite.models import compile_utils
from nnlite.models import data as data_utils
from nnlite.ops import fused as fused_ops
from nnlite.trainers import compiled, data_adapter
from nnlite.trainers.interrupts import DeferredInterrupt
from nnlite.utils.legacy import warn_deprecated


def _one_at_a_time(method):
    """Runs `method` under the model's lock: fit, evaluate and the on-batch
    calls share the metrics' state and the optimizer, so calls from several
    threads take turns (predict and `model(x)` keep no such state and run
    side by side)."""
    @functools.wraps(method)
    def locked(self, *args, **kwargs):
        with self._state_lock:
            return method(self, *args, **kwargs)
    return locked


def _distributed(method):
    """Runs `fit` under the global distribution, if one is set: the trainer
    sees it as `self._distribution` for the call, and an error on one rank
    stops every rank (`DataParallel.run`)."""
    @functools.wraps(method)
    def run(self, *args, **kwargs):
        dist = distribution_lib.distribution()
        if dist is None:
            return method(self, *args, **kwargs)
        self._distribution = dist
        try:
            return dist.run(method, self, *args, **kwargs)
        finally:
            self._distribution = None
    return run


class Trainer:
    """compile / fit / evaluate / predict for a `Model` (a Layer with `call`)."""

    _distribution = None    # the DataParallel a running fit trains under

    # -- compile -------------------------------------------------------------
    @_one_at_a_time
    def compile(self, optimizer="rmsprop", loss=None, loss_weights=None, metrics=None,
                weighted_metrics=None, run_eagerly=False, steps_per_execution=1,
                jit_compile="auto", auto_scale_loss=True):
        """Configures the model for training.

        Args:
            optimizer: Name or optimizer instance. Defaults to `"rmsprop"`.
            loss: Name, function or `Loss` instance (`"mse"`,
                `"categorical_crossentropy"`, ...). Defaults to `None`.
            metrics: List of metrics (`"accuracy"`, `"mae"`, instances, ...).
                Defaults to `None`.
            weighted_metrics: Metrics that also take `sample_weight` (or the
                weights `class_weight` gives). Defaults to `None`.
        """
        # everything is checked before anything changes (a failed compile leaves
        # the model, its optimizer and its state as they were)
        previous = self._compile_config if self.compiled else None
        if previous is not None:    # as Keras: None keeps the last compile's loss / metrics
            if loss is None:
                loss, loss_weights = previous.loss, previous.loss_weights
            if metrics is None:
                metrics = previous.metrics
            if weighted_metrics is None:
                weighted_metrics = previous.weighted_metrics
        config = compile_utils.CompileConfig(loss, loss_weights, metrics, weighted_metrics)
        names = self._known_output_names()
        if names is not None:
            config.per_output(names)
        self.optimizer = optimizers_module.get(optimizer)
        self.loss = loss
        self.loss_weights = loss_weights
        self._compile_config = config
        self._compile_metrics = config.metrics
        self._compile_weighted_metrics = config.weighted_metrics
        # kept for get_compile_config(); nnlite always runs its own C kernels
        self._compile_flags = {"run_eagerly": bool(run_eagerly),
                               "steps_per_execution": int(steps_per_execution),
                               "jit_compile": jit_compile is True}
        self._forget_resolved()
        self._train_variables = None
        self._plan_cache = {}
        self.compiled = True

    def _assert_compiled(self):
        if not self.compiled:
            raise RuntimeError("You must call `compile()` before using the model.")

    def _forget_resolved(self):
        """Drops what `_resolve_compiled` found (the outputs' shapes changed)."""
        self._outputs = None
        self._loss_spec = None
        self._metrics = None

    def _known_output_names(self):
        """The outputs' names when the model already knows them (functional
        and Sequential models), else None (a subclassed model, before a call)."""
        names = getattr(self, "output_names", None)
        return list(names) if names else None

    def _flat_outputs(self, y_pred):
        """(output names, the outputs as a list), in output order."""
        if isinstance(y_pred, dict):
            names = sorted(y_pred)
            return names, [y_pred[k] for k in names]
        preds = list(y_pred) if isinstance(y_pred, (list, tuple)) else [y_pred]
        names = self._known_output_names()
        if names is None or len(names) != len(preds):
            names = ["output_%d" % i for i in range(len(preds))] if len(preds) > 1 \
                else [getattr(self, "name", "output")]
        return names, preds

    @staticmethod
    def _flat_targets(y, names, what="y"):
        """`y` (one array, or a list in output order or a dict by output name)
        as a list in `names` order; a dict may leave out outputs (None)."""
        if isinstance(y, data_utils.Structured):
            y = y.value()
        if isinstance(y, dict):
            unknown = sorted(set(y) - set(names))
            if unknown:
                raise ValueError("%s has keys %s that are not output names. Expected keys "
                                 "among %s" % (what, unknown, list(names)))
            return [y.get(k) for k in names]
        if isinstance(y, (list, tuple)):
            if len(y) != len(names):
                raise ValueError("The model has %d outputs %s, but %s is a list of %d arrays"
                                 % (len(names), list(names), what, len(y)))
            return list(y)
        if len(names) > 1:
            if y is None:
                return [None] * len(names)
            raise ValueError("The model has %d outputs %s: %s must be a list (in output order) "
                             "or a dict by output name" % (len(names), list(names), what))
        return [y]

    def _resolve_compiled(self, y, y_pred_shape, names=None):
        """Resolves the losses and metrics once shapes are known (first batch).
        `y` and `y_pred_shape` are one target array and one shape, or lists of
        them in output order (outputs `names`)."""
        if self._outputs is not None:
            return
        single = not isinstance(y_pred_shape, list)
        shapes = [tuple(y_pred_shape)] if single else [tuple(s) for s in y_pred_shape]
        ys = [y] if single else list(y)
        if names is None:
            names = self._flat_outputs([None] * len(shapes) if len(shapes) > 1 else None)[0]
        self._outputs = self._compile_config.resolve(names, ys, shapes)
        self._loss_spec = self._outputs.specs[0] if len(shapes) == 1 else None
        self._metrics = self._outputs.metrics

    def _resolve_for(self, y, y_pred):
        """`_resolve_compiled` from a batch's targets and the model's outputs."""
        if self._outputs is None:
            names, preds = self._flat_outputs(y_pred)
            self._resolve_compiled(self._flat_targets(y, names),
                                   [tuple(p.shape) for p in preds], names)

    @property
    def metrics(self):
        """The loss tracker, each output's loss tracker (several outputs with a
        loss), then the compiled metrics, in Keras's order."""
        trackers = [t for t in self._outputs.trackers if t is not None] if self._outputs else []
        return [self._loss_tracker] + trackers + list(self._metrics or [])

    @property
    def metrics_names(self):
        """As Keras 3: `[]` before compile, `["loss"]`, and
        `["loss", "compile_metrics"]` when metrics were compiled."""
        if not self.compiled:
            return []
        trackers = [t.name for t in self._outputs.trackers if t is not None] \
            if self._outputs else []
        compiled_metrics = self._compile_metrics or self._compile_weighted_metrics
        return ["loss"] + (["compile_metrics"] if compiled_metrics else []) + trackers

    def reset_metrics(self):
        for m in self.metrics:
            m.reset_state()

    # -- loss and one step ---------------------------------------------------
    def _output_loss(self, spec, y, y_pred, sample_weight):
        """One output's compiled loss as a scalar Tensor on the tape.

        A softmax or sigmoid output carries its logits; cross-entropy is then
        computed from them, as Keras on TensorFlow does. An output that
        carries a mask (a sequence from a masked RNN) weights its values by
        it, as Keras's `apply_mask`."""
        mask = getattr(y_pred, "_keras_mask", None)
        if mask is not None:
            sample_weight = compile_utils.masked_weights(
                sample_weight, mask, getattr(spec, "reduction", "sum_over_batch_size"))
        if isinstance(spec, compile_utils.CustomLoss):
            return spec(y, y_pred, sample_weight)
        logits = getattr(y_pred, "_keras_logits", None)
        fused = (logits is not None and not spec.from_logits
                 and (logits[1], spec.kind) in compile_utils.FUSABLE)
        out = logits[0] if fused else y_pred
        shape = tuple(y_pred.shape)
        want_grad = active_tape() is not None

        def loss_fn(out_value):
            return compile_utils.loss_and_grad(spec, y, out_value, shape, sample_weight,
                                               want_grad, fused)
        return fused_ops.compiled_loss(None, out, loss_fn)

    def _output_weights(self, sample_weight, names):
        """The sample weights of each output in `names` order: one array (or
        None) serves all outputs; a list or dict gives each its own."""
        if isinstance(sample_weight, (dict, list, tuple, data_utils.Structured)):
            return self._flat_targets(sample_weight, names, "sample_weight")
        return [sample_weight] * len(names)

    def _data_loss(self, y, y_pred, sample_weight):
        """(the compiled loss of one batch as a scalar Tensor on the tape, each
        output's unweighted loss as `{output index: Tensor}`): Σ wᵢ·lossᵢ over
        the outputs that have a loss, as Keras's CompileLoss."""
        outputs = self._outputs
        if outputs is None or all(spec is None for spec in outputs.specs):
            raise ValueError("No loss to compute. Provide a `loss` argument in `compile()`.")
        names, preds = self._flat_outputs(y_pred)
        ys = self._flat_targets(y, names)
        sws = self._output_weights(sample_weight, names)
        parts, terms = {}, []
        for i, spec in enumerate(outputs.specs):
            if spec is None:
                continue
            if ys[i] is None:
                raise ValueError("Output '%s' has a loss but y holds no target for it"
                                 % names[i])
            parts[i] = self._output_loss(spec, ys[i], preds[i], sws[i])
            w = outputs.weights[i]
            terms.append(parts[i] if w is None else parts[i] * w)
        return (terms[0] if len(terms) == 1 else fused_ops.add_n(terms)), parts

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """The total loss of a batch as a scalar Tensor, as Keras 3's
        `Model.compute_loss`: the compiled loss of `y_pred` against `y` plus
        the model's `losses` (penalties and `add_loss`). Differentiable on a
        tape."""
        self._assert_compiled()
        y = self._targets(y)
        self._resolve_for(y, y_pred)
        return self._losses_and_report(y, y_pred, sample_weight)[0]

    def _losses_and_report(self, y, y_pred, sample_weight):
        """(total loss Tensor, (data loss, penalties) as floats, {output index:
        its loss as a float}): the data loss plus the layers' penalties (Keras
        reports both; the weights' penalties before this step). The penalties
        are added one after another, as the compiled executor adds them."""
        loss, parts = self._data_loss(y, y_pred, sample_weight)
        parts = {i: float(v) for i, v in parts.items()}
        penalties = self.losses
        if not penalties:
            return loss, (float(loss), 0.0), parts
        total = 0.0
        for p in penalties:
            total += float(p)
        return fused_ops.add_n([loss] + penalties), (float(loss), total), parts

    def _build_and_check(self, x, y, sample_weight, batch_size=None):
        """Builds the model from `x` (its first batch of `batch_size`) if
        needed, then checks the inputs its first layers read and the targets."""
        self._ensure_built(x, batch_size)
        readers = getattr(self, "input_readers", None)
        if readers is not None:
            parts = x.value() if isinstance(x, data_utils.Structured) else [x]
            if isinstance(parts, (list, tuple)):
                for layer, i in readers():
                    if i < len(parts):
                        layer.check_input_data(parts[i])
        self._check_targets_first(y, sample_weight)

    def _check_targets_first(self, y, sample_weight):
        """Runs each output's built-in loss over the whole `y` (and
        `sample_weight`) against a stand-in prediction of the output's shape,
        so that a label out of range or a target or weight shape the loss
        refuses is found before a first step changes anything (weights,
        optimizer state, moving statistics). Outputs whose shape is not known
        yet, or that have a custom loss, are checked at their step instead."""
        outputs = getattr(self, "outputs", None)
        names = self._known_output_names()
        if not outputs or not names or len(names) != len(outputs):
            return
        shapes = [tuple(o.shape) for o in outputs]
        ys = self._flat_targets(y, names)
        sws = self._flat_targets(sample_weight, names, "sample_weight") \
            if isinstance(sample_weight, (dict, list, tuple, data_utils.Structured)) \
            else [sample_weight] * len(names)
        self._resolve_compiled(ys[0] if len(names) == 1 else ys,
                               shapes[0] if len(names) == 1 else shapes, names)
        for spec, yi, swi, shape in zip(self._outputs.specs, ys, sws, shapes):
            if not isinstance(spec, compile_utils.LossSpec) or yi is None \
                    or any(d is None for d in shape[1:]):
                continue
            per_row = max(1, int(np.prod(shape[1:])))
            rows = max(1, (1 << 20) // per_row)
            for lo in range(0, len(yi), rows):
                hi = min(len(yi), lo + rows)
                stand_in = np.full((hi - lo,) + shape[1:], 1.0 / max(1, shape[-1]),
                                   dtype=self.dtype)
                compile_utils.loss_and_grad(spec, yi[lo:hi], stand_in, stand_in.shape,
                                            None if swi is None else swi[lo:hi], False, False)

    def _update_metrics(self, reported, y, y_pred, sample_weight, batch_size):
        # As Keras 3: the loss trackers are weighted by the batch size, the
        # compiled `metrics` ignore sample weights and the `weighted_metrics`
        # take them (one array serves every output).
        (data_loss, penalty), parts = reported
        tracker = self._loss_tracker
        tracker.update_state(data_loss, sample_weight=batch_size)
        if penalty:     # Σ losses + penalty · b, as the compiled executor adds them
            tracker.total += penalty * float(batch_size)
        outputs = self._outputs
        for i, value in parts.items():
            if outputs.trackers[i] is not None:
                outputs.trackers[i].update_state(value, sample_weight=batch_size)
        if not self._metrics:
            return
        names, preds = self._flat_outputs(y_pred)
        ys = self._flat_targets(y, names)
        sws = None
        for m, i, weighted in zip(self._metrics, outputs.owners, outputs.weighted):
            if not weighted or sample_weight is None:
                m.update_state(ys[i], np.asarray(preds[i]))
                continue
            if sws is None:
                sws = self._output_weights(sample_weight, names)
            m.update_state(ys[i], np.asarray(preds[i]), sample_weight=sws[i])

    def _train_step(self, x, y, sample_weight=None):
        # the step's learning rate (a schedule's or a callable's) is checked
        # before the forward pass changes moving statistics
        float(self.optimizer.learning_rate)
        dist = self._distribution      # data parallel: this rank's shard of the batch
        rows = len(x)
        step = contextlib.nullcontext()
        if dist is not None:
            self._check_shards(dist, rows)
            x, y, sample_weight = dist.shard(x, y, sample_weight)
            # BatchNormalization inside: the global batch's statistics
            step = dist.training_step(len(x), rows)
        tape = None
        if dist is None or len(x):      # a global batch smaller than the ranks leaves some empty
            # gradients of the variables alone: ops may fuse backward passes;
            # BatchNormalization's backward keeps the reducer its forward saw
            with step, Tape(variables_only=True) as tape:
                y_pred = self(data_utils.model_inputs(x), training=True)
                self._resolve_for(y, y_pred)
                loss, reported, parts = self._losses_and_report(y, y_pred, sample_weight)
            # metrics first: a metric that refuses the batch leaves the weights as they were
            self._update_metrics((reported, parts), y, y_pred, sample_weight, len(x))
        if self._train_variables is None:
            self._train_variables = self.trainable_weights
            self.optimizer.build_for(self._train_variables)
        variables = self._train_variables
        grads = tape.gradient(loss, variables) if tape is not None and variables \
            else [None] * len(variables)
        if dist is not None:
            # the global batch's gradients, weighted by shard size, summed over
            # the ranks with the metrics' state
            grads = dist.reduce_step(grads, variables, self.metrics, len(x), rows)
        if variables:
            self.optimizer.apply(grads, variables)
        else:   # as Keras: the step still runs and reports, nothing is updated
            warnings.warn("The model does not have any trainable weights.", stacklevel=2)

    def _check_shards(self, dist, rows):
        """A global batch of `rows` leaves some ranks no rows when there are
        more ranks than rows: refused (alike on every rank, so none waits)
        for a model whose training statistics span the batch, which every
        rank must compute together."""
        if rows >= dist.num_processes:
            return
        spans = [layer.name for layer in self._flatten_layers()
                 if getattr(layer, "uses_batch_statistics", False) and layer.trainable]
        if spans:
            error = ValueError(
                "DataParallel: a global batch of %d rows cannot be split over %d processes "
                "for a model with %s, which normalizes over the global batch. Use a "
                "batch_size and a number of samples that leave every process rows (the "
                "last batch has len(x) %% batch_size rows)."
                % (rows, dist.num_processes, ", ".join(spans)))
            error.nnlite_all_ranks = True
            raise error

    def _test_step(self, x, y, sample_weight=None):
        y_pred = self._infer_tensor(x)
        self._resolve_for(y, y_pred)
        _, reported, parts = self._losses_and_report(y, y_pred, sample_weight)
        self._update_metrics((reported, parts), y, y_pred, sample_weight, len(x))

    def _infer_tensor(self, x):
        with stop_recording():
            return self(data_utils.model_inputs(x), training=False)

    def _infer(self, x):
        """The model's output for the batch `x`: a NumPy array, or a list or
        dict of them for a model with several outputs."""
        return _to_numpy(self._infer_tensor(x))

    def _logs(self):
        """Running results, sorted by name as Keras 3 reports them."""
        return {m.name: float(m.value() if isinstance(m, Mean) else m.result())
                for m in sorted(self.metrics, key=lambda m: m.name)}

    # -- data ------------------------------------------------------------------
    @staticmethod
    def _structured(data, several, convert, name, convert_part=None):
        """`data` checked by `convert(name, array)`; a dict, or a list when the
        model has `several` inputs or outputs, becomes a `Structured` (its
        parts checked by `convert_part(name, array, key)` when given)."""
        if isinstance(data, dict) or (several and isinstance(data, (list, tuple))):
            items = data.items() if isinstance(data, dict) else enumerate(data)
            part = convert_part or (lambda n, v, k: convert(n, v))
            parts = {k: part("%s[%r]" % (name, k), v, k) for k, v in items}
            return data_utils.Structured(parts if isinstance(data, dict)
                                         else list(parts.values()))
        return convert(name, data)

    def _prepare_x(self, x, name="x"):
        inputs = list(getattr(self, "inputs", None) or ())
        # inputs declared `Input(dtype="string")` take text as it is (for
        # TextVectorization, StringLookup, ...); the others become floats
        text = {k for i, t in enumerate(inputs) if getattr(t, "dtype", None) == "string"
                for k in (i, getattr(t, "name", None))}
        may_be_text = self._undeclared_text_inputs() if not inputs else ()

        def convert_part(n, v, key):
            if key in text or key in may_be_text and data_utils.holds_text(v):
                return data_utils.as_text_array(n, v)
            return data_utils.as_float_array(n, v, self.dtype)

        x = self._structured(x, len(inputs) > 1, lambda n, v: convert_part(n, v, 0), name,
                             convert_part)
        return x if isinstance(x, data_utils.Structured) else self._adapt_input(x)

    def _adapt_input(self, x):
        return x

    def _undeclared_text_inputs(self):
        """Keys of the inputs that take text when given text, for a model with
        no declared inputs yet (a Sequential starting with TextVectorization)."""
        return ()

    def _weight_dtype(self, x):
        """The float dtype of sample weights for the inputs `x`: theirs, or
        the model's when the (first) input holds text."""
        dtype = np.dtype(x.dtype)
        return dtype if np.issubdtype(dtype, np.floating) else np.dtype(self.dtype)

    def _targets(self, y, name="y"):
        """Checked targets: one array, or a `Structured` list or dict (in output
        order, or by output name) for a model with several outputs."""
        several = len(self._known_output_names() or ()) > 1
        return self._structured(y, several, data_utils.as_target_array, name)

    def _prepare_xy(self, x, y, sample_weight, name="x"):
        x = self._prepare_x(x, name)
        if y is None:
            raise ValueError("Training and evaluation need targets: y is None")
        y = self._targets(y, "y" if name == "x" else name.replace("x", "y"))
        if sample_weight is not None:
            several = isinstance(y, data_utils.Structured) and isinstance(
                sample_weight, (list, tuple, dict))
            sample_weight = self._structured(
                sample_weight, several,
                lambda n, v: data_utils.as_float_array(n, v, self._weight_dtype(x)),
                "sample_weight")
        data_utils.check_same_length(x=x, y=y, sample_weight=sample_weight)
        data_utils.check_not_empty(x)
        return x, y, sample_weight

    # -- fit -------------------------------------------------------------------
    @_one_at_a_time
    @_distributed
    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0, steps_per_epoch=None, validation_steps=None,
            validation_batch_size=None, validation_freq=1, **kwargs):
        """Trains the model for a fixed number of epochs.

        Args:
            x: Input data (array-like, first axis = samples), or a Python
                generator yielding `(x, y)` or `(x, y, sample_weight)` batches.
            y: Targets (not with a generator).
            batch_size: Samples per gradient update. Defaults to `32`.
            epochs: Index of the last epoch. Defaults to `1`.
            verbose: `"auto"` (= 1), 0 (silent), 1 (progress bar), 2 (one line
                per epoch). Defaults to `"auto"`.
            callbacks: List of `Callback` instances.
            validation_split: Fraction of the data, taken from the end before
                shuffling, held out for validation. Defaults to `0.0`.
            validation_data: `(x_val, y_val)`, `(x_val, y_val, val_sample_weight)`
                or a generator, evaluated at the end of each epoch; overrides
                `validation_split`.
            shuffle: Shuffle the training data every epoch. Defaults to `True`.
            class_weight: Optional dict mapping class indices to loss weights
                (classes not listed weigh 1).
            sample_weight: Optional array of per-sample loss weights.
            initial_epoch: Epoch at which to start. Defaults to `0`.
            steps_per_epoch: Batches per epoch. With arrays, one pass over the
                data carries on across epochs; with a generator, the epoch
                length. Defaults to `None` (one full pass).
            validation_steps: Batches evaluated per validation. Defaults to
                `None` (all).
            validation_batch_size: Defaults to `batch_size`.
            validation_freq: Validate every this many epochs (an int), or
                after the listed epochs (counted from 1). Defaults to `1`.

        Returns:
            A `History` whose `history` dict holds the per-epoch logs.
        """
        if "nb_epoch" in kwargs:
            warn_deprecated("fit(nb_epoch=...)", "fit(epochs=...)")
            epochs = kwargs.pop("nb_epoch")
        generator_class_weight = kwargs.pop("_generator_class_weight", None)
        if kwargs:
            raise TypeError("fit() got an unexpected keyword argument %r" % next(iter(kwargs)))
        self._assert_compiled()
        verbose = _check_verbose(verbose)
        if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 0:
            raise ValueError("epochs must be a non-negative integer. Received: epochs=%r"
                             % (epochs,))
        if isinstance(initial_epoch, bool) or not isinstance(initial_epoch, (int, np.integer)) \
                or initial_epoch < 0:
            raise ValueError("initial_epoch must be a non-negative integer. Received: "
                             "initial_epoch=%r" % (initial_epoch,))
        _check_validation_freq(validation_freq)
        steps_per_epoch = _check_steps("steps_per_epoch", steps_per_epoch)
        validation_steps = _check_steps("validation_steps", validation_steps)
        rng = global_rng()
        general = steps_per_epoch is not None
        val_split = None
        if data_adapter.is_dataset(x):
            data_adapter.check_dataset_args(x, y, sample_weight, validation_split)
            source = data_adapter.DatasetBatches(x, self._batch_converter(class_weight), shuffle,
                                                 allow_bare=False)
            self._ensure_built(self._prepare_x(source.first_x()))
            general = True
            batch_size = data_utils.check_batch_size(batch_size)
        elif data_utils.is_generator(x):
            _check_generator_args(y, sample_weight, class_weight, validation_split)
            if shuffle:
                warnings.warn("`shuffle=True` was passed, but will be ignored since the data "
                              "`x` was provided as a generator. The generator is expected to "
                              "yield already-shuffled data.", UserWarning, stacklevel=2)
            source = data_utils.GeneratorBatches(
                x, self._batch_converter(generator_class_weight))
            self._ensure_built(self._prepare_x(source.first_x()))
            general = True
            batch_size = data_utils.check_batch_size(batch_size)
        else:
            batch_size = data_utils.check_batch_size(batch_size)
            x, y, sample_weight = self._prepare_xy(x, y, sample_weight)
            if validation_split and validation_data is None:
                (x, y, sample_weight), val_split = data_utils.train_validation_split(
                    (x, y, sample_weight), validation_split)
            if class_weight is not None:
                if sample_weight is not None:
                    raise ValueError("You cannot `class_weight` and `sample_weight` at the "
                                     "same time.")
                sample_weight = data_utils.class_weights_to_sample_weights(
                    y, class_weight).astype(self._weight_dtype(x))
            self._build_and_check(x, y, sample_weight, batch_size)
            source = data_utils.ArrayBatches((x, y, sample_weight), batch_size, shuffle, rng)

        val_source = None
        val_batch_size = data_utils.check_batch_size(
            batch_size if validation_batch_size is None else validation_batch_size)
        if validation_data is not None:
            if data_adapter.is_dataset(validation_data):
                val_source = data_adapter.DatasetBatches(validation_data, self._batch_converter())
            elif data_utils.is_generator(validation_data):
                val_source = data_utils.GeneratorBatches(validation_data,
                                                         self._batch_converter())
            else:
                xv, yv, swv = self._prepare_xy(*data_utils.unpack_validation_data(
                    validation_data), name="x_val")
                self._check_targets_first(yv, swv)
                val_source = data_utils.ArrayBatches((xv, yv, swv), val_batch_size)
        elif val_split is not None:
            val_source = data_utils.ArrayBatches(val_split, val_batch_size)

        train_iter = data_utils.EpochIterator(source, steps_per_epoch) if general else None
        steps = train_iter.num_batches if general else source.num_batches
        dist = self._distribution
        if dist is not None:
            verbose, callbacks = dist.for_this_rank(verbose, callbacks)
            dist.begin_fit(self, None if general else (x, y, sample_weight))
        cbs = CallbackList(callbacks, add_history=True, add_progbar=verbose != 0, model=self,
                           verbose=verbose, epochs=int(epochs), steps=steps)
        self._train_variables = None    # layers may have been frozen or added since
        plan = targets = val_plan = None
        if not general and not isinstance(y, data_utils.Structured):
            plan = self._training_plan(x, y, sample_weight, batch_size)
            targets = plan.targets(y) if plan is not None else None
            if targets is None or (dist is not None and not plan.splits_steps()):
                plan = None
            if plan is not None and dist is None \
                    and isinstance(val_source, data_utils.ArrayBatches) \
                    and validation_steps is None and not _wants_batches(cbs, "test"):
                xv, yv, swv = val_source.arrays
                val_plan = self._training_plan(xv, yv, swv, val_source.batch_size, train=False)
        cbs._wants_train_batches = _wants_batches(cbs, "train")
        self.stop_training = False
        cbs.on_train_begin()
        training_logs = None
        for epoch in range(int(initial_epoch), int(epochs)):
            self.reset_metrics()
            cbs.on_epoch_begin(epoch)
            if general:
                logs = self._fit_epoch_iter(train_iter, cbs)
            else:
                order = rng.permutation(len(x)) if shuffle else None
                if dist is not None:
                    order = dist.broadcast_order(order)
                if plan is not None and dist is not None:
                    logs = self._fit_epoch_compiled_parallel(plan, targets, x, order,
                                                             batch_size, steps, cbs, dist)
                elif plan is not None:
                    logs = self._fit_epoch_compiled(plan, targets, x, order, batch_size, steps,
                                                    cbs, verbose)
                else:
                    logs = self._fit_epoch_layers(x, y, sample_weight, order, batch_size,
                                                  steps, cbs)
            epoch_logs = dict(logs)
            if val_source is not None and _should_eval(epoch, validation_freq):
                val_logs = self._validate(val_source, validation_steps, val_plan, cbs)
                epoch_logs.update({"val_" + k: v for k, v in val_logs.items()})
            cbs.on_epoch_end(epoch, epoch_logs)
            training_logs = epoch_logs
            if self.stop_training:
                break
        cbs.on_train_end(logs=training_logs)
        return cbs.history

    def _batch_converter(self, class_weight=None):
        """Turns a raw generator batch (x, y, sw) into checked arrays."""
        def convert(batch):
            xb, yb, swb = batch
            if yb is None:
                return self._prepare_x(xb), None, None
            xb, yb, swb = self._prepare_xy(xb, yb, swb)
            if class_weight is not None:
                cw = data_utils.class_weights_to_sample_weights(yb, class_weight)
                swb = cw.astype(self._weight_dtype(xb)) if swb is None else swb * cw
            self._check_targets_first(yb, swb)
            return xb, yb, swb
        return convert

    def _validate(self, val_source, validation_steps, val_plan, cbs):
        if validation_steps is None and isinstance(val_source, data_utils.ArrayBatches):
            xv, yv, swv = val_source.arrays
            if val_plan is not None and val_plan.targets(yv) is not None:
                return self._evaluate_compiled(val_plan, xv, yv, cbs)
            return self._run_evaluation(xv, yv, swv, val_source.batch_size, callbacks=cbs)
        return self._evaluate_iter(data_utils.EpochIterator(val_source, validation_steps), cbs)

    @staticmethod
    def _iter_batches(epoch_iter, on_batch_begin, what):
        """Yields `(step, x, y, sample_weight)` from an EpochIterator, calling
        `on_batch_begin(step)` before each batch is drawn; `what` names the
        caller ("Training", "Evaluation") in the error for batches with no y."""
        for step in epoch_iter.steps():
            on_batch_begin(step)
            batch = epoch_iter.next_batch()
            if batch is None:
                return
            xb, yb, swb = batch
            if yb is None:
                raise ValueError("%s needs targets: the generator yielded (x,) "
                                 "batches with no y" % what)
            yield step, xb, yb, swb

    def _fit_epoch_iter(self, epoch_iter, cbs):
        """One epoch over an EpochIterator (generators, steps_per_epoch)."""
        return self._fit_batches(self._iter_batches(epoch_iter, cbs.on_train_batch_begin,
                                                    "Training"), cbs)

    def _fit_batches(self, batches, cbs):
        """The eager executor's training loop over `(step, x, y, sample_weight)`."""
        logs = {}
        dist = self._distribution
        for step, xb, yb, swb in batches:
            self._train_step(xb, yb, swb)
            if dist is None:
                logs = self._logs()
            else:
                with dist.global_metrics():
                    logs = self._logs()
            cbs.on_train_batch_end(step, logs)
            if self.stop_training:
                break
        return logs

    def _evaluate_iter(self, epoch_iter, cbs):
        """Evaluation over an EpochIterator (generators, `steps`)."""
        return self._evaluate_batches(self._iter_batches(epoch_iter, cbs.on_test_batch_begin,
                                                         "Evaluation"), cbs)

    def _evaluate_batches(self, batches, cbs=None, dist=None):
        """The eager executor's evaluation loop over `(step, x, y, sample_weight)`;
        with `dist` (the batches were this rank's shard) the metrics end with
        their states summed over the ranks."""
        self.reset_metrics()
        if cbs is not None:
            cbs.on_test_begin()
        for step, xb, yb, swb in batches:
            self._test_step(xb, yb, swb)
            if cbs is not None:
                cbs.on_test_batch_end(step, self._logs())
        if dist is not None:
            dist.sum_metrics(self.metrics)
        logs = self._logs()
        if cbs is not None:
            cbs.on_test_end(logs)
        return logs

    def _fit_epoch_layers(self, x, y, sample_weight, order, batch_size, steps, cbs):
        """One epoch of arrays on the eager executor, in the order `order`."""
        return self._fit_batches(_array_batches((x, y, sample_weight), order, batch_size,
                                                steps, cbs.on_train_batch_begin), cbs)

    def _fit_epoch_compiled(self, plan, targets, x, order, batch_size, steps, cbs, verbose):
        """One epoch through the compiled plan: many steps per C call, Python in
        between only as often as callbacks or the progress bar need it."""
        t, labels = targets
        index = None if order is None else order.astype(np.int64, copy=False)
        per_batch = getattr(cbs, "_wants_train_batches", None)
        if per_batch is None:
            per_batch = _wants_batches(cbs, "train")
        # Chunks of about 0.05 s of work with the progress bar (20 updates a
        # second, as Keras draws them), else of about 0.1 s: a Ctrl-C waits
        # for the end of the chunk, where the model is consistent.
        seconds = 0.05 if verbose == 1 else 0.1
        chunk = 1
        opt = self.optimizer
        step = 0
        logs = {}
        with DeferredInterrupt() as interrupt:
            while step < steps:
                ns = 1 if per_batch else min(chunk, steps - step)
                if per_batch:
                    cbs.on_train_batch_begin(step)
                plan.sync()
                params = plan.step_params(ns)
                keys = plan.keys.draw(ns)
                started = time.perf_counter()
                sums = plan.plan.train(x, t, labels, index, batch_size, step, ns, params, keys,
                                       plan.sums())
                elapsed = time.perf_counter() - started
                opt.iterations.value[...] += ns
                plan.account(sums)
                step += ns
                logs = self._logs()
                interrupt.check()
                cbs.on_train_batch_end(step - 1, logs)
                if self.stop_training:
                    break
                if not per_batch:
                    chunk = max(1, min(steps, 2 * ns, int(seconds * ns / max(elapsed, 1e-9))))
        return logs

    def _fit_epoch_compiled_parallel(self, plan, targets, x, order, batch_size, steps, cbs,
                                     dist):
        """One epoch through the compiled plan under data parallelism, a step
        at a time: this rank's gradients of its shard of the global batch
        (weighted by the shard's size) from C, one Allreduce of the packed
        buffer, then the same update on every rank, in C."""
        t, labels = targets
        rows = np.arange(len(x), dtype=np.int64) if order is None \
            else order.astype(np.int64, copy=False)
        grad = np.empty(plan.plan.gradient_size, dtype=np.float32)
        per_batch = getattr(cbs, "_wants_train_batches", None)
        if per_batch is None:
            per_batch = _wants_batches(cbs, "train")
        opt = self.optimizer
        logs = {}
        for step in range(steps):
            if per_batch:
                cbs.on_train_batch_begin(step)
            plan.sync()
            batch = rows[step * batch_size:(step + 1) * batch_size]
            shard = batch[slice(*dist.shard_range(len(batch)))]
            sums = plan.plan.gradients(x, t, labels, np.ascontiguousarray(shard),
                                       len(shard) / float(len(batch)), grad)
            sums = dist.reduce_packed(grad, sums)
            plan.plan.apply(grad, plan.step_params(1)[0])
            opt.iterations.value[...] += 1
            plan.account([a + b for a, b in zip(plan.sums(), sums)])
            logs = self._logs()
            if per_batch:
                cbs.on_train_batch_end(step, logs)
            if self.stop_training:
                break
        return logs

    def _training_plan(self, x, y, sample_weight, batch_size, train=True):
        """The compiled executor's plan for fit (or evaluate), or None: the
        model or the data run on the eager executor."""
        if not self._allow_plans:
            return None
        if self._outputs is None:
            self._build_and_check(x, y, sample_weight)
        if self._loss_spec is None:
            return None
        state = compiled.Compiled(self._loss_spec, self._metrics, self._loss_tracker,
                                  self._plan_cache)
        return compiled.training_plan(self, state, x, y, sample_weight, batch_size, train)

    def _evaluate_compiled(self, plan, x, y, callbacks=None):
        self.reset_metrics()
        t, labels = plan.targets(y)
        if callbacks is not None:
            callbacks.on_test_begin()
        plan.account(plan.plan.evaluate(x, t, labels, plan.sums()))
        logs = self._logs()
        if callbacks is not None:
            callbacks.on_test_batch_end(max(0, callbacks.params.get("steps", 1) - 1)
                                        if callbacks.params else 0, logs)
            callbacks.on_test_end(logs=logs)
        return logs

    def _run_evaluation(self, x, y, sample_weight, batch_size, callbacks=None):
        """Evaluation of arrays on the eager executor; under a distribution
        each rank evaluates its contiguous shard of the rows and the metrics'
        states are summed over the ranks at the end."""
        dist = self._distribution
        if dist is not None:
            x, y, sample_weight = dist.shard(x, y, sample_weight)
        begin = callbacks.on_test_batch_begin if callbacks is not None else (lambda step: None)
        return self._evaluate_batches(_array_batches((x, y, sample_weight), None, batch_size,
                                                     -(-len(x) // batch_size), begin),
                                      callbacks, dist)

    # -- evaluate / predict ----------------------------------------------------
    @_one_at_a_time
    @_distributed
    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None,
                 steps=None, callbacks=None, return_dict=False):
        """Returns the loss (a float), or `[loss, *metrics]` in compile order,
        or a dict with `return_dict=True`.

        Args:
            x: Inputs, or a generator yielding `(x, y)` / `(x, y, sample_weight)`.
            batch_size: Defaults to `32`.
            verbose: `"auto"` (= 1), 0 or 1. Defaults to `"auto"`.
            steps: Number of batches to evaluate. Defaults to `None` (all).
        """
        self._assert_compiled()
        verbose = _check_verbose(verbose)
        steps = _check_steps("steps", steps)
        if data_adapter.is_dataset(x):
            data_adapter.check_dataset_args(x, y, sample_weight)
            source = data_adapter.DatasetBatches(x, self._batch_converter(), allow_bare=False)
            self._ensure_built(self._prepare_x(source.first_x()))
        elif data_utils.is_generator(x):
            _check_generator_args(y, sample_weight, None, None)
            source = data_utils.GeneratorBatches(x, self._batch_converter())
            self._ensure_built(self._prepare_x(source.first_x()))
        else:
            batch_size = data_utils.check_batch_size(batch_size)
            x, y, sample_weight = self._prepare_xy(x, y, sample_weight)
            self._build_and_check(x, y, sample_weight, batch_size)
            source = data_utils.ArrayBatches((x, y, sample_weight), batch_size)
        if steps is not None or isinstance(source, (data_utils.GeneratorBatches,
                                                    data_adapter.DatasetBatches)):
            it = data_utils.EpochIterator(source, steps)
            cbs = CallbackList(callbacks, add_progbar=verbose != 0, model=self,
                               verbose=verbose, epochs=1, steps=it.num_batches)
            logs = self._evaluate_iter(it, cbs)
            return self._format_results(logs, return_dict)
        cbs = CallbackList(callbacks, add_progbar=verbose != 0, model=self, verbose=verbose,
                           epochs=1, steps=source.num_batches)
        plan = None
        if self._distribution is None and not _wants_batches(cbs, "test") \
                and not isinstance(y, data_utils.Structured):
            # batches of batch_size, as the eager executor: the same rows through
            # the same GEMM paths, so the same reported loss bit for bit
            plan = self._training_plan(x, y, sample_weight, source.batch_size, train=False)
        if plan is not None and plan.targets(y) is not None:
            logs = self._evaluate_compiled(plan, x, y, cbs)
        else:
            logs = self._run_evaluation(x, y, sample_weight, batch_size, callbacks=cbs)
        return self._format_results(logs, return_dict)

    def _format_results(self, logs, return_dict):
        if return_dict:
            return logs
        ordered = [logs[m.name] for m in self.metrics if m.name in logs]
        return ordered[0] if len(ordered) == 1 else ordered

    @_distributed
    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None):
        """Returns the model's output for all of `x`, computed in batches.

        Args:
            x: Inputs, or a generator yielding `(x,)` or `(x, y)` batches.
            batch_size: Defaults to `32`.
            verbose: `"auto"` (= 1), 0 or 1. Defaults to `"auto"`.
            steps: Number of batches to predict. Defaults to `None` (all).
        """
        fast = self._plan_cache.get("predict_fast")
        dist = self._distribution
        if fast is not None and dist is None and verbose == 0 and callbacks is None \
                and batch_size is None and steps is None and type(x) is np.ndarray \
                and x.dtype == np.float32 and x.ndim == 2 and x.flags.c_contiguous \
                and x.shape[1] == fast[0] and 0 < len(x) <= fast[1]:
            # the quick road for small float32 batches: checks (NaN and infinity
            # in C), then one C call
            return fast[2].predict(x)
        verbose = _check_verbose(verbose)
        steps = _check_steps("steps", steps)
        if data_adapter.is_dataset(x):
            source = data_adapter.DatasetBatches(x, self._batch_converter())
            self._ensure_built(self._prepare_x(source.first_x()))
            return self._predict_iter(data_utils.EpochIterator(source, steps), callbacks,
                                      verbose)
        if data_utils.is_generator(x):
            source = data_utils.GeneratorBatches(x, self._batch_converter(),
                                                 allow_bare=getattr(self, "_bare_batches",
                                                                    False))
            self._ensure_built(self._prepare_x(source.first_x()))
            return self._predict_iter(data_utils.EpochIterator(source, steps), callbacks,
                                      verbose)
        batch_size = data_utils.check_batch_size(batch_size)
        x = self._prepare_x(x)
        self._ensure_built(x, batch_size)
        if steps is not None:
            source = data_utils.ArrayBatches((x,), batch_size)
            return self._predict_iter(data_utils.EpochIterator(source, steps), callbacks,
                                      verbose)
        if dist is None:
            return self._predict_arrays(x, batch_size, verbose, callbacks)
        # each rank predicts its contiguous shard; the shards are gathered in order
        verbose, callbacks = dist.for_this_rank(verbose, callbacks)
        local = self._predict_arrays(dist.shard(x)[0], batch_size, verbose, callbacks)
        return _concatenate(dist.gather(local))

    def _predict_arrays(self, x, batch_size, verbose, callbacks):
        """predict over the array `x` in batches (or in one C call)."""
        n = len(x)
        if verbose == 0 and not callbacks and x.ndim == 2 and n:
            plan = compiled.inference_plan(self, n, self._plan_cache) \
                if self._allow_plans else None
            if plan is not None:
                return plan.predict(x)     # one C call, no per-layer Python
        steps = -(-n // batch_size)
        cbs = CallbackList(callbacks, add_progbar=verbose != 0, model=self, verbose=verbose,
                           epochs=1, steps=steps)
        cbs.on_predict_begin()
        outputs = []
        for step in range(steps):
            lo, hi = step * batch_size, min(n, (step + 1) * batch_size)
            cbs.on_predict_batch_begin(step)
            yb = self._infer(x[lo:hi])
            outputs.append(yb)
            cbs.on_predict_batch_end(step, {"outputs": yb})
        cbs.on_predict_end()
        return _concatenate(outputs) if outputs else self._empty_output(x)

    def _empty_output(self, x):
        return np.empty((0,) + tuple(self.compute_output_shape((0,) + x.shape[1:]))[1:],
                        dtype=self.dtype)

    def _predict_iter(self, epoch_iter, callbacks, verbose):
        cbs = CallbackList(callbacks, add_progbar=verbose != 0, model=self, verbose=verbose,
                           epochs=1, steps=epoch_iter.num_batches)
        cbs.on_predict_begin()
        outputs = []
        for step in epoch_iter.steps():
            cbs.on_predict_batch_begin(step)
            batch = epoch_iter.next_batch()
            if batch is None:
                break
            yb = self._infer(batch[0])
            outputs.append(yb)
            cbs.on_predict_batch_end(step, {"outputs": yb})
        cbs.on_predict_end()
        if not outputs:
            raise ValueError("Unexpected result of `predict_function` (Empty batch_outputs). "
                             "Please use `Model.compile(..., run_eagerly=True)`, or "
                             "`tf.config.run_functions_eagerly(True)` for more information "
                             "of where went wrong, or file a issue/bug to `tf.keras`.")
        return _concatenate(outputs)

    # -- on-batch API ----------------------------------------------------------
    @_one_at_a_time
    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None, return_dict=False):
        """One gradient update on one batch; returns its loss (and metrics)."""
        self._assert_compiled()
        x, y, sample_weight = self._prepare_xy(x, y, sample_weight)
        if class_weight is not None:
            cw = data_utils.class_weights_to_sample_weights(y, class_weight).astype(
                self._weight_dtype(x))
            sample_weight = cw if sample_weight is None else sample_weight * cw
        self._build_and_check(x, y, sample_weight)
        self._train_variables = None    # layers may have been frozen or added since
        self.reset_metrics()
        self._train_step(x, y, sample_weight)
        return self._format_results(self._logs(), return_dict)

    @_one_at_a_time
    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False):
        """Loss (and metrics) of one batch, without updating the model."""
        self._assert_compiled()
        x, y, sample_weight = self._prepare_xy(x, y, sample_weight)
        self._build_and_check(x, y, sample_weight)
        self.reset_metrics()
        self._test_step(x, y, sample_weight)
        return self._format_results(self._logs(), return_dict)

    def predict_on_batch(self, x):
        """The model's output for one batch, as a NumPy array."""
        x = self._prepare_x(x)
        self._ensure_built(x)
        return self._infer(x)

    # -- Keras 2 idioms ------------------------------------------------------------
    def predict_classes(self, x, batch_size=32, verbose=0):
        """Keras 2: class indices (argmax), or 0/1 for a single sigmoid output."""
        warn_deprecated("model.predict_classes(x)",
                        "np.argmax(model.predict(x), axis=-1) (or (model.predict(x) > 0.5)"
                        ".astype('int32') for a single sigmoid output)")
        proba = self.predict(x, batch_size=batch_size, verbose=verbose)
        if proba.shape[-1] > 1:
            return proba.argmax(axis=-1)
        return (proba > 0.5).astype("int32")

    def predict_proba(self, x, batch_size=32, verbose=0):
        """Keras 2: the model's output (probabilities)."""
        warn_deprecated("model.predict_proba(x)", "model.predict(x)")
        preds = self.predict(x, batch_size=batch_size, verbose=verbose)
        if preds.size and (preds.min() < 0.0 or preds.max() > 1.0):
            warnings.warn("Network returning invalid probability values. The last layer might "
                          "not normalize predictions into probabilities (like softmax or "
                          "sigmoid would).", stacklevel=2)
        return preds

    def fit_generator(self, generator, steps_per_epoch=None, epochs=1, verbose=1,
                      callbacks=None, validation_data=None, validation_steps=None,
                      validation_freq=1, class_weight=None, max_queue_size=10, workers=1,
                      use_multiprocessing=False, shuffle=True, initial_epoch=0, **kwargs):
        """Keras 2: `fit` on a generator (its `class_weight` applies per batch)."""
        warn_deprecated("model.fit_generator(...)", "model.fit(generator, ...)")
        if "nb_epoch" in kwargs:
            epochs = kwargs.pop("nb_epoch")
        if kwargs:
            raise TypeError("fit_generator() got an unexpected keyword argument %r"
                            % next(iter(kwargs)))
        return self.fit(generator, steps_per_epoch=steps_per_epoch, epochs=epochs,
                        verbose=verbose, callbacks=callbacks, validation_data=validation_data,
                        validation_steps=validation_steps, validation_freq=validation_freq,
                        shuffle=False, initial_epoch=initial_epoch,
                        _generator_class_weight=class_weight)

    def evaluate_generator(self, generator, steps=None, callbacks=None, max_queue_size=10,
                           workers=1, use_multiprocessing=False, verbose=0):
        """Keras 2: `evaluate` on a generator."""
        warn_deprecated("model.evaluate_generator(...)", "model.evaluate(generator, ...)")
        return self.evaluate(generator, steps=steps, callbacks=callbacks, verbose=verbose)

    def predict_generator(self, generator, steps=None, callbacks=None, max_queue_size=10,
                          workers=1, use_multiprocessing=False, verbose=0):
        """Keras 2: `predict` on a generator (bare `x` batches are accepted)."""
        warn_deprecated("model.predict_generator(...)", "model.predict(generator, ...)")
        self._bare_batches = True
        try:
            return self.predict(generator, steps=steps, callbacks=callbacks, verbose=verbose)
        finally:
            self._bare_batches = False


def _to_numpy(y):
    if isinstance(y, dict):
        return {k: np.asarray(v) for k, v in y.items()}
    if isinstance(y, (list, tuple)):
        return [np.asarray(v) for v in y]
    return np.asarray(y)


def _concatenate(batches):
    """Per-batch outputs (arrays, or lists / dicts of them) joined along axis 0."""
    first = batches[0]
    if isinstance(first, dict):
        return {k: np.concatenate([b[k] for b in batches], axis=0) for k in first}
    if isinstance(first, list):
        return [np.concatenate([b[i] for b in batches], axis=0) for i in range(len(first))]
    return np.concatenate(batches, axis=0)


def _array_batches(arrays, order, batch_size, steps, on_batch_begin):
    """Yields `(step, *batch)` slices of `arrays` (gathered by `order` when
    shuffled), calling `on_batch_begin(step)` before each."""
    n = len(arrays[0])
    for step in range(steps):
        on_batch_begin(step)
        lo, hi = step * batch_size, min(n, (step + 1) * batch_size)
        if order is None:
            batch = tuple(None if a is None else a[lo:hi] for a in arrays)
        else:
            idx = order[lo:hi]
            batch = tuple(None if a is None else a.take(idx, axis=0) for a in arrays)
        yield (step,) + batch


def _wants_batches(callbacks, kind):
    """Whether any callback (other than the progress bar) overrides a per-batch
    hook of fit ("train") or of evaluation ("test")."""
    names = (("on_train_batch_begin", "on_train_batch_end", "on_batch_begin", "on_batch_end")
             if kind == "train" else ("on_test_batch_begin", "on_test_batch_end"))
    for cb in callbacks.callbacks:
        if isinstance(cb, ProgbarLogger) or getattr(cb, "_batch_hooks_idle", False):
            continue
        if any(getattr(type(cb), h) is not getattr(Callback, h) or h in vars(cb)
               for h in names):
            return True
    return False


def _should_eval(epoch, validation_freq):
    epoch += 1    # validation_freq counts epochs from 1
    if isinstance(validation_freq, (list, tuple)):
        return epoch in validation_freq
    return epoch % validation_freq == 0


def _check_validation_freq(validation_freq):
    if isinstance(validation_freq, (list, tuple)):
        return
    if isinstance(validation_freq, bool) or not isinstance(validation_freq, (int, np.integer)) \
            or validation_freq < 1:
        raise ValueError("Expected `validation_freq` to be a list or a positive int. Received: "
                         "validation_freq=%r of the type %s."
                         % (validation_freq, type(validation_freq)))


def _check_steps(name, steps):
    if steps is None:
        return None
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 1:
        raise ValueError("%s must be a positive integer or None. Received: %s=%r"
                         % (name, name, steps))
    return int(steps)


def _check_generator_args(y, sample_weight, class_weight, validation_split):
    if y is not None:
        raise ValueError("When providing `x` as a generator, `y` should not be passed. "
                         "Instead, the targets should be included as part of the generator.")
    if sample_weight is not None:
        raise ValueError("When providing `x` as a generator, `sample_weights` should not be "
                         "passed. Instead, the sample weights should be included as part of "
                         "the generator.")
    if class_weight is not None:
        raise ValueError("Argument `class_weight` is not supported for Python generator "
                         "inputs. Received: class_weight=%r" % (class_weight,))
    if validation_split:
        raise ValueError("Argument `validation_split` is only supported for tensors or NumPy "
                         "arrays. Found incompatible type in the input: [generator]")


def _check_verbose(verbose):
    if verbose == "auto":
        return 1
    if verbose not in (0, 1, 2):
        raise ValueError("verbose must be 'auto', 0, 1 or 2. Received: verbose=%r" % (verbose,))
    return int(verbose)
