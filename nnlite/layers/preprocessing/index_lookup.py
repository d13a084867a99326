"""IndexLookup: the vocabulary machinery of StringLookup and IntegerLookup
(and of TextVectorization, which holds a StringLookup)."""
import collections
import os

import numpy as np

from nnlite import config as nl_config
from nnlite.layers.preprocessing.preprocessing_utils import (
    DataLayer, as_output, batches_of, categorical_output_shape, encode_categorical, to_numpy,
    to_strings, validate_string_arg)
from nnlite.layers.preprocessing.string_hash import hash_buckets

_INT64_MAX = np.iinfo(np.int64).max


class IndexLookup(DataLayer):
    """Maps tokens to indices through a vocabulary, as Keras's `IndexLookup`.

    Indices: `[mask (int mode, when mask_token is set)] + [OOV] *
    num_oov_indices + vocabulary`. `adapt` orders the learned tokens by count,
    most frequent first, ties broken by the token, greatest first (NumPy's
    `lexsort((tokens, counts))[::-1]`, Keras's rule), and keeps at most
    `max_tokens` indices in all. Unknown tokens take the OOV index (with
    several: `token % num_oov_indices` for integers, a FarmHash bucket for
    strings). `output_mode` `"int"` gives int64 indices; `"one_hot"`,
    `"multi_hot"` and `"count"` int64 vectors of the vocabulary size;
    `"tf_idf"` counts times `idf = ln(1 + documents / (1 + document
    frequency))` (float), the OOV slots weighted by the mean idf.
    """

    _vocabulary_is_string = True

    def __init__(self, max_tokens, num_oov_indices, mask_token, oov_token, vocabulary_dtype,
                 vocabulary=None, idf_weights=None, invert=False, output_mode="int",
                 sparse=False, pad_to_max_tokens=False, oov_method="floormod", name=None,
                 salt=None, **kwargs):
        if max_tokens is not None and max_tokens <= 1:
            raise ValueError("If set, `max_tokens` must be greater than 1. Received: "
                             "max_tokens=%s" % (max_tokens,))
        if pad_to_max_tokens and max_tokens is None:
            raise ValueError("If pad_to_max_tokens is True, must set `max_tokens`. Received: "
                             "max_tokens=%s" % (max_tokens,))
        if num_oov_indices < 0:
            raise ValueError("`num_oov_indices` must be greater than or equal to 0. Received: "
                             "num_oov_indices=%s" % (num_oov_indices,))
        validate_string_arg(oov_method, ("floormod", "farmhash"), type(self).__name__,
                            "oov_method")
        if salt is not None:
            if not self._vocabulary_is_string and oov_method != "farmhash":
                raise ValueError("`salt` can only be used when `oov_method='farmhash'`. "
                                 "Received: oov_method=%s" % (oov_method,))
            if isinstance(salt, (tuple, list)) and len(salt) == 2:
                salt = list(salt)
            elif isinstance(salt, int):
                salt = [salt, salt]
            else:
                raise ValueError("The `salt` argument for `IndexLookup` can only be a tuple "
                                 "of 2 integers, or a single integer. Received: salt=%s."
                                 % (salt,))
        if output_mode == "binary":
            output_mode = "multi_hot"
        if output_mode == "tf-idf":
            output_mode = "tf_idf"
        validate_string_arg(output_mode, ("int", "one_hot", "multi_hot", "count", "tf_idf"),
                            type(self).__name__, "output_mode")
        if invert and output_mode != "int":
            raise ValueError("`output_mode` must be `'int'` when `invert` is true. Received: "
                             "output_mode=%s" % (output_mode,))
        if sparse and output_mode == "int":
            raise ValueError("`sparse` may only be true if `output_mode` is `'one_hot'`, "
                             "`'multi_hot'`, `'count'` or `'tf_idf'`. Received: sparse=%s and "
                             "output_mode=%s" % (sparse, output_mode))
        if sparse:
            raise NotImplementedError("%s(sparse=True) is not supported by nnlite."
                                      % type(self).__name__)
        if idf_weights is not None and output_mode != "tf_idf":
            raise ValueError("`idf_weights` should only be set if `output_mode` is "
                             "`'tf_idf'`. Received: idf_weights=%s and output_mode=%s"
                             % (idf_weights, output_mode))
        self._frozen_vocab_size = kwargs.pop("vocabulary_size", None)
        self._has_input_vocabulary = kwargs.pop("has_input_vocabulary",
                                                vocabulary is not None)
        kwargs.pop("trainable", None)
        kwargs.pop("dtype", None)
        if kwargs:
            raise ValueError("Unrecognized keyword argument(s): %s" % (kwargs,))
        super().__init__(name=name)
        self.invert = invert
        self.max_tokens = max_tokens
        self.num_oov_indices = num_oov_indices
        self.mask_token = mask_token
        self.oov_token = oov_token
        self.output_mode = output_mode
        self.sparse = sparse
        self.pad_to_max_tokens = pad_to_max_tokens
        self.vocabulary_dtype = vocabulary_dtype
        self.oov_method = oov_method
        self.salt = salt
        self.input_vocabulary = vocabulary if not isinstance(vocabulary, str) else None
        self.input_idf_weights = idf_weights
        self.idf_weights = None
        if output_mode == "tf_idf":
            if self._has_input_vocabulary and idf_weights is None:
                raise ValueError("When specifying the `vocabulary` argument, in TF-IDF output "
                                 "mode, the `idf_weights` argument must also be provided.")
            if idf_weights is not None:
                self.idf_weights = np.asarray(idf_weights, dtype=nl_config.floatx())
        self._tokens = self._empty_tokens()
        self._set_table()
        self.reset_state()
        if vocabulary is not None:
            self.set_vocabulary(vocabulary, idf_weights)

    # -- tokens --------------------------------------------------------------------
    def _empty_tokens(self):
        return np.zeros((0,), dtype=str if self._vocabulary_is_string else np.int64)

    def _as_tokens(self, x):
        """`x` as an array of the vocabulary's kind (str or int64)."""
        if self._vocabulary_is_string:
            return to_strings(x)
        arr = to_numpy(x)
        if arr.dtype.kind not in "iub" and arr.size:
            if arr.dtype.kind == "f" and np.all(arr == np.round(arr)):
                return arr.astype(np.int64)
            raise ValueError("%s takes integer tokens. Received: dtype=%s"
                             % (type(self).__name__, arr.dtype))
        return arr.astype(np.int64)

    def _oov_start_index(self):
        return 1 if self.mask_token is not None and self.output_mode == "int" else 0

    def _token_start_index(self):
        return self._oov_start_index() + self.num_oov_indices

    def _set_table(self):
        order = np.argsort(self._tokens, kind="stable")
        self._sorted_tokens = self._tokens[order]
        self._sorted_indices = order.astype(np.int64) + self._token_start_index()

    def vocabulary_size(self):
        """The vocabulary size, mask and OOV indices included."""
        return int(len(self._tokens)) + self._token_start_index()

    def get_vocabulary(self, include_special_tokens=True):
        """The vocabulary: with `include_special_tokens`, a token's position
        is its index (mask, then OOV tokens, first)."""
        vocab = [self.oov_token] * self._token_start_index() + self._tokens.tolist()
        if self.mask_token is not None and self.output_mode == "int":
            vocab[0] = self.mask_token
        if not include_special_tokens:
            vocab = vocab[self._token_start_index():]
        return vocab

    # -- vocabulary ----------------------------------------------------------------
    def set_vocabulary(self, vocabulary, idf_weights=None):
        """Sets the vocabulary (a list, an array or a path to a text file with
        one token a line) and, in `"tf_idf"` mode, the idf weights.
        Special tokens may lead the vocabulary, in index order."""
        if self.output_mode == "tf_idf":
            if idf_weights is None:
                raise ValueError("`idf_weights` must be set if output_mode is 'tf_idf'.")
        elif idf_weights is not None:
            raise ValueError("`idf_weights` should only be set if output_mode is `'tf_idf'`. "
                             "Received: output_mode=%s and idf_weights=%s"
                             % (self.output_mode, idf_weights))
        if isinstance(vocabulary, (str, os.PathLike)):
            vocabulary = os.fspath(vocabulary)
            if not os.path.exists(vocabulary):
                raise ValueError("Vocabulary file %s does not exist." % vocabulary)
            if self.output_mode == "tf_idf":
                raise ValueError("output_mode `'tf_idf'` does not support loading a "
                                 "vocabulary from file.")
            with open(vocabulary, "r", encoding="utf-8") as f:
                lines = f.read().split("\n")
            while lines and lines[-1] == "":
                lines.pop()
            tokens = self._as_tokens(lines if self._vocabulary_is_string
                                     else [int(v) for v in lines])
            self._install(tokens)
            return
        vocabulary = np.asarray(to_numpy(vocabulary))
        if vocabulary.size == 0:
            raise ValueError("Cannot set an empty vocabulary. Received: vocabulary=%s"
                             % (vocabulary,))
        vocabulary = self._as_tokens(vocabulary)
        oov_start, token_start = self._oov_start_index(), self._token_start_index()
        special = [self.mask_token] * oov_start + [self.oov_token] * self.num_oov_indices
        found_special = len(vocabulary) >= token_start and \
            [v for v in vocabulary[:token_start].tolist()] == special
        tokens = vocabulary[token_start:] if found_special else vocabulary
        repeated = [t for t, c in collections.Counter(tokens.tolist()).items() if c > 1]
        if repeated:
            raise ValueError("The passed vocabulary has at least one repeated term. Please "
                             "uniquify your dataset. The repeated terms are: %s" % repeated)
        if self.mask_token is not None and self.mask_token in tokens.tolist():
            raise ValueError("Found reserved mask token at unexpected location in "
                             "`vocabulary`. Note that passed `vocabulary` does not need to "
                             "include the OOV and mask tokens. Either remove all mask and OOV "
                             "tokens, or include them only at the start of the vocabulary in "
                             "precisely this order: %s. Received: mask_token=%s"
                             % (special, self.mask_token))
        if self.oov_token is not None and self.invert and self.oov_token in tokens.tolist():
            raise ValueError("Found reserved OOV token at unexpected location in "
                             "`vocabulary`. Note that passed `vocabulary` does not need to "
                             "include the OOV and mask tokens. Either remove all mask and OOV "
                             "tokens, or include them only at the start of the vocabulary in "
                             "precisely this order: %s. Received: oov_token=%s"
                             % (special, self.oov_token))
        if self.max_tokens is not None and token_start + len(tokens) > self.max_tokens:
            raise ValueError("Attempted to set a vocabulary larger than the maximum vocab "
                             "size. Received vocabulary size is %d; `max_tokens` is %d."
                             % (token_start + len(tokens), self.max_tokens))
        self._install(tokens)
        if self.output_mode == "tf_idf" and idf_weights is not None:
            idf_weights = np.asarray(to_numpy(idf_weights))
            if len(vocabulary) != len(idf_weights):
                raise ValueError("`idf_weights` must be the same length as vocabulary. "
                                 "len(idf_weights) is %d; len(vocabulary) is %d"
                                 % (len(idf_weights), len(vocabulary)))
            if idf_weights.ndim != 1:
                raise ValueError("TF-IDF data must be a 1-index array. Received: "
                                 "type(idf_weights)=%s" % type(idf_weights))
            front, front_value = (0, 0) if found_special else \
                (token_start, np.average(idf_weights))
            back = self.max_tokens - front - len(idf_weights) \
                if self.pad_to_max_tokens and self.max_tokens is not None else 0
            self.idf_weights = np.pad(idf_weights, (front, back), "constant",
                                      constant_values=(front_value, 0)) \
                .astype(nl_config.floatx())

    def _install(self, tokens):
        self._tokens = np.asarray(tokens)
        self._set_table()
        self._record_vocabulary_size()

    def _record_vocabulary_size(self):
        if not (self.output_mode == "int" or self.pad_to_max_tokens):
            new = self.vocabulary_size()
            if self._frozen_vocab_size is not None and new != self._frozen_vocab_size and \
                    getattr(self, "_called", False):
                raise RuntimeError(
                    "When using `output_mode=%s` and `pad_to_max_tokens=False`, the "
                    "vocabulary size cannot be changed after the layer is called. Old vocab "
                    "size is %d, new vocab size is %d"
                    % (self.output_mode, self._frozen_vocab_size, new))
        self._frozen_vocab_size = self.vocabulary_size()

    # -- adapt ---------------------------------------------------------------------
    def reset_state(self):
        self._token_counts = collections.Counter()
        self._document_counts = collections.Counter()
        self._num_documents = 0

    def adapt(self, data, steps=None):
        """Learns the vocabulary from `data`: an array or list (each element
        of a rank-1 array a document), or an iterable of batches."""
        self.reset_state()
        if isinstance(data, (np.ndarray, list, tuple)) or not hasattr(data, "__iter__"):
            arr = self._as_tokens(data)
            if arr.ndim == 1:
                arr = arr[:, None]
            self.update_state(arr)
        else:
            for batch in batches_of(data, steps):
                self.update_state(batch)
        self.finalize_state()

    def _documents(self, data):
        """`data` as a list of 1-D token arrays, one per document."""
        if isinstance(data, list) and all(isinstance(d, np.ndarray) for d in data):
            return [self._as_tokens(d).reshape(-1) for d in data]
        arr = self._as_tokens(data)
        if arr.ndim == 0:
            arr = arr.reshape(1)
        if arr.ndim == 1:
            arr = arr[None, :]
        if arr.shape[0] == 0:
            return []
        return list(arr.reshape(arr.shape[0], -1))

    def update_state(self, data):
        if self._has_input_vocabulary:
            raise ValueError("Cannot adapt layer '%s' after setting a static vocabulary via "
                             "`vocabulary` argument or `set_vocabulary()` method." % self.name)
        docs = self._documents(data)
        flat = np.concatenate(docs) if docs else self._empty_tokens()
        tokens, counts = np.unique(flat, return_counts=True)
        self._token_counts.update(dict(zip(tokens.tolist(), counts.tolist())))
        if self.output_mode == "tf_idf":
            unique_per_doc = [np.unique(d) for d in docs]
            flat = np.concatenate(unique_per_doc) if docs else self._empty_tokens()
            tokens, counts = np.unique(flat, return_counts=True)
            self._document_counts.update(dict(zip(tokens.tolist(), counts.tolist())))
            self._num_documents += len(docs)

    def finalize_state(self):
        if self._has_input_vocabulary or not self._token_counts:
            self._record_vocabulary_size()
            return
        for special in (self.mask_token, self.oov_token):
            if special is not None:
                self._token_counts.pop(special, None)
        tokens = np.array(list(self._token_counts.keys()),
                          dtype=str if self._vocabulary_is_string else np.int64)
        counts = np.array(list(self._token_counts.values()), dtype=np.int64)
        order = np.lexsort((tokens, counts))[::-1]
        if self.max_tokens:
            order = order[:self.max_tokens - self._token_start_index()]
        tokens = tokens[order]
        self._tokens = tokens
        self._set_table()
        if self.output_mode == "tf_idf":
            df = np.array([self._document_counts.get(t, 0) for t in tokens.tolist()],
                          dtype=np.float64)
            idf = np.log(1 + self._num_documents / (1 + df)).astype(nl_config.floatx())
            idf = np.pad(idf, (self._token_start_index(), 0), "constant",
                         constant_values=np.mean(idf))
            if self.pad_to_max_tokens and self.max_tokens is not None:
                idf = np.pad(idf, (0, self.max_tokens - idf.size), "constant")
            self.idf_weights = idf.astype(nl_config.floatx())
        self.reset_state()
        self._record_vocabulary_size()

    # -- call ----------------------------------------------------------------------
    @property
    def output_dtype(self):
        if self.invert:
            return "string" if self._vocabulary_is_string else "int64"
        return nl_config.floatx() if self.output_mode == "tf_idf" else "int64"

    def _lookup(self, x):
        """Token array -> int64 index array (forward) or indices -> tokens (invert)."""
        if self.invert:
            idx = to_numpy(x).astype(np.int64)
            vocab = np.array(self.get_vocabulary(), dtype=object if self._vocabulary_is_string
                             else np.int64)
            tok = np.array(self._tokens.tolist() if self._vocabulary_is_string else
                           self._tokens, dtype=vocab.dtype)
            table = np.concatenate([np.array([self.oov_token] * self._token_start_index(),
                                             dtype=vocab.dtype), tok])
            valid = (idx >= self._token_start_index()) & (idx < len(table))
            out = np.where(valid, table[np.clip(idx, 0, max(len(table) - 1, 0))]
                           if len(table) else self.oov_token, self.oov_token)
            if self.mask_token is not None:
                out = np.where(idx == 0, self.mask_token, out)
            if self._vocabulary_is_string:
                out = np.asarray(out, dtype=str)
            return out
        x = self._as_tokens(x)
        n = len(self._sorted_tokens)
        pos = np.searchsorted(self._sorted_tokens, x)
        safe = np.clip(pos, 0, max(n - 1, 0))
        found = (pos < n) & (self._sorted_tokens[safe] == x) if n else np.zeros(x.shape, bool)
        out = np.where(found, self._sorted_indices[safe] if n else 0, -1).astype(np.int64)
        if self.num_oov_indices == 1:
            out = np.where(found, out, self._oov_start_index())
        elif self.num_oov_indices > 1:
            if not self._vocabulary_is_string and self.oov_method != "farmhash":
                buckets = np.mod(x, self.num_oov_indices)
            else:
                buckets = hash_buckets(x, self.num_oov_indices, key=self.salt)
            out = np.where(found, out, buckets + self._oov_start_index())
        if self.mask_token is not None:
            out = np.where(x == self.mask_token,
                           0 if self.output_mode == "int" else _INT64_MAX, out)
        if self.num_oov_indices == 0 and np.any(out == -1):
            raise ValueError("When `num_oov_indices=0` all inputs should be in vocabulary, "
                             "found OOV values %s, consider setting `num_oov_indices=1`."
                             % (x[out == -1],))
        return out

    def _depth(self):
        return self.max_tokens if self.pad_to_max_tokens else self._frozen_vocab_size

    def _ensure_known_vocab_size(self):
        if self.output_mode == "int" or self.pad_to_max_tokens:
            return
        if self._frozen_vocab_size is None:
            raise RuntimeError("When using `output_mode=%s` and `pad_to_max_tokens=False`, "
                               "you must set the layer's vocabulary before calling it. Either "
                               "pass a `vocabulary` argument to the layer, or call `adapt` "
                               "with some sample data." % self.output_mode)

    def _encode(self, lookups):
        """Indices -> the output of `output_mode`."""
        if self.output_mode == "int":
            return lookups
        out = encode_categorical(lookups, "count" if self.output_mode == "tf_idf"
                                 else self.output_mode, self._depth(), np.int64)
        if self.output_mode == "tf_idf":
            if self.idf_weights is None:
                raise ValueError("When `output_mode` is `'tf_idf'`, `idf_weights` must be "
                                 "provided.")
            out = out.astype(self.idf_weights.dtype) * self.idf_weights
        return out

    def call(self, inputs):
        self._ensure_known_vocab_size()
        self._called = True
        return as_output(self._encode(self._lookup(inputs)))

    def compute_output_shape(self, input_shape):
        return categorical_output_shape(input_shape, self.output_mode, self._depth())

    # -- config and saving -----------------------------------------------------------
    def get_config(self):
        config = super().get_config()
        config.update({
            "invert": self.invert, "max_tokens": self.max_tokens,
            "num_oov_indices": self.num_oov_indices, "oov_token": self.oov_token,
            "mask_token": self.mask_token, "output_mode": self.output_mode,
            "sparse": self.sparse, "pad_to_max_tokens": self.pad_to_max_tokens,
            "vocabulary_dtype": self.vocabulary_dtype,
            "idf_weights": _listify(self.input_idf_weights),
            "vocabulary": _listify(self.input_vocabulary),
            "vocabulary_size": self._frozen_vocab_size,
            "oov_method": self.oov_method, "salt": self.salt})
        return config

    def get_build_config(self):
        return {}

    def build_from_config(self, config):
        self.built = True

    def save_own_variables(self, store):
        """Keras's variables of a lookup: `idf_weights` in `"tf_idf"` mode."""
        if self.output_mode == "tf_idf":
            store["idf_weights"] = np.asarray(self.idf_weights)

    def load_own_variables(self, store):
        if self.output_mode == "tf_idf":
            if "idf_weights" not in store:
                raise ValueError("Layer '%s' expects the variable 'idf_weights'. Received: %s"
                                 % (self.name, sorted(store)))
            self.idf_weights = np.asarray(store["idf_weights"], dtype=nl_config.floatx())

    def asset_files(self):
        """The files Keras saves under `assets/<layer path>/` in a `.keras`
        archive: the adapted (or file) vocabulary as `vocabulary.txt`."""
        if self.input_vocabulary is not None:
            return {}
        text = "\n".join(str(w) for w in self.get_vocabulary(include_special_tokens=True))
        return {"vocabulary.txt": text.encode("utf-8")}

    def load_asset_files(self, files):
        if self.input_vocabulary is not None:
            return
        if "vocabulary.txt" not in files:
            raise ValueError("Layer '%s': the archive has no vocabulary.txt asset."
                             % self.name)
        lines = files["vocabulary.txt"].decode("utf-8").splitlines()
        while lines and lines[-1] == "":
            lines.pop()
        values = lines if self._vocabulary_is_string else [int(v) for v in lines]
        if self.output_mode == "tf_idf":
            self.set_vocabulary(values, idf_weights=self.idf_weights)
        else:
            self.set_vocabulary(values)


def _listify(x):
    if isinstance(x, np.ndarray):
        return x.tolist()
    if hasattr(x, "numpy"):
        return np.asarray(x.numpy()).tolist()
    return x
