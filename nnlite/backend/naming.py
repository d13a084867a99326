"""Default object names as Keras assigns them: `dense`, `dense_1`, ..."""
import re

_uids = {}


def to_snake_case(name):
    """Keras's rule: `BatchNormalization` -> `batch_normalization`, `Conv2D` -> `conv2d`,
    `MaxPooling2D` -> `max_pooling2d`, `PReLU` -> `p_re_lu`, `L1L2` -> `l1l2`.

    A digit does not start a new word (unlike the common recipe, which gives `conv2_d`)."""
    name = re.sub(r"\W+", "", name)
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    name = re.sub(r"([a-z])([A-Z])", r"\1_\2", name)
    return name.lower()


def uniquify(prefix):
    """Returns `prefix` the first time, then `prefix_1`, `prefix_2`, ... (process-wide)."""
    count = _uids.get(prefix, 0)
    _uids[prefix] = count + 1
    return prefix if count == 0 else "%s_%d" % (prefix, count)


def auto_name(class_name):
    return uniquify(to_snake_case(class_name))


def clear_session():
    """Resets the name counters, so the next `Dense` is called `dense` again."""
    _uids.clear()
