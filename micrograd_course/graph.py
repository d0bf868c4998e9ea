"""Drawing computation graphs with Graphviz.

The Python ``graphviz`` package only writes the DOT text; a separate program
turns it into a picture. We look for one in this order:

1. the path in the environment variable ``MICROGRAD_COURSE_DOT``, if set;
2. ``graphviz-pure``, a standalone renderer installed from PyPI with this
   course (no root needed, and the same output on every machine);
3. the system's ``dot`` (``apt install graphviz``, ``brew install graphviz``,
   ``conda install graphviz``).
"""

import base64
import html
import os
import re
import shutil
import sys
import sysconfig

import graphviz
import graphviz.backend.dot_command

from .engine import topological_order

__all__ = ["draw_graph", "GraphDrawing", "find_renderer", "configure_renderer", "GraphvizNotFoundError"]

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


# Drawings are laid out for a notebook column this many CSS pixels wide: JupyterLab at 1024 px
# with the file browser open leaves about 590. A drawing is shrunk to fit that, but never below
# MIN_SCALE of its natural size (11 pt labels stay at least 10 px): a bigger graph scrolls.
FIT_WIDTH = 590
MIN_SCALE = 0.7
_PX_PER_PT = 4 / 3  # browsers draw 1pt as 1.333 CSS pixels


def readable_names(root):
    """A name for every value in the graph: its label, else n1, n2, ... (values) or k1, k2, ... (constants).

    Unlabelled values are numbered in topological order, so the same
    expression always gets the same names; the drawing shows them too.
    """
    names, counts = {}, {"n": 0, "k": 0}
    for v in topological_order(root):
        if getattr(v, "label", ""):  # any Value-like object: a label is optional
            names[v] = v.label
        else:
            kind = "n" if v._prev else "k"
            counts[kind] += 1
            names[v] = f"{kind}{counts[kind]}"
    return names


def _number(x):
    return f"{x:.4g}"


def describe_graph(root, names, show_grad=True):
    """(title, summary) of ``root``'s graph for a screen reader: each step as a formula, then the values."""
    steps, values = [], []
    for v in topological_order(root):
        name = names[v]
        inputs = [names[child] for child in v._prev]
        op = str(v._op)
        if op in ("+", "*", "-", "/") and len(inputs) == 2:
            steps.append(f"{name} = {inputs[0]} {op} {inputs[1]}")
        elif op.startswith("**") and len(inputs) == 1:
            steps.append(f"{name} = {inputs[0]}{op}")
        elif op:
            steps.append(f"{name} = {op}({', '.join(inputs)})")
        value = f"{name} = {_number(v.data)}"
        values.append(value + (f" (grad {_number(v.grad)})" if show_grad else ""))
    title = f"Computation graph of {names[root]}"
    summary = "; ".join(steps) + (". " if steps else "") + "Values: " + ", ".join(values) + "."
    return title, summary


