"""scikit-learn's own estimator checks on the wrappers, as Keras's
`sklearn_test.py` runs them: the checks that apply must pass, and the ones
Keras lists as expected failures (with its reasons) are marked so."""
import pytest

pytest.importorskip("sklearn")

from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402

from nnlite.wrappers import SKLearnClassifier, SKLearnRegressor, SKLearnTransformer  # noqa: E402
from wrapper_models import dynamic_model  # noqa: E402

# Keras's list (keras/src/wrappers/sklearn_test.py), with its reasons
EXPECTED_FAILED_CHECKS = {
    "SKLearnClassifier": {
        "check_classifiers_regression_target": "not an issue in sklearn>=1.6",
        "check_parameters_default_constructible": "not an issue in sklearn>=1.6",
        "check_classifiers_one_label_sample_weights": "0 sample weight is not ignored",
        "check_classifiers_classes": ("with small test cases the estimator returns not all "
                                      "classes sometimes"),
        "check_classifier_data_not_an_array": "This test assumes reproducibility in fit.",
        "check_supervised_y_2d": "This test assumes reproducibility in fit.",
        "check_fit_idempotent": "This test assumes reproducibility in fit.",
    },
    "SKLearnRegressor": {
        "check_parameters_default_constructible": "not an issue in sklearn>=1.6",
    },
    "SKLearnTransformer": {
        "check_parameters_default_constructible": "not an issue in sklearn>=1.6",
    },
}

FAST = {"epochs": 1, "verbose": 0}


@parametrize_with_checks(
    [SKLearnClassifier(model=dynamic_model,
                       model_kwargs={"loss": "categorical_crossentropy", "layers": [8]},
                       fit_kwargs=FAST),
     SKLearnRegressor(model=dynamic_model, model_kwargs={"loss": "mse"}, fit_kwargs=FAST),
     SKLearnTransformer(model=dynamic_model, model_kwargs={"loss": "mse"}, fit_kwargs=FAST)],
    expected_failed_checks=lambda est: EXPECTED_FAILED_CHECKS[type(est).__name__])
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)
