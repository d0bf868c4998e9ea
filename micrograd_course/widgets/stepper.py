"""The backprop stepper: the backward pass one node at a time, narrated and highlighted."""

import html

import ipywidgets as widgets

from ..engine import topological_order
from ..graph import readable_names  # noqa: F401 -- also imported from here by wiggle.py
from .common import fmt, graph_box, graph_svg, mark, strong_button

_RULES = {
    "+": "passes its grad through unchanged",
    "*": "each input gets the other input's data × out.grad",
    "tanh": "input gets (1 − out²) × out.grad",
    "ReLU": "input gets out.grad if it was positive, else 0",
    "sigmoid": "input gets out·(1 − out) × out.grad",
    "exp": "input gets out × out.grad",
    "log": "input gets (1 / input) × out.grad",
}

LINE_HEIGHT = 24  # px per line of narration; the readout is sized for the longest step


def rule_for(op):
    """The local rule of an operation, in words."""
    if op in _RULES:
        return _RULES[op]
    if op.startswith("**"):
        return "input gets n·a^(n−1) × out.grad"
    if "w·x" in op or "w*x" in op:  # a neuron's fused weighted sum, one node
        return "each weight gets its input × out.grad, each input its weight × out.grad, the bias out.grad"
    return "each input gets its local derivative × out.grad"


class BackpropStepper(widgets.VBox):
    """Buttons that run the backward pass one node at a time, with the graph highlighted."""

    def __init__(self, root):
        self.root = root
        # Only nodes with children have a local rule to run.
        self.order = [v for v in reversed(topological_order(root)) if v._prev]
        self.names = readable_names(root)
        self._auto_names = {v: n for v, n in self.names.items() if not v.label}
        self.position = 0
        self.back_button = widgets.Button(description="◀ back")
        self.step_button = strong_button("step ▶", "primary")
        self.reset_button = widgets.Button(description="reset")
        most_inputs = max((len(v._prev) for v in self.order), default=0)
        # Fixed height: one line for the step, one per child written, one for "done". It sits
        # below the graph, so the graph starts right under the buttons and nothing jumps as you step.
        self.readout = widgets.HTML(layout={"min_height": f"{LINE_HEIGHT * (most_inputs + 2)}px"})
        self.graph = graph_box()
        super().__init__([
            widgets.HTML("<b>Backprop stepper</b>: one node's chain rule at a time "
                         "(unlabelled values are named n1, n2, ... and constants k1, k2, ... in the graph)"),
            widgets.HBox([self.back_button, self.step_button, self.reset_button]),
            self.graph, self.readout])
        mark(self, "backprop-stepper", live=(self.readout,), back=self.back_button, step=self.step_button,
             reset=self.reset_button, readout=self.readout)
        self.step_button.on_click(lambda _b: self.step())
        self.back_button.on_click(lambda _b: self.back())
        self.reset_button.on_click(lambda _b: self.reset())
        self.reset()

    def _replay(self, position):
        for v in topological_order(self.root):
            v.grad = 0.0
        self.root.grad = 1.0
        for node in self.order[:position]:
            node._backward()
        self.position = position
        self._update()

    def reset(self):
        """Zero every grad and seed the output with 1."""
        self._replay(0)

    def step(self):
        """Run the next node's local chain rule."""
        if self.position < len(self.order):
            self.order[self.position]._backward()
            self.position += 1
            self._update()

    def back(self):
        """Undo one step (by replaying from the start)."""
        self._replay(max(0, self.position - 1))

    def _formula(self, node):
        """e.g. 'n3 = n1 + n2' or 'o = tanh(n4)'."""
        inputs = [self.names[c] for c in node._prev]
        op = node._op
        if op in ("+", "*") or (len(inputs) > 2 and not op.isidentifier()):
            joiner = {"+": " + ", "*": " · "}.get(op)
            right = joiner.join(inputs) if joiner else f"{op}({', '.join(inputs)})"
        elif op.startswith("**"):
            right = f"{inputs[0]}{op}"
        else:
            right = f"{op}({', '.join(inputs)})"
        return f"{self.names[node]} = {right}"

    def _describe(self, node):
        lines = [
            f'<p style="margin:0" data-name="step">step {self.position} of {len(self.order)}: '
            f"<b>{html.escape(self._formula(node))}</b> ({html.escape(node._op)}) "
            f"{html.escape(rule_for(node._op))}</p>"]
        for child, local in zip(node._prev, node._local_grads):
            write = (f"{self.names[child]}.grad += {fmt(local)} × {fmt(node.grad)} "
                     f"→ {fmt(child.grad)}")
            lines.append(f'<p style="margin:0;font-family:monospace" data-name="writes">'
                         f"{html.escape(write)}</p>")
        return "".join(lines)

    def _update(self):
        self.step_button.disabled = self.position >= len(self.order)
        self.back_button.disabled = self.position == 0
        if self.position == 0:
            self.readout.value = ('<p style="margin:0" data-name="step">step 0 of '
                                  f"{len(self.order)}: output grad seeded with 1</p>")
            highlight = {self.root: "gold"}
        else:
            node = self.order[self.position - 1]
            self.readout.value = self._describe(node)
            if self.position == len(self.order):
                self.readout.value += ('<p style="margin:0;font-weight:600" data-name="done">done: every '
                                       "grad is filled in; they match what backward() computes</p>")
            highlight = {child: "lightblue" for child in node._prev}
            highlight[node] = "gold"
        self.graph.value = graph_svg(self.root, highlight=highlight, labels=self._auto_names)


def backprop_stepper(root):
    """Step through ``root``'s backward pass one node at a time (grads are reset first)."""
    return BackpropStepper(root)