class GraphDrawing(graphviz.Digraph):
    """A ``graphviz.Digraph`` that a notebook shows fitted to the page width.

    ``.source``, ``.pipe()`` and ``.render()`` behave as for any Digraph;
    only the picture a notebook displays is resized (see ``svg``). Set
    ``title`` and ``summary`` and the SVG carries them as ``<title>`` and
    ``<desc>``, which screen readers announce in place of the picture.
    """

    title = ""
    summary = ""

    def _accessible(self, svg):
        """``svg`` with role="img", a <title> and a <desc> (when this drawing has them)."""
        if not self.title:
            return svg
        end = svg.index(">") + 1
        opening = svg[:end - 1] + ' role="img">'  # after width and height, which svg() reads
        text = f"<title>{html.escape(self.title)}</title>"
        if self.summary:
            text += f"<desc>{html.escape(self.summary)}</desc>"
        return opening + text + svg[end:]

    def _natural(self):
        """(SVG text, width px, height px) as Graphviz draws it, with its title and summary."""
        svg = self.pipe(format="svg", encoding="utf-8")
        svg = self._accessible(svg[svg.index("<svg"):])  # the XML prolog and comments are not wanted in HTML
        match = re.match(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"', svg)
        if not match:
            return svg, None, None, None
        width, height = (float(g) * _PX_PER_PT for g in match.groups())
        return svg, match.group(0), width, height

    def svg(self, inline=False, fit_width=FIT_WIDTH):
        """The drawing as SVG text, sized for a column ``fit_width`` pixels wide.

        A drawing narrower than that keeps its natural size; a wider one is
        shrunk to fit, but never below ``MIN_SCALE``, so its text stays
        readable and the page scrolls instead. The ``viewBox`` graphviz writes
        lets the browser scale the picture; ``max-width:100%`` asks it to
        where the SVG sits in the page itself.

        ``inline=True`` (for HTML, as the widgets use it) wraps the SVG in a
        horizontally scrolling block and makes it follow the column: 100 % of
        its width, at most the natural size, at least ``MIN_SCALE`` of it.
        """
        return self._sized(self._natural(), inline, fit_width)

    @staticmethod
    def _column_style(width):
        """CSS that follows the column between MIN_SCALE of ``width`` pixels and ``width`` itself."""
        return f"max-width:{width:.0f}px;min-width:{width * MIN_SCALE:.0f}px;height:auto"

    def _sized(self, natural, inline=False, fit_width=FIT_WIDTH):
        """``svg``, from the output of ``_natural`` (so one Graphviz run can serve several forms)."""
        svg, size, width, height = natural
        if size is None:
            return svg
        if inline:
            sized = f'<svg width="100%" preserveAspectRatio="xMinYMin meet" style="{self._column_style(width)}"'
            return f'<div class="mgc-graph" style="overflow-x:auto;max-width:100%">{svg.replace(size, sized, 1)}</div>'
        scale = max(MIN_SCALE, min(1.0, fit_width / width))
        sized = (f'<svg width="{width * scale:.0f}px" height="{height * scale:.0f}px" '
                 f'style="max-width:100%;height:auto"')
        return svg.replace(size, sized, 1)

    def html(self, natural=None):
        """The drawing as an ``<img>`` of its SVG, for a notebook's HTML output.

        JupyterLab shows a notebook it has not run itself ("untrusted") with
        ``<graphviz drawing>`` in place of every SVG output, and shows the SVGs
        it does show as images with no text alternative. An HTML ``<img>`` is
        shown in both cases, and its ``alt`` is the drawing's title and
        summary. Like ``svg(inline=True)`` it follows the column: at most the
        natural size, at least ``MIN_SCALE`` of it; the box scrolls beyond.
        ``natural`` is ``_natural()``'s output, when the caller has it already.
        """
        natural = natural or self._natural()
        width = natural[2]
        sizing = ('style="max-width:100%;height:auto"' if width is None else
                  f'style="width:100%;{self._column_style(width)}"')
        alt = ". ".join(part.rstrip(".") for part in (self.title, self.summary) if part) + "."
        source = base64.b64encode(self._sized(natural).encode("utf-8")).decode("ascii")
        # tabindex: a drawing wider than the column scrolls, and a keyboard must be able to scroll it
        return (f'<div class="mgc-graph" tabindex="0" style="overflow-x:auto;max-width:100%">'
                f'<img src="data:image/svg+xml;base64,{source}" alt="{html.escape(alt)}" {sizing}></div>')

    def _repr_image_svg_xml(self):
        return self.svg()

    def _repr_mimebundle_(self, include=None, exclude=None, **_):
        """HTML first (see ``html``), and the SVG itself for viewers that prefer it: one Graphviz run for both."""
        natural = self._natural()
        bundle = {"text/html": self.html(natural), "image/svg+xml": self._sized(natural)}
        if include is not None:
            bundle = {k: v for k, v in bundle.items() if k in include}
        return {k: v for k, v in bundle.items() if k not in (exclude or ())}

def draw_graph(root, highlight=(), rankdir="LR", show_grad=True, labels=None):
    """Draw the graph that produced ``root``, left to right.

    Every value is a box with its label, ``data`` and ``grad`` stacked;
    an operation gets its own small oval between its inputs and its output.
    An operation with many inputs (a neuron's fused ``w·x+b``, an n-ary
    sum) is still one oval, with an arrow from every input.

    ``highlight`` is a collection of Values to fill in gold, or a dict from
    Value to a Graphviz colour name. ``labels`` is an optional dict from
    Value to a name, shown for values that have no ``label`` of their own
    (e.g. ``{w: "w0" for ...}`` for a hand-built neuron's weights). Nodes
    are named by their position in a fixed traversal order, never by memory
    address, so the same expression always gives the same picture.

    Only ``data``, ``grad``, ``label``, ``_prev`` and ``_op`` are read, so
    any Value-like class with those attributes can be drawn.

    Returns a ``GraphDrawing`` (a ``graphviz.Digraph``): a notebook shows it
    fitted to the page; ``.render()`` or ``.pipe()`` write it out.
    """
    configure_renderer()
    colours = highlight if isinstance(highlight, dict) else dict.fromkeys(highlight, "gold")
    labels = labels or {}
    nodes = topological_order(root)
    names = {v: f"v{i}" for i, v in enumerate(nodes)}  # Values hash by identity

    dot = GraphDrawing(
        format="svg",
        graph_attr={"rankdir": rankdir, "nodesep": "0.12", "ranksep": "0.25"},
        node_attr={"fontname": "Helvetica", "fontsize": "11", "height": "0.3"},
        edge_attr={"arrowsize": "0.6"},
    )
    for v in nodes:
        name = names[v]
        label = getattr(v, "label", "") or labels.get(v, "")  # a student's first Value may have no label
        fields = [_escape(str(label))] if label else []
        fields.append(f"data {v.data:.4f}")
        if show_grad:
            fields.append(f"grad {v.grad:.4f}")
        text = " | ".join(fields)
        # In a left-to-right drawing a record's top-level fields stack vertically, which keeps
        # every box narrow; in a top-to-bottom one, braces do that.
        if rankdir not in ("LR", "RL"):
            text = "{ " + text + " }"
        style = {"style": "filled", "fillcolor": colours[v]} if v in colours else {}
        # A minimum width, so a box keeps its size while its grad changes (the stepper).
        dot.node(name, label=text, shape="record", width="1.0", **style)
        if v._op:
            op_name = name + "op"
            dot.node(op_name, label=_escape(str(v._op)), shape="ellipse", margin="0.02,0.01")
            dot.edge(op_name, name)
            for child in v._prev:
                dot.edge(names[child], op_name)
    readable = readable_names(root)
    readable.update({v: labels[v] for v in nodes if not getattr(v, "label", "") and v in labels})
    dot.title, dot.summary = describe_graph(root, readable, show_grad)
    return dot
