"""layers.Embedding and ops.embedding_lookup: outputs against NumPy indexing,
the table gradient against finite differences, masks, Keras 3.15.1's config
(the dict below is the one Keras wrote in tests/fixtures/keras3_rnn/
embedding_gru_dense.keras), training, and saving."""
import warnings

import numpy as np
import pytest

import nnlite
from nnlite import layers, ops
from nnlite.backend.tape import Tape
from nnlite.layers.embedding import Embedding
from nnlite.ops.embedding import embedding_lookup

IDS = np.array([[1, 0, 3, 3], [9, 2, 0, 5]], dtype=np.int32)

KERAS_CONFIG = {
    "name": "embedding_1", "trainable": True,
    "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"},
              "registered_name": None},
    "input_dim": 11, "output_dim": 4,
    "embeddings_initializer": {"module": "keras.initializers", "class_name": "RandomUniform",
                               "config": {"seed": None, "minval": -0.05, "maxval": 0.05},
                               "registered_name": None},
    "embeddings_regularizer": None, "activity_regularizer": None,
    "embeddings_constraint": None, "mask_zero": False, "quantization_config": None}


@pytest.fixture
def registered(monkeypatch):
    """Embedding known to the saving tables as `keras.layers.Embedding` (a no-op
    once nnlite.layers registers it)."""
    from nnlite.saving import serialization_lib
    monkeypatch.setitem(layers.ALL_OBJECTS_DICT, "Embedding", Embedding)
    monkeypatch.setattr(serialization_lib, "_TABLES", None)


def _built(input_dim=10, output_dim=3, **kwargs):
    layer = Embedding(input_dim, output_dim, **kwargs)
    layer.build((None, 4))
    return layer


# -- outputs -------------------------------------------------------------------
def test_output_rows_are_the_table_rows_of_the_ids():
    layer = _built()
    np.testing.assert_array_equal(layer(IDS).numpy(), layer.embeddings.numpy()[IDS])


@pytest.mark.parametrize("itype", [np.int32, np.int64, np.uint8])
def test_output_is_float32_whatever_the_integer_input_dtype(itype):
    y = _built()(IDS.astype(itype))
    assert y.dtype == np.float32 and y.shape == (2, 4, 3)


def test_float64_layer_gives_float64_output():
    assert _built(dtype="float64")(IDS).dtype == np.float64


def test_output_shape_appends_output_dim_for_any_rank():
    layer = _built()
    assert layer(np.array([1, 2, 3])).shape == (3, 3)
    assert layer(np.zeros((2, 3, 5), dtype=np.int64)).shape == (2, 3, 5, 3)
    assert layer.compute_output_shape((None, 7)) == (None, 7, 3)


def test_integral_float_ids_are_accepted():
    layer = _built()
    np.testing.assert_array_equal(layer(IDS.astype(np.float32)).numpy(), layer(IDS).numpy())


def test_non_integral_float_id_raises_value_error():
    with pytest.raises(ValueError, match="integral"):
        _built()(np.array([[1.0, 2.5]]))


def test_id_equal_to_input_dim_raises_value_error_naming_it():
    with pytest.raises(ValueError, match=r"indices\[1,0\] = 10 is not in \[0, 10\)"):
        _built()(np.array([[1, 2], [10, 0]]))


def test_negative_id_raises_value_error():
    with pytest.raises(ValueError, match=r"= -1 is not in \[0, 10\)"):
        _built()(np.array([[1, -1]]))


def test_default_initializer_is_uniform_within_0_05():
    layer = _built(200, 50)
    w = layer.embeddings.numpy()
    assert type(layer.embeddings_initializer).__name__ == "RandomUniform"
    assert w.min() >= -0.05 and w.max() <= 0.05 and w.std() > 0.02


def test_weights_argument_sets_the_initial_table():
    table = np.arange(12, dtype=np.float32).reshape(4, 3)
    layer = Embedding(4, 3, weights=table)
    assert layer.built and layer.embeddings.name == "embeddings"
    np.testing.assert_array_equal(layer(np.array([[3, 0]])).numpy(), table[[[3, 0]]])


def test_embeddings_before_build_raise_attribute_error():
    with pytest.raises(AttributeError, match="build the layer"):
        Embedding(4, 3).embeddings


