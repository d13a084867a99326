"""Warnings for Keras 2 idioms that nnlite still accepts (Keras 3 rejects them).

They are FutureWarnings: Python shows those to end users by default, which is
who needs to see them (a notebook author with an old course notebook)."""
import warnings


def warn_deprecated(old, new, stacklevel=3):
    """Warns that the Keras 2 idiom `old` is deprecated in favour of `new`."""
    warnings.warn("%s is a Keras 2 idiom that Keras 3 rejects; nnlite accepts it for now. "
                  "Use %s instead." % (old, new), FutureWarning, stacklevel=stacklevel)
