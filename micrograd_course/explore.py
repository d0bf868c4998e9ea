"""Interactive explorers for the lectures, built on ipywidgets.

Every explorer is a widget (display it, or put it in a layout) that keeps
its controls as attributes, so a notebook, a test or a benchmark can move a
slider from code and read what the widget now shows:

- ``derivative_explorer``: slope of f at x by a secant of width h.
- ``wiggle_explorer``: nudge the leaves of an expression, compare the real
  change of the output with the gradient's prediction.
- ``step_size_explorer``: gradient descent with a learning-rate slider.
- ``backprop_stepper``: the backward pass one node at a time.

Plots are drawn with matplotlib's Agg canvas into PNG images and graphs
into SVG, so the widgets behave the same in JupyterLab, Voila and tests.
"""

import html
import io
import math

import ipywidgets as widgets
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import LogFormatter, LogLocator, NullFormatter, NullLocator

from .engine import Value, topological_order
from .graph import draw_graph

__all__ = [
    "derivative_explorer", "wiggle_explorer", "step_size_explorer", "backprop_stepper",
    "DerivativeExplorer", "WiggleExplorer", "StepSizeExplorer", "BackpropStepper",
]


# ----------------------------------------------------------------------
# Small helpers shared by the explorers.
# ----------------------------------------------------------------------

class _Canvas:
    """A matplotlib figure that is drawn once and then only updated.

    Creating axes and laying out tick labels is most of matplotlib's cost;
    keeping the figure and moving the lines' data keeps a redraw well under
    100 ms. Uses the Agg canvas directly: no pyplot, no global state.
    """

    def __init__(self, width, height, panels=1):
        self.figure = Figure(figsize=(width, height), dpi=72)
        self.figure.subplots_adjust(left=0.1 if panels > 1 else 0.17, right=0.97, bottom=0.17, top=0.88, wspace=0.35)
        axes = self.figure.subplots(1, panels)
        self.axes = list(axes) if panels > 1 else [axes]
        self._canvas = FigureCanvasAgg(self.figure)

    def png(self):
        buffer = io.BytesIO()
        self._canvas.print_png(buffer)
        return buffer.getvalue()


def _rescale(ax):
    ax.relim()
    ax.autoscale_view()


def _plain_log_labels(axis):
    """Label a log axis as 1e-05 rather than with mathtext, at most 5 labels, no minor ticks.

    Tick labels are most of what a redraw costs; this keeps it fast.
    """
    axis.set_major_locator(LogLocator(numticks=5))
    axis.set_major_formatter(LogFormatter(labelOnlyBase=True))
    axis.set_minor_locator(NullLocator())
    axis.set_minor_formatter(NullFormatter())


def _svg(root, **kwargs):
    """The drawing of ``root`` as SVG text, ready for an HTML widget."""
    svg = draw_graph(root, **kwargs).pipe(format="svg").decode("utf-8")
    svg = svg[svg.index("<svg"):]  # drop the XML prolog; HTML does not want it
    # Shrink a wide graph to the page instead of cutting it off (the viewBox keeps proportions).
    return svg.replace("<svg ", '<svg style="max-width:100%;height:auto" ', 1)


def _fmt(x):
    """A number for people: six decimals, or scientific notation when tiny or huge (nan/inf as words)."""
    x = x + 0.0  # turns -0.0 into 0.0, so a zero never prints as "-0.000000"
    if x != 0 and (abs(x) < 1e-4 or abs(x) >= 1e6):
        return f"{x:.4e}"
    return f"{x:.6f}"


def _table(rows, header):
    """A small HTML table; every cell gets a data-name so tests can find it."""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = ""
    for row in rows:
        cells = "".join(
            f'<td data-name="{html.escape(str(name))}">{html.escape(str(value))}</td>'
            for name, value in row
        )
        body += f"<tr>{cells}</tr>"
    return (
        '<table style="border-collapse:collapse;font-family:monospace" cellpadding="3">'
        f"<tr>{head}</tr>{body}</table>"
    )


# ----------------------------------------------------------------------
# Derivative explorer.
# ----------------------------------------------------------------------

def _lecture_polynomial(x):
    return 3 * x ** 2 - 4 * x + 5


def true_slope(f, x):
    """df/dx at x by backprop (f must accept a Value)."""
    leaf = Value(x)
    f(leaf).backward()
    return leaf.grad


