"""The step-size explorer: gradient descent under a learning-rate slider."""

import math

import ipywidgets as widgets
from matplotlib.ticker import FuncFormatter, LogLocator

from ..engine import Value
from .common import (PAGE_WIDTH, mark, WIDE_LABEL, Canvas, data_range, decade_limits, error_note, fmt,
                     integer_ticks, shows_errors,
                     slider_layout, table)
from .derivative import lecture_polynomial

# Learning rates offered by the slider: round numbers, dense around the parabola's
# thresholds 1/6 (zig-zags start) and 1/3 (steps stop converging).
LEARNING_RATES = (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.32, 0.33,
                  0.34, 0.35, 0.4, 0.5, 0.7, 1.0, 2.0, 5.0, 10.0)
GAP_FLOOR = 1e-16  # a gap of exactly 0 cannot sit on a log axis; it is drawn here
GAP_CEILING = 1e12  # a gap beyond this has left the picture: drawn as gone, with a marker


def describe_run(losses, grad_norms, moves=None, tol=1e-4):
    """Name what a gradient-descent run did, in the words the lecture uses.

    ``losses`` and ``grad_norms`` hold one entry per point visited; ``moves``
    (optional) the change of a 1-D parameter at each step, to spot zig-zags.
    Returns "diverged" (blew up), "diverging" (growing), "converged",
    "converged (zig-zagging)", "converging", "converging (zig-zagging)",
    "oscillating" (zig-zags that do not settle) or "slow crawl".
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
    settling = grad_norms[-1] < 0.05 * grad_norms[0]
    if zigzag:
        return "converging (zig-zagging)" if settling else "oscillating"
    return "converging" if settling else "slow crawl"


def descend_1d(f, x0, lr, steps):
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


def train_toy_mlp(lr, steps, seed=0):
    """MLP(3, [4, 4, 1], tanh) on the lecture's four samples with MSE: losses and grad norms."""
    from ..datasets import toy_dataset
    from ..losses import mse_loss
    from ..nn import MLP

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


def minimum_on(f, lo, hi):
    """The smallest value of f on [lo, hi]: a grid, then golden-section search around its best point."""
    grid = [lo + (hi - lo) * i / 400 for i in range(401)]
    best = min(range(len(grid)), key=lambda i: f(grid[i]))
    a, b = grid[max(best - 1, 0)], grid[min(best + 1, len(grid) - 1)]
    ratio = (math.sqrt(5) - 1) / 2
    for _ in range(80):
        c, d = b - ratio * (b - a), a + ratio * (b - a)
        if f(c) < f(d):
            b = d
        else:
            a = c
    return min(f(grid[best]), f((a + b) / 2))


def _compact(y, _position=None):
    return f"{y:g}"