def test_one_weight_named_embeddings_of_shape_input_by_output_dim():
    layer = _built(10, 3)
    assert [(w.name, w.shape) for w in layer.weights] == [("embeddings", (10, 3))]
    assert layer.count_params() == 30


# -- arguments -----------------------------------------------------------------
@pytest.mark.parametrize("kwargs", [{"input_dim": 0, "output_dim": 3},
                                    {"input_dim": 4, "output_dim": -1},
                                    {"input_dim": 2.5, "output_dim": 3}])
def test_invalid_sizes_raise_value_error(kwargs):
    with pytest.raises(ValueError, match="Received"):
        Embedding(**kwargs)


def test_input_length_is_ignored_with_keras_warning():
    with pytest.warns(UserWarning, match="Argument `input_length` is deprecated. Just remove it."):
        layer = Embedding(10, 3, input_length=4)
    assert layer(IDS).shape == (2, 4, 3)


def test_lora_rank_raises_not_implemented():
    with pytest.raises(NotImplementedError, match="LoRA is not supported.*lora_rank=4"):
        Embedding(10, 3, lora_rank=4)


# -- masks ---------------------------------------------------------------------
def test_no_mask_without_mask_zero():
    layer = _built()
    assert layer(IDS)._keras_mask is None
    assert layer.compute_mask(IDS) is None and not layer.supports_masking


def test_mask_zero_marks_nonzero_ids():
    layer = _built(mask_zero=True)
    np.testing.assert_array_equal(np.asarray(layer(IDS)._keras_mask), IDS != 0)
    assert layer.supports_masking


def test_mask_zero_leaves_padding_out_of_global_average_pooling():
    emb = _built(mask_zero=True)
    y = layers.GlobalAveragePooling1D()(emb(IDS)).numpy()
    table = emb.embeddings.numpy()
    expected = [table[[1, 3, 3]].mean(0), table[[9, 2, 5]].mean(0)]
    np.testing.assert_allclose(y, expected, rtol=1e-6)


# -- gradients -----------------------------------------------------------------
def _fd(f, arr, h=1e-6):
    g = np.zeros_like(arr)
    for pos in np.ndindex(arr.shape):
        old = arr[pos]
        arr[pos] = old + h
        up = f()
        arr[pos] = old - h
        down = f()
        arr[pos] = old
        g[pos] = (up - down) / (2 * h)
    return g


def test_layer_table_gradient_matches_finite_differences():
    layer = _built(6, 3, dtype="float64")
    ids = np.array([[5, 0, 5, 2], [1, 5, 0, 0]])
    r = np.random.default_rng(0).standard_normal((2, 4, 3))
    with Tape() as tape:
        out = layer(ids)
    (g,) = tape.gradient([out], [layer.embeddings], output_gradients=[r])
    numeric = _fd(lambda: float(np.sum(layer(ids).numpy() * r)), layer.embeddings.value)
    np.testing.assert_allclose(np.asarray(g), numeric, rtol=1e-7, atol=1e-8)


def test_lookup_gradient_equals_np_add_at():
    table = nnlite.Variable(np.random.default_rng(1).standard_normal((5, 2)).astype(np.float32))
    ids = np.array([4, 4, 1, 4])
    dy = np.arange(8, dtype=np.float32).reshape(4, 2)
    with Tape() as tape:
        out = embedding_lookup(table, ids)
    (g,) = tape.gradient([out], [table], output_gradients=[dy])
    expected = np.zeros((5, 2), dtype=np.float32)
    np.add.at(expected, ids, dy)
    np.testing.assert_array_equal(np.asarray(g), expected)


def test_take_on_axis_0_gathers_and_differentiates_like_numpy():
    x = nnlite.Variable(np.random.default_rng(2).standard_normal((4, 2, 3)))
    ids = np.array([[3, -1], [0, 3]])                   # -1 counts from the end, as np.take
    with Tape() as tape:
        out = ops.take(x, ids, axis=0)
    np.testing.assert_array_equal(out.numpy(), np.take(x.numpy(), ids, axis=0))
    dy = np.ones(out.shape)
    (g,) = tape.gradient([out], [x], output_gradients=[dy])
    expected = np.zeros((4, 2, 3))
    np.add.at(expected, ids % 4, dy)
    np.testing.assert_array_equal(np.asarray(g), expected)


