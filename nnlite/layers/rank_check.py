"""The rank check of layers that take a fixed number of axes (Keras's InputSpec(ndim=...))."""


def check_ndim(layer, shape, ndim):
    """Raises Keras's ValueError naming `layer` unless `shape` has `ndim` axes."""
    if len(shape) != ndim:
        raise ValueError('Input 0 of layer "%s" is incompatible with the layer: expected '
                         "ndim=%d, found ndim=%d. Full shape received: %s"
                         % (layer.name, ndim, len(shape), tuple(shape)))
