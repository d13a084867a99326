"""Pictures of a model's graph, as Keras 3's `plot_model` and `model_to_dot`.

Each layer is one Graphviz node whose label is an HTML-like table, drawn as
Keras 3 draws it: a black header row with the class name (or
`<b>name</b> (Class)` with `show_layer_names=True`), then optional rows for
the activation and for the input/output shapes, the output dtype and whether
the layer is trainable. Edges go from the layer that produced a tensor to the
layer that reads it.

The graph comes from public accessors only: `model.layers`, and for a
functional model `model.graph_nodes()` (each call's layer, its input and
output KerasTensors and the nodes that produced its inputs). A Sequential
model has no InputLayer node (as in Keras) and its shapes come from each
layer's `compute_output_shape`, starting at `model.input_shape`.

pydot (`pip install pydot`) builds the graph and the Graphviz `dot` program
renders it; both are optional dependencies of nnlite.
"""
import html
import os

_GRAPHVIZ_HINT = (
    "Install Graphviz, which provides `dot`, e.g. with `apt-get install graphviz` "
    "(Debian/Ubuntu), `brew install graphviz` (macOS) or `conda install graphviz`; "
    "see https://graphviz.org/download/."
)


def _import_pydot(caller):
    try:
        import pydot
    except ImportError as e:
        raise ImportError(
            f"You must install pydot (`pip install pydot`) for `{caller}` to work; "
            "drawing the image also needs the Graphviz `dot` program. " + _GRAPHVIZ_HINT
        ) from e
    return pydot


def check_pydot():
    """Returns `True` if pydot can be imported."""
    try:
        import pydot  # noqa: F401
    except ImportError:
        return False
    return True


def check_graphviz():
    """Returns `True` if pydot is installed and can run Graphviz's `dot`."""
    if not check_pydot():
        return False
    import pydot

    try:
        # rendering an empty graph is the cheapest way to find `dot`
        pydot.Dot.create(pydot.Dot())
    except (OSError, getattr(pydot, "PydotException", OSError)):
        return False
    return True


# -- what a node shows -----------------------------------------------------------
def _shape_text(shapes):
    """`(None, 4)` for one tensor, `[(None, 4), (None, 2)]` for several, as
    Keras prints a shape structure; `?` when unknown."""
    if shapes is None:
        return "?"
    if isinstance(shapes, tuple):
        return str(_plain_shape(shapes))
    if len(shapes) == 1:
        return str(_plain_shape(shapes[0]))
    return "[" + ", ".join(str(_plain_shape(s)) for s in shapes) + "]"


def _plain_shape(shape):
    return tuple(None if d is None else int(d) for d in shape)


def _activation_name(layer):
    activation = layer.activation
    for attr in ("name", "__name__"):
        name = getattr(activation, attr, None)
        if isinstance(name, str):
            return name
    return str(activation)


def _has_weights(layer):
    try:
        return bool(layer.weights)
    except Exception:  # noqa: BLE001 - an unbuilt layer just has none to show
        return False


def _cell(text, bold):
    return ('<td bgcolor="white"><font point-size="14">'
            f"{text}: <b>{html.escape(bold, quote=False)}</b></font></td>")


