"""plot_model / model_to_dot: the dot graph of Keras 3 (nodes, HTML labels,
edges) and the rendered picture; the ImportErrors without pydot or Graphviz."""
import inspect
import re
import shutil
import sys

import numpy as np
import pytest

import nnlite
from nnlite import layers
from nnlite.utils import model_to_dot, plot_model


def _needs_graphviz():
    pytest.importorskip("pydot")
    if shutil.which("dot") is None:
        pytest.skip("the Graphviz `dot` program is not on PATH")


def _read_png(path):
    """The image as a float array (h, w, channels)."""
    try:
        from PIL import Image
    except ImportError:
        image = pytest.importorskip("matplotlib.image")
        return np.asarray(image.imread(str(path)), dtype=np.float64)
    with Image.open(path) as im:
        return np.asarray(im.convert("RGB"), dtype=np.float64)


def _branch_model():
    """a -> d1, d2 -> add(d1, d2) -> cat(add, a) -> out."""
    a = nnlite.Input((4,), name="a")
    d1 = layers.Dense(8, activation="relu", name="d1")
    d2 = layers.Dense(8, name="d2")
    h1, h2 = d1(a), d2(a)
    s = layers.Add(name="add")([h1, h2])
    c = layers.Concatenate(name="cat")([s, a])
    out = layers.Dense(1, name="out")(c)
    return nnlite.Model(a, out)


def _ids(model):
    return {layer.name: str(id(layer)) for layer in model.layers}


def _edges(dot):
    return {(e.get_source(), e.get_destination()) for e in dot.get_edges()}


def _label(dot, layer):
    (node,) = dot.get_node(str(id(layer)))
    return node.get("label")


def test_model_to_dot_has_one_node_per_layer_input_layers_included():
    pytest.importorskip("pydot")
    model = _branch_model()
    dot = model_to_dot(model)
    names = {n.get_name() for n in dot.get_nodes()} - {"node"}
    assert names == set(_ids(model).values())
    assert len(names) == 6


def test_model_to_dot_edges_follow_the_add_and_concatenate_branch():
    pytest.importorskip("pydot")
    model = _branch_model()
    i = _ids(model)
    expected = {(i["a"], i["d1"]), (i["a"], i["d2"]), (i["d1"], i["add"]),
                (i["d2"], i["add"]), (i["add"], i["cat"]), (i["a"], i["cat"]),
                (i["cat"], i["out"])}
    dot = model_to_dot(model)
    assert _edges(dot) == expected
    assert len(dot.get_edges()) == 7
    assert all(e.get("penwidth") == "2" for e in dot.get_edges())


def test_model_to_dot_text_names_the_layers_and_their_edges():
    pytest.importorskip("pydot")
    model = _branch_model()
    i = _ids(model)
    text = model_to_dot(model).to_string()
    for name, cls in [("a", "InputLayer"), ("d1", "Dense"), ("add", "Add"),
                      ("cat", "Concatenate"), ("out", "Dense")]:
        assert f"<b>{name}</b> ({cls})" in text
    assert f"{i['d2']} -> {i['add']}" in text
    assert f"{i['a']} -> {i['cat']}" in text


def test_model_to_dot_label_is_keras_html_table():
    pytest.importorskip("pydot")
    model = _branch_model()
    label = _label(model_to_dot(model), model.get_layer("d1"))
    assert label == (
        '<<table border="0" cellborder="1" bgcolor="black" cellpadding="10">'
        '<tr><td colspan="1" bgcolor="black"><font point-size="16" color="white">'
        "<b>d1</b> (Dense)</font></td></tr></table>>"
    )


def test_model_to_dot_without_layer_names_shows_the_class_only():
    pytest.importorskip("pydot")
    model = _branch_model()
    label = _label(model_to_dot(model, show_layer_names=False), model.get_layer("cat"))
    assert "<b>Concatenate</b>" in label
    assert "cat" not in label.replace("Concatenate", "")


def test_model_to_dot_shapes_show_input_and_output_shapes():
    pytest.importorskip("pydot")
    model = _branch_model()
    dot = model_to_dot(model, show_shapes=True)
    add_label = _label(dot, model.get_layer("add"))
    assert "Input shape: <b>[(None, 8), (None, 8)]</b>" in add_label
    assert "Output shape: <b>(None, 8)</b>" in add_label
    cat_label = _label(dot, model.get_layer("cat"))
    assert "Input shape: <b>[(None, 8), (None, 4)]</b>" in cat_label
    assert "Output shape: <b>(None, 12)</b>" in cat_label
    input_label = _label(dot, model.get_layer("a"))
    assert "Input shape" not in input_label
    assert "Output shape: <b>(None, 4)</b>" in input_label