class StepSizeExplorer(widgets.VBox):
    """A learning-rate slider and a step count; the run's fate in words and a plot."""

    PROBLEMS = ("1-D function", "MLP on the toy set")
    GAP_RANGE = {True: (1e-16, 1e2), False: (1e-6, 1e1)}  # the loss axis, for the 1-D problem and the MLP

    def __init__(self, f=lecture_polynomial, x0=-1.0, lr=0.05, steps=30, problem="1-D function",
                 x_range=(-3.0, 4.5)):
        if problem not in self.PROBLEMS:
            raise ValueError(f"problem must be one of {self.PROBLEMS}, got {problem!r}.")
        rates = sorted(set(LEARNING_RATES) | {lr})
        self.f = f
        self.x0 = x0
        self.x_range = x_range
        self.f_min = minimum_on(f, *x_range)
        self.problem = widgets.ToggleButtons(options=self.PROBLEMS, value=problem)
        self.lr_slider = widgets.SelectionSlider(
            options=[(f"{r:g}", r) for r in rates], value=lr, description="learning rate",
            style=WIDE_LABEL, layout=slider_layout(330))
        self.steps_slider = widgets.IntSlider(value=steps, min=1, max=200, description="steps",
                                              layout=slider_layout())
        self.readout = widgets.HTML()
        self.errors, self.error_note = [], error_note()
        self._setup_plot()
        self.plot = self._canvas.widget
        super().__init__([
            widgets.HTML("<b>Step-size explorer</b>: how big a step should gradient descent take?"),
            self.problem,
            widgets.HBox([self.lr_slider, self.steps_slider], layout={"flex_flow": "row wrap"}),
            self.readout, self.error_note, self.plot])
        mark(self, "step-size-explorer", problem=self.problem, lr=self.lr_slider, steps=self.steps_slider)
        for control in (self.problem, self.lr_slider, self.steps_slider):
            control.observe(self._update, names="value")
        self._update()

    def state(self):
        """Run descent with the current settings; return the history and its verdict.

        ``gaps`` is what the right-hand plot shows: the loss minus its smallest
        possible value (f's minimum on the plotted range; 0 for the MSE loss).
        """
        lr, steps = self.lr_slider.value, self.steps_slider.value
        if self.problem.value == self.PROBLEMS[0]:
            xs, losses, grads = descend_1d(self.f, self.x0, lr, steps)
            verdict = describe_run(losses, grads, moves=[b - a for a, b in zip(xs, xs[1:])])
            floor = min([self.f_min] + [v for v in losses if math.isfinite(v)])
        else:
            xs = None
            losses, grads = train_toy_mlp(lr, steps)
            verdict = describe_run(losses, grads, tol=1e-3)
            floor = 0.0
        gaps = [v - floor for v in losses]
        return {"lr": lr, "steps": steps, "xs": xs, "losses": losses, "grads": grads, "gaps": gaps,
                "verdict": verdict, "final_loss": losses[-1]}

    @shows_errors
    def _update(self, _change=None):
        s = self.state()
        self.readout.value = table(
            [[("lr", f"{s['lr']:g}"), ("steps", s["steps"]), ("final_loss", fmt(s["final_loss"])),
              ("verdict", s["verdict"])]],
            ["learning rate", "steps", "final loss", "what happened"],
        )
        self._draw(s)

    def _setup_plot(self):
        self._canvas = Canvas(PAGE_WIDTH, 300, panels=2,
                              margins=dict(left=0.08, right=0.98, bottom=0.16, top=0.9, wspace=0.3))
        left, right = self._canvas.axes
        lo, hi = self.x_range
        grid = [lo + (hi - lo) * i / 200 for i in range(201)]
        self._curve, = left.plot(grid, [self.f(g) for g in grid], color="black", lw=1.2)
        self._iterates, = left.plot([], [], "-o", color="tab:red", ms=3, lw=0.8)
        self._escaped, = left.plot([], [], ">", color="tab:red", ms=10, clip_on=False)
        self._mlp_note = left.text(
            0.5, 0.5, "MLP(3, [4, 4, 1]), tanh,\nMSE on the lecture's 4 samples",
            fontsize=10, ha="center", va="center", transform=left.transAxes)
        left.set_xlim(lo, hi)
        left.set(xlabel="x", ylabel="f(x)")
        self._gap, = right.plot([], [], "-", color="tab:blue", lw=1.4, marker=".", ms=3)
        self._blowup, = right.plot([], [], "^", color="tab:red", ms=9, clip_on=False)
        self._verdict = right.text(0.5, 1.03, "", transform=right.transAxes, ha="center", fontsize=10)
        self._stopped = right.text(0.98, 0.04, "", transform=right.transAxes, ha="right", fontsize=9,
                                   color="tab:red")
        self._canvas.animate(self._curve, self._iterates, self._escaped, self._mlp_note, self._gap,
                             self._blowup, self._verdict, self._stopped)
        right.set_yscale("log")
        right.yaxis.set_major_formatter(FuncFormatter(_compact))
        right.yaxis.set_minor_locator(LogLocator(subs=()))
        integer_ticks(right.xaxis)
        right.set_xlabel("step")

    def _draw(self, s):
        left, right = self._canvas.axes
        one_d = s["xs"] is not None
        self._curve.set_visible(one_d)
        self._iterates.set_visible(one_d)
        self._escaped.set_visible(one_d)
        self._mlp_note.set_visible(not one_d)
        left.axison = one_d
        if one_d:
            lo, hi = self.x_range
            shown = [(x, y) for x, y in zip(s["xs"], s["losses"]) if lo <= x <= hi]
            self._iterates.set_data([x for x, _ in shown], [y for _, y in shown])
            # The first iterate beyond the panel: a red arrowhead on the edge it crossed.
            gone = next((x for x in s["xs"] if not lo <= x <= hi), None)
            edge = None if gone is None else (hi if not gone < lo else lo)
            self._escaped.set_data([edge] if edge is not None else [], [self.f(edge)] if edge is not None else [])
            self._escaped.set_marker(">" if edge == hi else "<")
            left.set_title("iterates on the curve", fontsize=10)
            right.set_ylabel("f(x) − min f (log scale)")
        else:
            left.set_title("")
            right.set_ylabel("loss (log scale)")
        steps = list(range(len(s["gaps"])))
        # Beyond GAP_CEILING a run has left any useful picture: drawn as gone, like inf and nan.
        gaps = [max(g, GAP_FLOOR) if math.isfinite(g) and g <= GAP_CEILING else math.nan for g in s["gaps"]]
        self._gap.set_data(steps, gaps)
        finite = [g for g in gaps if math.isfinite(g)] or [1.0]
        low, high = min(finite), max(finite)
        # A fixed range that grows only when a run leaves it: the same picture for neighbouring
        # learning rates, and the axes need redrawing only when a run blows up.
        bottom, top = decade_limits(min(low, self.GAP_RANGE[one_d][0]), max(high, self.GAP_RANGE[one_d][1]))
        right.set_ylim(bottom, top)
        # A run that blew up: a red marker at the top edge, at the step where the loss left the plot.
        blown = [k for k, g in zip(steps, gaps) if not math.isfinite(g)]
        self._blowup.set_data(blown[:1], [top] if blown else [])
        # A run that stopped early (its numbers overflowed) keeps the axis of the steps asked for,
        # and says where it stopped, instead of quietly drawing a shorter run.
        right.set_xlim(-0.5, max(s["steps"], 1) + 0.5)
        stopped = steps[-1] < s["steps"]
        self._stopped.set_text(f"stopped at step {steps[-1]} of {s['steps']}: overflow" if stopped else "")
        decades = math.log10(top / bottom)
        subs = (1.0,) if decades > 3 else (1.0, 2.0, 5.0) if decades > 1 else tuple(range(1, 10))
        right.yaxis.set_major_locator(LogLocator(subs=subs, numticks=8))
        self._verdict.set_text(s["verdict"])
        self._verdict.set_color("tab:red" if s["verdict"].startswith("diverg") else "black")
        return self._canvas.show({1: data_range(steps, gaps)})


def step_size_explorer(f=lecture_polynomial, x0=-1.0, lr=0.05, steps=30, problem="1-D function"):
    """Gradient descent under a learning-rate slider: crawl, converge, oscillate or diverge.

    ``problem`` is "1-D function" (``f`` of one Value, from ``x0``) or
    "MLP on the toy set"; a toggle switches between them.
    """
    return StepSizeExplorer(f, x0=x0, lr=lr, steps=steps, problem=problem)