def make_layer_label(layer, info, show_layer_names, show_layer_activations,
                     show_dtype, show_shapes, show_trainable):
    """The HTML-like table that labels `layer`'s node.

    Args:
        layer: The layer (or model) drawn.
        info: `(input_shapes, output_shapes, dtypes)` of the layer's call in
            the model drawn; each is `None` when unknown.
        show_layer_names, show_layer_activations, show_dtype, show_shapes,
        show_trainable: As in `plot_model`.
    """
    class_name = type(layer).__name__
    input_shapes, output_shapes, dtypes = info
    name = html.escape(layer.name, quote=False)
    if show_layer_names:
        header = f"<b>{name}</b> ({class_name})"
    else:
        header = f"<b>{class_name}</b>"

    rows = []
    if show_layer_activations and getattr(layer, "activation", None) is not None:
        rows.append('<font point-size="14">Activation: '
                    f"<b>{html.escape(_activation_name(layer), quote=False)}</b></font>")
    cols = []
    if show_shapes:
        if class_name != "InputLayer":
            cols.append(_cell("Input shape", _shape_text(input_shapes)))
        cols.append(_cell("Output shape", _shape_text(output_shapes)))
    if show_dtype:
        if dtypes is None:
            dtype_text = "?"
        elif len(dtypes) == 1:
            dtype_text = str(dtypes[0])
        else:
            dtype_text = str([str(d) for d in dtypes])
        cols.append(_cell("Output dtype", dtype_text))
    if show_trainable and _has_weights(layer):
        if layer.trainable:
            cols.append('<td bgcolor="forestgreen"><font point-size="14" color="white">'
                        "<b>Trainable</b></font></td>")
        else:
            cols.append('<td bgcolor="firebrick"><font point-size="14" color="white">'
                        "<b>Non-trainable</b></font></td>")

    # the header and activation rows span the row of cells below them
    span = max(1, len(cols))
    table = '<<table border="0" cellborder="1" bgcolor="black" cellpadding="10">'
    table += (f'<tr><td colspan="{span}" bgcolor="black">'
              f'<font point-size="16" color="white">{header}</font></td></tr>')
    for row in rows:
        table += f'<tr><td bgcolor="white" colspan="{span}">{row}</td></tr>'
    if cols:
        table += "<tr>" + "".join(cols) + "</tr>"
    return table + "</table>>"


# -- walking the graph -----------------------------------------------------------
def _model_kinds():
    from nnlite.models.functional import Functional
    from nnlite.models.sequential import Sequential
    return Functional, Sequential


def _call_info(model):
    """`{id(layer): (input_shapes, output_shapes, dtypes)}` for the layers of
    `model`, from the first call of each layer in the model's graph."""
    Functional, Sequential = _model_kinds()
    info = {}
    if isinstance(model, Functional):
        for node in model.graph_nodes():
            if id(node.layer) in info:
                continue
            info[id(node.layer)] = (
                [t.shape for t in node.input_tensors] or None,
                [t.shape for t in node.output_tensors],
                [t.dtype for t in node.output_tensors],
            )
        return info
    if isinstance(model, Sequential):
        try:
            shape = tuple(model.input_shape)
        except (AttributeError, ValueError):
            shape = None
        for layer in model.layers:
            out = None
            if shape is not None:
                try:
                    out = tuple(layer.compute_output_shape(shape))
                except Exception:  # noqa: BLE001 - an unknown shape is drawn as `?`
                    out = None
            dtype = getattr(layer, "compute_dtype", None) or getattr(layer, "dtype", None)
            info[id(layer)] = (
                None if shape is None else [shape],
                None if out is None else [out],
                None if dtype is None else [dtype],
            )
            shape = out
    return info


def _producer(model, tensor):
    """The node of functional `model` that outputs `tensor`, and its index there."""
    for node in model.graph_nodes():
        for i, t in enumerate(node.output_tensors):
            if t is tensor:
                return node, i
    raise ValueError(f"Tensor {tensor!r} is not produced in model '{model.name}'.")


def _edge_source(layer, output_index):
    """The drawn box that produces output `output_index` of `layer`: inside a
    nested model, the layer that makes that output."""
    Functional, Sequential = _model_kinds()
    while isinstance(layer, (Functional, Sequential)):
        if isinstance(layer, Sequential):
            layer, output_index = layer.layers[-1], 0
        else:
            node, output_index = _producer(layer, layer.outputs[output_index])
            layer = node.layer
    return layer


def _edge_destination(layer, input_index):
    """The drawn box that reads input `input_index` of `layer`: inside a
    nested model, its InputLayer (functional) or its first layer."""
    Functional, Sequential = _model_kinds()
    while isinstance(layer, (Functional, Sequential)):
        if isinstance(layer, Sequential):
            layer = layer.layers[0]
        else:
            layer = _producer(layer, layer.inputs[input_index])[0].layer
            input_index = 0
    return layer


def _edges(model, expand_nested):
    """`[(source, destination)]` layers, in the order Keras adds them."""
    Functional, Sequential = _model_kinds()
    edges = []
    if isinstance(model, Sequential):
        layers = model.layers
        for src, dst in zip(layers[:-1], layers[1:]):
            if expand_nested:
                src, dst = _edge_source(src, 0), _edge_destination(dst, 0)
            edges.append((src, dst))
        return edges
    nodes_of = {}
    for node in model.graph_nodes():
        nodes_of.setdefault(id(node.layer), []).append(node)
    for layer in model.layers:
        for node in nodes_of.get(id(layer), []):
            for input_index, (tensor, parent) in enumerate(
                    zip(node.input_tensors, node.parent_nodes)):
                src, dst = parent.layer, layer
                if expand_nested:
                    output_index = next(i for i, t in enumerate(parent.output_tensors)
                                        if t is tensor)
                    src = _edge_source(src, output_index)
                    dst = _edge_destination(dst, input_index)
                edges.append((src, dst))
    return edges


