"""Nadam: Adam with Nesterov momentum, in Keras's momentum-cache form."""
from nnlite import _core
from nnlite.backend.variable import Variable
from nnlite.optimizers.optimizer import Optimizer, check_decay_rate, check_nonneg


class Nadam(Optimizer):
    """Nadam (Dozat, 2015) as Keras computes it.

    With t the step number (from 1), the momentum schedule
    `u_t = beta_1 * (1 - 0.5 * 0.96^t)` and its running product
    `U_t = u_1 * ... * u_t` (the optimizer variable `u_product`):
    `m += (g - m) * (1 - beta_1)`, `v += (g^2 - v) * (1 - beta_2)`,
    `m_hat = u_{t+1} * m / (1 - U_t * u_{t+1}) + (1 - u_t) * g / (1 - U_t)`,
    `v_hat = v / (1 - beta_2^t)`,
    `w -= learning_rate * m_hat / (sqrt(v_hat) + epsilon)`.

    Args:
        learning_rate: A float or a schedule. Defaults to `0.001`.
        beta_1: Defaults to `0.9`.
        beta_2: Defaults to `0.999`.
        epsilon: Defaults to `1e-7`.
        name: Defaults to `None` (the snake_case class name).
        **kwargs: The common arguments of `Optimizer`.

    Example:

    >>> opt = Nadam(learning_rate=0.002)
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, name=None,
                 **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.beta_1 = check_decay_rate("beta_1", beta_1)
        self.beta_2 = check_decay_rate("beta_2", beta_2)
        self.epsilon = check_nonneg("epsilon", epsilon)
        self._momentums, self._velocities = [], []
        self._u_product = None
        self._factors = None

    def build(self, variables):
        super().build(variables)
        self._momentums = [self.add_variable_from_reference(v, "momentum") for v in variables]
        self._velocities = [self.add_variable_from_reference(v, "velocity") for v in variables]
        dtype = variables[0].value.dtype if variables else "float32"
        self._u_product = Variable(1.0, shape=(), dtype=dtype, trainable=False,
                                   name="u_product")

    def _slot_variables(self):
        out = []
        for m, v in zip(self._momentums, self._velocities):
            out += [m, v]
        return out + ([self._u_product] if self._u_product is not None else [])

    def _prepare_step(self):
        t = int(self._iterations.value) + 1
        u_t = self.beta_1 * (1.0 - 0.5 * 0.96 ** t)
        u_next = self.beta_1 * (1.0 - 0.5 * 0.96 ** (t + 1))
        self._u_product.value[...] = self._u_product.value * u_t
        u_prod = float(self._u_product.value)
        self._factors = (u_next / (1.0 - u_prod * u_next), (1.0 - u_t) / (1.0 - u_prod),
                         1.0 - self.beta_2 ** t)

    def update_step(self, index, gradient, variable, learning_rate):
        cm, cg, vcorr = self._factors
        _core.nadam_update(variable.value, gradient, learning_rate, self.beta_1, self.beta_2,
                           self.epsilon, cm, cg, vcorr, self._momentums[index].value,
                           self._velocities[index].value)

    def executor_spec(self):
        """`{"kind": "nadam", "beta_1", "beta_2", "epsilon", ...common}`."""
        common = self._executor_common(Nadam)
        if common is None:
            return None
        return dict(common, kind="nadam", beta_1=self.beta_1, beta_2=self.beta_2,
                    epsilon=self.epsilon)

    def executor_slots(self, index):
        return {"momentum": self._momentums[index], "velocity": self._velocities[index]}

    _EXECUTOR_FACTORS = "iterations"

    def _executor_factors(self, t, lr, row):
        self._prepare_step()      # advances u_product as the step will
        row[1:4] = self._factors

    def get_config(self):
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon})
        return config
