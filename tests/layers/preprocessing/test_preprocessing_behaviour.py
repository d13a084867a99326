"""Preprocessing layers: Keras's errors, adapt on iterables, string inputs
through models, vocabulary files and the hashes against TensorFlow's."""
import numpy as np
import pytest

import nnlite
from nnlite import layers
from nnlite.layers.preprocessing.string_hash import fingerprint64, siphash
from nnlite.saving import saving_lib


@pytest.mark.parametrize("cls,kwargs", [
    (layers.StringLookup, {"output_mode": "bag"}),
    (layers.IntegerLookup, {"output_mode": "bag"}),
    (layers.TextVectorization, {"output_mode": "bag"}),
    (layers.Discretization, {"output_mode": "bag", "num_bins": 2}),
    (layers.Hashing, {"output_mode": "bag", "num_bins": 2}),
])
def test_unknown_output_mode_raises(cls, kwargs):
    with pytest.raises(ValueError, match="output_mode"):
        cls(**kwargs)


def test_category_encoding_unknown_output_mode_raises():
    with pytest.raises(ValueError, match="Unknown arg for output_mode: bag"):
        layers.CategoryEncoding(num_tokens=3, output_mode="bag")


def test_normalization_adapt_on_empty_iterable_raises():
    with pytest.raises(ValueError, match="empty iterable"):
        layers.Normalization().adapt([])


def test_normalization_mean_without_variance_raises():
    with pytest.raises(ValueError, match="both `mean` and `variance`"):
        layers.Normalization(mean=[1.0])


def test_unadapted_normalization_is_the_identity_as_in_keras():
    x = np.array([[1.0, -2.0]], "float32")
    np.testing.assert_array_equal(layers.Normalization()(x).numpy(), x)


def test_normalization_adapt_on_batches_equals_whole_array():
    x = np.random.RandomState(0).normal(2, 3, size=(64, 3)).astype("float32")
    whole, batched = layers.Normalization(), layers.Normalization()
    whole.adapt(x)
    batched.adapt(iter([x[:10], x[10:40], x[40:]]))
    for a, b in zip(whole.get_weights()[:2], batched.get_weights()[:2]):
        np.testing.assert_allclose(a, b, rtol=1e-5)


def test_normalization_divides_by_max_of_sqrt_variance_and_epsilon():
    layer = layers.Normalization(mean=[0.0], variance=[1e-20])
    np.testing.assert_allclose(layer(np.array([[1.0]])).numpy(), [[1e7]], rtol=1e-6)


def test_discretization_unadapted_call_raises():
    with pytest.raises(ValueError, match="bin_boundaries"):
        layers.Discretization(num_bins=3)(np.array([[1.0]]))


def test_discretization_adapt_with_boundaries_raises():
    with pytest.raises(ValueError, match="initialized with `bin_boundaries`"):
        layers.Discretization(bin_boundaries=[0.0]).adapt(np.array([1.0]))


def test_multi_hot_lookup_without_vocabulary_raises():
    with pytest.raises(RuntimeError, match="must set the layer's vocabulary"):
        layers.StringLookup(output_mode="multi_hot")(np.array([["a"]]))


def test_lookup_repeated_vocabulary_raises():
    with pytest.raises(ValueError, match="repeated term"):
        layers.StringLookup(vocabulary=["a", "a"])


def test_lookup_adapt_after_vocabulary_raises():
    with pytest.raises(ValueError, match="Cannot adapt layer"):
        layers.StringLookup(vocabulary=["a"]).adapt(np.array(["a"]))


def test_lookup_without_oov_rejects_unknown_tokens():
    with pytest.raises(ValueError, match="num_oov_indices=0"):
        layers.StringLookup(vocabulary=["a"], num_oov_indices=0)(np.array([["b"]]))


def test_lookup_adapt_on_empty_data_keeps_only_oov():
    layer = layers.StringLookup()
    layer.adapt(np.array([], dtype=str))
    assert layer.get_vocabulary() == ["[UNK]"]


def test_lookup_adapt_on_generator_of_batches():
    layer = layers.IntegerLookup()
    layer.adapt(iter([np.array([[1, 2, 2]]), np.array([[3, 3, 3]])]))
    assert layer.get_vocabulary() == [-1, 3, 2, 1]


def test_vocabulary_from_file(tmp_path):
    path = tmp_path / "vocab.txt"
    path.write_text("x\ny\nz\n", encoding="utf-8")
    layer = layers.StringLookup(vocabulary=str(path))
    np.testing.assert_array_equal(layer(np.array([["z", "x", "q"]])).numpy(), [[3, 1, 0]])
    assert layer.get_config()["vocabulary"] is None


def test_text_vectorization_set_vocabulary_replaces_it():
    layer = layers.TextVectorization()
    layer.set_vocabulary(["b", "a"])
    assert layer.get_vocabulary() == ["", "[UNK]", "b", "a"]
    np.testing.assert_array_equal(layer(np.array(["a b c"])).numpy(), [[3, 2, 1]])


def test_text_vectorization_callable_standardize_and_split():
    layer = layers.TextVectorization(standardize=lambda x: np.char.upper(x),
                                     split=lambda x: [s.split("-") for s in x])
    layer.adapt(np.array(["a-b-b"]))
    assert layer.get_vocabulary() == ["", "[UNK]", "B", "A"]


def test_text_vectorization_rank_2_input_needs_last_axis_1():
    layer = layers.TextVectorization(vocabulary=["a"])
    with pytest.raises(ValueError, match="last shape dimension must be 1"):
        layer(np.array([["a", "b"]]))


def test_hashing_num_bins_must_be_positive():
    with pytest.raises(ValueError, match="num_bins"):
        layers.Hashing(num_bins=0)


def test_farmhash_and_siphash_known_values():
    # tf.fingerprint / tf.strings.to_hash_bucket_strong on TF 2.21 (see fixtures)
    assert fingerprint64(b"") == 0x9ae16a3b2f90404f
    assert siphash([0x0706050403020100, 0x0f0e0d0c0b0a0908], bytes(range(15))) == \
        0xa129ca6149be45e5      # the SipHash-2-4 paper's test vector


def test_model_on_string_input_end_to_end(tmp_path):
    lookup = layers.StringLookup()
    lookup.adapt(np.array(["a", "b", "b"]))
    inp = nnlite.layers.Input(shape=(2,), dtype="string")
    model = nnlite.models.Model(inp, layers.Embedding(3, 2)(lookup(inp)))
    x = np.array([["b", "a"], ["z", "b"]])
    y = model(x).numpy()
    path = str(tmp_path / "m.keras")
    model.save(path)
    np.testing.assert_allclose(saving_lib.load_model(path)(x).numpy(), y)


def test_string_input_rejects_numbers():
    inp = nnlite.layers.Input(shape=(1,), dtype="string")
    model = nnlite.models.Model(inp, layers.StringLookup(vocabulary=["a"])(inp))
    with pytest.raises(TypeError, match="takes strings"):
        model(np.array([[1.0]]))
