"""Network diagrams: neurons as circles of a flow chart, not as a computation graph.

``draw_graph`` (in ``graph``) draws every ``+`` and ``*`` of an expression.
A network diagram is the other picture the lectures use: one node per
neuron, an arrow per weight, and inside each neuron its two stages, the
**excitation** (the weighted sum ``z = w·x + b``) and the **activation**
(``h = f(z)``), in the words of the classic neural-network lectures.
"""

from .graph import GraphDrawing, configure_renderer

__all__ = ["draw_network", "linear_text"]


def _number(x):
    """0.5 -> '0.5', 2.0 -> '2', -1.25 -> '-1.25' (round numbers stay round)."""
    return f"{x:g}"


def linear_text(weights, names, bias):
    """The weighted sum as a person would write it, in plain ASCII (Graphviz measures only ASCII):
    ``linear_text([-1, -1], ["x1", "x2"], 0.5)`` gives ``'0.5 - x1 - x2'`` and
    ``linear_text([1, 1], ["x1", "x2"], -1.5)`` gives ``'x1 + x2 - 1.5'``: a positive bias first,
    a negative one last; a weight of 1 is left out, a weight of 0 drops its term."""
    terms = []
    for w, name in zip(weights, names):
        if w != 0:
            terms.append((w, name if abs(w) == 1 else f"{_number(abs(w))}*{name}"))
    if bias > 0:
        terms.insert(0, (bias, _number(bias)))
    elif bias < 0:
        terms.append((bias, _number(abs(bias))))
    if not terms:
        return "0"
    (first_sign, first), rest = terms[0], terms[1:]
    text = ("-" if first_sign < 0 else "") + first
    return " ".join([text] + [f"{'-' if sign < 0 else '+'} {term}" for sign, term in rest])


def _check_sizes(sizes):
    if len(sizes) < 2 or any(not isinstance(n, int) or n < 1 for n in sizes):
        raise ValueError(f"draw_network: sizes must list at least two layer widths, each a positive int "
                         f"(e.g. [2, 2, 1]); got {sizes!r}")


def _default_names(sizes):
    """x1, x2 for the inputs; h1, h2 for one hidden layer (h1_1, h2_1 for several); y1 for the outputs."""
    _check_sizes(sizes)
    hidden = sizes[1:-1]
    names = [[f"x{i + 1}" for i in range(sizes[0])]]
    for layer, width in enumerate(hidden, 1):
        prefix = "h" if len(hidden) == 1 else f"h{layer}_"
        names.append([f"{prefix}{i + 1}" for i in range(width)])
    return names + [[f"y{i + 1}" for i in range(sizes[-1])]]


def _check(sizes, weights, biases, names, where):
    _check_sizes(sizes)
    if len(names) != len(sizes):
        raise ValueError(f"draw_network: {where} must give one list of names per layer ({len(sizes)})")
    for layer, (n_in, n_out) in enumerate(zip(sizes, sizes[1:])):
        if weights is not None and (len(weights[layer]) != n_out or any(len(row) != n_in for row in weights[layer])):
            raise ValueError(f"draw_network: weights[{layer}] must have {n_out} rows (one per unit) of {n_in} "
                             f"numbers (one per input), as nn.Linear stores them")
        if biases is not None and len(biases[layer]) != n_out:
            raise ValueError(f"draw_network: biases[{layer}] must have {n_out} numbers, one per unit")
    for layer, layer_names in enumerate(names):
        if len(layer_names) != sizes[layer]:
            raise ValueError(f"draw_network: {where} names layer {layer} with {len(layer_names)} names, "
                             f"but it has {sizes[layer]} unit{'s' if sizes[layer] != 1 else ''}")


def draw_network(sizes, weights=None, biases=None, names=None, activations=None, show_stages=True,
                 subscripts=False):
    """Draw a fully connected network, inputs on the left.

    ``sizes``: units per layer, inputs first, e.g. ``[2, 2, 1]``.
    ``weights[l][j][i]``: the weight from unit ``i`` of layer ``l`` to unit
    ``j`` of layer ``l + 1`` (one row per unit, as ``nn.Linear`` stores it);
    ``biases[l][j]`` its bias. Leave both out to draw the shape alone.
    ``names``: a list of names per layer (default x1, x2 / h1, h2 / y1).
    ``activations``: one function name per layer after the inputs (``"u"``,
    ``"tanh"``, ``"softmax"``); it names the activation stage.
    ``subscripts``: name each unit's excitation after the unit (``z_h1``, so
    ``h1 = tanh(z_h1)``) rather than a bare ``z``.

    Each unit shows its excitation ``z = ...`` and activation ``name = f(z)``;
    with numbers, the excitation is written out and every arrow carries its weight.
    A softmax layer counts its units from 0, as classes are counted: its
    excitations are ``z0, z1, ...``, its outputs ``p0, p1, ...`` (unless
    ``names`` says otherwise), and ``pk = softmax(z)[k]`` reads the whole vector z.
    Units are drawn in the order given, top to bottom.
    """
    activations = activations or ["f"] * (len(sizes) - 1)
    if not names:
        names = _default_names(sizes)
        if len(activations) == len(sizes) - 1 and activations[-1] == "softmax":
            names[-1] = [f"p{k}" for k in range(sizes[-1])]
    if len(activations) != len(sizes) - 1:
        raise ValueError(f"draw_network: one activation per layer after the inputs ({len(sizes) - 1}); "
                         f"got {len(activations)}")
    _check(sizes, weights, biases, names, "names")

    configure_renderer()
    dot = GraphDrawing(format="svg",
                       graph_attr={"rankdir": "LR", "ranksep": "0.9", "nodesep": "0.3",
                                   "ordering": "out"},  # units top to bottom in their given order
                       node_attr={"fontname": "Helvetica", "fontsize": "11"},
                       edge_attr={"fontname": "Helvetica", "fontsize": "10", "arrowsize": "0.6"})
    for name in names[0]:
        dot.node(f"0.{name}", name, shape="circle", width="0.5", fixedsize="true", style="filled",
                 fillcolor="lightgray")
    units = []  # for the summary a screen reader gets instead of the picture
    for layer in range(1, len(sizes)):
        previous, act = names[layer - 1], activations[layer - 1]
        for j, name in enumerate(names[layer]):
            if weights is not None and biases is not None:
                units.append(f"{name} = {act}({linear_text(weights[layer - 1][j], previous, biases[layer - 1][j])})")
            else:
                units.append(f"{name} = {act}(a weighted sum of {', '.join(previous)} plus a bias)")
            lines = [name]
            if show_stages:
                z = f"z{j}" if act == "softmax" else f"z_{name}" if subscripts else "z"
                if weights is not None and biases is not None:
                    lines.append(f"excitation {z} = {linear_text(weights[layer - 1][j], previous, biases[layer - 1][j])}")
                else:
                    lines.append(f"excitation {z} = sum(w * input) + b")
                lines.append(f"activation {name} = {act}({z})" if act != "softmax"
                             else f"activation {name} = softmax(z)[{j}]")
            dot.node(f"{layer}.{name}", "\n".join(lines), shape="box", style="rounded")
            for i, source in enumerate(previous):
                label = _number(weights[layer - 1][j][i]) if weights is not None else ""
                dot.edge(f"{layer - 1}.{source}", f"{layer}.{name}", label=label)
    dot.title = f"A {'-'.join(map(str, sizes))} network: inputs {', '.join(names[0])}"
    dot.summary = "; ".join(units) + "."
    return dot
