"""RMSprop, Keras's default optimizer in `compile()`."""
from nnlite import _core
from nnlite.optimizers.optimizer import Optimizer, check_decay_rate, check_nonneg


class RMSprop(Optimizer):
    """RMSprop: divides the gradient by a running root mean square.

    `v = rho * v + (1 - rho) * g^2`; centered: `mg = rho * mg + (1 - rho) * g`
    and `v - mg^2` replaces `v` below; `inc = learning_rate * g / sqrt(v + epsilon)`;
    with momentum `m = momentum * m + inc; w -= m`, else `w -= inc`.

    Args:
        learning_rate: A float or a schedule. Defaults to `0.001`.
        rho: Defaults to `0.9`.
        momentum: Defaults to `0.0`.
        epsilon: Defaults to `1e-7`.
        centered: Defaults to `False`.
        name: Defaults to `None` (the snake_case class name).
        **kwargs: The common arguments of `Optimizer` (`weight_decay`,
            `clipnorm`, `clipvalue`, `global_clipnorm`, ...).
    """

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7,
                 centered=False, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.rho = check_decay_rate("rho", rho, upper_inclusive=True)
        self.momentum = check_decay_rate("momentum", momentum, upper_inclusive=True)
        self.epsilon = float(check_nonneg("epsilon", epsilon))
        self.centered = bool(centered)
        self._velocities, self._momentums, self._average_gradients = [], [], []

    def build(self, variables):
        super().build(variables)
        self._velocities = [self.add_variable_from_reference(v, "velocity") for v in variables]
        self._momentums = ([self.add_variable_from_reference(v, "momentum") for v in variables]
                           if self.momentum > 0 else [])
        self._average_gradients = ([self.add_variable_from_reference(v, "average_gradient")
                                    for v in variables] if self.centered else [])

    def _slot_variables(self):
        return list(self._velocities) + list(self._momentums) + list(self._average_gradients)

    def update_step(self, index, gradient, variable, learning_rate):
        mg = self._average_gradients[index].value if self.centered else None
        m = self._momentums[index].value if self.momentum > 0 else None
        _core.rmsprop_update(variable.value, gradient, learning_rate, self.rho, self.momentum,
                             self.epsilon, self.centered, self._velocities[index].value, mg, m)

    def executor_spec(self):
        """`{"kind": "rmsprop", "rho", "momentum", "epsilon", "centered", ...common}`."""
        common = self._executor_common(RMSprop)
        if common is None:
            return None
        return dict(common, kind="rmsprop", rho=self.rho, momentum=self.momentum,
                    epsilon=self.epsilon, centered=self.centered)

    def executor_slots(self, index):
        slots = {"velocity": self._velocities[index]}
        if self.centered:
            slots["average_gradient"] = self._average_gradients[index]
        if self.momentum > 0:
            slots["momentum"] = self._momentums[index]
        return slots

    def get_config(self):
        config = super().get_config()
        config.update({"rho": self.rho, "momentum": self.momentum, "epsilon": self.epsilon,
                       "centered": self.centered})
        return config