def test_take_on_axis_0_keeps_its_index_error():
    with pytest.raises(IndexError, match="out of range"):
        ops.take(np.zeros((3, 2), dtype=np.float32), [3], axis=0)


# -- config --------------------------------------------------------------------
def test_get_config_keys_are_keras_keys_in_keras_order():
    assert list(Embedding(11, 4, name="embedding_1").get_config()) == list(KERAS_CONFIG)


def test_get_config_equals_the_config_keras_writes():
    assert Embedding(11, 4, name="embedding_1").get_config() == KERAS_CONFIG


def test_from_config_reads_the_keras_config():
    layer = Embedding.from_config(KERAS_CONFIG)
    assert (layer.name, layer.input_dim, layer.output_dim, layer.mask_zero) == \
        ("embedding_1", 11, 4, False)


def test_config_round_trip_keeps_every_argument():
    layer = Embedding(7, 2, mask_zero=True, embeddings_initializer="zeros",
                      embeddings_regularizer="l2", embeddings_constraint="non_neg",
                      activity_regularizer="l1", name="emb")
    again = Embedding.from_config(layer.get_config())
    assert again.get_config() == layer.get_config()


def test_build_config_holds_the_input_shape():
    layer = Embedding(10, 3)
    layer(IDS)
    assert layer.get_build_config() == {"input_shape": [None, 4]}


# -- in models -----------------------------------------------------------------
def _sequential(pool):
    rest = [layers.Flatten()] if pool == "flatten" else [layers.GlobalAveragePooling1D()]
    model = nnlite.Sequential([layers.Input((6,), dtype="int32"),
                               Embedding(20, 4, mask_zero=pool == "gap")] + rest +
                              [layers.Dense(1)])
    model.compile(optimizer=nnlite.optimizers.Adam(0.05), loss="mse")
    return model


def _data():
    rng = np.random.default_rng(7)
    x = rng.integers(0, 20, size=(64, 6))
    y = (x % 3 == 0).mean(axis=1, keepdims=True).astype(np.float32)
    return x, y


@pytest.mark.parametrize("pool", ["flatten", "gap"])
def test_training_reduces_the_loss(pool):
    model = _sequential(pool)
    x, y = _data()
    history = model.fit(x, y, epochs=15, batch_size=16, verbose=0).history["loss"]
    assert history[-1] < 0.5 * history[0]


def test_functional_output_is_float32_with_output_dim_appended():
    inputs = layers.Input((5,), dtype="int32")
    outputs = Embedding(10, 4)(inputs)
    assert tuple(outputs.shape) == (None, 5, 4) and outputs.dtype == "float32"
    model = nnlite.Model(inputs, outputs)
    assert model.predict(np.zeros((2, 5), dtype=np.int32), verbose=0).dtype == np.float32


def test_set_weights_get_weights_round_trip_in_a_model():
    model = _sequential("flatten")
    weights = [np.random.default_rng(3).standard_normal(w.shape).astype(np.float32)
               for w in model.get_weights()]
    model.set_weights(weights)
    for got, want in zip(model.get_weights(), weights):
        np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(model.layers[0].embeddings.numpy(), weights[0])


@pytest.mark.parametrize("pool", ["flatten", "gap"])
def test_keras_file_round_trip_gives_equal_predictions(tmp_path, registered, pool):
    model = _sequential(pool)
    x, y = _data()
    model.fit(x, y, epochs=2, verbose=0)
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = nnlite.models.load_model(path)
    assert type(loaded.layers[0]) is Embedding and loaded.layers[0].mask_zero == (pool == "gap")
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_saved_config_names_keras_layers_embedding(tmp_path, registered):
    import json
    import zipfile
    model = _sequential("flatten")
    model.save(tmp_path / "m.keras")
    with zipfile.ZipFile(tmp_path / "m.keras") as z:
        entry = json.loads(z.read("config.json"))["config"]["layers"][1]
    assert (entry["module"], entry["class_name"], entry["registered_name"]) == \
        ("keras.layers", "Embedding", None)
    assert entry["build_config"] == {"input_shape": [None, 6]}
