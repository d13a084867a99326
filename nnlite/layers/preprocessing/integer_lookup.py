"""IntegerLookup: maps integers to contiguous indices through a vocabulary."""
from nnlite.layers.preprocessing.index_lookup import IndexLookup


class IntegerLookup(IndexLookup):
    """Maps integer tokens to indices (or back, with `invert=True`).

    Indices: `[mask_token (int mode, if set)] + [oov_token] * num_oov_indices
    + vocabulary`; `adapt` orders by count, then by value, greatest first.
    With several OOV indices an unknown token `t` takes `t % num_oov_indices`
    (`oov_method="floormod"`) or a FarmHash bucket of its decimal form
    (`"farmhash"`).

    Args:
        max_tokens: Maximum vocabulary size, special tokens included. Defaults to `None`.
        num_oov_indices: Number of OOV indices. Defaults to `1`.
        mask_token: A token that maps to 0 (int mode). Defaults to `None`.
        oov_token: The token invert returns for OOV indices. Defaults to `-1`.
        vocabulary: A list, array or text-file path. Defaults to `None`.
        vocabulary_dtype: Only `"int64"`. Defaults to `"int64"`.
        idf_weights: The idf weights, with `vocabulary`, for `"tf_idf"`. Defaults to `None`.
        invert: Map indices to tokens. Defaults to `False`.
        output_mode: `"int"`, `"one_hot"`, `"multi_hot"`, `"count"` or
            `"tf_idf"`. Defaults to `"int"`.
        sparse: Only `False`. Defaults to `False`.
        pad_to_max_tokens: Encode to `max_tokens` columns. Defaults to `False`.
        oov_method: `"floormod"` or `"farmhash"`. Defaults to `"floormod"`.
        salt: Key of the hashed OOV buckets (farmhash only). Defaults to `None`.

    Example:

    >>> IntegerLookup(vocabulary=[12, 36, 1138, 42])(np.array([[12, 1138, 42], [42, 1000, 36]]))
    [[1, 3, 4], [4, 0, 2]]
    """

    _vocabulary_is_string = False

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token=-1,
                 vocabulary=None, vocabulary_dtype="int64", idf_weights=None, invert=False,
                 output_mode="int", sparse=False, pad_to_max_tokens=False,
                 oov_method="floormod", salt=None, name=None, **kwargs):
        if max_tokens is not None and max_tokens <= 1:
            raise ValueError("If `max_tokens` is set for `IntegerLookup`, it must be greater "
                             "than 1. Received: max_tokens=%s" % (max_tokens,))
        if num_oov_indices < 0:
            raise ValueError("The value of `num_oov_indices` argument for `IntegerLookup` "
                             "must >= 0. Received: num_oov_indices=%s" % (num_oov_indices,))
        if vocabulary_dtype != "int64":
            raise ValueError("Only `vocabulary_dtype='int64'` is supported at this time. "
                             "Received: vocabulary_dtype=%s" % (vocabulary_dtype,))
        super().__init__(max_tokens=max_tokens, num_oov_indices=num_oov_indices,
                         mask_token=mask_token, oov_token=oov_token, vocabulary=vocabulary,
                         vocabulary_dtype=vocabulary_dtype, idf_weights=idf_weights,
                         invert=invert, output_mode=output_mode, sparse=sparse,
                         pad_to_max_tokens=pad_to_max_tokens, oov_method=oov_method,
                         salt=salt, name=name, **kwargs)

    def get_config(self):
        config = super().get_config()
        for key in ("oov_token", "mask_token"):
            if config[key] is not None:
                config[key] = int(config[key])
        if config["vocabulary"] is not None:
            config["vocabulary"] = [int(v) for v in config["vocabulary"]]
        return config
