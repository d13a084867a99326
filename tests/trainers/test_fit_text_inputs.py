"""fit / evaluate / predict on raw text for models whose input is
`Input(dtype="string")` (TextVectorization inside the model, as the Keras text
classification examples build it)."""
import numpy as np
import pytest

import nnlite
from nnlite import layers
from nnlite.models import Sequential

TEXTS = np.array(["the cat sat", "a dog ran", "the dog sat on a mat", "cats and dogs"] * 8)
LABELS = np.array([0, 1, 1, 0] * 8)


def _vectorizer():
    vec = layers.TextVectorization(max_tokens=50, output_sequence_length=6)
    vec.adapt(TEXTS)
    return vec


def _functional():
    inp = nnlite.Input(shape=(1,), dtype="string")
    x = layers.Embedding(50, 8)(_vectorizer()(inp))
    out = layers.Dense(1, activation="sigmoid")(layers.GlobalAveragePooling1D()(x))
    return nnlite.Model(inp, out)


def _sequential():
    return Sequential([layers.Input(shape=(1,), dtype="string"), _vectorizer(),
                       layers.Embedding(50, 8), layers.GlobalAveragePooling1D(),
                       layers.Dense(1, activation="sigmoid")])


@pytest.mark.parametrize("make", [_functional, _sequential])
def test_fit_on_text_matches_fit_on_the_vectorized_ids(make):
    model = make()
    model.compile(optimizer="sgd", loss="binary_crossentropy")
    vec = next(la for la in model.layers if isinstance(la, layers.TextVectorization))
    ids = np.asarray(vec(TEXTS[:, None]))
    head = Sequential([layers.Input((6,)), layers.Embedding(50, 8),
                       layers.GlobalAveragePooling1D(), layers.Dense(1, activation="sigmoid")])
    head.set_weights(model.get_weights())
    head.compile(optimizer="sgd", loss="binary_crossentropy")
    got = model.fit(TEXTS, LABELS, batch_size=8, epochs=2, shuffle=False, verbose=0)
    want = head.fit(ids, LABELS, batch_size=8, epochs=2, shuffle=False, verbose=0)
    np.testing.assert_allclose(got.history["loss"], want.history["loss"], rtol=1e-6)
    np.testing.assert_allclose(model.predict(TEXTS, verbose=0), head.predict(ids, verbose=0),
                               rtol=1e-6)


def test_numbers_given_to_a_text_input_are_refused():
    model = _functional()
    model.compile(optimizer="sgd", loss="binary_crossentropy")
    with pytest.raises(TypeError, match="string input and must hold text"):
        model.fit(np.ones((32, 1)), LABELS, verbose=0)


def _text_folder(root):
    for label, words in (("neg", "bad awful film"), ("pos", "good great film")):
        (root / label).mkdir()
        for i in range(8):
            (root / label / ("%d.txt" % i)).write_text("%s %d" % (words, i))
    return root


def _text_model(texts):
    vec = layers.TextVectorization(max_tokens=30, output_sequence_length=4)
    vec.adapt(texts)
    inp = nnlite.Input(shape=(1,), dtype="string")
    x = layers.Embedding(30, 4)(vec(inp))
    out = layers.Dense(1, activation="sigmoid")(layers.GlobalAveragePooling1D()(x))
    model = nnlite.Model(inp, out)
    model.compile(optimizer="sgd", loss="binary_crossentropy")
    return model


def test_fit_on_a_text_dataset_matches_fit_on_its_arrays(tmp_path):
    ds = nnlite.utils.text_dataset_from_directory(_text_folder(tmp_path), batch_size=4,
                                                  shuffle=False, verbose=False)
    texts = np.concatenate([np.asarray(xb) for xb, _ in ds])
    labels = np.concatenate([np.asarray(yb) for _, yb in ds])
    model = _text_model(ds.map(lambda x, y: x))
    twin = _text_model(texts)
    twin.set_weights(model.get_weights())
    got = model.fit(ds, epochs=2, verbose=0)
    want = twin.fit(texts, labels, batch_size=4, epochs=2, shuffle=False, verbose=0)
    np.testing.assert_allclose(got.history["loss"], want.history["loss"], rtol=1e-6)
    np.testing.assert_allclose(model.predict(ds, verbose=0), twin.predict(texts, verbose=0),
                               rtol=1e-6)