def secant_slope(f, x, h):
    """The first lecture's estimate: (f(x + h) - f(x)) / h, on plain floats."""
    return (f(x + h) - f(x)) / h


class DerivativeExplorer(widgets.VBox):
    """Sliders for x and h; a plot of f with the secant and the tangent."""

    def __init__(self, f=_lecture_polynomial, x=3.0, x_range=(-1.0, 4.0), name="f(x) = 3x² − 4x + 5"):
        self.f = f
        self.x_range = x_range
        self.x_slider = widgets.FloatSlider(
            value=x, min=x_range[0], max=x_range[1], step=0.01, description="x",
            continuous_update=True, readout_format=".2f")
        self.h_slider = widgets.FloatLogSlider(
            value=0.1, base=10, min=-16, max=0, step=0.25, description="h",
            readout_format=".1e")
        self.readout = widgets.HTML()
        self.plot = widgets.Image(format="png")
        title = widgets.HTML(f"<b>Derivative explorer</b>: {html.escape(name)}")
        self._setup_plot()
        super().__init__([title, widgets.HBox([self.x_slider, self.h_slider]), self.readout, self.plot])
        self.x_slider.observe(self._update, names="value")
        self.h_slider.observe(self._update, names="value")
        self._update()

    def state(self):
        """What the widget shows, as numbers: x, h, secant, true slope, error, verdict."""
        x, h = self.x_slider.value, self.h_slider.value
        secant = secant_slope(self.f, x, h)
        exact = true_slope(self.f, x)
        error = abs(secant - exact)
        if error <= 1e-6 * max(1.0, abs(exact)):
            verdict = "good: the secant slope matches the tangent"
        elif h >= 1e-6:
            verdict = "h too large: the secant cuts across the curve (error shrinks with h)"
        else:
            verdict = "h too small: float round-off in f(x+h) − f(x) dominates (error grows as h shrinks)"
        return {"x": x, "h": h, "secant": secant, "slope": exact, "error": error, "verdict": verdict}

    def _update(self, _change=None):
        s = self.state()
        self.readout.value = _table(
            [[("x", _fmt(s["x"])), ("h", f"{s['h']:.1e}"), ("secant", _fmt(s["secant"])),
              ("slope", _fmt(s["slope"])), ("error", f"{s['error']:.2e}")]],
            ["x", "h", "(f(x+h) − f(x)) / h", "true slope (backprop)", "|difference|"],
        ) + f'<p data-name="verdict">{html.escape(s["verdict"])}</p>'
        self.plot.value = self._draw(s)

    def _setup_plot(self):
        f, (lo, hi) = self.f, self.x_range
        self._canvas = _Canvas(8.0, 3.0, panels=2)
        curve, errors = self._canvas.axes
        grid = [lo + (hi - lo) * i / 200 for i in range(201)]
        values = [f(g) for g in grid]
        span = max(values) - min(values) or 1.0
        curve.plot(grid, values, color="black", lw=1.5, label="f")
        self._tangent, = curve.plot([], [], color="tab:green", lw=1, label="tangent")
        self._secant, = curve.plot([], [], color="tab:red", lw=1, ls="--", label="secant")
        self._points, = curve.plot([], [], "o", color="tab:red", ms=4)
        curve.set_xlim(lo, hi)
        curve.set_ylim(min(values) - 0.1 * span, max(values) + 0.1 * span)
        curve.set(xlabel="x", ylabel="f(x)")
        curve.set_title("secant vs tangent", fontsize=10)
        curve.legend(loc="upper left", fontsize=8)
        self._grid = grid
        self._hs = [10 ** (-e / 4) for e in range(0, 65)]
        self._error_curve, = errors.loglog(self._hs, [1.0] * len(self._hs), color="tab:blue", lw=1)
        self._error_point, = errors.loglog([1.0], [1.0], "o", color="tab:red")
        errors.set_xlim(1e-16, 1.0)
        errors.set_ylim(1e-17, 1e3)
        _plain_log_labels(errors.xaxis)
        _plain_log_labels(errors.yaxis)
        errors.set(xlabel="h", ylabel="|secant − slope|")
        errors.set_title("error of the estimate", fontsize=10)

    def _draw(self, s):
        f, x, grid = self.f, s["x"], self._grid
        fx = f(x)
        self._tangent.set_data(grid, [fx + s["slope"] * (g - x) for g in grid])
        self._secant.set_data(grid, [fx + s["secant"] * (g - x) for g in grid])
        h = min(s["h"], self.x_range[1] - self.x_range[0])
        self._points.set_data([x, x + h], [fx, f(x + h)])
        floor = 1e-17  # an error of exactly 0 cannot sit on a log axis
        self._error_curve.set_ydata([max(abs(secant_slope(f, x, h) - s["slope"]), floor) for h in self._hs])
        self._error_point.set_data([s["h"]], [max(s["error"], floor)])
        return self._canvas.png()


