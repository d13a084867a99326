"""Functional models: construction from Inputs and layer calls, graph checks,
layer order, inputs/outputs properties, shared layers."""
import numpy as np
import pytest

import nnlite
from nnlite import layers
from nnlite.backend.naming import clear_session
from nnlite.layers import Dense, Input
from nnlite.models import Functional, Model


@pytest.fixture(autouse=True)
def fresh_names():
    clear_session()


def test_input_is_a_keras_tensor_with_batch_axis():
    x = Input((4,), name="feat")
    assert isinstance(x, layers.KerasTensor)
    assert x.shape == (None, 4) and x.dtype == "float32" and x.name == "feat" and x.ndim == 2
    layer, node_index, tensor_index = x._keras_history
    assert isinstance(layer, layers.InputLayer) and (node_index, tensor_index) == (0, 0)


def test_int_input_keeps_its_dtype():
    x = Input(shape=(None,), dtype="int32")
    assert x.shape == (None, None) and x.dtype == "int32"
    assert x._keras_history[0].get_config()["dtype"] == "int32"


def test_input_batch_shape_and_batch_size():
    assert Input(batch_shape=(8, 3)).shape == (8, 3)
    assert Input((3,), batch_size=2).shape == (2, 3)


def test_layer_call_on_keras_tensor_records_a_node():
    x = Input((4,))
    dense = Dense(3)
    y = dense(x)
    assert y.shape == (None, 3) and y.dtype == "float32"
    assert y._keras_history[0] is dense and tuple(y._keras_history[1:]) == (0, 0)
    node = dense._inbound_nodes[0]
    assert node.input_tensors == [x] and node.output_tensors == [y]
    assert dense.built and dense.kernel.shape == (4, 3)


def test_model_with_inputs_and_outputs_is_functional():
    x = Input((4,))
    y = Dense(2)(x)
    for model in (Model(x, y), Model(inputs=x, outputs=y), nnlite.Model(x, y, name="m")):
        assert isinstance(model, Functional)
    assert nnlite.Model(x, y, name="m").name == "m"


def test_default_names_are_functional_then_functional_1():
    x = Input((4,))
    y = Dense(2)(x)
    assert Model(x, y).name == "functional"
    assert Model(x, y).name == "functional_1"


def test_layers_in_keras_order_inputs_first_shared_once():
    a = Input((4,), name="a")
    h = Dense(8, name="h")(a)
    shared = Dense(3, name="shared")
    s1, s2 = shared(h), shared(Dense(8, name="g")(a))
    out = layers.Add(name="sum")([s1, s2])
    model = Model(a, out)
    names = [l.name for l in model.layers]
    assert names[0] == "a"
    assert names.count("shared") == 1
    assert set(names) == {"a", "h", "g", "shared", "sum"}
    assert names.index("h") < names.index("shared") < names.index("sum")
    assert names.index("g") < names.index("shared")


def test_two_branch_layer_order_matches_keras_depth_order():
    # Keras sorts by depth from the outputs, then by the order the walk met them
    x = Input((4,), name="x")
    h = Dense(8, name="h")(x)
    a = Dense(3, name="a")(h)
    b = Dense(3, name="b")(x)
    out = layers.add([a, b], name="sum")
    assert [l.name for l in Model(x, out).layers] == ["x", "h", "a", "b", "sum"]


def test_shared_layer_has_one_set_of_weights():
    a, b = Input((3,)), Input((3,))
    shared = Dense(2, name="shared")
    out = layers.concatenate([shared(a), shared(b)])
    model = Model([a, b], out)
    assert len(model.weights) == 2
    assert [w.path for w in model.weights] == ["shared/kernel", "shared/bias"]
    assert len(shared._inbound_nodes) == 2


def test_weights_follow_layer_order():
    x = Input((4,))
    h = Dense(8, name="first")(x)
    y = Dense(1, name="second")(h)
    model = Model(x, y)
    assert [w.path for w in model.weights] == ["first/kernel", "first/bias",
                                               "second/kernel", "second/bias"]
    assert [w.shape for w in model.get_weights()] == [(4, 8), (8,), (8, 1), (1,)]


