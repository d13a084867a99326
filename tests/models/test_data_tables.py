"""pandas DataFrames and Series as fit/evaluate/predict data: bool and nullable
columns are numbers, missing values are NaN, text columns are named."""
import numpy as np
import pytest

from nnlite.layers import Dense, Input
from nnlite.models import Sequential

pd = pytest.importorskip("pandas")


def _model():
    model = Sequential([Input((3,)), Dense(4, activation="relu"), Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    return model


def _frame(**extra):
    cols = {"a": [0.5, -1.0, 2.0, 0.0], "b": [True, False, True, True],
            "c": pd.array([1, 2, 3, 4], dtype="Int64")}
    cols.update(extra)
    return pd.DataFrame(cols)


def test_bool_and_nullable_integer_columns_predict_as_their_numbers():
    model = _model()
    want = np.array([[0.5, 1, 1], [-1, 0, 2], [2, 1, 3], [0, 1, 4]], np.float32)
    np.testing.assert_array_equal(model.predict(_frame(), verbose=0),
                                  model.predict(want, verbose=0))


def test_a_missing_value_is_refused_as_nan():
    frame = _frame(c=pd.array([1, None, 3, 4], dtype="Int64"))
    with pytest.raises(ValueError, match="x contains NaN"):
        _model().fit(frame, np.zeros(4), verbose=0)


def test_a_text_column_is_named():
    frame = _frame(s=["u", "v", "w", "x"])
    with pytest.raises(TypeError, match=r"non-numeric columns \['s'\]"):
        _model().predict(frame, verbose=0)


def test_a_nullable_series_target_trains():
    model = _model()
    history = model.fit(_frame(), pd.Series([1, 0, 1, 1], dtype="Int64"), epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])