def derivative_explorer(f=_lecture_polynomial, x=3.0, x_range=(-1.0, 4.0), name="f(x) = 3x² − 4x + 5"):
    """Explore (f(x+h) − f(x)) / h: too large an h misses the curve, too small drowns in round-off.

    ``f`` must work on floats and on Values (write it with + - * / ** and
    Value methods), because the true slope comes from backprop.
    """
    return DerivativeExplorer(f, x, x_range, name)


# ----------------------------------------------------------------------
# Wiggle explorer.
# ----------------------------------------------------------------------

class WiggleExplorer(widgets.VBox):
    """One nudge slider per leaf; the output's real change vs grad * h."""

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
                description=f"h for {name}", readout_format=".3f",
                style={"description_width": "initial"})
            for name in self.leaves
        }
        self.selected = widgets.Dropdown(options=list(self.leaves), description="plot leaf")
        self.readout = widgets.HTML()
        self.plot = widgets.Image(format="png")
        self.graph = widgets.HTML()
        self.base_output, self.base_grads = self._evaluate({})
        self._setup_plot()
        controls = widgets.VBox(list(self.sliders.values()) + [self.selected])
        children = [widgets.HTML("<b>Wiggle explorer</b>: nudge a leaf by h and watch the output"),
                    widgets.HBox([controls, self.plot]), self.readout]
        if show_graph:
            children += [widgets.HTML("The graph at the nudged point (nudged leaves in gold):"), self.graph]
        super().__init__(children)
        for slider in self.sliders.values():
            slider.observe(self._update, names="value")
        self.selected.observe(self._update, names="value")
        self._update()

    def _evaluate(self, nudges):
        """Build the expression at leaves + nudges; return (output Value, grads by name)."""
        values = {
            name: Value(data + nudges.get(name, 0.0), label=name)
            for name, data in self.leaves.items()
        }
        out = self.build(**values)
        if not isinstance(out, Value):
            raise TypeError("wiggle_explorer: the function must return a Value built from its arguments.")
        out.backward()
        return out, {name: v.grad for name, v in values.items()}

    def state(self):
        """The numbers on display: nudges, grads, actual and predicted change."""
        nudges = {name: s.value for name, s in self.sliders.items()}
        nudged, _ = self._evaluate(nudges)
        actual = nudged.data - self.base_output.data
        predicted = sum(self.base_grads[n] * h for n, h in nudges.items())
        return {
            "nudges": nudges, "grads": dict(self.base_grads), "output": nudged.data,
            "base": self.base_output.data, "actual": actual, "predicted": predicted,
            "difference": actual - predicted, "nudged_root": nudged,
        }

    def _update(self, _change=None):
        s = self.state()
        rows = [[("leaf", n), (f"h_{n}", _fmt(h)), (f"grad_{n}", _fmt(s["grads"][n])),
                 (f"pred_{n}", _fmt(s["grads"][n] * h))] for n, h in s["nudges"].items()]
        summary = _table(
            [[("base", _fmt(s["base"])), ("output", _fmt(s["output"])), ("actual", _fmt(s["actual"])),
              ("predicted", _fmt(s["predicted"])), ("difference", _fmt(s["difference"]))]],
            ["output before", "output after", "actual change", "predicted Σ grad·h", "difference"],
        )
        self.readout.value = _table(rows, ["leaf", "h", "grad", "grad · h"]) + summary
        self.plot.value = self._draw(s)
        if self.show_graph:
            nudged = [v for v in topological_order(s["nudged_root"])
                      if v.label in s["nudges"] and s["nudges"][v.label] != 0 and not v._prev]
            self.graph.value = _svg(s["nudged_root"], highlight=nudged)

    def _setup_plot(self):
        self._canvas = _Canvas(4.2, 2.8)
        ax = self._canvas.axes[0]
        self._curve, = ax.plot([], [], color="black", lw=1.5, label="output")
        self._tangent, = ax.plot([], [], color="tab:green", lw=1, ls="--", label="base + grad · h")
        self._marker, = ax.plot([], [], "o", color="tab:red")
        ax.set_ylabel("output")
        ax.legend(fontsize=8)
        self._curves = {}  # leaf name -> (hs, outputs); the base point never changes

    def _curve_for(self, name):
        if name not in self._curves:
            hs = [self.max_nudge * (i / 50 - 1) for i in range(101)]
            outputs = []
            for h in hs:
                try:
                    outputs.append(self._evaluate({name: h})[0].data)
                except (ValueError, ZeroDivisionError, OverflowError):
                    outputs.append(math.nan)  # outside the function's domain
            self._curves[name] = hs, outputs
        return self._curves[name]

    def _draw(self, s):
        name = self.selected.value
        ax = self._canvas.axes[0]
        hs, outputs = self._curve_for(name)
        if self._curve.get_xdata() is not hs:  # another leaf selected: swap curves
            grad = s["grads"][name]
            self._curve.set_data(hs, outputs)
            self._tangent.set_data(hs, [s["base"] + grad * h for h in hs])
            ax.set_xlabel(f"nudge h of {name} (slope {grad:.3g})")
            _rescale(ax)
        h_now = s["nudges"][name]
        self._marker.set_data([h_now], [self._evaluate({name: h_now})[0].data])
        return self._canvas.png()


