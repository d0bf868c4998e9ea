"""The wiggle explorer: nudge the leaves of an expression, compare the change with the gradient's prediction."""

import math

import ipywidgets as widgets

from ..engine import Value, topological_order
from .common import (PAGE_WIDTH, WIDE_LABEL, mark, Canvas, data_range, error_note, fmt, graph_box, graph_svg,
                     round_limits,
                     shows_errors, table)
from .stepper import readable_names


class WiggleExplorer(widgets.VBox):
    """One nudge slider per leaf; the output's real change vs Σ grad · h.

    Plot, table and graph tell one story: the table's gradients are taken at
    the base point (every h = 0) and predict the change Σ grad · h; the
    plot moves the selected leaf's h with the other nudges held where their
    sliders are, showing the real output (curve) and the prediction (dashed
    line), with the current point on each; the graph shows the nudged point.
    """

    def __init__(self, build, leaves, max_nudge=1.0, show_graph=True):
        if not leaves:
            raise ValueError("wiggle_explorer needs at least one leaf, e.g. wiggle_explorer(f, a=2.0).")
        self.build = build
        self.leaves = dict(leaves)
        self.max_nudge = max_nudge
        self.show_graph = show_graph
        self.sliders = {
            name: widgets.FloatSlider(
                value=0.0, min=-max_nudge, max=max_nudge, step=max_nudge / 100,
                description=f"h for {name}", readout_format=".3f", style=WIDE_LABEL,
                layout={"width": "330px"})
            for name in self.leaves
        }
        self.selected = widgets.Dropdown(options=list(self.leaves), description="plot against h of",
                                         style=WIDE_LABEL, layout={"width": "330px"})
        self.readout = widgets.HTML()
        self.errors, self.error_note = [], error_note()
        self.graph = graph_box()
        self.base_output, self.base_grads = self._evaluate({})
        self._setup_plot()
        self.plot = self._canvas.widget
        controls = widgets.VBox(list(self.sliders.values()) + [self.selected], layout={"width": "340px"})
        children = [widgets.HTML("<b>Wiggle explorer</b>: nudge a leaf by h and watch the output"),
                    widgets.HBox([controls, self.plot], layout={"flex_flow": "row wrap"}),
                    self.error_note, self.readout]
        if show_graph:
            children += [widgets.HTML(
                "The graph at the nudged point (nudged leaves in gold). Its data and grads are taken "
                "there; the table's grads are at the base point, so they differ once you nudge."),
                self.graph]
        super().__init__(children)
        mark(self, "wiggle-explorer", live=(self.readout,), leaf=self.selected, **{f"h-{n}": s for n, s in self.sliders.items()})
        for slider in self.sliders.values():
            slider.observe(self._update, names="value")
        self.selected.observe(self._update, names="value")
        self._update()

    def _evaluate(self, nudges, backward=True):
        """Build the expression at leaves + nudges; return (output Value, grads by name)."""
        values = {
            name: Value(data + nudges.get(name, 0.0), label=name)
            for name, data in self.leaves.items()
        }
        out = self.build(**values)
        if not isinstance(out, Value):
            raise TypeError("wiggle_explorer: the function must return a Value built from its arguments.")
        if backward:
            out.backward()
        return out, {name: v.grad for name, v in values.items()}

    def _output(self, nudges):
        """The output at leaves + nudges, or nan outside the expression's domain."""
        try:
            return self._evaluate(nudges, backward=False)[0].data
        except (ValueError, ZeroDivisionError, OverflowError):
            return math.nan

    def state(self):
        """The numbers on display: nudges, grads, actual and predicted change."""
        nudges = {name: s.value for name, s in self.sliders.items()}
        nudged, _ = self._evaluate(nudges)
        actual = nudged.data - self.base_output.data
        predicted = sum(self.base_grads[n] * h for n, h in nudges.items())
        difference = actual - predicted
        # Float round-off (1e-15 here, 1e-16 on another CPU) is not a second-order effect: show 0.
        if abs(difference) <= 1e-12 * max(1.0, abs(nudged.data), abs(self.base_output.data)):
            difference = 0.0
        return {
            "nudges": nudges, "grads": dict(self.base_grads), "output": nudged.data,
            "base": self.base_output.data, "actual": actual, "predicted": predicted,
            "difference": difference, "nudged_root": nudged,
        }

    @shows_errors
    def _update(self, _change=None):
        s = self.state()
        rows = [[("leaf", n), (f"h_{n}", fmt(h)), (f"grad_{n}", fmt(s["grads"][n])),
                 (f"pred_{n}", fmt(s["grads"][n] * h))] for n, h in s["nudges"].items()]
        summary = table(
            [[("base", fmt(s["base"])), ("output", fmt(s["output"])), ("actual", fmt(s["actual"])),
              ("predicted", fmt(s["predicted"])), ("difference", fmt(s["difference"]))]],
            ["output before", "output after", "actual change", "predicted Σ grad·h", "difference"],
        )
        self.readout.value = table(rows, ["leaf", "h", "grad at base point", "grad · h"]) + summary
        self._draw(s)
        if self.show_graph:
            nudged = [v for v in topological_order(s["nudged_root"])
                      if v.label in s["nudges"] and s["nudges"][v.label] != 0 and not v._prev]
            # Unlabelled values get the stepper's names (n1, n2, ..., constants k1, ...), so every box is named.
            names = {v: n for v, n in readable_names(s["nudged_root"]).items() if not v.label}
            self.graph.value = graph_svg(s["nudged_root"], highlight=nudged, labels=names)

    def _setup_plot(self):
        self._canvas = Canvas(PAGE_WIDTH - 340, 320, margins=dict(left=0.15, right=0.97, bottom=0.15, top=0.9),
                              alt=("the output as one leaf is nudged by h, the real change against the gradient's "
                                   "straight-line prediction"))
        ax = self._canvas.axes[0]
        # The real output is a broad pale line under the dashed prediction, so both stay
        # visible even where they coincide (an output linear in the leaf).
        self._curve, = ax.plot([], [], color="tab:blue", lw=4, alpha=0.45, label="real output")
        self._prediction, = ax.plot([], [], color="black", lw=1.3, ls="--",
                                    label="prediction: before + Σ grad·h")
        self._marker, = ax.plot([], [], "o", color="tab:blue", ms=8, label="output after")
        self._predicted_marker, = ax.plot([], [], "x", color="black", ms=8, mew=2, label="predicted")
        self._canvas.animate(self._curve, self._prediction, self._marker, self._predicted_marker)
        ax.set_ylabel("output")
        ax.legend(fontsize=9, loc="best")
        self._hs = [self.max_nudge * (i / 50 - 1) for i in range(101)]

    def _draw(self, s):
        name = self.selected.value
        ax = self._canvas.axes[0]
        grad = s["grads"][name]
        others = {n: h for n, h in s["nudges"].items() if n != name}
        other_prediction = sum(s["grads"][n] * h for n, h in others.items())
        outputs = [self._output({**others, name: h}) for h in self._hs]
        predictions = [s["base"] + other_prediction + grad * h for h in self._hs]
        self._curve.set_data(self._hs, outputs)
        self._prediction.set_data(self._hs, predictions)
        h_now = s["nudges"][name]
        self._marker.set_data([h_now], [s["output"]])
        self._predicted_marker.set_data([h_now], [s["base"] + s["predicted"]])
        ax.set_xlabel(f"h of {name} (grad at base {grad:.3g}; other nudges held)")
        # A margin on every side, so the markers at h = ±max_nudge sit inside the frame, not on it.
        pad = 0.06 * self.max_nudge
        ax.set_xlim(-self.max_nudge - pad, self.max_nudge + pad)
        values = [v for v in outputs + predictions if math.isfinite(v)]
        if values:
            low, high = min(values), max(values)
            room = 0.06 * (high - low) or 0.5
            ax.set_ylim(*round_limits(low - room, high + room))
        return self._canvas.show({0: data_range(self._hs * 2, outputs + predictions)} if values else None)


def wiggle_explorer(build, max_nudge=1.0, show_graph=True, **leaves):
    """Nudge each leaf of an expression and compare the change with the gradient's prediction.

    ``build`` takes one Value per leaf, by name, and returns the output:

        wiggle_explorer(lambda a, b, c, f: (a * b + c) * f, a=2.0, b=-3.0, c=10.0, f=-2.0)
    """
    return WiggleExplorer(build, leaves, max_nudge=max_nudge, show_graph=show_graph)