def _add_edge(pydot, dot, src, dst):
    src_id, dst_id = str(id(src)), str(id(dst))
    if not dot.get_edge(src_id, dst_id):
        edge = pydot.Edge(src_id, dst_id)
        edge.set("penwidth", "2")
        dot.add_edge(edge)


def model_to_dot(
    model,
    show_shapes=False,
    show_dtype=False,
    show_layer_names=True,
    rankdir="TB",
    expand_nested=False,
    dpi=200,
    subgraph=False,
    show_layer_activations=False,
    show_trainable=False,
    splines="ortho",
    **kwargs,
):
    """Converts a model to a `pydot.Dot` graph, as Keras 3's `model_to_dot`.

    One node per layer (its id is `str(id(layer))`), labelled with an
    HTML-like table; one edge per tensor passed from one layer to another
    (a layer that reads the same tensor twice gets one edge). A Sequential
    model is drawn as a chain of its layers (no InputLayer); a functional
    model as its graph, InputLayers included; a subclassed model as one node.

    Args:
        model: A built nnlite model.
        show_shapes: Whether to show each layer's input and output shapes.
            Defaults to `False`.
        show_dtype: Whether to show each layer's output dtype. Defaults to
            `False`.
        show_layer_names: Whether to show layer names beside the class
            names. Defaults to `True` (note: `plot_model` defaults to `False`,
            as in Keras 3).
        rankdir: Graphviz `rankdir`: `"TB"` draws top to bottom, `"LR"` left
            to right. Defaults to `"TB"`.
        expand_nested: Whether to draw nested Sequential and functional models
            as dashed clusters of their layers. Defaults to `False`.
        dpi: Image resolution in dots per inch. Defaults to `200`.
        subgraph: Whether to return a `pydot.Cluster` (used for nested
            models). Defaults to `False`.
        show_layer_activations: Whether to show the activation of layers that
            have one. Defaults to `False`.
        show_trainable: Whether to show if each layer with weights is
            trainable. Defaults to `False`.
        splines: Graphviz `splines`, how edges are drawn: `"ortho"`
            (right angles), `"curved"`, `"polyline"`, `"spline"`, `"line"`.
            Defaults to `"ortho"`.

    Returns:
        A `pydot.Dot`, or a `pydot.Cluster` when `subgraph=True`.

    Example:

    ```python
    dot = nnlite.utils.model_to_dot(model, show_shapes=True)
    print(dot.to_string())
    ```
    """
    if kwargs.pop("layer_range", None) is not None:
        raise ValueError("Argument `layer_range` is no longer supported.")
    if kwargs:
        raise ValueError(f"Unrecognized keyword arguments: {kwargs}")
    if not getattr(model, "built", False):
        raise ValueError(
            "This model has not yet been built. Build the model first by calling "
            "`build()` or by calling the model on a batch of data."
        )
    pydot = _import_pydot("model_to_dot")
    Functional, Sequential = _model_kinds()

    if subgraph:
        dot = pydot.Cluster(style="dashed", graph_name=model.name)
        dot.set("label", model.name)
        dot.set("labeljust", "l")
    else:
        dot = pydot.Dot()
        dot.set("rankdir", rankdir)
        dot.set("concentrate", True)
        dot.set("dpi", dpi)
        dot.set("splines", splines)
        dot.set_node_defaults(shape="record")

    options = dict(show_layer_names=show_layer_names,
                   show_layer_activations=show_layer_activations,
                   show_dtype=show_dtype, show_shapes=show_shapes,
                   show_trainable=show_trainable)

    def add_node(layer, info):
        node = pydot.Node(str(id(layer)), label=make_layer_label(layer, info, **options))
        node.set("fontname", "Helvetica")
        node.set("border", "0")
        node.set("margin", "0")
        dot.add_node(node)

    if not isinstance(model, (Functional, Sequential)):
        # a subclassed model is one box: its graph is its Python code
        add_node(model, (None, None, None))
        return dot

    info = _call_info(model)
    for layer in model.layers:
        if expand_nested and isinstance(layer, (Functional, Sequential)):
            dot.add_subgraph(model_to_dot(
                layer, show_shapes=show_shapes, show_dtype=show_dtype,
                show_layer_names=show_layer_names, rankdir=rankdir,
                expand_nested=True, dpi=dpi, subgraph=True,
                show_layer_activations=show_layer_activations,
                show_trainable=show_trainable, splines=splines))
        else:
            add_node(layer, info.get(id(layer), (None, None, None)))
    for src, dst in _edges(model, expand_nested):
        _add_edge(pydot, dot, src, dst)
    return dot


