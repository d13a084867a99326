"""Compiled plans (csrc/plan.c) with sizes whose buffers cannot exist: a clear
Python error naming the sizes, never an overflowed allocation or a crash. The
C entry points are also called directly, without the Python checks in front."""
import numpy as np
import pytest

import nnlite
from nnlite import _core
from nnlite._nnlite import ffi, lib


def c_create(dims, max_batch):
    out = ffi.new("nl_splan **")
    nl = len(dims) - 1
    status = lib.nl_splan_create(out, nl, ffi.new("int64_t[]", dims), ffi.new("int[]", [0] * nl),
                                 ffi.new("float[]", [0.0] * nl), max_batch)
    return status, out[0]


def test_plan_with_a_batch_past_the_size_arithmetic_names_the_sizes():
    with pytest.raises(ValueError, match=r"max_batch x widest layer.*4611686018427387904"):
        _core.Plan([8, 4], ["linear"], [0.0], 2 ** 62)


def test_plan_with_a_kernel_past_the_size_arithmetic_names_the_layer():
    with pytest.raises(ValueError, match=r"layer 0 kernel \(1099511627776 x 1099511627776\)"):
        _core.Plan([2 ** 40, 2 ** 40], ["linear"], [0.0], 1)


def test_plan_whose_buffers_cannot_be_allocated_raises_memory_error_naming_the_sizes():
    # 2**40 rows x 1024 floats: 4 PiB, within the size arithmetic, beyond any malloc
    with pytest.raises(MemoryError, match=r"max_batch=1099511627776.*dims=\[1024, 1024\]"):
        _core.Plan([1024, 1024], ["linear"], [0.0], 2 ** 40)


@pytest.mark.parametrize("dims,max_batch", [([1024, 1024], 2 ** 62), ([4, 2 ** 61], 2),
                                            ([2 ** 62, 4], 1), ([4, 4], 2 ** 63 - 1)])
def test_c_create_refuses_products_past_2_to_62_bytes(dims, max_batch):
    status, plan = c_create(dims, max_batch)
    assert status == lib.NL_EINVAL
    assert plan == ffi.NULL


def test_c_create_reports_out_of_memory_for_a_huge_but_representable_plan():
    status, plan = c_create([1024, 1024], 2 ** 40)
    assert status == lib.NL_ENOMEM
    assert plan == ffi.NULL


@pytest.mark.parametrize("dims,max_batch", [([0, 4], 1), ([4, -1], 1), ([4, 4], 0),
                                            ([4, 4], -2 ** 63)])
def test_c_create_refuses_non_positive_sizes(dims, max_batch):
    status, plan = c_create(dims, max_batch)
    assert status == lib.NL_EINVAL
    assert plan == ffi.NULL


def small_plan():
    plan = _core.Plan([3, 2], ["linear"], [0.0], 4)
    kernel, bias = np.zeros((3, 2), np.float32), np.zeros(2, np.float32)
    plan.set_layer(0, kernel, bias, True)
    plan.configure("mean_squared_error", False, None, 0.5, "sgd", 0.1, 0)
    return plan, kernel, bias


def test_c_train_refuses_steps_whose_row_offset_overflows_int64():
    plan, _, _ = small_plan()
    x, t = np.ones((4, 3), np.float32), np.ones((4, 2), np.float32)
    params = np.zeros((1, _core.PLAN_STEP_PARAMS))
    sums = ffi.new("double[4]")
    status = lib.nl_splan_train(plan._plan, plan._cfg, ffi.from_buffer("float[]", x), 3,
                                ffi.from_buffer("float[]", t), 2, ffi.NULL, ffi.NULL, 4, 4,
                                2 ** 62, 1, ffi.from_buffer("double[]", params), ffi.NULL, sums)
    assert status == lib.NL_EINVAL


def test_c_train_refuses_a_row_stride_shorter_than_a_row():
    plan, _, _ = small_plan()
    x, t = np.ones((4, 3), np.float32), np.ones((4, 2), np.float32)
    params = np.zeros((1, _core.PLAN_STEP_PARAMS))
    status = lib.nl_splan_train(plan._plan, plan._cfg, ffi.from_buffer("float[]", x), 2,
                                ffi.from_buffer("float[]", t), 2, ffi.NULL, ffi.NULL, 4, 4, 0,
                                1, ffi.from_buffer("double[]", params), ffi.NULL,
                                ffi.new("double[4]"))
    assert status == lib.NL_EINVAL


def test_train_with_an_index_out_of_range_raises_value_error_before_reading_rows():
    plan, kernel, _ = small_plan()
    x, t = np.ones((4, 3), np.float32), np.ones((4, 2), np.float32)
    index = np.array([0, 1, 2, 4000000], dtype=np.int64)
    with pytest.raises(ValueError, match=r"index values must lie in \[0, 4\)"):
        plan.train(x, t, None, index, 4, 0, 1, np.zeros((1, _core.PLAN_STEP_PARAMS)))
    np.testing.assert_array_equal(kernel, 0.0)


def test_c_predict_refuses_an_output_stride_shorter_than_a_row():
    plan, _, _ = small_plan()
    x, out = np.ones((4, 3), np.float32), np.zeros((4, 2), np.float32)
    status = lib.nl_splan_predict(plan._plan, ffi.from_buffer("float[]", x), 3, 4,
                                  ffi.from_buffer("float[]", out), 1)
    assert status == lib.NL_EINVAL


def test_fit_with_a_batch_size_of_2_to_62_trains_one_full_batch():
    """The model's batch is at most its samples; checked against the float64 step."""
    nnlite.utils.set_random_seed(0)
    model = nnlite.Sequential([nnlite.layers.Input((3,)), nnlite.layers.Dense(2)])
    model.compile(optimizer=nnlite.optimizers.SGD(learning_rate=0.1), loss="mse")
    rng = np.random.default_rng(0)
    x = rng.standard_normal((8, 3)).astype(np.float32)
    y = rng.standard_normal((8, 2)).astype(np.float32)
    k, b = (w.astype(np.float64) for w in model.get_weights())
    dz = 2 * (x.astype(np.float64) @ k + b - y) / y.size
    model.fit(x, y, batch_size=2 ** 62, epochs=1, shuffle=False, verbose=0)
    new_k, new_b = model.get_weights()
    np.testing.assert_allclose(new_k, k - 0.1 * x.T.astype(np.float64) @ dz, rtol=1e-5,
                               atol=1e-6)
    np.testing.assert_allclose(new_b, b - 0.1 * dz.sum(axis=0), rtol=1e-5, atol=1e-6)