def wiggle_explorer(build, max_nudge=1.0, show_graph=True, **leaves):
    """Nudge each leaf of an expression and compare the change with the gradient's prediction.

    ``build`` takes one Value per leaf, by name, and returns the output:

        wiggle_explorer(lambda a, b, c, f: (a * b + c) * f, a=2.0, b=-3.0, c=10.0, f=-2.0)
    """
    return WiggleExplorer(build, leaves, max_nudge=max_nudge, show_graph=show_graph)


# ----------------------------------------------------------------------
# Step-size explorer.
# ----------------------------------------------------------------------

def describe_run(losses, grad_norms, moves=None, tol=1e-4):
    """Name what a gradient-descent run did, in the words the lecture uses.

    ``losses`` and ``grad_norms`` hold one entry per point visited; ``moves``
    (optional) the change of a 1-D parameter at each step, to spot zig-zags.
    Returns "diverged" (blew up), "diverging" (growing), "converged",
    "converged (zig-zagging)", "oscillating", "converging" or "slow crawl".
    """
    if not all(math.isfinite(v) for v in list(losses) + list(grad_norms)):
        return "diverged"
    if losses[-1] > 10 * abs(losses[0]) + 1e-12 or grad_norms[-1] > 1e3 * max(grad_norms[0], tol):
        return "diverged"
    if moves and len(moves) > 2:
        flips = sum(1 for a, b in zip(moves, moves[1:]) if a * b < 0)
        zigzag = flips >= 0.5 * (len(moves) - 1)
    else:
        zigzag = sum(1 for a, b in zip(losses, losses[1:]) if b > a) >= 0.25 * (len(losses) - 1)
    if grad_norms[-1] < tol:
        return "converged (zig-zagging)" if zigzag else "converged"
    if losses[-1] > losses[0]:
        return "diverging"
    if zigzag:
        return "oscillating"
    if grad_norms[-1] < 0.05 * grad_norms[0]:
        return "converging"
    return "slow crawl"


def _descend_1d(f, x0, lr, steps):
    """Gradient descent on a function of one Value: iterates, losses and |grad| at each."""
    xs, losses, grads = [], [], []
    x = x0
    for k in range(steps + 1):
        leaf = Value(x)
        try:
            out = f(leaf)
            out.backward()
        except (OverflowError, ValueError, ZeroDivisionError):  # blew up, or left f's domain
            losses.append(math.inf)
            grads.append(math.inf)
            break
        xs.append(x)
        losses.append(out.data)
        grads.append(abs(leaf.grad))
        if k == steps or not math.isfinite(out.data) or abs(x) > 1e150:
            break
        x = x - lr * leaf.grad
    return xs, losses, grads


