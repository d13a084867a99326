"""A subclassed model's summary() and build(input_shape), as Keras 3."""
import io

import numpy as np

import nnlite
from nnlite import layers

# Keras 3's table for a subclassed model that has not run yet (88 columns)
UNBUILT = """\
Model: "two_dense"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━┓
┃ Layer (type)                         ┃ Output Shape                ┃         Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━┩
│ hidden (Dense)                       │ ?                           │     0 (unbuilt) │
├──────────────────────────────────────┼─────────────────────────────┼─────────────────┤
│ out (Dense)                          │ ?                           │     0 (unbuilt) │
└──────────────────────────────────────┴─────────────────────────────┴─────────────────┘
 Total params: 0 (0.00 B)
 Trainable params: 0 (0.00 B)
 Non-trainable params: 0 (0.00 B)
"""


class TwoDense(nnlite.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.hidden = layers.Dense(16, activation="relu", name="hidden")
        self.out = layers.Dense(1, name="out")

    def call(self, x):
        return self.out(self.hidden(x))


def _summary(model):
    text = io.StringIO()
    model.summary(print_fn=text.write, line_length=88)
    return text.getvalue()


def _row(text, name):
    return [line for line in text.splitlines() if line.startswith("│ " + name + " ")][0]


def _numpy_forward(model, x):
    k1, b1, k2, b2 = [w.astype(np.float64) for w in model.get_weights()]
    return np.maximum(x @ k1 + b1, 0) @ k2 + b2


def test_summary_of_an_unbuilt_subclassed_model_shows_question_marks():
    assert _summary(TwoDense(name="two_dense")) == UNBUILT


def test_build_creates_the_weights():
    model = TwoDense()
    model.build((None, 8))
    assert model.built
    assert model.count_params() == 8 * 16 + 16 + 16 * 1 + 1


def test_build_gives_weights_that_the_forward_pass_uses():
    model = TwoDense()
    model.build((None, 8))
    x = np.random.default_rng(0).normal(size=(5, 8)).astype("float32")
    np.testing.assert_allclose(model.predict(x, verbose=0), _numpy_forward(model, x),
                               rtol=1e-5, atol=1e-6)


def test_summary_after_build_shows_unknown_batch_and_params():
    model = TwoDense()
    model.build((None, 8))
    text = _summary(model)
    assert "│ (None, 16)  " in _row(text, "hidden") and _row(text, "hidden").endswith(" 144 │")
    assert "│ (None, 1)  " in _row(text, "out") and _row(text, "out").endswith(" 17 │")
    assert " Total params: 161 (644.00 B)\n" in text


def test_summary_after_an_eager_call_shows_that_batch_size():
    model = TwoDense()
    model(np.zeros((2, 8), dtype="float32"))
    assert "│ (2, 16)  " in _row(_summary(model), "hidden")


def test_summary_after_fit_shows_the_first_batch_and_optimizer_params():
    rng = np.random.default_rng(1)
    model = TwoDense()
    model.compile(optimizer="adam", loss="mse")
    model.fit(rng.normal(size=(64, 8)), rng.normal(size=(64, 1)), batch_size=32, verbose=0)
    text = _summary(model)
    assert "│ (32, 16)  " in _row(text, "hidden")
    # Adam: m and v per weight (2 * 161), plus the int64 iteration and the learning rate
    assert " Optimizer params: 324 (1.27 KB)\n" in text
    assert " Total params: 485 (1.90 KB)\n" in text


def test_summary_after_fit_keeps_the_trained_weights_count():
    rng = np.random.default_rng(2)
    model = TwoDense()
    model.compile(optimizer="sgd", loss="mse")
    model.fit(rng.normal(size=(16, 8)), rng.normal(size=(16, 1)), verbose=0)
    assert " Trainable params: 161 (644.00 B)\n" in _summary(model)


def test_build_of_a_model_with_its_own_build_does_not_run_call():
    class OwnBuild(nnlite.Model):
        def __init__(self):
            super().__init__()
            self.dense = layers.Dense(3)

        def build(self, input_shape):
            self.dense.build(input_shape)
            super().build(input_shape)

        def call(self, x):
            raise AssertionError("build must not call the model")

    model = OwnBuild()
    model.build((None, 4))
    assert model.built and model.count_params() == 15


def test_compute_output_shape_of_a_subclassed_model_runs_it():
    assert TwoDense().compute_output_shape((None, 8)) == (None, 1)


def test_expand_nested_lists_the_layers_of_an_inner_model():
    class Outer(nnlite.Model):
        def __init__(self):
            super().__init__()
            self.inner = nnlite.Sequential([layers.Dense(3, name="in_d")], name="inner")
            self.head = layers.Dense(1, name="head")

        def call(self, x):
            return self.head(self.inner(x))

    model = Outer()
    model.build((None, 2))
    text = io.StringIO()
    model.summary(print_fn=text.write, line_length=88, expand_nested=True)
    names = [line.split("│")[1].strip() for line in text.getvalue().splitlines()
             if line.startswith("│ ") and "(" in line.split("│")[1]]
    assert names == ["inner (Sequential)", "└ in_d (Dense)", "head (Dense)"]


def test_build_of_a_model_whose_build_skips_super_still_marks_it_built():
    class NoSuper(nnlite.Model):
        def __init__(self):
            super().__init__()
            self.dense = layers.Dense(3)

        def build(self, input_shape):
            self.dense.build(input_shape)

        def call(self, x):
            return self.dense(x)

    model = NoSuper()
    model.build((None, 4))
    assert model.built and model.count_params() == 15


def test_predict_on_no_samples_gives_the_output_width():
    model = TwoDense()
    model.build((None, 8))
    assert model.predict(np.zeros((0, 8), dtype="float32"), verbose=0).shape == (0, 1)
