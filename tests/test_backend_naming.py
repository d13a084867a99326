"""Default names follow Keras's snake_case rule (keras/src/utils/naming.py).

Expected strings produced with Keras 3.15.1 in /work/kerasenv:
`keras.src.utils.naming.to_snake_case(name)`.
"""
import pytest

from nnlite.backend import naming


@pytest.mark.parametrize("cls_name, expected", [
    ("Conv2D", "conv2d"),
    ("MaxPooling2D", "max_pooling2d"),
    ("GlobalAveragePooling2D", "global_average_pooling2d"),
    ("Conv1DTranspose", "conv1d_transpose"),
    ("PReLU", "p_re_lu"),
    ("LeakyReLU", "leaky_re_lu"),
    ("BatchNormalization", "batch_normalization"),
    ("AUC", "auc"),
    ("L1L2", "l1l2"),
    ("RMSprop", "rm_sprop"),
    ("F1Score", "f1_score"),
    ("MeanIoU", "mean_io_u"),
])
def test_to_snake_case_matches_keras(cls_name, expected):
    assert naming.to_snake_case(cls_name) == expected


def test_saving_uses_the_same_rule():
    from nnlite.saving import saving_lib
    assert saving_lib.to_snake_case is naming.to_snake_case