def _train_toy_mlp(lr, steps, seed=0):
    """MLP(3, [4, 4, 1], tanh) on the lecture's four samples with MSE: losses and grad norms."""
    from .datasets import toy_dataset
    from .losses import mse_loss
    from .nn import MLP

    xs, ys = toy_dataset()
    model = MLP(3, [4, 4, 1], activation="tanh", seed=seed)
    params = model.parameters()
    losses, grads = [], []
    for k in range(steps + 1):
        try:
            loss = mse_loss([model(x) for x in xs], ys)
            model.zero_grad()
            loss.backward()
        except OverflowError:
            losses.append(math.inf)
            grads.append(math.inf)
            break
        losses.append(loss.data)
        grads.append(math.sqrt(sum(p.grad * p.grad for p in params)))
        if k == steps or not math.isfinite(loss.data):
            break
        for p in params:
            p.data -= lr * p.grad
    return losses, grads


class StepSizeExplorer(widgets.VBox):
    """A learning-rate slider (log scale) and a step count; the run's fate in words and a plot."""

    PROBLEMS = ("1-D function", "MLP on the toy set")

    def __init__(self, f=_lecture_polynomial, x0=-1.0, lr=0.05, steps=30, problem="1-D function",
                 x_range=(-3.0, 4.5)):
        if problem not in self.PROBLEMS:
            raise ValueError(f"problem must be one of {self.PROBLEMS}, got {problem!r}.")
        self.f = f
        self.x0 = x0
        self.x_range = x_range
        self.problem = widgets.ToggleButtons(options=self.PROBLEMS, value=problem)
        self.lr_slider = widgets.FloatLogSlider(
            value=lr, base=10, min=-3, max=1, step=0.05, description="learning rate",
            readout_format=".3g", style={"description_width": "initial"})
        self.steps_slider = widgets.IntSlider(value=steps, min=1, max=200, description="steps")
        self.readout = widgets.HTML()
        self.plot = widgets.Image(format="png")
        self._setup_plot()
        super().__init__([
            widgets.HTML("<b>Step-size explorer</b>: how big a step should gradient descent take?"),
            self.problem, widgets.HBox([self.lr_slider, self.steps_slider]), self.readout, self.plot])
        for control in (self.problem, self.lr_slider, self.steps_slider):
            control.observe(self._update, names="value")
        self._update()

    def state(self):
        """Run descent with the current settings; return the history and its verdict."""
        lr, steps = self.lr_slider.value, self.steps_slider.value
        if self.problem.value == self.PROBLEMS[0]:
            xs, losses, grads = _descend_1d(self.f, self.x0, lr, steps)
            verdict = describe_run(losses, grads, moves=[b - a for a, b in zip(xs, xs[1:])])
        else:
            xs = None
            losses, grads = _train_toy_mlp(lr, steps)
            verdict = describe_run(losses, grads, tol=1e-3)
        return {"lr": lr, "steps": steps, "xs": xs, "losses": losses, "grads": grads,
                "verdict": verdict, "final_loss": losses[-1]}

    def _update(self, _change=None):
        s = self.state()
        self.readout.value = _table(
            [[("lr", f"{s['lr']:.3g}"), ("steps", s["steps"]), ("final_loss", _fmt(s["final_loss"])),
              ("verdict", s["verdict"])]],
            ["learning rate", "steps", "final loss", "what happened"],
        )
        self.plot.value = self._draw(s)

    def _setup_plot(self):
        self._canvas = _Canvas(7.5, 2.8, panels=2)
        left, right = self._canvas.axes
        lo, hi = self.x_range
        grid = [lo + (hi - lo) * i / 200 for i in range(201)]
        self._curve, = left.plot(grid, [self.f(g) for g in grid], color="black", lw=1.2)
        self._iterates, = left.plot([], [], "-o", color="tab:red", ms=3, lw=0.8)
        self._mlp_note = left.text(
            0.5, 0.5, "MLP(3, [4, 4, 1]), tanh,\nMSE on the lecture's 4 samples",
            fontsize=10, ha="center", va="center", transform=left.transAxes)
        left.set_xlim(lo, hi)
        left.set(xlabel="x", ylabel="f(x)")
        self._loss, = right.plot([], [], color="tab:blue", lw=1.2)
        right.set_yscale("log")
        _plain_log_labels(right.yaxis)
        right.set(xlabel="step", ylabel="loss (log scale)")

    def _draw(self, s):
        left, right = self._canvas.axes
        one_d = s["xs"] is not None
        self._curve.set_visible(one_d)
        self._iterates.set_visible(one_d)
        self._mlp_note.set_visible(not one_d)
        left.axison = one_d
        if one_d:
            lo, hi = self.x_range
            shown = [(x, y) for x, y in zip(s["xs"], s["losses"]) if lo <= x <= hi]
            self._iterates.set_data([x for x, _ in shown], [y for _, y in shown])
            left.set_title("iterates on the curve", fontsize=10)
        else:
            left.set_title("")
        finite = [v for v in s["losses"] if math.isfinite(v) and v > 0]
        self._loss.set_data(range(len(finite)), finite)
        _rescale(right)
        right.set_title(s["verdict"], fontsize=10,
                        color="tab:red" if s["verdict"].startswith("diverg") else "black")
        return self._canvas.png()