def test_inputs_outputs_and_names():
    a, b = Input((4,), name="a"), Input((2,), name="b")
    out1 = Dense(1, name="out1")(a)
    out2 = Dense(3, name="out2")(layers.concatenate([a, b]))
    model = Model([a, b], [out1, out2])
    assert model.inputs == [a, b] and model.outputs == [out1, out2]
    assert model.input_names == ["a", "b"] and model.output_names == ["out1", "out2"]
    assert model.input_shape == [(None, 4), (None, 2)]
    assert model.output_shape == [(None, 1), (None, 3)]
    single = Model(a, out1)
    assert single.input_shape == (None, 4) and single.output_shape == (None, 1)


def test_get_layer_by_name_and_index():
    x = Input((4,), name="x")
    y = Dense(2, name="d")(x)
    model = Model(x, y)
    assert model.get_layer("d") is y._keras_history[0]
    assert model.get_layer(index=0).name == "x"


def test_disconnected_graph_is_refused_naming_the_tensor():
    a, b = Input((4,), name="a"), Input((4,), name="other")
    out = layers.add([Dense(2)(a), Dense(2)(b)])
    with pytest.raises(ValueError, match=r"Graph disconnected.*other"):
        Model(a, out)


def test_output_not_depending_on_inputs_is_refused():
    a, b = Input((4,), name="a"), Input((4,), name="lonely")
    with pytest.raises(ValueError, match="Graph disconnected"):
        Model(a, Dense(2)(b))


def test_non_keras_tensor_outputs_are_refused():
    x = Input((4,))
    with pytest.raises(ValueError, match="KerasTensors"):
        Model(x, np.zeros((1, 2)))


def test_inputs_must_come_from_input():
    x = Input((4,))
    h = Dense(3)(x)
    with pytest.raises(ValueError, match="Input"):
        Model(h, Dense(1)(h))


def test_incompatible_shape_error_names_layer_and_shapes():
    x = Input((4,))
    dense = Dense(2, name="d")
    dense(Input((4,)))
    with pytest.raises(ValueError, match=r"d.*\(None, 5\)"):
        dense(Input((5,)))


def test_operators_on_keras_tensors_build_op_layers():
    x = Input((4,))
    y = (x + 1.0) * 2.0 - x / 2.0
    z = -y[:, :2]
    assert y.shape == (None, 4) and z.shape == (None, 2)
    model = Model(x, z)
    data = np.arange(8.0, dtype="float32").reshape(2, 4)
    expected = -(((data + 1) * 2 - data / 2)[:, :2])
    np.testing.assert_allclose(np.asarray(model(data)), expected, rtol=1e-6)


def test_reversed_operator_order():
    x = Input((3,))
    model = Model(x, 10.0 - x)
    np.testing.assert_allclose(np.asarray(model(np.ones((1, 3), "float32"))), [[9, 9, 9]])


def test_nested_functional_model_is_one_layer():
    x = Input((3,), name="inner_in")
    inner = Model(x, Dense(2, name="in_d")(x), name="inner")
    y = Input((3,), name="outer_in")
    out = Dense(1, name="head")(inner(y))
    outer = Model(y, out)
    assert [l.name for l in outer.layers] == ["outer_in", "inner", "head"]
    assert len(outer.weights) == 4
    data = np.ones((2, 3), "float32")
    k1, b1, k2, b2 = outer.get_weights()
    np.testing.assert_allclose(np.asarray(outer(data)), (data @ k1 + b1) @ k2 + b2, rtol=1e-6)


def test_sequential_inside_functional():
    seq = nnlite.Sequential([Input((3,)), Dense(2)], name="seq")
    x = Input((3,))
    model = Model(x, seq(x))
    assert model(np.ones((4, 3))).shape == (4, 2)


def test_compute_output_shape_and_build_noop():
    x = Input((None, 3))
    model = Model(x, Dense(2)(x))
    assert model.compute_output_shape((None, 7, 3)) == (None, 7, 2)
    model.build((None, None, 3))
    assert model.built
