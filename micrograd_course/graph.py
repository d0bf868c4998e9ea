"""Drawing computation graphs with Graphviz.

The Python ``graphviz`` package only writes the DOT text; a separate program
turns it into a picture. We look for one in this order:

1. the path in the environment variable ``MICROGRAD_COURSE_DOT``, if set;
2. ``graphviz-pure``, a standalone renderer installed from PyPI with this
   course (no root needed, and the same output on every machine);
3. the system's ``dot`` (``apt install graphviz``, ``brew install graphviz``,
   ``conda install graphviz``).
"""

import os
import shutil
import sys
import sysconfig

import graphviz
import graphviz.backend.dot_command

from .engine import topological_order

__all__ = ["draw_graph", "find_renderer", "configure_renderer", "GraphvizNotFoundError"]

ENV_VARIABLE = "MICROGRAD_COURSE_DOT"


class GraphvizNotFoundError(RuntimeError):
    """No program that can render a Graphviz drawing was found."""


_FIX = (
    "No Graphviz renderer was found, so the graph cannot be drawn.\n"
    "Fix it with one of:\n"
    "  pip install graphviz-pure      (no root needed; run it in this course's environment)\n"
    "  sudo apt install graphviz      (Debian/Ubuntu; brew install graphviz on macOS,\n"
    "                                  conda install graphviz in conda)\n"
    f"or point {ENV_VARIABLE} at a 'dot' executable. Then restart the kernel."
)


def _candidates():
    override = os.environ.get(ENV_VARIABLE)
    if override:
        yield override
        return  # an explicit choice is never silently replaced by another renderer
    for scripts_dir in (sysconfig.get_path("scripts"), os.path.dirname(sys.executable)):
        yield os.path.join(scripts_dir, "graphviz-pure")
    yield "graphviz-pure"
    yield "dot"


def find_renderer():
    """Return the path of the Graphviz renderer to use, or raise GraphvizNotFoundError."""
    for candidate in _candidates():
        found = shutil.which(candidate)
        if found:
            return found
    override = os.environ.get(ENV_VARIABLE)
    if override:
        raise GraphvizNotFoundError(
            f"{ENV_VARIABLE} is set to {override!r}, which is not an executable file. "
            f"Fix the path or unset the variable.\n\n" + _FIX
        )
    raise GraphvizNotFoundError(_FIX)


def configure_renderer():
    """Point the graphviz package at the renderer find_renderer() picks; return its path."""
    graphviz.backend.dot_command.DOT_BINARY = find_renderer()
    _text_form_without_address()
    return graphviz.backend.dot_command.DOT_BINARY


def _text_form_without_address():
    """In IPython, give drawings the plain-text form '<graphviz drawing>'.

    The default text form contains a memory address, which would make a
    notebook's stored outputs change on every run.
    """
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None:
        plain_text = shell.display_formatter.formatters["text/plain"]
        plain_text.for_type(graphviz.Digraph, lambda drawing, printer, cycle: printer.text("<graphviz drawing>"))


def _escape(text):
    """Escape the characters that have a meaning inside a Graphviz record label."""
    for ch in "\\{}|<>\"":
        text = text.replace(ch, "\\" + ch)
    return text


def draw_graph(root, highlight=(), rankdir="LR", show_grad=True):
    """Draw the graph that produced ``root``, left to right.

    Every value is a record ``{ label | data | grad }``; an operation gets its
    own small oval between its inputs and its output. ``highlight`` is a
    collection of Values to fill in gold, or a dict from Value to a Graphviz
    colour name. Nodes are named by their position in a
    fixed traversal order, never by memory address, so the same expression
    always gives the same picture.

    Returns a ``graphviz.Digraph``: a notebook displays it; ``.render()``
    or ``.pipe()`` write it out.
    """
    configure_renderer()
    colours = highlight if isinstance(highlight, dict) else dict.fromkeys(highlight, "gold")
    nodes = topological_order(root)
    names = {v: f"v{i}" for i, v in enumerate(nodes)}  # Values hash by identity

    dot = graphviz.Digraph(
        format="svg",
        graph_attr={"rankdir": rankdir, "nodesep": "0.15", "ranksep": "0.3"},
        node_attr={"fontname": "Helvetica", "fontsize": "11"},
    )
    for v in nodes:
        name = names[v]
        fields = [_escape(v.label)] if v.label else []
        fields.append(f"data {v.data:.4f}")
        if show_grad:
            fields.append(f"grad {v.grad:.4f}")
        style = {"style": "filled", "fillcolor": colours[v]} if v in colours else {}
        dot.node(name, label="{ " + " | ".join(fields) + " }", shape="record", **style)
        if v._op:
            dot.node(name + "op", label=_escape(v._op), shape="ellipse", margin="0.02")
            dot.edge(name + "op", name)
            for child in v._prev:
                dot.edge(names[child], name + "op")
    return dot