def step_size_explorer(f=_lecture_polynomial, x0=-1.0, lr=0.05, steps=30, problem="1-D function"):
    """Gradient descent under a learning-rate slider: crawl, converge, oscillate or diverge.

    ``problem`` is "1-D function" (``f`` of one Value, from ``x0``) or
    "MLP on the toy set"; a toggle switches between them.
    """
    return StepSizeExplorer(f, x0=x0, lr=lr, steps=steps, problem=problem)


# ----------------------------------------------------------------------
# Backprop stepper.
# ----------------------------------------------------------------------

_RULES = {
    "+": "passes its grad through unchanged",
    "*": "each input gets the other input's data × out.grad",
    "tanh": "input gets (1 − out²) × out.grad",
    "ReLU": "input gets out.grad if it was positive, else 0",
    "sigmoid": "input gets out·(1 − out) × out.grad",
    "exp": "input gets out × out.grad",
    "log": "input gets (1 / input) × out.grad",
}


def _name(v):
    """How the stepper refers to a value: its label, else its op, else its number."""
    if v.label:
        return v.label
    return f"[{v._op}]" if v._op else _fmt(v.data)


class BackpropStepper(widgets.VBox):
    """Buttons that run the backward pass one node at a time, with the graph highlighted."""

    def __init__(self, root):
        self.root = root
        # Only nodes with children have a local rule to run.
        self.order = [v for v in reversed(topological_order(root)) if v._prev]
        self.position = 0
        self.back_button = widgets.Button(description="◀ back")
        self.step_button = widgets.Button(description="step ▶", button_style="primary")
        self.reset_button = widgets.Button(description="reset")
        self.readout = widgets.HTML()
        self.graph = widgets.HTML()
        super().__init__([
            widgets.HTML("<b>Backprop stepper</b>: one node's chain rule at a time"),
            widgets.HBox([self.back_button, self.step_button, self.reset_button]),
            self.readout, self.graph])
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

    def _describe(self, node):
        name = _name(node)
        op = node._op
        rule = _RULES.get(op, "input gets n·a^(n−1) × out.grad" if op.startswith("**") else "local rule")
        writes = ", ".join(
            f"{_name(c)}.grad += {_fmt(local)} × {_fmt(node.grad)} → {_fmt(c.grad)}"
            for c, local in zip(node._prev, node._local_grads))
        return (f'<p data-name="step">step {self.position} of {len(self.order)}: node '
                f"<b>{html.escape(name)}</b> ({html.escape(op)}) {html.escape(rule)}</p>"
                f'<p data-name="writes">{html.escape(writes)}</p>')

    def _update(self):
        self.step_button.disabled = self.position >= len(self.order)
        self.back_button.disabled = self.position == 0
        if self.position == 0:
            self.readout.value = ('<p data-name="step">step 0 of '
                                  f"{len(self.order)}: output grad seeded with 1</p>")
            highlight = {self.root: "gold"}
        else:
            node = self.order[self.position - 1]
            self.readout.value = self._describe(node)
            highlight = {child: "lightblue" for child in node._prev}
            highlight[node] = "gold"
        self.graph.value = _svg(self.root, highlight=highlight)


def backprop_stepper(root):
    """Step through ``root``'s backward pass one node at a time (grads are reset first)."""
    return BackpropStepper(root)
