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
