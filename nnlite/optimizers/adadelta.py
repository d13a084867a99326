"""Adadelta: steps scaled by running RMS of past updates over past gradients."""
from nnlite import _core
from nnlite.optimizers.optimizer import Optimizer, check_decay_rate, check_nonneg


class Adadelta(Optimizer):
    """Adadelta (Zeiler, 2012), in Keras's form with a learning rate.

    `acc_g = rho * acc_g + (1 - rho) * g^2`,
    `delta = -sqrt(acc_d + epsilon) * g / sqrt(acc_g + epsilon)` (with `acc_d`
    from before this step), `acc_d = rho * acc_d + (1 - rho) * delta^2`,
    `w += learning_rate * delta`.

    Args:
        learning_rate: A float or a schedule. Defaults to `0.001` (the paper's
            form is `1.0`).
        rho: The decay rate. Defaults to `0.95`.
        epsilon: Defaults to `1e-7`.
        name: Defaults to `None` (the snake_case class name).
        **kwargs: The common arguments of `Optimizer`.

    Example:

    >>> opt = Adadelta(learning_rate=1.0)
    """

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-7, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.rho = check_decay_rate("rho", rho, upper_inclusive=True)
        self.epsilon = check_nonneg("epsilon", epsilon)
        self._accumulated_grads, self._accumulated_delta_vars = [], []

    def build(self, variables):
        super().build(variables)
        self._accumulated_grads = [self.add_variable_from_reference(v, "accumulated_grad")
                                   for v in variables]
        self._accumulated_delta_vars = [
            self.add_variable_from_reference(v, "accumulated_delta_var") for v in variables]

    def _slot_variables(self):
        out = []
        for a, d in zip(self._accumulated_grads, self._accumulated_delta_vars):
            out += [a, d]
        return out

    def update_step(self, index, gradient, variable, learning_rate):
        _core.adadelta_update(variable.value, gradient, learning_rate, self.rho, self.epsilon,
                              self._accumulated_grads[index].value,
                              self._accumulated_delta_vars[index].value)

    def executor_spec(self):
        """`{"kind": "adadelta", "rho", "epsilon", ...common}`."""
        common = self._executor_common(Adadelta)
        if common is None:
            return None
        return dict(common, kind="adadelta", rho=self.rho, epsilon=self.epsilon)

    def executor_slots(self, index):
        return {"accumulated_grad": self._accumulated_grads[index],
                "accumulated_delta_var": self._accumulated_delta_vars[index]}

    def get_config(self):
        config = super().get_config()
        config.update({"rho": self.rho, "epsilon": self.epsilon})
        return config
