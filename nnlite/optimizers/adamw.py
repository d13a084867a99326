"""AdamW: Adam with decoupled weight decay."""
from nnlite.optimizers.adam import Adam


class AdamW(Adam):
    """AdamW (Loshchilov & Hutter, 2019): Adam plus decoupled weight decay.

    Before each Adam step, every variable not excluded with
    `exclude_from_weight_decay` shrinks as `w -= w * weight_decay *
    learning_rate`; the Adam step itself is unchanged (see `Adam`).

    Args:
        learning_rate: A float or a schedule. Defaults to `0.001`.
        weight_decay: A float >= 0 (required). Defaults to `0.004`.
        beta_1: Defaults to `0.9`.
        beta_2: Defaults to `0.999`.
        epsilon: Defaults to `1e-7`.
        amsgrad: Defaults to `False`.
        name: Defaults to `None` (the snake_case class name).
        **kwargs: The common arguments of `Optimizer`.

    Example:

    >>> opt = AdamW(learning_rate=0.001, weight_decay=0.01)
    >>> opt.exclude_from_weight_decay(var_names=["bias"])
    """

    def __init__(self, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999,
                 epsilon=1e-7, amsgrad=False, name=None, **kwargs):
        if weight_decay is None:
            raise ValueError("Argument `weight_decay` must be a float. Received: "
                             "weight_decay=None")
        super().__init__(learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2,
                         epsilon=epsilon, amsgrad=amsgrad, name=name,
                         weight_decay=weight_decay, **kwargs)