def plot_model(
    model,
    to_file="model.png",
    show_shapes=False,
    show_dtype=False,
    show_layer_names=False,
    rankdir="TB",
    expand_nested=False,
    dpi=200,
    show_layer_activations=False,
    show_trainable=False,
    splines="ortho",
    **kwargs,
):
    """Draws a model's graph into an image file, as Keras 3's `plot_model`.

    Needs pydot (`pip install pydot`) and the Graphviz `dot` program
    (`apt-get install graphviz`, `brew install graphviz`, ...); without them
    it raises an ImportError that says what to install.

    Args:
        model: A built nnlite model (Sequential, functional or subclassed).
        to_file: File name of the image; its extension picks the format
            (`.png`, `.svg`, `.pdf`, `.jpg`, `.dot`, ...; none means PNG).
            Defaults to `"model.png"`.
        show_shapes: Whether to show input and output shapes. Defaults to
            `False`.
        show_dtype: Whether to show output dtypes. Defaults to `False`.
        show_layer_names: Whether to show layer names. Defaults to `False`.
        rankdir: `"TB"` for a vertical plot, `"LR"` for a horizontal one.
            Defaults to `"TB"`.
        expand_nested: Whether to draw nested models as clusters of their
            layers. Defaults to `False`.
        dpi: Image resolution in dots per inch. Defaults to `200`.
        show_layer_activations: Whether to show layer activations. Defaults
            to `False`.
        show_trainable: Whether to show if layers are trainable. Defaults to
            `False`.
        splines: How edges are drawn (`"ortho"`, `"curved"`, `"polyline"`,
            `"spline"`, `"line"`). Defaults to `"ortho"`.

    Returns:
        An `IPython.display.Image` (an `SVG` for `.svg`) of the file when
        IPython is installed and the format is an image one, so that a
        notebook shows it; otherwise `None`.

    Example:

    ```python
    inputs = nnlite.Input((4,))
    x = nnlite.layers.Dense(8, activation="relu")(inputs)
    model = nnlite.Model(inputs, nnlite.layers.Dense(1)(x))
    nnlite.utils.plot_model(model, "model.png", show_shapes=True)
    ```
    """
    if kwargs.pop("layer_range", None) is not None:
        raise ValueError("Argument `layer_range` is no longer supported.")
    if kwargs:
        raise ValueError(f"Unrecognized keyword arguments: {kwargs}")
    if not getattr(model, "built", False):
        raise ValueError(
            "This model has not yet been built. Build the model first by calling "
            "`build()` or by calling the model on a batch of data."
        )
    _import_pydot("plot_model")
    if not check_graphviz():
        raise ImportError(
            "You must install Graphviz for `plot_model` to work: its `dot` program "
            "was not found on PATH or failed to run. " + _GRAPHVIZ_HINT
        )
    dot = model_to_dot(
        model, show_shapes=show_shapes, show_dtype=show_dtype,
        show_layer_names=show_layer_names, rankdir=rankdir,
        expand_nested=expand_nested, dpi=dpi,
        show_layer_activations=show_layer_activations,
        show_trainable=show_trainable, splines=splines)
    to_file = os.fspath(to_file)
    extension = os.path.splitext(to_file)[1][1:] or "png"
    dot.write(to_file, format=extension)
    kind = extension.lower()
    if kind not in ("png", "jpg", "jpeg", "gif", "svg"):
        return None
    try:
        from IPython import display
    except ImportError:
        return None
    if kind == "svg":
        return display.SVG(filename=to_file)
    # the format is passed: IPython guesses it from the name, which may have none
    return display.Image(filename=to_file, format=kind)
