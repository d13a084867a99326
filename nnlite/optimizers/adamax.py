"""Adamax: Adam with the infinity norm in place of the second moment."""
from nnlite import _core
from nnlite.optimizers.optimizer import Optimizer, check_decay_rate, check_nonneg


class Adamax(Optimizer):
    """Adamax (Kingma & Ba, 2014, section 7.1).

    With t the step number (from 1): `m += (g - m) * (1 - beta_1)`,
    `u = max(beta_2 * u, |g|)`,
    `w -= learning_rate * m / ((1 - beta_1^t) * (u + epsilon))`.

    Args:
        learning_rate: A float or a schedule. Defaults to `0.001`.
        beta_1: Decay rate of the first moment. Defaults to `0.9`.
        beta_2: Decay rate of the infinity norm. Defaults to `0.999`.
        epsilon: Defaults to `1e-7`.
        name: Defaults to `None` (the snake_case class name).
        **kwargs: The common arguments of `Optimizer`.

    Example:

    >>> opt = Adamax(learning_rate=0.002)
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, name=None,
                 **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.beta_1 = check_decay_rate("beta_1", beta_1)
        self.beta_2 = check_decay_rate("beta_2", beta_2)
        self.epsilon = check_nonneg("epsilon", epsilon)
        self._m, self._u = [], []

    def build(self, variables):
        super().build(variables)
        self._m = [self.add_variable_from_reference(v, "momentum") for v in variables]
        self._u = [self.add_variable_from_reference(v, "norm") for v in variables]

    def _slot_variables(self):
        out = []
        for m, u in zip(self._m, self._u):
            out += [m, u]
        return out

    def update_step(self, index, gradient, variable, learning_rate):
        t = int(self._iterations.value) + 1
        _core.adamax_update(variable.value, gradient, learning_rate, self.beta_1, self.beta_2,
                            self.epsilon, 1.0 - self.beta_1 ** t, self._m[index].value,
                            self._u[index].value)

    def executor_spec(self):
        """`{"kind": "adamax", "beta_1", "beta_2", "epsilon", ...common}`."""
        common = self._executor_common(Adamax)
        if common is None:
            return None
        return dict(common, kind="adamax", beta_1=self.beta_1, beta_2=self.beta_2,
                    epsilon=self.epsilon)

    def executor_slots(self, index):
        return {"momentum": self._m[index], "norm": self._u[index]}

    _EXECUTOR_FACTORS = True

    def _executor_factors(self, t, lr, row):
        row[1] = 1.0 - self.beta_1 ** t

    def get_config(self):
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon})
        return config