def _head_twin(model):
    """The model after its TextVectorization, with the same weights, fed ids."""
    head = Sequential([layers.Input((6,)), layers.Embedding(50, 8),
                       layers.GlobalAveragePooling1D(), layers.Dense(1, activation="sigmoid")])
    head.set_weights(model.get_weights())
    head.compile(optimizer="sgd", loss="binary_crossentropy")
    vec = next(la for la in model.layers if isinstance(la, layers.TextVectorization))
    return head, np.asarray(vec(TEXTS[:, None]))


def test_class_weight_on_a_text_dataset_matches_the_vectorized_ids():
    model = _sequential()
    model.compile(optimizer="sgd", loss="binary_crossentropy")
    head, ids = _head_twin(model)
    ds = nnlite.data.Dataset.from_tensor_slices((TEXTS, LABELS)).batch(8)
    got = model.fit(ds, epochs=2, verbose=0, class_weight={0: 1.0, 1: 3.0})
    want = head.fit(ids, LABELS, batch_size=8, epochs=2, shuffle=False, verbose=0,
                    class_weight={0: 1.0, 1: 3.0})
    np.testing.assert_allclose(got.history["loss"], want.history["loss"], rtol=1e-6)


def test_sample_weight_with_text_inputs_matches_the_vectorized_ids():
    model = _sequential()
    model.compile(optimizer="sgd", loss="binary_crossentropy")
    head, ids = _head_twin(model)
    weights = np.linspace(0.0, 2.0, len(TEXTS))
    got = model.evaluate(TEXTS, LABELS, sample_weight=weights, batch_size=8, verbose=0)
    want = head.evaluate(ids, LABELS, sample_weight=weights, batch_size=8, verbose=0)
    np.testing.assert_allclose(got, want, rtol=1e-6)


def _export_model():
    """The Keras text tutorial's export model: the vectorizer stacked in front
    of a model trained on ids, with no Input declared."""
    vec = _vectorizer()
    head = Sequential([layers.Embedding(50, 8), layers.GlobalAveragePooling1D(),
                       layers.Dense(1)])
    head.build((None, 6))
    export = Sequential([vec, head, layers.Activation("sigmoid")])
    export.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return export, vec, head


def test_export_model_predicts_on_a_list_of_strings():
    export, vec, head = _export_model()
    logits = head.predict(np.asarray(vec(TEXTS[:3])), verbose=0)
    np.testing.assert_allclose(export.predict(list(TEXTS[:3]), verbose=0),
                               1 / (1 + np.exp(-logits)), rtol=1e-5)


def test_export_model_built_from_text_has_a_string_input():
    export, _, _ = _export_model()
    export.predict(TEXTS[:2], verbose=0)
    assert export.inputs[0].dtype == "string"
    export.predict(TEXTS[:2], verbose=0)      # and takes text again once built


def test_export_model_evaluates_a_text_dataset_as_its_arrays():
    export, _, _ = _export_model()
    ds = nnlite.data.Dataset.from_tensor_slices((TEXTS, LABELS)).batch(8)
    got = export.evaluate(ds, return_dict=True, verbose=0)
    want = export.evaluate(TEXTS, LABELS, batch_size=8, return_dict=True, verbose=0)
    assert got == pytest.approx(want, rel=1e-6)


def test_eagerly_tried_vectorizer_goes_into_a_sequential_with_a_string_input():
    vec = _vectorizer()
    vec(["the cat"])              # built on rank-1 text
    model = Sequential([layers.Input(shape=(1,), dtype="string"), vec,
                        layers.Embedding(50, 8), layers.GlobalAveragePooling1D()])
    ids = np.asarray(vec(TEXTS[:2, None]))
    embed = model.layers[1]
    want = np.asarray(embed(ids)).mean(axis=1)
    np.testing.assert_allclose(model.predict(TEXTS[:2], verbose=0), want, rtol=1e-6)


def test_export_model_called_directly_on_a_list_of_strings():
    export, vec, head = _export_model()
    logits = head.predict(np.asarray(vec(TEXTS[:2])), verbose=0)
    np.testing.assert_allclose(export(list(TEXTS[:2])), 1 / (1 + np.exp(-logits)), rtol=1e-5)
    assert export.inputs[0].dtype == "string"
