"""TextVectorization: raw strings to token indices or bag-of-words vectors."""
import re

import numpy as np

from nnlite import config as nl_config
from nnlite.layers.preprocessing.preprocessing_utils import (
    DataLayer, as_output, batches_of, to_strings, validate_string_arg)
from nnlite.layers.preprocessing.string_lookup import StringLookup

# tf.strings.lower (ASCII only) and Keras's punctuation regex
# [!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~\'] (every ASCII punctuation mark)
_PUNCTUATION = "!\"#$%&()*+,-./:;<=>?@[\\]^_`{|}~'"
_LOWER = {ord(c): ord(c) + 32 for c in map(chr, range(ord("A"), ord("Z") + 1))}
_STRIP = {ord(c): None for c in _PUNCTUATION}
_WHITESPACE = re.compile(r"[ \t\n\v\f\r]+")


class TextVectorization(DataLayer):
    """Turns strings into token indices (`"int"`) or one vector per string
    (`"multi_hot"`, `"count"`, `"tf_idf"`), as Keras on TensorFlow.

    Each string is standardized (`"lower_and_strip_punctuation"`: ASCII
    lower case, then every ASCII punctuation mark deleted), split
    (`"whitespace"`: on runs of ASCII whitespace; `"character"`: Unicode code
    points), and optionally turned into n-grams (all 1-grams, then all
    2-grams, ..., joined by a space). The vocabulary (a `StringLookup` with
    mask `""`) is given or learned by `adapt`: in int mode index 0 is padding
    and 1 is `[UNK]`. Int outputs are padded with 0 to the longest string of
    the batch, or padded / truncated at the end to `output_sequence_length`.

    Args:
        max_tokens: Maximum vocabulary size, padding and OOV included. Defaults to `None`.
        standardize: `"lower_and_strip_punctuation"`, `"lower"`,
            `"strip_punctuation"`, `None` or a callable on a NumPy str array.
            Defaults to `"lower_and_strip_punctuation"`.
        split: `"whitespace"`, `"character"`, `None` or a callable mapping a
            str array to a list of token lists. Defaults to `"whitespace"`.
        ngrams: `None`, an integer (all n-grams up to it) or a tuple of sizes.
            Defaults to `None`.
        output_mode: `"int"`, `"multi_hot"`, `"count"` or `"tf_idf"`
            (`"one_hot"` with `split=None`). Defaults to `"int"`.
        output_sequence_length: Int mode: the output length. Defaults to `None`.
        pad_to_max_tokens: Encode to `max_tokens` columns. Defaults to `False`.
        vocabulary: A list or a text-file path. Defaults to `None`.
        idf_weights: The idf weights for `"tf_idf"`. Defaults to `None`.
        sparse: Only `False`. Defaults to `False`.
        ragged: Only `False`. Defaults to `False`.
        encoding: Text encoding of byte strings. Defaults to `"utf-8"`.

    Input shape: `(N,)` or `(N, 1)` strings. Output shape: `(N, length)`
    int64 or `(N, vocabulary size)`.

    Example:

    >>> layer = TextVectorization()
    >>> layer.adapt(["The cat sat.", "the DOG, the cat!"])
    >>> layer(np.array(["the cat flew"]))
    [[2, 3, 1]]
    """

    def __init__(self, max_tokens=None, standardize="lower_and_strip_punctuation",
                 split="whitespace", ngrams=None, output_mode="int",
                 output_sequence_length=None, pad_to_max_tokens=False, vocabulary=None,
                 idf_weights=None, sparse=False, ragged=False, encoding="utf-8", name=None,
                 **kwargs):
        validate_string_arg(standardize, ("lower_and_strip_punctuation", "lower",
                                          "strip_punctuation"), "TextVectorization",
                            "standardize", allow_none=True, allow_callables=True)
        validate_string_arg(split, ("whitespace", "character"), "TextVectorization", "split",
                            allow_none=True, allow_callables=True)
        if output_mode == "binary":
            output_mode = "multi_hot"
        if output_mode == "tf-idf":
            output_mode = "tf_idf"
        validate_string_arg(output_mode, ("int", "one_hot", "multi_hot", "count", "tf_idf"),
                            "TextVectorization", "output_mode")
        if not (ngrams is None or isinstance(ngrams, int) or isinstance(ngrams, tuple) and
                all(isinstance(item, int) for item in ngrams)):
            raise ValueError("`ngrams` must be None, an integer, or a tuple of integers. "
                             "Received: ngrams=%s" % (ngrams,))
        if output_mode == "int" and not (isinstance(output_sequence_length, int) or
                                         output_sequence_length is None):
            raise ValueError("`output_sequence_length` must be either None or an integer when "
                             "`output_mode` is 'int'. Received: output_sequence_length=%s"
                             % (output_sequence_length,))
        if output_mode != "int" and output_sequence_length is not None:
            raise ValueError("`output_sequence_length` must not be set if `output_mode` is "
                             "not 'int'. Received output_sequence_length=%s."
                             % (output_sequence_length,))
        if ragged and output_mode != "int":
            raise ValueError("`ragged` must not be true if `output_mode` is `'int'`. "
                             "Received: ragged=%s and output_mode=%s" % (ragged, output_mode))
        if ragged:
            raise NotImplementedError("TextVectorization(ragged=True) is not supported by "
                                      "nnlite.")
        self._max_tokens = max_tokens
        self._standardize = standardize
        self._split = split
        self._ngrams_arg = ngrams
        self._ngrams = tuple(range(1, ngrams + 1)) if isinstance(ngrams, int) else ngrams
        self._ragged = ragged
        self._output_mode = output_mode
        self._output_sequence_length = output_sequence_length
        self._encoding = encoding
        has_input_vocabulary = kwargs.pop("has_input_vocabulary", vocabulary is not None)
        vocabulary_size = kwargs.pop("vocabulary_size", None)
        super().__init__(name=name, **kwargs)
        self._lookup_layer = StringLookup(
            max_tokens=max_tokens, vocabulary=vocabulary, idf_weights=idf_weights,
            pad_to_max_tokens=pad_to_max_tokens, mask_token="", output_mode=output_mode,
            sparse=sparse, has_input_vocabulary=has_input_vocabulary, encoding=encoding,
            vocabulary_size=vocabulary_size)

    @property
    def output_dtype(self):
        return self._lookup_layer.output_dtype

    # -- text processing -------------------------------------------------------------
    def _standardized(self, x):
        if self._standardize in ("lower", "lower_and_strip_punctuation"):
            x = np.char.translate(x, _LOWER)
        if self._standardize in ("strip_punctuation", "lower_and_strip_punctuation"):
            x = np.char.translate(x, _STRIP)
        if callable(self._standardize):
            x = to_strings(self._standardize(x), self._encoding)
        return x

    def _preprocess(self, inputs):
        """Strings -> a list of token arrays (one per string), or, with
        `split=None`, an array of whole strings."""
        x = to_strings(inputs, self._encoding)
        if x.size:
            x = self._standardized(x)
        if self._split is None:
            if self._ngrams is not None:
                raise NotImplementedError("TextVectorization: ngrams with split=None is not "
                                          "supported by nnlite.")
            return x
        if x.ndim > 1:
            if x.shape[-1] != 1:
                raise ValueError("When using `TextVectorization` to tokenize strings, the "
                                 "input rank must be 1 or the last shape dimension must be 1. "
                                 "Received: inputs.shape=%s with rank=%d"
                                 % (tuple(x.shape), x.ndim))
            x = x[..., 0]
        x = x.reshape(-1)
        if self._split == "whitespace":
            docs = [[t for t in _WHITESPACE.split(s) if t] for s in x.tolist()]
        elif self._split == "character":
            docs = [list(s) for s in x.tolist()]
        else:
            docs = [list(d) for d in self._split(x)]
        if self._ngrams is not None:
            docs = [_ngrams(d, self._ngrams) for d in docs]
        return [np.array(d, dtype=str) if d else np.zeros((0,), dtype=str) for d in docs]

    # -- vocabulary --------------------------------------------------------------------
    def adapt(self, data, batch_size=None, steps=None):
        """Learns the vocabulary from strings: an array, a list, or an
        iterable of batches."""
        self._lookup_layer.reset_state()
        if isinstance(data, (np.ndarray, list, tuple)) or not hasattr(data, "__iter__"):
            batches = [data]
        else:
            batches = batches_of(data, steps)
        for batch in batches:
            self.update_state(batch)
        self.finalize_state()

    def update_state(self, data):
        docs = self._preprocess(data)
        if isinstance(docs, np.ndarray):
            docs = list(docs.reshape(docs.shape[0], -1)) if docs.ndim > 1 else \
                [docs[i:i + 1] for i in range(docs.shape[0])]
        self._lookup_layer.update_state(docs)

    def finalize_state(self):
        self._lookup_layer.finalize_state()

    def reset_state(self):
        self._lookup_layer.reset_state()

    def get_vocabulary(self, include_special_tokens=True):
        """The vocabulary; with `include_special_tokens`, `""` and `"[UNK]"` first
        (int mode) so that a token's position is its index."""
        return self._lookup_layer.get_vocabulary(include_special_tokens)

    def vocabulary_size(self):
        return self._lookup_layer.vocabulary_size()

    def set_vocabulary(self, vocabulary, idf_weights=None):
        """Sets the vocabulary (a list or a file path) and, in `"tf_idf"`
        mode, the idf weights."""
        self._lookup_layer.set_vocabulary(vocabulary, idf_weights=idf_weights)

    # -- call ------------------------------------------------------------------------
    def build(self, input_shape=None):
        self._build_input_shape = None if input_shape is None else tuple(input_shape)

    def call(self, inputs):
        lookup = self._lookup_layer
        lookup._ensure_known_vocab_size()
        docs = self._preprocess(inputs)
        if isinstance(docs, np.ndarray):          # split=None: one token a string
            ids = lookup._lookup(docs)
            if self._output_mode != "int":
                return as_output(lookup._encode(ids))
            return as_output(self._fit_length(ids))      # the input's shape, as Keras
        ids = [lookup._lookup(d) if d.size else np.zeros((0,), np.int64) for d in docs]
        if self._output_mode == "one_hot":
            raise NotImplementedError("TextVectorization(output_mode='one_hot') needs "
                                      "split=None in nnlite.")
        length = max((len(d) for d in ids), default=0)
        fill = 0 if self._output_mode == "int" else -1      # -1 counts nowhere
        padded = np.full((len(ids), length), fill, np.int64)
        for i, d in enumerate(ids):
            padded[i, :len(d)] = d
        if self._output_mode != "int":
            return as_output(lookup._encode(padded))
        return as_output(self._fit_length(padded))

    def _fit_length(self, ids):
        n = self._output_sequence_length
        if n is None:
            return ids
        ids = ids[..., :n]
        if ids.shape[-1] < n:
            pad = [(0, 0)] * (ids.ndim - 1) + [(0, n - ids.shape[-1])]
            ids = np.pad(ids, pad)
        return ids

    def compute_output_shape(self, input_shape):
        batch = tuple(input_shape)[0] if input_shape else None
        if self._output_mode == "int":
            if self._split is None and self._output_sequence_length is None:
                return tuple(input_shape)
            return (batch, self._output_sequence_length)
        return (batch, self._lookup_layer._depth())

    # -- config and saving -----------------------------------------------------------
    def get_config(self):
        from nnlite.saving.serialization_lib import serialize_keras_object
        config = super().get_config()
        config.update({
            "max_tokens": self._lookup_layer.max_tokens,
            "standardize": self._standardize if self._standardize is None or
            isinstance(self._standardize, str) else serialize_keras_object(self._standardize),
            "split": self._split if self._split is None or isinstance(self._split, str)
            else serialize_keras_object(self._split),
            "ngrams": self._ngrams_arg,
            "output_mode": self._output_mode,
            "output_sequence_length": self._output_sequence_length,
            "pad_to_max_tokens": self._lookup_layer.pad_to_max_tokens,
            "sparse": self._lookup_layer.sparse,
            "ragged": self._ragged,
            "vocabulary": _listify(self._lookup_layer.input_vocabulary),
            "idf_weights": _listify(self._lookup_layer.input_idf_weights),
            "encoding": self._encoding,
            "vocabulary_size": self.vocabulary_size()})
        return config

    @classmethod
    def from_config(cls, config):
        from nnlite.saving.serialization_lib import deserialize_dtype, deserialize_keras_object
        config = dict(config)
        for key in ("standardize", "split"):
            if config.get(key) is not None and not isinstance(config[key], str):
                config[key] = deserialize_keras_object(config[key])
        if isinstance(config.get("ngrams"), list):
            config["ngrams"] = tuple(config["ngrams"])
        if isinstance(config.get("dtype"), dict):
            config["dtype"] = deserialize_dtype(config["dtype"])
        return cls(**config)

    def get_build_config(self):
        shape = getattr(self, "_build_input_shape", None)
        return None if shape is None else {"input_shape": list(shape)}

    def build_from_config(self, config):
        self._build_input_shape = tuple(config["input_shape"]) if config else None
        self.built = True

    def save_own_variables(self, store):
        self._lookup_layer.save_own_variables(store)

    def load_own_variables(self, store):
        self._lookup_layer.load_own_variables(store)

    def asset_files(self):
        return self._lookup_layer.asset_files()

    def load_asset_files(self, files):
        self._lookup_layer.load_asset_files(files)


def _ngrams(tokens, widths):
    """`tf.strings.ngrams(tokens, widths, separator=" ")`: all n-grams of the
    first width, then of the next; a sequence shorter than a width gives none."""
    out = []
    for n in widths:
        out.extend(" ".join(tokens[i:i + n]) for i in range(len(tokens) - n + 1))
    return out


def _listify(x):
    if isinstance(x, np.ndarray):
        return x.tolist()
    return x
