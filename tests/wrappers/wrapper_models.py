"""Tiny model builders for the wrapper tests, in their own module so worker
processes (joblib's loky, Dask) can import them by name."""
from nnlite.layers import Dense, Input
from nnlite.models import Model


def classifier_model(X, y, units=8, learning_rate=0.01):
    """A one-hidden-layer softmax classifier sized from `X` and the one-hot `y`."""
    from nnlite.optimizers import Adam
    inp = Input(shape=(X.shape[1],))
    hidden = Dense(units, activation="relu")(inp)
    out = Dense(y.shape[1], activation="softmax")(hidden)
    model = Model(inp, out)
    model.compile(loss="categorical_crossentropy", optimizer=Adam(learning_rate))
    return model


def dynamic_model(X, y, loss, layers=(10,)):
    """Keras's test model: an MLP whose last layer has `y.shape[1]` softmax units."""
    inp = Input(shape=(X.shape[1],))
    hidden = inp
    for size in layers:
        hidden = Dense(size, activation="relu")(hidden)
    n_outputs = y.shape[1] if len(y.shape) > 1 else 1
    out = Dense(n_outputs, activation="softmax")(hidden)
    model = Model(inp, out)
    model.compile(loss=loss, optimizer="rmsprop")
    return model


def regressor_model(X, y, units=8):
    """A one-hidden-layer linear-output regressor."""
    inp = Input(shape=(X.shape[1],))
    out = Dense(y.shape[1])(Dense(units, activation="relu")(inp))
    model = Model(inp, out)
    model.compile(loss="mse", optimizer="adam")
    return model


def worker_threads(_=None):
    """The thread count a wrapper sets in the process it runs in."""
    from nnlite.wrappers.utils import limit_worker_threads
    return limit_worker_threads()
