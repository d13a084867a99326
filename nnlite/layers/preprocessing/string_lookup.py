"""StringLookup: maps strings to integer indices through a vocabulary."""
from nnlite.layers.preprocessing.index_lookup import IndexLookup


class StringLookup(IndexLookup):
    """Maps strings to indices (or back, with `invert=True`).

    Indices: `[mask_token (int mode, if set)] + [oov_token] * num_oov_indices
    + vocabulary`. `adapt` learns the vocabulary: most frequent first, ties
    by the token, greatest first, at most `max_tokens` indices in all.
    Several OOV indices share the unknown tokens by FarmHash (SipHash with
    `salt`), as TensorFlow does.

    Args:
        max_tokens: Maximum vocabulary size, special tokens included. Defaults to `None`.
        num_oov_indices: Number of OOV indices. Defaults to `1`.
        mask_token: A token that maps to 0 (int mode). Defaults to `None`.
        oov_token: The token of OOV indices (returned by invert). Defaults to `"[UNK]"`.
        vocabulary: A list, array or text-file path. Defaults to `None`.
        idf_weights: The idf weights, with `vocabulary`, for `"tf_idf"`. Defaults to `None`.
        invert: Map indices to strings. Defaults to `False`.
        output_mode: `"int"`, `"one_hot"`, `"multi_hot"`, `"count"` or
            `"tf_idf"`. Defaults to `"int"`.
        pad_to_max_tokens: Encode to `max_tokens` columns. Defaults to `False`.
        sparse: Only `False`. Defaults to `False`.
        encoding: Text encoding of byte strings. Defaults to `"utf-8"`.
        salt: Key of the hashed OOV buckets. Defaults to `None`.

    Example:

    >>> layer = StringLookup(vocabulary=["a", "b", "c", "d"])
    >>> layer(np.array([["a", "c", "d"], ["d", "z", "b"]]))
    [[1, 3, 4], [4, 0, 2]]
    """

    _vocabulary_is_string = True

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token="[UNK]",
                 vocabulary=None, idf_weights=None, invert=False, output_mode="int",
                 pad_to_max_tokens=False, sparse=False, encoding="utf-8", name=None, salt=None,
                 **kwargs):
        kwargs.pop("vocabulary_dtype", None)
        self.encoding = encoding
        super().__init__(max_tokens=max_tokens, num_oov_indices=num_oov_indices,
                         mask_token=mask_token, oov_token=oov_token, vocabulary=vocabulary,
                         idf_weights=idf_weights, invert=invert, output_mode=output_mode,
                         pad_to_max_tokens=pad_to_max_tokens, sparse=sparse, name=name,
                         salt=salt, vocabulary_dtype="string", **kwargs)

    def get_config(self):
        config = super().get_config()
        del config["vocabulary_dtype"]
        config["encoding"] = self.encoding
        return config
