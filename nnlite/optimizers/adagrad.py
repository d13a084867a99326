"""Adagrad: per-parameter learning rates from the sum of squared gradients."""
from nnlite import _core
from nnlite.optimizers.optimizer import Optimizer, check_nonneg


class Adagrad(Optimizer):
    """Adagrad: parameters that have received large gradients take smaller steps.

    `acc += g^2`, `w -= learning_rate * g / sqrt(acc + epsilon)`, with `acc`
    starting at `initial_accumulator_value`.

    Args:
        learning_rate: A float or a schedule. Defaults to `0.001`.
        initial_accumulator_value: A float >= 0, the starting value of the
            accumulators. Defaults to `0.1`.
        epsilon: Defaults to `1e-7`.
        name: Defaults to `None` (the snake_case class name).
        **kwargs: The common arguments of `Optimizer` (`weight_decay`,
            `clipnorm`, `clipvalue`, `global_clipnorm`, ...).

    Example:

    >>> opt = Adagrad(learning_rate=0.01)
    """

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7,
                 name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        if initial_accumulator_value < 0:
            raise ValueError("`initial_accumulator_value` must be >= 0. Received: "
                             "initial_accumulator_value=%r" % (initial_accumulator_value,))
        self.initial_accumulator_value = check_nonneg("initial_accumulator_value",
                                                      initial_accumulator_value)
        self.epsilon = check_nonneg("epsilon", epsilon)
        self._accumulators = []

    def build(self, variables):
        super().build(variables)
        self._accumulators = [
            self.add_variable_from_reference(v, "accumulator",
                                             initial=self.initial_accumulator_value)
            for v in variables]

    def _slot_variables(self):
        return list(self._accumulators)

    def update_step(self, index, gradient, variable, learning_rate):
        _core.adagrad_update(variable.value, gradient, learning_rate, self.epsilon,
                             self._accumulators[index].value)

    def executor_spec(self):
        """`{"kind": "adagrad", "epsilon", ...common}`."""
        common = self._executor_common(Adagrad)
        if common is None:
            return None
        return dict(common, kind="adagrad", epsilon=self.epsilon)

    def executor_slots(self, index):
        return {"accumulator": self._accumulators[index]}

    def get_config(self):
        config = super().get_config()
        config.update({"initial_accumulator_value": self.initial_accumulator_value,
                       "epsilon": self.epsilon})
        return config
