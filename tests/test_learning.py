"""Models learn: XOR, the shipped digits, and the course's regression snippet."""
import numpy as np

from nnlite.datasets import digits
from nnlite.layers import Dense, Input
from nnlite.models import Sequential
from nnlite.optimizers import Adam
from nnlite.utils import set_random_seed, to_categorical


def test_mlp_learns_xor():
    set_random_seed(0)
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
    y = np.array([0, 1, 1, 0], dtype=np.float32)
    model = Sequential([Input(shape=(2,)), Dense(8, activation="tanh"),
                        Dense(1, activation="sigmoid")])
    model.compile(optimizer=Adam(learning_rate=0.05), loss="binary_crossentropy",
                  metrics=["accuracy"])
    model.fit(x, y, epochs=300, batch_size=4, verbose=0)
    pred = model.predict(x, verbose=0)[:, 0]
    np.testing.assert_array_equal(pred > 0.5, y > 0.5)
    assert model.evaluate(x, y, verbose=0)[1] == 1.0


def test_mlp_reaches_95_percent_on_shipped_digits():
    set_random_seed(1)
    (x_train, y_train), (x_test, y_test) = digits.load_data()
    x_train = x_train.reshape(-1, 64).astype("float32") / 16.0
    x_test = x_test.reshape(-1, 64).astype("float32") / 16.0
    model = Sequential([Input(shape=(64,)), Dense(128, activation="relu"),
                        Dense(64, activation="relu"), Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    model.fit(x_train, to_categorical(y_train, 10), epochs=20, verbose=0)
    _, accuracy = model.evaluate(x_test, to_categorical(y_test, 10), verbose=0)
    assert accuracy >= 0.95
    # the metric agrees with a direct count
    predicted = np.argmax(model.predict(x_test, verbose=0), axis=1)
    assert np.mean(predicted == y_test) == accuracy


def test_course_regression_snippet_runs_and_learns():
    set_random_seed(2)
    rng = np.random.default_rng(2)
    predictors = rng.normal(size=(500, 8))
    target = predictors @ rng.normal(size=8) + 0.1 * rng.normal(size=500)
    n_cols = predictors.shape[1]
    model = Sequential()
    model.add(Dense(100, activation="relu", input_shape=(n_cols,)))
    model.add(Dense(100, activation="relu"))
    model.add(Dense(1))
    model.compile(optimizer="adam", loss="mean_squared_error")
    history = model.fit(predictors, target, epochs=10, validation_split=0.2, verbose=0)
    losses = history.history["val_loss"]
    assert losses[-1] < 0.1 * losses[0]
    assert losses[-1] < 0.1 * np.var(target)
