"""micrograd_course: a small, readable, fast scalar autograd engine for teaching.

    >>> from micrograd_course import Value
    >>> x = Value(3.0)
    >>> y = x * x + 2 * x
    >>> y.backward()
    >>> x.grad           # dy/dx = 2x + 2
    8.0
"""

from .engine import Value, topological_order, detect_anomaly
from .nn import Module, Neuron, Layer, MLP
from .optim import SGD
from . import datasets, losses

__version__ = "0.1.0"

__all__ = [
    "Value", "topological_order", "detect_anomaly", "Module", "Neuron", "Layer", "MLP", "SGD",
    "datasets", "losses", "draw_graph",
]


def draw_graph(root, **kwargs):
    """Draw the computation graph of ``root`` (see ``micrograd_course.graph.draw_graph``)."""
    # Imported on first use, so the engine itself never needs graphviz installed.
    from .graph import draw_graph as _draw_graph
    return _draw_graph(root, **kwargs)
