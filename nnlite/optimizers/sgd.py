"""Stochastic gradient descent, with momentum and Nesterov momentum."""
from nnlite import _core
from nnlite.optimizers.optimizer import Optimizer, check_decay_rate


class SGD(Optimizer):
    """Gradient descent (with momentum).

    Without momentum: `w = w - learning_rate * g`. With momentum:
    `m = momentum * m - learning_rate * g; w = w + m`, and with Nesterov
    `w = w + momentum * m - learning_rate * g`.

    Args:
        learning_rate: A float or a schedule. Defaults to `0.01`.
        momentum: A float >= 0. Defaults to `0.0`.
        nesterov: Defaults to `False`.
        name: Defaults to `None` (the snake_case class name).
        **kwargs: The common arguments of `Optimizer` (`weight_decay`,
            `clipnorm`, `clipvalue`, `global_clipnorm`, ...).
    """

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.momentum = check_decay_rate("momentum", momentum, upper_inclusive=True)
        self.nesterov = bool(nesterov)
        self.momentums = []

    def build(self, variables):
        super().build(variables)
        self.momentums = ([self.add_variable_from_reference(v, "momentum") for v in variables]
                          if self.momentum != 0 else [])

    def _slot_variables(self):
        return list(self.momentums)

    def update_step(self, index, gradient, variable, learning_rate):
        m = self.momentums[index].value if self.momentum != 0 else None
        _core.sgd_update(variable.value, gradient, learning_rate, self.momentum,
                         self.nesterov, m)

    def executor_spec(self):
        """`{"kind": "sgd", "momentum", "nesterov", ...common}` (see `Optimizer`)."""
        common = self._executor_common(SGD)
        if common is None:
            return None
        return dict(common, kind="sgd", momentum=self.momentum, nesterov=self.nesterov)

    def executor_slots(self, index):
        return {"momentum": self.momentums[index]} if self.momentum != 0 else {}

    def get_config(self):
        config = super().get_config()
        config.update({"momentum": self.momentum, "nesterov": self.nesterov})
        return config