def test_model_to_dot_dtype_activation_and_trainable_cells():
    pytest.importorskip("pydot")
    model = _branch_model()
    model.get_layer("d2").trainable = False
    dot = model_to_dot(model, show_dtype=True, show_layer_activations=True,
                       show_trainable=True)
    d1 = _label(dot, model.get_layer("d1"))
    assert "Activation: <b>relu</b>" in d1
    assert "Output dtype: <b>float32</b>" in d1
    assert '<td bgcolor="forestgreen"><font point-size="14" color="white"><b>Trainable</b>' in d1
    d2 = _label(dot, model.get_layer("d2"))
    assert "Activation: <b>linear</b>" in d2
    assert "<b>Non-trainable</b>" in d2
    # layers without weights get no trainable cell, layers without activation no row
    add = _label(dot, model.get_layer("add"))
    assert "rainable" not in add and "Activation" not in add


def test_model_to_dot_graph_attributes_match_keras():
    pytest.importorskip("pydot")
    dot = model_to_dot(_branch_model(), rankdir="LR", dpi=96)
    assert dot.get("rankdir") == "LR"
    assert str(dot.get("dpi")) == "96"
    assert dot.get("splines") == "ortho"
    assert str(dot.get("concentrate")) == "True"
    assert "shape=record" in dot.to_string()


def test_model_to_dot_sequential_is_a_chain_without_input_layer():
    pytest.importorskip("pydot")
    model = nnlite.Sequential([nnlite.Input((6, 6, 1)), layers.Conv2D(2, 3, name="conv"),
                               layers.Flatten(name="flat"), layers.Dense(3, name="dense")])
    i = _ids(model)
    dot = model_to_dot(model, show_shapes=True)
    assert {n.get_name() for n in dot.get_nodes()} - {"node"} == set(i.values())
    assert _edges(dot) == {(i["conv"], i["flat"]), (i["flat"], i["dense"])}
    conv = _label(dot, model.get_layer("conv"))
    assert "Input shape: <b>(None, 6, 6, 1)</b>" in conv
    assert "Output shape: <b>(None, 4, 4, 2)</b>" in conv
    assert "Output shape: <b>(None, 3)</b>" in _label(dot, model.get_layer("dense"))


def _nested_model():
    inner = nnlite.Sequential([nnlite.Input((4,)), layers.Dense(3, name="s1"),
                               layers.Dense(2, name="s2")], name="inner_seq")
    fi = nnlite.Input((2,), name="fi")
    inner_f = nnlite.Model(fi, layers.Dense(5, name="f1")(fi), name="inner_fn")
    x = nnlite.Input((4,), name="x")
    y = layers.Dense(1, name="head")(inner_f(inner(x)))
    return nnlite.Model(x, y), inner, inner_f


def test_model_to_dot_nested_model_is_one_node_unless_expanded():
    pytest.importorskip("pydot")
    model, inner, inner_f = _nested_model()
    dot = model_to_dot(model)
    i = _ids(model)
    assert _edges(dot) == {(i["x"], i["inner_seq"]), (i["inner_seq"], i["inner_fn"]),
                           (i["inner_fn"], i["head"])}
    assert not dot.get_subgraphs()


def test_model_to_dot_expand_nested_draws_clusters_and_inner_edges():
    pytest.importorskip("pydot")
    model, inner, inner_f = _nested_model()
    dot = model_to_dot(model, expand_nested=True)
    names = sorted(s.get_name() for s in dot.get_subgraphs())
    assert names == ["cluster_inner_fn", "cluster_inner_seq"]
    node = {layer.name: str(id(layer)) for layer in inner.layers + inner_f.layers}
    x, head = str(id(model.get_layer("x"))), str(id(model.get_layer("head")))
    edges = {(e.get_source(), e.get_destination()) for e in dot.get_edges()}
    edges |= {(e.get_source(), e.get_destination())
              for s in dot.get_subgraphs() for e in s.get_edges()}
    assert edges == {(x, node["s1"]), (node["s1"], node["s2"]), (node["s2"], node["fi"]),
                     (node["fi"], node["f1"]), (node["f1"], head)}


