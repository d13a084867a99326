"""Adam, in Keras's form (epsilon added to sqrt(v), bias correction in the step)."""
import math

from nnlite import _core
from nnlite.optimizers.optimizer import Optimizer, check_decay_rate, check_nonneg


class Adam(Optimizer):
    """Adam: adaptive moment estimation.

    With t the step number (from 1):
    `m += (g - m) * (1 - beta_1)`, `v += (g^2 - v) * (1 - beta_2)`,
    `alpha = learning_rate * sqrt(1 - beta_2^t) / (1 - beta_1^t)`,
    `w -= alpha * m / (sqrt(v) + epsilon)`; with amsgrad, `v` is replaced by
    the running maximum of `v`.

    Args:
        learning_rate: A float or a schedule. Defaults to `0.001`.
        beta_1: Defaults to `0.9`.
        beta_2: Defaults to `0.999`.
        epsilon: Defaults to `1e-7`.
        amsgrad: Defaults to `False`.
        name: Defaults to `None` (the snake_case class name).
        **kwargs: The common arguments of `Optimizer` (`weight_decay`,
            `clipnorm`, `clipvalue`, `global_clipnorm`, ...).
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 amsgrad=False, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.beta_1 = check_decay_rate("beta_1", beta_1)
        self.beta_2 = check_decay_rate("beta_2", beta_2)
        self.epsilon = float(check_nonneg("epsilon", epsilon))
        self.amsgrad = bool(amsgrad)
        self._momentums, self._velocities, self._velocity_hats = [], [], []

    def build(self, variables):
        super().build(variables)
        self._momentums = [self.add_variable_from_reference(v, "momentum") for v in variables]
        self._velocities = [self.add_variable_from_reference(v, "velocity") for v in variables]
        self._velocity_hats = ([self.add_variable_from_reference(v, "velocity_hat")
                                for v in variables] if self.amsgrad else [])

    def _slot_variables(self):
        """Keras's order: (momentum, velocity) per variable, then every velocity_hat."""
        out = []
        for m, v in zip(self._momentums, self._velocities):
            out += [m, v]
        return out + list(self._velocity_hats)

    def update_step(self, index, gradient, variable, learning_rate):
        t = int(self._iterations.value) + 1
        alpha = learning_rate * math.sqrt(1 - self.beta_2 ** t) / (1 - self.beta_1 ** t)
        vhat = self._velocity_hats[index].value if self.amsgrad else None
        _core.adam_update(variable.value, gradient, alpha, self.beta_1, self.beta_2,
                          self.epsilon, self._momentums[index].value,
                          self._velocities[index].value, vhat)

    def executor_spec(self):
        """`{"kind": "adam", "beta_1", "beta_2", "epsilon", "amsgrad", ...common}`
        (AdamW too: its decay is the common `weight_decay`)."""
        common = self._executor_common(Adam)
        if common is None:
            return None
        return dict(common, kind="adam", beta_1=self.beta_1, beta_2=self.beta_2,
                    epsilon=self.epsilon, amsgrad=self.amsgrad)

    def executor_slots(self, index):
        slots = {"momentum": self._momentums[index], "velocity": self._velocities[index]}
        if self.amsgrad:
            slots["velocity_hat"] = self._velocity_hats[index]
        return slots

    _EXECUTOR_FACTORS = True

    def _executor_factors(self, t, lr, row):
        row[1] = lr * math.sqrt(1 - self.beta_2 ** t) / (1 - self.beta_1 ** t)

    def get_config(self):
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon,
                       "amsgrad": self.amsgrad})
        return config
