"""String aliases, defaults, get_config/from_config and serialize/deserialize of
every optimizer. Keras's values: `keras.optimizers.get(name).get_config()` in
Keras 3.15.1 (also stored in reference/optimizer_reference.json)."""
import re

import numpy as np
import pytest

from nnlite import optimizers
from nnlite.backend import Variable

ALL = [optimizers.SGD, optimizers.Adam, optimizers.RMSprop, optimizers.Adagrad,
       optimizers.Adadelta, optimizers.Adamax, optimizers.Nadam, optimizers.AdamW]

# (class, default learning rate, the class's own config entries) from Keras 3.15.1
DEFAULTS = [
    (optimizers.SGD, 0.01, {"momentum": 0.0, "nesterov": False}),
    (optimizers.Adam, 0.001, {"beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7,
                              "amsgrad": False}),
    (optimizers.RMSprop, 0.001, {"rho": 0.9, "momentum": 0.0, "epsilon": 1e-7,
                                 "centered": False}),
    (optimizers.Adagrad, 0.001, {"initial_accumulator_value": 0.1, "epsilon": 1e-7}),
    (optimizers.Adadelta, 0.001, {"rho": 0.95, "epsilon": 1e-7}),
    (optimizers.Adamax, 0.001, {"beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7}),
    (optimizers.Nadam, 0.001, {"beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7}),
    (optimizers.AdamW, 0.001, {"beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7,
                               "amsgrad": False}),
]
# Keras auto_name of each class
SNAKE = {"SGD": "sgd", "Adam": "adam", "RMSprop": "rm_sprop", "Adagrad": "adagrad",
         "Adadelta": "adadelta", "Adamax": "adamax", "Nadam": "nadam", "AdamW": "adam_w"}


@pytest.mark.parametrize("cls,lr,own", DEFAULTS, ids=lambda v: getattr(v, "__name__", ""))
def test_defaults_match_keras(cls, lr, own):
    config = cls().get_config()
    assert config["learning_rate"] == float(np.float32(lr))
    assert config["weight_decay"] == (0.004 if cls is optimizers.AdamW else None)
    for key, value in own.items():
        assert config[key] == value, key


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_default_name_is_keras_auto_name(cls):
    assert re.fullmatch(SNAKE[cls.__name__] + r"(_\d+)?", cls().name)


@pytest.mark.parametrize("alias", ["sgd", "adam", "rmsprop", "adagrad", "adadelta", "adamax",
                                   "nadam", "adamw"])
@pytest.mark.parametrize("case", [str.lower, str.upper, str.title])
def test_string_aliases_are_case_insensitive(alias, case):
    opt = optimizers.get(case(alias))
    assert type(opt).__name__.lower() == alias


def test_get_class_gives_default_instance():
    assert type(optimizers.get(optimizers.Nadam)) is optimizers.Nadam


def test_get_unknown_name_raises_value_error():
    with pytest.raises(ValueError, match="lion"):
        optimizers.get("lion")


def test_get_bad_type_raises_value_error():
    with pytest.raises(ValueError, match="interpret"):
        optimizers.get(3.5)


NON_DEFAULT = [
    lambda: optimizers.SGD(learning_rate=0.2, momentum=0.5, nesterov=True, clipnorm=2.0),
    lambda: optimizers.Adam(learning_rate=0.02, beta_1=0.8, amsgrad=True, weight_decay=0.1),
    lambda: optimizers.RMSprop(learning_rate=0.02, rho=0.8, centered=True, clipvalue=0.5),
    lambda: optimizers.Adagrad(learning_rate=0.5, initial_accumulator_value=0.0,
                               global_clipnorm=1.0),
    lambda: optimizers.Adadelta(learning_rate=1.0, rho=0.9, epsilon=1e-6),
    lambda: optimizers.Adamax(learning_rate=0.002, beta_2=0.99),
    lambda: optimizers.Nadam(learning_rate=0.002, beta_1=0.95),
    lambda: optimizers.AdamW(learning_rate=0.003, weight_decay=0.05),
]


@pytest.mark.parametrize("make", NON_DEFAULT, ids=[c.__name__ for c in ALL])
def test_from_config_round_trip(make):
    opt = make()
    clone = type(opt).from_config(opt.get_config())
    assert clone.get_config() == opt.get_config()


@pytest.mark.parametrize("make", NON_DEFAULT, ids=[c.__name__ for c in ALL])
def test_serialize_deserialize_round_trip(make):
    opt = make()
    config = optimizers.serialize(opt)
    assert config["module"] == "keras.optimizers"
    assert config["class_name"] == type(opt).__name__
    clone = optimizers.deserialize(config)
    assert type(clone) is type(opt)
    assert clone.get_config() == opt.get_config()


BASE_KEYS = ["name", "learning_rate", "weight_decay", "clipnorm", "global_clipnorm",
             "clipvalue", "use_ema", "ema_momentum", "ema_overwrite_frequency",
             "loss_scale_factor", "gradient_accumulation_steps"]


@pytest.mark.parametrize("cls,lr,own", DEFAULTS, ids=lambda v: getattr(v, "__name__", ""))
def test_config_keys_in_keras_order(cls, lr, own):
    assert list(cls().get_config()) == BASE_KEYS + list(own)


def test_deserialize_accepts_lowercase_class_name():
    opt = optimizers.deserialize({"class_name": "adamax", "config": {"learning_rate": 0.5}})
    assert type(opt) is optimizers.Adamax and float(opt.learning_rate) == 0.5


def test_deserialize_unknown_class_raises_value_error():
    with pytest.raises(ValueError, match="Lamb"):
        optimizers.deserialize({"class_name": "Lamb", "config": {}})


# --------------------------------------------------------------------------
# slots (Keras's variable order) and float64

@pytest.mark.parametrize("cls,slots", [
    (optimizers.Adagrad, ["k_accumulator", "b_accumulator"]),
    (optimizers.Adadelta, ["k_accumulated_grad", "k_accumulated_delta_var",
                           "b_accumulated_grad", "b_accumulated_delta_var"]),
    (optimizers.Adamax, ["k_momentum", "k_norm", "b_momentum", "b_norm"]),
    (optimizers.Nadam, ["k_momentum", "k_velocity", "b_momentum", "b_velocity",
                        "u_product"]),
], ids=lambda v: getattr(v, "__name__", ""))
def test_variables_follow_keras_order(cls, slots):
    opt = cls()
    opt.build([Variable(np.zeros(3, np.float32), name="k"),
               Variable(np.zeros(2, np.float32), name="b")])
    assert [v.name for v in opt.variables] == ["iteration", "learning_rate"] + slots


def test_adagrad_accumulator_starts_at_initial_accumulator_value():
    opt = optimizers.Adagrad(initial_accumulator_value=0.3)
    opt.build([Variable(np.zeros(3, np.float32))])
    np.testing.assert_array_equal(opt.variables[2].numpy(), np.full(3, np.float32(0.3)))


def test_adagrad_negative_initial_accumulator_raises():
    with pytest.raises(ValueError, match="initial_accumulator_value"):
        optimizers.Adagrad(initial_accumulator_value=-0.1)


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_float64_variables_update_in_float64(cls):
    rng = np.random.default_rng(1)
    var = Variable(rng.normal(size=(4, 3)), dtype="float64")
    before = var.numpy()
    opt = cls(learning_rate=0.1)
    for _ in range(2):
        opt.apply([rng.normal(size=(4, 3))], [var])
    assert var.dtype == "float64"
    assert all(v.dtype in ("float64", "int64", "float32") for v in opt.variables)
    assert not np.allclose(var.numpy(), before)
