"""GlobalAveragePooling1D: the mean over all steps of each channel (masked steps left out)."""
from nnlite import ops
from nnlite.layers.pooling.base_global_pooling import BaseGlobalPooling
from nnlite.layers.rank_check import check_ndim


class GlobalAveragePooling1D(BaseGlobalPooling):
    """Global average pooling for temporal data: `y[n, c] = mean_t x[n, t, c]`.

    With a mask (from `Embedding(mask_zero=True)` or `Masking`, or given as
    `mask=`, shape `(batch, steps)`), only the unmasked steps count:
    `y[n, c] = sum_t m[n, t] x[n, t, c] / sum_t m[n, t]`, as Keras. The output
    carries no mask.

    Args:
        data_format: `"channels_last"` `(batch, steps, features)` or
            `"channels_first"` `(batch, features, steps)`. Defaults to `None`
            (`"channels_last"`).
        keepdims: Keep the steps axis as size 1. Defaults to `False`.

    Input shape: 3-D. Output shape: `(batch, features)`, or
    `(batch, 1, features)` with `keepdims=True` (channels_last).

    Example:

    >>> x = np.array([[[1.], [2.], [9.]]])
    >>> GlobalAveragePooling1D()(x, mask=np.array([[True, True, False]])).numpy()
    array([[1.5]], dtype=float32)
    """

    supports_masking = True

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(pool_dimensions=1, data_format=data_format, keepdims=keepdims,
                         **kwargs)

    def call(self, inputs, mask=None):
        check_ndim(self, inputs.shape, self._ndim)
        steps_axis = self._spatial_axes()[0]
        if mask is None:
            return ops.mean(inputs, axis=steps_axis, keepdims=self.keepdims)
        mask = ops.convert_to_numpy(mask)
        if mask.shape != (inputs.shape[0], inputs.shape[steps_axis]):
            raise ValueError("The mask of GlobalAveragePooling1D must have shape (batch, steps) "
                             "= %s. Received: mask.shape=%s"
                             % ((inputs.shape[0], inputs.shape[steps_axis]), mask.shape))
        kept = ops.expand_dims(mask.astype(bool), 2 if steps_axis == 1 else 1)
        total = ops.sum(ops.where(kept, inputs, 0), axis=steps_axis, keepdims=self.keepdims)
        count = ops.sum(ops.cast(kept, inputs.dtype), axis=steps_axis, keepdims=self.keepdims)
        return total / count

    def compute_mask(self, inputs, previous_mask=None):
        return None