def test_model_to_dot_subclassed_model_is_one_node():
    pytest.importorskip("pydot")

    class Net(nnlite.Model):
        def __init__(self):
            super().__init__(name="net")
            self.d = layers.Dense(2)

        def call(self, x):
            return self.d(x)

    net = Net()
    net(np.ones((1, 3), dtype="float32"))
    dot = model_to_dot(net)
    (node,) = [n for n in dot.get_nodes() if n.get_name() != "node"]
    assert "<b>net</b> (Net)" in node.get("label")
    assert not dot.get_edges()


def test_model_to_dot_rejects_unbuilt_model_and_unknown_arguments():
    pytest.importorskip("pydot")
    with pytest.raises(ValueError, match="not yet been built"):
        model_to_dot(nnlite.Sequential([layers.Dense(2)]))
    with pytest.raises(ValueError, match="layer_range"):
        model_to_dot(_branch_model(), layer_range=("a", "b"))
    with pytest.raises(ValueError, match="Unrecognized keyword arguments"):
        model_to_dot(_branch_model(), colour=True)


def test_plot_model_defaults_match_keras_3():
    params = inspect.signature(plot_model).parameters
    defaults = {k: p.default for k, p in params.items() if p.default is not p.empty}
    assert defaults == {"to_file": "model.png", "show_shapes": False, "show_dtype": False,
                        "show_layer_names": False, "rankdir": "TB", "expand_nested": False,
                        "dpi": 200, "show_layer_activations": False,
                        "show_trainable": False, "splines": "ortho"}
    assert inspect.signature(model_to_dot).parameters["show_layer_names"].default is True


def test_plot_model_writes_a_png_picture(tmp_path):
    _needs_graphviz()
    path = tmp_path / "model.png"
    plot_model(_branch_model(), to_file=str(path), show_shapes=True, show_layer_names=True,
               dpi=72)
    image = _read_png(path)
    assert image.shape[0] > 200 and image.shape[1] > 200
    assert image.var() > 0


def test_plot_model_sequential_and_other_formats(tmp_path):
    _needs_graphviz()
    model = nnlite.Sequential([nnlite.Input((3,)), layers.Dense(2), layers.Dense(1)])
    png = tmp_path / "seq"                 # no extension: PNG, as Keras
    plot_model(model, to_file=png, dpi=72)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert _read_png(png).var() > 0
    svg = tmp_path / "seq.svg"
    plot_model(model, to_file=svg, show_shapes=True)
    assert "<svg" in svg.read_text()


def test_plot_model_without_pydot_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "pydot", None)     # `import pydot` now fails
    with pytest.raises(ImportError, match=re.escape("pip install pydot")) as info:
        plot_model(_branch_model())
    assert "apt-get install graphviz" in str(info.value)
    with pytest.raises(ImportError, match=re.escape("pip install pydot")):
        model_to_dot(_branch_model())


def test_plot_model_without_graphviz_says_what_to_install(monkeypatch, tmp_path):
    pytest.importorskip("pydot")
    monkeypatch.setenv("PATH", str(tmp_path))           # no `dot` to be found
    target = tmp_path / "model.png"
    with pytest.raises(ImportError, match="Graphviz") as info:
        plot_model(_branch_model(), to_file=target)
    assert "apt-get install graphviz" in str(info.value)
    assert not target.exists()
    # the dot text itself needs only pydot
    assert model_to_dot(_branch_model()).to_string().startswith("digraph")


def test_graph_nodes_lists_calls_after_their_inputs():
    model = _branch_model()
    nodes = model.graph_nodes()
    order = [n.layer.name for n in nodes]
    assert sorted(order) == sorted(layer.name for layer in model.layers)
    for k, node in enumerate(nodes):
        for parent in node.parent_nodes:
            assert order.index(parent.layer.name) < k
    (add,) = [n for n in nodes if n.layer.name == "add"]
    assert [p.layer.name for p in add.parent_nodes] == ["d1", "d2"]
    assert [tuple(t.shape) for t in add.output_tensors] == [(None, 8)]
    assert nodes[0].is_input and not add.is_input


def test_graph_nodes_leaves_out_calls_made_outside_the_model():
    shared = layers.Dense(2, name="shared")
    a = nnlite.Input((3,), name="a")
    model = nnlite.Model(a, shared(a))
    shared(nnlite.Input((3,), name="other"))            # a second call elsewhere
    assert [n.layer.name for n in model.graph_nodes()] == ["a", "shared"]
